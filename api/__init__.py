"""Thin HTTP over the workers and the index."""
