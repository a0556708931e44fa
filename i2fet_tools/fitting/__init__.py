"""Fitting evaluation and synthetic heads."""
