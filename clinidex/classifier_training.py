"""Train the document-type and page-boundary classifiers on the training family of the corpus.

    clinidex train-classifier            # writes clinidex/models/{doctype,boundary}

Reproducible: the corpus is generated from a fixed seed, spaCy's random state is fixed, and
examples are shuffled by a seeded generator, so the same command on the same package versions
gives the same model. A few minutes on two cores. Only the training family is used; the
evaluation family is for `bench/accuracy.py` alone.
"""
from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

from clinidex.corpus import training
from clinidex.corpus.base import LabelledDocument, documents
from clinidex.corpus.noise import damage
from clinidex.doctypes import load_types

FIRST_PAGE = "FIRST_PAGE"  # the boundary model's label, as ingest/classify.py reads it
MODEL_VERSION = "1"


@dataclass(frozen=True)
class Settings:
    seed: int = 7
    docs_per_type: int = 150
    epochs: int = 8
    # Share of documents also seen with OCR-like damage (clinidex/corpus/noise.py).
    noisy_share: float = 0.6
    # Hashed n-gram buckets: fewer collide more, more make a bigger file in the package.
    bow_length: int = 2 ** 16
    # "bow": hashed word n-grams only; "ensemble": those plus a small CNN over word pieces
    # (prefix, suffix, shape), which sees through unfamiliar wording and OCR damage better.
    architecture: str = "bow"


def examples(settings: Settings) -> tuple[list[tuple[str, str]], list[tuple[str, bool]]]:
    """(text, type) for whole documents and for each page of multi-page ones, and
    (page text, opens a document?) for the boundary model; some repeated with OCR damage."""
    keys = [t.key for t in load_types()]
    rng = random.Random(settings.seed)
    docs: list[LabelledDocument] = documents(training, settings.seed, settings.docs_per_type * len(keys), keys)
    typed: list[tuple[str, str]] = []
    boundary: list[tuple[str, bool]] = []
    for doc in docs:
        variants = [lambda t: t]
        if rng.random() < settings.noisy_share:
            rate = rng.uniform(0.01, 0.06)
            variants.append(lambda t, r=rate: damage(t, rng, r))
        pages = ["\n".join(lines) for lines in doc.pages]
        for vary in variants:
            typed.append((vary("\n\n".join(pages)), doc.type_key))
            for number, page in enumerate(pages, start=1):
                if len(pages) > 1:
                    typed.append((vary(page), doc.type_key))
                boundary.append((vary(page), number == 1))
    rng.shuffle(typed)
    rng.shuffle(boundary)
    return typed, boundary


def _train_textcat(nlp, data: list[tuple[str, dict]], settings: Settings, log) -> dict:
    from spacy.training import Example
    from spacy.util import minibatch

    egs = [Example.from_dict(nlp.make_doc(text), {"cats": cats}) for text, cats in data]
    optimizer = nlp.initialize(lambda: egs)
    rng = random.Random(settings.seed)
    losses: dict = {}
    for epoch in range(settings.epochs):
        rng.shuffle(egs)
        losses = {}
        for batch in minibatch(egs, size=32):
            nlp.update(batch, sgd=optimizer, drop=0.2, losses=losses)
        log(f"  epoch {epoch + 1}/{settings.epochs}: loss {losses.get('textcat', 0.0):.3f}")
    return losses


def _blank(exclusive: bool, labels: list[str], settings: Settings):
    import spacy

    nlp = spacy.blank("en")
    bow = {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": exclusive, "ngram_size": 2,
           "no_output_layer": False, "length": settings.bow_length}
    model = bow
    if settings.architecture == "ensemble":
        tok2vec = {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None, "width": 64,
                   "depth": 2, "embed_size": 2000, "window_size": 1, "maxout_pieces": 3,
                   "subword_features": True}
        model = {"@architectures": "spacy.TextCatEnsemble.v2", "tok2vec": tok2vec, "linear_model": bow}
    textcat = nlp.add_pipe("textcat" if exclusive else "textcat_multilabel", name="textcat",
                           config={"model": model, **({} if exclusive else {"threshold": 0.5})})
    for label in labels:
        textcat.add_label(label)
    return nlp


def train(out_dir: Path, settings: Settings = Settings(), log=print) -> dict:
    import spacy

    spacy.util.fix_random_seed(settings.seed)
    started = time.perf_counter()
    typed, boundary = examples(settings)
    keys = [t.key for t in load_types()]
    log(f"{len(typed)} type examples, {len(boundary)} page examples")

    log("document type:")
    doctype = _blank(True, keys, settings)
    _train_textcat(doctype, [(t, {k: float(k == y) for k in keys}) for t, y in typed], settings, log)
    log("page boundary:")
    pages = _blank(False, [FIRST_PAGE], settings)
    _train_textcat(pages, [(t, {FIRST_PAGE: float(first)}) for t, first in boundary], settings, log)

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, nlp in (("doctype", doctype), ("boundary", pages)):
        nlp.meta.update({"name": f"clinidex_{name}", "version": MODEL_VERSION,
                         "description": "Trained by `clinidex train-classifier` on clinidex.corpus.training"})
        nlp.to_disk(out_dir / name)
    figures = {"seconds": round(time.perf_counter() - started, 1), "type_examples": len(typed),
               "page_examples": len(boundary), "settings": settings.__dict__, "spacy": spacy.__version__}
    (out_dir / "training.json").write_text(json.dumps(figures, indent=2) + "\n")
    return figures
