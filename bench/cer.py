"""Character error rate (CER) of an OCR reading against the known text.

    cer(reference, hypothesis) = Levenshtein distance / len(reference)

Both sides are whitespace-normalised first (runs of spaces, tabs and newlines collapse to one
space; ends stripped), so line breaks and column spacing do not count as errors but a lost or
extra word boundary does. The result can exceed 1.0 when the reading has much more text than
the reference.
"""
from __future__ import annotations

from rapidfuzz.distance import Levenshtein


def normalise(text: str) -> str:
    return " ".join(text.split())


def cer(reference: str, hypothesis: str) -> float:
    """Levenshtein distance / reference length after whitespace normalisation. An empty
    reference gives 0.0 for an empty hypothesis and 1.0 otherwise."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)
