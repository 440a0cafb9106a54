"""Words and patterns the extractor reads pages with: what an organisation's name looks like,
what a title or a department looks like, which label kinds mean whom. Data, kept apart from the
logic in `extract_page` and `extract_unlabelled`."""
from __future__ import annotations

import re
from datetime import date

from ingest.extract_names import CREDENTIALS, NAME_SUFFIXES

TODAY = date.today()
RECENT_FROM = TODAY.replace(year=TODAY.year - 30, day=1).isoformat()
RECENT_TO = TODAY.replace(year=TODAY.year + 1, day=1).isoformat()
STRICT = {"patient_name", "birth_date", "sex", "mrn", "npi"}

ORG_WORDS = re.compile(
    r"(?i)\b(hospital|clinic|clinics|center|centre|medical|health|healthcare|associates|practice|group|imaging|"
    r"radiology|laborator(?:y|ies)|labs?|pediatrics?|cardiology|orthopa?edics?|ortho|oncology|neurology|"
    r"dermatology|urology|gastroenterology|pulmonary|pulmonology|medicine|surgery|surgical|surgeons|physicians|"
    r"partners|specialists|institute|university|foundation|system|services|llc|inc|pc|pllc|p\.c\.|"
    r"obstetrics|gynecology|ob/gyn|ophthalmology|eye|dental|rehab|rehabilitation|therapy|diagnostics|"
    r"pathology|hospice|nursing|urgent care|primary care|wellness|network|endocrinology|nephrology|"
    r"rheumatology|psychiatry|behavioral|women's|children's|family|regional|memorial|community|"
    r"infirmary|sanatorium|ent|allergy|podiatry|chiropractic|oncology|hematology|vascular|spine|"
    r"sleep|pain|fertility|midwifery|medical arts|healthcare)\b")
STRONG_ORG = re.compile(
    r"(?i)\b(hospital|clinic|center|centre|associates|group|practice|llc|inc|institute|partners|physicians|"
    r"laboratories|health system|medical center|healthcare|pllc|infirmary)\b")
TITLE_WORDS = re.compile(
    r"(?i)\b(note|report|summary|consultation|history|physical|letter|referral|results?|record|progress|"
    r"discharge|operative|procedure|form|consent|list|medications?|cover|transmittal|request|correspondence|"
    r"statement|explanation|authorization|notice|order|requisition|h&p|evaluation|instructions|confidential|"
    r"facsimile|fax|page|continued|addendum|patient|department of|dept)\b")
LOCATION_KINDS = {"phone", "phone_home", "address", "fax", "fax_short", "fax_from", "fax_other"}
PATIENT_FIELDS = {"patient_name", "birth_date", "sex", "mrn"}
PATIENT_KINDS = {"name", "name_re", "name_weak", "dob", "sex", "agesex", "mrn", "lastname", "firstname"}
NOT_PATIENT = {"qualifier", "provider", "provider_sig", "provider_other", "provider_dict", "provider_role",
               "provider_cc", "facility", "phone_other",
               "fax", "fax_other", "to", "from", "npi", "issuer", "boundary"}
DATE_LABELS = {"docdate", "date", "svcdate", "dischargedate", "docdate_short", "printdate", "dob", "boundary"}
PROVIDER_KINDS = {"provider", "provider_sig", "provider_other", "provider_dict", "provider_role", "provider_cc"}
SIGNERS = {"provider_sig", "provider", "provider_dict"}
OTHER_PERSON = {"qualifier", "to", "from", "facility"} | PROVIDER_KINDS
SECTION = [
    ("other", re.compile(r"(?i)\b(emergency contacts?|contacts?|guarantor|insurance|insured|subscriber|next of kin|"
                         r"responsible party|guardian|pharmacy|employer|payer|policy ?holder|spouse|parent)\b")),
    ("provider", re.compile(r"(?i)\b(referring|provider|physician|ordering|practice|sender|facility|clinician|pcp|"
                            r"primary care|doctor|referred to|consultant|specialist|recipient|from|to)\b")),
    ("patient", re.compile(r"(?i)\b(patient|demographics?|member|client|personal)\b")),
]
# A document's title is not a section heading ("EMERGENCY DEPARTMENT RECORD", "INSURANCE CORRESPONDENCE").
DOC_TITLE = re.compile(r"(?i)\b(record|report|note|summary|letter|correspondence|form|list|request|consultation|"
                       r"notification|determination|approval|denial|decision|appeal|claim|authori[sz]ation|"
                       r"notice|authorization|results?|statement|explanation|h&p|history)\b")


