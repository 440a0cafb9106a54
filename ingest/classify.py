"""Document type classification: the text of a document (or of one page) in, the type and how
sure the model is out.

The model is a spaCy text classifier trained by `clinidex train-classifier` on the project's
own labelled corpus (clinidex/corpus) and shipped in the package (clinidex/models); it is
loaded from there, never from the network. Two pipelines: `doctype` (exclusive classes, one
per type in clinidex/doctypes.json) and `boundary` (does this page open a document?), which
the batch-fax splitter uses. They are separate because spaCy checks every category of an
example against each classifier, and a page can be both a first page and a referral.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

OTHER = "other"
FIRST_PAGE = "FIRST_PAGE"
# Enough to read a title, the demographics and the opening of the body; a long discharge
# summary adds nothing past this but time.
MAX_CHARS = 6000


@dataclass(frozen=True)
class TypeGuess:
    type_key: str  # the model's best type; `other` when there was nothing to read
    confidence: float  # the model's probability for it, 0 when there was nothing to read
    ranked: list[tuple[str, float]] = field(default_factory=list)  # the top three, best first
    starts_document: float | None = None  # page-level only: probability the page opens a document


def default_model_dir() -> Path:
    return Path(str(resources.files("clinidex").joinpath("models")))


class DocTypeClassifier:
    def __init__(self, model_dir: str | Path | None = None) -> None:
        import spacy

        self.model_dir = Path(model_dir) if model_dir else default_model_dir()
        if not (self.model_dir / "doctype" / "meta.json").exists():
            raise FileNotFoundError(f"no classifier model in {self.model_dir}; run `clinidex train-classifier`")
        self.nlp = spacy.load(self.model_dir / "doctype")
        self.boundary = spacy.load(self.model_dir / "boundary")
        self.labels = list(self.nlp.get_pipe("textcat").labels)
        self.version = str(self.nlp.meta.get("version", "0"))
        self._lock = threading.Lock()  # spaCy pipelines are not documented as thread-safe

    def classify(self, text: str) -> TypeGuess:
        return self.classify_many([text])[0]

    def classify_many(self, texts: list[str], pages: bool = False) -> list[TypeGuess]:
        """One guess per text. With `pages`, each guess also says whether the page opens a document."""
        wanted = [i for i, t in enumerate(texts) if _readable(t)]
        guesses = [TypeGuess(OTHER, 0.0, [], 0.0 if pages else None) for _ in texts]
        clipped = [texts[i][:MAX_CHARS] for i in wanted]
        with self._lock:
            docs = list(self.nlp.pipe(clipped))
            starts = [d.cats.get(FIRST_PAGE, 0.0) for d in self.boundary.pipe(clipped)] if pages else []
        for n, (i, doc) in enumerate(zip(wanted, docs)):
            ranked = sorted(doc.cats.items(), key=lambda kv: kv[1], reverse=True)[:3]
            best, confidence = ranked[0]
            guesses[i] = TypeGuess(best, round(float(confidence), 4), [(k, round(float(v), 4)) for k, v in ranked],
                                   round(float(starts[n]), 4) if pages else None)
        return guesses


def _readable(text: str) -> bool:
    """Some letters to read: a blank or garbage page is `other` at confidence 0, not a guess."""
    return sum(c.isalpha() for c in text) >= 20


@lru_cache(maxsize=2)
def load_classifier(model_dir: str | None = None) -> DocTypeClassifier:
    return DocTypeClassifier(model_dir)
