"""The training family of labelled synthetic documents: reproducible from a seed, every type
made, every labelled value found where its span says and normalised as `clinidex.fields` says,
pages shaped like fax pages, and enough variety in layout and wording to train on."""
import random
import re
from collections import Counter
from datetime import date, datetime

import pytest

from clinidex.corpus import training
from clinidex.corpus.base import batch_fax, documents
from clinidex.doctypes import load_types
from clinidex.fields import (COVER_FIELDS, DOCUMENT_FIELDS, norm_code, norm_digits, norm_name, norm_text,
                             valid_npi)

KEYS = [t.key for t in load_types()]
NOT_ABOUT_A_PATIENT = {"fax_cover_sheet", "other"}
CLINICAL = [k for k in KEYS if k not in NOT_ABOUT_A_PATIENT]
WRITTEN_DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%B %d, %Y", "%b %d, %Y", "%d-%b-%Y", "%Y-%m-%d",
                        "%m-%d-%Y", "%d %B %Y")


@pytest.fixture(scope="module")
def docs():
    return documents(training, 20240917, 336, KEYS)  # 21 of each type


def written_date(text: str) -> date:
    for fmt in WRITTEN_DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise AssertionError(f"unreadable date {text!r}")


def date_format(text: str) -> str:
    shapes = {r"\d{2}/\d{2}/\d{4}": "mm/dd/yyyy", r"\d{1,2}/\d{1,2}/\d{4}": "m/d/yyyy",
              r"\d{1,2}/\d{1,2}/\d{2}": "m/d/yy", r"[A-Z][a-z]{3,} \d{1,2}, \d{4}": "Month d, yyyy",
              r"[A-Z][a-z]{2} \d{1,2}, \d{4}": "Mon d, yyyy", r"\d{2}-[A-Za-z]{3}-\d{4}": "dd-Mon-yyyy",
              r"\d{4}-\d{2}-\d{2}": "iso", r"\d{2}-\d{2}-\d{4}": "mm-dd-yyyy",
              r"\d{1,2} [A-Z][a-z]+ \d{4}": "d Month yyyy"}
    return next(name for shape, name in shapes.items() if re.fullmatch(shape, text))


def line_before(doc, span) -> str:
    """The text on the span's line before it (the label a reader would see)."""
    text = doc.page_text(span.page)
    return text[text.rfind("\n", 0, span.start) + 1:span.start]


# -- reproducibility and coverage -------------------------------------------------------------

def test_same_seed_gives_the_same_documents_and_another_seed_does_not():
    first = documents(training, 11, 32, KEYS)
    again = documents(training, 11, 32, KEYS)
    other = documents(training, 12, 32, KEYS)
    assert [(d.pages, d.fields, d.patient, d.sender) for d in first] == \
        [(d.pages, d.fields, d.patient, d.sender) for d in again]
    assert [d.pages for d in first] != [d.pages for d in other]


def test_documents_do_not_depend_on_the_global_random_state():
    random.seed(1)
    first = training.make_document(random.Random(5), "consult_note")
    random.seed(2)
    random.random()
    again = training.make_document(random.Random(5), "consult_note")
    assert first == again


@pytest.mark.parametrize("key", KEYS)
def test_every_type_can_be_made(key):
    for seed in range(8):
        doc = training.make_document(random.Random(seed), key)
        assert doc.type_key == key
        assert 1 <= len(doc.pages) <= 3
        if key in CLINICAL:
            assert doc.patient is not None
            assert "patient_name" in doc.truth()


def test_an_unknown_type_is_refused():
    with pytest.raises(ValueError, match="no template"):
        training.make_document(random.Random(1), "progress_notes")


def test_given_patient_and_sender_are_the_ones_written():
    rng = random.Random(3)
    patient, sender = training.make_patient(rng), training.make_sender(rng)
    for key in CLINICAL:
        doc = training.make_document(rng, key, patient, sender)
        assert doc.patient == patient and doc.sender == sender
        assert doc.truth()["patient_name"] == {norm_name(patient.given, patient.family)}


def test_module_is_a_family():
    assert training.NAME == "training"
    for name in ("make_document", "make_patient", "make_sender", "cover_sheet", "transmission_header"):
        assert callable(getattr(training, name))


