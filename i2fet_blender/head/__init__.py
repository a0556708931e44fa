"""Heads: what a head must be before anything is written (``checks``), the default ICT head, which shape
keys play each ARKit channel (``key_map``), fitting the face model to any head (``fit``), a head from a photo."""
