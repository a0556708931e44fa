"""Photo tools: the expression mapping from renders, the eval-photo evaluation and its sheets."""
