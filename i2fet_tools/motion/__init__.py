"""Motion evaluation and synthetic takes."""
