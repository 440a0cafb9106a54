"""Labelled synthetic documents for training and measuring classification and extraction.

Two families written independently, sharing no wording, layout, name pool or sender:
`clinidex.corpus.training` (what the classifier is trained on and the extractor is developed
against) and `clinidex.corpus.evaluation` (used only to measure). Each family makes documents
of every type with the true value and position of every field, cover sheets, and fax
transmission header lines; `clinidex.corpus.base.batch_fax` strings either family's documents
into batch faxes. Everything is made up from a seed: no real patient or provider appears.
"""
