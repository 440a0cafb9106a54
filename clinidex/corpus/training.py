"""The training family: labelled synthetic outside records as a US hospital records office
receives them by fax, for training the document-type classifier and developing the metadata
extractor.

Variety is the point. A classifier trained here is measured on documents someone else wrote
(`clinidex.corpus.evaluation`), so every document draws its letterhead, demographics block,
title, section headings, date format, name order, labels and signature independently, and the
body text of each type comes from its own pools of clinical sentences and data tables. Every
field value is recorded with its page and character span as it is written (`clinidex.fields`
gives the names and normal forms).

Everything is drawn from the `random.Random` passed in; nothing reads the clock or the global
generator, so a seed gives the same documents on every machine.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable, Union

from clinidex.corpus.base import LabelledDocument, PageBuilder, Person, Sender
from clinidex.fields import make_npi, norm_code, norm_name, norm_text

NAME = "training"
MAX_WIDTH = 90

# --------------------------------------------------------------------------------------------
# People and places (all made up; combinations of common names, not real patients or staff)
# --------------------------------------------------------------------------------------------

FEMALE_GIVEN = [
    "Abigail", "Adaeze", "Alejandra", "Amara", "Ana", "Anjali", "Ayesha", "Beatriz", "Beverly",
    "Brenda", "Camila", "Carmen", "Chiara", "Colleen", "Constance", "Dana", "Deborah", "Delphine",
    "Dolores", "Dorothy", "Eleanor", "Elena", "Esperanza", "Evelyn", "Fatima", "Francesca",
    "Gabriela", "Grace", "Hannah", "Harriet", "Hye-jin", "Ingrid", "Isabel", "Jasmine", "Jennifer",
    "Joanne", "Kateryna", "Keisha", "Kimberly", "Latoya", "Leilani", "Lorraine", "Lucia", "Mai",
    "Margaret", "Maria", "Marisol", "Maya", "Mei", "Mildred", "Nadia", "Naomi", "Ngozi", "Nkechi",
    "Olivia", "Paulette", "Priya", "Rachel", "Rosa", "Ruth", "Sakura", "Samantha", "Shanice",
    "Siobhan", "Sofia", "Sunita", "Tamara", "Teresa", "Thuy", "Valentina", "Vanessa", "Wanda",
    "Ximena", "Yasmin", "Yolanda", "Zainab", "Zoe", "Anne-Marie", "Bernadette", "Lakshmi",
]

MALE_GIVEN = [
    "Aaron", "Abdul", "Adebayo", "Alejandro", "Amir", "Andre", "Anthony", "Arjun", "Bartholomew",
    "Benjamin", "Bernard", "Carlos", "Chinedu", "Clarence", "Darnell", "David", "Deshawn",
    "Dmitri", "Dong-hyun", "Earl", "Eduardo", "Elijah", "Emmanuel", "Enrique", "Ethan", "Floyd",
    "Francisco", "Gerald", "Giovanni", "Gregory", "Hamza", "Harold", "Hector", "Hiroshi",
    "Ibrahim", "Isaac", "Jamal", "Javier", "Jean-Luc", "Jerome", "Joaquin", "Jose", "Juan",
    "Kenji", "Kwame", "Lamar", "Lawrence", "Liam", "Luis", "Malik", "Marcus", "Mateo",
    "Mohammed", "Nathaniel", "Nikolai", "Omar", "Oscar", "Pedro", "Quentin", "Rafael", "Rajesh",
    "Raymond", "Reginald", "Roberto", "Samuel", "Santiago", "Sergei", "Tariq", "Terrence",
    "Thanh", "Tyrone", "Vikram", "Walter", "Wei", "Xavier", "Yusuf", "Zachary", "Cornelius",
]

FAMILY_NAMES = [
    "Abernathy", "Abu-Bakr", "Achebe", "Adeyemi", "Al-Rashid", "Alvarez", "Anand", "Andersen",
    "Arroyo", "Baptiste", "Barrios", "Bautista", "Becker", "Bhattacharya", "Blackwood",
    "Bouchard", "Brennan", "Castellano", "Castillo", "Chandrasekhar", "Chen", "Cho", "Ciccone",
    "D'Amico", "Dalton", "De la Cruz", "Del Rosario", "Delacroix", "DeLuca", "Dembele",
    "Diaz-Ortega", "Dubois", "Eastman", "Echeverria", "Fairbanks", "Ferreira", "Fitzgerald",
    "Fonseca", "Fujimoto", "Gallagher", "Garcia", "Goldberg", "Gonzalez-Rivera", "Grabowski",
    "Gutierrez", "Haddad", "Halvorsen", "Hashemi", "Hawthorne", "Hernandez", "Hoang", "Ibarra",
    "Iwasaki", "Jablonski", "Jefferson", "Johansson", "Kaczmarek", "Kapoor", "Kaur", "Kealoha",
    "Kim", "Kowalczyk", "Kruger", "Laramie", "Le", "Le Blanc", "Lindqvist", "Lopez",
    "MacAllister", "Makinde", "Marchetti", "McAllister", "Mendoza", "Mensah", "Morales",
    "Murphy", "Nakamura", "Nguyen", "Novak", "Nwosu", "O'Brien", "O'Neill", "Obi", "Oyelaran",
    "Pacheco", "Papadopoulos", "Patel", "Petrov", "Pham", "Quintero", "Ramirez", "Rasmussen",
    "Reyes", "Rodriguez", "Rosenbaum", "Ross-Whitaker", "Saint-Louis", "Salazar", "Santos",
    "Schneider", "Shapiro", "Singh", "Sokolov", "Sullivan", "Tanaka", "Thibodeaux", "Toussaint",
    "Tran", "Trujillo", "Underwood", "Valdez", "Van Dyke", "Van der Berg", "Vasquez",
    "Villanueva", "Washington", "Whitfield", "Wojcik", "Yamamoto", "Yilmaz", "Zamora",
    "Zielinski",
]

MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTVW"

STREET_NAMES = [
    "Maple", "Oak Hollow", "Juniper", "Willow Creek", "Cedar", "Prospect", "Lincoln", "Harmon",
    "Sycamore", "Birchwood", "Quarry", "Mill Pond", "Orchard", "Ridgeview", "Chestnut",
    "Magnolia", "Laurel", "Briar Patch", "Fox Run", "Kingfisher", "Old Mill", "Pheasant",
    "Riverside", "Summit", "Tamarack", "Elm", "Hawthorne", "Aspen", "Pinecrest", "Granada",
    "Mesquite", "Palmetto", "Bluebonnet", "Larkin", "Dogwood", "Creekside", "Copper Kettle",
    "Wheeler", "Franklin", "Meadowlark", "N 14th", "S Main", "W 3rd", "E Washington",
]
STREET_TYPES = ["St", "Street", "Ave", "Avenue", "Rd", "Road", "Blvd", "Dr", "Drive", "Ln",
                "Lane", "Ct", "Way", "Pl", "Pkwy", "Ter", "Cir", "Trail"]
UNIT_FORMS = ["Apt {n}", "Apt {n}{l}", "Unit {n}", "#{n}", "Lot {n}", "Apt. {n}"]

# (city, state, first three digits of its postcodes); combinations need not be real.
CITIES = [
    ("Dayton", "OH", "454"), ("Toledo", "OH", "436"), ("Springfield", "IL", "627"),
    ("Peoria", "IL", "616"), ("Lansing", "MI", "489"), ("Kalamazoo", "MI", "490"),
    ("Madison", "WI", "537"), ("Green Bay", "WI", "543"), ("Cedar Rapids", "IA", "524"),
    ("Sioux Falls", "SD", "571"), ("Lincoln", "NE", "685"), ("Wichita", "KS", "672"),
    ("Tulsa", "OK", "741"), ("Little Rock", "AR", "722"), ("Knoxville", "TN", "379"),
    ("Lexington", "KY", "405"), ("Charleston", "WV", "253"), ("Roanoke", "VA", "240"),
    ("Durham", "NC", "277"), ("Greenville", "SC", "296"), ("Macon", "GA", "312"),
    ("Tallahassee", "FL", "323"), ("Mobile", "AL", "366"), ("Jackson", "MS", "392"),
    ("Baton Rouge", "LA", "708"), ("El Paso", "TX", "799"), ("Lubbock", "TX", "794"),
    ("Las Cruces", "NM", "880"), ("Tucson", "AZ", "857"), ("Reno", "NV", "895"),
    ("Boise", "ID", "837"), ("Billings", "MT", "591"), ("Casper", "WY", "826"),
    ("Pueblo", "CO", "810"), ("Fargo", "ND", "581"), ("Duluth", "MN", "558"),
    ("Rockford", "IL", "611"), ("Fort Wayne", "IN", "468"), ("Erie", "PA", "165"),
    ("Scranton", "PA", "185"), ("Albany", "NY", "122"), ("Utica", "NY", "135"),
    ("Burlington", "VT", "054"), ("Manchester", "NH", "031"), ("Worcester", "MA", "016"),
    ("New Haven", "CT", "065"), ("Wilmington", "DE", "198"), ("Frederick", "MD", "217"),
    ("Salem", "OR", "973"), ("Spokane", "WA", "992"), ("Fresno", "CA", "937"),
    ("Bakersfield", "CA", "933"), ("Ogden", "UT", "844"), ("Anchorage", "AK", "995"),
    ("Hilo", "HI", "967"), ("Bangor", "ME", "044"),
]

# Plausible area codes; exchanges are drawn below, never 555 and never N11.
AREA_CODES = [
    "205", "208", "210", "216", "217", "218", "225", "239", "251", "260", "269", "281", "301",
    "302", "303", "304", "309", "313", "315", "316", "317", "318", "319", "360", "401", "402",
    "405", "406", "407", "410", "412", "413", "414", "478", "501", "502", "503", "504", "505",
    "508", "509", "512", "515", "517", "518", "520", "540", "570", "574", "585", "601", "603",
    "605", "607", "608", "609", "610", "612", "614", "615", "616", "630", "651", "701", "702",
    "704", "706", "716", "717", "719", "773", "801", "802", "803", "804", "808", "813", "843",
    "850", "856", "859", "860", "865", "904", "906", "907", "915", "918", "919", "971",
]

# Sending facilities: name, street address, city, state, postcode.
FACILITIES = [
    ("Riverbend Family Medicine", "1200 Oak Hollow Rd, Suite 210", "Dayton", "OH", "45402"),
    ("Cedar Hollow Internal Medicine Associates", "88 Sycamore Pkwy", "Toledo", "OH", "43604"),
    ("Larkspur Valley Orthopaedic Group", "4410 Quarry Ridge Blvd", "Peoria", "IL", "61614"),
    ("Bluestem Regional Hospital", "900 Prairie View Dr", "Wichita", "KS", "67208"),
    ("Tidewater Point Imaging Center", "23 Harbor Light Way", "Mobile", "AL", "36602"),
    ("Prairie Lantern Pediatrics", "615 W 3rd St", "Sioux Falls", "SD", "57104"),
    ("Silver Maple Cardiology Partners", "3301 Kingfisher Ln, Ste 400", "Lexington", "KY", "40503"),
    ("Quarry Ridge Medical Center", "1 Medical Center Dr", "Scranton", "PA", "18510"),
    ("Foxglove Women's Health Clinic", "742 Magnolia Ave", "Macon", "GA", "31201"),
    ("Northwind Diagnostic Laboratories", "5090 Commerce Park Rd", "Fargo", "ND", "58103"),
    ("Copperfield Gastroenterology & Endoscopy", "210 Birchwood Ct", "Knoxville", "TN", "37919"),
    ("St. Aurelian Community Hospital", "1400 Chapel Hill Rd", "Utica", "NY", "13501"),
    ("Juniper Flats Urgent Care", "77 Mesquite Trail", "Las Cruces", "NM", "88001"),
    ("Marrowstone Pathology Associates", "18 Laboratory Row", "Spokane", "WA", "99204"),
    ("Kestrel Bay Rehabilitation Hospital", "2600 Shoreline Blvd", "Tallahassee", "FL", "32308"),
    ("Ashgrove Surgical Specialists", "930 Orchard St, Suite 3", "Frederick", "MD", "21701"),
    ("Wrenfield Pulmonary and Sleep Clinic", "415 Meadowlark Dr", "Madison", "WI", "53705"),
    ("Ironwood Valley Health System", "3000 Ironwood Pkwy", "Tucson", "AZ", "85712"),
    ("Sagebrush Family Practice", "12 N 14th St", "Boise", "ID", "83702"),
    ("Lakemont Oncology & Hematology", "501 Lakemont Ave, Bldg B", "Duluth", "MN", "55805"),
    ("Granite Mill Neurology Associates", "64 Old Mill Rd", "Manchester", "NH", "03101"),
    ("Hollis Creek Ambulatory Surgery Center", "820 Hollis Creek Dr", "Durham", "NC", "27705"),
    ("Two Pines Rural Health Clinic", "RR 2 Box 114, Hwy 9", "Casper", "WY", "82601"),
    ("Meridian Bluff Radiology", "1750 Bluff Rd", "Greenville", "SC", "29607"),
    ("Otter Creek Nephrology", "39 Creekside Pl", "Burlington", "VT", "05401"),
    ("Willow Bend Endocrine Center", "2215 Willow Creek Blvd", "Lubbock", "TX", "79410"),
    ("Red Clay Community Health Center", "401 E Washington St", "Little Rock", "AR", "72201"),
    ("Palisade Point Medical Group", "6600 Summit Ave", "Pueblo", "CO", "81003"),
    ("Brightwater ENT & Allergy", "145 Laurel St", "New Haven", "CT", "06511"),
    ("Hemlock Ridge Women's Center", "58 Hemlock Ridge Rd", "Bangor", "ME", "04401"),
    ("Starling Street Clinic", "310 Starling St", "Erie", "PA", "16501"),
    ("Mesa Arroyo Primary Care", "9100 Granada Blvd NE", "El Paso", "TX", "79912"),
    ("Thistle Downs Dermatology", "27 Thistle Downs Cir", "Roanoke", "VA", "24014"),
    ("Lowland Valley General Hospital", "1000 Valley Rd", "Jackson", "MS", "39216"),
    ("East Fork Urology Associates", "433 Riverside Dr, Suite 12", "Fort Wayne", "IN", "46802"),
    ("Cobblestone Pediatric & Adolescent Medicine", "16 Cobblestone Ln", "Worcester", "MA", "01609"),
]

# Payers for insurance correspondence (fictional).
PAYERS = [
    "Keystone Harbor Health Plan", "Bluewater Mutual Insurance", "Prairie State Health Alliance",
    "Summit Crest Medicare Advantage", "Cardinal Point Health", "Evergreen Shield Benefits",
    "TriRiver Community Health Plan", "Granite Peak Insurance Company", "Lodestar Health Partners",
    "Sunfield Medicaid Managed Care",
]
PHARMACIES = [
    "Corner Drug #112", "Hilltop Pharmacy", "Main Street Apothecary", "ValleyCare Pharmacy #38",
    "Greenleaf Drug Store", "Riverside Community Pharmacy", "QuickFill Pharmacy #2041",
    "Prairie Rx", "Bayview Mail Order Pharmacy",
]
RECEIVING_HOSPITALS = [
    "Halcyon Ridge Medical Center", "Clearwater Junction Hospital", "Marigold Point Hospital",
]
RECIPIENTS = [
    "Health Information Management", "HIM Department", "Medical Records", "Medical Records Dept.",
    "Release of Information", "Admitting Office", "Patient Access / Scheduling",
    "Utilization Review", "Case Management", "Radiology Scheduling", "Pre-Admission Testing",
    "Cardiology Clinic", "Records Clerk", "Referral Coordinator", "Surgery Scheduling",
    "Care Coordination", "Nurse Manager, 4 West",
]

CREDENTIALS = {
    "primary": ["MD", "DO", "NP", "FNP-C", "PA-C", "APRN", "M.D.", "MD", "DO", "DNP"],
    "specialist": ["MD", "DO", "MD, PhD", "M.D.", "MD, FACP", "MD"],
    "surgeon": ["MD", "MD, FACS", "DO", "M.D.", "MD"],
    "radiologist": ["MD", "DO", "M.D."],
    "pathologist": ["MD", "MD, PhD", "DO", "M.D."],
    "emergency": ["MD", "DO", "PA-C", "MD, FACEP", "NP"],
}
TYPE_CREDENTIALS = {
    "referral_note": "primary", "consult_note": "specialist", "history_and_physical": "specialist",
    "progress_note": "primary", "discharge_summary": "specialist", "operative_note": "surgeon",
    "procedure_note": "specialist", "emergency_department_note": "emergency",
    "imaging_report": "radiologist", "laboratory_report": "primary",
    "pathology_report": "pathologist", "medication_list": "primary", "consent_form": "surgeon",
    "insurance_correspondence": "specialist", "other": "primary",
}

# --------------------------------------------------------------------------------------------
# Clinical vocabulary
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Condition:
    dx: str  # as a diagnosis line would state it ({side} filled in)
    icd: str  # ICD-10-CM; {sd} is 1 for right, 2 for left
    short: str  # how prose refers to it
    symptom: str
    specialty: str
    ages: tuple[int, int]
    sex: str | None = None


CONDITIONS = [
    _Condition("type 2 diabetes mellitus with hyperglycemia", "E11.65", "type 2 diabetes",
               "polyuria, polydipsia and fatigue", "Endocrinology", (25, 99)),
    _Condition("essential (primary) hypertension", "I10", "hypertension",
               "elevated home blood pressure readings and morning headaches", "Cardiology", (25, 99)),
    _Condition("persistent atrial fibrillation", "I48.19", "atrial fibrillation",
               "intermittent palpitations and exertional fatigue", "Cardiology", (45, 99)),
    _Condition("chronic systolic heart failure", "I50.22", "heart failure",
               "worsening dyspnea on exertion and bilateral leg swelling", "Cardiology", (45, 99)),
    _Condition("COPD with acute exacerbation", "J44.1", "COPD",
               "increased cough, sputum production and shortness of breath", "Pulmonology", (45, 99)),
    _Condition("obstructive sleep apnea", "G47.33", "sleep apnea",
               "loud snoring, witnessed apneas and daytime somnolence", "Sleep Medicine", (25, 90)),
    _Condition("chronic kidney disease, stage 3b", "N18.32", "CKD stage 3b",
               "a rising creatinine on routine labs", "Nephrology", (40, 99)),
    _Condition("iron deficiency anemia", "D50.9", "iron deficiency anemia",
               "fatigue and exertional lightheadedness", "Hematology", (18, 99)),
    _Condition("lumbar radiculopathy", "M54.16", "lumbar radiculopathy",
               "low back pain radiating down the {side} leg", "Orthopaedic Spine", (25, 90)),
    _Condition("primary osteoarthritis, {side} knee", "M17.1{sd}", "knee osteoarthritis",
               "{side} knee pain that is worse on stairs", "Orthopaedic Surgery", (45, 99)),
    _Condition("gastroesophageal reflux disease without esophagitis", "K21.9", "GERD",
               "burning epigastric pain and regurgitation", "Gastroenterology", (18, 99)),
    _Condition("hypothyroidism, unspecified", "E03.9", "hypothyroidism",
               "fatigue, weight gain and cold intolerance", "Endocrinology", (18, 99)),
    _Condition("migraine without aura, not intractable", "G43.009", "migraine",
               "recurrent throbbing headaches with photophobia", "Neurology", (12, 80)),
    _Condition("community-acquired pneumonia", "J18.9", "pneumonia",
               "fever, productive cough and pleuritic chest pain", "Pulmonology", (1, 99)),
    _Condition("cellulitis of {side} lower limb", "L03.11{cd}", "cellulitis",
               "redness, warmth and swelling of the {side} lower leg", "Infectious Disease", (5, 99)),
    _Condition("calculus of gallbladder without obstruction", "K80.20", "symptomatic cholelithiasis",
               "postprandial right upper quadrant pain", "General Surgery", (18, 90)),
    _Condition("calculus of kidney", "N20.0", "nephrolithiasis",
               "colicky {side} flank pain and hematuria", "Urology", (18, 90)),
    _Condition("benign prostatic hyperplasia with lower urinary tract symptoms", "N40.1", "BPH",
               "urinary frequency, nocturia and a weak stream", "Urology", (45, 99), "male"),
    _Condition("abnormal uterine bleeding", "N93.9", "abnormal uterine bleeding",
               "heavy, irregular menstrual bleeding", "Gynecology", (16, 55), "female"),
    _Condition("unspecified lump in the {side} breast", "N63.{bd}0", "breast mass",
               "a palpable lump in the {side} breast", "Breast Surgery", (25, 90), "female"),
    _Condition("carpal tunnel syndrome, {side} upper limb", "G56.0{sd}", "carpal tunnel syndrome",
               "numbness and tingling in the {side} hand, worse at night", "Hand Surgery", (25, 90)),
    _Condition("moderate persistent asthma, uncomplicated", "J45.40", "asthma",
               "wheezing and nighttime cough", "Pulmonology", (2, 70)),
    _Condition("acute otitis media", "H66.90", "otitis media",
               "ear pain, fussiness and fever", "Otolaryngology", (1, 10)),
    _Condition("type 1 diabetes mellitus without complications", "E10.9", "type 1 diabetes",
               "difficulty with glucose control and recurrent lows", "Endocrinology", (3, 40)),
    _Condition("fracture of distal radius, {side} arm, initial encounter", "S52.50{sd}A",
               "distal radius fracture", "{side} wrist pain and deformity after a fall",
               "Orthopaedic Surgery", (5, 99)),
    _Condition("acute appendicitis", "K35.80", "appendicitis",
               "periumbilical pain migrating to the right lower quadrant", "General Surgery", (5, 70)),
    _Condition("syncope and collapse", "R55", "syncope",
               "a brief episode of loss of consciousness", "Cardiology", (12, 99)),
    _Condition("chest pain, unspecified", "R07.9", "chest pain",
               "substernal chest pressure", "Cardiology", (25, 99)),
    _Condition("epilepsy, unspecified, not intractable", "G40.909", "seizure disorder",
               "recurrent episodes of staring and generalized shaking", "Neurology", (2, 90)),
    _Condition("rheumatoid arthritis, unspecified", "M06.9", "rheumatoid arthritis",
               "morning stiffness and swelling of the small joints of the hands",
               "Rheumatology", (20, 90)),
]


@dataclass(frozen=True)
class _Med:
    name: str
    strengths: tuple[str, ...]
    form: str
    sig: str  # patient-facing directions
    short: str  # prescriber shorthand
    peds: bool = False
    sex: str | None = None


MEDICATIONS = [
    _Med("lisinopril", ("10 mg", "20 mg", "40 mg"), "tablet", "Take 1 tablet by mouth once daily", "1 tab PO daily"),
    _Med("amlodipine", ("5 mg", "10 mg"), "tablet", "Take 1 tablet by mouth once daily", "PO daily"),
    _Med("metoprolol succinate ER", ("25 mg", "50 mg", "100 mg"), "tablet",
         "Take 1 tablet by mouth daily; do not crush", "PO qday"),
    _Med("atorvastatin", ("20 mg", "40 mg", "80 mg"), "tablet", "Take 1 tablet by mouth at bedtime", "1 tab PO QHS"),
    _Med("metformin", ("500 mg", "1000 mg"), "tablet", "Take 1 tablet by mouth twice daily with meals",
         "PO BID with meals"),
    _Med("insulin glargine", ("100 units/mL",), "pen", "Inject 22 units under the skin at bedtime",
         "22 units subcut QHS", True),
    _Med("insulin lispro", ("100 units/mL",), "pen", "Inject per sliding scale with meals", "SSI subcut TID AC",
         True),
    _Med("levothyroxine", ("50 mcg", "75 mcg", "112 mcg"), "tablet",
         "Take 1 tablet by mouth every morning on an empty stomach", "PO qAM"),
    _Med("omeprazole", ("20 mg", "40 mg"), "capsule", "Take 1 capsule by mouth daily before breakfast",
         "PO daily AC"),
    _Med("apixaban", ("5 mg", "2.5 mg"), "tablet", "Take 1 tablet by mouth twice daily", "PO BID"),
    _Med("furosemide", ("20 mg", "40 mg"), "tablet", "Take 1 tablet by mouth every morning", "PO daily"),
    _Med("albuterol HFA", ("90 mcg/actuation",), "inhaler",
         "Inhale 2 puffs every 4 to 6 hours as needed for wheezing", "2 puffs q4-6h PRN", True),
    _Med("fluticasone-salmeterol", ("250/50 mcg",), "inhaler", "Inhale 1 puff twice daily; rinse mouth after use",
         "1 inh BID"),
    _Med("fluticasone HFA", ("44 mcg/actuation",), "inhaler", "Inhale 2 puffs twice daily with spacer",
         "2 puffs BID", True),
    _Med("tiotropium", ("18 mcg",), "inhalation capsule", "Inhale contents of 1 capsule once daily",
         "1 cap inh daily"),
    _Med("sertraline", ("50 mg", "100 mg"), "tablet", "Take 1 tablet by mouth once daily", "PO daily"),
    _Med("gabapentin", ("300 mg",), "capsule", "Take 1 capsule by mouth three times daily", "PO TID"),
    _Med("acetaminophen", ("500 mg", "325 mg"), "tablet",
         "Take 2 tablets by mouth every 6 hours as needed for pain", "PO q6h PRN pain", True),
    _Med("ibuprofen", ("400 mg", "600 mg", "100 mg/5 mL"), "tablet",
         "Take by mouth every 8 hours as needed with food", "PO q8h PRN", True),
    _Med("tamsulosin", ("0.4 mg",), "capsule", "Take 1 capsule by mouth daily 30 minutes after the same meal",
         "PO daily", False, "male"),
    _Med("losartan", ("25 mg", "50 mg", "100 mg"), "tablet", "Take 1 tablet by mouth once daily", "PO daily"),
    _Med("hydrochlorothiazide", ("12.5 mg", "25 mg"), "tablet", "Take 1 tablet by mouth every morning", "PO qAM"),
    _Med("carvedilol", ("6.25 mg", "12.5 mg", "25 mg"), "tablet", "Take 1 tablet by mouth twice daily with food",
         "PO BID"),
    _Med("sacubitril-valsartan", ("24-26 mg", "49-51 mg"), "tablet", "Take 1 tablet by mouth twice daily", "PO BID"),
    _Med("spironolactone", ("25 mg",), "tablet", "Take 1 tablet by mouth once daily", "PO daily"),
    _Med("empagliflozin", ("10 mg", "25 mg"), "tablet", "Take 1 tablet by mouth every morning", "PO qAM"),
    _Med("semaglutide", ("0.5 mg/dose", "1 mg/dose"), "pen", "Inject under the skin once weekly on the same day",
         "subcut weekly"),
    _Med("montelukast", ("10 mg", "5 mg chewable"), "tablet", "Take 1 tablet by mouth at bedtime", "PO QHS", True),
    _Med("cetirizine", ("10 mg", "5 mg/5 mL"), "tablet", "Take 1 tablet by mouth daily as needed for allergies",
         "PO daily PRN", True),
    _Med("amoxicillin", ("400 mg/5 mL", "500 mg"), "suspension", "Give 5 mL by mouth twice daily for 10 days",
         "PO BID x10d", True),
    _Med("cephalexin", ("500 mg",), "capsule", "Take 1 capsule by mouth four times daily for 7 days", "PO QID x7d",
         True),
    _Med("prednisone", ("10 mg", "20 mg"), "tablet", "Take as directed per taper schedule", "PO taper"),
    _Med("oxycodone", ("5 mg",), "tablet", "Take 1 tablet by mouth every 6 hours as needed for severe pain",
         "PO q6h PRN severe pain"),
    _Med("ondansetron ODT", ("4 mg",), "tablet",
         "Dissolve 1 tablet on the tongue every 8 hours as needed for nausea", "SL q8h PRN N/V", True),
    _Med("cholecalciferol (vitamin D3)", ("1000 units", "2000 units"), "tablet", "Take 1 tablet by mouth daily",
         "PO daily"),
    _Med("aspirin", ("81 mg",), "chewable tablet", "Chew 1 tablet by mouth daily", "PO daily"),
    _Med("clopidogrel", ("75 mg",), "tablet", "Take 1 tablet by mouth daily", "PO daily"),
    _Med("warfarin", ("5 mg", "2.5 mg"), "tablet", "Take as directed by the anticoagulation clinic", "PO per INR"),
    _Med("ferrous sulfate", ("325 mg",), "tablet", "Take 1 tablet by mouth daily with orange juice", "PO daily"),
    _Med("docusate sodium", ("100 mg",), "capsule",
         "Take 1 capsule by mouth twice daily as needed for constipation", "PO BID PRN"),
    _Med("sumatriptan", ("50 mg", "100 mg"), "tablet",
         "Take 1 tablet at onset of migraine; may repeat once in 2 hours", "PO PRN migraine"),
    _Med("levetiracetam", ("500 mg", "100 mg/mL"), "tablet", "Take 1 tablet by mouth twice daily", "PO BID", True),
    _Med("methotrexate", ("2.5 mg",), "tablet", "Take 6 tablets by mouth once weekly on Mondays", "6 tabs PO weekly"),
    _Med("folic acid", ("1 mg",), "tablet", "Take 1 tablet by mouth daily except on methotrexate day", "PO daily"),
    _Med("enoxaparin", ("40 mg/0.4 mL",), "syringe", "Inject under the skin once daily", "subcut daily"),
    _Med("pantoprazole", ("40 mg",), "tablet", "Take 1 tablet by mouth daily before breakfast", "PO daily"),
    _Med("meloxicam", ("7.5 mg", "15 mg"), "tablet", "Take 1 tablet by mouth daily with food", "PO daily"),
    _Med("trazodone", ("50 mg",), "tablet", "Take 1 tablet by mouth at bedtime as needed for sleep", "PO QHS PRN"),
    _Med("polyethylene glycol 3350", ("17 g",), "powder", "Mix 1 capful in 8 oz of water daily", "PO daily PRN",
         True),
    _Med("estradiol", ("0.5 mg", "1 mg"), "tablet", "Take 1 tablet by mouth daily", "PO daily", False, "female"),
]

PMH_ADULT = [
    "hypertension", "hyperlipidemia", "type 2 diabetes mellitus", "GERD", "osteoarthritis",
    "hypothyroidism", "obesity (BMI 34)", "depression", "generalized anxiety disorder",
    "coronary artery disease s/p PCI in 2019", "paroxysmal atrial fibrillation", "CKD stage 3a",
    "asthma", "migraine", "gout", "obstructive sleep apnea on CPAP", "remote DVT",
    "prediabetes", "iron deficiency anemia", "chronic low back pain",
]
PMH_CHILD = [
    "mild intermittent asthma", "atopic dermatitis", "seasonal allergic rhinitis", "ADHD",
    "recurrent otitis media", "no significant past medical history", "prior febrile seizure", "constipation",
]
PMH_INFANT = [
    "born at 38 weeks, uncomplicated delivery", "eczema", "recurrent otitis media", "reactive airway disease",
    "no significant past medical history", "gastroesophageal reflux of infancy",
]
# Sentences a child's record would not contain.
ADULT_ONLY = ("walker", "driving", "smok", "alcohol", "retired", "truck", "spouse", "METs", "stairs",
              "pack-year", "lives alone", "apartment", "ambulating independently", "coronary", "HEART score",
              "1 L normal saline", "troponin", "one liter")
PSH_ITEMS = [
    "appendectomy", "laparoscopic cholecystectomy", "right knee arthroscopy",
    "tonsillectomy as a child", "umbilical hernia repair", "cataract extraction, both eyes",
    "carpal tunnel release", "none", "coronary stent placement", "ORIF left ankle",
]
ALLERGIES = [
    "NKDA", "No known drug allergies", "Penicillin (hives)", "Sulfa drugs (rash)",
    "Codeine (nausea and vomiting)", "Latex (contact dermatitis)",
    "Iodinated contrast (hives) - premedicate", "Lisinopril (angioedema)", "Shellfish",
    "Amoxicillin (rash)", "No known allergies",
]
FAMILY_HISTORY = [
    "Mother with hypertension and type 2 diabetes.", "Father died at 72 of a myocardial infarction.",
    "Sister with breast cancer diagnosed at age 51.", "No family history of colon cancer.",
    "Family history is noncontributory.", "Brother with coronary artery disease in his fifties.",
    "Maternal grandmother with thyroid disease.", "No family history of sudden cardiac death.",
]
SOCIAL_ADULT = [
    "Never smoker. Drinks alcohol socially, 1-2 drinks per week. No illicit drug use.",
    "Former smoker, 20 pack-years, quit in 2012. Rare alcohol.",
    "Current smoker, half a pack per day; cessation counseling provided.",
    "Lives with spouse; independent with activities of daily living.",
    "Retired school teacher. Walks 30 minutes most days.",
    "Works as a long-haul truck driver.", "Lives alone in a second-floor apartment.",
    "Denies tobacco, alcohol or drug use.",
]
SOCIAL_CHILD = [
    "Lives with parents and two siblings; attends school and is doing well academically.",
    "No smokers in the home. Attends daycare three days a week.",
    "Lives with mother and grandmother; up to date on immunizations.",
]
EXAM_SYSTEMS = [
    ("General", ["Alert and oriented, in no acute distress.", "Well-appearing, pleasant, cooperative.",
                 "Appears fatigued but nontoxic."]),
    ("HEENT", ["Normocephalic, atraumatic. PERRL. Oropharynx clear, moist mucous membranes.",
               "Conjunctivae pink, sclerae anicteric. TMs clear bilaterally."]),
    ("Neck", ["Supple, no JVD, no lymphadenopathy or thyromegaly.", "No carotid bruits."]),
    ("Lungs", ["Clear to auscultation bilaterally; no wheezes, rales or rhonchi.",
               "Scattered expiratory wheezes; no accessory muscle use.",
               "Decreased breath sounds at the right base with crackles."]),
    ("Cardiovascular", ["Regular rate and rhythm, normal S1 and S2, no murmurs, rubs or gallops.",
                        "Irregularly irregular rhythm; no murmur.",
                        "II/VI systolic ejection murmur at the right upper sternal border."]),
    ("Abdomen", ["Soft, nontender, nondistended; normoactive bowel sounds.",
                 "Tender in the right upper quadrant with a positive Murphy sign.",
                 "Mild epigastric tenderness without rebound or guarding."]),
    ("Extremities", ["No clubbing, cyanosis or edema; 2+ distal pulses.",
                     "1+ pitting edema to the mid shin bilaterally."]),
    ("Neurologic", ["Cranial nerves II-XII grossly intact; strength 5/5 throughout.",
                    "Nonfocal exam; gait steady."]),
    ("Skin", ["Warm and dry; no rashes or lesions.", "Erythema and warmth over the anterior shin, no fluctuance."]),
    ("Psych", ["Normal mood and affect; judgment and insight intact.", "Anxious but cooperative.",
               "Calm, linear thought process."]),
    ("Musculoskeletal", ["Full range of motion of all extremities without joint effusion.",
                         "Paraspinal tenderness in the lower lumbar region; straight leg raise negative.",
                         "Tenderness and mild swelling of the affected joint; range of motion limited by pain."]),
    ("Lymph", ["No cervical, supraclavicular or axillary lymphadenopathy.", "No palpable adenopathy."]),
]
# More ways each system is written up; exam_block draws from both, so no type owns a phrasing.
EXAM_MORE = {
    "General": ["Lying comfortably, speaking in full sentences.", "Mildly uncomfortable appearing but nontoxic.",
                "Awake, alert and answering questions appropriately.", "Ill-appearing, diaphoretic."],
    "HEENT": ["Dry mucous membranes; oropharynx without erythema or exudate.",
              "Extraocular movements intact, no nystagmus. Nares patent."],
    "Neck": ["Full range of motion; no meningismus.", "Trachea midline; no thyroid nodules palpated."],
    "Lungs": ["Diminished breath sounds bilaterally with a prolonged expiratory phase.",
              "Unlabored respirations, clear bilaterally.", "Bibasilar crackles; no wheezing."],
    "Cardiovascular": ["Tachycardic with a regular rhythm; no murmur.", "RRR. No JVD. Capillary refill brisk."],
    "Abdomen": ["Obese, soft, nontender; no hepatosplenomegaly or masses.",
                "Right lower quadrant tenderness with voluntary guarding; no rebound.",
                "Soft, mildly distended, hypoactive bowel sounds."],
    "Extremities": ["Warm and well perfused; no calf tenderness or asymmetry.", "Trace ankle edema bilaterally."],
    "Neurologic": ["Alert and oriented x3; sensation intact to light touch; reflexes 2+ and symmetric.",
                   "Speech fluent; no pronator drift; finger-to-nose intact."],
    "Skin": ["No jaundice, petechiae or rash.", "Healed surgical scars; no open wounds."],
}
ROS_LINES = [
    "A complete 12-point review of systems was obtained and is negative except as noted in the HPI.",
    "Constitutional: positive for fatigue; negative for fever, chills or weight loss.",
    "Cardiovascular: denies chest pain, orthopnea or palpitations.",
    "Respiratory: denies cough, wheezing or hemoptysis.",
    "Gastrointestinal: denies nausea, melena or hematochezia.",
    "Genitourinary: denies dysuria or hematuria.",
    "Musculoskeletal: positive for joint pain as above.",
    "Neurologic: denies focal weakness, numbness or syncope.",
    "Skin: no new rashes.", "All other systems reviewed and negative.",
    "Eyes: no blurred or double vision.", "ENT: no sore throat, ear pain or congestion.",
    "Endocrine: no heat or cold intolerance, no polyuria.", "Hematologic: no easy bruising or bleeding.",
    "Psychiatric: no depressed mood; sleep is fair.", "Constitutional: no fevers, chills or night sweats.",
    "Respiratory: positive for mild dyspnea on exertion; no cough.",
    "Gastrointestinal: positive for nausea; no vomiting, diarrhea or blood in the stool.",
]
ROS_SUMMARIES = [
    "A complete 12-point review of systems was obtained and is negative except as noted in the HPI.",
    "All other systems reviewed and are negative.",
    "10-point ROS otherwise negative; pertinent positives as in the HPI.",
    "Review of systems is negative except for what is stated above.",
    "Unable to obtain a full review of systems because of the patient's condition.",
    "Comprehensive ROS performed; positives per HPI, all others negative.",
]
# History-of-present-illness sentences any clinical note may contain, whatever its type.
GENERIC_HPI = [
    "{He} reports {symptom} for {duration}.",
    "Symptoms started {duration} ago and have slowly progressed.",
    "{He} describes the symptoms as intermittent at first and now nearly constant.",
    "{He} has tried {med} with only partial relief.",
    "{He} denies fevers, chills, night sweats or unintentional weight loss.",
    "There is no history of similar episodes.",
    "Appetite is somewhat decreased, but {he} is tolerating fluids.",
    "No recent travel, sick contacts or new medications.",
    "Symptoms are worse with activity and better with rest.",
    "No recent hospitalizations or emergency visits.",
    "Associated symptoms include fatigue and poor sleep.",
    "{He} rates the discomfort {pain}/10 at its worst.",
    "Outside records, laboratory results and imaging were reviewed.",
    "{His} medications and allergies were reviewed and updated.",
    "History is obtained from the patient and a family member at the bedside.",
    "{He} is otherwise at {his} usual state of health.",
]
CC_FORMS = ["{Symptom}.", "{Short}.", "\"I just don't feel right.\"", "{Symptom} x {duration}.",
            "Worsening {short}.", "Evaluation of {short}."]
TESTS = [
    "an echocardiogram", "a sleep study", "MRI of the lumbar spine", "a CT scan of the abdomen",
    "a hemoglobin A1c and lipid panel", "iron studies and a reticulocyte count",
    "pulmonary function tests", "a 14-day ambulatory ECG monitor", "an EEG",
    "a urine albumin-to-creatinine ratio", "bilateral knee radiographs", "a thyroid ultrasound",
]

# Laboratory analytes: name, unit, low, high, decimals.
LAB_PANELS = {
    "CBC WITH DIFFERENTIAL": [
        ("WBC", "x10^3/uL", 4.0, 11.0, 1), ("RBC", "x10^6/uL", 3.9, 5.6, 2),
        ("Hemoglobin", "g/dL", 12.0, 16.5, 1), ("Hematocrit", "%", 36.0, 48.0, 1),
        ("MCV", "fL", 80.0, 100.0, 1), ("MCH", "pg", 27.0, 33.0, 1),
        ("RDW", "%", 11.5, 14.5, 1), ("Platelets", "x10^3/uL", 150, 400, 0),
        ("Neutrophils", "%", 40.0, 75.0, 1), ("Lymphocytes", "%", 20.0, 45.0, 1),
        ("Monocytes", "%", 2.0, 10.0, 1), ("Eosinophils", "%", 0.0, 6.0, 1),
    ],
    "BASIC METABOLIC PANEL": [
        ("Sodium", "mmol/L", 135, 145, 0), ("Potassium", "mmol/L", 3.5, 5.1, 1),
        ("Chloride", "mmol/L", 98, 107, 0), ("CO2", "mmol/L", 22, 29, 0),
        ("BUN", "mg/dL", 7, 20, 0), ("Creatinine", "mg/dL", 0.60, 1.20, 2),
        ("Glucose", "mg/dL", 70, 99, 0), ("Calcium", "mg/dL", 8.6, 10.3, 1),
        ("eGFR", "mL/min/1.73m2", 60, 120, 0),
    ],
    "HEPATIC FUNCTION PANEL": [
        ("Total Protein", "g/dL", 6.0, 8.3, 1), ("Albumin", "g/dL", 3.5, 5.0, 1),
        ("Total Bilirubin", "mg/dL", 0.1, 1.2, 1), ("Alkaline Phosphatase", "U/L", 44, 147, 0),
        ("AST", "U/L", 10, 40, 0), ("ALT", "U/L", 7, 56, 0),
    ],
    "LIPID PANEL": [
        ("Cholesterol, Total", "mg/dL", 100, 199, 0), ("Triglycerides", "mg/dL", 40, 149, 0),
        ("HDL Cholesterol", "mg/dL", 40, 90, 0), ("LDL Cholesterol (calc)", "mg/dL", 40, 99, 0),
    ],
    "HEMOGLOBIN A1C": [("Hemoglobin A1c", "%", 4.0, 5.6, 1), ("Est. Average Glucose", "mg/dL", 68, 114, 0)],
    "THYROID PANEL": [("TSH", "uIU/mL", 0.45, 4.50, 2), ("Free T4", "ng/dL", 0.8, 1.8, 2)],
    "COAGULATION": [("Prothrombin Time", "sec", 11.0, 13.5, 1), ("INR", "", 0.8, 1.2, 1),
                    ("PTT", "sec", 25.0, 35.0, 1)],
    "IRON STUDIES": [("Iron", "ug/dL", 60, 170, 0), ("TIBC", "ug/dL", 250, 450, 0),
                     ("Ferritin", "ng/mL", 15, 150, 0), ("Transferrin Saturation", "%", 20, 50, 0)],
    "CARDIAC MARKERS": [("Troponin I, high sensitivity", "ng/L", 0, 34, 0), ("NT-proBNP", "pg/mL", 0, 125, 0)],
    "MAGNESIUM / PHOSPHORUS": [("Magnesium", "mg/dL", 1.7, 2.2, 1), ("Phosphorus", "mg/dL", 2.5, 4.5, 1)],
    "VITAMIN D, 25-HYDROXY": [("Vitamin D, 25-OH, Total", "ng/mL", 30, 100, 0)],
}
URINALYSIS = [
    ("Color", ["Yellow", "Straw", "Amber"], "Yellow"), ("Appearance", ["Clear", "Slightly cloudy"], "Clear"),
    ("Specific Gravity", ["1.010", "1.015", "1.022", "1.030"], "1.005-1.030"),
    ("pH", ["5.5", "6.0", "6.5", "7.0"], "5.0-8.0"), ("Protein", ["Negative", "Trace", "1+"], "Negative"),
    ("Glucose", ["Negative", "Negative", "2+"], "Negative"), ("Ketones", ["Negative", "Trace"], "Negative"),
    ("Blood", ["Negative", "Small", "Moderate"], "Negative"),
    ("Leukocyte Esterase", ["Negative", "Small", "Large"], "Negative"),
    ("Nitrite", ["Negative", "Positive"], "Negative"), ("WBC", ["0-2", "3-5", "10-20"], "0-5 /HPF"),
    ("RBC", ["0-2", "3-5"], "0-2 /HPF"), ("Bacteria", ["None seen", "Few", "Many"], "None seen"),
]


@dataclass(frozen=True)
class _Exam:
    title: str
    indication: str
    technique: str
    normal: tuple[str, ...]  # findings lines of a normal study
    normal_impression: str
    abnormal: tuple[tuple[str, str], ...]  # (finding that replaces or adds, impression)
    sex: str | None = None
    min_age: int = 0


IMAGING_EXAMS = [
    _Exam("XR CHEST 2 VIEWS (PA AND LATERAL)", "Cough and shortness of breath.",
          "PA and lateral views of the chest.",
          ("The cardiomediastinal silhouette is within normal limits.",
           "The lungs are clear without focal consolidation, pleural effusion or pneumothorax.",
           "No acute osseous abnormality."),
          "No acute cardiopulmonary process.",
          (("Patchy airspace opacity in the right lower lobe.",
            "Right lower lobe pneumonia in the appropriate clinical setting."),
           ("Small bilateral pleural effusions with mild interstitial edema.",
            "Findings suggest mild congestive heart failure."),
           ("Hyperinflated lungs with flattened hemidiaphragms.",
            "Hyperinflation consistent with COPD; no acute process."))),
    _Exam("CT HEAD WITHOUT CONTRAST", "Headache, fall.",
          "Axial CT images of the head were obtained without intravenous contrast.",
          ("There is no intracranial hemorrhage, mass effect or midline shift.",
           "Gray-white matter differentiation is preserved.",
           "The ventricles and sulci are normal in size for age.",
           "The visualized paranasal sinuses and mastoid air cells are clear.",
           "The calvarium is intact."),
          "No acute intracranial abnormality.",
          (("Mild periventricular white matter hypodensities, likely chronic small vessel ischemic change.",
            "No acute intracranial abnormality. Chronic small vessel ischemic change."),
           ("Left frontal scalp hematoma without underlying fracture.",
            "Left frontal scalp hematoma. No acute intracranial injury."))),
    _Exam("CT ABDOMEN AND PELVIS WITH IV CONTRAST", "Abdominal pain.",
          "Axial images from the lung bases through the pubic symphysis after 100 mL of Omnipaque 350 IV. Coronal "
          "and sagittal reformats.",
          ("Liver: normal size and attenuation without focal lesion.",
           "Gallbladder and biliary tree: unremarkable; no biliary dilatation.",
           "Pancreas, spleen and adrenal glands: unremarkable.",
           "Kidneys: enhance symmetrically; no hydronephrosis or stones.",
           "Bowel: no obstruction or wall thickening. The appendix is normal.",
           "No free fluid or free air. No pathologically enlarged lymph nodes.",
           "Bones: degenerative changes of the lumbar spine; no aggressive lesion."),
          "No acute abnormality in the abdomen or pelvis.",
          (("The appendix is dilated to 11 mm with periappendiceal fat stranding; no abscess.",
            "Acute uncomplicated appendicitis."),
           ("4 mm obstructing calculus at the left ureterovesical junction with mild hydronephrosis.",
            "Obstructing left UVJ calculus with mild hydronephrosis."),
           ("Sigmoid diverticulosis with adjacent inflammatory stranding.",
            "Acute uncomplicated sigmoid diverticulitis."))),
    _Exam("MRI LUMBAR SPINE WITHOUT CONTRAST", "Low back pain with radiculopathy.",
          "Sagittal T1, T2 and STIR with axial T1 and T2 images of the lumbar spine.",
          ("Alignment is normal. Vertebral body heights are maintained.",
           "The conus terminates normally at L1.",
           "L1-L2 through L3-L4: no significant disc bulge, canal or foraminal stenosis.",
           "L4-L5: mild disc desiccation without stenosis.",
           "L5-S1: no significant abnormality."),
          "No significant spinal canal or neural foraminal stenosis.",
          (("L4-L5: broad-based disc bulge with a right paracentral protrusion contacting the descending right L5 "
            "nerve root.",
            "L4-L5 right paracentral disc protrusion contacting the right L5 nerve root."),
           ("L5-S1: moderate bilateral foraminal stenosis from facet arthropathy and disc osteophyte complex.",
            "Moderate bilateral L5-S1 foraminal stenosis."))),
    _Exam("US ABDOMEN LIMITED (RIGHT UPPER QUADRANT)", "Right upper quadrant pain.",
          "Grayscale and color Doppler images of the right upper quadrant.",
          ("Liver: normal echotexture, measuring 15.2 cm.",
           "Gallbladder: normally distended without stones or wall thickening. Sonographic Murphy sign negative.",
           "Common bile duct: 4 mm.", "Right kidney: 10.8 cm without hydronephrosis.",
           "Pancreas: visualized portions unremarkable."),
          "Normal right upper quadrant ultrasound.",
          (("Gallbladder: multiple mobile shadowing stones, the largest 1.4 cm; wall 2 mm; Murphy sign negative.",
            "Cholelithiasis without sonographic evidence of acute cholecystitis."),
           ("Liver: diffusely increased echogenicity.", "Hepatic steatosis."))),
    _Exam("MAMMOGRAM SCREENING BILATERAL WITH TOMOSYNTHESIS", "Routine screening.",
          "Standard CC and MLO views of both breasts with digital breast tomosynthesis.",
          ("The breasts are heterogeneously dense, which may obscure small masses.",
           "There are no suspicious masses, calcifications or architectural distortion.",
           "Stable benign-appearing calcifications in the left breast."),
          "BI-RADS 1: Negative. Recommend routine annual screening.",
          (("Possible asymmetry in the right breast upper outer quadrant on the CC view only.",
            "BI-RADS 0: Incomplete. Recommend diagnostic mammogram and ultrasound of the right breast."),),
          "female", 40),
    _Exam("XR WRIST 3 VIEWS", "Fall on outstretched hand.",
          "PA, oblique and lateral views of the wrist.",
          ("No acute fracture or dislocation.", "Joint spaces are preserved.", "Soft tissues are unremarkable."),
          "No acute osseous abnormality.",
          (("Transverse fracture of the distal radial metaphysis with 10 degrees of dorsal angulation.",
            "Acute distal radius fracture with mild dorsal angulation."),)),
    _Exam("US RENAL COMPLETE", "Elevated creatinine.",
          "Grayscale and Doppler images of both kidneys and the bladder.",
          ("Right kidney 10.9 cm, left kidney 11.2 cm, normal cortical thickness.",
           "No hydronephrosis, stones or masses.", "The bladder is normally distended."),
          "Normal renal ultrasound.",
          (("Both kidneys show increased cortical echogenicity and mild cortical thinning.",
            "Echogenic kidneys consistent with medical renal disease."),
           ("Simple cyst in the upper pole of the left kidney measuring 2.1 cm.",
            "Bosniak 1 left renal cyst; no follow-up needed."))),
    _Exam("CT ANGIOGRAPHY CHEST (PE PROTOCOL)", "Shortness of breath, tachycardia; evaluate for pulmonary embolism.",
          "CT angiography of the chest after 80 mL of Isovue 370 IV with multiplanar reformats.",
          ("The pulmonary arteries are well opacified without filling defect.",
           "Heart size is normal; no pericardial effusion.",
           "The lungs are clear; no consolidation or effusion.", "No mediastinal or hilar adenopathy."),
          "No pulmonary embolism. No acute intrathoracic process.",
          (("Filling defects in the right lower lobe segmental and subsegmental arteries; RV/LV ratio 0.8.",
            "Acute right lower lobe pulmonary emboli without CT evidence of right heart strain."),)),
    _Exam("DXA BONE DENSITOMETRY", "Postmenopausal; screening for osteoporosis.",
          "Dual-energy x-ray absorptiometry of the lumbar spine and both proximal femurs.",
          ("Lumbar spine L1-L4 BMD 0.982 g/cm2, T-score -1.2.",
           "Left femoral neck BMD 0.701 g/cm2, T-score -1.8.", "Total left hip T-score -1.4."),
          "Osteopenia. FRAX 10-year major osteoporotic fracture risk 11%.",
          (("Lumbar spine T-score -2.7; left femoral neck T-score -2.6.", "Osteoporosis by WHO criteria."),),
          None, 50),
    _Exam("US PELVIS TRANSABDOMINAL AND TRANSVAGINAL", "Pelvic pain, abnormal bleeding.",
          "Transabdominal and transvaginal grayscale and Doppler images of the pelvis.",
          ("The uterus is anteverted and measures 8.1 x 4.2 x 5.0 cm.",
           "Endometrial stripe measures 7 mm.", "Both ovaries are normal in size with normal Doppler flow.",
           "No free fluid."),
          "Normal pelvic ultrasound.",
          (("Intramural fibroid in the posterior uterine body measuring 2.8 cm.", "Small uterine fibroid."),
           ("Right ovarian simple cyst measuring 3.1 cm.", "Simple right ovarian cyst, likely physiologic.")),
          "female", 18),
]


@dataclass(frozen=True)
class _Specimen:
    label: str  # the "A." part line
    procedure: str
    gross: str
    micro: str
    diagnoses: tuple[str, ...]
    sex: str | None = None
    min_age: int = 0


SPECIMENS = [
    _Specimen("Skin, {side} forearm, shave biopsy", "shave biopsy",
              "Received in formalin is a tan-pink shave of skin measuring 0.8 x 0.6 x 0.2 cm. Inked, trisected "
              "and entirely submitted in cassette A1.",
              "Sections show nests of basaloid cells with peripheral palisading and retraction artifact in the "
              "dermis.",
              ("Basal cell carcinoma, nodular type; peripheral margin involved.",
               "Seborrheic keratosis, irritated; no atypia.",
               "Actinic keratosis; margins clear.")),
    _Specimen("Colon, ascending, polyp, cold snare polypectomy", "colonoscopy",
              "Received in formalin are two tan polypoid fragments measuring 0.4 and 0.6 cm. Entirely submitted "
              "in cassette A1.",
              "Sections show colonic mucosa with crowded, elongated pencillate nuclei in tubular glands.",
              ("Tubular adenoma; negative for high-grade dysplasia.", "Hyperplastic polyp.",
               "Sessile serrated lesion without dysplasia."), None, 30),
    _Specimen("Gallbladder, laparoscopic cholecystectomy", "cholecystectomy",
              "Received fresh is an opened gallbladder measuring 7.8 x 3.1 cm with a 0.2 cm wall. Multiple "
              "yellow-green stones up to 1.2 cm. Representative sections in A1-A2.",
              "Sections show mild mural fibrosis, Rokitansky-Aschoff sinuses and chronic inflammation.",
              ("Chronic cholecystitis with cholelithiasis.",
               "Acute and chronic cholecystitis with cholelithiasis."), None, 15),
    _Specimen("Appendix, laparoscopic appendectomy", "appendectomy",
              "Received in formalin is an appendix measuring 6.2 cm in length and 1.0 cm in diameter with a "
              "fibrinous serosa. Tip and representative sections in A1-A3.",
              "Sections show transmural neutrophilic infiltrate with mucosal ulceration and serositis.",
              ("Acute appendicitis with periappendicitis; no perforation identified.",
               "Acute suppurative appendicitis."), None, 4),
    _Specimen("Breast, {side}, ultrasound-guided core needle biopsy", "core biopsy",
              "Received in formalin are four tan-white cores, 1.2 to 1.6 cm in length. Entirely submitted in A1. "
              "Cold ischemia time under 1 hour.",
              "Sections show infiltrating nests and cords of ductal cells with moderate pleomorphism and "
              "scattered mitoses.",
              ("Invasive ductal carcinoma, Nottingham grade 2. ER positive (90%), PR positive (60%), HER2 1+ "
               "(negative).",
               "Fibroadenoma.", "Fibrocystic changes with usual ductal hyperplasia; no atypia or malignancy."),
              "female", 25),
    _Specimen("Prostate, {side} base, needle core biopsy", "prostate biopsy",
              "Received in formalin are two tan cores measuring 1.4 and 1.7 cm. Entirely submitted in A1.",
              "Sections show small crowded glands with prominent nucleoli infiltrating between benign glands.",
              ("Prostatic adenocarcinoma, Gleason score 3+4=7 (Grade Group 2), involving 30% of core length.",
               "Benign prostatic tissue; no carcinoma identified."),
              "male", 45),
    _Specimen("Endometrium, biopsy", "endometrial biopsy",
              "Received in formalin are multiple tan-red soft tissue fragments aggregating to 1.5 x 1.0 x 0.3 cm. "
              "Entirely submitted in A1.",
              "Sections show endometrial glands with mitotic activity in a cellular stroma.",
              ("Proliferative endometrium; negative for hyperplasia or malignancy.",
               "Disordered proliferative endometrium with stromal breakdown."),
              "female", 25),
    _Specimen("Thyroid, {side} lobe nodule, fine needle aspiration", "FNA",
              "Received are four air-dried and four alcohol-fixed smears and a ThinPrep vial.",
              "Smears show abundant colloid and benign-appearing follicular cells in macrofollicular groups.",
              ("Benign (Bethesda category II); consistent with a benign follicular nodule.",
               "Atypia of undetermined significance (Bethesda category III)."), None, 15),
    _Specimen("Stomach, antrum, biopsy", "upper endoscopy",
              "Received in formalin are three tan mucosal fragments, 0.2 to 0.3 cm. Entirely submitted in A1.",
              "Sections show antral mucosa with chronic active inflammation; curved rods are seen on the surface "
              "epithelium.",
              ("Chronic active gastritis with Helicobacter pylori organisms.",
               "Mild chronic inactive gastritis; H. pylori immunostain negative."),
              None, 10),
]


MORE_SITES = {
    "Skin, {side} forearm, shave biopsy": ["Skin, scalp vertex, shave biopsy", "Skin, right upper back, punch biopsy",
                                           "Skin, left shin, shave biopsy", "Skin, nasal tip, shave biopsy"],
    "Colon, ascending, polyp, cold snare polypectomy": ["Colon, transverse, polyp, cold snare polypectomy",
                                                        "Colon, sigmoid, polyp, cold forceps biopsy",
                                                        "Rectum, polyp, cold snare polypectomy"],
}


@dataclass(frozen=True)
class _Operation:
    name: str  # {side}/{Side} filled in
    pre: str
    post: str
    anesthesia: str
    steps: tuple[str, ...]
    specimen: str
    implants: str
    ebl: tuple[int, int]
    sex: str | None = None
    min_age: int = 12


OPERATION_SPECIALTY = {
    "arthroplasty": "Orthopaedic Surgery", "distal radius": "Orthopaedic Surgery", "carpal tunnel": "Hand Surgery",
    "prostate": "Urology", "hysterectomy": "Gynecology", "myringotomy": "Otolaryngology",
    "Tonsillectomy": "Otolaryngology", "lumpectomy": "Breast Surgery",
}
OPERATIONS = [
    _Operation("Laparoscopic cholecystectomy", "Symptomatic cholelithiasis",
               "Symptomatic cholelithiasis with chronic cholecystitis", "General endotracheal",
               ("Pneumoperitoneum was established through a periumbilical incision with a Veress needle to 15 mm Hg.",
                "Three additional 5 mm ports were placed under direct vision.",
                "The fundus of the gallbladder was retracted cephalad and the hepatocystic triangle was dissected.",
                "The critical view of safety was obtained, with only two structures entering the gallbladder.",
                "The cystic duct and cystic artery were doubly clipped and divided.",
                "The gallbladder was dissected off the liver bed with electrocautery and removed in a retrieval bag.",
                "The umbilical fascia was closed with 0 Vicryl and the skin with 4-0 Monocryl."),
               "Gallbladder to pathology", "None", (5, 50)),
    _Operation("Laparoscopic appendectomy", "Acute appendicitis", "Acute appendicitis, nonperforated",
               "General endotracheal",
               ("Access was obtained with an open Hasson technique at the umbilicus.",
                "The inflamed appendix was identified in the right lower quadrant without perforation.",
                "The mesoappendix was divided with a vessel-sealing device.",
                "The appendiceal base was divided with an endoscopic stapler.",
                "The right lower quadrant was irrigated and the staple line was hemostatic.",
                "The specimen was removed in an endocatch bag."),
               "Appendix to pathology", "None", (5, 30), None, 5),
    _Operation("{Side} total knee arthroplasty", "{Side} knee primary osteoarthritis",
               "Same", "Spinal with adductor canal block",
               ("A tourniquet was applied to the {side} thigh and inflated to 250 mm Hg.",
                "A medial parapatellar arthrotomy was performed.",
                "The distal femur and proximal tibia were cut with standard cutting guides.",
                "Trial components showed good stability in flexion and extension.",
                "The final components were cemented into place and the polyethylene insert was seated.",
                "The arthrotomy was closed with barbed suture and the skin with staples."),
               "Bone fragments (not sent)", "Cemented femoral and tibial components with a 10 mm polyethylene insert",
               (100, 300), None, 45),
    _Operation("Open reduction and internal fixation, {side} distal radius", "{Side} distal radius fracture",
               "Same", "General with laryngeal mask airway",
               ("A volar Henry approach was used over the flexor carpi radialis tendon.",
                "The pronator quadratus was elevated to expose the fracture.",
                "The fracture was reduced under fluoroscopy and provisionally held with K-wires.",
                "A volar locking plate was applied and secured with locking screws.",
                "Final fluoroscopic images confirmed anatomic reduction and appropriate screw length."),
               "None", "Volar locking plate with 7 screws", (10, 60), None, 10),
    _Operation("{Side} inguinal hernia repair with mesh (Lichtenstein)", "{Side} inguinal hernia",
               "{Side} indirect inguinal hernia", "General with LMA and local infiltration",
               ("An oblique incision was made in the {side} groin and carried down to the external oblique "
                "aponeurosis.",
                "The ilioinguinal nerve was identified and protected.",
                "An indirect hernia sac was dissected free of the cord structures and reduced.",
                "A polypropylene mesh was secured to the shelving edge of the inguinal ligament with running suture.",
                "The external oblique was closed over the cord."),
               "None", "Polypropylene mesh, 6 x 14 cm", (5, 25), None, 18),
    _Operation("{Side} open carpal tunnel release", "{Side} carpal tunnel syndrome", "Same",
               "Local with monitored anesthesia care",
               ("A longitudinal incision was made in line with the radial border of the ring finger.",
                "The palmar fascia was divided and the transverse carpal ligament exposed.",
                "The transverse carpal ligament was released completely under direct vision.",
                "The median nerve was inspected and found to be flattened but intact.",
                "The skin was closed with interrupted 4-0 nylon sutures."),
               "None", "None", (1, 10), None, 18),
    _Operation("{Side} total hip arthroplasty, posterior approach", "{Side} hip osteoarthritis", "Same",
               "Spinal anesthesia",
               ("The patient was positioned lateral decubitus with the {side} side up.",
                "A posterior approach was used and the short external rotators were tagged.",
                "The femoral neck cut was made and the femoral head removed.",
                "The acetabulum was reamed and a press-fit cup was impacted.",
                "The femur was broached and a trial reduction showed good stability and leg lengths.",
                "The short external rotators and capsule were repaired through drill holes."),
               "Femoral head (not sent)", "Press-fit acetabular cup, ceramic head, cementless femoral stem",
               (200, 450), None, 45),
    _Operation("{Side} breast lumpectomy with wire localization", "{Side} breast carcinoma", "Same",
               "General with LMA",
               ("The localization wire was identified entering the {side} breast.",
                "A curvilinear incision was made overlying the wire.",
                "The lesion and wire were excised with a rim of normal tissue.",
                "Specimen radiograph confirmed the clip and the lesion within the specimen.",
                "Margins were oriented with sutures: short superior, long lateral."),
               "{Side} breast lumpectomy, oriented, to pathology", "None", (10, 40), "female", 30),
    _Operation("Transurethral resection of the prostate", "Benign prostatic hyperplasia with urinary retention",
               "Same", "Spinal anesthesia",
               ("The patient was placed in the dorsal lithotomy position.",
                "The resectoscope was introduced and the verumontanum identified.",
                "Bipolar resection of the median and lateral lobes was performed.",
                "Prostatic chips were evacuated with an Ellik evacuator.",
                "A 22 French three-way catheter was placed on continuous bladder irrigation."),
               "Prostatic chips to pathology", "None", (50, 200), "male", 50),
    _Operation("Bilateral myringotomy with tympanostomy tube placement", "Recurrent acute otitis media",
               "Same; bilateral middle ear effusions", "General by mask",
               ("The operating microscope was used to examine the right ear canal and cerumen was removed.",
                "An anterior-inferior radial myringotomy was made and thick mucoid effusion suctioned.",
                "A tympanostomy tube was placed and ciprofloxacin-dexamethasone drops instilled.",
                "The same procedure was performed on the left ear with similar findings."),
               "None", "Tympanostomy tubes x2", (0, 2), None, 0),
    _Operation("Tonsillectomy and adenoidectomy", "Obstructive sleep-disordered breathing with tonsillar hypertrophy",
               "Same", "General endotracheal",
               ("A Crowe-Davis mouth gag was placed and suspended.",
                "The tonsils were removed in the extracapsular plane with electrocautery.",
                "The adenoid pad was removed with suction cautery under mirror visualization.",
                "Hemostasis was obtained and the nasopharynx and oropharynx were irrigated."),
               "Tonsils to pathology", "None", (5, 30), None, 2),
    _Operation("Total laparoscopic hysterectomy with bilateral salpingectomy", "Symptomatic uterine fibroids",
               "Same", "General endotracheal",
               ("A uterine manipulator was placed after examination under anesthesia.",
                "Laparoscopic ports were placed and the pelvis was inspected.",
                "The round ligaments were divided and the bladder flap created.",
                "The uterine arteries were skeletonized and sealed bilaterally.",
                "A colpotomy was made and the specimen removed vaginally.",
                "The vaginal cuff was closed laparoscopically with barbed suture."),
               "Uterus, cervix and bilateral fallopian tubes to pathology", "None", (50, 200), "female", 30),
]


@dataclass(frozen=True)
class _Procedure:
    name: str
    title: str
    indication: str
    sedation: str
    steps: tuple[str, ...]
    findings: tuple[str, ...]
    specimen: str
    role: str  # how the performing clinician is labelled
    min_age: int = 1
    specialty: str = "Internal Medicine"


PROCEDURES = [
    _Procedure("Colonoscopy", "Colonoscopy Report", "Screening for colon cancer; average risk.",
               "Monitored anesthesia care with propofol administered by anesthesia.",
               ("The colonoscope was introduced through the anus and advanced to the cecum, identified by the "
                "appendiceal orifice and ileocecal valve.",
                "The terminal ileum was intubated and appeared normal.",
                "Bowel preparation was good (Boston Bowel Preparation Scale 8).",
                "Withdrawal time was 11 minutes.",
                "Retroflexion in the rectum was performed."),
               ("A 6 mm sessile polyp in the ascending colon, removed with cold snare.",
                "Small internal hemorrhoids.", "Scattered sigmoid diverticulosis.",
                "Otherwise normal colon."),
               "Polyp, ascending colon, to pathology", "Endoscopist", 40, specialty="Gastroenterology"),
    _Procedure("Esophagogastroduodenoscopy with biopsy", "EGD Report", "Dyspepsia and epigastric pain.",
               "Moderate sedation with midazolam 3 mg IV and fentanyl 75 mcg IV.",
               ("The endoscope was passed under direct vision through the upper esophageal sphincter.",
                "The esophagus, stomach and duodenum to the second portion were examined.",
                "Retroflexion in the stomach showed a normal cardia and fundus."),
               ("Patchy erythema of the gastric antrum; biopsies taken for H. pylori.",
                "Normal esophagus with a regular Z-line at 39 cm.", "Normal duodenum."),
               "Gastric antrum biopsies to pathology", "Endoscopist", 10, specialty="Gastroenterology"),
    _Procedure("Ultrasound-guided paracentesis", "Paracentesis Procedure Note", "Symptomatic ascites.",
               "Local anesthesia with 1% lidocaine, 8 mL.",
               ("The left lower quadrant was identified by ultrasound as having the largest fluid pocket.",
                "The site was prepped with chlorhexidine and draped in sterile fashion.",
                "A 5 French catheter was advanced into the peritoneal cavity with return of straw-colored fluid.",
                "Fluid was drained by vacuum bottles and the catheter removed; a dressing was applied."),
               ("4.2 liters of clear straw-colored fluid were removed.",
                "Fluid sent for cell count, albumin, Gram stain and culture.",
                "25% albumin 25 g IV was given post procedure."),
               "Ascitic fluid to laboratory", "Performed by", 18, specialty="Interventional Radiology"),
    _Procedure("Ultrasound-guided thoracentesis, {side}", "Thoracentesis Note",
               "{Side} pleural effusion with dyspnea.",
               "Local anesthesia with 1% lidocaine.",
               ("The patient was seated upright leaning forward over a bedside table.",
                "Ultrasound confirmed a moderate {side} pleural effusion; the site was marked above the rib.",
                "A catheter was introduced into the pleural space with return of yellow fluid.",
                "Drainage was stopped when the patient developed cough."),
               ("1.1 liters of serous fluid removed.", "Post-procedure chest radiograph shows no pneumothorax.",
                "Fluid sent for LDH, protein, pH, cytology and culture."),
               "Pleural fluid to laboratory", "Performed by", 18, specialty="Pulmonology"),
    _Procedure("Lumbar puncture", "Lumbar Puncture Procedure Note", "Headache and fever; evaluate for meningitis.",
               "Local anesthesia with 1% lidocaine; no sedation.",
               ("The patient was placed in the left lateral decubitus position.",
                "The L3-L4 interspace was identified by palpation.",
                "A 20-gauge spinal needle was advanced on the first attempt with clear CSF return.",
                "Opening pressure was 18 cm H2O."),
               ("Clear, colorless CSF collected in four tubes (12 mL total).",
                "Tubes sent for cell count, glucose, protein, Gram stain, culture and a meningitis PCR panel."),
               "CSF to laboratory", "Performed by", 1, specialty="Neurology"),
    _Procedure("Intra-articular injection, {side} knee", "Joint Injection Procedure Note",
               "{Side} knee osteoarthritis with persistent pain.", "None.",
               ("The {side} knee was prepped with chlorhexidine.",
                "Using a superolateral approach, a 22-gauge needle was introduced into the joint.",
                "A mixture of 40 mg triamcinolone and 4 mL of 1% lidocaine was injected without resistance.",
                "A bandage was applied."),
               ("No effusion was aspirated.", "Immediate improvement in pain after injection."),
               "None", "Provider", 30, specialty="Sports Medicine"),
    _Procedure("Transforaminal epidural steroid injection, {side} L5-S1", "Interventional Pain Procedure Note",
               "Lumbar radiculopathy, {side}.", "Local anesthesia; no sedation.",
               ("The patient was positioned prone on the fluoroscopy table.",
                "Under fluoroscopic guidance a 22-gauge spinal needle was advanced to the {side} L5-S1 foramen.",
                "Omnipaque 180 showed epidural spread along the nerve root without vascular uptake.",
                "Dexamethasone 10 mg with 1 mL of preservative-free saline was injected."),
               ("Appropriate contrast flow along the exiting nerve root.", "Pain score 7/10 before and 3/10 after."),
               "None", "Physician", 18, specialty="Pain Medicine"),
    _Procedure("Punch biopsy of skin", "Skin Biopsy Procedure Note", "Changing pigmented lesion of the back.",
               "Local anesthesia with 1% lidocaine with epinephrine.",
               ("The lesion was marked and photographed.", "A 4 mm punch biopsy was obtained.",
                "The defect was closed with two 4-0 nylon sutures.", "Petrolatum and a bandage were applied."),
               ("6 mm irregularly pigmented macule on the mid back.",),
               "Skin, mid back, punch biopsy, to pathology", "Provider", 5, specialty="Dermatology"),
    _Procedure("Central venous catheter placement, right internal jugular", "Central Line Procedure Note",
               "Need for vasopressors and central venous access.", "Local anesthesia with 1% lidocaine.",
               ("Full barrier precautions were used, including cap, mask, sterile gown, gloves and a full-body "
                "drape.",
                "The right internal jugular vein was visualized with ultrasound and found compressible and patent.",
                "The vein was accessed on the first pass and a guidewire was passed using Seldinger technique.",
                "A triple-lumen catheter was placed and secured at 15 cm.",
                "All ports flushed and aspirated easily."),
               ("Chest radiograph confirms the catheter tip at the cavoatrial junction without pneumothorax.",),
               "None", "Performed by", 12, specialty="Critical Care Medicine"),
    _Procedure("Bone marrow aspiration and biopsy", "Bone Marrow Biopsy Procedure Note",
               "Pancytopenia; evaluate for marrow process.", "Moderate sedation with midazolam and fentanyl.",
               ("The patient was positioned prone and the right posterior iliac crest was identified.",
                "The periosteum was anesthetized with 1% lidocaine.",
                "Aspirate was obtained with a Jamshidi needle, followed by a 1.8 cm core biopsy."),
               ("Adequate aspirate and core obtained.",),
               "Aspirate and core to hematopathology", "Performed by", 18, specialty="Hematology/Oncology"),
]

# Section headings: a document picks one wording per section and keeps it.
HEADINGS = {
    "cc": ["Chief Complaint", "CC", "Reason for Visit", "Presenting Complaint"],
    "hpi": ["History of Present Illness", "HPI", "Present Illness", "History of Present Illness (HPI)"],
    "pmh": ["Past Medical History", "PMH", "Medical History", "Past Medical Hx", "Problem List"],
    "psh": ["Past Surgical History", "PSH", "Surgical History", "Prior Surgeries"],
    "meds": ["Medications", "Current Medications", "Home Medications", "Outpatient Medications", "Meds"],
    "allergies": ["Allergies", "Drug Allergies", "Allergies/Intolerances", "Allergy"],
    "fh": ["Family History", "FH", "Family Hx"],
    "sh": ["Social History", "SH", "Social Hx"],
    "ros": ["Review of Systems", "ROS", "Systems Review"],
    "exam": ["Physical Examination", "Physical Exam", "Exam", "PE", "Examination"],
    "vitals": ["Vital Signs", "Vitals", "VS"],
    "data": ["Data Reviewed", "Diagnostic Data", "Results", "Labs/Imaging", "Pertinent Results"],
    "assessment": ["Assessment", "Impression", "Clinical Impression", "Assessment/Impression"],
    "plan": ["Plan", "Treatment Plan", "Plan of Care"],
    "ap": ["Assessment and Plan", "Assessment & Plan", "A/P", "Impression and Plan"],
    "recs": ["Recommendations", "Plan/Recommendations", "Consultant Recommendations", "Recs"],
    "reason_consult": ["Reason for Consultation", "Reason for Consult", "Consult Question", "Reason for Referral",
                       "Question Asked", "Reason for Request", "Consultation Requested For", "Consult Reason"],
    "consult_impression": ["Impression", "Assessment", "Consultant Impression", "Impression and Recommendations",
                           "Assessment/Impression", "Summary and Impression"],
    "triage": ["Triage", "Triage Information", "Triage Note", "Arrival Information", "ED Triage"],
    "ed_results": ["ED Results", "Results", "Diagnostic Results", "Labs and Imaging", "Results Reviewed in ED"],
    "reassess": ["Reassessment", "Re-evaluation", "ED Reassessment", "Progress in ED"],
    "admit_plan": ["Plan", "Admission Plan", "Plan for Admission", "Hospital Plan", "Admission Orders/Plan"],
    "health_maint": ["Health Maintenance", "Preventive Care", "Screening and Immunizations", "Prevention"],
    "problems": ["Problem List", "Active Problems", "Active Problem List", "Chronic Conditions", "Diagnoses"],
    "pharmacy": ["Pharmacy", "Preferred Pharmacy", "Pharmacy Information", "Dispensing Pharmacy"],
    "recon": ["Medication Reconciliation", "Reconciliation", "Home Medication Reconciliation",
              "Admission Medication Reconciliation"],
    "clin_summary": ["Clinical Summary", "Clinical Information Reviewed", "Pertinent Clinical History",
                     "Clinical Rationale", "Clinical Information Submitted", "Summary of Clinical Records"],
    "interval": ["Interval History", "Interval Events", "Since Last Visit", "Interval Update"],
    "overnight": ["Overnight Events", "Events (24h)", "24-Hour Events", "Interval Events"],
    "preop_info": ["Planned Procedure", "Scheduled Procedure", "Procedure Planned", "Surgery Planned"],
    "reason_referral": ["Reason for Referral", "Clinical Summary", "Referral Reason", "Pertinent History"],
    "subjective": ["Subjective", "S", "Interval History", "Subjective/Interval History"],
    "objective": ["Objective", "O", "Objective Findings"],
    "admit_dx": ["Admitting Diagnosis", "Admission Diagnosis", "Reason for Admission"],
    "discharge_dx": ["Discharge Diagnoses", "Final Diagnoses", "Principal and Secondary Diagnoses",
                     "Diagnoses at Discharge"],
    "course": ["Hospital Course", "Brief Hospital Course", "Summary of Hospital Course", "Course in Hospital"],
    "inpt_procedures": ["Procedures Performed", "Procedures This Admission", "Procedures"],
    "consults": ["Consultations", "Consultants", "Consulting Services"],
    "disposition": ["Disposition", "Discharge Disposition", "Condition and Disposition"],
    "discharge_meds": ["Discharge Medications", "Medications at Discharge", "Discharge Medication List"],
    "instructions": ["Discharge Instructions", "Follow-Up", "Follow-up and Instructions", "Patient Instructions"],
    "pre_dx": ["Preoperative Diagnosis", "Pre-op Diagnosis", "Preoperative Dx"],
    "post_dx": ["Postoperative Diagnosis", "Post-op Diagnosis", "Postoperative Dx"],
    "operation": ["Procedure Performed", "Operation", "Procedure(s)", "Name of Operation"],
    "indications": ["Indications", "Indications for Procedure", "Indication", "Clinical Indication"],
    "description": ["Description of Operation", "Procedure in Detail", "Details of Procedure",
                    "Operative Technique", "Description of Operation"],
    "findings": ["Findings", "Operative Findings", "Intraoperative Findings"],
    "proc_name": ["Procedure", "Procedure Performed", "Procedure(s)", "Procedure Name"],
    "proc_description": ["Description of Procedure", "Procedure Details", "Technique", "Procedure Narrative"],
    "proc_findings": ["Findings", "Procedure Findings", "Results"],
    "sedation": ["Sedation", "Anesthesia", "Anesthesia/Sedation"],
    "specimens": ["Specimens", "Specimen(s)", "Specimens Removed"],
    "ed_course": ["ED Course", "Emergency Department Course", "Course in ED", "ED Course and Treatment"],
    "mdm": ["Medical Decision Making", "MDM", "Clinical Reasoning", "Decision Making"],
    "ed_impression": ["Clinical Impression", "ED Diagnosis", "Final Diagnosis", "Diagnoses"],
    "exam_name": ["Exam", "Examination", "Procedure", "Study"],
    "clin_history": ["Clinical History", "Indication", "History", "Reason for Exam", "Clinical Information"],
    "comparison": ["Comparison", "Comparisons", "Prior Studies"],
    "technique": ["Technique", "Protocol", "Method"],
    "impression": ["Impression", "IMPRESSION", "Conclusion", "Summary"],
    "specimen_received": ["Specimen(s) Received", "Specimen Submitted", "Source of Specimen", "Specimens"],
    "gross": ["Gross Description", "Gross Examination", "Gross"],
    "micro": ["Microscopic Description", "Microscopic Examination", "Microscopic"],
    "final_dx": ["Final Diagnosis", "Diagnosis", "Final Pathologic Diagnosis", "Pathologic Diagnosis"],
    "path_comment": ["Comment", "Note", "Comments"],
    "rx": ["Prescription Medications", "Active Medications", "Current Prescriptions", "Scheduled Medications",
           "Current Medications", "Medications (Active)", "Active Outpatient Medications"],
    "otc": ["Over-the-Counter / Supplements", "OTC and Herbal Products", "Non-Prescription Items"],
    "stopped": ["Discontinued Medications", "Stopped Medications", "Inactive Medications"],
    "addendum": ["Addendum", "Additional Notes", "Interval Update", "Supplemental Information", "Note"],
    "img_findings": ["Findings", "Report", "Findings/Discussion", "Results"],
    "path_history": ["Clinical History", "Clinical Information", "Pre-operative Diagnosis", "History"],
}

TITLES = {
    "referral_note": ["Referral", "Referral Note", "Referral Request", "Outpatient Referral",
                      "Request for Specialty Consultation", "Patient Referral Form", "Referral Letter",
                      "Specialist Referral"],
    "consult_note": ["Consultation Note", "Consultation", "Consult Note", "{specialty} Consultation",
                     "Initial Consultation", "New Patient Consultation", "Inpatient Consultation",
                     "Consultation Report", "Outpatient {specialty} Consult", "{specialty} Consult Note",
                     "Consult", "Specialty Consultation", "Consultation - {specialty}"],
    "history_and_physical": ["History and Physical", "History & Physical", "Admission History and Physical",
                             "H&P", "Admission H&P", "History and Physical Examination", "Hospital Admission Note",
                             "Admission Note", "Admitting H&P"],
    "progress_note": ["Progress Note", "Office Visit", "Follow-Up Visit", "Clinic Note",
                      "Office Progress Note", "SOAP Note", "Return Visit",
                      "Established Patient Visit", "{specialty} Follow-Up", "Follow-up Office Note",
                      "Clinic Follow-Up Note", "Office Visit Note"],
    "discharge_summary": ["Discharge Summary", "Hospital Discharge Summary", "Discharge Summary / Transfer Note",
                          "Inpatient Discharge Summary", "Summary of Hospital Stay",
                          "Physician Discharge Summary", "Discharge Summary - Final"],
    "operative_note": ["Operative Report", "Operative Note", "Operative Procedure Report",
                       "Report of Operation", "Brief Operative Note", "Surgical Operative Note",
                       "Op Note", "Operation Report"],
    "procedure_note": ["Procedure Note", "{procedure_title}", "Bedside Procedure Note",
                       "Procedure Documentation", "Procedure Report", "{procedure_title}"],
    "emergency_department_note": ["Emergency Department Note", "Emergency Department Record",
                                  "ED Provider Note", "Emergency Room Report",
                                  "ED Physician Documentation", "Emergency Medicine Visit",
                                  "ED Visit Summary", "Emergency Physician Record", "ED Note",
                                  "Emergency Department Physician Note", "ER Visit Note",
                                  "Emergency Medicine Provider Note", "ED Encounter"],
    "imaging_report": ["Radiology Report", "Diagnostic Imaging Report", "Imaging Report",
                       "{exam_title}", "{exam_title}", "Final Report", "Department of Radiology Report"],
    "laboratory_report": ["Laboratory Report", "Lab Results", "Laboratory Results Report",
                          "Clinical Laboratory Report", "Final Laboratory Report", "Cumulative Results",
                          "Test Results", "Lab Report"],
    "pathology_report": ["Surgical Pathology Report", "Pathology Report", "Surgical Pathology Consultation",
                         "Cytopathology Report", "Final Pathology Report", "Anatomic Pathology Report"],
    "medication_list": ["Medication List", "Current Medication List", "Active Medications",
                        "Medication Reconciliation", "Home Medication List", "Medication Profile",
                        "Patient Medication Summary", "My Medicines", "Medication Record",
                        "Outpatient Medication List", "Medication Reconciliation Form", "Pharmacy Medication Profile"],
    "consent_form": ["{consent_title}"],  # titles come with each kind of consent
    "insurance_correspondence": ["{insurance_title}"],
    "other": ["{other_title}"],
}

PHRASES = {
    "referral_note": {
        "opening": [
            "I am referring {pt}, a {age} {@sexword}, for evaluation of {short}.",
            "Please see {pt} in consultation for {short}; {he} has had {symptom} for {duration}.",
            "Thank you in advance for seeing this {age} patient with {symptom}.",
            "I would be grateful if you could evaluate my patient for {dx}.",
            "This {age} {@sexword} is being referred to {specialty} for further evaluation and management.",
            "I am writing to refer {pt} to your {specialty_lower} practice for {short}.",
            "Please accept this referral for {pt}, who carries a diagnosis of {dx}.",
            "I would appreciate your assessment of this {age} {@sexword} with {short}.",
            "Kindly see {pt} at your earliest convenience regarding {symptom}.",
            "This letter refers {pt} for a specialist opinion on {short}; pertinent details follow.",
            "Referral to {Specialty}: {age} {@sexword} with {symptom} for {duration}.",
            "My patient {pt} needs a {specialty_lower} evaluation for {short}, and I am sending {him} to you.",
        ],
        "reason": [
            "{He} has had {symptom} for the past {duration} despite a trial of {med}.",
            "Symptoms have not improved with conservative measures, including rest, activity modification and "
            "over-the-counter analgesics.",
            "I am concerned about progression and would value your opinion on further testing.",
            "Recent labs and the most recent office note are enclosed for your review.",
            "{He} was last seen in our office on {@service_date}, when the findings above were noted.",
            "My specific question is whether further imaging or a procedure is indicated.",
            "The patient has been counseled about the referral and agrees with the plan.",
            "Please assess whether a change in therapy is warranted.",
            "Relevant history includes {pmh}.",
            "{He} would prefer an appointment in the morning if possible.",
            "Workup so far includes {test}; the result is enclosed.",
            "{He} has been managed in primary care with {med} without adequate control.",
            "The symptoms now interfere with daily activities and sleep.",
            "The family is asking for a specialist opinion, and I agree it is time.",
            "I have not started any new treatment pending your evaluation.",
        ],
        "request": [
            "Please evaluate and treat as you see fit.",
            "Kindly schedule at your earliest availability.",
            "Please fax your consultation note and recommendations to our office.",
            "Our office will follow up on any testing you recommend.",
            "Please call our office if additional records are needed before the appointment.",
            "Thank you for your assistance in the care of this patient.",
            "Evaluate and manage as indicated; we are glad to co-manage.",
            "Please send a copy of your findings to the referring office.",
            "We would appreciate an appointment within {within}.",
            "The referral coordinator will call your office to confirm the appointment.",
            "Please evaluate and treat; the patient has been given your office number.",
        ],
        "form": [
            "Specialty requested: {specialty}", "Referred to: {other}, {specialty}",
            "Reason for referral: evaluation and management of {short}",
            "Diagnosis: {dx} ({icd})", "Priority: {priority}", "Visits requested: {visits}",
            "Records enclosed: {enclosed}", "Authorization number: {auth}",
            "Appointment requested within: {within}", "Insurance: {payer}",
            "Requested service: {Specialty} consultation", "Referral type: consult and treat",
            "Referring diagnosis: {dx} ({icd})", "Urgency: {priority}", "Referral #: {auth}",
            "Service requested: evaluate and treat", "Referral for: {short}",
            "Referral to: {Specialty}", "Type of referral: specialist evaluation",
        ],
    },
    "consult_note": {
        "opening": [
            "Thank you for asking me to see {pt} in consultation regarding {short}.",
            "I was asked by {other} to evaluate this {age} {@sexword} for {symptom}.",
            "{Pt} is seen today at the request of {other} for further evaluation of {short}.",
            "{Pt} is a {age} {@sexword} referred by {other} for a {specialty} opinion regarding {short}.",
            "We were asked by the {team} to evaluate {pt} for {short}.",
            "{Specialty} was consulted by the {team} regarding {symptom}.",
            "{Pt} is seen in consultation at the request of {other} of the {team}.",
            "I have been asked to see this {age} {@sexword} for an opinion on {short}.",
            "Consultation was requested by {other} for assistance with management of {short}.",
            "The {team} requests our input on {short} in this {age} patient.",
            "This is an initial {specialty_lower} consultation for {short}, requested by {other}.",
            "{Pt}, a {age} {@sexword}, is seen as a new consult for {symptom}.",
            "We are consulted for {short}; the requesting clinician is {other}.",
            "At the request of {other}, I evaluated {pt} today for {short}.",
            "{Pt} was referred to our {specialty_lower} clinic by {other} for consultation about {short}.",
            "{Specialty} consultation is requested for {symptom} in this {age} {@sexword}.",
        ],
        "reason": [
            "{Short}.", "Evaluation and management of {short}.", "{Specialty} input regarding {short}.",
            "Assistance with management of {short}.", "Recommendations regarding {symptom}.",
            "Please evaluate for {short}; question of need for {test}.", "{Short} - please advise on management.",
            "New {short}; requesting {specialty_lower} evaluation.", "Opinion on further workup of {symptom}.",
            "Management recommendations for {dx}.",
        ],
        "hpi": [
            "{He} reports {symptom} that began approximately {duration} ago and has gradually worsened.",
            "Prior evaluation by the referring provider included basic laboratory studies, which I have reviewed.",
            "{He} has tried {med} with partial relief.",
            "{He} denies fevers, chills, unintentional weight loss or night sweats.",
            "There is no prior history of similar episodes.",
            "I have reviewed the outside records sent with the referral, including prior notes and imaging.",
            "Per the primary team, the symptoms were first noted {duration} ago.",
            "The requesting clinician is concerned about {short} and asks whether further testing is needed.",
            "I discussed the case with {other} before seeing the patient.",
            "The chart, medication administration record and recent results were reviewed in detail.",
        ],
        "inpatient": [
            "{He} was admitted {hosp_day} days ago and {specialty_lower} was consulted for {short}.",
            "During this admission {he} developed {symptom}, prompting this consultation.",
            "{He} is currently admitted to the {team}; we were called for {short}.",
            "The consult was placed by the {team} after the finding of {short} on hospital day {hosp_day}.",
            "The patient presented to the emergency department, and the ED physician requested our evaluation.",
        ],
        "assessment": [
            "In summary, this is a {age} patient with {dx}.",
            "The presentation is most consistent with {short}; the alternatives considered are less likely given "
            "the exam and data.",
            "There is no indication for urgent intervention at this time.",
            "From a {specialty_lower} standpoint, findings are consistent with {short}.",
            "Our impression is {short}, likely chronic with a recent exacerbation.",
            "I suspect {short}; the differential also includes medication effect.",
            "The consult question is answered as follows.",
            "{Short} without evidence of an acute complication.",
        ],
        "recs": [
            "Recommend starting {med} {dose} and titrating as tolerated.",
            "Would obtain {test} before the next visit.",
            "Agree with the current management; no changes recommended at this time.",
            "No surgical intervention is indicated at present.",
            "Consider referral to physical therapy for strengthening and conditioning.",
            "Please check a basic metabolic panel one week after the medication change.",
            "We recommend {test} to further characterize the problem.",
            "Continue {med}; would not escalate therapy yet.",
            "Suggest holding {med} until renal function is rechecked.",
            "Check CBC, BMP and magnesium in the morning.",
            "Recommend outpatient follow-up in our clinic after discharge.",
            "If symptoms recur, would consider a procedural option.",
            "Defer further management to the primary team.",
            "Recommend dietary and lifestyle counseling.",
            "Our service will arrange {test} as an outpatient.",
            "Would favor conservative management for now.",
        ],
        "follow": [
            "We will follow along while the patient remains inpatient; please page with questions.",
            "I will see {him} back in {specialty} clinic in {followup}.",
            "Recommendations were discussed directly with the primary team.",
            "{Specialty} will continue to follow with you.",
            "We will sign off at this time; please re-consult with any new questions.",
            "We will follow peripherally; call us with changes.",
            "Recommendations communicated to {other} by phone.",
            "Our team will see the patient again tomorrow.",
            "We will arrange follow-up in the {specialty_lower} clinic in {followup}.",
            "Please re-consult us if the clinical picture changes.",
        ],
        "closing": [
            "Thank you for this interesting consultation. I will keep you informed of {his} progress.",
            "Thank you for allowing me to participate in the care of this patient.",
            "Total time spent on this consultation was {minutes} minutes, more than half in counseling and "
            "coordination of care.",
            "Please do not hesitate to contact me with any questions.",
            "Thank you for this consult.",
            "Thank you for involving us in {his} care.",
            "We appreciate the opportunity to help care for {pt}.",
            "It was a pleasure to see {pt} in consultation.",
            "Thanks for this kind referral; we will send updates after each visit.",
            "Thank you for the consult; we are glad to help.",
        ],
        "letter": [
            "Thank you for referring {pt} for consultation regarding {short}.",
            "I had the pleasure of seeing {pt} in consultation today at your request.",
            "As you know, {pt} is a {age} {@sexword} whom you asked me to see for {symptom}.",
            "Many thanks for asking me to evaluate {pt}, whom I saw today for {short}.",
            "I saw your patient {pt} in my {specialty_lower} clinic today for the consultation you requested.",
        ],
    },
    "history_and_physical": {
        "hpi": [
            "{Pt} is a {age} {@sexword} with a history of {pmh} who presents with {symptom} for {duration}.",
            "{He} was evaluated in the emergency department and is being admitted for further management.",
            "In the emergency department {he} was afebrile and hemodynamically stable.",
            "{He} received one liter of normal saline and ondansetron 4 mg IV before admission.",
            "{He} reports poor oral intake over the past several days.",
            "Given failure of outpatient management, {he} is admitted for IV therapy and monitoring.",
            "The ED workup was notable for the findings below, and the hospitalist was asked to admit.",
            "{He} is admitted to the {team} for further evaluation of {short}.",
            "Because of {symptom} and inability to care for {him}self at home, admission was arranged.",
            "{He} was directly admitted from clinic by {other} for {short}.",
        ],
        "preop": [
            "{Pt} is a {age} {@sexword} with a history of {pmh} who is scheduled for elective surgery and "
            "presents for preoperative evaluation.",
            "{He} denies exertional chest pain, dyspnea or prior anesthesia complications.",
            "Functional capacity is greater than 4 METs; {he} climbs two flights of stairs without stopping.",
            "No personal or family history of bleeding disorders or malignant hyperthermia.",
            "{He} presents today for a history and physical before {proc_planned}.",
            "The indication for surgery is {short}, which has not responded to nonoperative care.",
            "{He} has had no recent illness and no changes in health since scheduling.",
            "No prior problems with anesthesia in {him} or family members.",
        ],
        "annual": [
            "{Pt} presents for an annual physical examination.",
            "{He} is here for a comprehensive history and physical and has no acute complaints.",
            "This is a routine complete physical; chronic problems are reviewed below.",
            "{He} comes in for a yearly wellness exam and review of {his} chronic conditions.",
            "Annual comprehensive examination requested for employment and general health maintenance.",
            "{He} reports feeling generally well since the last annual exam.",
        ],
        "interval": [
            "I have reviewed the history and physical dated {hp_date} and examined the patient.",
            "There have been no changes in the patient's history or physical findings since the H&P was written.",
            "Interval changes: none. The patient remains an appropriate candidate for {proc_planned}.",
            "The H&P was reviewed with the patient, who reports no new symptoms or medication changes.",
            "Updated history and physical: the prior H&P remains accurate, with the additions noted below.",
            "Heart and lung examination were repeated today and are unchanged.",
        ],
        "plan": [
            "Admit to the medicine service, telemetry bed.",
            "DVT prophylaxis: enoxaparin 40 mg subcutaneously daily.",
            "Code status: Full code, confirmed with the patient.",
            "Diet: consistent carbohydrate, cardiac.",
            "Continue home medications except as noted above.",
            "Anticipated length of stay: two midnights.",
            "Social work and case management consulted for discharge planning.",
            "Check CBC and BMP in the morning.",
            "Start {med} {dose} and monitor response.",
            "Medically optimized for the planned procedure; no further testing needed before surgery.",
            "Hold {med} the morning of surgery.",
            "Admit to inpatient status under the hospitalist service.",
            "Place in observation status on the medical floor.",
            "GI prophylaxis not indicated. Fall precautions.",
            "IV fluids at 75 mL/h until tolerating oral intake.",
            "Code status discussed: DNR/DNI per the patient's wishes; MOLST reviewed.",
            "Telemetry monitoring; vital signs every 4 hours.",
            "Disposition: anticipate discharge home once clinically improved.",
        ],
        "preop_plan": [
            "Cleared for surgery from a medical standpoint; risk is acceptable for the planned procedure.",
            "NPO {npo}. Hold {med} the morning of surgery.",
            "ASA class {asa}. Airway: Mallampati II, full dentition.",
            "Continue beta-blocker perioperatively. No further cardiac testing indicated.",
            "Type and screen, CBC and BMP on the day of surgery.",
            "Consent to be obtained by the surgical team.",
        ],
        "annual_plan": [
            "Health maintenance: colorectal cancer screening discussed; colonoscopy ordered.",
            "Immunizations reviewed and updated today.",
            "Fasting lipid panel, CMP and hemoglobin A1c ordered.",
            "Counseled on diet, exercise, sleep and seat belt use.",
            "Depression screening (PHQ-2) negative.",
            "Vision and hearing screening completed.",
            "Next comprehensive exam in 12 months.",
            "Advance directive discussed and information provided.",
        ],
    },
    "progress_note": {
        "opening": [
            "{Pt} returns today for follow-up of {short}.",
            "{Pt} is seen for a scheduled follow-up visit regarding {short}.",
            "Follow-up visit for {short}; last seen {followup} ago.",
            "{Pt} comes back to clinic to recheck {short} after the recent medication change.",
            "Established patient here for routine follow-up of chronic conditions, including {short}.",
            "{Pt} presents for a {followup} follow-up of {short}.",
            "Return visit for {short}. Interval history as below.",
            "{Pt} is following up after starting {med}.",
        ],
        "subjective": [
            "Since the last visit {he} reports that {his} symptoms have improved.",
            "{He} has been taking {med} as prescribed without side effects.",
            "{He} reports good adherence to medications and home monitoring.",
            "{He} notes occasional {symptom} but overall feels better than at the last visit.",
            "Denies chest pain, shortness of breath, fevers or chills.",
            "Home readings were reviewed and are mostly at goal.",
            "Interval history: no emergency visits or hospitalizations since the last appointment.",
            "Since {his} last appointment {he} has had fewer episodes.",
            "{He} ran out of {med} for a week but has resumed it.",
            "No new concerns today.",
        ],
        "assessment": [
            "{Dx} - improving.", "{Dx} - stable on current regimen.", "{Dx} - not at goal.",
            "{Dx} ({icd}), chronic, stable.", "{Dx} - better controlled since the last visit.",
            "{Dx} ({icd}) - worsening; therapy adjusted.",
        ],
        "plan": [
            "Continue current regimen.", "Increase {med} to {dose}.",
            "Return to clinic in {followup}, sooner if symptoms worsen.",
            "Refills sent to the preferred pharmacy.", "Labs ordered today: CBC, CMP and hemoglobin A1c.",
            "Counseled on diet, exercise and weight management; verbalized understanding.",
            "Follow up with {specialty} as scheduled.", "Will review results by phone when available.",
            "No changes to medications today.", "Recheck labs before the next visit.",
        ],
        "return": [
            "Return in {followup}.", "RTC {followup} or sooner as needed.", "Follow-up visit in {followup}.",
            "Next appointment in {followup} with labs beforehand.", "Return to clinic in {followup} for recheck.",
            "Schedule follow-up in {followup}; call with any problems.",
        ],
        "inpatient": [
            "Overnight events: none. Tolerating a regular diet.",
            "Continue IV antibiotics today; transition to oral therapy if afebrile for 24 hours.",
            "Anticipate discharge home tomorrow if clinically stable.",
            "Encourage ambulation and incentive spirometry.", "Daily BMP; replete electrolytes as needed.",
            "Discussed plan with the patient and nursing at bedside.",
            "No acute events in the last 24 hours.", "Pain controlled on the current regimen.",
            "Hospital day {hosp_day}; progressing as expected.",
        ],
    },
    "discharge_summary": {
        "course": [
            "{Pt} was admitted with {symptom} and was found to have {dx}.",
            "{He} was started on IV therapy with gradual improvement over the first 48 hours.",
            "The hospital course was otherwise uncomplicated.",
            "{He} was seen by physical therapy, who recommended a rolling walker and a home exercise program.",
            "Home medications were resumed once {he} was tolerating oral intake.",
            "{specialty} was consulted and agreed with the plan of care.",
            "On the day of discharge {he} was ambulating independently, tolerating a regular diet and afebrile.",
            "Renal function remained at baseline throughout the admission.",
        ],
        "disposition": [
            "Disposition: home with home health services.",
            "Disposition: discharged to a skilled nursing facility for short-term rehabilitation.",
            "Disposition: home, self-care.", "Disposition: home with family.",
        ],
        "condition": ["Condition at discharge: stable, improved.", "Condition at discharge: fair.",
                      "Condition at discharge: good."],
        "instructions": [
            "Follow up with the primary care provider within 7 days of discharge.",
            "Follow up with {specialty} in {followup}.",
            "Pending at discharge: final blood culture results; the primary team will follow up.",
            "Diet: 2 g sodium restriction.",
            "Activity: as tolerated; no driving while taking opioid pain medication.",
            "Return to the emergency department for fever above 101.5 F, worsening pain or shortness of breath.",
            "Medication reconciliation was completed at the time of discharge.",
            "Time spent on discharge planning and coordination: more than 30 minutes.",
        ],
    },
    "operative_note": {
        "opening": [
            "The patient was identified in the preoperative holding area and the operative site was marked.",
            "The patient was brought to the operating room and placed supine on the operating table.",
            "{anesthesia} anesthesia was induced by the anesthesia team without difficulty.",
            "Cefazolin 2 g IV was given within 60 minutes of incision.",
            "Sequential compression devices were placed on both lower extremities.",
            "The operative field was prepped and draped in the usual sterile fashion.",
            "A surgical time-out was performed confirming patient, procedure, site and laterality.",
        ],
        "closing": [
            "Hemostasis was confirmed.",
            "All sponge, needle and instrument counts were correct x2 at the end of the case.",
            "The wounds were infiltrated with 0.25% bupivacaine and sterile dressings applied.",
            "The patient tolerated the procedure well and was taken to the PACU in stable condition.",
            "I was present and scrubbed for the entire procedure.",
            "The patient was awakened, extubated in the operating room and transported to recovery.",
        ],
        "indications": [
            "This {age} patient with {pre_lower} elected to proceed with surgery after failing nonoperative "
            "management.",
            "The risks, benefits and alternatives, including bleeding, infection and injury to adjacent "
            "structures, were discussed and informed consent was obtained.",
            "Preoperative evaluation was completed and the patient was cleared for surgery.",
        ],
    },
    "procedure_note": {
        "before": [
            "Informed consent was obtained after discussing risks, benefits and alternatives.",
            "A time-out was performed before the procedure to confirm patient identity and site.",
            "Hand hygiene and sterile technique were maintained throughout.", "ASA physical status: {asa}.",
        ],
        "after": [
            "The patient tolerated the procedure well with no immediate complications.",
            "Estimated blood loss: minimal.", "Vital signs remained stable throughout the procedure.",
            "Post-procedure instructions were reviewed with the patient.",
            "The patient was monitored in the recovery area and discharged home with a responsible adult.",
        ],
        "followup": [
            "Pathology results will be communicated in 7 to 10 days.",
            "Repeat colonoscopy in {interval} years depending on pathology." ,
            "Resume prior diet and home medications.", "Hold anticoagulation for 24 hours.",
            "Call for fever, increasing pain or bleeding from the site.",
        ],
    },
    "emergency_department_note": {
        "opening": [
            "{Pt} is a {age} {@sexword} who presents to the emergency department with {symptom} that started "
            "{onset}.",
            "{Age_cap} {@sexword} brought to the ED by {arrival} for {symptom}.",
            "{Pt} presents to the ED with {symptom}, onset {onset}.",
            "This {age} {@sexword} arrives at the emergency department complaining of {symptom}.",
            "{Pt} walked into the emergency department reporting {symptom} since {onset}.",
            "ED evaluation of a {age} {@sexword} with {symptom}; symptoms began {onset}.",
            "{Pt} was sent to the ED by {his} primary care office for {symptom}.",
            "{Age_cap} {@sexword} seen in the ER for {symptom}, which began {onset}.",
            "{Pt} came to the emergency room tonight because of {symptom}.",
            "Patient presents to the ER via {arrival} complaining of {symptom}.",
            "{Age_cap} {@sexword} evaluated in the emergency department at {seen} for {symptom}.",
        ],
        "hpi": [
            "{He} arrived by {arrival}.", "Symptoms began abruptly while at rest.",
            "{He} took ibuprofen at home without relief.", "No recent travel, sick contacts or trauma.",
            "{He} rates the pain {pain}/10.",
            "Per EMS, vital signs en route were stable and {he} received aspirin 324 mg.",
            "Triage note reviewed; history obtained from the patient and EMS.",
            "{He} called 911 when symptoms did not resolve.",
            "{He} has not been seen by a physician for this complaint before today.",
            "Nursing triage documented the same complaint; history confirmed on my evaluation.",
        ],
        "course": [
            "IV access was established and labs were drawn.",
            "{He} received a 1 L normal saline bolus and ondansetron 4 mg IV.",
            "EKG interpreted by me: normal sinus rhythm at {hr} bpm, no acute ST-segment changes.",
            "High-sensitivity troponin negative x2, three hours apart.",
            "Imaging was obtained and reviewed; see results.",
            "On re-evaluation the patient was resting comfortably with improved symptoms.",
            "Case discussed with the hospitalist, who accepts the patient for admission.",
            "Pain improved after morphine 4 mg IV.",
            "Reassessment: symptoms improved, vital signs normalized, tolerating oral fluids.",
            "Repeat vitals within normal limits prior to disposition.",
            "Ambulated in the department without difficulty or desaturation.",
            "Passed an oral challenge in the ED.",
            "Placed on the cardiac monitor on arrival; no arrhythmia seen.",
            "Ketorolac 15 mg IV given with good effect.",
        ],
        "mdm": [
            "Differential diagnosis includes {short}, acute coronary syndrome, pulmonary embolism and "
            "musculoskeletal pain.",
            "Given the history and negative workup, suspicion for an emergent process is low.",
            "Risk stratification performed; HEART score {heart}.",
            "The patient is well appearing and appropriate for outpatient follow-up.",
            "Sepsis screen negative.", "Labs and imaging independently interpreted by me.",
            "Emergent causes considered and felt unlikely after ED evaluation.",
            "External records reviewed; discussed with the patient's PCP's on-call service.",
            "Moderate complexity medical decision making: acute illness with systemic symptoms.",
            "Shared decision making regarding admission versus discharge with close follow-up.",
            "Given persistent symptoms despite ED treatment, admission is warranted.",
        ],
        "disposition": [
            "Disposition: discharged home in stable condition.", "Disposition: admitted to the hospitalist service.",
            "Disposition: transferred to a tertiary center for a higher level of care.",
            "Disposition: placed in the ED observation unit.",
            "Discharged from the ED to home with family; condition improved.",
            "Admit to medicine; bed requested, admitting team aware.",
            "Discharged home from the ER with written instructions.",
            "Released from the emergency department in good condition.",
        ],
        "after": [
            "Return precautions discussed; the patient verbalized understanding.",
            "Follow up with the primary care provider in 2-3 days.",
            "Critical care time: 35 minutes, excluding separately billable procedures.",
            "Return to the emergency department for worsening pain, fever, vomiting or any new concerns.",
            "Discharge instructions and prescriptions provided; questions answered.",
            "Return immediately for chest pain, fainting, or trouble breathing.",
            "Work note provided. Follow up with {specialty} as directed.",
            "Come back to the ER if symptoms get worse or do not improve.",
            "Patient instructed to return for any worsening; ED discharge paperwork given.",
        ],
        "attestation": [
            "I personally evaluated and examined this patient in the emergency department.",
            "I saw and evaluated the patient with the resident and agree with the findings and plan.",
            "Patient seen and examined by the ED provider; plan discussed with the patient.",
            "This note was completed by the treating emergency physician.",
            "Emergency medicine attending attestation: I was present for the key portions of the evaluation.",
        ],
    },
    "imaging_report": {
        "generic": [
            "Dose reduction techniques were used, including automated exposure control.",
            "Critical result communicated to {other} by telephone.",
            "Findings were discussed with the ordering provider's office.",
            "Correlate clinically.", "This examination was interpreted remotely.",
            "The preliminary resident report was reviewed and I agree with the findings.",
            "Images were reviewed on a diagnostic workstation.",
            "Technologist note: the patient tolerated the examination without difficulty.",
            "Addendum: no change to the impression.",
            "Follow-up imaging is recommended in {fu_imaging} to document stability.",
            "No prior studies are available for comparison.",
            "Contrast was administered without immediate adverse reaction.",
        ],
    },
    "laboratory_report": {
        "notes": [
            "Hemolysis index elevated; potassium may be falsely increased.",
            "eGFR calculated using the CKD-EPI 2021 equation without a race coefficient.",
            "Result verified by repeat analysis.", "Specimen received at ambient temperature.",
            "Reference ranges are age and sex specific.",
            "Critical value called to and read back by the ordering office.",
            "Fasting status: {fasting}.", "Results should be interpreted in the context of the clinical findings.",
            "Lipemic specimen; triglyceride result may be affected.",
            "A1c values between 5.7 and 6.4% indicate increased risk for diabetes.",
            "Testing performed at the main laboratory.",
            "Flags: H = High, L = Low, C = Critical, A = Abnormal.",
        ],
    },
    "pathology_report": {
        "generic": [
            "I have personally examined the slides and rendered the final diagnosis.",
            "Immunohistochemical stains were performed with appropriate positive and negative controls.",
            "The diagnosis was communicated to {other}'s office by telephone.",
            "Intradepartmental consultation was obtained; the reviewing pathologist concurs.",
            "Margins are free of tumor; the closest margin is {margin} mm.",
            "The specimen is received in formalin labeled with the patient's name and medical record number.",
            "Representative sections are submitted.", "Deeper levels were examined.",
            "Gross examination performed by a pathologists' assistant.",
            "Tissue was fixed in 10% neutral buffered formalin and embedded in paraffin.",
            "Clinical history provided: {short}.",
            "This test was developed and its performance characteristics determined by the laboratory.",
        ],
    },
    "medication_list": {
        "notes": [
            "Medication list reviewed and reconciled with the patient at this visit.",
            "Please bring this list and all medication bottles to every appointment.",
            "Patient reports taking all medications as listed.",
            "Avoid ibuprofen or naproxen while on blood thinners unless approved by your provider.",
            "Over-the-counter medications and supplements are included as reported by the patient.",
            "Discontinued medications are shown for reference only.",
            "This list was generated from the electronic health record and may not include outside prescriptions.",
            "Request refills at least three days before running out.",
            "Last reconciled by nursing staff.", "A family member fills a weekly pill organizer.",
            "Preferred pharmacy: {pharmacy}.", "Immunizations and allergies were also reviewed.",
            "Source of medication history: patient interview and pharmacy fill data.",
            "Keep this list with you and share it with every provider you see.",
            "Doses verified against the pharmacy dispensing record.",
            "Medication reconciliation completed at admission; home medications reviewed with the patient.",
            "Ask your pharmacist before starting any new over-the-counter product.",
            "Changes made today are marked NEW, CHANGED or STOP.",
        ],
    },
    "consent_form": {
        "procedure": [
            "I hereby authorize {@provider_dr} and such assistants as may be selected to perform the following "
            "procedure: {consent_proc}.",
            "The nature and purpose of the procedure, possible alternative methods of treatment, the risks "
            "involved and the possibility of complications have been explained to me.",
            "Risks include, but are not limited to, bleeding, infection, injury to nearby organs, blood clots and "
            "reactions to anesthesia.",
            "I acknowledge that no guarantee or assurance has been given to me as to the results.",
            "I consent to the administration of anesthesia and to the use of such anesthetics as may be "
            "considered necessary.",
            "I consent to the examination and disposal of any tissue or parts removed during the procedure.",
            "If unforeseen conditions arise, I request that my physician perform such additional procedures as "
            "are necessary in their professional judgment.",
            "I consent to the presence of students or observers for educational purposes.",
            "I have read this form or had it read to me, all blanks were completed before I signed, and my "
            "questions were answered.",
            "The expected benefits, the material risks and the reasonable alternatives, including no treatment, "
            "were discussed with me.",
        ],
        "anesthesia": [
            "I consent to the anesthesia plan described to me by the anesthesia provider: {anesthesia_plan}.",
            "I understand that anesthesia carries risks, including sore throat, nausea, dental injury, awareness, "
            "nerve injury, allergic reaction and, rarely, stroke or death.",
            "The anesthesia provider may change the anesthetic technique if needed for my safety.",
            "I have told the anesthesia team about my medications, allergies and last food or drink.",
            "I agree to the placement of lines and monitors that the anesthesia team considers necessary.",
            "Alternatives to the planned anesthetic, and their risks and benefits, were explained.",
        ],
        "transfusion": [
            "I consent to receive transfusion of blood or blood products as ordered by my physician.",
            "The risks, including fever, allergic reaction, fluid overload and, rarely, transmission of "
            "infection, have been explained to me.",
            "Alternatives to transfusion, including the option to refuse, were discussed.",
            "This consent remains in effect for the duration of this hospitalization or course of treatment.",
            "I understand that blood products are tested but cannot be guaranteed to be free of all disease.",
            "I may withdraw this consent at any time before the transfusion begins.",
        ],
        "release": [
            "I authorize {@facility} to release the protected health information described below.",
            "Information to be released: office notes, laboratory results, imaging reports and discharge summaries.",
            "Purpose of disclosure: continuity of care.",
            "This authorization expires one year from the date signed unless revoked earlier.",
            "I understand that I may revoke this authorization at any time by written notice, except to the "
            "extent action has already been taken.",
            "Information disclosed under this authorization may be redisclosed by the recipient and no longer "
            "protected by federal privacy regulations.",
            "Treatment, payment, enrollment or eligibility for benefits will not be conditioned on signing this "
            "authorization.",
            "I specifically authorize release of information relating to HIV testing, mental health and substance "
            "use treatment, if any: [ ] Yes [ ] No",
            "I am entitled to a copy of this signed authorization.",
        ],
        "general": [
            "I consent to routine diagnostic procedures, examinations and medical treatment by the providers of "
            "this practice.",
            "I understand that the practice of medicine is not an exact science and that no guarantees have been "
            "made to me.",
            "I consent to telehealth visits when appropriate and understand their limitations.",
            "I assign insurance benefits directly to the practice and authorize release of information needed to "
            "process claims.",
            "I acknowledge receipt of the Notice of Privacy Practices.",
            "This consent remains valid for all outpatient visits until I revoke it in writing.",
            "I agree to be financially responsible for charges not covered by my insurance.",
        ],
        "minor": [
            "I, the undersigned parent or legal guardian, hereby consent to medical evaluation and treatment of "
            "the minor named above.",
            "I authorize the adult named below to accompany my child and to consent to care on my behalf.",
            "This consent includes examinations, immunizations, laboratory tests and routine treatment.",
            "In an emergency, I authorize the providers to render care they consider necessary if I cannot be "
            "reached.",
            "This authorization is valid until {consent_until} unless I revoke it earlier in writing.",
            "I certify that I have legal authority to consent for this minor.",
        ],
        "telehealth": [
            "I consent to receive health care services through telehealth, including live video and telephone "
            "visits.",
            "I understand that telehealth has risks, including interrupted connections, incomplete examinations "
            "and, rarely, breaches of privacy despite security safeguards.",
            "I may decline a telehealth visit at any time and request an in-person appointment instead.",
            "Visits will not be recorded without my written permission.",
            "I understand that I must be physically located in a state where the clinician is licensed.",
            "The same privacy protections that apply to in-person care apply to telehealth.",
            "I may withdraw this consent at any time without affecting my right to future care.",
        ],
        "photography": [
            "I consent to photographs or video recordings being taken of me for my medical record.",
            "I authorize use of de-identified images for education of health professionals: [ ] Yes [ ] No",
            "I authorize publication of images in medical journals, with my face obscured: [ ] Yes [ ] No",
            "Images will be stored securely and are part of my protected health information.",
            "I may revoke this consent in writing, but images already used cannot be withdrawn.",
            "I will not receive payment for the use of these images.",
        ],
        "research": [
            "I agree to take part in the research study named above.",
            "The purpose of the study, the procedures, the possible risks and discomforts and the possible benefits "
            "have been explained to me.",
            "Participation is voluntary; I may refuse or withdraw at any time without penalty or loss of benefits.",
            "My study records will be kept confidential to the extent permitted by law.",
            "I understand whom to contact with questions about the study or my rights as a research participant.",
            "This study has been reviewed and approved by the Institutional Review Board.",
            "I will receive a signed copy of this consent document.",
        ],
        "signature": [
            "Signature of patient or legally authorized representative: ______________________",
            "Relationship to patient (if not signed by patient): ______________",
            "Witness: __________________________  Date/Time: ______________",
            "Interpreter used: [ ] No [ ] Yes   Language: __________  Interpreter ID: ______",
            "Parent/Guardian signature (patient under 18): ______________________",
            "Printed name of person signing: ______________________",
            "Witness signature and printed name: ______________________",
        ],
        "attestation": [
            "Physician attestation: I have explained the procedure, its risks, benefits and alternatives, and the "
            "patient's questions were answered.",
            "I certify that the patient (or representative) appeared to understand and agreed to proceed.",
            "Provider statement: I discussed the nature of the treatment, its risks, benefits and alternatives, "
            "and obtained informed consent.",
        ],
    },
    "insurance_correspondence": {
        "payer": [
            "We have received your request for prior authorization of the service listed below.",
            "After review, the request has been approved for the dates of service shown.",
            "This approval is not a guarantee of payment; benefits are subject to eligibility on the date of "
            "service.",
            "The request was denied because the documentation provided does not meet our clinical criteria for "
            "medical necessity.",
            "Specifically, there is no documentation of at least six weeks of conservative therapy, including "
            "physical therapy.",
            "Your provider may request a peer-to-peer discussion with our medical director within 14 days.",
            "You have the right to appeal this decision within 180 days of receipt of this notice.",
            "To file an appeal, send a written request with supporting clinical documentation to the address above.",
            "If waiting could seriously harm your health, you may request an expedited appeal.",
            "This decision was made using {criteria} criteria and the member's benefit plan.",
            "Please submit recent office notes, imaging reports and a list of treatments tried within 14 calendar "
            "days.",
            "The authorization number must be included on all claims for this service.",
            "No decision can be made until the requested information is received.",
        ],
        "approval": [
            "The requested service has been reviewed and is authorized as medically necessary.",
            "Coverage is approved for the number of units and the dates shown in this notice.",
            "Payment remains subject to member eligibility, benefit limits and plan provisions on the date of "
            "service.",
            "Services beyond the approved units or dates require a new authorization request.",
            "Please reference the authorization number when submitting the claim.",
            "The servicing provider must be in network for in-network benefits to apply.",
        ],
        "denial": [
            "Based on the clinical information submitted, the request does not meet the plan's medical necessity "
            "criteria.",
            "The reviewing physician determined that a less intensive alternative is appropriate.",
            "The service is excluded under the member's benefit plan.",
            "The records do not show a trial and failure of formulary alternatives.",
            "This adverse determination was made by a board-certified physician reviewer.",
            "The clinical policy used in this decision is available on request at no cost.",
            "The criteria require documented functional limitation and failure of conservative care.",
        ],
        "pend": [
            "We are unable to complete our review because information is missing.",
            "Please fax chart notes from the last 90 days and the results of prior imaging.",
            "If we do not receive the information by the due date, the request will be reviewed as submitted.",
            "Include the reference number on every page you send.",
        ],
        "p2p": [
            "The ordering provider may discuss this determination with a physician reviewer by telephone.",
            "A peer-to-peer conversation must be scheduled within 7 business days of this notice.",
            "To schedule, call the utilization management line and have the case number available.",
            "A peer-to-peer discussion does not replace the formal appeal process.",
            "The medical director is available Monday through Friday between 9 AM and 4 PM.",
        ],
        "ur": [
            "A concurrent review of the inpatient stay was completed by our utilization review nurse.",
            "Continued stay is authorized through the date shown; further days require updated clinicals.",
            "The admission was reviewed against {criteria} criteria for inpatient level of care.",
            "Inpatient level of care is supported by the clinical documentation reviewed.",
            "Please send discharge planning updates and clinicals by noon on the next review date.",
            "The attending physician may request reconsideration of the level-of-care determination.",
        ],
        "eob": [
            "THIS IS NOT A BILL. This statement explains how your plan processed the claim below.",
            "The provider may bill you for the amount shown as your responsibility.",
            "Amounts you pay for in-network care count toward your deductible and out-of-pocket maximum.",
            "If you have questions about this claim, call member services at the number on your ID card.",
            "You may request a review of how this claim was processed within 180 days.",
        ],
        "claim": [
            "The claim listed below was denied for the reason shown.",
            "Remark code CO-197: precertification or authorization was absent.",
            "Remark code CO-50: non-covered service because it is not deemed a medical necessity by the payer.",
            "Remark code CO-16: claim lacks information needed for adjudication.",
            "You may submit a corrected claim or a request for reconsideration with supporting records.",
            "Reconsideration requests must be received within 90 days of the remittance date.",
        ],
        "formulary": [
            "We reviewed the request for coverage of {med} under the member's pharmacy benefit.",
            "The drug is non-formulary; a formulary exception may be approved if alternatives have failed.",
            "Step therapy requirements have been met and the medication is approved for 12 months.",
            "Quantity limits apply; the approved quantity is 30 tablets per 30 days.",
            "The pharmacy may process the claim once the authorization is entered in our system.",
        ],
        "provider": [
            "I am writing on behalf of my patient to request coverage of {service}.",
            "Based on my clinical evaluation, this service is medically necessary.",
            "Alternatives tried and failed include {med}, physical therapy and activity modification.",
            "Delaying this service is likely to result in worsening symptoms and additional utilization.",
            "Supporting documentation, including office notes and prior imaging, is attached.",
            "Please contact my office if a peer-to-peer review is required.",
            "I respectfully request that you reconsider the denial dated {denial_date}.",
            "The requested service is consistent with accepted standards of care and the plan's own policy.",
            "Without this treatment the member is at risk of functional decline and hospitalization.",
            "I ask that the plan approve coverage so that treatment is not delayed.",
            "Please review the enclosed records, which document the criteria your policy requires.",
            "I am requesting approval of {service} for my patient.",
            "Please overturn the denial and authorize the requested treatment.",
            "The patient has failed step therapy with {med} and meets the plan's criteria for coverage.",
            "This letter supports the prior authorization request submitted by our office.",
            "I am appealing the plan's decision to deny coverage of {service}.",
            "The formulary alternatives were tried without adequate response or were not tolerated.",
            "Continued denial of this medically necessary service would put the member at risk.",
            "I am available for a peer-to-peer discussion with your medical director at any time.",
            "Enclosed please find the denial letter, office notes and test results supporting this appeal.",
        ],
        "rights": [
            "YOUR RIGHTS: You may request copies of documents relevant to this decision free of charge.",
            "Language assistance is available at no cost; call the number on your member ID card.",
            "If you disagree with this decision you may file a grievance or appeal as described above.",
            "Nondiscrimination notice: the plan complies with applicable federal civil rights laws.",
            "You may also have the right to an external review by an independent review organization.",
            "A representative, including your provider, may file an appeal for you with your written permission.",
        ],
    },
}

# Labels printed before values; a document picks one of each.
LABELS = {
    "name": ["Patient", "Patient Name", "Name", "Pt Name", "PATIENT", "Pt", "Patient name", "Client"],
    "dob": ["DOB", "D.O.B.", "Date of Birth", "Birth Date", "Birthdate", "DOB", "Date of birth", "BD"],
    "sex": ["Sex", "Gender", "Sex", "Sex at Birth", "Legal Sex"],
    "mrn": ["MRN", "MR#", "Med Rec #", "Medical Record No.", "Medical Record #", "Chart #", "Acct/MRN",
            "Patient ID", "MRN #", "Record No.", "Chart No.", "MRN"],
    "phone": ["Phone", "Home Phone", "Tel", "Ph", "Cell", "Mobile", "Contact Phone", "Primary Phone", "Home #"],
    "address": ["Address", "Home Address", "Addr", "Patient Address", "Street Address", "Residence"],
    "member": ["Member", "Member Name", "Subscriber", "Patient/Member", "Enrollee"],
}
SERVICE_LABELS = {
    "referral_note": ["Date of Visit", "Last Seen", "Visit Date", "Date of Last Visit"],
    "consult_note": ["Date of Consultation", "Date of Service", "Consult Date", "DOS", "Date Seen"],
    "history_and_physical": ["Admission Date", "Date of Admission", "Admit Date", "Date of Service"],
    "progress_note": ["Date of Service", "Visit Date", "DOS", "Encounter Date", "Date of Visit"],
    "discharge_summary": ["Admission Date", "Date of Admission", "Admitted", "Admit Date"],
    "operative_note": ["Date of Surgery", "Date of Operation", "Surgery Date", "Date of Procedure"],
    "procedure_note": ["Date of Procedure", "Procedure Date", "DOS", "Date of Service"],
    "emergency_department_note": ["Arrival", "Date of Visit", "ED Arrival", "Visit Date", "Arrival Date"],
    "imaging_report": ["Exam Date", "Date of Exam", "Study Date", "DOS", "Date of Service"],
    "laboratory_report": ["Collected", "Collection Date", "Date Collected", "Specimen Collected", "Coll Date"],
    "pathology_report": ["Date Collected", "Procedure Date", "Date Obtained", "Collected", "Date of Procedure"],
    "medication_list": ["Encounter Date", "Visit Date", "Date of Visit"],
    "consent_form": ["Procedure Date", "Scheduled Date", "Date of Procedure"],
    "insurance_correspondence": ["Date(s) of Service", "Service Date", "Requested Start Date", "DOS"],
    "other": ["Date of Service", "DOS", "Service Date"],
}
DOCDATE_LABELS = {
    "default": ["Date", "Note Date", "Date of Report", "Report Date", "Dictated", "Date Signed", "Signed"],
    "discharge_summary": ["Discharge Date", "Date of Discharge", "Discharged"],
    "laboratory_report": ["Reported", "Report Date", "Final Report Date", "Result Date", "Resulted"],
    "imaging_report": ["Report Date", "Dictated", "Date Reported", "Signed"],
    "pathology_report": ["Date Reported", "Sign-out Date", "Report Date", "Final Date"],
    "medication_list": ["Date", "Printed", "Last Reviewed", "List Date", "As of"],
    "consent_form": ["Date", "Date Signed", "Today's Date"],
}
PROVIDER_LABELS = {
    "referral_note": ["Referring Provider", "Referring Physician", "From", "Referred by"],
    "consult_note": ["Consultant", "Consulting Physician", "Seen by", "Provider", "Consulting Provider"],
    "history_and_physical": ["Admitting Physician", "Attending", "Attending Physician", "Author",
                             "Admitting Provider"],
    "progress_note": ["Provider", "Seen by", "Rendering Provider", "Clinician", "Author"],
    "discharge_summary": ["Attending", "Discharging Physician", "Attending Physician"],
    "operative_note": ["Surgeon", "Primary Surgeon", "Attending Surgeon"],
    "procedure_note": ["Proceduralist", "Performed by", "Physician", "Operator"],
    "emergency_department_note": ["ED Provider", "Attending Physician", "Treating Provider", "ED Physician"],
    "imaging_report": ["Radiologist", "Interpreting Radiologist", "Read by", "Reading Physician"],
    "laboratory_report": ["Ordering Provider", "Ordering Physician", "Ordered by", "Requesting Clinician",
                          "Ordering MD"],
    "pathology_report": ["Pathologist", "Attending Pathologist", "Signed out by"],
    "medication_list": ["Prescriber", "Primary Care Provider", "Reviewed by", "PCP"],
    "consent_form": ["Physician", "Provider Performing Procedure", "Surgeon"],
    "insurance_correspondence": ["Requesting Provider", "Treating Provider", "Ordering Provider", "Provider"],
    "other": ["Provider", "Physician", "Your provider"],
}
SPECIALTY_FOR_TYPE = {
    "operative_note": ["General Surgery", "Orthopaedic Surgery", "Surgery"],
    "emergency_department_note": ["Emergency Medicine"],
    "imaging_report": ["Diagnostic Radiology", "Radiology"],
    "pathology_report": ["Anatomic and Clinical Pathology", "Pathology"],
    "primary": ["Family Medicine", "Internal Medicine", "Primary Care"],
}
CONFIDENTIALITY = [
    "CONFIDENTIALITY NOTICE: The information in this facsimile is confidential and intended only for the use of "
    "the recipient named above. If you are not the intended recipient, any review, disclosure, copying or "
    "distribution is strictly prohibited. If you received this fax in error, please notify the sender by "
    "telephone and destroy all copies.",
    "This transmission contains protected health information that is privileged and confidential under federal "
    "and state law. Redisclosure without the patient's authorization is prohibited. If received in error, call us "
    "immediately and shred the documents.",
    "The documents accompanying this fax may contain health information that is legally privileged. This "
    "information is intended only for the individual or entity named above. If you are not the intended "
    "recipient, you are hereby notified that any disclosure, copying, distribution or action taken in reliance on "
    "the contents is strictly prohibited.",
    "PRIVILEGED AND CONFIDENTIAL. This facsimile is intended solely for the named recipient. Unauthorized use or "
    "disclosure is prohibited by law (45 CFR Parts 160 and 164). If you have received this in error, please "
    "notify us at the number above and return or destroy the original.",
    "Notice: this message may contain information protected by HIPAA. If it reached you by mistake, please tell "
    "us right away and do not read, copy or share it.",
]
COVER_NOTES = [
    "Records as requested.", "Please see attached clinical documentation.",
    "Referral packet attached; please schedule at the earliest available appointment.",
    "Results for your review.", "Per your request, attached are the office notes and labs.",
    "Please file in the patient's chart.", "Urgent: pre-operative clearance for surgery this week.",
    "Second attempt - please confirm receipt.", "Discharge paperwork for follow-up.",
    "Prior authorization documents enclosed.", "",
]

# --------------------------------------------------------------------------------------------
# Writing values
# --------------------------------------------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]

# Two-digit years are never used for birth dates: a records office could not tell 1931 from 2031.
DATE_STYLES = ["mdy", "mdy", "mdy_short", "mdy_yy", "long", "abbr", "dmon", "DMON", "iso",
               "mdy_dash", "dmy_long", "mdy_yy0"]
DOB_STYLES = ["mdy", "mdy", "mdy_short", "long", "abbr", "dmon", "DMON", "iso", "mdy_dash"]


def format_date(d: date, style: str) -> str:
    mon = MONTHS[d.month - 1]
    return {
        "mdy": f"{d.month:02d}/{d.day:02d}/{d.year}",
        "mdy_short": f"{d.month}/{d.day}/{d.year}",
        "mdy_yy": f"{d.month}/{d.day}/{d.year % 100:02d}",
        "mdy_yy0": f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
        "long": f"{mon} {d.day}, {d.year}",
        "abbr": f"{mon[:3]} {d.day}, {d.year}",
        "dmon": f"{d.day:02d}-{mon[:3]}-{d.year}",
        "DMON": f"{d.day:02d}-{mon[:3].upper()}-{d.year}",
        "iso": d.isoformat(),
        "mdy_dash": f"{d.month:02d}-{d.day:02d}-{d.year}",
        "dmy_long": f"{d.day} {mon} {d.year}",
    }[style]


PHONE_STYLES = ["paren", "paren", "paren_tight", "dash", "dash", "dot", "space", "one", "plus", "plain"]


def format_phone(number: str, style: str) -> str:
    a, b, c = number[:3], number[3:6], number[6:]
    return {
        "paren": f"({a}) {b}-{c}", "paren_tight": f"({a}){b}-{c}", "dash": f"{a}-{b}-{c}",
        "dot": f"{a}.{b}.{c}", "space": f"{a} {b} {c}", "one": f"1-{a}-{b}-{c}",
        "plus": f"+1 {a} {b} {c}", "plain": number,
    }[style]


NAME_STYLES = ["gf", "gf", "gmf", "gm_f", "FG", "FG", "FGM", "Fg", "Fg", "Fgm", "GF"]


def format_name(given: str, family: str, middle: str, style: str) -> str:
    return {
        "gf": f"{given} {family}", "gmf": f"{given} {middle}. {family}", "gm_f": f"{given} {middle} {family}",
        "FG": f"{family.upper()}, {given.upper()}", "FGM": f"{family.upper()}, {given.upper()} {middle}",
        "Fg": f"{family}, {given}", "Fgm": f"{family}, {given} {middle}.", "GF": f"{given.upper()} {family.upper()}",
    }[style]


SEX_STYLES = [("F", "M"), ("F", "M"), ("Female", "Male"), ("female", "male"), ("FEMALE", "MALE")]


def _stable(text: str) -> int:
    """A seed from text that is the same in every process (hash() is salted per run)."""
    return sum((i + 1) * ord(ch) for i, ch in enumerate(text))


def _phone_number(rng: random.Random, area: str | None = None) -> str:
    exchange = rng.randint(201, 989)
    while exchange == 555 or exchange % 100 == 11:
        exchange = rng.randint(201, 989)
    return f"{area or rng.choice(AREA_CODES)}{exchange}{rng.randrange(10000):04d}"


def make_patient(rng: random.Random) -> Person:
    sex = rng.choice(["female", "male"])
    given = rng.choice(FEMALE_GIVEN if sex == "female" else MALE_GIVEN)
    family = rng.choice(FAMILY_NAMES)
    # About one in six is a minor, as in a general hospital's outside records.
    if rng.random() < 0.16:
        born = date(2007, 1, 1) + timedelta(days=rng.randrange(365 * 17 + 150))
    else:
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 77))
    kind = rng.randrange(5)
    if kind == 0:
        mrn = str(rng.randrange(1_000_000, 10_000_000))
    elif kind == 1:
        mrn = f"{rng.randrange(100_000_000):08d}"
    elif kind == 2:
        mrn = rng.choice(["M", "E", "MR", "H", "RB", "P"]) + str(rng.randrange(100_000, 100_000_000))
    elif kind == 3:
        mrn = f"{rng.randrange(100):02d}-{rng.randrange(100):02d}-{rng.randrange(1000):03d}"
    else:
        mrn = f"{rng.randrange(1000):03d}-{rng.randrange(1000):03d}-{rng.randrange(1000):03d}"
    street = f"{rng.randint(1, 9899)} {rng.choice(STREET_NAMES)} {rng.choice(STREET_TYPES)}"
    if rng.random() < 0.3:
        street += " " + rng.choice(UNIT_FORMS).format(n=rng.randint(1, 420), l=rng.choice("ABCDEF"))
    city, state, prefix = rng.choice(CITIES)
    return Person(given, family, sex, born, mrn, _phone_number(rng), street, city, state,
                  f"{prefix}{rng.randrange(100):02d}")


def make_sender(rng: random.Random) -> Sender:
    name, _street, _city, state, _zip = rng.choice(FACILITIES)
    area = rng.choice(AREA_CODES)
    phone = _phone_number(rng, area)
    # Most practices' fax shares the phone's exchange, one digit block off.
    fax = phone[:6] + f"{rng.randrange(10000):04d}" if rng.random() < 0.6 else _phone_number(rng, area)
    while fax == phone:
        fax = _phone_number(rng, area)
    return Sender(name, fax, phone)


def _facility_address(sender: Sender) -> tuple[str, str, str, str]:
    for name, street, city, state, postcode in FACILITIES:
        if name == sender.facility:
            return street, city, state, postcode
    # A sender made elsewhere still gets one fixed address.
    r = random.Random(_stable(sender.facility))
    city, state, prefix = r.choice(CITIES)
    street = f"{r.randint(10, 4999)} {r.choice(STREET_NAMES)} {r.choice(STREET_TYPES)}"
    return street, city, state, f"{prefix}{r.randrange(100):02d}"


# --------------------------------------------------------------------------------------------
# Lines made of text and labelled values
# --------------------------------------------------------------------------------------------

Field = tuple[str, str, str]  # (field name, as written, normalised)
Part = Union[str, Field]
Line = list[Part]
Block = list[Line]


def _plen(parts: list[Part]) -> int:
    return sum(len(p[1]) if isinstance(p, tuple) else len(p) for p in parts)


def _words(parts: list[Part]) -> list[list[Part]]:
    """Splits parts into unbreakable words; a labelled value is never split, and punctuation
    written right after it stays attached."""
    words: list[list[Part]] = []
    glue = False
    for part in parts:
        if isinstance(part, tuple):
            if glue and words:
                words[-1].append(part)
            else:
                words.append([part])
            glue = True
            continue
        pieces = part.split(" ")
        for i, piece in enumerate(pieces):
            if piece == "":
                glue = False
                continue
            if i == 0 and glue and words:
                words[-1].append(piece)
            else:
                words.append([piece])
            glue = True
        if part.endswith(" "):
            glue = False
    return words


def wrap(parts: list[Part], width: int, indent: str = "", hang: str | None = None) -> Block:
    hang = indent if hang is None else hang
    lines: Block = []
    current: Line = []
    length = 0
    prefix = indent
    for word in _words(parts):
        size = _plen(word)
        if current and len(prefix) + length + 1 + size > width:
            lines.append([prefix, *current])
            prefix, current, length = hang, [], 0
        if current:
            current.append(" ")
            length += 1
        current.extend(word)
        length += size
    if current:
        lines.append([prefix, *current])
    return lines


def _fit(line: Line, width: int = MAX_WIDTH) -> Block:
    """A line longer than the page allows, broken at spaces (labelled values kept whole)."""
    if _plen(line) <= width:
        return [line]
    lead = ""
    if line and isinstance(line[0], str):
        lead = line[0][:len(line[0]) - len(line[0].lstrip(" "))]
    return wrap(line, width, lead, lead)


def _row(cells: list[list[Part]], widths: list[int]) -> Line:
    """Cells padded to column widths (the last cell unpadded)."""
    line: Line = []
    for i, cell in enumerate(cells):
        line.extend(cell)
        if i < len(cells) - 1:
            line.append(" " * max(widths[i] - _plen(cell), 2))
    return line


def _spread(left: list[Part], right: list[Part], width: int) -> Block:
    """Left and right on one line when they fit, else on two lines."""
    gap = width - _plen(left) - _plen(right)
    if gap >= 3:
        return [[*left, " " * gap, *right]]
    return [left, right]


def _center(parts: list[Part], width: int) -> Line:
    return [" " * max((width - _plen(parts)) // 2, 0), *parts]


def _join(items: list[list[Part]], width: int, gap: str = "    ") -> Block:
    """Items side by side, starting a new line whenever the next would overflow."""
    lines: Block = []
    current: Line = []
    for item in items:
        if current and _plen(current) + len(gap) + _plen(item) > width:
            lines.append(current)
            current = []
        if current:
            current.append(gap)
        current.extend(item)
    if current:
        lines.append(current)
    return lines


class _Optional(list):
    """A block the page fitting may leave out when a document runs long."""


@dataclass
class _Body:
    main: list[Block]  # in reading order; _Optional blocks may be dropped
    closing: list[Block] = field(default_factory=list)  # after main and any extra blocks
    extra: Callable[[], Block] | None = None  # more content when the document must fill pages
    preamble: Block | None = None  # replaces the standard letterhead/title/demographics
    sign: Block | None = None  # replaces the standard signature


@dataclass(frozen=True)
class _Clinician:
    given: str
    family: str
    middle: str
    credential: str

    @property
    def normalized(self) -> str:
        return norm_name(self.given, self.family)

    @property
    def is_doctor(self) -> bool:
        return self.credential.replace(".", "").startswith(("MD", "DO"))


SERVICE_LAG = {  # days from the service date to the document date (negative: service later)
    "referral_note": (0, 30), "consult_note": (0, 5), "history_and_physical": (0, 1),
    "progress_note": (0, 4), "discharge_summary": (2, 12), "operative_note": (0, 3),
    "procedure_note": (0, 3), "emergency_department_note": (0, 1), "imaging_report": (0, 2),
    "laboratory_report": (0, 3), "pathology_report": (2, 9), "medication_list": (0, 14),
    "consent_form": (-21, 0), "insurance_correspondence": (-30, 10), "other": (0, 45),
}
HEADING_STYLES = ["upper_colon", "upper_colon", "title_colon", "title_colon", "upper_rule",
                  "title_rule", "bracket", "upper_plain", "title_dash"]
PROVIDER_STYLES = ["gf_c", "gf_c", "gmf_c", "Fg_c", "FG_c", "dr", "gf_sp"]
DEPARTMENTS = {
    "imaging_report": ["Department of Radiology", "Diagnostic Imaging", "Imaging Services"],
    "laboratory_report": ["Clinical Laboratory", "Department of Laboratory Medicine", "Laboratory Services"],
    "pathology_report": ["Department of Pathology", "Anatomic Pathology", "Pathology & Laboratory Medicine"],
    "emergency_department_note": ["Emergency Department", "Department of Emergency Medicine"],
    "operative_note": ["Department of Surgery", "Perioperative Services"],
    "insurance_correspondence": ["Business Office", "Prior Authorization Unit"],
    "other": ["Patient Services", "Business Office", "Front Office"],
}


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _med_form(med: _Med, strength: str) -> str:
    """A liquid strength is a liquid whatever the usual form."""
    if "/5 mL" in strength or strength.endswith("mg/mL"):
        return "oral suspension" if med.form == "suspension" or "/5 mL" in strength else "oral solution"
    if med.form == "suspension":
        return "capsule"
    return med.form


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Doc:
    """One document being written: its patient, sender and author, and every choice of how
    this document writes things, so that choices stay consistent within it."""

    def __init__(self, rng: random.Random, type_key: str, patient: Person, sender: Sender) -> None:
        self.rng = rng
        self.type = type_key
        self.p: Person | None = patient
        self.s = sender
        r = rng.random
        self.address = _facility_address(sender)
        self.width = rng.randint(64, 88)
        # About 50% one page, 35% two, 15% three once long documents have spilled over.
        self.n_pages = rng.choices([1, 2, 3], weights=[58, 28, 14])[0]
        self.date_style = rng.choice(DATE_STYLES)
        self.dob_style = self.date_style if self.date_style in DOB_STYLES and r() < 0.7 else rng.choice(DOB_STYLES)
        self.name_style = rng.choice(NAME_STYLES)
        self.sex_words = rng.choice(SEX_STYLES)
        self.phone_style = rng.choice(PHONE_STYLES)
        self.fax_style = rng.choice(PHONE_STYLES)
        self.fac_phone_style = rng.choice(PHONE_STYLES)
        self.address_style = rng.randrange(4)
        self.fac_upper = r() < 0.35
        self.heading_style = rng.choice(HEADING_STYLES)
        self.inline = r() < 0.45
        self.prose = r() < 0.6  # sentences run as paragraphs rather than one per line
        self.bullet = rng.choice(["- ", "* ", "o ", "", "  ", "1. ", "- "])
        self.sep = rng.choice([": ", ": ", ": ", ":  ", " ", " - "])
        self.label_upper = r() < 0.3
        self.spaced = r() < 0.8  # a blank line between sections
        self.labels = {key: rng.choice(options) for key, options in LABELS.items()}
        if self.name_style[0] == "F" and r() < 0.3:
            self.labels["name"] = rng.choice(["Patient Name (Last, First)", "Name (Last, First)", "Last, First"])
        self.headings: dict[str, str] = {}
        self.used: set[str] = set()  # sections already written, so extra pages do not repeat them
        self.title_vars: dict[str, str] = {}  # what a title template names: the exam, procedure, kind of letter
        self.specialty_is: str | None = None  # the author's specialty when the document fixes it
        self.npi_placed = False  # the NPI was printed beside the author's name at the top

        # Dates: the document date, the service it records, and how old the patient was then.
        self.doc_date = date(2024, 3, 1) + timedelta(days=rng.randrange(820))
        lo, hi = SERVICE_LAG[type_key]
        lag = 0 if lo <= 0 <= hi and r() < 0.4 else rng.randint(lo, hi)
        self.service_date = self.doc_date - timedelta(days=lag)
        if self.service_date <= patient.birth_date:
            shift = timedelta(days=(patient.birth_date - self.service_date).days + rng.randint(14, 400))
            self.service_date += shift
            self.doc_date += shift
        self.printed = self.doc_date + timedelta(days=rng.randint(1, 60))
        self.years = _age(patient.birth_date, self.service_date)

        credential_pool = CREDENTIALS[TYPE_CREDENTIALS[type_key]]
        self.author = self.clinician(credential_pool)
        self.provider_style = rng.choice(PROVIDER_STYLES)
        if self.provider_style == "dr" and not self.author.is_doctor:
            self.provider_style = "gf_c"
        self.npi = make_npi(rng)
        self.other = self.clinician(["MD", "DO"])

        self.show = {
            "dob": r() < 0.96, "sex": r() < 0.75, "mrn": r() < 0.82, "issuer": r() < 0.25,
            "phone": r() < 0.4, "address": r() < 0.35, "service": r() < 0.65, "npi": r() < 0.45,
            "date_top": r() < 0.55, "date_sign": r() < 0.6, "provider_top": r() < 0.35,
            "fax": r() < 0.8,
        }
        if not (self.show["date_top"] or self.show["date_sign"]) and r() < 0.8:
            self.show["date_sign" if r() < 0.5 else "date_top"] = True

        self.lh_style = rng.choice(["centered", "left", "split", "banner", "oneline", "footer", "dept",
                                    "centered", "left", "split"])
        self.demo_style = rng.choice(["stacked", "inline", "table", "re", "banner", "boxed", "pt", "stacked"])
        self.arrangement = rng.choice(["classic", "classic", "demo_first", "title_top", "ehr"])
        self.cont_style = rng.choice(["name_dob", "name_mrn", "fac_title", "re", "none", "name_dob"])
        self.foot_style = "fac_fax" if self.lh_style == "footer" else rng.choice(
            ["pageno", "none", "confidential", "printed", "pageno", "fac_fax", "none"])
        self.sign_style = rng.choice(["esign", "line", "dictated", "signed", "attending", "plain", "esign"])
        self.title_style = rng.choice(["center_upper", "left_upper", "underline", "stars", "boxed",
                                       "spaced", "title_case", "center_upper"])
        self.condition = self.pick_condition()
        self.side = rng.choice(["left", "right"])
        self.vars = self.make_vars()
        self.title: str | None = None
        if r() > 0.12:
            self.title = rng.choice(TITLES[type_key])

    # -- choices ---------------------------------------------------------------------------

    def clinician(self, credentials: list[str]) -> _Clinician:
        rng = self.rng
        return _Clinician(rng.choice(FEMALE_GIVEN + MALE_GIVEN), rng.choice(FAMILY_NAMES),
                          rng.choice(MIDDLE_INITIALS), rng.choice(credentials))

    def fits(self, sex: str | None, min_age: int = 0, max_age: int = 200) -> bool:
        p = self.p
        return (sex is None or p is None or p.sex == sex) and min_age <= self.years <= max_age

    def pick_condition(self) -> _Condition:
        options = [c for c in CONDITIONS if self.fits(c.sex, *c.ages)]
        return self.rng.choice(options or CONDITIONS)

    def pick(self, pool, k: int, ordered: bool = False):
        """k entries of a pool (in pool order if `ordered`), leaving out adult-only sentences
        for a child."""
        if self.years < 16:
            pool = [x for x in pool if not (isinstance(x, str) and any(w in x for w in ADULT_ONLY))] or pool
        chosen = self.rng.sample(range(len(pool)), min(k, len(pool)))
        return [pool[i] for i in (sorted(chosen) if ordered else chosen)]

    def pmh_pool(self) -> list[str]:
        return PMH_INFANT if self.years < 6 else PMH_CHILD if self.years < 18 else PMH_ADULT

    def make_vars(self) -> dict[str, str]:
        rng, p, c = self.rng, self.p, self.condition
        side = self.side
        female = p.sex == "female"
        child = self.years < 18
        if child:
            pt = rng.choice([p.given, "the patient", "the patient", "this child"])
        else:
            pt = rng.choice(["the patient", "the patient",
                             f"{'Ms.' if female else 'Mr.'} {p.family}",
                             f"{rng.choice(['Ms.', 'Mrs.']) if female else 'Mr.'} {p.family}"])
        if self.years >= 2:
            age = f"{self.years}-year-old"
        else:
            months = (self.service_date.year - p.birth_date.year) * 12 + self.service_date.month - p.birth_date.month
            age = f"{max(months, 1)}-month-old"
        fmt = {"side": side, "Side": side.title(), "sd": "1" if side == "right" else "2",
               "cd": "5" if side == "right" else "6", "bd": "1" if side == "right" else "2"}
        med = self.pick_med()
        pmh = self.pick(self.pmh_pool(), rng.randint(2, 4))
        other = self.other
        return {
            "pt": pt, "Pt": _cap(pt), "he": "she" if female else "he", "He": "She" if female else "He",
            "his": "her" if female else "his", "His": "Her" if female else "His",
            "him": "her" if female else "him", "age": age,
            "dx": c.dx.format(**fmt), "Dx": _cap(c.dx.format(**fmt)), "icd": c.icd.format(**fmt),
            "short": c.short, "symptom": c.symptom.format(**fmt), "specialty": c.specialty,
            "side": side, "Side": side.title(), "med": med.name, "dose": rng.choice(med.strengths),
            "duration": rng.choice(["two weeks", "three months", "six weeks", "several days",
                                    "about a year", "10 days", "four months"]),
            "other": rng.choice([f"Dr. {other.family}", f"Dr. {other.given} {other.family}",
                                 f"{other.given} {other.family}, {other.credential}"]),
            "pmh": ", ".join(pmh[:-1]) + " and " + pmh[-1],
            "followup": rng.choice(["2 weeks", "4 weeks", "6 weeks", "3 months", "6 months", "1 year"]),
            "test": rng.choice(TESTS), "minutes": str(rng.choice([45, 60, 65, 75, 80])),
            "bp": f"{rng.randint(104, 168)}/{rng.randint(58, 98)}", "hr": str(rng.randint(56, 112)),
            "rr": str(rng.randint(12, 22)), "temp": f"{rng.uniform(97.0, 101.4):.1f}",
            "spo2": str(rng.randint(91, 100)), "wt": str(rng.randint(28, 120) if child else rng.randint(104, 290)),
            "priority": rng.choice(["Routine", "Urgent - please schedule within 1 week", "Routine (4-6 weeks)",
                                    "STAT"]),
            "visits": rng.choice(["1 consult", "1 consult + 2 follow-up visits", "consult and treat", "6 visits"]),
            "enclosed": rng.choice(["last two office notes, recent labs, medication list",
                                    "office note and imaging report", "labs from the past 6 months"]),
            "auth": f"{rng.choice(['PA', 'AUTH', 'R'])}{rng.randrange(10**6, 10**8)}",
            "within": rng.choice(["1 week", "2 weeks", "30 days", "next available"]),
            "payer": rng.choice(PAYERS), "onset": rng.choice(["this morning", "2 hours prior to arrival",
                                                               "last night", "yesterday afternoon", "3 days ago"]),
            "arrival": rng.choice(["private vehicle", "EMS", "ambulance from home", "walk-in with family"]),
            "pain": str(rng.randint(3, 9)), "heart": str(rng.randint(1, 4)),
            "fu_imaging": rng.choice(["3 months", "6 months", "12 months"]), "margin": str(rng.randint(1, 9)),
            "fasting": rng.choice(["Yes", "No", "Unknown"]), "pharmacy": rng.choice(PHARMACIES),
            "asa": rng.choice(["I", "II", "III"]), "interval": rng.choice(["3", "5", "7", "10"]),
            "criteria": rng.choice(["InterQual", "MCG", "plan clinical policy"]),
            "denial_date": format_date(self.doc_date - timedelta(days=rng.randint(10, 40)), self.date_style),
            "service": "", "anesthesia": "General", "pre_lower": c.short,
            "Symptom": _cap(c.symptom.format(**fmt)), "Short": _cap(c.short), "Specialty": c.specialty,
            "specialty_lower": c.specialty.lower(), "team": rng.choice(CONSULT_TEAMS["inpatient"]),
            "time": f"{rng.randint(0, 23):02d}{rng.choice(['00', '15', '30', '45', '10', '50'])}",
            "esi": str(rng.choice([2, 3, 3, 3, 4, 4, 5])), "hosp_day": str(rng.randint(2, 9)),
            "proc_planned": "the planned procedure", "npo": rng.choice(["after midnight", "8 hours before arrival"]),
            "Proc_planned": "Planned procedure", "hp_date": "the prior visit", "Age_cap": _cap(age),
            "Team": "Primary team", "consult_type": "Inpatient", "consult_reason": _cap(c.short),
            "anesthesia_plan": "general anesthesia", "consent_until": "the end of this year", "seen": "arrival",
        }

    def pick_med(self) -> _Med:
        options = [m for m in MEDICATIONS if (m.peds or self.years >= 18) and self.fits(m.sex)]
        return self.rng.choice(options)

    # -- labelled values -------------------------------------------------------------------

    def label(self, key: str) -> str:
        text = self.labels.get(key, key)
        return text.upper() if self.label_upper else text

    def name_field(self, style: str | None = None) -> Field:
        p = self.p
        middle = MIDDLE_INITIALS[_stable(p.given + p.family + p.mrn) % len(MIDDLE_INITIALS)]
        return ("patient_name", format_name(p.given, p.family, middle, style or self.name_style),
                norm_name(p.given, p.family))

    def dob_field(self) -> Field:
        return ("birth_date", format_date(self.p.birth_date, self.dob_style), self.p.birth_date.isoformat())

    def sex_field(self) -> Field:
        return ("sex", self.sex_words[0 if self.p.sex == "female" else 1], self.p.sex)

    def sexword_field(self) -> Field:
        female = self.p.sex == "female"
        if self.years < 18:
            word = self.rng.choice(["girl", "female"] if female else ["boy", "male"])
        else:
            word = self.rng.choice(["woman", "female", "female"] if female else ["man", "male", "male"])
        return ("sex", word, self.p.sex)

    def mrn_field(self) -> Field:
        return ("mrn", self.p.mrn, norm_code(self.p.mrn))

    def facility_text(self) -> str:
        return self.s.facility.upper() if self.fac_upper else self.s.facility

    def issuer_field(self) -> Field:
        text = self.facility_text()
        return ("mrn_issuer", text, norm_text(text))

    def phone_field(self) -> Field:
        return ("phone", format_phone(self.p.phone, self.phone_style), self.p.phone)

    def address_field(self) -> Field:
        p = self.p
        text = [f"{p.street}, {p.city}, {p.state} {p.postcode}", f"{p.street} {p.city}, {p.state} {p.postcode}",
                f"{p.street}, {p.city} {p.state} {p.postcode}",
                f"{p.street}, {p.city}, {p.state} {p.postcode}".upper()][self.address_style]
        return ("address", text, norm_text(text))

    def docdate_field(self, style: str | None = None) -> Field:
        return ("document_date", format_date(self.doc_date, style or self.date_style), self.doc_date.isoformat())

    def service_field(self, style: str | None = None) -> Field:
        return ("service_date", format_date(self.service_date, style or self.date_style),
                self.service_date.isoformat())

    def provider(self, style: str | None = None) -> list[Part]:
        c = self.author
        style = style or self.provider_style
        if style == "dr" and c.is_doctor:
            return ["Dr. ", ("provider", f"{c.given} {c.family}", c.normalized)]
        written = {
            "gmf_c": f"{c.given} {c.middle}. {c.family}, {c.credential}",
            "Fg_c": f"{c.family}, {c.given} {c.credential}",
            "FG_c": f"{c.family.upper()}, {c.given.upper()} {c.middle}, {c.credential}",
            "gf_sp": f"{c.given} {c.family} {c.credential.split(',')[0]}",
        }.get(style, f"{c.given} {c.family}, {c.credential}")
        return [("provider", written, c.normalized)]

    def provider_dr(self) -> list[Part]:
        return self.provider("dr" if self.author.is_doctor and self.rng.random() < 0.6 else "gf_c")

    def npi_field(self) -> Field:
        return ("npi", self.npi, self.npi)

    def facility_field(self, upper: bool | None = None) -> Field:
        text = self.s.facility.upper() if (self.fac_upper if upper is None else upper) else self.s.facility
        return ("facility", text, norm_text(text))

    def fax_field(self) -> Field:
        return ("fax", format_phone(self.s.fax, self.fax_style), self.s.fax)

    def value(self, name: str) -> list[Part]:
        simple = {
            "patient_name": self.name_field, "birth_date": self.dob_field, "sex": self.sex_field,
            "sexword": self.sexword_field, "mrn": self.mrn_field, "service_date": self.service_field,
            "document_date": self.docdate_field, "facility": self.facility_field, "fax": self.fax_field,
            "npi": self.npi_field, "phone": self.phone_field, "address": self.address_field,
        }
        if name in simple:
            return [simple[name]()]
        return {"provider": self.provider, "provider_dr": self.provider_dr}[name]()

    def tpl(self, text: str) -> list[Part]:
        """A template: {name} from the document's vocabulary, {@field} a labelled value."""
        parts: list[Part] = []
        for i, piece in enumerate(re.split(r"\{@(\w+)\}", text)):
            if i % 2:
                parts.extend(self.value(piece))
            elif piece:
                parts.append(piece.format(**self.vars))
        return parts

    # -- text ------------------------------------------------------------------------------

    def word(self, key: str) -> str:
        """This document's wording of a section heading."""
        if key not in self.headings:
            self.headings[key] = self.rng.choice(HEADINGS[key]) if key in HEADINGS else key
        return self.headings[key]

    def heading(self, key: str) -> tuple[Block, str | None]:
        text = self.word(key)
        upper = text.upper()
        style = self.heading_style
        if style == "upper_colon":
            return [[upper + ":"]], upper + ": "
        if style == "title_colon":
            return [[text + ":"]], text + ": "
        if style == "upper_rule":
            return [[upper], ["-" * len(upper)]], None
        if style == "title_rule":
            return [[text], ["=" * len(text)]], None
        if style == "bracket":
            return [[f"[{text}]"]], None
        if style == "title_dash":
            return [[text + " --"]], text + " -- "
        return [[upper]], None

    def para(self, text: str | list[Part], indent: str = "") -> Block:
        parts = self.tpl(text) if isinstance(text, str) else text
        return wrap(parts, self.width, indent)

    def items(self, entries: list, numbered: bool | None = None) -> Block:
        out: Block = []
        for i, entry in enumerate(entries, 1):
            parts = self.tpl(entry) if isinstance(entry, str) else entry
            prefix = f"{i}. " if (self.bullet == "1. " if numbered is None else numbered) else (
                self.bullet if self.bullet != "1. " else "- ")
            out += wrap(parts, self.width, prefix, " " * len(prefix))
        return out

    def section(self, key: str, sentences: list | None = None, entries: list | None = None,
                rows: Block | None = None, prose: bool | None = None) -> Block:
        """A heading and its content: sentences as a paragraph or one per line, entries as a
        list, rows as preformatted lines."""
        head, inline = self.heading(key)
        self.used.add(key)
        out: Block = []
        sentences = list(sentences or [])
        as_prose = self.prose if prose is None else prose
        if sentences and as_prose:
            parts: list[Part] = []
            for s in sentences:
                if parts:
                    parts.append(" ")
                parts.extend(self.tpl(s) if isinstance(s, str) else s)
            if inline and self.inline:
                out += wrap([inline, *parts], self.width)
            else:
                out += head + wrap(parts, self.width)
        elif sentences:
            out += head + self.items(sentences)
        else:
            out += head
        if entries:
            out += self.items(entries)
        if rows:
            out += rows
        return out

    def labelled(self, label: str, value: list[Part]) -> Line:
        return [label + self.sep, *value]

    # -- shared clinical sections ------------------------------------------------------------

    def med_lines(self, k: int, style: int | None = None) -> list[list[Part]]:
        rng = self.rng
        options = [m for m in MEDICATIONS if (m.peds or self.years >= 18) and self.fits(m.sex)]
        style = rng.randrange(4) if style is None else style
        out = []
        for m in self.pick(options, k):
            strength = rng.choice(m.strengths)
            if style == 0:
                out.append([f"{m.name} {strength} {_med_form(m, strength)} - {m.sig}"])
            elif style == 1:
                out.append([f"{_cap(m.name)} {strength} {m.short}"])
            elif style == 2:
                out.append([f"{m.name.upper()} {strength.upper()} {_med_form(m, strength).upper()}; SIG: {m.sig}"])
            else:
                out.append([f"{m.name} {strength}, {m.short}"])
        return out

    def pmh_block(self) -> Block:
        pool = self.pmh_pool()
        return self.section("pmh", entries=[_cap(x) for x in self.pick(pool, self.rng.randint(2, 6))])

    def psh_block(self) -> Block:
        items = self.pick(PSH_ITEMS, self.rng.randint(1, 3))
        items = [x for x in items if x != "none"] or items
        return self.section("psh", entries=[_cap(x) for x in items])

    def meds_block(self) -> Block:
        return self.section("meds", entries=self.med_lines(self.rng.randint(2, 7)))

    def allergy_text(self) -> str:
        """One allergy statement, or two real allergies (never 'no known allergies' beside one)."""
        if self.rng.random() < 0.7:
            return self.rng.choice(ALLERGIES)
        return ", ".join(self.pick([a for a in ALLERGIES if not a.startswith(("NKDA", "No known"))], 2))

    def allergy_block(self) -> Block:
        return self.section("allergies", [self.allergy_text()], prose=True)

    def fh_block(self) -> Block:
        return self.section("fh", self.pick(FAMILY_HISTORY, self.rng.randint(1, 3)))

    def sh_block(self) -> Block:
        pool = SOCIAL_CHILD if self.years < 18 else SOCIAL_ADULT
        return self.section("sh", self.pick(pool, self.rng.randint(1, 2)))

    def ros_block(self) -> Block:
        rng = self.rng
        if rng.random() < 0.35:
            return self.section("ros", [rng.choice(ROS_SUMMARIES)])
        lines = self.pick(ROS_LINES[1:], rng.randint(3, 7))
        if rng.random() < 0.4:
            lines.append(rng.choice(ROS_SUMMARIES[1:4]))
        return self.section("ros", lines)

    def vitals_line(self) -> str:
        v = self.vars
        forms = [f"BP {v['bp']}, HR {v['hr']}, RR {v['rr']}, Temp {v['temp']} F, SpO2 {v['spo2']}% on room air, "
                 f"Wt {v['wt']} lb",
                 f"T {v['temp']}  P {v['hr']}  R {v['rr']}  BP {v['bp']}  O2 sat {v['spo2']}% RA",
                 f"Blood pressure {v['bp']} mmHg, pulse {v['hr']}, temperature {v['temp']} F, weight {v['wt']} lbs"]
        return self.rng.choice(forms)

    def exam_block(self, systems: int | None = None, vitals: bool = True) -> Block:
        rng = self.rng
        chosen = EXAM_SYSTEMS if systems is None else EXAM_SYSTEMS[:2] + rng.sample(EXAM_SYSTEMS[2:], systems)
        rows = [f"{name}: {rng.choice(findings + EXAM_MORE.get(name, []))}" for name, findings in chosen]
        if vitals and rng.random() < 0.5:
            rows.insert(0, f"Vitals: {self.vitals_line()}")
        return self.section("exam", entries=rows)

    def data_block(self, key: str = "data") -> Block:
        rng = self.rng
        lines = [f"Labs: WBC {rng.uniform(4, 14):.1f}, Hgb {rng.uniform(8.5, 15.5):.1f}, Plt "
                 f"{rng.randint(120, 420)}, "
                 f"Na {rng.randint(131, 144)}, K {rng.uniform(3.3, 5.2):.1f}, Cr {rng.uniform(0.6, 2.1):.2f}, "
                 f"glucose {rng.randint(78, 260)}.",
                 rng.choice(["Chest x-ray: no acute cardiopulmonary process.",
                             "EKG: normal sinus rhythm, no acute ST changes.",
                             "CT abdomen/pelvis: see separate report.",
                             f"Hemoglobin A1c {rng.uniform(5.4, 10.8):.1f}% ({self.vars['followup']} ago).",
                             "Echocardiogram: LVEF 35-40%, mild mitral regurgitation."])]
        return self.section(key, lines)

    # -- page furniture ----------------------------------------------------------------------

    def department(self) -> str:
        options = DEPARTMENTS.get(self.type) or [self.condition.specialty, "Health Information Management",
                                                  "Medical Records"]
        return self.rng.choice(options)

    def letterhead(self) -> Block:
        rng, width, style = self.rng, self.width, self.lh_style
        if style == "footer":
            return []
        fac: list[Part] = [self.facility_field()]
        street, city, state, postcode = self.address
        address = f"{street}, {city}, {state} {postcode}"
        phone = [f"{rng.choice(['Phone', 'Tel', 'P', 'Ph', 'Telephone', 'Main'])}"
                 f"{rng.choice([': ', ' ', '. '])}{format_phone(self.s.phone, self.fac_phone_style)}"]
        fax: list[Part] = []
        if self.show["fax"]:
            fax = [f"{rng.choice(['Fax', 'FAX', 'F', 'Fax #', 'Facsimile'])}{rng.choice([': ', ' ', ': '])}",
                   self.fax_field()]
        contact = phone + ([rng.choice(["   ", "  |  ", "  *  ", "    "]), *fax] if fax else [])
        if style == "centered":
            return [_center(fac, width), _center([address], width), _center(contact, width)]
        if style == "left":
            return [fac, [street], [f"{city}, {state} {postcode}"], contact]
        if style == "split":
            return _spread(fac, phone, width) + (_spread([address], fax, width) if fax else [[address]])
        if style == "banner":
            rule = rng.choice("=-*#")
            return [[rule * width], [" ", *fac, "  -  ", self.department()], [rule * width],
                    *_join([[address], contact], width, "   ")]
        if style == "oneline":
            return _join([fac, [address], phone, fax] if fax else [fac, [address], phone], width, " | ")
        return [[self.department().upper()], fac, [address], contact]  # "dept"

    def title_block(self, title: str | None = None) -> Block:
        title = title if title is not None else self.title
        if not title:
            return []
        title = title.format(**self.vars, **self.title_vars)
        width, style, upper = self.width, self.title_style, title.upper()
        if style == "center_upper":
            return [_center([upper], width)]
        if style == "left_upper":
            return [[upper]]
        if style == "underline":
            return [[title], ["-" * len(title)]]
        if style == "stars":
            return [[f"*** {upper} ***"]]
        if style == "boxed":
            bar = "+" + "-" * (len(title) + 4) + "+"
            return [[bar], [f"|  {upper}  |"], [bar]]
        if style == "spaced" and len(title) <= 26:
            return [_center([" ".join(upper)], width)]
        return [[title]]

    def demographics(self, name_label: str | None = None) -> Block:
        """The patient's identifying values in one of several layouts."""
        rng, width = self.rng, self.width
        show = self.show
        items: list[tuple[list[Part], list[Part], str]] = []  # (label, value, plain label)
        nl = name_label or self.label("name")
        items.append(([nl], [self.name_field()], nl))
        if show["dob"]:
            items.append(([self.label("dob")], [self.dob_field()], self.label("dob")))
        if show["sex"]:
            items.append(([self.label("sex")], [self.sex_field()], self.label("sex")))
        if show["mrn"]:
            value: list[Part] = [self.mrn_field()]
            label: list[Part] = [self.label("mrn")]
            if show["issuer"]:
                form = rng.randrange(3)
                if form == 0:
                    value = [self.mrn_field(), " (", self.issuer_field(), ")"]
                elif form == 1:
                    label = [self.issuer_field(), " " + self.label("mrn")]
                else:
                    label = [self.label("mrn") + " (", self.issuer_field(), ")"]
            items.append((label, value, self.label("mrn")))
        extra: list[tuple[list[Part], list[Part], str]] = []
        if show["phone"]:
            extra.append(([self.label("phone")], [self.phone_field()], self.label("phone")))
        if show["address"]:
            extra.append(([self.label("address")], [self.address_field()], self.label("address")))
        style = self.demo_style
        sep = self.sep

        def stacked(entries):
            pad = rng.random() < 0.5
            size = max(_plen(lab) for lab, _, _ in entries) + 2
            out = []
            for lab, val, _ in entries:
                head = [*lab, ":"] if pad else [*lab, sep.rstrip() if sep.strip() else ""]
                gap = " " * (size - _plen(head)) if pad else (" " if sep.strip() else sep)
                out.append([*head, gap, *val])
            return out

        def inline(entries, gap="    "):
            return _join([[*lab, sep, *val] for lab, val, _ in entries], width, gap)

        if style == "stacked":
            return stacked(items + extra)
        if style == "inline":
            return inline(items) + inline(extra)
        if style == "table":
            widths = [max(len(plain), _plen(val)) + 3 for _, val, plain in items]
            if sum(widths) <= width and not any(isinstance(p, tuple) for lab, _, _ in items for p in lab):
                header = _row([[plain] for _, _, plain in items], widths)
                if self.label_upper or rng.random() < 0.5:
                    header = [str(x).upper() if isinstance(x, str) else x for x in header]
                out = [header]
                if rng.random() < 0.4:
                    out.append(["-" * min(sum(widths), width)])
                return out + [_row([val for _, val, _ in items], widths)] + inline(extra)
            return inline(items) + inline(extra)
        if style == "re":
            first = [rng.choice(["RE: ", "Re: ", "RE:  ", "Regarding: "]), self.name_field()]
            rest = items[1:]
            if rest and rng.random() < 0.5 and _plen(first) + _plen(rest[0][1]) + 12 < width:
                lab, val, _ = rest[0]
                first += [rng.choice([", ", "  ", " / "]), *lab, sep, *val]
                rest = rest[1:]
            return [first] + inline(rest + extra)
        if style == "banner":
            line: list[list[Part]] = [[self.name_field()]]
            for lab, val, _ in items[1:]:
                line.append([*lab, sep, *val])
            return _join(line, width, rng.choice(["  |  ", "   ", " | "])) + inline(extra)
        if style == "boxed":
            inner = width - 4
            half = inner // 2
            cells = [[*lab, sep, *val] for lab, val, _ in items + extra]
            out = [["+" + "-" * (inner + 2) + "+"]]
            i = 0
            while i < len(cells):
                left = cells[i]
                right = cells[i + 1] if i + 1 < len(cells) else []
                if _plen(left) < half - 1 and _plen(right) < inner - half:
                    row = [*left, " " * (half - _plen(left)), *right]
                    i += 2
                else:
                    row = left
                    i += 1
                out.append(["| ", *row, " " * max(inner - _plen(row), 0), " |"])
            return out + [["+" + "-" * (inner + 2) + "+"]]
        # "pt": terse clinic labels
        short = {"patient_name": "Pt", "birth_date": "DOB", "sex": "Sex", "mrn": "MRN#"}
        cells = []
        for lab, val, _ in items:
            name = next((p[0] for p in val if isinstance(p, tuple)), "")
            keeps_label = name not in short or any(isinstance(p, tuple) for p in lab)  # e.g. the issuer's MRN
            cells.append([*lab, sep, *val] if keeps_label else [short[name] + " ", *val])
        return _join(cells, width, rng.choice([" / ", "   ", "  "])) + inline(extra)

    def encounter(self, service: bool | None = None) -> Block:
        """Dates, author and other clinicians named at the top of the document."""
        rng, show = self.rng, self.show
        entries: list[list[Part]] = []
        if show["service"] if service is None else service:
            entries.append(self.labelled(rng.choice(SERVICE_LABELS[self.type]), [self.service_field()]))
        if show["date_top"]:
            labels = DOCDATE_LABELS.get(self.type, DOCDATE_LABELS["default"])
            entries.append(self.labelled(rng.choice(labels), [self.docdate_field()]))
        if show["provider_top"]:
            entry = self.labelled(rng.choice(PROVIDER_LABELS[self.type]), self.provider())
            if show["npi"] and rng.random() < 0.5:
                entry += [rng.choice(["  NPI: ", "  (NPI ", "   NPI# "]), self.npi_field()]
                if "(" in entry[-2]:
                    entry.append(")")
                self.npi_placed = True
            entries.append(entry)
        if rng.random() < 0.35:
            label = rng.choice(OTHER_CLINICIAN_LABELS.get(self.type, ["PCP", "Primary Care", "cc", "Copy to"]))
            entries.append([label + self.sep + self.vars["other"]])
        if not entries:
            return []
        if rng.random() < 0.5:
            return _join(entries, self.width, "     ")
        return entries

    def preamble(self) -> Block:
        letterhead = self.letterhead()
        title = self.title_block()
        demo = self.demographics()
        enc = self.encounter()
        arrangement = self.arrangement
        if arrangement == "demo_first":
            parts = [letterhead, demo + enc, title]
        elif arrangement == "title_top":
            parts = [title, letterhead, demo + enc]
        elif arrangement == "ehr":
            top = [self.rng.choice([["** CHART COPY **"], ["*** Outside Record ***"],
                                    [f"Printed {format_date(self.printed, self.date_style)} by HIM"],
                                    ["Encounter Summary"]])]
            parts = [top + demo, letterhead, title + enc]
        else:
            parts = [letterhead, title, demo + enc]
        return _stack(parts)

    def letter_preamble(self, to: Block, salutation: str, title: Block | None = None,
                        re: Block | None = None) -> Block:
        """Letterhead, date, inside address, RE block and salutation of a letter."""
        rng = self.rng
        dated: Block = [[self.docdate_field()]] if self.show["date_top"] or rng.random() < 0.7 else []
        if dated:
            self.show["date_top"] = True
        if re is not None:
            pass
        elif rng.random() < 0.5:
            re = self.demographics()
        else:
            re = [[rng.choice(["RE: ", "Re: ", "RE:  "]), self.name_field()]]
            if self.show["dob"]:
                re.append([self.label("dob") + self.sep, self.dob_field()])
            if self.show["mrn"]:
                re.append([self.label("mrn") + self.sep, self.mrn_field()])
        return _stack([self.letterhead(), title or [], dated, to, re, [[salutation]] if salutation else []])

    def continuation(self, page: int, total: int) -> Block:
        rng, style, width = self.rng, self.cont_style, self.width
        if style == "none" or self.p is None:
            return [[f"Page {page} of {total}"]] if style == "none" and rng.random() < 0.3 else []
        name = self.name_field()
        if style == "name_dob":
            left: list[Part] = [name]
            if self.show["dob"]:
                left += ["   " + self.label("dob") + self.sep, self.dob_field()]
            if self.show["mrn"] and rng.random() < 0.6:
                left += ["   " + self.label("mrn") + self.sep, self.mrn_field()]
            return _spread(left, [f"Page {page} of {total}"], width) + [[""]]
        if style == "name_mrn":
            line: list[Part] = [self.label("name") + self.sep, name]
            if self.show["mrn"]:
                line += [" (" + self.label("mrn") + " ", self.mrn_field(), ")"]
            return [line + [rng.choice(["  - continued -", "  (cont.)", ""])], [""]]
        if style == "fac_title":
            head: list[Part] = [self.facility_field(), " - ", (self.title or TYPE_WORDS[self.type]).format(
                **self.vars, **self.title_vars)]
            return _spread(head, [f"Page {page}"], width) + [[name], [""]]
        line = ["RE: ", name]
        if self.show["dob"]:
            line += [", " + self.label("dob") + " ", self.dob_field()]
        return [line, [f"Page {page}"], [""]]

    def footer(self, page: int, total: int) -> Block:
        rng, style, width = self.rng, self.foot_style, self.width
        if style == "pageno":
            text = rng.choice([f"Page {page} of {total}", f"- {page} -", f"Page {page}/{total}"])
            return [[""], _center([text], width) if rng.random() < 0.5 else [text]]
        if style == "confidential":
            return [[""], ["CONFIDENTIAL: contains protected health information."], [f"Page {page} of {total}"]]
        if style == "printed":
            return [[""], [f"Printed: {format_date(self.printed, self.date_style)}   Page {page} of {total}"]]
        if style == "fac_fax":
            street, city, state, postcode = self.address
            items: list[list[Part]] = [[self.facility_field()], [f"{street}, {city}, {state} {postcode}"]]
            if self.show["fax"] or self.lh_style == "footer":
                items.append(["Fax ", self.fax_field()])
            items.append([f"Page {page} of {total}"])
            return [[""], ["-" * width], *_join(items, width, " | ")]
        return []

    def signature(self) -> Block:
        rng, show = self.rng, self.show
        style = self.sign_style
        prov = self.provider()
        time = f"{rng.randint(6, 22):02d}:{rng.randrange(60):02d}"
        dated = show["date_sign"]
        npi = show["npi"] and not self.npi_placed
        out: Block = []
        if style == "esign":
            line: list[Part] = [rng.choice(["Electronically signed by ", "E-signed: ",
                                            "Electronically signed by: "]), *prov]
            if dated:
                line += [" on ", self.docdate_field(), " at " + time]
            out = wrap(line, self.width)
            if npi:
                out.append(["NPI: ", self.npi_field()])
        elif style == "line":
            out = [["_" * 34], prov, [self.specialty()]]
            if npi:
                out.append(["NPI ", self.npi_field()])
            if dated:
                out.append(["Date: ", self.docdate_field()])
        elif style == "dictated":
            out = [["Dictated by: ", *prov]]
            if dated:
                later = self.doc_date + timedelta(days=rng.randint(1, 3))
                out.append(["D: ", self.docdate_field(), f" {time}   T: {format_date(later, self.date_style)} "
                            f"{rng.randint(6, 22):02d}:{rng.randrange(60):02d}"])
            out.append([f"Job #: {rng.randrange(10**6, 10**7)}"])
            if npi:
                out.append(["Provider NPI: ", self.npi_field()])
        elif style == "signed":
            line = ["Signed: ", *prov]
            if dated:
                line += ["    Date/Time: ", self.docdate_field(), " " + time]
            out = _fit(line, self.width)
            if npi:
                out.append(["NPI# ", self.npi_field()])
        elif style == "attending":
            line = [rng.choice(["Attending physician: ", "Authenticated by: ", "Author: "]), *prov]
            if npi:
                line += [" (NPI ", self.npi_field(), ")"]
            out = _fit(line, self.width)
            if dated:
                out.append(["Authenticated: ", self.docdate_field(), " " + time])
        else:
            out = [prov, [self.specialty()]]
            if npi:
                out.append(["NPI: ", self.npi_field()])
            if dated:
                out.append([self.docdate_field()])
        return out

    def specialty(self) -> str:
        if self.specialty_is:
            return self.specialty_is
        options = SPECIALTY_FOR_TYPE.get(self.type)
        if options:
            return self.rng.choice(options)
        if self.type in ("consult_note", "procedure_note", "insurance_correspondence"):
            return self.condition.specialty
        return self.rng.choice(SPECIALTY_FOR_TYPE["primary"] + ["Pediatrics"] if self.years < 18
                               else SPECIALTY_FOR_TYPE["primary"])

    # -- pages -----------------------------------------------------------------------------

    def assemble(self, body: _Body) -> LabelledDocument:
        rng = self.rng
        first = body.preamble if body.preamble is not None else self.preamble()
        sign = body.sign if body.sign is not None else self.signature()
        main, closing = list(body.main), list(body.closing)
        gap: Block = [[""]] if self.spaced else []

        def furniture(n: int) -> tuple[list[Block], list[Block], list[int]]:
            heads = [first + [[""]]] + [self.continuation(i, n) for i in range(2, n + 1)]
            feet = [self.footer(i, n) for i in range(1, n + 1)]
            # A page holds 30-50 lines of text; a one-page document may run a little fuller.
            size = (36, 52) if n == 1 else (30, 48)
            room = [max(rng.randint(*size) - len(heads[i]) - len(feet[i]), 12) for i in range(n)]
            return heads, feet, room

        def flat() -> Block:
            lines: Block = []
            for block in main + closing:
                if block:
                    if lines:
                        lines += gap
                    lines += block
            return lines

        def most(room: list[int]) -> int:
            return sum(room) + (4 if len(room) > 1 else 2) - len(sign)

        n = self.n_pages
        heads, feet, room = furniture(n)
        while len(flat()) > most(room) and any(isinstance(b, _Optional) for b in main):
            optional = [i for i, b in enumerate(main) if isinstance(b, _Optional)]
            del main[rng.choice(optional)]
        while len(flat()) > most(room) + 6 and n < 3:
            n += 1  # what must be said does not fit: the document runs to another page
            heads, feet, room = furniture(n)
        least = (sum(room[:-1]) + 8 if n > 1 else 10) - len(sign)
        added = 0
        while len(flat()) < least and body.extra is not None and added < 60:
            main.append(body.extra())
            added += 1
        lines = flat()
        chunks: list[Block] = []
        at = 0
        for i in range(n - 1):
            cut = max(min(at + room[i], len(lines) - 4), at + 1)
            # A heading, table header or a block's first line does not end a page.
            for _ in range(3):
                if cut - at > 10 and (_heading_like(lines[cut - 1]) or (
                        _plen(lines[cut - 1]) and _plen(lines[cut - 2]) == 0 and _plen(lines[cut]))):
                    cut -= 1
            chunks.append(lines[at:cut])
            at = cut
        chunks.append(lines[at:] + gap + sign)
        pages = []
        fields = []
        for i in range(n):
            chunk = chunks[i]
            while i and chunk and _plen(chunk[0]) == 0:
                chunk = chunk[1:]
            while chunk and _plen(chunk[-1]) == 0:
                chunk = chunk[:-1]
            builder = PageBuilder(i + 1)
            for line in heads[i] + chunk + feet[i]:
                for piece in _fit(line):
                    builder.add(*piece)
            pages.append(builder.lines)
            fields += builder.fields
        return LabelledDocument(self.type, pages, fields, self.p, self.s)


