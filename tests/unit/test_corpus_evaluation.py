"""The evaluation family of labelled documents: reproducible, every type made, every recorded
field sitting where it says and normalised by the rules of `clinidex.fields`, pages that fit a
fax, and batch faxes whose headers and cover sheet agree with their pages."""
import random
import re
from collections import Counter
from datetime import date, datetime

import pytest

from clinidex.corpus import evaluation
from clinidex.corpus.base import Sender, _header_fields, batch_fax, documents
from clinidex.doctypes import load_types
from clinidex.fields import COVER_FIELDS, DOCUMENT_FIELDS, norm_code, norm_name, norm_text, valid_npi

TYPES = [t.key for t in load_types()]
CLINICAL = [k for k in TYPES if k not in ("fax_cover_sheet", "other")]
CREDENTIAL_WORDS = {"md", "do", "np", "pa", "pa-c", "dnp", "aprn", "fnp", "fnp-c", "fnp-bc", "msn", "agnp-c",
                    "facs", "facp", "fcap", "phd", "mph", "dabr", "rn", "dr"}


@pytest.fixture(scope="module")
def docs():
    return documents(evaluation, 2024, 320, TYPES)


def _all_lines(doc):
    return [line for page in doc.pages for line in page]


def test_same_seed_same_documents_and_another_seed_others():
    assert documents(evaluation, 5, 40, TYPES) == documents(evaluation, 5, 40, TYPES)
    assert documents(evaluation, 5, 40, TYPES) != documents(evaluation, 6, 40, TYPES)
    assert batch_fax(evaluation, 9, TYPES) == batch_fax(evaluation, 9, TYPES)


def test_every_type_in_the_type_list_can_be_made():
    rng = random.Random(3)
    for key in TYPES:
        for _ in range(6):
            doc = evaluation.make_document(rng, key)
            assert doc.type_key == key
            assert 1 <= len(doc.pages) <= 3
            assert doc.fields, key
            if key == "fax_cover_sheet":
                assert len(doc.pages) == 1
            if key in CLINICAL:
                assert doc.patient is not None
    with pytest.raises(ValueError):
        evaluation.make_document(rng, "ransom_note")


def test_given_patient_and_sender_are_the_ones_written():
    rng = random.Random(8)
    patient, sender = evaluation.make_patient(rng), evaluation.make_sender(rng)
    for key in CLINICAL:
        doc = evaluation.make_document(rng, key, patient, sender)
        assert doc.patient == patient and doc.sender == sender
        truth = doc.truth()
        assert truth["patient_name"] == {norm_name(patient.given, patient.family)}
        assert truth.get("birth_date", {patient.birth_date.isoformat()}) == {patient.birth_date.isoformat()}
        assert truth.get("mrn", {norm_code(patient.mrn)}) == {norm_code(patient.mrn)}
        assert truth.get("fax", {sender.fax}) == {sender.fax}
        assert truth.get("facility", {norm_text(sender.facility)}) == {norm_text(sender.facility)}


def test_every_field_span_holds_its_value(docs):
    assert len(docs) >= 300
    for doc in docs:
        for f in doc.fields:
            assert 1 <= f.page <= len(doc.pages)
            assert doc.page_text(f.page)[f.start:f.end] == f.value, (doc.type_key, f)
            assert f.value.strip() == f.value and f.value


def test_field_names_are_the_known_ones(docs):
    for doc in docs:
        allowed = set(COVER_FIELDS) | {"patient_name"} if doc.type_key == "fax_cover_sheet" else set(DOCUMENT_FIELDS)
        assert {f.name for f in doc.fields} <= allowed, doc.type_key


