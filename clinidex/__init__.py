"""Clinidex shared base: settings, the document manifest and the object store.

Everything else (ingest, index, workers, api) builds on this package; it imports none of them,
except `clinidex.cli`, the composition root that wires the layers together for the command line.
"""
