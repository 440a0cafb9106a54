"""Synthetic indexed documents for the search and reindex benchmarks (and the reindex tests).

Texts come from the labelled document families (`clinidex/corpus/evaluation.py` and
`training.py`: notes, labs, imaging and pathology reports, medication lists, letters, written by
two authors with different wording and 60-odd sending facilities). They cost ~2 ms each to
generate, so 100k would take minutes: a pool of a few thousand is generated once (cached under
~/.cache/clinidex-bench) and every benchmark document is a variant of one pool document:

- it is about a patient of a synthetic MPI (`clinidex.population`): the pool document's patient
  name and MRN are replaced by that patient's, in the same written style;
- lines are dropped (~6%), 1-4 lines of clinical history with the abbreviations and full forms
  clinicians write (HTN, CHF, s/p MI, SOB, "congestive heart failure", ...) are inserted, and a
  quarter of the documents are records packets (1-2 more pool documents for the same patient
  appended), so lengths spread from one page to many;
- 6% are low-confidence readings with OCR damage throughout (`clinidex.corpus.noise`), and 15%
  more carry a few damaged words, as faxes do.

Metadata as the pipeline leaves it: types (8% unsure: no type, waiting for review), clinical
dates over ten years (document date a few days to months before receipt), the sending facility,
match status (75% linked, 10% review, 15% unmatched), a skewed number of documents per patient
(the busiest of 20k patients has ~150 of 100k documents), a few legal holds.

`Spec` is one generated document; `index_document(spec)` is its search entry, `manifest(spec)`
its stored manifest in state indexed (shaped as the pipeline writes one, with pages, applied
fields with their positions, the type result, the match with its candidates and history), and
`IndexDocument.from_manifest(manifest(spec)) == index_document(spec)`.

Everything is generated; nothing is, or is derived from, real patient data.
"""
from __future__ import annotations

import hashlib
import pickle
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

from clinidex.corpus import evaluation, training
from clinidex.corpus.noise import damage
from clinidex.fields import norm_text
from clinidex.manifest import (FieldValue, Manifest, MatchCandidate, PageSummary, PatientMatch, State, Transition,
                               TypeResult)
from clinidex.population import default_issuers, population
from clinidex.doctypes import types_by_key
from index.base import IndexDocument

CACHE = Path.home() / ".cache" / "clinidex-bench"
POOL_SIZE = 4000
POOL_VERSION = 1
FIRST_DAY = date(2016, 1, 1)
LAST_DAY = date(2026, 10, 31)
# Pool types: a fax cover sheet is transmission metadata, filed with its batch, not searched alone.
POOL_TYPES = [k for k in evaluation.TYPE_KEYS if k != "fax_cover_sheet"]