def _heading_like(line: Line) -> bool:
    text = "".join(p if isinstance(p, str) else p[1] for p in line).strip()
    if not text:
        return False
    if set(text) <= set("-=*#_+| "):
        return True
    return len(text) < 48 and (text.endswith((":", " --")) or text.isupper()
                               or (text.startswith("[") and text.endswith("]")))


OTHER_CLINICIAN_LABELS = {  # other clinicians a document names besides its author
    "consult_note": ["PCP", "Primary Care", "cc", "Copy to"],
    "imaging_report": ["Ordering Physician", "Referring Physician", "cc"],
    "laboratory_report": ["Copy to", "cc", "PCP"],
    "pathology_report": ["Submitting Physician", "cc"],
    "emergency_department_note": ["PCP", "Primary Care", "Consultant"],
    "history_and_physical": ["PCP", "Primary Care", "Consultants"],
    "discharge_summary": ["PCP", "Primary Care", "cc", "Consultants"],
}
TYPE_WORDS = {
    "referral_note": "Referral", "consult_note": "Consultation", "history_and_physical": "History and Physical",
    "progress_note": "Progress Note", "discharge_summary": "Discharge Summary", "operative_note": "Operative Report",
    "procedure_note": "Procedure Note", "emergency_department_note": "ED Record", "imaging_report": "Radiology",
    "laboratory_report": "Laboratory", "pathology_report": "Pathology", "medication_list": "Medications",
    "consent_form": "Consent", "insurance_correspondence": "Authorization", "other": "Correspondence",
}


