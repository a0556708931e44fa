"""Instruction readers: phrase splitting and the lexicon baseline."""
