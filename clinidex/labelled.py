"""Labelled synthetic clinical documents: the type and every field value, with where it sits.

Two families that share no wording, template or sender, so a classifier or extractor trained on
one can be measured honestly on the other: `training_documents` and `evaluation_documents`.
Everything is made up from a seed; no real patient or provider appears. `batch_fax` strings
several documents, sometimes for different patients, behind a cover sheet with a transmission
header on every page, as fax servers deliver them. (Still to come for the classification issue:
more templates per type, multi-page documents and OCR noise in the text itself.)
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from clinidex.synthetic import Patient, make_patient


@dataclass(frozen=True)
class FieldSpan:
    name: str  # patient_name, birth_date, sex, mrn, phone, document_date, provider, npi, facility, fax
    value: str
    page: int  # 1-based
    start: int  # character offsets in the page's text ("\n".join(lines))
    end: int


@dataclass(frozen=True)
class LabelledDocument:
    type_key: str
    pages: list[list[str]]
    fields: list[FieldSpan]
    patient: Patient


def npi_check_digit(first9: str) -> int:
    """The NPI check digit: Luhn over the 9 digits prefixed with 80840 (the US health industry)."""
    total = 0
    for i, char in enumerate(reversed("80840" + first9)):
        digit = int(char)
        if i % 2 == 0:  # doubled positions, counted from the right of the payload
            digit = digit * 2 - 9 if digit * 2 > 9 else digit * 2
        total += digit
    return (10 - total % 10) % 10


def valid_npi(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and npi_check_digit(npi[:9]) == int(npi[9])


def make_npi(rng: random.Random) -> str:
    first9 = str(rng.choice("12")) + "".join(str(rng.randrange(10)) for _ in range(8))
    return first9 + str(npi_check_digit(first9))


class _Page:
    """Builds one page's lines while recording where each field value lands."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.lines: list[str] = []
        self.fields: list[FieldSpan] = []
        self.length = 0

    def add(self, *parts: str | tuple[str, str]) -> None:
        """A line made of plain text and (field name, value) pairs."""
        line = ""
        for part in parts:
            if isinstance(part, tuple):
                name, value = part
                start = self.length + len(line)
                self.fields.append(FieldSpan(name, value, self.number, start, start + len(value)))
                line += value
            else:
                line += part
        self.lines.append(line)
        self.length += len(line) + 1


@dataclass(frozen=True)
class Family:
    """One independent set of wording: titles and sentences per type, the header layout, and
    the senders. Training and evaluation families share none of it."""

    titles: dict[str, list[str]]
    sentences: dict[str, list[str]]
    facilities: list[str]
    providers: list[str]
    header: str  # "labels" (Patient: ...) or "regarding" (RE: ... / born ...)
    date_format: str = "%m/%d/%Y"
    extra: dict = field(default_factory=dict)


TRAINING = Family(
    titles={
        "referral_note": ["REFERRAL LETTER", "Referral for Specialist Evaluation"],
        "consult_note": ["CONSULTATION NOTE", "Consult Report"],
        "history_and_physical": ["HISTORY AND PHYSICAL", "H&P EXAMINATION"],
        "progress_note": ["PROGRESS NOTE", "Office Visit Note"],
        "discharge_summary": ["DISCHARGE SUMMARY", "Hospital Discharge Summary"],
        "operative_note": ["OPERATIVE REPORT", "Operative Note"],
        "procedure_note": ["PROCEDURE NOTE", "Procedure Report"],
        "emergency_department_note": ["EMERGENCY DEPARTMENT NOTE", "ED Provider Note"],
        "imaging_report": ["RADIOLOGY REPORT", "Imaging Report"],
        "laboratory_report": ["LABORATORY REPORT", "Lab Results"],
        "pathology_report": ["SURGICAL PATHOLOGY REPORT", "Pathology Report"],
        "medication_list": ["MEDICATION LIST", "Current Medications"],
        "consent_form": ["CONSENT FOR TREATMENT", "Informed Consent Form"],
        "insurance_correspondence": ["PRIOR AUTHORIZATION REQUEST", "Insurance Correspondence"],
        "other": ["APPOINTMENT REMINDER", "Records Request"],
    },
    sentences={
        "referral_note": ["I am referring this patient for further evaluation.",
                          "Please see the patient regarding worsening symptoms.",
                          "Thank you for accepting this referral."],
        "consult_note": ["Thank you for asking me to see this patient in consultation.",
                         "Reason for consultation: chest pain.", "Recommendations are listed below."],
        "history_and_physical": ["Chief complaint: shortness of breath.", "Past medical history: hypertension.",
                                 "Physical examination: lungs clear to auscultation."],
        "progress_note": ["Subjective: patient reports feeling better.", "Objective: vital signs stable.",
                          "Plan: continue current medications."],
        "discharge_summary": ["Admission date and discharge date are noted above.",
                              "Hospital course was uncomplicated.", "Discharge medications were reviewed."],
        "operative_note": ["Preoperative diagnosis: cholelithiasis.", "Procedure performed: laparoscopic cholecystectomy.",
                           "Estimated blood loss: minimal."],
        "procedure_note": ["Procedure: colonoscopy with biopsy.", "Sedation was administered without complication.",
                           "The patient tolerated the procedure well."],
        "emergency_department_note": ["Patient presented to the emergency department.",
                                      "Triage acuity level three.", "Disposition: discharged home."],
        "imaging_report": ["Exam: chest radiograph, two views.", "Findings: no acute cardiopulmonary process.",
                           "Impression: normal study."],
        "laboratory_report": ["Hemoglobin 13.2 g/dL, reference 12.0-16.0.", "Sodium 139 mmol/L.",
                              "Specimen collected and received."],
        "pathology_report": ["Specimen: gallbladder.", "Gross description follows.",
                             "Final diagnosis: chronic cholecystitis."],
        "medication_list": ["Lisinopril 10 mg by mouth daily.", "Metformin 500 mg twice daily.",
                            "Atorvastatin 20 mg at bedtime."],
        "consent_form": ["I consent to the procedure described above.", "Risks and benefits were explained to me.",
                         "Signature of patient or legal representative."],
        "insurance_correspondence": ["We request prior authorization for the service below.",
                                     "Member ID and group number are listed.", "Please fax the determination."],
        "other": ["This is a reminder of your upcoming appointment.", "Please call our office to reschedule.",
                  "We have received your request for records."],
    },
    facilities=["Riverside Cardiology Associates", "Northgate Family Practice", "Lakeview Orthopedics",
                "St. Brendan Regional Hospital"],
    providers=["Helen Marsh, MD", "Omar Farid, MD", "Grace Liang, DO", "Peter Vance, MD"],
    header="labels",
)

