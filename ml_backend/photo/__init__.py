"""Start from a photo: a textured head of the person and their expression, from one picture (see docs/photo.md)."""
