"""Clip file formats: Live Link Face CSV and JSON."""