def _stack(blocks: list[Block]) -> Block:
    """Non-empty blocks separated by one blank line."""
    out: Block = []
    for block in blocks:
        if block:
            if out:
                out.append([""])
            out += block
    return out


# --------------------------------------------------------------------------------------------
# Document types
# --------------------------------------------------------------------------------------------


def _history_extra(d: _Doc, sections: tuple[str, ...] = ("pmh", "psh", "meds", "allergies", "fh", "sh", "ros",
                                                           "data", "exam")) -> Callable[[], Block]:
    """More content for a clinical document that runs to more pages: history, exam and data
    sections it has not written yet, then dated interval results and addenda in the type's own
    vocabulary."""
    makers = {"pmh": d.pmh_block, "psh": d.psh_block, "meds": d.meds_block, "allergies": d.allergy_block,
              "fh": d.fh_block, "sh": d.sh_block, "ros": d.ros_block, "data": d.data_block,
              "exam": lambda: d.exam_block(d.rng.randint(2, 5))}
    order = d.rng.sample(list(sections), len(sections))
    state = {"n": 0}

    def extra() -> Block:
        for key in order:
            if key not in d.used:
                return makers[key]()
        state["n"] += 1
        return _interval_results(d) if state["n"] % 2 else _addendum(d)
    return extra