# -- labelled values --------------------------------------------------------------------------

def test_every_span_slices_to_its_value(docs):
    assert len(docs) >= 300
    for doc in docs:
        names = COVER_FIELDS if doc.type_key == "fax_cover_sheet" else DOCUMENT_FIELDS
        for f in doc.fields:
            assert f.name in names
            assert 1 <= f.page <= len(doc.pages)
            assert f.value and f.value == f.value.strip()
            assert doc.page_text(f.page)[f.start:f.end] == f.value, (doc.type_key, f)


def test_normalised_values_follow_the_field_rules(docs):
    credentials = re.compile(r"\b(md|m\.d\.|do|np|pa-c|phd|facs|facp|facep|dnp|aprn|fnp-c|dr)\b")
    for doc in docs:
        for f in doc.fields:
            value, norm = f.value, f.normalized
            if f.name in ("birth_date", "document_date", "service_date"):
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", norm)
                assert written_date(value) == date.fromisoformat(norm), f
            elif f.name == "sex":
                assert norm in {"female", "male"}
                assert value.lower() in {"f", "m", "female", "male", "woman", "man", "girl", "boy"}
                assert value.lower()[0] in ("f", "w", "g") if norm == "female" else value.lower()[0] in ("m", "b")
            elif f.name == "npi":
                assert valid_npi(norm) and norm == value
            elif f.name in ("phone", "fax"):
                assert re.fullmatch(r"\d{10}", norm) and norm_digits(value) == norm
                assert norm[3:6] != "555"
            elif f.name in ("patient_name", "provider"):
                assert norm == norm.lower() and not credentials.search(norm)
                assert all(token in value.lower() for token in norm.split())
            elif f.name == "mrn":
                assert norm == norm_code(value) and re.fullmatch(r"[0-9A-Z]+", norm)
            elif f.name == "page_count":
                assert norm == value and norm.isdigit()
            else:  # address, facility, sender, recipient, mrn_issuer
                assert norm == norm_text(value) and norm


def test_values_agree_with_the_patient_and_sender(docs):
    for doc in docs:
        truth = doc.truth()
        for name, values in truth.items():
            assert len(values) == 1, (doc.type_key, name, values)  # one value per field, however written
        p, s = doc.patient, doc.sender
        if doc.type_key == "fax_cover_sheet":
            assert truth["sender"] == {norm_text(s.facility)} and truth["fax"] == {s.fax}
            continue
        assert truth.get("facility", {norm_text(s.facility)}) == {norm_text(s.facility)}
        assert truth.get("mrn_issuer", {norm_text(s.facility)}) == {norm_text(s.facility)}
        assert truth.get("fax", {s.fax}) == {s.fax}
        if p is None:
            assert not {"patient_name", "birth_date", "sex", "mrn", "phone", "address"} & truth.keys()
            continue
        expected = {"patient_name": norm_name(p.given, p.family), "birth_date": p.birth_date.isoformat(),
                    "sex": p.sex, "mrn": norm_code(p.mrn), "phone": p.phone}
        for name, value in expected.items():
            assert truth.get(name, {value}) == {value}, (doc.type_key, name)
        if "address" in truth:
            (address,) = truth["address"]
            assert p.street.lower().split()[0] in address and p.postcode in address


def test_dates_are_plausible(docs):
    for doc in docs:
        truth = doc.truth()
        born = truth.get("birth_date")
        served = truth.get("service_date")
        written = truth.get("document_date")
        if born and served:
            assert next(iter(born)) <= next(iter(served))
        if served and written and doc.type_key not in ("consent_form", "insurance_correspondence"):
            assert next(iter(served)) <= next(iter(written))  # the visit comes before its note


def test_clinical_documents_identify_the_patient_and_date(docs):
    clinical = [d for d in docs if d.type_key in CLINICAL]
    share = lambda name: sum(name in d.truth() for d in clinical) / len(clinical)  # noqa: E731
    assert share("patient_name") == 1.0
    assert share("birth_date") >= 0.85
    assert share("mrn") >= 0.6
    assert sum(bool({"document_date", "service_date"} & d.truth().keys()) for d in clinical) / len(clinical) >= 0.9
    assert share("provider") >= 0.8 and share("facility") >= 0.9
    for name in ("phone", "address", "mrn_issuer", "service_date", "npi"):
        assert 0.1 <= share(name) <= 0.9, name  # sometimes stated, sometimes not


