"""Timing and transitions: plan scheduling and per-frame trajectories."""
