"""IFED: the learned instruction-to-expression model (CAFT model, checkpoint, features, retrieval prior, reader).
Its training and evaluation live in ``i2fet_tools.ifed``."""
