import re

from clinidex.doctypes import load_types
from clinidex.labelled import EVALUATION, TRAINING, evaluation_documents, make_npi, training_documents, valid_npi


def test_same_seed_same_documents():
    assert training_documents(3, 20) == training_documents(3, 20)
    assert training_documents(3, 20) != training_documents(4, 20)


def test_every_clinical_type_and_other_in_both_families():
    expected = {t.key for t in load_types() if t.clinical}
    for docs in (training_documents(1, 64), evaluation_documents(1, 64)):
        assert {d.type_key for d in docs} == expected


def test_spans_point_at_the_values():
    for doc in training_documents(5, 30) + evaluation_documents(5, 30):
        text = "\n".join(doc.pages[0])
        names = {f.name for f in doc.fields}
        assert {"patient_name", "birth_date", "sex", "mrn", "document_date", "provider", "npi", "facility",
                "fax"} <= names
        for f in doc.fields:
            assert text[f.start:f.end] == f.value
        assert valid_npi(next(f.value for f in doc.fields if f.name == "npi"))


def test_families_share_no_wording_and_no_senders():
    def phrases(family):
        texts = [t for ts in family.titles.values() for t in ts] + [s for ss in family.sentences.values() for s in ss]
        return {t.lower() for t in texts}

    assert not phrases(TRAINING) & phrases(EVALUATION)
    assert not set(TRAINING.facilities) & set(EVALUATION.facilities)
    assert not set(TRAINING.providers) & set(EVALUATION.providers)
    # No six-word run of one family's generated text appears in the other's.
    def runs(docs):
        out = set()
        for doc in docs:
            for line in doc.pages[0]:
                words = re.findall(r"[a-z]+", line.lower())
                out |= {" ".join(words[i:i + 6]) for i in range(len(words) - 5)}
        return out

    assert not runs(training_documents(9, 200)) & runs(evaluation_documents(9, 200))


def test_npi_check_digit():
    import random

    assert valid_npi("1234567893")  # the example NPI the CMS check-digit description works through
    assert not valid_npi("1234567890")
    rng = random.Random(0)
    assert all(valid_npi(make_npi(rng)) for _ in range(100))


def test_batch_fax_ranges_cover_the_pages_and_the_cover_counts_them():
    from clinidex.labelled import batch_fax

    for seed in range(30):
        fax = batch_fax(seed)
        covered = [n for _, first, last in fax.documents for n in range(first, last + 1)]
        assert covered == list(range(2, len(fax.pages) + 1)) and 2 <= len(fax.documents) <= 4
        count = next(f.value for f in fax.cover_fields if f.name == "page_count")
        assert int(count) == len(fax.pages)
        for number, page in enumerate(fax.pages, start=1):
            assert re.match(rf"\d\d/\d\d/\d{{4}} \d\d:\d\d FROM: \(555\) .* P\. {number}/{len(fax.pages)}$", page[0])
        assert all(len(line) <= 90 for page in fax.pages for line in page)