def _interval_results(d: _Doc) -> Block:
    rng = d.rng
    when = format_date(d.service_date - timedelta(days=rng.randint(7, 400)), d.date_style)
    values = [f"WBC {rng.uniform(4, 12):.1f}", f"Hgb {rng.uniform(9, 15.5):.1f}", f"Plt {rng.randint(140, 420)}",
              f"Na {rng.randint(133, 144)}", f"K {rng.uniform(3.4, 5.1):.1f}", f"BUN {rng.randint(8, 38)}",
              f"Cr {rng.uniform(0.6, 2.0):.2f}", f"A1c {rng.uniform(5.2, 9.9):.1f}%",
              f"TSH {rng.uniform(0.5, 6):.2f}",
              f"LDL {rng.randint(60, 170)}", f"ALT {rng.randint(12, 70)}", f"INR {rng.uniform(0.9, 2.8):.1f}"]
    return [[f"{rng.choice(['Prior results', 'Interval labs', 'Outside labs', 'Previous labs'])} ({when}):"]] + \
        wrap([", ".join(d.pick(values, rng.randint(4, 8))) + "."], d.width, "  ", "  ")


def _addendum(d: _Doc) -> Block:
    # Groups that only fit one setting (pre-operative, inpatient) or one place in the document stay out.
    skip = {"preop", "inpatient", "form", "signature", "attestation", "opening", "closing", "disposition",
            "annual", "interval", "preop_plan", "annual_plan", "letter", "reason", "return"}
    pool = [s for name, group in PHRASES.get(d.type, {}).items() if name not in skip for s in group if "{@" not in s]
    return d.section("addendum", d.pick(pool, d.rng.randint(2, 4)))


