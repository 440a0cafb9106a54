"""How a search's words are read: tokens, quoted phrases, clinical synonyms and OCR-damaged
spellings. One reading serves the embedded backend's queries and the word boxes a viewer
highlights; OpenSearch reads the same synonym file through its analyzer (index/mappings).

Rules both backends follow:
- every clause must match; a clause is a word, a "quoted phrase", or a run of words that is
  an entry of the synonym list, which then matches any entry of its group as a phrase (the
  typed words too: OpenSearch's match query turns every multi-word path of a synonym graph
  into a phrase);
- when nothing matches, the search is run again with each word allowed the edit distance
  OpenSearch's `fuzziness: AUTO` allows (0 edits up to 2 letters, 1 up to 5, 2 beyond;
  a transposition counts as one edit), synonyms off, phrases read as words.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import OSA

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
QUOTED = re.compile(r'"([^"]*)"')
# OpenSearch's default for fuzzy queries: at most this many indexed terms per query word.
MAX_EXPANSIONS = 50


def fold(text: str) -> str:
    """Lower case without accents: what both indexes store (asciifolding / remove_diacritics)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def edits_allowed(term: str) -> int:
    return 0 if len(term) <= 2 else 1 if len(term) <= 5 else 2


Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Clause:
    """One required part of a query: any of its phrases (a phrase of one word is a word)."""

    phrases: tuple[Phrase, ...]
    quoted: bool = False

    @property
    def words(self) -> set[str]:
        return {w for p in self.phrases for w in p}


@lru_cache(maxsize=1)
def synonym_lines() -> tuple[str, ...]:
    """The synonym list, as OpenSearch's synonym_graph filter takes it."""
    text = resources.files("index").joinpath("data/synonyms.txt").read_text()
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=1)
def synonym_groups() -> dict[Phrase, tuple[Phrase, ...]]:
    """Each entry (as tokens) -> every entry of its group, itself first."""
    groups: dict[Phrase, tuple[Phrase, ...]] = {}
    for line in synonym_lines():
        entries = [tuple(tokens(e)) for e in line.split(",")]
        entries = [e for e in entries if e]
        for entry in entries:
            others = tuple(e for e in entries if e != entry)
            groups[entry] = (entry, *dict.fromkeys(groups.get(entry, ())[1:] + others))
    return groups


def parse(text: str, synonyms: bool = True) -> list[Clause]:
    clauses: list[Clause] = []
    position = 0
    for quoted in QUOTED.finditer(text):
        clauses += _plain(text[position:quoted.start()], synonyms)
        words = tuple(tokens(quoted.group(1)))
        if words:
            group = synonym_groups().get(words) if synonyms else None
            clauses.append(Clause(group or (words,), quoted=True))
        position = quoted.end()
    clauses += _plain(text[position:], synonyms)
    return clauses


def _plain(text: str, synonyms: bool) -> list[Clause]:
    words = tokens(text)
    if not synonyms:
        return [Clause(((w,),)) for w in words]
    groups = synonym_groups()
    longest = max((len(k) for k in groups), default=1)
    clauses, i = [], 0
    while i < len(words):
        # The longest run of words that is a synonym entry, as the synonym_graph filter takes it.
        for size in range(min(longest, len(words) - i), 0, -1):
            run = tuple(words[i:i + size])
            if run in groups:
                clauses.append(Clause(groups[run]))
                i += size
                break
        else:
            clauses.append(Clause(((words[i],),)))
            i += 1
    return clauses


def fuzzy_matches(term: str, candidates) -> list[str]:
    """The indexed terms a query word stands for when spelt with OCR damage: within its edit
    distance, closest first, at most MAX_EXPANSIONS."""
    allowed = edits_allowed(term)
    if allowed == 0:
        return [term] if term in candidates else []
    scored = []
    for candidate in candidates:
        if abs(len(candidate) - len(term)) > allowed:
            continue
        distance = OSA.distance(term, candidate, score_cutoff=allowed)
        if distance <= allowed:
            scored.append((distance, candidate))
    scored.sort()
    return [c for _, c in scored[:MAX_EXPANSIONS]]


def word_matches(word: str, clauses: list[Clause], fuzzy: bool) -> bool:
    """Whether a word on a page (as OCR read it, punctuation and all) is one a search for
    these clauses matched: the viewer highlights its box."""
    parts = tokens(word)
    if not parts:
        return False
    targets = {w for c in clauses for w in c.words}
    if not fuzzy:
        return any(p in targets for p in parts)
    return any(OSA.distance(p, t) <= edits_allowed(t) for p in parts for t in targets)