def test_repeated_values_are_each_labelled(docs):
    """A later page's continuation header repeats the patient's name, and that copy is labelled too."""
    later = [f for d in docs if d.type_key in CLINICAL for f in d.fields if f.page > 1 and f.name == "patient_name"]
    assert len(later) >= 20


# -- pages ------------------------------------------------------------------------------------

def test_lines_fit_a_fax_page(docs):
    for doc in docs:
        for page in doc.pages:
            assert 3 <= len(page) <= 70
            for line in page:
                assert len(line) <= 90, line
                assert line.isascii() and "\t" not in line and "\n" not in line
                assert all(ch.isprintable() for ch in line)
    sizes = [len(page) for doc in docs for page in doc.pages]
    assert 20 <= sum(sizes) / len(sizes) <= 45


def test_page_counts_are_one_to_three_with_one_page_most_common(docs):
    counts = Counter(len(d.pages) for d in docs)
    assert set(counts) == {1, 2, 3}
    assert counts[1] > counts[3] and counts[2] > counts[3]
    assert 0.35 <= counts[1] / len(docs) <= 0.7
    assert all(len(d.pages) == 1 for d in docs if d.type_key == "fax_cover_sheet")


def test_other_mail_sometimes_names_no_patient():
    made = [training.make_document(random.Random(seed), "other") for seed in range(80)]
    assert any(d.patient is None for d in made) and any(d.patient is not None for d in made)


# -- faxes ------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(25))
def test_batch_fax_pages_carry_the_header_and_the_cover_counts_them(seed):
    fax = batch_fax(training, seed, KEYS)
    total = len(fax.pages)
    sender = fax.documents[0][0].sender
    headers = [page[0] for page in fax.pages]
    assert len({re.sub(r"\d+", "9", h) for h in headers}) == 1  # one format for the whole fax
    for number, header in enumerate(headers, start=1):
        assert len(header) <= 90
        assert re.search(rf"(?<!\d)0*{number}\D{{1,4}}0*{total}(?!\d)", header), header
        assert sender.fax in re.sub(r"\D", "", header)
    counts = [f for f in fax.cover_fields if f.name == "page_count"]
    assert counts and all(int(f.normalized) == total for f in counts)
    cover = "\n".join(fax.pages[0])
    for f in fax.cover_fields:
        assert f.name in COVER_FIELDS and f.page == 1 and cover[f.start:f.end] == f.value
    for placed, first, last in fax.documents:
        assert 1 < first <= last <= total
        for f in placed.fields:
            assert placed.page_text(f.page)[f.start:f.end] == f.value
    for f in fax.header_fields:
        assert "\n".join(fax.pages[f.page - 1])[f.start:f.end] == f.value


def test_transmission_header_is_stable_and_comes_in_several_formats():
    rng = random.Random(8)
    sent = datetime(2026, 2, 3, 14, 5)
    shapes = set()
    for _ in range(60):
        sender = training.make_sender(rng)
        one = training.transmission_header(sent, sender, 2, 7)
        assert one == training.transmission_header(sent, sender, 2, 7)
        assert len(one) <= 90 and sender.fax in re.sub(r"\D", "", one)
        later = training.transmission_header(sent, sender, 6, 7)
        assert re.sub(r"\d+", "9", one) == re.sub(r"\d+", "9", later)
        shape = re.sub(r"[A-Za-z&'.]+", "A", re.sub(r"\d+", "9", one))
        shapes.add(tuple(shape.split()[:2]))
    assert len(shapes) >= 3
    named = sum(sender.facility.upper()[:20] in training.transmission_header(sent, sender, 1, 2).upper()
                for sender in {training.make_sender(random.Random(i)) for i in range(60)})
    assert named >= 30  # usually names the sender