def _letter_sign(d: _Doc, facility: bool = True) -> Block:
    rng = d.rng
    out: Block = [[rng.choice(["Sincerely,", "Respectfully,", "Best regards,", "Thank you,", "Kind regards,",
                               "With best wishes,"])], [""], d.provider(), [d.specialty()]]
    if d.show["npi"]:
        out.append(["NPI: ", d.npi_field()])
    if facility and rng.random() < 0.5:
        out.append([d.facility_field()])
    return out


def _to_block(d: _Doc) -> Block:
    o = d.other
    rng = d.rng
    name = rng.choice([f"{o.given} {o.family}, {o.credential}", f"Dr. {o.given} {o.family}"])
    return [[name], [rng.choice([f"{d.condition.specialty} Associates", f"Department of {d.condition.specialty}",
                                  f"{d.condition.specialty} Clinic", rng.choice(RECEIVING_HOSPITALS)])]]


def _workup(d: _Doc, hpi: list | None, *, share: float, cc: float = 0.4, ros: float = 0.6, exam: float = 0.9,
            data: float = 0.5, vitals: float = 0.2, keep: float = 0.0) -> list[Block]:
    """The sections any clinical note may carry: chief complaint, history of present illness,
    past medical and surgical history, medications, allergies, social and family history,
    review of systems, vital signs, exam and data. Every type writes them from the same pools,
    so none of them marks a type; what does are the cues each builder writes around them.
    `share` is the chance of each history section; `keep` the chance that a section is one
    the document must carry (the rest may be dropped to fit the page), so that these sections
    survive in a similar share of H&Ps, consults and ED notes."""
    rng = d.rng
    out: list[Block] = []
    if rng.random() < cc:
        out.append(d.section("cc", [rng.choice(CC_FORMS)], prose=True))
    if hpi:
        out.append(d.section("hpi", hpi))
    makers = {"pmh": d.pmh_block, "psh": d.psh_block, "meds": d.meds_block, "allergies": d.allergy_block,
              "sh": d.sh_block, "fh": d.fh_block}
    keys = [key for key in makers if rng.random() < share]
    if rng.random() < 0.3:
        rng.shuffle(keys)

    def kept(block: Block) -> Block:
        return block if rng.random() < keep else _Optional(block)
    for key in keys:
        out.append(kept(makers[key]()))
    if rng.random() < ros:
        out.append(kept(d.ros_block()))
    has_vitals = rng.random() < vitals
    if has_vitals:
        out.append(d.section("vitals", [d.vitals_line()], prose=True))
    if rng.random() < exam:
        exam_block = d.exam_block(None if rng.random() < 0.3 else rng.randint(2, 6), vitals=not has_vitals)
        out.append(exam_block if rng.random() < keep + 0.2 else _Optional(exam_block))
    if rng.random() < data:
        out.append(kept(d.data_block()) if keep else _Optional(d.data_block()))
    return out