def _check_normalised(f, doc):
    n = f.normalized
    if f.name in ("birth_date", "document_date", "service_date"):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", n) and date.fromisoformat(n).isoformat() == n
        assert date(1930, 1, 1) <= date.fromisoformat(n) <= date(2026, 12, 31)
    elif f.name == "sex":
        assert n in ("female", "male")
        assert doc.patient is None or n == doc.patient.sex
    elif f.name == "npi":
        assert valid_npi(n) and n == f.value
    elif f.name in ("phone", "fax"):
        assert re.fullmatch(r"\d{10}", n)
        assert re.sub(r"\D", "", f.value)[-10:] == n
    elif f.name in ("patient_name", "provider"):
        assert n == n.lower() and re.fullmatch(r"[a-z'\- ]+", n), n
        assert not set(n.split()) & CREDENTIAL_WORDS, n
        if f.name == "patient_name" and doc.patient is not None:
            assert n == norm_name(doc.patient.given, doc.patient.family)
    elif f.name == "mrn":
        assert n == norm_code(f.value) and re.fullmatch(r"[0-9A-Z]+", n)
    elif f.name in ("address", "facility", "mrn_issuer", "sender", "recipient"):
        assert n == norm_text(f.value) and n
    elif f.name == "page_count":
        assert n.isdigit() and n == f.value
    else:
        pytest.fail(f"unexpected field {f.name}")


def test_normalised_values_follow_the_rules(docs):
    seen = Counter()
    for doc in docs:
        for f in doc.fields:
            _check_normalised(f, doc)
            seen[f.name] += 1
    assert set(DOCUMENT_FIELDS) <= set(seen), set(DOCUMENT_FIELDS) - set(seen)


def test_names_drop_middle_names_and_credentials(docs):
    patient = [f for d in docs for f in d.fields if f.name == "patient_name"]
    provider = [f for d in docs for f in d.fields if f.name == "provider"]
    assert any("," in f.value for f in patient) and any("," not in f.value for f in patient)
    assert any(len(f.value.replace(",", "").split()) > len(f.normalized.split()) for f in patient)
    assert any(re.search(r"\b(MD|M\.D\.|DO|NP|PA-C)\b", f.value) for f in provider)
    for f in provider:
        assert f.value.lower() != f.normalized  # the credential is part of what is written


def test_written_forms_vary(docs):
    dob_shapes = {re.sub(r"[A-Za-z]+", "a", re.sub(r"\d", "9", f.value))
                  for d in docs for f in d.fields if f.name == "birth_date"}
    sexes = {f.value for d in docs for f in d.fields if f.name == "sex"}
    phones = {re.sub(r"\d", "9", f.value) for d in docs for f in d.fields if f.name == "phone"}
    assert len(dob_shapes) >= 3, dob_shapes
    assert len(sexes) >= 6, sexes
    assert len(phones) >= 3, phones
    first_lines = {re.sub(r"[A-Za-z0-9'&]+", "w", d.pages[0][0]).strip()[:6] for d in docs if d.type_key in CLINICAL}
    assert len(first_lines) >= 3  # letterheads differ in shape, not just in name


def test_lines_fit_a_fax_page(docs):
    for doc in docs:
        for line in _all_lines(doc):
            assert len(line) <= 90, line
            assert line.isascii() and "\t" not in line and "\n" not in line, line


def test_page_counts_one_two_and_three_all_occur(docs):
    counts = Counter(len(d.pages) for d in docs if d.type_key != "fax_cover_sheet")
    assert set(counts) == {1, 2, 3}
    assert counts[1] > counts[2] > counts[3]


def test_clinical_documents_identify_patient_and_date(docs):
    clinical = [d for d in docs if d.type_key in CLINICAL]
    truths = [d.truth() for d in clinical]
    assert all("patient_name" in t for t in truths)
    assert all("document_date" in t or "service_date" in t for t in truths)
    assert sum("birth_date" in t for t in truths) >= 0.9 * len(truths)
    assert sum("mrn" in t for t in truths) >= 0.6 * len(truths)
    assert sum("provider" in t for t in truths) >= 0.9 * len(truths)
    assert all("facility" in t for t in truths)


def test_continuation_pages_sometimes_repeat_the_patient(docs):
    repeats = [d for d in docs for n in range(2, len(d.pages) + 1)
               if any(f.page == n and f.name == "patient_name" for f in d.fields)]
    assert repeats


def test_other_mail_may_concern_no_patient():
    rng = random.Random(17)
    made = [evaluation.make_document(rng, "other") for _ in range(80)]
    anonymous = [d for d in made if d.patient is None]
    assert anonymous and len(anonymous) < len(made)
    assert all("patient_name" not in d.truth() for d in anonymous)


