"""IFED: the learned instruction-to-expression model (corpus, CAFT model, training, evaluation, reader)."""