def _hpi(d: _Doc, first: list[str], pools: list[list[str]], k: tuple[int, int]) -> list[str]:
    """An HPI: the type's opening sentence, then sentences drawn from the type's own pools and
    the generic pool together."""
    pool = [s for group in pools for s in group]
    return first + d.pick(pool, d.rng.randint(*k))


def _header_lines(d: _Doc, table: list[tuple[list[str], list[str]]], k: tuple[int, int],
                  first: int | None = None) -> Block:
    """Labelled lines (label: value) drawn from a table of (labels, values); the entry at
    `first`, if given, is always among them."""
    rng = d.rng
    chosen = rng.sample(range(len(table)), min(rng.randint(*k), len(table)))
    if first is not None and first not in chosen:
        chosen[0] = first
    lines: Block = []
    for i in sorted(chosen):
        labels, values = table[i]
        lines.append([rng.choice(labels) + d.sep, *d.tpl(rng.choice(values))])
    return _join(lines, d.width, "    ") if rng.random() < 0.35 else lines


REFERRAL_TITLES_MORE = ["Referral Order", "Outgoing Referral", "Referral Request Form", "Specialty Referral Order",
                        "Request for Evaluation and Treatment"]
REFERRAL_ORDER = [
    (["Referral to", "Refer to", "Referred to", "Specialty"], ["{Specialty}", "{Specialty} - {other}"]),
    (["Referral reason", "Reason for referral", "Reason"], ["{Short}", "Evaluate and treat {short}",
                                                            "Evaluation of {symptom}"]),
    (["Referral status", "Status"], ["Sent", "Pending scheduling", "Authorized", "Open"]),
    (["Referral type", "Type"], ["Consult and treat", "Consult only", "Evaluate and treat", "Second opinion"]),
    (["Priority", "Urgency"], ["Routine", "Urgent", "Expedited", "Routine (within 30 days)"]),
    (["Diagnosis", "Referral diagnosis", "ICD-10"], ["{dx} ({icd})", "{icd} - {dx}"]),
    (["Referral #", "Referral ID", "Order #"], ["{auth}"]),
    (["Requested by", "Referring provider", "Ordering provider"], ["{@provider}"]),
]


def _referral(d: _Doc) -> _Body:
    rng, P = d.rng, PHRASES["referral_note"]
    extra = _history_extra(d)
    style = rng.choices(["letter", "form", "order"], [45, 35, 20])[0]
    # Referral letters often carry the clinical summary a consultant needs: history, medications,
    # allergies, sometimes the last exam and results.
    summary = _workup(d, None, share=rng.choice([0.2, 0.4, 0.7]), cc=0.0, ros=0.2, exam=0.3, data=0.35,
                      vitals=0.1, keep=0.2)
    if style == "letter":
        o = d.other
        salutation = rng.choice([f"Dear Dr. {o.family}:", f"Dear Dr. {o.family},", "Dear Colleague:",
                                 "To the consulting provider:", "Dear Doctor:", f"Dr. {o.family},"])
        title = d.title_block() if rng.random() < 0.4 else []
        pre = d.letter_preamble(_to_block(d), salutation, title)
        first = [rng.choice(P["opening"]), *d.pick(P["reason"], rng.randint(2, 4))]
        main: list[Block] = [d.para(" ".join(first))]
        if summary and rng.random() < 0.5:
            main.append(d.para(rng.choice(["Pertinent history is summarized below.", "Clinical summary:",
                                           "For your reference:", "Relevant information follows."])))
        main += summary
        closing = [d.para(" ".join(d.pick(P["request"], rng.randint(1, 3))))]
        return _Body(main, closing, extra, pre, _letter_sign(d))
    if style == "order":
        if d.title is None or rng.random() < 0.5:
            d.title = rng.choice(REFERRAL_TITLES_MORE)
        main = [_header_lines(d, REFERRAL_ORDER, (3, 6), first=0)]
        hpi = _hpi(d, [rng.choice(P["opening"])], [P["reason"], GENERIC_HPI], (1, 3))
        main.append(d.section(rng.choice(["reason_referral", "hpi"]), hpi))
        main += summary
        closing = [d.para(" ".join(d.pick(P["request"], rng.randint(1, 2))))]
        return _Body(main, closing, extra)
    form: Block = []
    for line in d.pick(P["form"], rng.randint(5, 8)):
        label, value = line.split(": ", 1)
        form.append([label + d.sep, *d.tpl(value)])
    main = [form]
    main.append(d.section("reason_referral", [rng.choice(P["opening"]), *d.pick(P["reason"], rng.randint(2, 4))]))
    main += summary or [_Optional(d.pmh_block()), _Optional(d.meds_block()), _Optional(d.allergy_block())]
    closing = [d.para(" ".join(d.pick(P["request"], rng.randint(1, 2))))]
    if rng.random() < 0.5:
        closing.append([[rng.choice(["Referring provider signature: ______________________",
                                     "Signature of referring clinician: ____________________",
                                     "Referring physician signature/date: ______________"])]])
    return _Body(main, closing, extra)


CONSULT_TEAMS = {
    "inpatient": ["hospitalist service", "primary medicine team", "internal medicine service", "general surgery team",
                  "ICU team", "trauma surgery service", "family medicine inpatient team", "orthopaedic service",
                  "obstetrics team", "pediatric hospitalist team", "cardiothoracic surgery team", "primary team"],
    "outpatient": ["primary care office", "referring clinic", "patient's primary care provider",
                   "family medicine practice", "internal medicine clinic"],
    "ed": ["emergency department", "ED physician", "emergency medicine team", "ED attending"],
}
CONSULT_TITLES = {
    "inpatient": ["Inpatient Consultation", "{specialty} Consult Note", "Inpatient {specialty} Consultation",
                  "Hospital Consultation", "Initial Inpatient Consult", "{specialty} Consultation",
                  "Consult Note - {specialty}", "Consultation Report", "Initial Consult"],
    "outpatient": ["Outpatient Consultation", "New Patient Consultation", "{specialty} Consultation",
                   "Office Consultation", "Consultation Letter", "{specialty} New Patient Consult",
                   "Specialty Consultation Report", "Outpatient {specialty} Consult"],
    "ed": ["{specialty} Consult - Emergency Department", "ED Consultation", "Emergency Consult Note",
           "{specialty} Consult Note"],
    "followup": ["Follow-Up Consultation", "{specialty} Consult Follow-Up", "Consult Follow-Up Note",
                 "Subsequent Consultation", "Follow-up Consult"],
}
CONSULT_TYPES = {
    "inpatient": ["Inpatient", "Inpatient consultation", "Initial inpatient consult", "New inpatient consult",
                  "Hospital consult"],
    "outpatient": ["Outpatient", "Outpatient consultation", "New patient consult", "Office consultation",
                   "Outpatient - new"],
    "ed": ["Emergency department consult", "ED consult", "Consult in the ED"],
    "followup": ["Follow-up consult", "Subsequent consult visit", "Consult follow-up",
                 "Follow-up inpatient consultation"],
}
CONSULT_HEADER = [
    (["Requesting Physician", "Requesting Provider", "Referring Provider", "Referring Physician",
      "Consult Requested By", "Requested by", "Ordering Provider", "Attending of Record", "Referred by"],
     ["{other}"]),
    (["Requesting Service", "Primary Team", "Primary Service", "Referring Service", "Consulting Team Requested By"],
     ["{Team}"]),
    (["Consultant", "Consulting Service", "Consult Service", "Consulting Department"],
     ["{Specialty}", "{Specialty} Consult Service", "{Specialty} (consulting)"]),
    (["Consult Type", "Type of Consultation", "Consultation Type", "Setting", "Visit Type"], ["{consult_type}"]),
    (["Urgency", "Priority", "Consult Priority"], ["Routine", "Urgent", "Same day", "Within 24 hours", "STAT"]),
    (["Reason for Consult", "Consult Question", "Reason for Consultation", "Question"], ["{consult_reason}"]),
]
CONSULT_FOLLOWUP = [
    "We continue to follow {pt} for {short}.",
    "{Specialty} follow-up consult: {pt} was seen again today.",
    "Follow-up consultation for {short}; we last saw {him} two days ago.",
    "{Pt} is seen in follow-up by the {specialty_lower} consult service.",
    "Consult follow-up note for {short}; recommendations updated below.",
]


def _consult(d: _Doc) -> _Body:
    rng, P, v = d.rng, PHRASES["consult_note"], d.vars
    setting = rng.choices(["inpatient", "outpatient", "ed", "followup"], [40, 35, 10, 15])[0]
    v["team"] = rng.choice(CONSULT_TEAMS["inpatient" if setting == "followup" else setting])
    v["Team"] = _cap(v["team"])
    v["consult_type"] = rng.choice(CONSULT_TYPES[setting])
    v["consult_reason"] = rng.choice(P["reason"]).format(**v)
    if (d.title is None and rng.random() < 0.5) or (d.title is not None and rng.random() < 0.55):
        d.title = rng.choice(CONSULT_TITLES[setting])
    header = _header_lines(d, CONSULT_HEADER if setting != "outpatient" else CONSULT_HEADER[:1] + CONSULT_HEADER[2:],
                           (1, 4), first=0 if rng.random() < 0.7 else None)
    if setting == "followup":
        opening = [rng.choice(CONSULT_FOLLOWUP)] + d.pick(P["inpatient"][:4], rng.randint(0, 1))
    else:
        opening = [rng.choice(P["opening"])]
        if setting == "inpatient" and rng.random() < 0.8:
            opening.append(rng.choice(P["inpatient"][:4]))
        elif setting == "ed" and rng.random() < 0.6:
            opening.append(P["inpatient"][4])
    hpi = _hpi(d, opening, [P["hpi"], GENERIC_HPI], (2, 5))
    letter = setting == "outpatient" and rng.random() < 0.35
    pre = sign = None
    main: list[Block] = []
    if letter:  # a consult letter back to the referring clinician
        o = d.other
        to: Block = [[rng.choice([f"{o.given} {o.family}, {o.credential}", f"Dr. {o.given} {o.family}"])],
                     [rng.choice(["Family Medicine", "Internal Medicine", "Primary Care", "Pediatrics",
                                  rng.choice(FACILITIES)[0]])]]
        pre = d.letter_preamble(to, rng.choice([f"Dear Dr. {o.family}:", f"Dear Dr. {o.family},",
                                                "Dear Colleague:"]),
                                d.title_block() if rng.random() < 0.5 else [])
        main.append(d.para(" ".join([rng.choice(P["letter"]), *hpi[1:]])))
        sign = _letter_sign(d)
        if rng.random() < 0.5:
            main.append(header)
        main += _workup(d, None, share=rng.choice([0.5, 0.8, 0.95]), cc=0.0, ros=0.6, exam=0.9, data=0.5,
                        keep=0.5)
    else:
        main.append(header)
        stated = any(v["consult_reason"] in str(part) for line in header for part in line)
        if rng.random() < 0.6 and not stated:  # the consult question, when the header does not state it
            main.append(d.section("reason_consult", [v["consult_reason"]], prose=True))
        main += _workup(d, hpi, share=rng.choice([0.5, 0.8, 0.95]), cc=0.5, ros=0.7, exam=0.92, data=0.6,
                        keep=0.6)
    assessment = d.pick(P["assessment"], rng.randint(1, 2)) + [f"{v['Dx']} ({v['icd']})."]
    recs = d.pick(P["recs"], rng.randint(3, 6))
    numbered = rng.random() < 0.6
    closing: list[Block] = []
    if rng.random() < 0.25:  # impression and recommendations under one heading
        d.headings["consult_impression"] = rng.choice(["Impression and Recommendations", "Assessment/Recommendations",
                                                       "Impression & Recommendations", "Assessment and Recs"])
        closing.append(d.section("consult_impression", assessment) + d.items(recs, numbered=numbered))
    else:
        closing.append(d.section(rng.choice(["assessment", "consult_impression"]), assessment))
        closing.append(d.section("recs") + d.items(recs, numbered=numbered))
    if rng.random() < 0.8:
        closing.append(d.para(" ".join(d.pick(P["follow"], rng.randint(1, 2)))))
    if rng.random() < 0.75:
        closing.append(d.para(" ".join(d.pick(P["closing"], rng.randint(1, 2)))))
    if sign is None and rng.random() < 0.2:
        sign = [[rng.choice(["Consultant: ", "Consulting physician: ", "Consult performed by: "]), *d.provider()]]
        sign += d.signature()
    return _Body(main, closing, _history_extra(d), pre, sign)


HP_TITLES = {
    "admission": ["Admission History and Physical", "Admission H&P", "Hospital Admission Note",
                  "History and Physical - Admission", "Hospitalist Admission H&P",
                  "Inpatient Admission History & Physical", "Admitting History and Physical", "History and Physical"],
    "preop": ["Pre-Operative History and Physical", "Preoperative H&P", "Surgical History and Physical",
              "Pre-Procedure History and Physical", "Pre-Op H&P", "History and Physical (Pre-Surgical)"],
    "annual": ["Annual Physical Examination", "Comprehensive History and Physical", "Complete Physical Exam",
               "Annual Wellness Exam", "Comprehensive Physical Examination", "Preventive Visit - History and Physical",
               "History and Physical Examination"],
    "interval": ["H&P Interval Update", "Interval History and Physical", "Update to History and Physical",
                 "H&P Update Note", "Interval H&P", "History and Physical Update"],
}
HP_HEADER = {
    "admission": [
        (["Admitting Service", "Service", "Admitted to"], ["Hospital Medicine", "Internal Medicine", "Family Medicine",
                                                           "General Surgery", "Cardiology", "the {team}"]),
        (["Patient Class", "Admission Status", "Status"], ["Inpatient", "Observation", "Inpatient admission"]),
        (["Level of Care", "Bed Type"], ["Telemetry", "Medical/surgical", "Step-down", "ICU", "Med-surg floor"]),
        (["Source of Admission", "Admitted From", "Admission Source"],
         ["Emergency department", "Direct admission from clinic", "Transfer from outside hospital", "ED"]),
        (["Admitting Diagnosis", "Admission Diagnosis", "Reason for Admission"], ["{Dx}", "{Short}", "{Symptom}"]),
        (["Code Status"], ["Full code", "DNR/DNI", "Full code (confirmed with patient)"]),
    ],
    "preop": [
        (["Planned Procedure", "Scheduled Procedure", "Procedure"], ["{Proc_planned}"]),
        (["Surgeon", "Operating Surgeon"], ["{other}"]),
        (["Planned Anesthesia", "Anesthesia"], ["General", "MAC", "Spinal", "Regional with sedation"]),
        (["ASA Class", "ASA"], ["{asa}"]),
        (["Surgery Type", "Case Type"], ["Elective, outpatient", "Elective, inpatient admission", "Same-day surgery"]),
    ],
    "annual": [
        (["Visit Type", "Exam Type", "Encounter Type"], ["Annual physical", "Comprehensive exam", "Preventive visit",
                                                         "Complete physical", "Annual wellness exam"]),
        (["Last Physical", "Previous Comprehensive Exam"], ["1 year ago", "over 2 years ago", "13 months ago"]),
    ],
    "interval": [
        (["Original H&P Date", "H&P Dated", "Date of H&P"], ["{hp_date}"]),
        (["Procedure", "Planned Procedure", "Admission For"], ["{Proc_planned}"]),
    ],
}
HP_CC = {"preop": ["Preoperative evaluation.", "Pre-op H&P before {proc_planned}.", "Surgical clearance."],
         "annual": ["Annual physical.", "Here for a complete physical exam.", "Routine health maintenance exam."],
         "interval": ["H&P update before {proc_planned}.", "Interval update."]}


def _hp(d: _Doc) -> _Body:
    rng, P, v = d.rng, PHRASES["history_and_physical"], d.vars
    kind = rng.choices(["admission", "preop", "annual", "interval"], [55, 20, 15, 10])[0]
    fmt = {"side": d.side, "Side": d.side.title()}
    ops = [o.name.format(**fmt) for o in OPERATIONS if d.fits(o.sex, o.min_age)]
    procs = [x.name.format(**fmt) for x in PROCEDURES if d.years >= x.min_age]
    v["proc_planned"] = rng.choice(ops + procs).lower()
    v["Proc_planned"] = _cap(v["proc_planned"])
    v["hp_date"] = format_date(d.service_date - timedelta(days=rng.randint(2, 28)), d.date_style)
    if (d.title is None and rng.random() < 0.5) or (d.title is not None and rng.random() < 0.6):
        d.title = rng.choice(HP_TITLES[kind])
    main: list[Block] = []
    if rng.random() < 0.6 or kind == "interval":
        main.append(_header_lines(d, HP_HEADER[kind], (1, 3)))
    if kind == "interval":
        lines = [P["interval"][0]] + d.pick(P["interval"][1:], rng.randint(1, 3))
        main.append(d.section("interval", lines))
        main.append(_Optional(d.exam_block(rng.randint(1, 3))) if rng.random() < 0.6 else [])
        closing = [d.section("assessment", [rng.choice([
            "No change from the prior H&P; proceed as planned.",
            "Patient remains appropriate for {proc_planned}; no new contraindications.",
            "Cleared to proceed; H&P remains current with the updates above."])])]
        if rng.random() < 0.4:  # the update sits on top of the H&P it updates
            main += _workup(d, _hpi(d, [P["preop"][0]], [P["preop"][1:], GENERIC_HPI], (1, 2)), share=0.8,
                            cc=0.3, ros=0.5, exam=0.7, data=0.4, keep=0.2)
        return _Body(main, closing, _history_extra(d))
    if kind == "admission":
        # An admission H&P always says somewhere in its story that the patient is being admitted.
        admitting = [P["hpi"][i] for i in (1, 5, 6, 7, 8, 9)]
        hpi = [P["hpi"][0]] + d.pick(P["hpi"][2:5] + GENERIC_HPI, rng.randint(1, 3)) + [rng.choice(admitting)]
        cc = [_cap(v["symptom"]) + "."] if rng.random() < 0.6 else [rng.choice(CC_FORMS)]
    else:
        pool = P["preop"] if kind == "preop" else P["annual"]
        hpi = _hpi(d, [pool[0]], [pool[1:], GENERIC_HPI[:6]], (1, 3))
        cc = [rng.choice(HP_CC[kind])]
    main.append(d.section("cc", cc, prose=True))
    main += _workup(d, hpi, share=rng.choice([0.75, 0.9, 1.0]), cc=0.0, ros=0.85, exam=1.0, data=0.7,
                    vitals=0.3, keep=0.5)
    if kind == "annual" and rng.random() < 0.7:
        main.append(_Optional(d.section("health_maint", entries=d.pick(P["annual_plan"][:6], rng.randint(2, 4)))))
    if kind == "admission" and rng.random() < 0.35:
        main.append(d.section("admit_dx", [f"{v['Dx']} ({v['icd']})."], prose=True))
    if kind == "preop":
        first = d.pick(P["preop_plan"], 2)
    elif kind == "annual":
        first = d.pick(P["annual_plan"][2:], 2)
    else:
        first = P["plan"][8:9] + d.pick(P["plan"][4:8] + P["plan"][11:], 1)
    problems = [f"{v['Dx']} ({v['icd']}): " + " ".join(first)]
    for item in d.pick(d.pmh_pool(), rng.randint(1, 3)):
        status = rng.choice(["continue home regimen.", "stable; monitor.", "hold while NPO.", "resume at discharge.",
                             "controlled.", "continue current therapy."] if kind != "annual" else
                            ["stable, continue current therapy.", "at goal.", "recheck labs.", "discussed."])
        problems.append(f"{_cap(item)}: {status}")
    closing = [d.section("ap", entries=problems, prose=False)]
    if kind == "admission":
        general = d.pick(P["plan"][:8] + P["plan"][11:], rng.randint(2, 5))
        closing.append(d.section(rng.choice(["plan", "admit_plan"]), general, prose=False)
                       if rng.random() < 0.6 else d.items(general))
    elif kind == "preop" and rng.random() < 0.5:
        closing.append(d.items(d.pick(P["preop_plan"], 2)))
    elif kind == "annual":
        closing.append(d.items(d.pick(P["annual_plan"][4:], rng.randint(1, 3))))
    return _Body(main, closing, _history_extra(d))


PROGRESS_TITLES = {
    "inpatient": ["Daily Progress Note", "Hospital Progress Note", "Inpatient Progress Note",
                  "Hospitalist Progress Note",
                  "Progress Note - Hospital Day {hosp_day}", "Medicine Progress Note"],
}
PROGRESS_INPATIENT_S = ["Feels better today; slept well.", "Reports less pain than yesterday.",
                        "No new complaints this morning.", "Still weak but ambulating with assistance.",
                        "Tolerating diet; no nausea overnight.", "Patient seen and examined at bedside this morning."]
PROGRESS_HEADER = [
    (["Visit Type", "Encounter Type", "Appointment Type"], ["Follow-up", "Established patient", "Return visit",
                                                            "Recheck", "Chronic care follow-up",
                                                            "Post-hospital follow-up", "Telehealth follow-up"]),
    (["Last Visit", "Last Seen", "Previous Visit"], ["{followup} ago", "{followup} ago (same provider)"]),
    (["Reason for Visit", "Visit Reason"], ["Follow-up {short}", "Recheck {short}", "Medication follow-up"]),
]


def _progress(d: _Doc) -> _Body:
    rng, P, v = d.rng, PHRASES["progress_note"], d.vars
    kind = rng.choices(["soap", "full", "inpatient"], [38, 37, 25])[0]
    main: list[Block] = []
    if kind == "inpatient":
        if d.title is None or rng.random() < 0.6:
            d.title = rng.choice(PROGRESS_TITLES["inpatient"])
        main.append([[rng.choice([f"Hospital day {v['hosp_day']}", f"HD #{v['hosp_day']}",
                                  f"Hospital Day: {v['hosp_day']}"])]])
        main.append(d.section("overnight", d.pick(P["inpatient"][:1] + P["inpatient"][6:8], rng.randint(1, 2))))
        main.append(d.section("subjective", [rng.choice(PROGRESS_INPATIENT_S), *d.pick(GENERIC_HPI[4:8], 1)]))
        objective = [f"Vitals: {d.vitals_line()}"] + [f"{n}: {rng.choice(f)}" for n, f in rng.sample(EXAM_SYSTEMS, 4)]
        main.append(d.section("objective", entries=objective))
        main += [x for x in _workup(d, None, share=0.2, cc=0.0, ros=0.0, exam=0.0, data=0.7, keep=0.3)]
        problems = [rng.choice(P["assessment"][:4])] + d.pick([P["plan"][i] for i in (0, 1, 4, 7)] +
                                                              P["inpatient"][1:6], rng.randint(2, 5))
        closing = [d.section(rng.choice(["ap", "plan"]), entries=problems)]
        return _Body(main, closing, _history_extra(d))
    if rng.random() < 0.45:
        main.append(_header_lines(d, PROGRESS_HEADER, (1, 2)))
    opening = [rng.choice(P["opening"])]
    plan = d.pick(P["plan"], rng.randint(2, 4)) + [rng.choice(P["return"])]
    if kind == "soap":
        main.append(d.section(rng.choice(["subjective", "interval"]),
                              _hpi(d, opening, [P["subjective"], GENERIC_HPI[:8]], (1, 3))))
        main += _workup(d, None, share=rng.choice([0.0, 0.3, 0.6]), cc=0.0, ros=0.3, exam=0.0, data=0.0,
                        keep=0.3)
        objective = [f"Vitals: {d.vitals_line()}"] + [f"{n}: {rng.choice(f)}" for n, f in rng.sample(EXAM_SYSTEMS, 3)]
        main.append(d.section("objective", entries=objective))
        if rng.random() < 0.3:
            main.append(_Optional(d.data_block()))
        closing = [d.section("assessment", d.pick(P["assessment"], 1)), d.section("plan", entries=plan)]
        return _Body(main, closing, _history_extra(d))
    hpi = _hpi(d, opening, [P["subjective"], GENERIC_HPI], (1, 4))
    main += _workup(d, hpi, share=rng.choice([0.3, 0.6, 0.85]), cc=0.3, ros=0.5, exam=0.85, data=0.35, vitals=0.5,
                    keep=0.45)
    closing = [d.section("ap", entries=[rng.choice(P["assessment"])] + plan)]
    return _Body(main, closing, _history_extra(d))


def _discharge(d: _Doc) -> _Body:
    rng, P = d.rng, PHRASES["discharge_summary"]
    v = d.vars
    d.show["service"] = d.show["service"] or rng.random() < 0.7
    d.show["date_top"] = d.show["date_top"] or rng.random() < 0.6
    los = (d.doc_date - d.service_date).days
    secondary = d.pick(d.pmh_pool(), rng.randint(1, 3))
    main: list[Block] = []
    if rng.random() < 0.5:
        main.append([[f"Length of stay: {los} days"]])
    main += [d.section("admit_dx", [_cap(v["symptom"]) + "."], prose=True),
             d.section("discharge_dx",
                       entries=[f"{v['Dx']} ({v['icd']}) - principal"] + [_cap(s) for s in secondary]),
             _Optional(d.section("inpt_procedures", entries=[rng.choice(
                 ["None", "Transthoracic echocardiogram", "PICC line placement",
                  "CT abdomen and pelvis with contrast",
                  "Esophagogastroduodenoscopy", "Physical therapy evaluation"])])),
             _Optional(d.section("consults", entries=[v["specialty"], rng.choice(["Physical therapy",
                                                                                  "Case management",
                                                                                  "Nutrition", "Palliative care"])])),
             d.section("course", [P["course"][0], *d.pick(P["course"][1:], rng.randint(2, 5), ordered=True)])]
    closing = [d.section("disposition", d.pick(P["condition"], 1) + d.pick(P["disposition"], 1)),
               d.section("discharge_meds", entries=[[rng.choice(["NEW: ", "CHANGED: ", "CONTINUE: ", "STOP: ", ""]),
                                                     *line] for line in d.med_lines(rng.randint(3, 7))]),
               d.section("instructions", entries=d.pick(P["instructions"], rng.randint(3, 5)))]
    return _Body(main, closing, _history_extra(d))


def _operative(d: _Doc) -> _Body:
    rng, P = d.rng, PHRASES["operative_note"]
    op = rng.choice([o for o in OPERATIONS if d.fits(o.sex, o.min_age)] or OPERATIONS)
    d.specialty_is = next((spec for word, spec in OPERATION_SPECIALTY.items() if word in op.name), "General Surgery")
    fmt = {"side": d.side, "Side": d.side.title()}
    name = op.name.format(**fmt)
    d.vars["anesthesia"] = op.anesthesia.split(" with ")[0]
    d.vars["pre_lower"] = op.pre.format(**fmt).lower()
    d.show["provider_top"] = False
    assistant = d.clinician(["MD", "PA-C", "RNFA", "MD (resident)"])
    header: list[list[Part]] = [
        [d.word("pre_dx") + d.sep + op.pre.format(**fmt)],
        [d.word("post_dx") + d.sep + op.post.format(**fmt)],
        [d.word("operation") + d.sep + name],
        [rng.choice(PROVIDER_LABELS["operative_note"]) + d.sep, *d.provider()],
        [f"Assistant{d.sep}{rng.choice([f'{assistant.given} {assistant.family}, {assistant.credential}', 'None'])}"],
        [f"Anesthesia{d.sep}{op.anesthesia}"],
        [f"Estimated Blood Loss{d.sep}{rng.randint(*op.ebl)} mL"],
        [f"IV Fluids{d.sep}{rng.choice([600, 800, 1000, 1200, 1500])} mL crystalloid"],
        [f"Drains{d.sep}{rng.choice(['None', 'None', '15 Fr Blake drain'])}"],
        [f"Specimens{d.sep}{op.specimen.format(**fmt)}"],
        [f"Implants{d.sep}{op.implants}"],
        [f"Complications{d.sep}{rng.choice(['None', 'None apparent', 'None.'])}"],
        [f"Condition{d.sep}{rng.choice(['Stable to PACU', 'Stable', 'Extubated, stable to recovery'])}"],
    ]
    if rng.random() < 0.5:
        keep = header[:4]
        header = keep + rng.sample(header[4:], rng.randint(4, len(header) - 4))
    steps = [s.format(**fmt) for s in op.steps]
    opening = d.pick(P["opening"], rng.randint(2, 5), ordered=True)
    closing_lines = d.pick(P["closing"], rng.randint(1, 4), ordered=True)
    description = [opening, steps, closing_lines] if rng.random() < 0.5 else [opening + steps + closing_lines]
    main: list[Block] = [d.items(header, numbered=False) if rng.random() < 0.3 else header,
                         d.section("indications", d.pick(P["indications"], rng.randint(1, 3)))]
    desc = d.section("description", description[0])
    for chunk in description[1:]:
        desc += [[""]] + d.para(" ".join(chunk))
    main.append(desc)
    if rng.random() < 0.5:
        main.append(_Optional(d.section("findings", [rng.choice(["Findings as described above.",
                                                                 "Inflammation consistent with the preoperative "
                                                                 "diagnosis.",
                                                                 "No unexpected findings."])])))

    return _Body(main, [], _history_extra(d))