def test_cover_sheet_fields_and_layouts():
    rng = random.Random(4)
    shapes = set()
    for total in range(2, 30):
        sender = evaluation.make_sender(rng)
        page = evaluation.cover_sheet(rng, sender, total)
        text = "\n".join(page.lines)
        by_name = {}
        for f in page.fields:
            assert text[f.start:f.end] == f.value and f.page == 1
            by_name.setdefault(f.name, set()).add(f.normalized)
        assert by_name["page_count"] == {str(total)}
        assert by_name["fax"] == {sender.fax}
        assert by_name["sender"] == {norm_text(sender.facility)}
        assert by_name["recipient"]
        assert all(len(line) <= 90 and line.isascii() for line in page.lines)
        shapes.add(page.lines[0].strip()[:8])
    assert len(shapes) >= 2


def test_transmission_header_per_sender():
    sent = datetime(2026, 3, 9, 14, 5)
    formats = set()
    named = 0
    for name, _, _ in evaluation.FACILITIES:
        sender = Sender(name, "6145550134", "6145550100")
        header = evaluation.transmission_header(sent, sender, 3, 12)
        assert header == evaluation.transmission_header(sent, sender, 3, 12)
        assert len(header) <= 90 and header.isascii()
        found = {f.name for f in _header_fields(header, sender, 3)}
        assert "fax" in found, header
        named += "facility" in found
        assert "3" in re.findall(r"\d+", header) or "03" in re.findall(r"\d+", header) \
            or "003" in re.findall(r"\d+", header)
        formats.add(re.sub(r"[A-Z][A-Z &'-]+", "N", re.sub(r"\d", "9", header))[:12])
    assert len(formats) >= 2
    assert named >= len(evaluation.FACILITIES) / 2


def test_batch_fax_headers_and_cover_agree_with_the_pages():
    for seed in range(40):
        fax = batch_fax(evaluation, seed, TYPES)
        total = len(fax.pages)
        shapes = {re.sub(r"\d+", "#", page[0]) for page in fax.pages}
        assert len(shapes) == 1  # the same header line on every page, bar the numbers
        fax_number = {f.normalized for f in fax.header_fields if f.name == "fax"}
        assert fax_number == {fax.documents[0][0].sender.fax}
        for n, page in enumerate(fax.pages, start=1):
            numbers = [int(x) for x in re.findall(r"\d+", page[0])]
            assert n in numbers and total in numbers
            assert any(f.page == n and f.name == "fax" for f in fax.header_fields)
            assert all(len(line) <= 90 for line in page)
        counts = [f for f in fax.cover_fields if f.name == "page_count"]
        assert counts and all(int(f.normalized) == total for f in counts)
        cover_text = "\n".join(fax.pages[0])
        assert all(cover_text[f.start:f.end] == f.value for f in fax.cover_fields)
        assert [first for _, first, _ in fax.documents][0] == 2
        for doc, first, last in fax.documents:
            for f in doc.fields:
                assert fax.pages[first + f.page - 2] == doc.pages[f.page - 1]
                assert doc.page_text(f.page)[f.start:f.end] == f.value


def test_people_and_senders_pools():
    assert len(set(evaluation.FEMALE_GIVEN)) >= 50 and len(set(evaluation.MALE_GIVEN)) >= 50
    family = set(evaluation.FAMILY)
    assert len(family) >= 80
    assert any("-" in f for f in family) and any("'" in f for f in family) and any(" " in f for f in family)
    assert len({name for name, _, _ in evaluation.FACILITIES}) >= 25
    rng = random.Random(12)
    people = [evaluation.make_patient(rng) for _ in range(600)]
    years = [p.birth_date.year for p in people]
    assert min(years) >= 1930 and max(years) <= 2024
    assert any(y >= 2008 for y in years) and any(y < 1950 for y in years)
    assert len({re.sub(r"\d", "9", p.mrn) for p in people}) >= 2
    for p in people:
        assert re.fullmatch(r"[2-9]\d{9}", p.phone)
        assert re.fullmatch(r"[A-Z]{2}", p.state) and re.fullmatch(r"\d{5}", p.postcode)
        assert p.sex in ("female", "male")
    for _ in range(100):
        s = evaluation.make_sender(rng)
        assert re.fullmatch(r"\d{10}", s.fax) and re.fullmatch(r"\d{10}", s.phone) and s.fax != s.phone
