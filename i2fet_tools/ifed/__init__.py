"""IFED training corpus, training loop, held-out evaluation and the MediaPipe judge."""