def _procedure(d: _Doc) -> _Body:
    rng, P = d.rng, PHRASES["procedure_note"]
    proc = rng.choice([p for p in PROCEDURES if d.years >= p.min_age] or PROCEDURES)
    fmt = {"side": d.side, "Side": d.side.title()}
    d.title_vars = {"procedure_title": proc.title.format(**fmt)}
    d.show["provider_top"] = False
    d.specialty_is = proc.specialty
    lines: Block = [[d.word("proc_name") + d.sep + proc.name.format(**fmt)],
                    [d.word("indications") + d.sep + proc.indication.format(**fmt)],
                    [proc.role + d.sep, *d.provider()],
                    [d.word("sedation") + d.sep + proc.sedation]]
    if rng.random() < 0.5:
        lines.append([f"Consent{d.sep}Written informed consent obtained and placed in chart."])
    steps = [s.format(**fmt) for s in proc.steps]
    before = d.pick(P["before"], rng.randint(1, 2), ordered=True)
    after = d.pick(P["after"], rng.randint(1, 3), ordered=True)
    main: list[Block] = [lines, d.section("proc_description", before + steps + after)]
    main.append(d.section("proc_findings", entries=[f.format(**fmt) for f in proc.findings]))
    main.append(d.section("specimens", [proc.specimen], prose=True))
    main.append([[f"Complications{d.sep}{rng.choice(['None', 'None immediate', 'None.'])}"]])
    follow = [f for f in P["followup"] if ("colonoscopy" not in f or proc.name == "Colonoscopy")
              and ("Pathology" not in f or "patholog" in proc.specimen)]
    closing = [d.section("plan", entries=d.pick(follow, rng.randint(2, 3)))]
    return _Body(main, closing, _history_extra(d))


ED_TRIAGE = [
    (["Mode of arrival", "Arrival mode", "Arrived via", "Means of arrival"], ["{Arrival}"]),
    (["Triage acuity", "ESI level", "ESI", "Acuity", "Triage level"], ["ESI {esi}", "{esi}", "Level {esi}"]),
    (["Time seen", "Provider contact time", "Seen by provider at", "MD evaluation time", "Time of evaluation"],
     ["{seen}"]),
    (["Room", "Bed", "ED bed", "Treatment area"], ["ED {room}", "Bay {room}", "Hallway {room}", "Fast track {room}",
                                                  "Resus {room}", "Pod B-{room}"]),
    (["Triage vitals", "Vitals on arrival", "Initial vitals", "Arrival vital signs"], ["{vitals}"]),
    (["Chief complaint at triage", "Triage complaint", "Presenting complaint"], ["{Symptom}"]),
    (["PCP", "Primary care provider"], ["{other}", "None on file"]),
]


def _emergency(d: _Doc) -> _Body:
    rng, P, v = d.rng, PHRASES["emergency_department_note"], d.vars
    arrived = datetime(2000, 1, 1, rng.randint(0, 22), rng.randrange(60))
    seen = arrived + timedelta(minutes=rng.randint(8, 95))
    v["seen"] = f"{seen:%H:%M}" if rng.random() < 0.6 else f"{seen:%H%M}"
    v["room"] = str(rng.randint(1, 32))
    v["Arrival"] = _cap(v["arrival"])
    v["vitals"] = d.vitals_line()
    triage: Block = []
    if rng.random() < 0.6:
        triage.append([rng.choice(SERVICE_LABELS["emergency_department_note"]) + d.sep, d.service_field(),
                       " " + f"{arrived:%H:%M}"])
        d.show["service"] = False
    triage += _header_lines(d, ED_TRIAGE, (2, 5), first=1 if rng.random() < 0.7 else None)
    main: list[Block] = [d.section("triage", rows=triage) if rng.random() < 0.35 else triage]
    if rng.random() < 0.85:
        main.append(d.section("cc", [rng.choice([_cap(v["symptom"]) + ".", rng.choice(CC_FORMS)])], prose=True))
    hpi = _hpi(d, [rng.choice(P["opening"])], [P["hpi"], GENERIC_HPI], (1, 4))
    # ED notes carry the same history and exam sections as any other note.
    main += _workup(d, hpi, share=rng.choice([0.5, 0.75, 0.9]), cc=0.0, ros=0.75, exam=0.93, data=0.0,
                    keep=0.6)
    if rng.random() < 0.6:
        main.append(_Optional(d.data_block(rng.choice(["data", "ed_results"]))))
    course = d.pick(P["course"], rng.randint(2, 4))
    main.append(d.section("ed_course", course))
    if rng.random() < 0.35:
        main.append(d.section("reassess", [f"At {v['time'][:2]}:{v['time'][2:]}: " + rng.choice(P["course"][8:11])]))
    if rng.random() < 0.85:
        main.append(d.section("mdm", d.pick(P["mdm"], rng.randint(1, 3))))
    closing = [d.section("ed_impression", entries=[f"{v['Dx']} ({v['icd']})"]),
               d.section("disposition", d.pick(P["disposition"], 1) + d.pick(P["after"], rng.randint(0, 2)))]
    if rng.random() < 0.35:
        closing.append(d.para(rng.choice(P["attestation"])))
    return _Body(main, closing, _history_extra(d))


def _imaging(d: _Doc) -> _Body:
    rng, P = d.rng, PHRASES["imaging_report"]
    exams = [e for e in IMAGING_EXAMS if d.fits(e.sex, e.min_age)]
    exam = rng.choice(exams)
    d.title_vars = {"exam_title": exam.title if rng.random() < 0.5 else exam.title.title()}

    def report(e: _Exam, first: bool) -> list[Block]:
        findings = list(e.normal)
        impression = [e.normal_impression]
        if rng.random() < 0.45:
            finding, impression_line = rng.choice(e.abnormal)
            findings[rng.randrange(len(findings))] = finding
            impression = [impression_line]
        exam_line: list[Part] = [d.word("exam_name").upper() + ": " + e.title]
        if first and d.show["service"] and rng.random() < 0.5:
            exam_line += ["    " + rng.choice(SERVICE_LABELS["imaging_report"]) + d.sep, d.service_field()]
            d.show["service"] = False
        history = e.indication if rng.random() < 0.6 else f"{_cap(d.vars['short'])}. {e.indication}"
        if rng.random() < 0.5:
            comparison = "None."
        else:
            prior = d.service_date - timedelta(days=rng.randint(90, 1400))
            lead = rng.choice(["Prior study dated", "Comparison made to exam of", ""])
            comparison = f"{lead} {format_date(prior, d.date_style)}.".strip()
        blocks = [_fit(exam_line, d.width), d.section("clin_history", [history], prose=True),
                  d.section("comparison", [comparison], prose=True), d.section("technique", [e.technique],
                                                                               prose=True)]
        if rng.random() < 0.5:
            blocks[2:4] = blocks[3:1:-1]  # technique before comparison in some templates
        blocks.append(d.section("img_findings", findings))
        blocks.append(d.section("impression", entries=impression,
                                prose=False) if len(impression) > 1 or rng.random() < 0.5
                      else d.section("impression", impression, prose=True))
        return blocks

    main: list[Block] = []
    header: Block = [[f"{rng.choice(['Accession #', 'Accession', 'Acc #', 'Exam #'])}{d.sep}"
                      f"{rng.choice(['', 'CT', 'RAD', 'IMG'])}{rng.randrange(10**7, 10**9)}"]]
    if rng.random() < 0.6:
        label = rng.choice(["Ordering Physician", "Ordered by", "Referring Provider"])
        header.append([f"{label}{d.sep}{d.vars['other']}"])
    main.append(header)
    main += report(exam, True)
    closing: list[Block] = []
    if rng.random() < 0.5:
        closing.append(_Optional(d.para(" ".join(d.pick(P["generic"], rng.randint(1, 2))))))
    others = [e for e in exams if e is not exam] or exams
    state = {"n": 0}

    def extra() -> Block:
        # A long imaging fax is several studies reported together, or an addendum.
        state["n"] += 1
        if state["n"] % 3 == 0:
            return d.section("path_comment", d.pick(P["generic"], 2))
        out: Block = []
        for block in report(rng.choice(others), False):
            out += block + [[""]]
        return out[:-1]
    if d.sign_style in ("line", "plain"):
        d.sign_style = "esign"
    return _Body(main, closing, extra)


def _lab_value(rng: random.Random, low: float, high: float, decimals: int) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.12 and low > 0:
        value, flag = rng.uniform(low * 0.6, low * 0.97), "L"
    elif roll < 0.28:
        value, flag = rng.uniform(high * 1.03, high * 1.8 + 1), "H"
    else:
        value, flag = rng.uniform(low, high), ""
    return f"{value:.{decimals}f}", flag


def _lab_table(d: _Doc, panel: str, style: int) -> Block:
    rng = d.rng
    rows = []
    if panel == "URINALYSIS":
        for name, values, ref in URINALYSIS:
            val = rng.choice(values)
            flag = "A" if val not in (ref, "Negative", "Clear", "Yellow", "None seen",
                                      "0-2") and not ref[0].isdigit() else ""
            rows.append((name, val, flag, "", ref))
    else:
        analytes = LAB_PANELS[panel]
        if d.p is not None and panel == "BASIC METABOLIC PANEL" and d.years < 18:
            analytes = [a for a in analytes if a[0] != "eGFR"]
        for name, unit, low, high, decimals in analytes:
            val, flag = _lab_value(rng, low, high, decimals)
            if low == 0:
                ref = f"<{high + (1 if decimals == 0 else 0):g}"
            else:
                ref = f"{low:.{decimals}f}-{high:.{decimals}f}"
            rows.append((name, val, flag, unit, ref))
    out: Block = [[panel if rng.random() < 0.6 else panel.title()]]
    if style == 0:
        widths = [26, 10, 6, 16]
        out.append(_row([["TEST"], ["RESULT"], ["FLAG"], ["UNITS"], ["REFERENCE RANGE"]], widths))
        out += [_row([[n], [v], [f], [u], [r]], widths) for n, v, f, u, r in rows]
    elif style == 1:
        widths = [26, 12, 18]
        out.append(_row([["Component"], ["Value"], ["Ref Range"], ["Units"]], widths))
        out += [_row([[n], [v + (f" {f}" if f else "")], [r], [u]], widths) for n, v, f, u, r in rows]
    elif style == 2:
        out += [[f"  {n} {'.' * max(30 - len(n), 2)} {v} {u}".rstrip() + f"  ({r}){'  ' + f if f else ''}"]
                for n, v, f, u, r in rows]
    else:
        widths = [24, 12, 14]
        out += [_row([[n.upper()], [v + ("*" if f else "")], [u or "-"], [f"[{r}]"]], widths) for n, v, f, u,
                r in rows]
    return out


def _laboratory(d: _Doc) -> _Body:
    rng, P = d.rng, PHRASES["laboratory_report"]
    d.show["provider_top"] = True
    d.show["service"] = d.show["service"] or rng.random() < 0.6
    received = datetime.combine(d.service_date, datetime.min.time()) + timedelta(hours=rng.randint(7, 20),
                                                                                 minutes=rng.randrange(60))
    info: list[list[Part]] = [
        [f"{rng.choice(['Accession', 'Accession #', 'Lab #', 'Specimen ID'])}{d.sep}{rng.randrange(10, 99)}-"
         f"{rng.randrange(100, 999)}-{rng.randrange(10000, 99999)}"],
        [f"{rng.choice(['Specimen', 'Specimen Type', 'Source'])}{d.sep}"
         f"{rng.choice(['Blood, venous', 'Serum', 'Whole blood (EDTA)', 'Plasma', 'Urine, clean catch'])}"],
        [f"Received{d.sep}{format_date(received.date(), d.date_style)} {received:%H:%M}"],
        [f"Status{d.sep}{rng.choice(['FINAL', 'Final', 'FINAL REPORT', 'Complete'])}"],
    ]
    if rng.random() < 0.5:
        info.append([f"Fasting{d.sep}{d.vars['fasting']}"])
    main: list[Block] = [_join(info, d.width, "    ") if rng.random() < 0.5 else info]
    style = rng.randrange(4)
    panels = [p for p in list(LAB_PANELS) + ["URINALYSIS"]]
    rng.shuffle(panels)
    count = rng.randint(1, 3)
    for i, panel in enumerate(panels[:count]):
        table = _lab_table(d, panel, style)
        main.append(_Optional(table) if i else table)
    closing = [d.section("path_comment", d.pick(P["notes"], rng.randint(1, 3)))]
    tail = rng.choice([["*** END OF REPORT ***"], ["-- End of report --"],
                       [f"Verified by: {rng.choice('ABCDEFGHJKLMNPRSTW')}{rng.choice('ABCDEFGHJKLMNPRSTW')}, "
                        "MLS(ASCP)"],
                       [f"CLIA #{rng.randrange(10, 99)}D{rng.randrange(10**6, 10**7)}"]])
    state = {"i": count}

    def extra() -> Block:
        panel = panels[state["i"] % len(panels)]
        state["i"] += 1
        return _lab_table(d, panel, style)
    return _Body(main, closing, extra, sign=[tail])


def _pathology(d: _Doc) -> _Body:
    rng, P = d.rng, PHRASES["pathology_report"]
    options = [s for s in SPECIMENS if d.fits(s.sex, s.min_age)]
    first = rng.choice(options)
    fmt = {"side": d.side}
    labels = [first.label.format(**fmt)]
    # A case with several parts is several biopsies of one kind: skin sites, or polyps along the colon.
    if first.label in MORE_SITES and rng.random() < 0.45:
        labels += rng.sample(MORE_SITES[first.label], rng.randint(1, 2))
    parts = [first] * len(labels)
    letters = "ABC"
    case = f"{rng.choice(['S', 'SP', 'C', 'PS'])}{d.doc_date.year % 100}-{rng.randrange(1000, 99999)}"
    case_label = rng.choice(["Case #", "Accession #", "Surgical Pathology #", "Case No."])
    info: list[list[Part]] = [[case_label + d.sep + case]]
    if d.show["service"]:
        info.append([rng.choice(SERVICE_LABELS["pathology_report"]) + d.sep, d.service_field()])
        d.show["service"] = False
    received = d.service_date + timedelta(days=rng.randint(0, 1))
    info.append([f"Date Received{d.sep}{format_date(received, d.date_style)}"])
    if d.show["date_top"]:
        info.append([rng.choice(DOCDATE_LABELS["pathology_report"]) + d.sep, d.docdate_field()])
        d.show["date_top"] = False
    info.append([rng.choice(["Submitting Physician", "Requesting Physician", "Clinician"]) + d.sep + d.vars["other"]])
    main: list[Block] = [_join(info, d.width, "    ") if rng.random() < 0.5 else info,
                         d.section("path_history", [rng.choice([f"{_cap(parts[0].procedure)}.", "Not provided.",
                                                                "Rule out malignancy.",
                                                                f"{_cap(parts[0].procedure)}; please evaluate."])],
                                   prose=True)]
    labelled = [(letters[i], s, label) for i, (s, label) in enumerate(zip(parts, labels))]
    def lettered(texts: list[str]) -> Block:
        # Specimen parts are lettered A, B, C; a hanging indent keeps each part's text together.
        return [line for text in texts for line in wrap([text], d.width, "", "   ")]

    main.append(d.section("specimen_received", rows=lettered([f"{x}. {label}" for x, _, label in labelled])))
    diagnosis = d.section("final_dx", rows=lettered([f"{x}. {label.upper()}: {rng.choice(s.diagnoses)}"
                                                     for x, s, label in labelled]))
    if rng.random() < 0.5:
        main.append(diagnosis)  # many labs print the diagnosis first
        diagnosis = []
    gross = d.section("gross", rows=lettered([f"{x}. The specimen is labeled \"{label}\". {s.gross}"
                                              for x, s, label in labelled]))
    micro = d.section("micro", rows=lettered([f"{x}. {s.micro}" for x, s,
                                              _ in labelled])) if rng.random() < 0.7 else []
    main += [gross, _Optional(micro) if micro else []]
    closing = [diagnosis] if diagnosis else []
    if rng.random() < 0.6:
        closing.append(d.section("path_comment", d.pick(P["generic"], rng.randint(1, 3))))
    synoptic = ["Procedure: excision", f"Tumor size: {rng.uniform(0.4, 3.2):.1f} cm",
                f"Histologic grade: {rng.choice(['1', '2', '3'])}", "Lymphovascular invasion: not identified",
                "Perineural invasion: not identified", f"Margins: negative; closest {rng.randint(1, 9)} mm",
                "pT category: pT1c", "Regional lymph nodes: not sampled"]
    state = {"n": 0}

    def extra() -> Block:
        state["n"] += 1
        if state["n"] == 1:
            return d.section("path_comment", d.pick(P["generic"], 3))
        if state["n"] == 2:
            return [["SYNOPTIC SUMMARY" if rng.random() < 0.5 else "Cancer Case Summary"]] + d.items(synoptic)
        return d.section("path_comment", d.pick(P["generic"], 2))
    if d.sign_style in ("dictated",):
        d.sign_style = "esign"
    return _Body(main, closing, extra)


MED_LIST_HEADER = [
    (["List type", "Type of list", "Document"], ["Home medications", "Outpatient medication list",
                                                 "Admission medication reconciliation", "Discharge reconciliation",
                                                 "Medication review at visit", "Pharmacy profile"]),
    (["Source", "Information source", "Obtained from"], ["Patient interview", "Pharmacy fill history",
                                                        "Patient and caregiver", "Outside records and pill bottles",
                                                        "Electronic prescribing history"]),
    (["Reviewed with", "Reconciled with"], ["Patient", "Patient and family member", "Caregiver", "Patient (by phone)"]),
    (["Preferred pharmacy", "Pharmacy"], ["{pharmacy}"]),
]
MED_ACTIONS = ["Continue", "Continue", "Continue", "Hold", "Stop", "Changed", "New", "Resume at discharge"]


def _medication_list(d: _Doc) -> _Body:
    rng, P, v = d.rng, PHRASES["medication_list"], d.vars
    options = [m for m in MEDICATIONS if (m.peds or d.years >= 18) and d.fits(m.sex)]
    chosen = d.pick(options, rng.randint(4, 10))
    style = rng.randrange(6)
    if style == 5 and (d.title is None or rng.random() < 0.6):
        d.title = rng.choice(["Medication Reconciliation", "Admission Medication Reconciliation",
                              "Medication Reconciliation Form", "Home Medication Reconciliation"])
    main: list[Block] = []
    if rng.random() < 0.45:
        main.append(_header_lines(d, MED_LIST_HEADER, (1, 3)))
    allergies = d.allergy_text()
    if rng.random() < 0.7:
        main.append([[d.word("allergies") + d.sep + allergies]])
    elif rng.random() < 0.8:
        main.append(d.allergy_block())
    # Many lists carry the problem list too; a list with diagnoses is still a medication list.
    if rng.random() < 0.4:
        problems = [_cap(x) for x in d.pick(d.pmh_pool(), rng.randint(2, 5))]
        if rng.random() < 0.5:
            problems.insert(0, f"{v['Dx']} ({v['icd']})")
        main.append(_Optional(d.section(rng.choice(["problems", "pmh"]), entries=problems)))
    prescriber = v["other"]

    def med_rows(meds: list[_Med]) -> Block:
        if style == 0:
            widths = [38, 20]
            rows = [_row([["Medication"], ["Directions"], ["Start"]], widths)]
            for m in meds:
                start = d.service_date - timedelta(days=rng.randint(30, 2000))
                rows.append(_row([[f"{m.name} {rng.choice(m.strengths)}"], [m.short], [format_date(start, "mdy")]],
                                 widths))
            return rows
        if style == 1:
            strengths = [rng.choice(m.strengths) for m in meds]
            return d.items([[f"{m.name.upper()} {x} {_med_form(m, x)}"] for m, x in zip(meds, strengths)],
                           numbered=True)
        if style == 2:
            out: Block = []
            for m in meds:
                strength = rng.choice(m.strengths)
                out.append([f"{_cap(m.name)} {strength} {_med_form(m, strength)}"])
                out.append([f"    Sig: {m.sig}. Qty: {rng.choice([30, 60, 90, 1, 3])}  Refills: {rng.randint(0, 5)}"])
                if rng.random() < 0.4:
                    out.append([f"    Prescriber: {prescriber}"])
            return out
        if style == 4:  # a pharmacy's dispensing profile
            out = []
            for m in meds:
                strength = rng.choice(m.strengths)
                filled = d.service_date - timedelta(days=rng.randint(1, 80))
                out.append([f"Rx #{rng.randrange(1_000_000, 9_999_999)}  {m.name} {strength}  "
                            f"Qty {rng.choice([30, 60, 90])}  Refills left {rng.randint(0, 5)}"])
                out.append([f"    {m.sig}. Last filled {format_date(filled, d.date_style)}. "
                            f"Prescriber: {rng.choice([prescriber, 'Dr. ' + d.author.family])}"])
            return out
        if style == 5:  # reconciliation: what happens to each home medication
            widths = [44, 12]
            rows = [_row([["Home medication"], ["Action"], ["Comment"]], widths)]
            for m in meds:
                action = rng.choice(MED_ACTIONS)
                note = {"Hold": "while NPO", "Stop": "duplicate therapy", "Changed": "dose adjusted",
                        "New": "started this visit"}.get(action, "")
                rows.append(_row([[f"{m.name} {rng.choice(m.strengths)} {m.short}"], [action], [note]], widths))
            return rows
        return d.items([[f"{m.name} {rng.choice(m.strengths)} - {m.sig.lower()}"] for m in meds])

    main.append(d.section("recon" if style == 5 else "rx", rows=med_rows(chosen)))
    if rng.random() < 0.6:
        otc = d.pick(["Multivitamin 1 tablet daily", "Fish oil 1000 mg daily", "Acetaminophen 500 mg as needed",
                      "Melatonin 3 mg at bedtime", "Calcium carbonate 600 mg with vitamin D twice daily",
                      "Loratadine 10 mg daily as needed", "Turmeric supplement"], rng.randint(1, 3))
        main.append(_Optional(d.section("otc", entries=otc)))
    if rng.random() < 0.5:
        stopped = [[f"{m.name} {rng.choice(m.strengths)} - stopped "
                    f"{rng.choice(['(side effects)', '(completed course)', '(replaced)', ''])}".rstrip()]
                   for m in d.pick(options, rng.randint(1, 3))]
        main.append(_Optional(d.section("stopped", entries=stopped)))
    if rng.random() < 0.3:
        phone = format_phone(_phone_number(rng), rng.choice(PHONE_STYLES))
        main.append(_Optional(d.section("pharmacy", rows=[[v["pharmacy"]], [f"Phone {phone}"]])))
    main.append(_Optional(d.para(" ".join(d.pick(P["notes"], rng.randint(2, 4))))))
    reviewed: list[Part] = [rng.choice(["Reviewed by", "Reconciled by", "Provider", "Prescriber"]) + d.sep,
                            *d.provider()]
    sign: Block = [reviewed]
    if d.show["date_sign"]:
        sign[0] = reviewed + ["    " + rng.choice(["Date", "on", "Reviewed"]) + d.sep, d.docdate_field()]
        sign = _fit(sign[0], d.width)
    if d.show["npi"]:
        sign.append(["NPI: ", d.npi_field()])
    counter = {"n": 0}

    def extra() -> Block:
        counter["n"] += 1
        if counter["n"] % 2:
            return d.section("rx", rows=med_rows(d.pick(options, rng.randint(3, 6))))
        shots = d.pick(["Influenza, seasonal", "COVID-19, updated", "Tdap", "Pneumococcal PCV20", "Zoster (RZV) #1",
                        "Hepatitis B series", "MMR #2", "DTaP #4"], 4)
        given = [d.service_date - timedelta(days=rng.randint(20, 900)) for _ in shots]
        return [["Immunizations"]] + d.items([f"{s} - {format_date(g, d.date_style)}" for s, g in zip(shots, given)])
    return _Body(main, [], extra, sign=sign)


CONSENT_KINDS = {
    "procedure": ["Informed Consent for Surgical or Invasive Procedure", "Consent for Procedure",
                  "Surgical Consent", "Authorization for Procedure", "Consent to Operation and Anesthesia",
                  "Informed Consent for Procedure", "Special Procedure Consent", "Consent for Surgery"],
    "anesthesia": ["Consent for Anesthesia Services", "Anesthesia Informed Consent", "Anesthesia Consent Form",
                   "Informed Consent for Anesthesia and Sedation"],
    "transfusion": ["Consent for Blood Transfusion", "Blood Product Transfusion Consent",
                    "Informed Consent: Blood and Blood Products", "Transfusion Consent"],
    "release": ["Authorization for Release of Health Information", "HIPAA Authorization to Disclose PHI",
                "Release of Information Authorization", "Authorization to Use or Disclose Health Information",
                "Authorization to Release Medical Records", "Patient Authorization for Disclosure"],
    "general": ["Consent to Treatment", "General Consent for Care", "Conditions of Treatment",
                "Patient Consent and Acknowledgment", "Consent to Treat and Financial Agreement",
                "Outpatient Consent to Treatment"],
    "minor": ["Consent for Treatment of a Minor", "Parental Consent for Medical Treatment",
              "Authorization to Treat a Minor", "Minor Consent to Treat"],
    "telehealth": ["Informed Consent for Telehealth Services", "Telemedicine Consent", "Consent to Telehealth Visits",
                   "Virtual Visit Consent"],
    "photography": ["Consent for Clinical Photography", "Authorization for Photographs and Video",
                    "Photography and Recording Consent"],
    "research": ["Consent to Participate in a Research Study", "Research Informed Consent Form",
                 "Informed Consent and HIPAA Authorization for Research"],
}
CONSENT_WEIGHTS = {"procedure": 22, "anesthesia": 8, "transfusion": 8, "release": 16, "general": 10, "minor": 10,
                   "telehealth": 10, "photography": 6, "research": 8}
# Statements any consent may add to its own.
CONSENT_COMMON = [
    "I have had the opportunity to ask questions, and all of my questions have been answered.",
    "I understand the risks, benefits and alternatives described above.",
    "I give this consent freely and voluntarily.",
    "I understand that I may withdraw this consent at any time.",
    "By signing below I confirm that I have read, or had read to me, and understand this form.",
    "I may receive a copy of this signed form on request.",
    "I hereby consent to the above and release the providers from liability for outcomes explained to me.",
]
CONSENT_DETAILS = {
    "procedure": [(["Procedure", "Procedure to be performed", "Operation"], ["{consent_proc}"]),
                  (["Site/side", "Laterality"], ["{side}", "Not applicable"]),
                  (["Physician performing procedure", "Surgeon"], ["{@provider}"])],
    "anesthesia": [(["Planned anesthesia", "Type of anesthesia"], ["{anesthesia_plan}"]),
                   (["Procedure", "Scheduled procedure"], ["{consent_proc}"])],
    "release": [(["Release to", "Recipient"], ["{recipient}"]),
                (["Purpose", "Purpose of disclosure"], ["Continuity of care", "Insurance", "Personal use", "Legal",
                                                        "Disability claim"]),
                (["Dates of records", "Date range"], ["All dates", "Past 2 years", "This episode of care only"]),
                (["Information to release", "Records requested"], ["[X] Office notes [X] Labs [ ] Imaging",
                                                                   "Complete medical record", "Discharge summary"])],
    "telehealth": [(["Visit platform", "Method"], ["Secure video", "Video or telephone", "Patient portal video"]),
                   (["Patient location during visit", "Location"], ["Home", "Work", "Other: ________"])],
    "minor": [(["Parent/guardian name", "Name of parent or legal guardian"], ["____________________"]),
              (["Adult authorized to accompany the minor", "Authorized adult"], ["____________________"])],
    "photography": [(["Purpose", "Use of images"], ["[ ] Medical record [ ] Education [ ] Publication",
                                                    "Medical record only", "Education and medical record"])],
    "research": [(["Study title", "Title of study"], ["{study}"]),
                 (["Protocol #", "IRB protocol number", "IRB #"], ["{protocol}"]),
                 (["Principal investigator", "Investigator"], ["{other}"])],
}
RESEARCH_STUDIES = ["A Registry of Outcomes in {Short}", "Comparison of Two Dosing Strategies for {Short}",
                    "Home Monitoring After Treatment of {Short}", "Biomarkers in Patients With {Short}",
                    "A Randomized Trial of Exercise Coaching in {Short}"]


def _consent(d: _Doc) -> _Body:
    rng, P, v = d.rng, PHRASES["consent_form"], d.vars
    kinds = [k for k in CONSENT_KINDS if k != "minor" or d.years < 18]
    kind = rng.choices(kinds, [CONSENT_WEIGHTS[k] for k in kinds])[0]
    d.title_vars = {"consent_title": rng.choice(CONSENT_KINDS[kind])}
    if d.title is None and rng.random() < 0.5:
        d.title = "{consent_title}"  # consents nearly always say what they are
    fmt = {"side": d.side, "Side": d.side.title()}
    ops = [o.name.format(**fmt) for o in OPERATIONS if d.fits(o.sex, o.min_age)]
    procs = [x.name.format(**fmt) for x in PROCEDURES if d.years >= x.min_age]
    v["consent_proc"] = rng.choice(ops + procs).lower()
    v["anesthesia_plan"] = rng.choice(["general anesthesia", "monitored anesthesia care (sedation)",
                                       "spinal anesthesia", "regional nerve block with sedation"])
    v["consent_until"] = format_date(d.doc_date + timedelta(days=rng.choice([90, 180, 365])), d.date_style)
    v["recipient"] = f"{rng.choice(RECIPIENTS)}, {rng.choice(RECEIVING_HOSPITALS)}"
    v["study"] = rng.choice(RESEARCH_STUDIES).format(**v)
    v["protocol"] = f"{rng.choice(['IRB', 'HSR', 'STU'])}-{d.doc_date.year}-{rng.randrange(100, 9999)}"
    d.show["provider_top"] = False
    main: list[Block] = []
    if kind in CONSENT_DETAILS and rng.random() < 0.75:
        main.append(_header_lines(d, CONSENT_DETAILS[kind], (1, 3)))
    pool = P[kind]
    sentences = [pool[0]] + d.pick(pool[1:], rng.randint(min(3, len(pool) - 1), min(7, len(pool) - 1)),
                                   ordered=True)
    sentences += d.pick(CONSENT_COMMON, rng.randint(0, 2))
    numbered = rng.random() < 0.4
    main.append(d.items(sentences, numbered=True) if numbered else
                _stack([d.para(x) for x in sentences]) if rng.random() < 0.5 else d.para(" ".join(sentences)))
    if kind in ("procedure", "transfusion", "anesthesia") and rng.random() < 0.6:
        main.append(_Optional(d.para("Initial each statement: ____ I understand the risks described above. "
                                     "____ I have had the opportunity to ask questions. ____ I agree to proceed.")))
    signature = [P["signature"][0]] + d.pick(P["signature"][1:4] + P["signature"][5:], rng.randint(1, 3))
    if d.years < 18:
        signature.append(P["signature"][4])
    sign: Block = [[line] for line in signature]
    if d.show["date_sign"] or rng.random() < 0.5:
        sign.append([rng.choice(["Date: ", "Date signed: ", "Date "]), d.docdate_field(),
                     rng.choice(["   Time: ________", "  Time: ____ AM/PM", ""])])
    if kind in ("procedure", "transfusion", "anesthesia", "research") or rng.random() < 0.3:
        sign += [[""]] + d.para(rng.choice(P["attestation"]))
        sign.append([rng.choice(["Physician: ", "Provider signature: ", "Physician name/signature: ",
                                 "Person obtaining consent: "]), *d.provider()])
        if d.show["npi"]:
            sign.append(["NPI: ", d.npi_field()])
    elif rng.random() < 0.5:
        sign.append(["Witnessed by staff of ", d.facility_field()])
    risk_lines = ["Specific risks discussed: bleeding, infection, nerve injury, stiffness, need for further surgery.",
                  "Alternatives discussed: observation, medication, physical therapy, injection.",
                  "Anticipated benefits: relief of symptoms and improved function.",
                  "Blood transfusion may be required; see separate transfusion consent.",
                  "I understand that photographs may be taken for my medical record.",
                  "Anesthesia risks, including sore throat, dental injury and rarely death, were explained by the "
                  "anesthesia provider."]
    state = {"n": 0}

    def extra() -> Block:
        state["n"] += 1
        if state["n"] % 2 and kind in ("procedure", "anesthesia", "transfusion"):
            return d.items(d.pick(risk_lines, 3))
        return d.para(" ".join(d.pick(pool[1:] + CONSENT_COMMON, 2)))
    return _Body(main, [], extra, sign=sign)


INSURANCE_SERVICES = [
    ("72148", "MRI lumbar spine without contrast"), ("73721", "MRI knee without contrast"),
    ("E0601", "CPAP device and supplies"), ("97110", "physical therapy, therapeutic exercise (12 visits)"),
    ("29881", "knee arthroscopy with meniscectomy"), ("J0897", "denosumab 60 mg injection"),
    ("95810", "attended polysomnography"), ("70553", "MRI brain with and without contrast"),
    ("43239", "upper endoscopy with biopsy"), ("78452", "myocardial perfusion imaging (SPECT)"),
    ("E0784", "external insulin pump"), ("27447", "total knee arthroplasty"),
    ("93306", "transthoracic echocardiogram"), ("G0283", "electrical stimulation, unattended"),
    ("J1745", "infliximab 10 mg injection"), ("E1390", "oxygen concentrator"), ("45378", "diagnostic colonoscopy"),
    ("99223", "initial inpatient hospital care"), ("71260", "CT chest with contrast"),
]
INSURANCE_TITLES = {
    "approval": ["Prior Authorization Approval", "Notice of Approval", "Authorization Determination - Approved",
                 "Coverage Determination", "Authorization Approval Notice", "Prior Authorization Determination"],
    "denial": ["Notice of Adverse Benefit Determination", "Prior Authorization Denial",
               "Notice of Denial of Coverage", "Coverage Determination", "Adverse Determination Notice",
               "Denial of Prior Authorization Request"],
    "pend": ["Request for Additional Information", "Prior Authorization - Pending Information",
             "Notice of Incomplete Request"],
    "p2p": ["Peer-to-Peer Review Notification", "Opportunity for Peer-to-Peer Discussion",
            "Notice of Peer-to-Peer Availability"],
    "ur": ["Concurrent Review Determination", "Utilization Review Notice", "Continued Stay Review",
           "Level of Care Determination"],
    "eob": ["Explanation of Benefits", "EXPLANATION OF BENEFITS - THIS IS NOT A BILL",
            "Claim Summary / Explanation of Benefits", "Member Explanation of Benefits"],
    "claim": ["Claim Denial Notice", "Remittance Advice - Denied Claim", "Notice of Claim Determination",
              "Provider Claim Notification"],
    "formulary": ["Pharmacy Prior Authorization Determination", "Formulary Exception Decision",
                  "Coverage Determination - Prescription Drug"],
    "lmn": ["Letter of Medical Necessity", "Prior Authorization Request", "Request for Coverage",
            "Statement of Medical Necessity"],
    "appeal": ["Appeal of Denied Prior Authorization", "Request for Reconsideration", "First-Level Appeal",
               "Provider Appeal - Adverse Determination", "Expedited Appeal Request"],
    "pa_request": ["Prior Authorization Request Form", "Precertification Request", "Request for Prior Approval",
                   "Outpatient Authorization Request"],
}
INSURANCE_WEIGHTS = {"approval": 14, "denial": 14, "pend": 6, "p2p": 6, "ur": 8, "eob": 8, "claim": 8,
                     "formulary": 6, "lmn": 12, "appeal": 10, "pa_request": 8}
PAYER_DEPARTMENTS = {
    "default": ["Utilization Management Department", "Prior Authorization Unit", "Medical Management"],
    "ur": ["Utilization Review", "Inpatient Care Management", "Concurrent Review Unit"],
    "eob": ["Member Services", "Claims Department"], "claim": ["Provider Claims", "Claims Department"],
    "formulary": ["Pharmacy Benefit Services", "Pharmacy Prior Authorization"],
}
# How a payer's letter or a provider's request sums up the clinical record behind it.
INSURANCE_CLINICAL = [
    "Member is a {age} {@sexword} with {dx} ({icd}).", "History includes {pmh}.",
    "Current medications include {med} {dose}.", "Records describe {symptom} for {duration}.",
    "Treatment to date: {med}, activity modification and a home exercise program.",
    "The most recent office note documents persistent symptoms despite treatment.",
    "No imaging results were included with the request.", "The member has tried and failed {med}.",
    "Physical examination findings were not documented in the submitted notes.",
    "The treating provider reports functional limitation affecting daily activities.",
]
PLAN_KINDS = ["PPO", "HMO", "EPO", "Medicare Advantage HMO", "Medicaid Managed Care", "POS", "High Deductible PPO"]