def test_cover_sheets_state_sender_recipient_count_and_fax():
    rng = random.Random(4)
    orders = set()
    for total in list(range(1, 16)) * 4:
        sender = training.make_sender(rng)
        page = training.cover_sheet(rng, sender, total)
        text = "\n".join(page.lines)
        names = [f.name for f in page.fields]
        assert page.number == 1 and set(COVER_FIELDS) <= set(names)
        for f in page.fields:
            assert text[f.start:f.end] == f.value
            if f.name == "page_count":
                assert f.normalized == str(total)
            if f.name == "sender":
                assert f.normalized == norm_text(sender.facility)
            if f.name == "fax":
                assert f.normalized == sender.fax
        assert all(len(line) <= 90 for line in page.lines)
        assert re.search(r"confidential|privileged|HIPAA", text, re.I)
        orders.add(tuple(dict.fromkeys(names)))
    assert len(orders) >= 3


# -- people and senders -----------------------------------------------------------------------

def test_patients_are_varied_and_well_formed():
    rng = random.Random(9)
    people = [training.make_patient(rng) for _ in range(600)]
    today = date(2026, 1, 1)
    ages = [(today - p.birth_date).days / 365.25 for p in people]
    assert min(p.birth_date for p in people) >= date(1930, 1, 1)
    assert max(p.birth_date for p in people) <= date(2024, 12, 31)
    assert 0.05 <= sum(a < 18 for a in ages) / len(ages) <= 0.35
    assert {p.sex for p in people} == {"female", "male"}
    mrn_shapes = {re.sub(r"[A-Z]+", "A", re.sub(r"\d+", "9", p.mrn)) for p in people}
    assert len(mrn_shapes) >= 3
    for p in people:
        assert re.fullmatch(r"\d{10}", p.phone) and p.phone[3:6] != "555"
        assert re.fullmatch(r"[A-Z]{2}", p.state) and re.fullmatch(r"\d{5}", p.postcode)
        assert p.street and p.city
    assert len({p.phone[:3] for p in people}) >= 30
    assert len({p.family for p in people}) >= 80


def test_name_pools_are_large_and_diverse():
    assert len(set(training.FEMALE_GIVEN)) >= 60 and len(set(training.MALE_GIVEN)) >= 60
    family = set(training.FAMILY_NAMES)
    assert len(family) >= 100
    assert any("-" in n for n in family) and any("'" in n for n in family) and any(" " in n for n in family)


def test_senders_are_fictional_facilities_with_numbers():
    rng = random.Random(10)
    senders = [training.make_sender(rng) for _ in range(400)]
    assert len({s.facility for s in senders}) >= 30
    for s in senders:
        assert re.fullmatch(r"\d{10}", s.fax) and re.fullmatch(r"\d{10}", s.phone) and s.fax != s.phone
        assert "555" not in (s.fax[3:6], s.phone[3:6])


# -- variety ----------------------------------------------------------------------------------

def test_every_type_has_several_titles_and_its_own_sentences():
    kinds = {"consent_form": training.CONSENT_KINDS, "insurance_correspondence": training.INSURANCE_TITLES}
    for key in KEYS:
        if key in kinds:
            assert sum(len(v) for v in kinds[key].values()) >= 4
        elif key not in NOT_ABOUT_A_PATIENT:
            assert len(set(training.TITLES[key])) >= 4, key
            assert sum(len(v) for v in training.PHRASES[key].values()) >= 12, key


def test_layouts_and_labels_vary(docs):
    clinical = [d for d in docs if d.type_key in CLINICAL]

    def first_line_kind(doc):
        text = doc.page_text(1)
        first = next(i for i, line in enumerate(doc.pages[0]) if line.strip())
        start = sum(len(line) + 1 for line in doc.pages[0][:first])
        names = {f.name for f in doc.fields if f.page == 1 and start <= f.start < start + len(doc.pages[0][first])}
        line = text[start:start + len(doc.pages[0][first])].strip()
        if "facility" in names:
            return "facility"
        if "patient_name" in names:
            return "patient"
        if set(line) <= set("=-*#+| "):
            return "rule"
        return "title" if line.upper() == line else "other"

    assert len({first_line_kind(d) for d in clinical}) >= 4
    for name, least in (("patient_name", 8), ("birth_date", 6), ("mrn", 6)):
        labels = {re.sub(r"[\s:#.\-(|/]+$", "", line_before(d, f)).split("  ")[-1].strip().upper()
                  for d in clinical for f in d.fields if f.name == name}
        assert len(labels) >= least, (name, labels)
    # Where the patient's name sits relative to the sender's name differs between layouts.
    orders = Counter()
    for d in clinical:
        first = {f.name: f.start for f in reversed(d.fields) if f.page == 1}
        if "facility" in first:
            orders["facility first" if first["facility"] < first["patient_name"] else "patient first"] += 1
        else:
            orders["no letterhead"] += 1
    assert len(orders) == 3 and min(orders.values()) >= 5


