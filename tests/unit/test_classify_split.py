"""The packaged classifier, the tiers and the splitter's own rules, on the training family
(the evaluation family is for bench/accuracy.py alone)."""
import random

from clinidex.corpus import training
from clinidex.corpus.base import batch_fax, documents
from clinidex.doctypes import load_types
from clinidex.tiers import Tier, tier
from ingest.classify import load_classifier
from ingest.split import _page_marker, split_pages, without_header

TYPES = [t.key for t in load_types()]
BATCH_TYPES = [t for t in TYPES if t != "fax_cover_sheet"]


def test_tiers():
    assert tier(0.95) == Tier.automate and tier(0.9) == Tier.automate
    assert tier(0.89) == Tier.recommend and tier(0.6) == Tier.recommend
    assert tier(0.59) == Tier.escalate and tier(0.0) == Tier.escalate
    assert tier(0.95, apply=0.97, review=0.5) == Tier.recommend


def test_the_packaged_model_knows_every_type_and_reads_training_documents():
    classifier = load_classifier()
    assert sorted(classifier.labels) == sorted(TYPES)
    docs = documents(training, 99, 160, TYPES)
    guesses = classifier.classify_many(["\n\n".join("\n".join(p) for p in d.pages) for d in docs])
    right = sum(g.type_key == d.type_key for g, d in zip(guesses, docs))
    assert right / len(docs) >= 0.97, right
    assert all(0.0 <= g.confidence <= 1.0 and g.ranked[0][0] == g.type_key for g in guesses)


def test_nothing_to_read_is_other_at_zero():
    for text in ["", "   ", "\x00\x01 12 34 %%", "ab"]:
        guess = load_classifier().classify(text)
        assert (guess.type_key, guess.confidence) == ("other", 0.0)


def test_page_markers_and_header_lines():
    assert _page_marker("Patient: A B\nPage 2 of 3") == 2
    assert _page_marker("PAGE 1/4") == 1
    assert _page_marker("Page 5 of 3") is None and _page_marker("no marker here") is None
    header = "03/14/2026 10:22 FROM: (617) 555-0134 RIVERBEND CLINIC P. 2/7"
    assert without_header(f"{header}\nBody text") == "Body text"
    assert without_header("Body text\nmore") == "Body text\nmore"


def test_training_batch_faxes_split_at_the_true_boundaries():
    classifier = load_classifier()
    exact = 0
    for seed in range(20):
        fax = batch_fax(training, 7000 + seed, BATCH_TYPES)
        pieces = split_pages(["\n".join(p) for p in fax.pages], classifier)
        assert pieces[0].cover and pieces[0].pages == range(1, 2)
        exact += [(p.first, p.last) for p in pieces[1:]] == [(f, last) for _, f, last in fax.documents]
    assert exact >= 18, exact


def test_a_different_patient_starts_a_new_document_even_without_a_title():
    classifier = load_classifier()
    rng = random.Random(5)
    first = training.make_document(rng, "progress_note")
    second = training.make_document(rng, "progress_note")
    pages = ["\n".join(p) for p in first.pages + second.pages]
    pieces = split_pages(pages, classifier)
    assert [(p.first, p.last) for p in pieces] == [(1, len(first.pages)),
                                                  (len(first.pages) + 1, len(first.pages) + len(second.pages))]