def _insurance(d: _Doc) -> _Body:
    rng, P, v = d.rng, PHRASES["insurance_correspondence"], d.vars
    kind = rng.choices(list(INSURANCE_WEIGHTS), list(INSURANCE_WEIGHTS.values()))[0]
    d.title_vars = {"insurance_title": rng.choice(INSURANCE_TITLES[kind])}
    title = d.title_block() if d.title else []
    code, service = rng.choice(INSURANCE_SERVICES)
    if kind == "formulary":
        code, service = "Rx", f"{v['med']} {v['dose']}"
    elif kind == "ur":
        code, service = rng.choice([("99223", "inpatient admission, acute care"), ("0120", "inpatient room and board"),
                                    ("99222", "inpatient hospital stay")])
    v["service"] = f"{service} (CPT/HCPCS {code})" if code != "Rx" else service
    payer = v["payer"]
    member_id = f"{rng.choice(['XK', 'W', 'M', 'BWM', 'PSA', 'GPI', 'TRC'])}{rng.randrange(10**8, 10**10)}"
    member: Block = [[d.label("member") + d.sep, d.name_field()]]
    id_label = rng.choice(["Member ID", "Member ID", "Member ID #", "Subscriber ID", "Member #", "Member ID No.",
                           "Policy #", "Member number"])
    ids = [[f"{id_label}{d.sep}{member_id}"],
           [f"{rng.choice(['Group #', 'Group', 'Group number', 'Plan group'])}{d.sep}{rng.randrange(10000, 999999)}"]]
    if d.show["dob"]:
        ids.insert(0, [d.label("dob") + d.sep, d.dob_field()])
    if rng.random() < 0.4:
        ids.append([f"{rng.choice(['Plan', 'Benefit plan', 'Product'])}{d.sep}{payer} {rng.choice(PLAN_KINDS)}"])
    claim_no = f"{rng.choice(['C', 'CLM', ''])}{rng.randrange(10**9, 10**11)}"
    if kind in ("eob", "claim"):
        ids.append([f"{rng.choice(['Claim #', 'Claim number', 'Claim ID'])}{d.sep}{claim_no}"])
    member += _join(ids, d.width, "    ")
    ref_label = rng.choice(["Reference #", "Authorization #", "Case ID", "Request #", "Case number"])
    request: Block = [[f"{ref_label}{d.sep}{rng.choice(['PA', 'UM', 'A'])}{d.doc_date.year}-"
                       f"{rng.randrange(10**5, 10**7)}"]]
    if kind == "formulary":
        request.append([f"{rng.choice(['Drug requested', 'Medication', 'Requested drug'])}{d.sep}{service}"])
    elif kind not in ("eob", "claim"):
        request.append([f"{rng.choice(['Service requested', 'Requested service', 'Procedure'])}{d.sep}{code} - "
                        f"{service}"])
    if rng.random() < 0.65 or kind in ("lmn", "appeal", "pa_request"):
        request.append([f"{rng.choice(['Diagnosis', 'Diagnosis (ICD-10)', 'ICD-10 code', 'Dx code'])}{d.sep}"
                        f"{v['icd']} - {v['dx']}"])
    if kind not in ("eob", "claim") and (d.show["service"] or rng.random() < 0.5):
        end = d.service_date + timedelta(days=rng.choice([30, 60, 90, 180]))
        request.append([rng.choice(SERVICE_LABELS["insurance_correspondence"]) + d.sep, d.service_field(),
                        f" through {format_date(end, d.date_style)}"])
    clinical = [rng.choice(INSURANCE_CLINICAL[:1])] + d.pick(INSURANCE_CLINICAL[1:], rng.randint(1, 4))

    def clinical_blocks(share: float) -> list[Block]:
        """The clinical history a letter quotes: a summary, sometimes the problem and medication lists."""
        out: list[Block] = [d.section("clin_summary", clinical)]
        if rng.random() < share:
            out.append(_Optional(d.pmh_block()))
        if rng.random() < share:
            out.append(_Optional(d.meds_block()))
        return out

    if kind in ("lmn", "appeal", "pa_request"):
        return _insurance_from_provider(d, kind, title, member, request, clinical_blocks)
    decision = {"approval": "APPROVED", "denial": "DENIED", "pend": "PENDED - information needed",
                "p2p": "Adverse determination - peer-to-peer available", "formulary": rng.choice(["APPROVED",
                                                                                                  "DENIED"]),
                "ur": rng.choice(["Continued stay approved", "Additional days approved through the next review"])
                }.get(kind)
    if decision:
        request.append([f"{rng.choice(['Decision', 'Determination', 'Status'])}{d.sep}{decision}"])
    if kind == "approval":
        request.append([f"Units approved{d.sep}{rng.choice([1, 1, 12, 6, 30])}"])
    if kind == "ur":
        request.append([f"{rng.choice(['Next review date', 'Review due'])}{d.sep}"
                        f"{format_date(d.doc_date + timedelta(days=rng.randint(1, 3)), d.date_style)}"])
    to: Block = [[rng.choice(["To: ", "Provider: ", "Attn: ", "Requesting provider: "]), *d.provider()]]
    if rng.random() < 0.6:
        to.append([d.facility_field()])
    if d.show["fax"]:
        to.append([rng.choice(["Fax: ", "Provider fax: ", "Sent via fax to "]), d.fax_field()])
    if d.show["npi"]:
        to.append(["NPI: ", d.npi_field()])
    if kind == "eob":  # the member's statement: addressed to the member, naming the provider in the claim
        to = [[d.name_field(rng.choice(["gf", "GF"]))], [d.p.street], [f"{d.p.city}, {d.p.state} {d.p.postcode}"]]

    def toll_free() -> str:
        prefix = rng.choice(["800", "866", "877", "888"])
        return f"1-{prefix}-{rng.randrange(200, 999)}-{rng.randrange(1000, 9999)}"
    city, state, _ = rng.choice(CITIES)
    head: Block = [[payer.upper() if rng.random() < 0.5 else payer],
                   [rng.choice(PAYER_DEPARTMENTS.get(kind, PAYER_DEPARTMENTS["default"]))],
                   [f"P.O. Box {rng.randrange(1000, 99999)}, {city}, {state} {rng.randrange(10000, 99999)}"],
                   [f"Phone {toll_free()}   Fax {toll_free()}"]]
    # The payer wrote this letter; only its addressee is the sending practice.
    d.foot_style = rng.choice(["pageno", "none", "confidential"])
    if d.cont_style == "fac_title":
        d.cont_style = "name_mrn"
    dated: Block = [[d.docdate_field()]] if d.show["date_top"] or rng.random() < 0.8 else []
    pre = _stack([head, dated, to, title, member, request])
    generic = {"approval": [0, 1, 2, 11], "denial": [0, 3, 4, 5, 6, 7, 8, 9], "pend": [0, 10, 12, 9],
               "p2p": [3, 5, 6, 9], "ur": [9, 6], "eob": [], "claim": [6, 7], "formulary": [2, 9]}[kind]
    first = [P["payer"][generic[0]]] if kind in ("approval", "denial", "pend") else []
    rest = [P["payer"][i] for i in generic if P["payer"][i] not in first]
    sentences = first + d.pick(P[kind], rng.randint(2, min(4, len(P[kind])))) + d.pick(rest, rng.randint(1, 3))
    main: list[Block] = [d.para(x) for x in sentences] if rng.random() < 0.5 else [d.para(" ".join(sentences))]
    if kind == "eob":
        main.insert(0, _eob_table(d, rng))
    if kind == "claim":
        main.insert(0, _claim_lines(d, rng, code, service))
    quote = {"denial": 0.55, "approval": 0.3, "ur": 0.8, "p2p": 0.5, "pend": 0.2, "formulary": 0.5}.get(kind, 0)
    if rng.random() < quote:
        main[1:1] = clinical_blocks(0.35)
    if kind in ("denial", "claim", "ur", "p2p", "formulary") and rng.random() < 0.6:
        main.append(_Optional(d.para(" ".join(d.pick(P["rights"], rng.randint(1, 3))))))
    reviewer = d.clinician(["MD", "DO"])
    sign: Block = [[rng.choice(["Sincerely,", "Regards,", ""])], [""],
                   [rng.choice(["Utilization Management Department", "Prior Authorization Team", "Clinical Review Unit",
                                "Member Services", "Claims Department",
                                f"{reviewer.given} {reviewer.family}, {reviewer.credential}, Medical Director"])],
                   [payer]]
    state = {"n": 0}
    own = P[kind] + [P["payer"][i] for i in generic]

    def extra() -> Block:
        # A long payer letter goes on with its rights notices and the clinical record it reviewed.
        state["n"] += 1
        if state["n"] % 3 == 1:
            return d.para(" ".join(d.pick(P["rights"], 2)))
        if state["n"] % 3 == 2:
            return d.para(" ".join(d.pick(own, 2)))
        return _interval_results(d)
    return _Body(main, [], extra, pre, sign)


def _eob_table(d: _Doc, rng: random.Random) -> Block:
    widths = [8, 22, 10, 10, 11]
    rows: Block = [_row([["Code"], ["Description"], ["Billed"], ["Allowed"], ["Plan paid"], ["You owe"]], widths)]
    total = 0.0
    for code, text in d.pick(INSURANCE_SERVICES, rng.randint(1, 3)):
        billed = rng.uniform(80, 2400)
        allowed = billed * rng.uniform(0.35, 0.8)
        paid = allowed * rng.choice([0.0, 0.7, 0.8, 0.9, 1.0])
        total += allowed - paid
        rows.append(_row([[code], [text[:20].rstrip(" ,(")], [f"{billed:.2f}"], [f"{allowed:.2f}"], [f"{paid:.2f}"],
                          [f"{allowed - paid:.2f}"]], widths))
    out: Block = [[rng.choice(["Date of service", "Service date", "DOS"]) + d.sep, d.service_field()],
                  [rng.choice(["Provider", "Rendering provider", "Treating provider"]) + d.sep, *d.provider()]]
    out += rows
    out += [[f"Your total responsibility: ${total:.2f}"],
            [f"Deductible met: ${rng.randint(0, 1500)} of ${rng.choice([1500, 2000, 3000])}"],
            [f"Remark: {rng.choice(['PR-1 deductible amount', 'PR-2 coinsurance amount', 'PR-3 copayment amount'])}"]]
    return out


def _claim_lines(d: _Doc, rng: random.Random, code: str, service: str) -> Block:
    return [[rng.choice(["Date of service", "DOS", "Service date"]) + d.sep, d.service_field()],
            [f"{rng.choice(['Procedure code', 'CPT/HCPCS', 'Billed code'])}{d.sep}{code} - {service}"],
            [f"Billed amount{d.sep}${rng.uniform(90, 3200):.2f}"],
            [f"{rng.choice(['Patient account #', 'Patient control #'])}{d.sep}{rng.randrange(10**6, 10**9)}"],
            [f"{rng.choice(['Denial reason', 'Reason code', 'Adjustment reason'])}{d.sep}"
             f"{rng.choice(['CO-197', 'CO-50', 'CO-16', 'CO-96', 'CO-4'])}"]]


def _insurance_from_provider(d: _Doc, kind: str, title: Block, member: Block, request: Block,
                             clinical_blocks: Callable[[float], list[Block]]) -> _Body:
    """A practice's own letter or form to a payer: a letter of medical necessity, an appeal or a
    prior authorization request. It quotes the clinical history, but what it asks for is coverage."""
    rng, P, v = d.rng, PHRASES["insurance_correspondence"], d.vars
    payer = v["payer"]
    to = [[payer], [rng.choice(["Attn: Utilization Management", "Appeals Department", "Appeals and Grievances",
                                "Prior Authorization Department", "Attn: Medical Director", "Pharmacy Appeals",
                                "Attn: Clinical Review"])]]
    sentences = P["provider"][:1] + d.pick(P["provider"][1:6] + P["provider"][7:], rng.randint(2, 4))
    if kind == "appeal":
        sentences.insert(1, P["provider"][6])
    if kind == "pa_request":
        if d.title is None:
            d.title = "{insurance_title}"
        rows: Block = [[f"{rng.choice(['Request type', 'Type of request', 'Review type'])}{d.sep}"
                        + rng.choice(["Prior authorization", "Precertification", "Pre-service review",
                                      "Expedited PA"])]]
        rows += member + request
        rows += [[f"{rng.choice(['Setting', 'Place of service'])}{d.sep}"
                  f"{rng.choice(['Outpatient', 'Office', 'Outpatient hospital', 'Home'])}"],
                 [f"{rng.choice(['Units requested', 'Number of visits'])}{d.sep}{rng.choice([1, 6, 12, 30])}"],
                 [f"{rng.choice(['Requesting provider', 'Ordering provider'])}{d.sep}", *d.provider()]]
        if d.show["npi"]:
            rows.append(["Provider NPI" + d.sep, d.npi_field()])
        main: list[Block] = [rows] + clinical_blocks(0.5)
        main.append(d.para(" ".join(sentences[:2])))
        closing = [[[rng.choice(["I attest that the information provided is accurate and supported by the medical "
                                 "record.", "Attestation: the above is true and documented in the chart."])]],
                   [["Provider signature: ______________________"]]]
        return _Body(main, closing, _provider_letter_extra(d), None,
                     [[rng.choice(["Submitted by: ", "Contact: "]), *d.provider()]])
    pre = d.letter_preamble(to, rng.choice(["To Whom It May Concern:", "Dear Medical Director:", "Dear Reviewer:",
                                            "Dear Appeals Committee:"]), title, member + request)
    main = [d.para(" ".join(sentences[:2]))] + clinical_blocks(0.45) + [d.para(" ".join(sentences[2:]))]
    if rng.random() < 0.4:
        main.append(_Optional(d.allergy_block()))
    return _Body(main, [], _provider_letter_extra(d), pre, _letter_sign(d))


def _provider_letter_extra(d: _Doc) -> Callable[[], Block]:
    """More pages of a letter to a payer: the record it encloses (history sections not yet
    written, dated results), then more of the request."""
    makers = {"pmh": d.pmh_block, "psh": d.psh_block, "meds": d.meds_block, "allergies": d.allergy_block,
              "data": d.data_block}
    order = d.rng.sample(list(makers), len(makers))
    state = {"n": 0}

    def extra() -> Block:
        for key in order:
            if key not in d.used:
                return makers[key]()
        state["n"] += 1
        if state["n"] % 2:
            return _interval_results(d)
        return d.para(" ".join(d.pick(PHRASES["insurance_correspondence"]["provider"][1:], 2)))
    return extra


OTHER_FILLER = [
    "Our financial policy: payment is due at the time of service for copays and deductibles. We will bill your "
    "insurance as a courtesy, but you remain responsible for any balance not paid by your plan.",
    "Laboratory hours: blood draws are available weekday mornings from 7:00 to 11:00 AM. Please fast for 10 hours "
    "before a cholesterol test unless your provider tells you otherwise.",
    "Frequently asked questions. How do I request a refill? Call your pharmacy; they will send us the request "
    "electronically. How long do refills take? Please allow two business days.",
    "Our office hours are Monday through Friday, 8:00 AM to 5:00 PM. For urgent concerns after hours, call the "
    "main number and follow the prompts to reach the on-call provider.",
    "If you have a disability and need an accommodation, or need an interpreter, please let our front desk know "
    "before your visit.",
    "Parking is available in the garage next to the building. Validation is available at the front desk.",
    "You can view test results, request appointments and message your care team through our patient portal.",
    "Please notify us of any change in your address, phone number or insurance so that our records stay current.",
    "Cancellation policy: please give at least 24 hours notice if you cannot keep an appointment so that another "
    "patient may be seen.",
    "Your feedback matters. You may receive a short survey by mail or text message about your recent visit.",
    "Prescription refills are handled during business hours only. Controlled substances require an office visit.",
    "Forms such as disability, FMLA and school physicals are completed within 7 to 10 business days; a fee may "
    "apply.",
    "Copies of medical records may be requested in writing. Records are usually sent within 30 days of a signed "
    "request.",
    "Payment plans are available. Please contact the billing office to discuss options before your balance "
    "becomes past due.",
]
# What a long piece of office mail carries once its paragraphs run out: forms to fill in.
OTHER_FORMS = [
    ["PATIENT INFORMATION UPDATE", "Name: ______________________________  Date of birth: ____________",
     "New address: __________________________________________________",
     "Phone: ____________________  Email: ____________________________",
     "Insurance: ___________________  Member ID: _____________________"],
    ["PATIENT SATISFACTION SURVEY", "1. How easy was it to schedule your visit?  1  2  3  4  5",
     "2. Were you seen within 15 minutes of your appointment time?  Yes / No",
     "3. Did your provider explain things in a way you could understand?  Yes / No",
     "4. Would you recommend our office to family and friends?  Yes / No", "Comments: __________________________"],
    ["PAYMENT OPTIONS", "[ ] Check enclosed (payable to the practice)", "[ ] Visa  [ ] MasterCard  [ ] Discover",
     "Card number: ____________________________  Exp: ______", "Name on card: _____________________________"],
    ["EMERGENCY CONTACT", "Name: ______________________________  Relationship: ______________",
     "Phone: ____________________  Alternate phone: ____________________"],
]
OTHER_KINDS = ["appointment", "statement", "records_request", "notice", "portal", "jury", "excuse", "missed",
               "departure"]


def _other(d: _Doc) -> _Body:
    rng = d.rng
    kind = rng.choice(OTHER_KINDS)
    p = d.p
    weekday_time = f"{rng.choice(['8:15', '9:30', '10:45', '1:00', '2:20', '3:40'])} {rng.choice(['AM', 'PM'])}"
    future = d.doc_date + timedelta(days=rng.randint(5, 60))
    paragraphs = rng.sample(OTHER_FILLER, len(OTHER_FILLER))
    forms = rng.sample(OTHER_FORMS, len(OTHER_FORMS))
    counter = {"n": 0}

    def filler() -> Block:
        counter["n"] += 1
        n = counter["n"] - 1
        if n < len(paragraphs):
            return d.para(paragraphs[n])
        form = forms[(n - len(paragraphs)) % len(forms)]
        return [[form[0]]] + [[line] for line in form[1:]]

    def set_title(options: list[str]) -> Block:
        d.title_vars = {"other_title": rng.choice(options)}
        return d.title_block() if d.title else []

    def address_block() -> Block:
        block: Block = [[d.name_field(rng.choice(["gf", "GF", "gmf"]))]]
        street = [f"{p.street}", f"{p.city}, {p.state} {p.postcode}"]
        if d.show["address"]:
            block.append([d.address_field()])
        else:
            block += [[street[0]], [street[1]]]
        return block

    dated = lambda: [[d.docdate_field()]]  # noqa: E731 - letters always carry their date
    if kind == "appointment":
        title = set_title(["Appointment Reminder", "Upcoming Appointment", "Appointment Confirmation"])
        pre = _stack([d.letterhead(), title, dated(), address_block(), [[f"Dear {p.given} {p.family},"]]])
        lines: Block = [[f"Date{d.sep}{format_date(future, rng.choice(['long', 'mdy', 'abbr']))}"],
                        [f"Time{d.sep}{weekday_time}"], [rng.choice(["Provider", "With", "Clinician"]) + d.sep,
                                                         *d.provider()],
                        [f"Location{d.sep}{d.address[0]}, {d.address[1]}"]]
        main = [d.para("This is a reminder of your upcoming appointment:"), lines,
                d.para("Please arrive 15 minutes early and bring your insurance card, a photo ID and a list of your "
                       "current medications."),
                d.para(f"If you need to cancel or reschedule, please call us at least 24 hours in advance at "
                       f"{format_phone(d.s.phone, d.fac_phone_style)}. A fee may be charged for missed "
                       "appointments.")]
        return _Body(main, [], filler, pre, [["We look forward to seeing you."], [""], [d.facility_field()]])
    if kind == "statement":
        title = set_title(["Patient Statement", "Billing Statement", "Statement of Account", "Account Summary"])
        account = f"{rng.randrange(10**6, 10**9)}"
        pre = _stack([d.letterhead(), title,
                      [[rng.choice(["Statement Date", "Statement date", "Date"]) + d.sep, d.docdate_field()],
                       [f"Account #{d.sep}{account}"],
                       [rng.choice(["Guarantor", "Patient", "Responsible Party"]) + d.sep, d.name_field()]]
                      + ([[d.label("address") + d.sep, d.address_field()]] if d.show["address"] else [])])
        charges = [("99214", "Office visit, established, moderate", 185.00), ("36415", "Venipuncture", 18.00),
                   ("80053", "Comprehensive metabolic panel", 42.50), ("85025", "CBC with differential", 31.00),
                   ("93000", "Electrocardiogram with interpretation", 64.00), ("99203", "Office visit, new patient",
                                                                               210.00),
                   ("J1100", "Dexamethasone injection", 12.75), ("20610", "Joint injection, major joint", 156.00)]
        rows: Block = [_row([["Date of Service"], ["Code"], ["Description"], ["Amount"]], [18, 8, 40])]
        total = 0.0
        for code, text, amount in d.pick(charges, rng.randint(2, 5)):
            rows.append(_row([[d.service_field()], [code], [text], [f"{amount:8.2f}"]], [18, 8, 40]))
            total += amount
        paid = round(total * rng.uniform(0.3, 0.9), 2)
        main = [rows, [[f"Insurance payments/adjustments: -{paid:.2f}"], [f"AMOUNT DUE: ${total - paid:.2f}"],
                       [f"Please pay by {format_date(future, d.date_style)}"]],
                d.para(f"Your insurance ({d.vars['payer']}) was billed for these services. The balance shown is your "
                       "responsibility. Questions about this statement? Call our billing office at "
                       f"{format_phone(d.s.phone, d.fac_phone_style)}."),
                [["- - - - - - - - - - - Detach and return with your payment - - - - - - - - - - -"],
                 [f"Account #{account}     Amount enclosed: $__________"]]]
        return _Body(main, [], filler, pre, [["Thank you for choosing"], [d.facility_field()]])
    if kind == "records_request":
        title = set_title(["Request for Medical Records", "Records Request", "Request for Patient Information"])
        to = [[rng.choice(["Health Information Management", "Medical Records Department", "Release of Information"])],
              [rng.choice(RECEIVING_HOSPITALS)]]
        pre = d.letter_preamble(to, rng.choice(["To Whom It May Concern:", "Dear Records Custodian:"]), title)
        wanted = rng.choice(["office notes, discharge summaries and imaging reports",
                             "all records from the past two years", "laboratory results and operative reports"])
        body = [d.para("We are requesting copies of the following records for the patient named above for "
                       f"continuity of care: {wanted}."),
                d.para("The patient's written request is on file with our office."),
                d.para(["Please fax the records to ", d.fax_field(), " or mail them to the address above."]),
                d.para("Thank you for your prompt attention to this request.")]
        clerk = d.clinician(["CHDA", "RHIT", ""])
        return _Body(body, [], filler, pre,
                     [["Sincerely,"], [""], [f"{clerk.given} {clerk.family}"], ["Medical Records Specialist"],
                      [d.facility_field()]])
    if kind in ("notice", "departure"):
        d.p = None
        leaving = d.clinician(["MD", "DO", "NP"])
        if kind == "notice":
            when = format_date(future, rng.choice(["long", "abbr", "mdy"]))
            topics = [
                [f"Please note that our office will be closed on {when} for staff training.",
                 "Patients needing urgent care should call the main number to reach the on-call provider.",
                 "Results and referrals received that day will be processed on the next business day."],
                [f"Effective {when}, our practice is moving to a new location.",
                 "Our phone number will not change.", "Parking is available in the new building's garage.",
                 "Please send mail and records to the new address shown above after that date."],
                ["Our fax number has changed. Please update your records and send all referrals and results to "
                 "the number below.",
                 "Faxes sent to the old number will not be received after the end of this month.",
                 "Thank you for helping us keep patient information secure."],
                ["Our electronic health record will be unavailable overnight for an upgrade.",
                 "Results faxed during this time will be entered the following morning.",
                 "Critical results should be called to the on-call provider."],
                ["Flu vaccine clinics are now open on Saturdays from 9 AM to noon.", "No appointment is necessary.",
                 "Please bring your insurance card; most plans cover the vaccine at no cost."],
            ]
            titles = [["Office Closure", "Important Notice"], ["Office Relocation", "We Are Moving"],
                      ["Notice of New Fax Number", "Fax Number Change"], ["Scheduled System Downtime",
                                                                          "Important Notice"],
                      ["Flu Vaccine Clinic", "Community Notice"]]
            topic = rng.randrange(len(topics))
            sentences = topics[topic]
            title = set_title(titles[topic])
        else:
            title = set_title(["Provider Departure Notice", "Important Practice Update", "Change in Provider"])
            sentences = [f"We wish to inform you that Dr. {leaving.given} {leaving.family} will be leaving our "
                         "practice effective "
                         f"{format_date(future, 'long')}.",
                         "Patients may continue their care with another provider in our group, and records will "
                         "remain on file with our office.",
                         "Requests for copies of records may be made by calling our office or through the patient "
                         "portal."]
        pre = _stack([d.letterhead(), title, dated(), [[rng.choice(["Dear Colleagues,", "To our referring providers:",
                                                                    "Dear Patient,",
                                                                    "To all patients and partners:"])]]])
        main = [d.para(s) for s in sentences]
        if d.show["fax"]:
            main.append([("New fax" if "fax number has changed" in sentences[0] else "Fax") + d.sep, d.fax_field()])
        return _Body(main, [], filler, pre, [["Sincerely,"], [""], ["Practice Management"], [d.facility_field()]])
    if kind == "portal":
        title = set_title(["Patient Portal Enrollment", "Welcome to Your Patient Portal", "Portal Activation Letter"])
        pre = _stack([d.letterhead(), title, dated(), address_block(), [[f"Dear {p.given},"]]])
        code = "-".join(f"{rng.randrange(36 ** 5):05X}"[:5] for _ in range(3))
        main = [d.para("You can now view your health information online. To activate your account:"),
                d.items(["Go to the portal website listed on our home page.", "Select Sign Up Now.",
                         f"Enter the activation code {code} and your date of birth.",
                         "Create a username and password."], numbered=True),
                d.para(f"This activation code expires on {format_date(future, d.date_style)}. If it expires, call us "
                       "for a new code.")]
        if d.show["dob"]:
            main.insert(0, [[d.label("dob") + " on file" + d.sep, d.dob_field()]])
        return _Body(main, [], filler, pre, [["Sincerely,"], [d.facility_field()]])
    if kind == "jury":
        title = set_title(["Jury Duty Excuse", "Request for Excusal from Jury Service", "Medical Excuse - Jury Duty"])
        pre = _stack([d.letterhead(), title, dated(), [["Clerk of Court, Jury Services"],
                                                       ["To Whom It May Concern:"]]])
        sentences = [["Please accept this letter on behalf of my patient, ", d.name_field("gf"),
                      *((", date of birth ", d.dob_field()) if d.show["dob"] else ()), "."],
                     [f"Because of an ongoing medical condition, {d.vars['he']} is unable to serve on a jury at "
                      "this time."],
                     [f"I recommend that {d.vars['he']} be excused from jury service for the next "
                      f"{rng.choice(['six months', '12 months', 'three months'])}."],
                     ["Please contact my office if further information is required."]]
        main = [d.para(s) for s in sentences]
        return _Body(main, [], filler, pre, _letter_sign(d))
    if kind == "excuse":
        title = set_title(["Work/School Excuse", "Return to Work Note", "School Excuse", "Work Status Note"])
        back = d.service_date + timedelta(days=rng.randint(1, 7))
        pre = _stack([d.letterhead(), title, dated(), [["To Whom It May Concern:"]]])
        main = [d.para([d.name_field("gf"), " was seen in our office on ", d.service_field(), "."]),
                d.para(f"Please excuse {d.vars['him']} from {'school' if d.years < 18 else 'work'} through "
                       f"{format_date(back, d.date_style)}."),
                d.para(rng.choice(["May return without restrictions.",
                                   "May return with light duty: no lifting over 10 lb.",
                                   "May participate in physical education as tolerated."]))]
        return _Body(main, [], filler, pre, _letter_sign(d, facility=False))
    title = set_title(["Missed Appointment Notice", "Notice of Missed Appointment", "We Missed You"])
    missed = d.doc_date - timedelta(days=rng.randint(1, 14))
    pre = _stack([d.letterhead(), title, dated(), address_block(), [[f"Dear {p.given} {p.family}:"]]])
    main = [d.para(f"Our records show that you missed your appointment on {format_date(missed, d.date_style)}."),
            d.para("Regular follow-up is important for your health. Please call our office to reschedule."),
            d.para("Per our policy, three missed appointments in 12 months may result in discharge from the "
                   "practice.")]
    return _Body(main, [], filler, pre, [["Sincerely,"], [""], [d.facility_field()]])


_BUILDERS: dict[str, Callable[[_Doc], _Body]] = {
    "referral_note": _referral, "consult_note": _consult, "history_and_physical": _hp,
    "progress_note": _progress, "discharge_summary": _discharge, "operative_note": _operative,
    "procedure_note": _procedure, "emergency_department_note": _emergency, "imaging_report": _imaging,
    "laboratory_report": _laboratory, "pathology_report": _pathology, "medication_list": _medication_list,
    "consent_form": _consent, "insurance_correspondence": _insurance, "other": _other,
}
TYPE_KEYS = tuple(_BUILDERS) + ("fax_cover_sheet",)


def make_document(rng: random.Random, type_key: str, patient: Person | None = None,
                  sender: Sender | None = None) -> LabelledDocument:
    if type_key not in TYPE_KEYS:
        raise ValueError(f"the training family has no template for type {type_key!r}")
    sender = sender if sender is not None else make_sender(rng)
    if type_key == "fax_cover_sheet":
        page = cover_sheet(rng, sender, rng.randint(2, 14))
        return LabelledDocument(type_key, [page.lines], page.fields, None, sender)
    patient = patient if patient is not None else make_patient(rng)
    doc = _Doc(rng, type_key, patient, sender)
    return doc.assemble(_BUILDERS[type_key](doc))


# --------------------------------------------------------------------------------------------
# Fax furniture
# --------------------------------------------------------------------------------------------


def cover_sheet(rng: random.Random, sender: Sender, total_pages: int) -> PageBuilder:
    page = PageBuilder(1)
    width = rng.randint(64, 86)
    street, city, state, postcode = _facility_address(sender)
    upper = rng.random() < 0.4
    name = sender.facility.upper() if upper else sender.facility
    fax = format_phone(sender.fax, rng.choice(PHONE_STYLES))
    phone = format_phone(sender.phone, rng.choice(PHONE_STYLES))
    sent = ("sender", name, norm_text(name))
    fax_value = ("fax", fax, sender.fax)
    hospital = rng.choice(RECEIVING_HOSPITALS)
    recipient_text = rng.choice([rng.choice(RECIPIENTS), f"{rng.choice(RECIPIENTS)}, {hospital}",
                                 f"Dr. {rng.choice(FEMALE_GIVEN + MALE_GIVEN)} {rng.choice(FAMILY_NAMES)}",
                                 f"Attn: {rng.choice(RECIPIENTS)}"])
    value = recipient_text[6:] if recipient_text.startswith("Attn: ") else recipient_text
    recipient = ("recipient", value, norm_text(value))
    to_prefix = "Attn: " if recipient_text.startswith("Attn: ") else ""
    count = ("page_count", str(total_pages), str(total_pages))
    their_fax = format_phone(_phone_number(rng), rng.choice(PHONE_STYLES))
    when = date(2025, 1, 1) + timedelta(days=rng.randrange(540))
    when_text = format_date(when, rng.choice(DATE_STYLES))
    note = rng.choice(COVER_NOTES)
    notice = wrap([rng.choice(CONFIDENTIALITY)], width)
    layout = rng.randrange(4)
    lines: Block = []
    if layout == 0:
        lines += [_center([sent], width), _center([f"{street}, {city}, {state} {postcode}"], width),
                  _center([f"Phone {phone}   Fax ", fax_value], width), [""],
                  _center([rng.choice(["FAX COVER SHEET", "F A X", "FACSIMILE COVER SHEET", "Fax Transmittal"])],
                          width),
                  [""], [f"Date:      {when_text}"], ["To:        " + to_prefix, recipient],
                  [f"Fax:       {their_fax}"], ["From:      ", ("sender", name, norm_text(name))],
                  [f"Phone:     {phone}"],
                  [rng.choice(["Pages:     ", "Pages (including cover): ", "No. of pages: "]), count,
                   rng.choice(["", " (including cover)", " incl. cover"])],
                  ["Re:        " + rng.choice(["Medical records", "Referral", "Results", "Patient information",
                                                  "Requested documents"])]]
    elif layout == 1:
        col = max(width // 2, 38)
        rule = "-" * width
        lines += [[rng.choice(["FAX", "FAX MESSAGE", "FACSIMILE"])], [rule]]
        pairs = [(["TO: " + to_prefix, recipient], ["FROM: ", sent]),
                 ([f"FAX: {their_fax}"], ["FAX: ", fax_value]),
                 ([f"PHONE: {format_phone(_phone_number(rng), 'dash')}"], [f"PHONE: {phone}"]),
                 ([f"DATE: {when_text}"], ["PAGES: ", count])]
        for left, right in pairs:
            if _plen(left) + 2 < col and col + _plen(right) <= width:
                lines.append(_row([left, right], [col]))
            else:
                lines += [left, right]
        lines += [[rule], ["[ ] Urgent  [X] For Review  [ ] Please Comment  [ ] Please Reply"]]
    elif layout == 2:
        lines += [[sent], [f"{street}"], [f"{city}, {state} {postcode}"], [""],
                  [rng.choice(["FACSIMILE TRANSMITTAL", "Fax Transmittal Form", "FAX"])], [""],
                  ["Attention: ", recipient], [f"Sent: {when_text} {rng.randint(7, 18):02d}:{rng.randrange(60):02d}"],
                  ["Number of pages (including this cover sheet): ", count],
                  ["Sender fax: ", fax_value, f"    Sender phone: {phone}"]]
    else:
        lines += [_center([rng.choice(["** FAX **", "FAX COVER", "TRANSMISSION"])], width), [""],
                  *wrap(["You are receiving ", count, " pages (including this one) from ", sent,
                         ". If any pages are missing or illegible, please call ", phone, " or reply by fax to ",
                         fax_value, "."], width),
                  [""], ["Intended for: ", recipient], [f"Date: {when_text}"]]
    if note:
        lines += [[""], ["Comments: " + note]] if rng.random() < 0.5 else [[""], ["Message:"], [note]]
    lines += [[""], *notice]
    for line in lines:
        for piece in _fit(line):
            page.add(*piece)
    return page


def transmission_header(sent: datetime, sender: Sender, page: int, total: int) -> str:
    """The receiving fax machine's line on top of each page; one format per sender, so every
    page of one fax shares it."""
    name = sender.facility.upper()
    a, b, c = sender.fax[:3], sender.fax[3:6], sender.fax[6:]
    mon = MONTHS[sent.month - 1][:3]
    hour12 = sent.hour % 12 or 12
    ampm = "AM" if sent.hour < 12 else "PM"
    # The fax number always sits between letters or symbols, never next to other digits, so a
    # reader can tell where it starts and ends.
    style = _stable(sender.facility) % 5
    if style == 0:
        line = (f"{sent:%m/%d/%Y} {sent:%H:%M}  FROM: {_cut(name, (28, 24, 20)):<28} FAX {a}-{b}-{c}"
                f"  P.{page:03d}/{total:03d}")
    elif style == 1:
        line = (f"{mon}-{sent.day:02d}-{sent.year} {hour12:02d}:{sent.minute:02d}{ampm}  {_cut(name, (24, 20))}"
                f"  ({a}) {b}-{c}   #{page} of {total}")
    elif style == 2:
        line = f"{sent:%Y-%m-%d %H:%M} Fax:{sender.fax} {sender.facility} Page {page}/{total}"
    elif style == 3:
        line = (f"{['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'][sent.weekday()]} {mon.upper()} {sent.day:02d} "
                f"{sent.year} {sent:%H:%M:%S} FAX# {a}.{b}.{c} TO HIM   PAGE {page} OF {total}")
    else:
        line = f"*{_cut(name, (20,))}* {a}{b}{c}  Sent {sent:%m/%d/%y} at {sent:%H:%M}  pg{page}/{total}"
    return line[:MAX_WIDTH]


def _cut(name: str, widths: tuple[int, ...]) -> str:
    """The name as a fax machine's narrow station-ID field holds it: whole if it fits, else cut
    at the first of `widths` that does not end on a space."""
    for width in widths:
        if len(name) <= width:
            return name
        if name[width - 1] != " ":
            return name[:width]
    return name[:widths[-1]].rstrip()