NON_CLINICAL = re.compile(r"(?i)\b(specialist|coordinator|manager|assistant|clerk|representative|department|"
                           r"team|office|administrator|secretary|scheduler|technician|billing|records)\b")
SEEN_ON = re.compile(r"(?i)\b(?:seen|evaluated|examined|treated|visited|admitted|operated on)"
                      r"(?:[ \t\n]+(?:in|at)[ \t\n]+(?:our|the|my)[ \t\n]+(?:office|clinic|practice|department|hospital))?"
                      r"[ \t\n]+on[ \t\n]+")
PAYER = re.compile(r"(?i)\b(health plan|plan|insurance|assurance|mutual|benefits?|medicare|medicaid|payer|"
                    r"blue cross|blue shield|underwriters?|health alliance|healthcare alliance)\b")
# Departments only an insurer has (a practice has a prior-authorization desk too).
PAYER_DEPT = re.compile(r"(?i)\b(utilization (?:management|review)|medical management|claims? (?:department|unit|"
                         r"processing)|member services|appeals (?:and|&) grievances|provider relations|"
                         r"clinical review unit|concurrent review|provider claims|benefit services|"
                         r"pharmacy benefits?|case management department|coverage determinations?)\b")
CONNECTORS = {"of", "and", "the", "for", "at", "&", "de", "la", "del", "y", "on", "in"}
TITLE_ENDS = {"note", "notes", "report", "summary", "record", "letter", "consultation", "consult", "form", "list",
               "request", "results", "result", "h&p", "evaluation", "notice", "correspondence", "statement",
               "referral", "order", "requisition", "instructions", "authorization", "confirmation", "reminder",
               "transmittal", "sheet", "cover", "documentation", "update", "reconciliation"}
TITLE_ANY = {"summary", "course", "stay", "brief", "history", "progress", "discharge", "admission", "operative",
              "hx", "past", "exam", "examination", "review", "systems", "medications", "allergies", "vitals", "labs",
              "problem", "problems", "diagnoses", "diagnosis", "procedures", "orders", "disposition", "hpi", "ros",
              "visit", "encounter", "appointment", "excuse", "duty", "enrollment", "portal", "reminder",
              "report", "note", "consultation", "referral", "letter", "results", "confidential", "fax", "facsimile",
              "page", "continued", "patient", "instructions", "findings", "impression", "assessment", "plan"}
DEPARTMENT_ENDS = {"management", "department", "dept", "services", "service", "office", "unit", "division",
                    "billing", "records", "administration", "desk", "team", "staff", "coordinator", "line"}
GENERIC = {"clinical", "outpatient", "inpatient", "general", "internal", "family", "emergency", "pediatric",
            "adult", "women", "womens", "children", "childrens", "department", "of", "and", "&", "the",
            "medicine", "surgery", "surgical", "medical", "health", "care", "primary", "urgent", "diagnostic",
            "laboratory", "lab", "imaging", "radiology", "clinic", "center", "services", "sleep", "sports",
            "physical", "occupational", "speech", "behavioral", "mental", "community", "specialty", "ambulatory",
            "day", "infusion", "wound", "vascular", "interventional", "nuclear", "consult", "consultation",
            "anatomic", "hand", "foot", "ankle", "spine", "joint", "breast", "heart", "lung", "kidney", "liver", "eye",
            "skin", "bone", "brain", "vein", "voice", "hearing", "digestive", "transplant", "trauma", "critical",
            "intensive", "neonatal", "maternal", "fetal", "geriatric", "adolescent", "plastic", "reconstructive",
            "cosmetic", "bariatric", "weight", "diabetes", "pain", "headache", "memory", "stroke", "cancer",
            "orthopaedic", "orthopedic", "dermatologic", "dental", "oral", "maxillofacial", "head", "neck"}


def cred_like(word: str) -> bool:
    bare = word.lower().replace(".", "").strip("()-")
    return bare in CREDENTIALS or bare.replace("-", "") in CREDENTIALS or bare in NAME_SUFFIXES