def test_values_are_written_in_many_ways(docs):
    spans = [f for d in docs for f in d.fields]
    dates = Counter(date_format(f.value) for f in spans if f.name in ("document_date", "service_date", "birth_date"))
    assert len(dates) >= 5, dates
    assert "m/d/yy" not in {date_format(f.value) for f in spans if f.name == "birth_date"}
    orders = Counter()
    for f in spans:
        if f.name == "patient_name":
            shape = "family, given" if "," in f.value else "given family"
            orders[(shape, f.value.isupper(), bool(re.search(r" [A-Z]\.?( |$)", f.value)))] += 1
    assert len(orders) >= 5, orders
    assert len({f.value for f in spans if f.name == "sex"}) >= 5
    phones = {re.sub(r"\d", "9", f.value) for f in spans if f.name in ("phone", "fax")}
    assert len(phones) >= 5
    providers = {re.sub(r"[A-Za-z'-]+", "a", f.value) for f in spans if f.name == "provider"}
    assert len(providers) >= 4  # orders, middle initials, credentials, "Dr."


def test_documents_are_distinct_and_types_have_their_own_words(docs):
    texts = ["\n".join("\n".join(p) for p in d.pages) for d in docs]
    assert len(set(texts)) == len(texts)
    marks = {"operative_note": r"operating\s+room|incision|PACU|sponge|surgeon",
             "pathology_report": r"gross|microscopic|formalin",
             "laboratory_report": r"reference|ref range|\d-\d+(\.\d+)?\b|<\d",
             "imaging_report": r"impression|conclusion|summary",
             "consent_form": r"consent|authoriz", "insurance_correspondence": r"member|subscriber|policy #"}
    for doc, text in zip(docs, texts):
        if doc.type_key in marks:
            assert re.search(marks[doc.type_key], text, re.I), doc.type_key


# -- what tells the clinical note types apart -------------------------------------------------
# Consult notes, ED notes, progress notes, referrals and even payer letters carry the same
# history, exam and plan sections as an H&P; the types differ by their own cues, so those must
# be present and the shared sections must not belong to one type.

HEADING = r"(?im)^[\W\d]*({})\b"
EXAM = HEADING.format("physical examination|physical exam|exam|pe|examination")
PMH = HEADING.format("past medical history|pmh|medical history|past medical hx|problem list")
MEDS = HEADING.format("medications|current medications|home medications|outpatient medications|meds")
CONSENT_LANGUAGE = r"(?i)\bconsent|I hereby|authoriz|witness|legally authorized|revoke"
LOOKED_AT = ["consult_note", "emergency_department_note", "history_and_physical", "progress_note", "referral_note",
             "insurance_correspondence", "medication_list", "consent_form", "other"]


@pytest.fixture(scope="module")
def by_type():
    made = documents(training, 20250611, 70 * len(LOOKED_AT), LOOKED_AT)
    texts: dict[str, list[str]] = {}
    for d in made:
        texts.setdefault(d.type_key, []).append("\n".join("\n".join(p) for p in d.pages))
    return texts


def share(texts: list[str], pattern: str) -> float:
    return sum(bool(re.search(pattern, t)) for t in texts) / len(texts)


def test_consult_notes_carry_consult_cues_and_full_workups(by_type):
    consults = by_type["consult_note"]
    assert share(consults, r"(?i)consult") >= 0.95
    assert share(consults, r"(?i)request|referr|asked|consulted by") >= 0.85  # who asked, and why
    assert share(consults, r"(?i)recommend|\brecs\b") >= 0.85
    assert share(consults, r"(?i)will follow|follow along|sign off|thank") >= 0.6
    assert share(consults, EXAM) >= 0.5 and share(consults, PMH) >= 0.3
    # Inpatient, outpatient and ED consults, in many specialties.
    assert share(consults, r"(?i)inpatient|admitted|hospital day|primary team") >= 0.2
    assert share(consults, r"(?i)outpatient|clinic|office") >= 0.2
    specialties = {c.specialty for c in training.CONDITIONS}
    assert sum(any(s.lower() in t.lower() for t in consults) for s in specialties) >= 10