EVALUATION = Family(
    titles={
        "referral_note": ["Request for consultation and management", "REFERRAL"],
        "consult_note": ["Specialist opinion", "CONSULTATION"],
        "history_and_physical": ["Admission history & physical", "ADMISSION H AND P"],
        "progress_note": ["Follow-up visit", "CLINIC NOTE"],
        "discharge_summary": ["Summary of hospital stay", "DISCHARGE"],
        "operative_note": ["Report of operation", "SURGERY NOTE"],
        "procedure_note": ["Bedside procedure documentation", "PROCEDURE"],
        "emergency_department_note": ["Emergency visit record", "ER VISIT"],
        "imaging_report": ["Diagnostic imaging result", "CT / MRI RESULT"],
        "laboratory_report": ["Clinical chemistry results", "PATHOLOGY LAB - BLOOD WORK"],
        "pathology_report": ["Tissue examination report", "HISTOPATHOLOGY"],
        "medication_list": ["Medicines the patient takes", "MED REC"],
        "consent_form": ["Agreement to undergo treatment", "PATIENT AUTHORIZATION"],
        "insurance_correspondence": ["Utilization review determination", "PAYER LETTER"],
        "other": ["Billing statement", "Notice of office relocation"],
    },
    sentences={
        "referral_note": ["Kindly assess and advise on further management.",
                          "Sending over for your expert opinion.", "Records enclosed for your review."],
        "consult_note": ["Seen at the request of the primary team.", "My assessment and suggestions follow.",
                         "Happy to follow along."],
        "history_and_physical": ["Presenting problem: fever and cough for three days.",
                                 "Social history: never smoker.", "On exam the abdomen is soft and non-tender."],
        "progress_note": ["Returns today for routine follow up.", "Blood pressure at goal on today's reading.",
                          "Return to clinic in six weeks."],
        "discharge_summary": ["Stay was notable for pneumonia treated with antibiotics.",
                              "Condition at discharge: stable.", "Follow up with primary physician in one week."],
        "operative_note": ["Patient brought to theatre and placed supine.", "Incision closed in layers.",
                           "Sponge and needle counts correct."],
        "procedure_note": ["Lumbar puncture performed under sterile technique.",
                           "Clear fluid obtained and sent for analysis.", "No immediate complications."],
        "emergency_department_note": ["Arrived by ambulance after a fall.", "Seen and examined in resuscitation bay.",
                                      "Admitted to medicine for observation."],
        "imaging_report": ["Technique: axial images without contrast.", "There is no intracranial hemorrhage.",
                           "Conclusion: unremarkable examination."],
        "laboratory_report": ["Potassium: 4.1 (normal range 3.5 to 5.1).", "White cell count within limits.",
                              "Results verified by the laboratory."],
        "pathology_report": ["Sections show benign tissue.", "Margins are free of tumour.",
                             "Microscopic description attached."],
        "medication_list": ["Amlodipine five milligrams once a day.", "Aspirin 81 every morning.",
                            "No known drug allergies."],
        "consent_form": ["I agree to the treatment proposed by my physician.",
                         "I understand I may withdraw my agreement.", "Witnessed by clinic staff."],
        "insurance_correspondence": ["The requested service has been approved.", "Reference number for this review.",
                                     "Contact the plan with questions about coverage."],
        "other": ["Your account balance is shown below.", "Our office will move next month.",
                  "Thank you for choosing our practice."],
    },
    facilities=["Harbor Imaging Center", "Summit Pulmonary Clinic", "Valley Womens Health", "Eastside Surgical Group"],
    providers=["Ana Ruiz, MD", "Ben Okoro, MD", "Claire Dubois, NP", "Dev Patel, MD"],
    header="regarding",
    date_format="%Y-%m-%d",
)


