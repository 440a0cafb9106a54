"""Splitting a batch fax into its documents.

A fax server delivers one file per transmission: a cover sheet and often several documents,
sometimes for different patients. Each page is classified on its own (type, and whether it
opens a document) and read for the patient's identifiers; a page starts a new document when
the boundary model says so, when its patient identifiers contradict the document so far, or
when its type changes with confidence on both sides. Cover-sheet pages belong to the fax, not
to any document. The whole of each piece is then classified again, with all its text.

Input is the pages' text; the fax machine's header line at the top of each page is dropped
before classifying (it names the sender on every page and says nothing about the type).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.classify import DocTypeClassifier, TypeGuess
from ingest.extract import extract_fields, parse_transmission_header

COVER = "fax_cover_sheet"
STARTS = 0.5  # boundary model probability that opens a document
SURE = 0.9  # both sides of a type change must be this sure to cut on type alone
IDENTITY = ("birth_date", "mrn")  # one value per patient: a different one is a different patient
# A page that repeats the identifiers of the document before it is usually its continuation
# (many printouts repeat them on every page): the boundary model must then be this sure.
STARTS_SAME_PATIENT = 0.9
PAGE_OF = re.compile(r"(?i)\bpage\s*(\d{1,3})\s*(?:of|/)\s*(\d{1,3})\b")


@dataclass(frozen=True)
class Piece:
    first: int  # 1-based pages of the fax, inclusive
    last: int
    type_key: str
    confidence: float
    cover: bool = False  # the fax's own cover sheet

    @property
    def pages(self) -> range:
        return range(self.first, self.last + 1)


def without_header(page: str) -> str:
    first, _, rest = page.partition("\n")
    return rest if parse_transmission_header(first) is not None else page


def _identity(page: str) -> dict[str, str]:
    found = extract_fields([page])
    return {k: found[k].value for k in IDENTITY if k in found and found[k].confidence >= 0.9}


def _page_marker(body: str) -> int | None:
    """The page number a document prints on itself ("Page 2 of 3"), if any."""
    for match in PAGE_OF.finditer(body):
        number, total = int(match.group(1)), int(match.group(2))
        if 1 <= number <= total:
            return number
    return None


def split_pages(pages: list[str], classifier: DocTypeClassifier) -> list[Piece]:
    bodies = [without_header(p) for p in pages]
    guesses = classifier.classify_many(bodies, pages=True)
    identities = [_identity(b) for b in bodies]
    runs: list[list[int]] = []  # 0-based page indexes per piece
    covers: set[int] = set()
    current_ids: dict[str, str] = {}
    current_guess: TypeGuess | None = None
    for i, guess in enumerate(guesses):
        if guess.type_key == COVER and guess.confidence >= STARTS:
            covers.add(len(runs))
            runs.append([i])
            current_guess, current_ids = None, {}
            continue
        ids = identities[i]
        conflict = any(k in current_ids and current_ids[k] != v for k, v in ids.items())
        type_change = (current_guess is not None and guess.confidence >= SURE and current_guess.confidence >= SURE
                       and guess.type_key != current_guess.type_key)
        marker = _page_marker(bodies[i])
        if marker is not None:
            opens = marker == 1  # the document numbers its own pages: believe it
        else:
            same = any(current_ids.get(k) == v for k, v in ids.items())
            opens = (guess.starts_document or 0.0) >= (STARTS_SAME_PATIENT if same else STARTS)
        if current_guess is None or opens or conflict or type_change:
            runs.append([i])
            current_ids = dict(ids)
            current_guess = guess
        else:
            runs[-1].append(i)
            current_ids = {**ids, **current_ids}
    texts = ["\n\n".join(bodies[i] for i in run) for run in runs]
    whole = classifier.classify_many(texts)
    pieces = []
    for n, (run, guess) in enumerate(zip(runs, whole)):
        if n in covers:
            pieces.append(Piece(run[0] + 1, run[-1] + 1, COVER, guesses[run[0]].confidence, cover=True))
        else:
            pieces.append(Piece(run[0] + 1, run[-1] + 1, guess.type_key, guess.confidence))
    return pieces