# Clinical history lines as outside records write them: abbreviations and full forms both, so a
# synonym search ("MI" for "myocardial infarction") has something to find either way.
HISTORY = [
    "PMH: HTN, HLD, T2DM, s/p MI ({year}), CHF with EF {ef}%.",
    "Past medical history significant for hypertension, congestive heart failure and CKD stage 3.",
    "History of myocardial infarction in {year} treated with PCI to the LAD; CAD, HTN.",
    "Pt c/o SOB and DOE x {days} days, worse lying flat; denies CP.",
    "Presents with shortness of breath and bilateral lower extremity edema; hx CHF.",
    "AFib on apixaban, rate controlled; no prior CVA or TIA.",
    "Atrial fibrillation with RVR in {year}, converted; on metoprolol.",
    "COPD on home O2 2 L; last exacerbation {month} {year}.",
    "Chronic obstructive pulmonary disease, former smoker ({packs} pack-years).",
    "DM2 with A1c {a1c}% on metformin and glipizide; diabetic retinopathy screening due.",
    "Type 2 diabetes mellitus, well controlled, hemoglobin A1c {a1c}.",
    "GERD on omeprazole; OSA on CPAP nightly.",
    "DVT of the left leg in {year}, completed 6 months of anticoagulation.",
    "Hx of heart attack in {year}; stent placed at an outside hospital.",
    "HTN poorly controlled, BP {sys}/{dia} today; lisinopril increased to 20 mg daily.",
    "High blood pressure, on amlodipine 10 mg; home readings 130s/80s.",
    "ESRD on hemodialysis MWF via left arm AV fistula.",
    "AKI on CKD, creatinine {cr} from baseline 1.2; nephrology following.",
    "UTI treated with nitrofurantoin x 5 days; urine culture E. coli.",
    "CXR: mild pulmonary vascular congestion, no focal consolidation.",
    "EKG: sinus rhythm, rate {hr}, old inferior Q waves, no acute ST changes.",
    "Echo {month} {year}: EF {ef}%, moderate MR, mild LVH.",
    "NSTEMI in {year}, troponin peak {trop}; medical management.",
    "Hyperlipidemia on atorvastatin 40 mg; LDL {ldl} mg/dL.",
    "BPH with LUTS on tamsulosin.",
    "Stroke in {year} with residual right-sided weakness; on aspirin and statin.",
    "Denies chest pain, palpitations, orthopnea, PND.",
    "CBC and BMP ordered; INR {inr} on warfarin.",
    "TSH {tsh}, free T4 normal; hypothyroidism on levothyroxine.",
    "BMI {bmi}; counselled on diet and exercise.",
    "Acute exacerbation of chronic systolic heart failure, diuresed with IV furosemide.",
    "Allergies: penicillin (rash), sulfa (hives). NKDA otherwise.",
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_LOINC = {key: t.loinc_code for key, t in types_by_key().items()}


@dataclass(frozen=True)
class PoolDoc:
    type_key: str
    pages: tuple[str, ...]
    names: tuple[str, ...]  # the patient's name as written on the pages
    mrns: tuple[str, ...]  # the MRN as written
    provider: str | None  # normal forms (clinidex.fields)
    facility: str | None
    sender: str


@dataclass(frozen=True)
class Patient:
    patient_id: str
    given: str
    family: str
    birth_date: str
    mrn: str


@dataclass(frozen=True)
class Spec:
    doc_id: str
    pages: tuple[str, ...]
    type_key: str | None  # None: the classifier was unsure; `suggested` holds its guess
    suggested: str
    received_at: datetime
    document_date: date
    service_date: date | None
    facility: str | None
    provider: str | None
    patient: Patient | None  # who the document is about (named on it)
    match_status: str  # linked | review | unmatched
    low_confidence: bool
    mean_confidence: float
    media_type: str
    review: tuple[str, ...] = ()
    holds: tuple[str, ...] = ()

    @property
    def patient_id(self) -> str | None:
        return self.patient.patient_id if self.patient and self.match_status == "linked" else None

    @property
    def text(self) -> str:
        return "\n\n".join(self.pages)


@dataclass
class Stats:
    """What the generator produced, for building queries against it."""

    docs: int = 0
    chars: int = 0
    pages: int = 0
    per_patient: Counter = field(default_factory=Counter)
    facilities: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    lengths: list[int] = field(default_factory=list)


def _pool_doc(doc) -> PoolDoc:
    names = tuple(sorted({f.value for f in doc.fields if f.name == "patient_name"}, key=len, reverse=True))
    mrns = tuple({f.value for f in doc.fields if f.name == "mrn"})
    truth = doc.truth()
    provider = next(iter(truth.get("provider", ())), None)
    facility = next(iter(truth.get("facility", ())), None)
    return PoolDoc(doc.type_key, tuple("\n".join(p) for p in doc.pages), names, mrns, provider, facility,
                   doc.sender.facility)


def pool(size: int = POOL_SIZE, seed: int = 5, cache: Path | None = CACHE) -> list[PoolDoc]:
    """`size` documents, half from each family, every type but cover sheets; cached."""
    path = cache / f"search-pool-v{POOL_VERSION}-{seed}-{size}.pickle" if cache else None
    if path and path.exists():
        return pickle.loads(path.read_bytes())
    rng = random.Random(f"pool|{seed}")
    out = []
    for i in range(size):
        family = evaluation if i % 2 == 0 else training
        out.append(_pool_doc(family.make_document(rng, POOL_TYPES[(i // 2) % len(POOL_TYPES)])))
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(out))
        tmp.replace(path)
    return out


def patients(n: int, seed: int) -> list[Patient]:
    out = []
    for record in population(n, seed, default_issuers()):
        if record.given and record.family and record.birth_date:
            out.append(Patient(record.patient_id, record.given, record.family, record.birth_date,
                               record.identifiers[0].value if record.identifiers else ""))
    return out


def _written_like(original: str, patient: Patient) -> str:
    """The patient's name in the style the page used for its own patient."""
    name = f"{patient.family}, {patient.given}" if "," in original else f"{patient.given} {patient.family}"
    return name.upper() if original.isupper() else name


def _about(doc: PoolDoc, patient: Patient | None) -> list[str]:
    pages = list(doc.pages)
    if patient is None:
        return pages
    for written in doc.names:  # longest first: "Ann Lynn Torurian" before "Ann Torurian"
        new = _written_like(written, patient)
        pages = [p.replace(written, new) for p in pages]
    for written in doc.mrns:
        if len(written) >= 4:
            pages = [p.replace(written, patient.mrn) for p in pages]
    return pages


def _history_line(rng: random.Random) -> str:
    return rng.choice(HISTORY).format(
        year=rng.randint(2005, 2025), ef=rng.choice([20, 25, 30, 35, 40, 45, 55, 60]), days=rng.randint(2, 14),
        month=rng.choice(MONTHS), packs=rng.randint(10, 60), a1c=round(rng.uniform(5.8, 11.5), 1),
        sys=rng.randint(135, 190), dia=rng.randint(80, 110), cr=round(rng.uniform(1.6, 4.8), 1),
        hr=rng.randint(52, 110), trop=round(rng.uniform(0.1, 9.0), 2), ldl=rng.randint(60, 190),
        inr=round(rng.uniform(1.0, 3.8), 1), tsh=round(rng.uniform(0.2, 9.0), 2), bmi=rng.randint(19, 44))


def _vary(rng: random.Random, pages: list[str]) -> list[str]:
    out = []
    for number, page in enumerate(pages):
        lines = page.split("\n")
        # Headers (letterhead, patient block) stay; body lines drop out now and then.
        kept = lines[:10] + [line for line in lines[10:] if not line.strip() or rng.random() > 0.06]
        if number == 0:
            at = rng.randint(min(10, len(kept)), len(kept))
            kept[at:at] = [_history_line(rng) for _ in range(rng.randint(1, 4))]
        out.append("\n".join(kept))
    return out


def _damage_words(rng: random.Random, page: str, words: int) -> str:
    """A few words misread, as a fax with one bad patch gives."""
    parts = page.split(" ")
    for _ in range(words):
        i = rng.randrange(len(parts))
        if len(parts[i]) > 3:
            parts[i] = damage(parts[i], rng, rate=0.35)
    return " ".join(parts)


def _day(rng: random.Random) -> date:
    # Volume grows over the years, as a records office's does.
    span = (LAST_DAY - FIRST_DAY).days
    return FIRST_DAY + timedelta(days=int(span * rng.random() ** 0.7))


def generate(n: int, seed: int = 7, *, docs_pool: list[PoolDoc] | None = None,
             mpi: list[Patient] | None = None, stats: Stats | None = None) -> Iterator[Spec]:
    """`n` documents, reproducibly from `seed`; `stats` (if given) is filled as they are made."""
    docs_pool = docs_pool if docs_pool is not None else pool()
    mpi = mpi if mpi is not None else patients(max(2000, n // 5), seed)
    stats = stats if stats is not None else Stats()
    rng = random.Random(f"corpus|{seed}")
    for i in range(n):
        base = docs_pool[rng.randrange(len(docs_pool))]
        roll = rng.random()
        status = "linked" if roll < 0.75 else "review" if roll < 0.85 else "unmatched"
        # Skewed: the first patients of the MPI have many documents, most have a few.
        patient = mpi[int(len(mpi) * rng.random() ** 1.5)] if base.names else None
        if patient is None:
            status = "unmatched"
        pages = _about(base, patient)
        if rng.random() < 0.25:  # a records packet: more documents for the same patient
            for _ in range(rng.randint(1, 2)):
                extra = docs_pool[rng.randrange(len(docs_pool))]
                pages += _about(extra, patient) if extra.names else list(extra.pages)
        pages = _vary(rng, pages)
        low = rng.random() < 0.06
        if low:
            pages = [damage(p, rng, rate=0.02) for p in pages]
        elif rng.random() < 0.15:
            k = rng.randrange(len(pages))
            pages[k] = _damage_words(rng, pages[k], rng.randint(1, 3))
        unsure = rng.random() < 0.08
        received = _day(rng)
        doc_day = received - timedelta(days=int(rng.expovariate(1 / 20)))
        service = doc_day - timedelta(days=rng.choice([0, 0, 0, 1, 2, 5])) if rng.random() < 0.8 else None
        review = (("type",) if unsure else ()) + (("field:mrn",) if rng.random() < 0.04 else ())
        spec = Spec(
            doc_id=f"{rng.getrandbits(128):032x}",
            pages=tuple(pages),
            type_key=None if unsure else base.type_key,
            suggested=base.type_key,
            received_at=datetime(received.year, received.month, received.day, rng.randint(0, 23),
                                 rng.randint(0, 59), rng.randint(0, 59), tzinfo=timezone.utc),
            document_date=doc_day,
            service_date=service,
            facility=base.facility,
            provider=base.provider,
            patient=patient,
            match_status=status,
            low_confidence=low,
            mean_confidence=round(rng.uniform(52, 69) if low else rng.uniform(82, 97), 1),
            media_type="image/tiff" if rng.random() < 0.7 else "application/pdf",
            review=review,
            holds=(f"hold{rng.randrange(20):02d}",) if rng.random() < 0.005 else (),
        )
        stats.docs += 1
        stats.pages += len(pages)
        length = sum(len(p) for p in pages)
        stats.chars += length
        if i < 20_000:
            stats.lengths.append(length)
        if spec.patient_id:
            stats.per_patient[spec.patient_id] += 1
        if spec.facility:
            stats.facilities[spec.facility] += 1
        stats.types[spec.type_key] += 1
        yield spec


def _fields(spec: Spec) -> dict[str, str]:
    values = {
        "document_date": spec.document_date.isoformat(),
        "service_date": spec.service_date.isoformat() if spec.service_date else None,
        "provider": spec.provider,
        "facility": spec.facility,
    }
    if spec.patient:
        values |= {"patient_name": norm_text(f"{spec.patient.given} {spec.patient.family}"),
                   "birth_date": spec.patient.birth_date,
                   "mrn": None if "field:mrn" in spec.review else spec.patient.mrn}
    return {k: v for k, v in values.items() if v}


def index_document(spec: Spec) -> IndexDocument:
    return IndexDocument(
        doc_id=spec.doc_id,
        state=State.indexed.value,
        media_type=spec.media_type,
        received_at=spec.received_at,
        page_count=len(spec.pages),
        text=spec.text,
        mean_confidence=spec.mean_confidence,
        doc_type=spec.type_key,
        loinc_code=_LOINC.get(spec.type_key),
        review_pending=bool(spec.review),
        low_confidence=spec.low_confidence,
        fields=_fields(spec),
        patient_id=spec.patient_id,
        match_status=spec.match_status,
        holds=spec.holds,
    )


def manifest(spec: Spec, state: State = State.indexed) -> Manifest:
    """The manifest the pipeline would have stored for this document, in `state`."""
    rng = random.Random(spec.doc_id)
    sha = hashlib.sha256(spec.doc_id.encode()).hexdigest()
    at = spec.received_at
    lifecycle = [State.received, State.rendered, State.ocr_done, State.classified, State.extracted,
                 State.matched, State.indexed]
    history = []
    for s in lifecycle[:lifecycle.index(state) + 1]:
        history.append(Transition(state=s, at=at))
        at += timedelta(seconds=rng.uniform(0.2, 3))
    ocr = spec.media_type == "image/tiff"
    pages = [PageSummary(number=k, text=text, source="ocr" if ocr else "text_layer",
                         mean_confidence=spec.mean_confidence, width=1728 if ocr else 2550,
                         height=2200 if ocr else 3300, skew=round(rng.uniform(-1, 1), 2) if ocr else 0.0,
                         seconds=round(rng.uniform(0.2, 0.6), 3) if ocr else 0.004)
             for k, text in enumerate(spec.pages, start=1)]
    fields = {}
    for name, value in _fields(spec).items():
        where = spec.pages[0].lower().find(value.split(" ")[0]) if name != "document_date" else -1
        fields[name] = FieldValue(value=value, confidence=round(rng.uniform(0.9, 0.995), 3), tier="automate",
                                  applied=True, page=1, start=where if where >= 0 else None,
                                  end=where + len(value) if where >= 0 else None, rule=f"{name}.label")
    if spec.patient:
        fields["sex"] = FieldValue(value=rng.choice(["female", "male"]), confidence=0.97, tier="automate",
                                   applied=True, page=1, rule="sex.label")
    if "field:mrn" in spec.review and spec.patient:
        fields["mrn"] = FieldValue(value=spec.patient.mrn[:-2], confidence=0.41, tier="escalate", applied=False,
                                   page=1, rule="mrn.label")
    match = None
    if state in (State.matched, State.indexed):
        explanation = [{"field": f, "level": lvl, "bayes_factor": bf, "weight": w}
                       for f, lvl, bf, w in (("family", "exact", 92.4, 6.53), ("given", "exact", 41.0, 5.36),
                                             ("birth_date", "exact", 310.2, 8.28), ("mrn", "same", 880.0, 9.78),
                                             ("sex", "same", 1.9, 0.93), ("postcode", "missing", 1.0, 0.0))]
        candidates = []
        if spec.patient:
            candidates.append(MatchCandidate(patient_id=spec.patient.patient_id, weight=18.2,
                                             probability=0.9998, explanation=explanation,
                                             vector=[3, 3, 3, 2, 1, 0]))
            candidates += [MatchCandidate(patient_id=f"{rng.getrandbits(128):032x}", weight=-4.0 - k,
                                          probability=0.001, explanation=explanation[:4], vector=[3, 0, 1, 0, 1, 0])
                           for k in range(rng.randint(0, 2))]
        linked = spec.match_status == "linked"
        match = PatientMatch(outcome=spec.match_status, patient_id=spec.patient.patient_id if linked else None,
                             probability=0.9998 if linked else 0.4 if spec.match_status == "review" else None,
                             weight=18.2 if linked else None,
                             reason=None if linked else "below the link threshold",
                             candidates=candidates, at=at, model_version="fs-1")
    return Manifest(
        doc_id=spec.doc_id, sha256=sha, media_type=spec.media_type, size=len(spec.pages) * 48_000,
        source="upload", state=state, received_at=spec.received_at, updated_at=at,
        page_count=len(spec.pages), pages=pages,
        metadata={"low_confidence": spec.low_confidence,
                  "low_confidence_pages": list(range(1, len(pages) + 1)) if spec.low_confidence else []},
        history=history,
        stage_versions={"inspect": 1, "page": 1, "assemble": 1, "understand": 1, "match": 1, "index": 3},
        doc_type=TypeResult(key=spec.type_key, confidence=0.97 if spec.type_key else 0.55,
                            tier="automate" if spec.type_key else "escalate",
                            suggested=spec.suggested, model_version="bow-1"),
        fields=fields,
        review=list(spec.review),
        match=match,
        holds=list(spec.holds),
    )