def _document(family: Family, type_key: str, rng: random.Random, patient: Patient | None = None) -> LabelledDocument:
    patient = patient or make_patient(rng)
    facility, provider = rng.choice(family.facilities), rng.choice(family.providers)
    fax = f"(555) {rng.randrange(200, 999)}-{rng.randrange(1000, 9999)}"
    npi = make_npi(rng)
    day = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
    sex = rng.choice(["Female", "Male"])
    page = _Page(1)
    page.add(("facility", facility))
    page.add("Fax ", ("fax", fax))
    page.add("")
    page.add(rng.choice(family.titles[type_key]))
    dated = day.strftime(family.date_format)
    born = patient.birth_date.strftime(family.date_format)
    if family.header == "labels":
        page.add("Patient: ", ("patient_name", patient.name))
        page.add("DOB: ", ("birth_date", born), "   Sex: ", ("sex", sex))
        page.add("MRN: ", ("mrn", patient.mrn))
        page.add("Date: ", ("document_date", dated))
    else:
        page.add("RE: ", ("patient_name", f"{patient.family.upper()}, {patient.given}"), ", born ",
                 ("birth_date", born), " (", ("sex", sex.lower()), ")")
        page.add("Chart number ", ("mrn", patient.mrn), " - seen on ", ("document_date", dated))
    page.add("")
    for sentence in rng.sample(family.sentences[type_key], k=len(family.sentences[type_key])):
        page.add(sentence)
    page.add("")
    page.add(("provider", provider), "  NPI ", ("npi", npi))
    return LabelledDocument(type_key, [page.lines], page.fields, patient)


def _documents(family: Family, seed: int, n: int) -> list[LabelledDocument]:
    rng = random.Random(seed)
    keys = sorted(family.titles)
    return [_document(family, keys[i % len(keys)], rng) for i in range(n)]


def training_documents(seed: int, n: int) -> list[LabelledDocument]:
    return _documents(TRAINING, seed, n)


def evaluation_documents(seed: int, n: int) -> list[LabelledDocument]:
    return _documents(EVALUATION, seed, n)


@dataclass(frozen=True)
class BatchFax:
    pages: list[list[str]]
    cover_fields: list[FieldSpan]  # sender, recipient, page count, fax number on the cover page
    documents: list[tuple[str, int, int]]  # (type key, first page, last page), 1-based, cover excluded


def batch_fax(seed: int, family: Family = TRAINING) -> BatchFax:
    """A cover sheet and 2-4 documents; each page starts with the fax machine's header line."""
    rng = random.Random(seed)
    keys = [k for k in sorted(family.titles) if k != "other"]
    first_patient = make_patient(rng)
    docs = [_document(family, rng.choice(keys), rng, first_patient if rng.random() < 0.6 else None)
            for _ in range(rng.randint(2, 4))]
    sender, fax = rng.choice(family.facilities), f"(555) {rng.randrange(200, 999)}-{rng.randrange(1000, 9999)}"
    total = 1 + sum(len(d.pages) for d in docs)
    sent = datetime(2026, 1, 1, 8) + timedelta(minutes=rng.randrange(60 * 24 * 300))

    def banner(number: int) -> str:
        return f"{sent:%m/%d/%Y %H:%M} FROM: {fax} {sender[:28].upper()} P. {number}/{total}"

    cover = _Page(1)
    cover.add(banner(1))
    cover.add("FAX COVER SHEET")
    cover.add("To: ", ("recipient", "Health Information Management"))
    cover.add("From: ", ("sender", sender))
    cover.add("Fax: ", ("fax", fax))
    cover.add("Pages (including cover): ", ("page_count", str(total)))
    cover.add("CONFIDENTIAL: this transmission contains protected health information.")
    pages, ranges, number = [cover.lines], [], 2
    for doc in docs:
        first = number
        for lines in doc.pages:
            pages.append([banner(number), *lines])
            number += 1
        ranges.append((doc.type_key, first, number - 1))
    return BatchFax(pages, cover.fields, ranges)