def test_emergency_notes_carry_ed_cues_and_history_and_exam(by_type):
    notes = by_type["emergency_department_note"]
    assert share(notes, r"(?i)emergency|\bED\b|\bER\b|triage|\bESI\b") == 1.0
    assert share(notes, r"(?i)disposition|discharged|admit|return") == 1.0
    assert share(notes, r"(?i)triage|\bESI\b|acuity|arrival") >= 0.8
    assert share(notes, EXAM) >= 0.5 and share(notes, PMH) >= 0.25


def test_history_and_physicals_say_what_they_are_for(by_type):
    notes = by_type["history_and_physical"]
    assert share(notes, r"(?i)history (and|&) physical|H&P|admi|pre-?op|annual|comprehensive|complete physical"
                        r"|wellness") == 1.0
    assert share(notes, r"(?i)admi") >= 0.5
    assert share(notes, r"(?i)pre-?op|surgery|surgical") >= 0.1
    assert share(notes, r"(?i)annual|comprehensive|complete physical|wellness|preventive") >= 0.08


def test_shared_sections_do_not_belong_to_the_h_and_p(by_type):
    hp = by_type["history_and_physical"]
    for other in ("consult_note", "emergency_department_note"):
        for pattern in (EXAM, PMH):
            assert share(by_type[other], pattern) >= 0.6 * share(hp, pattern), (other, pattern)
    for other in ("progress_note", "referral_note"):
        assert share(by_type[other], PMH) >= 0.15 and share(by_type[other], MEDS) >= 0.15, other


def test_progress_notes_and_referrals_keep_their_own_cues(by_type):
    assert share(by_type["progress_note"], r"(?i)follow|return|interval|since|hospital day|HD #|established|RTC"
                                           r"|recheck|progress") == 1.0
    referrals = by_type["referral_note"]
    assert share(referrals, r"(?i)refer") >= 0.8
    assert share(referrals, r"(?i)evaluat|assess|opinion|consult") >= 0.9


def test_payer_letters_are_about_coverage_even_when_they_quote_the_chart(by_type):
    letters = by_type["insurance_correspondence"]
    assert share(letters, r"(?i)member|subscriber|policy #") == 1.0
    assert share(letters, r"(?i)authoriz|coverage|claim|benefit|medical(ly)? necess|appeal") == 1.0
    assert share(letters, r"(?i)ICD|CPT|HCPCS|\b[A-Z]\d\d\.\d") >= 0.6
    assert share(letters, r"(?i)clinical (summary|information|history|rationale)|pertinent clinical") >= 0.3
    kinds = {kind for kind, titles in training.INSURANCE_TITLES.items()
             if any(title.lower() in t.lower() for title in titles for t in letters)}
    assert len(kinds) >= 8, kinds


def test_medication_lists_may_carry_problems_allergies_and_pharmacy(by_type):
    lists = by_type["medication_list"]
    assert share(lists, r"(?i)allerg") >= 0.8
    assert share(lists, r"(?i)pharmacy|rx #") >= 0.3
    assert share(lists, HEADING.format("problem list|active problems|active problem list|chronic conditions"
                                       "|diagnoses|past medical history|pmh|medical history|past medical hx")) >= 0.1
    assert share(lists, r"(?i)sig:|refills|prescriber|reconcil|discontinued|stopped") >= 0.5


def test_consents_come_in_many_kinds_and_other_mail_uses_no_consent_language(by_type):
    consents = by_type["consent_form"]
    assert share(consents, r"(?i)consent|authoriz|I agree") == 1.0
    assert share(consents, r"(?i)signature|witness") == 1.0
    kinds = {kind for kind, titles in training.CONSENT_KINDS.items()
             if any(title.lower() in t.lower() for title in titles for t in consents)}
    assert len(kinds) >= 7, kinds
    assert share(by_type["other"], CONSENT_LANGUAGE) == 0.0
