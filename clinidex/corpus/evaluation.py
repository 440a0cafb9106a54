"""The evaluation family: faxed outside records as a US hospital records office receives them,
used only to measure the classifier and the metadata extractor.

Written without reference to the training family, so its senders, layouts, phrasings and name
pools are its own; a model that has only learnt the training family's template shows it here.
Every document is still one a records clerk would file under its type without hesitation.

Everything is invented from the `rng` passed in: people, facilities, payers and numbers are
fictional. Field values are recorded where they are written (`PageBuilder`), normalised by the
rules in `clinidex.fields`.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from clinidex.corpus.base import LabelledDocument, PageBuilder, Person, Sender
from clinidex.fields import make_npi, norm_code, norm_name, norm_text

NAME = "evaluation"

# ---------------------------------------------------------------------------------------------
# People

FEMALE_GIVEN = (
    "Aaliyah", "Abigail", "Adaeze", "Aiyana", "Alejandra", "Amara", "Anh", "Annika", "Beatriz",
    "Bernadette", "Brianna", "Carmen", "Chioma", "Colleen", "Dagny", "Daniela", "Delphine",
    "Dolores", "Esperanza", "Fatima", "Fiona", "Gabriela", "Greta", "Guadalupe", "Hana",
    "Harriet", "Hye-Jin", "Imani", "Ingrid", "Jacqueline", "Jasmine", "Kalani", "Keisha",
    "Lakshmi", "Leilani", "Lucia", "Mae", "Mariam", "Marisol", "Mei", "Nadia", "Naomi",
    "Nkechi", "Noor", "Olga", "Opal", "Paloma", "Priya", "Rosalind", "Ruth", "Saoirse",
    "Shanice", "Siobhan", "Tamar", "Thuy", "Valentina", "Wilhelmina", "Winona", "Xiomara",
    "Yesenia", "Yuki", "Zainab", "Zofia",
)
MALE_GIVEN = (
    "Abdullahi", "Ahmed", "Alejandro", "Amos", "Anders", "Arjun", "Bao", "Bartholomew", "Caleb",
    "Chidi", "Clarence", "Cornelius", "Desmond", "Diego", "Dmitri", "Dwayne", "Eamon", "Elijah",
    "Emeka", "Enrique", "Ezra", "Farid", "Gideon", "Giovanni", "Gustavo", "Hamza", "Hiroshi",
    "Ignacio", "Isaiah", "Jamal", "Jaroslav", "Jin-Woo", "Kofi", "Kwame", "Lamar", "Leland",
    "Luis", "Malik", "Mateo", "Minh", "Mustafa", "Nikolai", "Obadiah", "Orlando", "Otis",
    "Pedro", "Quentin", "Rafael", "Rajesh", "Rhett", "Roosevelt", "Santiago", "Sean", "Sione",
    "Tadeo", "Tariq", "Thaddeus", "Tomasz", "Vikram", "Wendell", "Xavier", "Yusuf", "Zeke",
)
FAMILY = (
    "Abernathy", "Achebe", "Adeyemi", "Al-Hashimi", "Alvarado", "Amundsen", "Bautista",
    "Becerra", "Bergstrom", "Blackfeather", "Castellanos", "Chakraborty", "Chowdhury", "Ciccone",
    "Da Silva", "Dabrowski", "D'Amico", "De La Rosa", "Delacroix", "Dimitriou", "Eriksen",
    "Esposito", "Fairweather", "Farouk", "Fitzgerald-Hale", "Gallagher", "Ganesan", "Gutierrez",
    "Haddad", "Halvorsen", "Hernandez-Ortiz", "Hollingsworth", "Ibarra", "Iwasaki", "Jankowski",
    "Jimenez", "Kaczmarek", "Kamau", "Kealoha", "Kowalczyk", "Le Blanc", "Lindqvist", "Lozano",
    "MacAllister", "Mendelsohn", "Morningstar", "Nakamura", "Nguyen", "Nwosu", "O'Donnell",
    "O'Shaughnessy", "Okonkwo", "Olawale", "Pacheco", "Papadakis", "Petrosyan", "Pham",
    "Quintero", "Rahimi", "Ramaswamy", "Rasmussen", "Reyes-Montoya", "Rosenthal", "Saint-Pierre",
    "Sandoval", "Schreiber", "Sepulveda", "Shapiro", "Singh", "Sokolov", "Tanaka", "Thibodeaux",
    "Trujillo", "Tshabalala", "Van der Meer", "Vanderpool", "Vasquez", "Villanueva", "Whitfield",
    "Wojcik", "Xiong", "Yamamoto", "Yazzie", "Zielinski", "Zimmerman", "Baptiste", "Cardenas",
    "Ferreira", "Goldberg", "Holloway", "Kim", "Lopez", "Mbatha", "Novak", "Osei", "Park",
)
# Middle names are a property of the person (derived stably from them), so two documents about
# the same patient agree on the initial.
FEMALE_MIDDLE = ("Ann", "Marie", "Louise", "Elena", "Grace", "Kay", "Rose", "Jean", "Lynn",
                 "Maria", "Joy", "Denise", "Nicole", "Faith", "Ifeoma", "Mai", "Beth", "Renee")
MALE_MIDDLE = ("Lee", "James", "Ray", "Jose", "Wei", "Dean", "Alan", "Thomas", "Paul", "Carlos",
               "Edward", "Amit", "Sung", "Olu", "Henry", "Earl", "Tuan", "Wayne")

# Fictional towns; the state, area codes and ZIP prefixes are real so numbers look plausible.
CITIES = (
    "Marlow Springs", "East Haddon", "Fenwick Falls", "Osprey Bay", "Port Lachlan", "Greyling",
    "Caddo Bend", "Whitlock", "New Tarrant", "Brackenridge Mills", "Sorrel Creek", "Ambler Gap",
    "Kestrel Ridge", "North Ellery", "Pomfret Crossing", "Half Moon Prairie", "Cinder Hill",
    "Lark Harbor", "Dunmore Flats", "Wexcombe", "Oriel", "Saltash Point", "Birchcombe",
    "Quill Lake", "Fallowfield", "Tamsin Heights", "Redfern Station", "Hollis Corner",
    "West Morrow", "Glenrock Park", "Amberly Junction", "Sable River", "Coppersmith",
    "Verity", "Linden Ferry", "Ashby Hollow", "Mistletoe Bend", "Olney Forge",
)
STATES = (  # state, area codes, ZIP range
    ("OH", ("614", "216", "513", "330", "419", "937"), (43001, 45999)),
    ("PA", ("215", "412", "717", "610", "814"), (15001, 19640)),
    ("MI", ("313", "616", "517", "248", "906"), (48001, 49971)),
    ("IL", ("312", "217", "309", "618", "815"), (60001, 62999)),
    ("TX", ("214", "512", "713", "915", "806"), (75001, 79999)),
    ("NC", ("919", "704", "336", "828", "252"), (27006, 28909)),
    ("GA", ("404", "706", "912", "478", "229"), (30002, 31999)),
    ("WA", ("206", "509", "360", "253"), (98001, 99403)),
    ("AZ", ("602", "520", "928", "480"), (85001, 86556)),
    ("MN", ("612", "218", "507", "651"), (55001, 56763)),
    ("NY", ("518", "585", "716", "315", "607"), (12007, 14925)),
    ("TN", ("615", "901", "865", "423"), (37010, 38589)),
    ("CO", ("303", "719", "970"), (80001, 81658)),
    ("OR", ("503", "541"), (97001, 97920)),
    ("WI", ("414", "608", "920", "715"), (53001, 54990)),
    ("MO", ("314", "816", "417", "573"), (63001, 65899)),
    ("KY", ("502", "859", "606", "270"), (40003, 42788)),
    ("VA", ("804", "757", "540", "434"), (22001, 24658)),
)
STREET_NAMES = (
    "Willow Bend", "Larkspur", "Old Mill", "Copper Kettle", "Heron Pond", "Juniper", "Tannery",
    "Saddlebrook", "Quarry", "Bellflower", "Cider Press", "Fox Hollow", "Magnolia", "Beacon",
    "Granary", "Cobblestone", "Sweetgum", "Pheasant Run", "Orchard View", "Lantern", "Ridgeback",
    "Bluebonnet", "Mill Race", "Kingfisher", "Harvest Moon", "Wagon Wheel", "Hawthorn",
    "Teaberry", "Canal", "Ironwood", "Prospect", "Thornapple",
)
STREET_SUFFIXES = ("Rd", "Road", "St", "Street", "Ave", "Avenue", "Ln", "Lane", "Dr", "Drive",
                   "Ct", "Blvd", "Way", "Pkwy", "Cir", "Trail")

# ---------------------------------------------------------------------------------------------
# Senders, recipients, payers

FACILITIES = (  # name, state (drives the area code), town
    ("Cedar Hollow Medical Center", "OH", "Marlow Springs"),
    ("Bramblewood Family Practice", "NC", "Sorrel Creek"),
    ("Stonebridge Regional Hospital", "PA", "East Haddon"),
    ("Larkfield Orthopedic & Spine Associates", "MI", "Fenwick Falls"),
    ("Tamarack Valley Clinic", "MN", "Quill Lake"),
    ("Harrow Creek Community Health Center", "KY", "Cinder Hill"),
    ("Wrenfield Medical Group", "OR", "Lark Harbor"),
    ("Ninebark Children's & Family Clinic", "WI", "Birchcombe"),
    ("Ashgrove Surgical Specialists", "GA", "Caddo Bend"),
    ("Bellhaven Gastroenterology Associates", "TN", "Whitlock"),
    ("Oxbow River Hospital", "MO", "Sable River"),
    ("Halcyon Ridge Internal Medicine", "AZ", "Verity"),
    ("Juniper Bluff Health Center", "CO", "Glenrock Park"),
    ("Gannet Bay Medical Center", "WA", "Osprey Bay"),
    ("Verbena Women's Health", "TX", "New Tarrant"),
    ("Thistledown Family Medicine", "VA", "Linden Ferry"),
    ("Corvid Creek Rehabilitation Hospital", "IL", "Amberly Junction"),
    ("Loblolly Pines Regional Medical Center", "GA", "Hollis Corner"),
    ("Greywater Neurology Clinic", "NY", "North Ellery"),
    ("Ivybridge Pulmonary & Sleep Medicine", "PA", "Pomfret Crossing"),
    ("Cobalt Mesa Medical Plaza", "AZ", "Redfern Station"),
    ("Saltmarsh Community Hospital", "VA", "Saltash Point"),
    ("Windrow Endoscopy & Digestive Health", "OH", "Wexcombe"),
    ("Prairie Lantern Health System", "IL", "Half Moon Prairie"),
    ("Kettlewood Heart & Vascular Institute", "TN", "Ashby Hollow"),
    ("Sorrelwood Urgent & Family Care", "TX", "Dunmore Flats"),
    ("Fallow Deer Medical Associates", "NY", "Oriel"),
    ("Quillhaven Cancer & Blood Center", "WI", "Coppersmith"),
    ("Moraine Lakes Physicians Group", "MN", "Kestrel Ridge"),
    ("Pewter Hill Hospital", "MO", "Olney Forge"),
    ("Blue Heron Bay Health Partners", "WA", "Port Lachlan"),
    ("Driftless Hills Medical Clinic", "WI", "Tamsin Heights"),
)
_FACILITY_INFO = {name: (state, town) for name, state, town in FACILITIES}
SITE_STREETS = ("Foundry Street", "Hospital Drive", "Medical Park Blvd", "Commerce Pkwy",
                "Riverfront Ave", "Depot Street", "Health Campus Way", "Summit Road",
                "Courthouse Square", "Professional Plaza")
SUITES = ("", "", "Suite 100", "Suite 210", "Bldg B", "2nd Floor", "Suite 4C")

# Where the batch is going: receiving hospitals' records offices (fictional).
RECIPIENT_SITES = ("Norhaven General Hospital", "Alder Point Hospital", "Kingsbury Memorial Hospital",
                   "Fairhollow University Hospital", "Redwater Valley Hospital",
                   "Summerlea Medical Center")
RECIPIENT_DEPTS = ("Health Information Management", "HIM", "Medical Records",
                   "Release of Information", "Admissions / Pre-Registration", "Records Dept.")

PAYERS = ("Bluestem Health Plan", "Sagebrush Community Health Plan", "Tallgrass Family Care",
          "Northwind Mutual Health", "Evergale Medicare Advantage", "Harbor Lantern Insurance Co.",
          "Pennyroyal Benefit Administrators")

# ---------------------------------------------------------------------------------------------
# Clinical vocabulary shared across types

PROBLEMS = (
    ("essential hypertension", "I10"), ("type 2 diabetes mellitus", "E11.9"),
    ("mixed hyperlipidemia", "E78.2"), ("chronic kidney disease, stage 3a", "N18.31"),
    ("COPD", "J44.9"), ("mild persistent asthma", "J45.30"), ("hypothyroidism", "E03.9"),
    ("paroxysmal atrial fibrillation", "I48.0"), ("GERD", "K21.9"),
    ("osteoarthritis of both knees", "M17.0"), ("recurrent major depression, in partial remission",
                                                 "F33.41"),
    ("obstructive sleep apnea", "G47.33"), ("iron deficiency anemia", "D50.9"),
    ("migraine without aura", "G43.009"), ("obesity", "E66.9"),
    ("chronic systolic heart failure", "I50.22"), ("generalized anxiety disorder", "F41.1"),
    ("gout", "M10.9"),
)
PEDS_PROBLEMS = (
    ("mild intermittent asthma", "J45.20"), ("allergic rhinitis", "J30.9"),
    ("ADHD, combined type", "F90.2"), ("atopic dermatitis", "L20.9"),
    ("recurrent otitis media", "H66.90"), ("functional constipation", "K59.04"),
)
MEDS = (  # drug and strength, sig (abbreviated the way prescribers write it)
    ("lisinopril 20 mg tab", "1 tab PO daily"), ("amlodipine 5 mg tab", "1 tab PO daily"),
    ("metformin 1000 mg tab", "1 tab PO BID with meals"), ("atorvastatin 40 mg tab", "1 tab PO qHS"),
    ("levothyroxine 75 mcg tab", "1 tab PO qAM on empty stomach"),
    ("apixaban 5 mg tab", "1 tab PO BID"), ("metoprolol succinate ER 50 mg", "1 tab PO daily"),
    ("omeprazole 20 mg cap", "1 cap PO daily before breakfast"), ("sertraline 100 mg tab", "1 tab PO daily"),
    ("albuterol HFA 90 mcg/act", "2 puffs inh q4-6h PRN wheeze"),
    ("fluticasone-salmeterol 250/50 mcg", "1 inh BID, rinse mouth"),
    ("insulin glargine 100 units/mL", "24 units subcut qHS"), ("furosemide 40 mg tab", "1 tab PO daily"),
    ("gabapentin 300 mg cap", "1 cap PO TID"), ("allopurinol 300 mg tab", "1 tab PO daily"),
    ("cholecalciferol 2,000 units", "1 cap PO daily"), ("aspirin 81 mg EC tab", "1 tab PO daily"),
    ("acetaminophen 500 mg tab", "2 tabs PO q6h PRN pain, max 3 g/day"),
    ("empagliflozin 10 mg tab", "1 tab PO daily"), ("montelukast 10 mg tab", "1 tab PO qHS"),
    ("losartan 50 mg tab", "1 tab PO daily"), ("hydrochlorothiazide 25 mg tab", "1 tab PO qAM"),
    ("escitalopram 10 mg tab", "1 tab PO daily"), ("pantoprazole 40 mg tab", "1 tab PO daily"),
    ("tiotropium 18 mcg cap", "inhale contents of 1 cap daily"),
    ("semaglutide 0.5 mg/dose pen", "0.5 mg subcut once weekly"),
    ("carvedilol 12.5 mg tab", "1 tab PO BID with food"), ("spironolactone 25 mg tab", "1 tab PO daily"),
    ("ferrous sulfate 325 mg tab", "1 tab PO every other day"),
    ("tamsulosin 0.4 mg cap", "1 cap PO 30 min after supper"),
)
PEDS_MEDS = (
    ("albuterol HFA 90 mcg/act", "2 puffs inh with spacer q4h PRN"),
    ("fluticasone 50 mcg nasal spray", "1 spray each nostril daily"),
    ("cetirizine 5 mg/5 mL soln", "5 mL PO daily"), ("methylphenidate ER 18 mg tab", "1 tab PO qAM"),
    ("amoxicillin 400 mg/5 mL susp", "weight-based dose PO BID x 10 days"),
    ("polyethylene glycol 3350", "8.5 g in 4 oz fluid PO daily"),
    ("hydrocortisone 2.5% cream", "apply thin layer BID to affected areas"),
    ("ibuprofen 100 mg/5 mL susp", "weight-based dose PO q6h PRN fever"),
)
TREATS = {  # problem -> drugs (by leading name) that a list for it would hold
    "essential hypertension": ("lisinopril", "amlodipine", "losartan", "hydrochlorothiazide"),
    "type 2 diabetes mellitus": ("metformin", "empagliflozin", "semaglutide", "insulin glargine"),
    "mixed hyperlipidemia": ("atorvastatin",), "chronic kidney disease, stage 3a": ("losartan",),
    "COPD": ("tiotropium", "albuterol"), "mild persistent asthma": ("fluticasone-salmeterol", "albuterol",
                                                                     "montelukast"),
    "hypothyroidism": ("levothyroxine",), "paroxysmal atrial fibrillation": ("apixaban", "metoprolol"),
    "GERD": ("omeprazole", "pantoprazole"), "osteoarthritis of both knees": ("acetaminophen",),
    "recurrent major depression, in partial remission": ("sertraline", "escitalopram"),
    "iron deficiency anemia": ("ferrous sulfate",), "obesity": ("semaglutide",),
    "chronic systolic heart failure": ("carvedilol", "spironolactone", "furosemide"),
    "generalized anxiety disorder": ("escitalopram",), "gout": ("allopurinol",),
    "mild intermittent asthma": ("albuterol",), "allergic rhinitis": ("fluticasone 50", "cetirizine"),
    "ADHD, combined type": ("methylphenidate",), "atopic dermatitis": ("hydrocortisone",),
    "recurrent otitis media": ("amoxicillin",), "functional constipation": ("polyethylene",),
}
EXTRA_MEDS = ("aspirin", "cholecalciferol", "gabapentin", "tamsulosin", "acetaminophen", "ibuprofen")
SIG_WORDS = {"PO": "by mouth", "BID": "twice a day", "TID": "three times a day",
             "qHS": "at bedtime", "PRN": "as needed", "qAM": "every morning", "inh": "inhaled"}
ALLERGIES = ("NKDA", "No known drug allergies", "Penicillin (hives)", "Sulfa drugs - rash",
             "Codeine - nausea/vomiting", "Latex (contact dermatitis)", "Iodinated contrast - hives",
             "Lisinopril (cough)", "Shellfish - anaphylaxis; carries epinephrine")
SURGICAL_HISTORY = ("Appendectomy (remote)", "Laparoscopic cholecystectomy 2016",
                    "Right knee arthroscopy", "Tonsillectomy as a child", "Cesarean section x2",
                    "Inguinal hernia repair", "Cataract extraction, left eye",
                    "No prior surgeries")
SOCIAL_ADULT = (
    "Never smoker. Drinks 1-2 glasses of wine per week. No illicit drug use.",
    "Former smoker, 20 pack-years, quit 2019. No alcohol. Lives with spouse.",
    "Current smoker, 1/2 ppd; counseled on cessation. Occasional beer. Lives alone.",
    "Denies tobacco, alcohol and drug use. Retired; independent in ADLs.",
    "Vapes nicotine daily. Social alcohol. Works full time. Lives with partner and two children.",
)
SOCIAL_CHILD = (
    "Lives with mother and two siblings. No smoke exposure in the home. In daycare.",
    "Lives with both parents; attends elementary school, doing well academically.",
    "Lives with grandmother, who is legal guardian. Immunizations up to date per registry.",
)
FAMILY_HISTORY = (
    "Mother with type 2 diabetes and hypertension; father died of MI at 61.",
    "Father with colon cancer diagnosed at 58. Sister with hypothyroidism.",
    "Noncontributory.", "No family history of sudden cardiac death, bleeding disorders, or cancer.",
    "Maternal grandmother with breast cancer; brother with asthma.",
)
ROS_LINES = (
    "Constitutional: no fevers, chills, night sweats or weight change.",
    "Eyes: no vision changes.", "ENT: no sore throat or ear pain.",
    "Cardiovascular: no chest pain, palpitations or edema.",
    "Respiratory: no cough, wheeze or shortness of breath.",
    "GI: no nausea, vomiting, diarrhea, melena or hematochezia.",
    "GU: no dysuria, frequency or hematuria.", "Musculoskeletal: no joint swelling.",
    "Skin: no rash.", "Neuro: no focal weakness, numbness or headache.",
    "Psych: no depressed mood or anxiety.", "Heme/Lymph: no easy bruising.",
)
EXAM_LINES = (
    "General: alert, well-appearing, in no acute distress.",
    "HEENT: normocephalic, atraumatic; PERRL; oropharynx clear, moist mucous membranes.",
    "Neck: supple; no JVD; no cervical lymphadenopathy.",
    "CV: regular rate and rhythm; no murmurs, rubs or gallops.",
    "Lungs: clear to auscultation bilaterally; no wheezes, rales or rhonchi.",
    "Abdomen: soft, nontender, nondistended; normoactive bowel sounds; no organomegaly.",
    "Extremities: no clubbing, cyanosis or edema; distal pulses 2+ and symmetric.",
    "Neuro: A&O x3; CN II-XII grossly intact; strength 5/5 and sensation intact throughout.",
    "Skin: warm and dry; no rashes or lesions.", "Psych: normal mood and affect; good insight.",
)
LANGUAGES = ("Spanish", "Vietnamese", "Somali", "Haitian Creole", "Mandarin", "Arabic", "Navajo",
             "Polish", "Tagalog")

# ---------------------------------------------------------------------------------------------
# Type-specific vocabulary. Each entry is a case a real note of that type would be written about.

REFERRALS = (  # specialty, reason, ICD-10, supporting detail
    ("Cardiology", "exertional chest pressure with new T-wave inversions in V4-V6", "R07.89",
     "A stress test has not been done yet; the ECG tracing and lipid panel are enclosed."),
    ("Gastroenterology", "iron deficiency anemia with heme-positive stool", "D50.0",
     "Hemoglobin has drifted from 12.8 to 10.1 g/dL over six months despite oral iron."),
    ("Nephrology", "progressive chronic kidney disease with proteinuria", "N18.32",
     "eGFR has fallen from 52 to 38 mL/min/1.73m2 over the past year; UACR 480 mg/g."),
    ("Endocrinology", "uncontrolled type 2 diabetes despite three oral agents", "E11.65",
     "Most recent A1c was 10.4% on metformin, glipizide and sitagliptin."),
    ("Orthopedic Surgery", "right knee pain with mechanical locking", "M25.561",
     "MRI shows a complex tear of the posterior horn of the medial meniscus."),
    ("Neurology", "two witnessed episodes of loss of consciousness with rhythmic jerking", "R56.9",
     "EEG and MRI brain have been ordered; the patient was advised not to drive."),
    ("Pulmonology", "9 mm solid right upper lobe nodule found incidentally on CT", "R91.1",
     "30 pack-year smoking history, quit in 2019; CT report enclosed."),
    ("Dermatology", "enlarging, irregularly pigmented lesion on the left upper back", "D48.5",
     "The lesion is about 8 mm with asymmetric borders and color variegation."),
    ("Rheumatology", "symmetric small-joint polyarthritis with morning stiffness", "M06.9",
     "RF positive, anti-CCP 96 U/mL, ESR 42 mm/hr; hand films show periarticular osteopenia."),
    ("Hematology/Oncology", "persistent leukocytosis with absolute lymphocytosis", "D72.829",
     "WBC has been 14-17 K/uL on three occasions; the smear showed smudge cells."),
    ("Urology", "painless gross hematuria", "R31.0",
     "Urine culture was negative; CT urogram is scheduled."),
    ("Otolaryngology", "asymmetric sensorineural hearing loss with right-sided tinnitus", "H90.41",
     "Audiogram enclosed; MRI of the internal auditory canals is pending authorization."),
)
PEDS_REFERRALS = (
    ("Pediatric Cardiology", "systolic murmur heard on well-child exam", "R01.1",
     "Grade 2/6 murmur at the left lower sternal border; growth is normal."),
    ("Pediatric Pulmonology", "asthma requiring three oral steroid bursts this year", "J45.41",
     "Adherent to inhaled fluticasone per parent; spirometry enclosed."),
    ("Developmental Pediatrics", "expressive speech delay", "F80.1",
     "About 20 words at 24 months; hearing screen passed."),
    ("Pediatric ENT", "recurrent acute otitis media, five episodes in six months", "H66.93",
     "Failed high-dose amoxicillin twice; tympanograms enclosed."),
)
REFERRAL_LINES = (
    "Please evaluate and treat as you see fit and send your note back to our office.",
    "Pertinent records are enclosed: the last two office notes, recent labs and imaging.",
    "The patient is aware of this referral and agrees to be seen.",
    "{He} would prefer a morning appointment if one is available.",
    "The health plan requires a referral on file; our coordinator will send the number.",
    "Please call me directly if you feel the patient needs to be seen sooner.",
    "Questions for the consultant: is further work-up indicated, and would you co-manage?",
    "No new treatment has been started pending your evaluation.",
    "Thank you for your help in the care of this patient.",
    "Please fax your consultation report to the number above.",
    "An interpreter will be needed for the visit ({lang}).",
    "Transportation may be a barrier; {he} relies on a family member to drive.",
)
URGENCY = ("Routine", "Urgent - please schedule within 1-2 weeks", "Routine (next available)",
           "Expedited", "Semi-urgent (within 30 days)")

CONSULTS = (  # specialty, reason, impression, recommendations
    ("Cardiology", "atrial fibrillation with rapid ventricular response",
     "New-onset atrial fibrillation with RVR, now rate controlled. CHA2DS2-VASc score 4.",
     ("Continue metoprolol; titrate to resting heart rate below 110.",
      "Start apixaban 5 mg twice daily for stroke prevention.",
      "Transthoracic echocardiogram to assess LV function and valves.",
      "Check TSH; ambulatory monitor after discharge.")),
    ("Nephrology", "acute kidney injury",
     "AKI, likely prerenal from poor intake and diuretic use, superimposed on CKD 3a. "
     "Creatinine peaked at 2.6 from a baseline of 1.3.",
     ("Hold furosemide and lisinopril.", "Isotonic fluids at 75 mL/hr; reassess volume status.",
      "Renal ultrasound to exclude obstruction.",
      "Avoid NSAIDs and IV contrast; renally dose medications.", "Daily BMP, strict I/O.")),
    ("Infectious Disease", "MSSA bacteremia",
     "Methicillin-sensitive Staphylococcus aureus bacteremia, likely from a forearm IV site. "
     "Repeat cultures cleared at 48 hours.",
     ("Change vancomycin to cefazolin 2 g IV every 8 hours.",
      "Transesophageal echocardiogram to evaluate for endocarditis.",
      "Minimum 14 days of IV therapy from the first negative culture.",
      "PICC placement once TEE is complete.")),
    ("Endocrinology", "inpatient hyperglycemia",
     "Type 2 diabetes with hyperglycemia, glucose 250-380 on correction insulin alone; A1c 9.8%.",
     ("Start insulin glargine 18 units nightly.",
      "Lispro 5 units with meals plus the moderate correction scale.",
      "Diabetes education before discharge.", "Resume metformin at discharge if creatinine is stable.")),
    ("Gastroenterology", "melena and acute blood loss anemia",
     "Upper GI bleed, most likely peptic ulcer disease with daily NSAID use. "
     "Hemodynamically stable.",
     ("Pantoprazole 40 mg IV twice daily.", "EGD in the morning; NPO after midnight.",
      "Transfuse for hemoglobin below 7 g/dL.", "Stop ibuprofen; test for H. pylori.")),
    ("Neurology", "acute left arm weakness",
     "Small right subcortical infarct on MRI, likely small vessel disease.",
     ("Aspirin 81 mg plus clopidogrel 75 mg for 21 days, then aspirin alone.",
      "High-intensity statin.", "Telemetry for at least 24 hours.",
      "PT, OT and speech-language pathology evaluations.")),
    ("Pulmonary/Critical Care", "hypoxemia with bilateral infiltrates",
     "Multifocal pneumonia with acute hypoxemic respiratory failure; no evidence of PE on CTA.",
     ("Continue ceftriaxone and azithromycin.", "Titrate oxygen to SpO2 92-96%.",
      "Incentive spirometry every hour while awake.",
      "Repeat chest imaging in 6-8 weeks to document resolution.")),
    ("Hematology", "thrombocytopenia",
     "Isolated thrombocytopenia, platelets 38 K/uL; no schistocytes on smear. "
     "Most consistent with immune thrombocytopenia.",
     ("Prednisone 1 mg/kg daily.", "Hold heparin products pending the HIT antibody.",
      "Platelet transfusion only for active bleeding.", "Check HIV, hepatitis C and H. pylori.")),
)
CONSULT_LINES = (
    "The patient was seen and examined; the chart, imaging and laboratory data were reviewed.",
    "Records from the referring office were reviewed in detail.",
    "Discussed with the primary team; the plan was reviewed with the patient, who agrees.",
    "We will continue to follow with you; please page with questions overnight.",
    "Our service will sign off at this time; please re-consult if the picture changes.",
    "Total time on the date of the encounter was 75 minutes, including record review.",
    "Follow up in our clinic in 4 to 6 weeks; the office will call to schedule.",
    "Recommendations were communicated to the requesting physician by secure message.",
    "Medication doses were verified with the unit pharmacist.",
    "Questions were answered and {he} expressed understanding of the plan.",
)

ADMISSIONS = (  # chief complaint, history override, HPI, assessment, plan
    ("Cough, fever and shortness of breath x 4 days", None,
     "presents with 4 days of productive cough, subjective fevers to 102 F and worsening dyspnea "
     "on exertion. {He} denies hemoptysis or leg swelling. Chest x-ray in the ED shows a right "
     "lower lobe consolidation.",
     "Community-acquired pneumonia, right lower lobe; CURB-65 score 2.",
     ("Ceftriaxone 1 g IV daily plus azithromycin 500 mg daily.",
      "Blood and sputum cultures; urine Legionella and pneumococcal antigens.",
      "Supplemental oxygen to keep saturation above 92%.")),
    ("Leg swelling and orthopnea", "chronic systolic heart failure",
     "reports two weeks of progressive bilateral leg swelling, a 9 lb weight gain, three-pillow "
     "orthopnea and paroxysmal nocturnal dyspnea after dietary indiscretion. BNP 1,480 pg/mL.",
     "Acute on chronic systolic heart failure exacerbation.",
     ("Furosemide 40 mg IV twice daily, goal net negative 1-2 L/day.",
      "Daily weights, strict I/O, 2 g sodium diet, 1.5 L fluid restriction.",
      "Continue carvedilol; hold lisinopril until creatinine is rechecked.")),
    ("Red, painful left leg", None,
     "has had 3 days of spreading erythema, warmth and tenderness of the left lower leg after a "
     "scrape while gardening. Temperature 100.9 F at home. No purulent drainage.",
     "Nonpurulent cellulitis of the left lower extremity.",
     ("Cefazolin 2 g IV every 8 hours.", "Mark the borders of erythema; elevate the leg.",
      "Transition to oral cephalexin once afebrile for 24 hours.")),
    ("Nausea, vomiting, abdominal pain", "type 1 diabetes",
     "ran out of insulin 3 days ago and developed polyuria, polydipsia and vomiting. Glucose 486, "
     "bicarbonate 11, anion gap 24, beta-hydroxybutyrate elevated.",
     "Diabetic ketoacidosis, moderate severity.",
     ("Insulin infusion per DKA protocol.", "IV fluids with potassium replacement per protocol.",
      "BMP every 2 hours until the anion gap closes; social work for insulin access.")),
    ("Black stools and lightheadedness", None,
     "reports two days of black, tarry stools and lightheadedness on standing. Takes naproxen "
     "daily for back pain. Hemoglobin 7.8 g/dL, down from 12.9 last year.",
     "Suspected upper GI bleed with acute blood loss anemia.",
     ("Two large-bore IVs; type and screen.", "Pantoprazole 40 mg IV every 12 hours; GI consulted.",
      "Transfuse for hemoglobin below 7; hold naproxen.")),
    ("Fever and right flank pain", None,
     "has had 2 days of dysuria followed by fever to 103 F, rigors and right flank pain. "
     "Urinalysis with large leukocyte esterase and positive nitrite.",
     "Acute pyelonephritis, right; sepsis criteria met on arrival.",
     ("Ceftriaxone 1 g IV daily pending cultures.", "Renal ultrasound to exclude obstruction.",
      "Lactate repeat after fluid resuscitation.")),
    ("Worsening shortness of breath", "COPD",
     "has had 5 days of increased dyspnea, sputum purulence and wheeze after a viral illness. "
     "Using albuterol every 2 hours at home. Saturation 86% on room air at triage.",
     "Acute exacerbation of COPD with hypoxemia.",
     ("Prednisone 40 mg daily x 5 days.", "Scheduled ipratropium-albuterol nebulizers.",
      "Doxycycline 100 mg twice daily; oxygen goal 88-92%.")),
    ("Wheezing and trouble breathing", "mild persistent asthma",
     "developed cough and wheeze 2 days ago with a cold. Needed albuterol every 2-3 hours overnight "
     "and had retractions in the ED despite three back-to-back nebulizers.",
     "Acute asthma exacerbation, moderate to severe.",
     ("Albuterol continuous nebulization, wean as tolerated.", "Dexamethasone 0.6 mg/kg x 2 doses.",
      "Asthma action plan and spacer teaching before discharge.")),
)
HOSPITAL_COURSES = (  # admitting diagnosis, discharge diagnoses, course, discharge changes
    ("Community-acquired pneumonia", ("Community-acquired pneumonia, RLL", "Hypoxemia, resolved"),
     "Admitted with right lower lobe pneumonia and treated with ceftriaxone and azithromycin. "
     "Oxygen was weaned to room air by hospital day 3. Blood cultures showed no growth. "
     "{He} was transitioned to oral amoxicillin-clavulanate to complete a 7-day course.",
     "NEW: amoxicillin-clavulanate 875-125 mg PO BID x 4 more days."),
    ("Acute on chronic systolic heart failure", ("ADHF, HFrEF (EF 30%)", "Hypokalemia"),
     "Diuresed with IV furosemide with net negative 6.2 L; weight down from 94 to 88 kg. "
     "Lisinopril was changed to sacubitril-valsartan after a 36-hour washout. Potassium was "
     "repleted. Ambulated without dyspnea before discharge.",
     "CHANGED: furosemide to 40 mg PO BID. NEW: sacubitril-valsartan 24-26 mg BID. "
     "STOPPED: lisinopril."),
    ("Cellulitis, left lower extremity", ("Nonpurulent cellulitis, LLE",),
     "Treated with IV cefazolin with steady improvement in erythema, which receded from the "
     "marked borders by day 2. Venous duplex was negative for DVT. Afebrile for 36 hours.",
     "NEW: cephalexin 500 mg PO QID x 5 days."),
    ("Diabetic ketoacidosis", ("DKA, resolved", "Type 1 diabetes, uncontrolled"),
     "Managed with insulin infusion and IV fluids in the ICU; anion gap closed within 14 hours. "
     "Transitioned to basal-bolus insulin. Seen by the diabetes educator; social work arranged "
     "a patient assistance program for insulin supplies.",
     "CHANGED: insulin glargine to 22 units nightly; lispro 6 units with meals."),
    ("Upper GI bleed", ("Duodenal ulcer with hemorrhage", "Acute blood loss anemia"),
     "Received 2 units of packed red cells. EGD on hospital day 2 showed a 1 cm clean-based "
     "duodenal bulb ulcer. H. pylori biopsy pending. Hemoglobin stable at 8.6 for 48 hours.",
     "NEW: pantoprazole 40 mg PO BID x 8 weeks. STOPPED: naproxen."),
    ("Acute pyelonephritis", ("Acute pyelonephritis, E. coli", "Sepsis, resolved"),
     "Blood and urine cultures grew pan-sensitive E. coli. Renal ultrasound showed no "
     "hydronephrosis. Fever resolved on day 2 of ceftriaxone and {he} tolerated oral intake.",
     "NEW: ciprofloxacin 500 mg PO BID to complete 7 days total."),
)
DISCHARGE_LINES = (
    "Condition at discharge: stable, improved.",
    "Disposition: home with home health nursing for medication teaching and weights.",
    "Diet: 2 g sodium, carbohydrate consistent.",
    "Activity: as tolerated; no driving while taking opioid pain medication.",
    "Follow up with primary care within 7 days; BMP in 1 week.",
    "Pending at discharge: final blood cultures (no growth to date).",
    "Code status during admission: full code.",
    "Return to the ED for fever over 101 F, chest pain, worsening shortness of breath or confusion.",
    "Time spent on discharge planning and coordination: 38 minutes.",
    "Discharge medications were reconciled with the home list; changes reviewed with the patient.",
    "Copy of this summary sent to the primary care provider on file.",
)

OPERATIONS = (  # procedure, pre-op diagnosis, anesthesia, EBL, specimen, findings, steps
    ("Laparoscopic cholecystectomy", "Symptomatic cholelithiasis", "General endotracheal",
     "10 mL", "Gallbladder to pathology",
     "Distended gallbladder with multiple stones; critical view of safety obtained.",
     ("Pneumoperitoneum to 15 mmHg was established through a periumbilical incision by the Hasson "
      "technique, and three 5 mm ports were placed under direct vision.",
      "The fundus was retracted cephalad and the hepatocystic triangle dissected until the "
      "critical view of safety was achieved.",
      "The cystic duct and artery were each triply clipped and divided.",
      "The gallbladder was taken off the liver bed with electrocautery and removed in a "
      "retrieval bag.",
      "The umbilical fascia was closed with 0 Vicryl; skin with 4-0 Monocryl and skin glue.")),
    ("Right total knee arthroplasty", "Primary osteoarthritis, right knee",
     "Spinal with adductor canal block", "150 mL", "Bone cuts, discarded",
     "Tricompartmental degenerative changes, most severe medially; 8 degree varus deformity.",
     ("A tourniquet was inflated to 250 mmHg and a medial parapatellar arthrotomy was made.",
      "The distal femur was cut with an intramedullary guide and the tibia with an "
      "extramedullary guide, perpendicular to the mechanical axis.",
      "Flexion and extension gaps were balanced and trial components showed full extension and "
      "stable tracking.",
      "Cemented posterior-stabilized components were implanted; tranexamic acid was given.",
      "The arthrotomy was closed in layers with barbed suture and the skin with staples.")),
    ("Open right inguinal hernia repair with mesh", "Right inguinal hernia, reducible",
     "General LMA", "5 mL", "None",
     "Indirect hernia sac along the cord; floor of the canal intact.",
     ("An oblique incision was made over the inguinal canal and the external oblique aponeurosis "
      "opened in the line of its fibers.",
      "The ilioinguinal nerve was identified and protected.",
      "The indirect sac was dissected off the cord, reduced, and high ligation performed.",
      "A polypropylene mesh was secured to the pubic tubercle and shelving edge of the inguinal "
      "ligament (Lichtenstein repair).",
      "The external oblique was closed with 2-0 Vicryl and the skin with 4-0 subcuticular suture.")),
    ("Laparoscopic appendectomy", "Acute appendicitis", "General endotracheal", "Minimal",
     "Appendix to pathology", "Acutely inflamed, nonperforated appendix; no abscess.",
     ("Three ports were placed and the appendix identified at the confluence of the taeniae.",
      "The mesoappendix was divided with a bipolar energy device.",
      "The base was transected with an endoscopic stapler and inspected for hemostasis.",
      "The specimen was removed in a bag through the umbilical port.",
      "Fascia at the umbilicus was closed and the skin approximated with 4-0 Monocryl.")),
    ("Tonsillectomy and adenoidectomy", "Obstructive sleep-disordered breathing, tonsillar "
     "hypertrophy", "General endotracheal", "15 mL", "Tonsils to pathology",
     "3+ tonsils bilaterally; adenoid pad obstructing roughly 70% of the choana.",
     ("A Crowe-Davis mouth gag was placed and suspended.",
      "The tonsils were removed in the subcapsular plane with coblation.",
      "The adenoids were reduced with suction cautery under mirror visualization.",
      "Hemostasis was confirmed; the nasopharynx and oropharynx were irrigated.",
      "The gag was released and reapplied to confirm hemostasis.")),
    ("Open reduction internal fixation, left distal radius fracture",
     "Displaced intra-articular fracture, left distal radius", "General LMA with regional block",
     "20 mL", "None", "Dorsally angulated fracture with articular step-off of about 2 mm.",
     ("A volar approach through the flexor carpi radialis sheath was used.",
      "The pronator quadratus was elevated and the fracture exposed and cleaned.",
      "Reduction was obtained and held with K-wires, confirmed under fluoroscopy.",
      "A volar locking plate was applied with distal locking screws.",
      "The wound was closed and a well-padded volar splint applied.")),
    ("L4-L5 laminectomy and bilateral foraminotomies", "Lumbar spinal stenosis with neurogenic "
     "claudication", "General endotracheal", "75 mL", "Bone and ligamentum flavum",
     "Severe central stenosis at L4-L5 from facet and ligamentum flavum hypertrophy.",
     ("The patient was positioned prone on a Jackson table with all pressure points padded.",
      "Level was confirmed with intraoperative fluoroscopy.",
      "A laminectomy of L4 was performed with a high-speed burr and Kerrison rongeurs.",
      "Bilateral foraminotomies decompressed the L4 and L5 roots, which were free at the end.",
      "The fascia was closed watertight over a subfascial drain.")),
)
OPERATIVE_LINES = (
    "The patient was identified in the preoperative holding area and the site was marked.",
    "General anesthesia was induced without difficulty by the anesthesia team.",
    "The operative site was prepped and draped in the usual sterile fashion.",
    "A time-out confirmed patient, procedure, site and laterality; antibiotics were given "
    "within 60 minutes of incision.",
    "Sponge, needle and instrument counts were correct x 2 at the end of the case.",
    "The patient was extubated in the operating room and taken to PACU in stable condition.",
    "I was present and scrubbed for the entire procedure.",
    "Sequential compression devices were in place throughout.",
    "Wound classification: clean-contaminated.",
    "The patient tolerated the procedure well.",
)

PROCEDURES = (  # name, indication, sedation, description, findings, plan
    ("Colonoscopy", "Positive FIT; average risk otherwise",
     "Monitored anesthesia care (propofol) administered by anesthesia",
     ("Digital rectal exam was normal.",
      "The colonoscope was advanced to the cecum, identified by the appendiceal orifice and "
      "ileocecal valve.", "Bowel prep was good (Boston Bowel Preparation Scale 8).",
      "Withdrawal time was 11 minutes."),
     "Two 4-6 mm sessile polyps in the ascending colon, removed with cold snare. Small internal "
     "hemorrhoids.", "Await pathology; surveillance interval 5-7 years depending on histology."),
    ("Esophagogastroduodenoscopy (EGD) with biopsy", "Dyspepsia and iron deficiency anemia",
     "Moderate sedation: midazolam 3 mg IV, fentanyl 75 mcg IV",
     ("The endoscope was passed under direct vision into the esophagus and advanced to the "
      "second portion of the duodenum.", "Retroflexion in the stomach was performed.",
      "Cold forceps biopsies were taken from the antrum and body for H. pylori."),
     "Patchy antral erythema; normal esophagus and duodenum.",
     "Await biopsies; continue PPI daily; celiac serologies ordered."),
    ("Ultrasound-guided paracentesis", "Tense ascites from cirrhosis",
     "Local anesthesia with 1% lidocaine",
     ("A pocket of fluid was identified in the left lower quadrant by ultrasound and marked.",
      "A 5 Fr catheter was introduced using sterile technique; fluid was drained by vacuum "
      "bottles."),
     "5.2 L of clear straw-colored fluid removed; samples for cell count, albumin and culture.",
     "Albumin 25 g IV given for large-volume removal; recheck BMP in the morning."),
    ("Thoracentesis, right", "Symptomatic right pleural effusion",
     "Local anesthesia with 1% lidocaine",
     ("The patient was seated and leaning forward; ultrasound showed a large free-flowing "
      "effusion.", "A catheter was placed over the superior border of the rib in the posterior "
      "axillary line."),
     "1.1 L of serosanguinous fluid removed; procedure stopped for chest tightness.",
     "Post-procedure chest x-ray: no pneumothorax. Fluid for LDH, protein, cytology."),
    ("Lumbar puncture", "Fever and headache; rule out meningitis",
     "Topical anesthetic; child held in lateral decubitus position",
     ("The L3-L4 interspace was identified and prepped with chlorhexidine.",
      "A 22 gauge spinal needle was advanced with return of clear CSF on the first pass.",
      "Opening pressure 16 cm H2O; four tubes collected."),
     "Clear CSF; tubes sent for cell count, glucose, protein, Gram stain and culture.",
     "Continue empiric antibiotics pending CSF results."),
    ("Arthrocentesis and corticosteroid injection, left knee", "Symptomatic knee effusion",
     "Local anesthesia with 1% lidocaine",
     ("A superolateral approach was used after sterile prep.",
      "After aspiration, 40 mg triamcinolone and 4 mL of 1% lidocaine were injected."),
     "30 mL of clear yellow synovial fluid aspirated; sent for crystals and cell count.",
     "Ice and relative rest for 48 hours; call for fever or increasing redness."),
    ("Bone marrow aspiration and biopsy", "Unexplained pancytopenia",
     "Local anesthesia with lidocaine; lorazepam 1 mg PO for anxiety",
     ("The right posterior iliac crest was identified and anesthetized down to the periosteum.",
      "Aspirate was obtained with a Jamshidi needle, followed by a 1.8 cm core biopsy."),
     "Adequate aspirate and core; samples for morphology, flow cytometry and cytogenetics.",
     "Pressure dressing for 24 hours; results expected in 5-7 days."),
    ("Central venous catheter placement, right internal jugular", "Need for vasopressors",
     "Local anesthesia; patient on mechanical ventilation with propofol",
     ("Full barrier precautions were used and the vein was visualized with ultrasound.",
      "The vein was entered on the first pass and a triple-lumen catheter placed by Seldinger "
      "technique.", "All ports flushed and drew back easily; catheter sutured at 16 cm."),
     "Good venous blood return; chest x-ray shows the tip at the cavoatrial junction.",
     "Catheter cleared for use."),
    ("Punch biopsy of skin, right forearm", "Persistent scaly plaque, rule out neoplasm",
     "Local anesthesia with 1% lidocaine with epinephrine",
     ("A 4 mm punch biopsy was taken from the center of the lesion.",
      "The defect was closed with two 4-0 nylon simple interrupted sutures."),
     "Specimen placed in formalin and sent to dermatopathology.",
     "Suture removal in 10-14 days; petrolatum and bandage daily."),
)
PROCEDURE_LINES = (
    "Informed consent was obtained after discussing risks, benefits and alternatives.",
    "A universal protocol time-out was performed before the procedure.",
    "The patient tolerated the procedure well; there were no immediate complications.",
    "Estimated blood loss: minimal.",
    "Post-procedure vital signs were stable.",
    "ASA physical status: II.",
    "A sterile dressing was applied.",
    "Discharge instructions were reviewed; may resume a regular diet.",
    "The patient recovered in the procedure area and left with a responsible adult.",
    "Images were captured and saved to the procedure record.",
)

ED_CASES = (  # chief complaint, HPI, results, MDM, impression, disposition
    ("Chest pain", "reports 2 hours of substernal chest pressure at rest, nonradiating, with mild "
     "diaphoresis. No prior cardiac history.",
     "ECG: sinus rhythm 78, no acute ST changes. Troponin I <0.01 ng/mL x 2, 3 hours apart. "
     "CXR: no acute process.",
     "Differential includes ACS, PE, aortic dissection, GERD and chest wall pain. HEART score 3; "
     "PERC negative. Low risk for a major adverse cardiac event.",
     "Chest pain, unspecified; acute coronary syndrome ruled out.",
     "Discharged home; cardiology follow-up for outpatient stress testing."),
    ("Abdominal pain", "has periumbilical pain since last night that migrated to the right lower "
     "quadrant, with anorexia and one episode of vomiting.",
     "WBC 15.2 with left shift. CT abdomen/pelvis: dilated appendix with periappendiceal stranding.",
     "Presentation and imaging consistent with acute appendicitis; no perforation.",
     "Acute appendicitis.", "Admitted to general surgery; made NPO; IV piperacillin-tazobactam."),
    ("Ankle injury", "rolled the right ankle stepping off a curb; able to bear weight with pain.",
     "XR right ankle 3 views: no fracture.",
     "Ottawa ankle rules applied; imaging negative. Neurovascularly intact.",
     "Sprain of the right ankle, lateral ligaments.",
     "Discharged with an air-stirrup splint, crutches, RICE and ibuprofen; ortho follow-up PRN."),
    ("Hand laceration", "cut the left palm on a broken glass about 1 hour before arrival. Bleeding "
     "controlled with pressure.",
     "3.5 cm linear laceration, left thenar eminence; tendon function intact; no foreign body.",
     "Wound irrigated with 500 mL saline and repaired with 5 simple interrupted 4-0 nylon sutures. "
     "Tetanus updated (Tdap).",
     "Laceration of the left hand without foreign body.",
     "Discharged; suture removal in 10 days; wound care instructions given."),
    ("Headache", "has a throbbing left-sided headache for 10 hours with photophobia and nausea, "
     "similar to prior migraines but more severe. No fever or neck stiffness.",
     "CT head without contrast: no acute intracranial abnormality.",
     "Typical migraine features; normal neurologic exam; no red flags after imaging.",
     "Migraine without aura, not intractable.",
     "Symptoms resolved after metoclopramide and IV fluids; discharged home."),
    ("Fever and ear pain", "has had fever to 102.8 F for 2 days with right ear pulling and "
     "decreased appetite. Still making wet diapers.",
     "Right tympanic membrane bulging and erythematous; rapid strep negative.",
     "Well-appearing, well-hydrated child with acute otitis media; no signs of mastoiditis.",
     "Acute otitis media, right ear.",
     "Discharged on high-dose amoxicillin; follow up with pediatrician in 2-3 days if not better."),
    ("Flank pain", "has sudden colicky left flank pain radiating to the groin with nausea. "
     "Microscopic hematuria on dipstick.",
     "CT renal stone protocol: 4 mm obstructing left UVJ stone with mild hydronephrosis.",
     "Uncomplicated ureterolithiasis; afebrile, normal creatinine; pain controlled with ketorolac.",
     "Left ureteral calculus.",
     "Discharged with tamsulosin, oxycodone for breakthrough pain and a strainer; urology referral."),
    ("Shortness of breath", "has had wheezing and cough for 2 days with a viral illness; using "
     "albuterol every 3 hours at home.",
     "Peak flow 55% of predicted on arrival, 80% after treatment. SpO2 95% on room air.",
     "Moderate asthma exacerbation responsive to bronchodilators and steroids.",
     "Asthma exacerbation, moderate.",
     "Discharged on prednisone x 5 days; asthma action plan reviewed."),
)
ED_LINES = (
    "Mode of arrival: {arrival}.",
    "Triage acuity: ESI {esi}.",
    "Nursing notes and triage vital signs were reviewed.",
    "Prior records were reviewed in the electronic health record.",
    "Re-evaluated after treatment: pain improved to 2/10; tolerating oral fluids.",
    "Return precautions were discussed and the patient verbalized understanding.",
    "A work/school note was provided.",
    "Condition at disposition: stable.",
    "Independent interpretation of the ECG and imaging was performed by me.",
    "Shared decision-making was used regarding further testing.",
    "Patient was advised to follow up with the primary care provider in 2-3 days.",
)
ED_ARRIVAL = ("private vehicle", "EMS (ground ambulance)", "walk-in", "wheelchair", "car, driven by family")

IMAGING_EXAMS = (  # exam, indication, technique, findings, impression, sex restriction
    ("CT HEAD WITHOUT CONTRAST", "Fall with head strike; headache",
     "Axial images of the head were obtained without IV contrast with coronal and sagittal "
     "reformats. Dose reduction techniques were used.",
     ("No acute intracranial hemorrhage, mass effect or midline shift.",
      "Gray-white matter differentiation is preserved.",
      "Mild periventricular white matter hypodensities, likely chronic microvascular change.",
      "Ventricles and sulci are proportionate and appropriate for age.",
      "Visualized paranasal sinuses and mastoid air cells are clear. No calvarial fracture."),
     ("No acute intracranial abnormality.", "Mild chronic small vessel ischemic change."), None),
    ("CT ABDOMEN AND PELVIS WITH IV CONTRAST", "Right lower quadrant pain, leukocytosis",
     "Helical CT from the lung bases through the pubic symphysis after 100 mL iohexol 350 IV.",
     ("LIVER: Normal in size without focal lesion.", "GALLBLADDER/BILIARY: No stones or ductal "
      "dilatation.", "PANCREAS, SPLEEN, ADRENALS: Unremarkable.",
      "KIDNEYS: 4 mm nonobstructing stone in the lower pole of the left kidney. No hydronephrosis.",
      "BOWEL: Appendix dilated to 11 mm with periappendiceal fat stranding. No abscess or free air.",
      "LYMPH NODES: No adenopathy by size criteria.", "BONES: Mild lumbar degenerative change."),
     ("Acute uncomplicated appendicitis.", "Nonobstructing left renal calculus."), None),
    ("XR CHEST 2 VIEWS (PA/LAT)", "Cough, fever",
     "PA and lateral radiographs of the chest.",
     ("Lungs are clear without focal consolidation, effusion or pneumothorax.",
      "Cardiomediastinal silhouette is within normal limits.",
      "No acute osseous abnormality."),
     ("No acute cardiopulmonary process.",), None),
    ("MRI LUMBAR SPINE WITHOUT CONTRAST", "Low back pain radiating to the left leg > 6 weeks",
     "Multiplanar, multisequence MR images of the lumbar spine without contrast.",
     ("Vertebral body heights are maintained. No marrow edema. Conus terminates at L1.",
      "L3-L4: Mild disc bulge without canal or foraminal stenosis.",
      "L4-L5: Broad-based disc protrusion with moderate central canal stenosis and mild bilateral "
      "foraminal narrowing.",
      "L5-S1: Small left paracentral extrusion contacting the traversing left S1 nerve root."),
     ("L5-S1 left paracentral extrusion contacting the left S1 root, correlating with symptoms.",
      "Moderate L4-L5 central canal stenosis."), None),
    ("US ABDOMEN LIMITED - RIGHT UPPER QUADRANT", "Postprandial RUQ pain",
     "Grayscale and color Doppler images of the right upper quadrant.",
     ("Gallbladder contains multiple mobile shadowing stones, the largest 1.4 cm.",
      "Gallbladder wall 2 mm; no pericholecystic fluid; sonographic Murphy sign negative.",
      "Common bile duct measures 4 mm.",
      "Liver is diffusely echogenic, suggesting hepatic steatosis."),
     ("Cholelithiasis without sonographic evidence of acute cholecystitis.", "Hepatic steatosis."),
     None),
    ("CTA CHEST - PULMONARY EMBOLISM PROTOCOL", "Pleuritic chest pain, tachycardia, elevated D-dimer",
     "CT angiography of the chest after 75 mL iohexol 350 IV timed to the pulmonary arteries.",
     ("Filling defects in the right lower lobe segmental and subsegmental pulmonary arteries.",
      "RV/LV ratio 0.9; no CT evidence of right heart strain.",
      "No consolidation. Small right pleural effusion."),
     ("Acute right lower lobe pulmonary emboli without right heart strain.",), None),
    ("BILATERAL SCREENING MAMMOGRAM WITH TOMOSYNTHESIS", "Routine screening",
     "Standard CC and MLO views of both breasts with digital breast tomosynthesis; CAD reviewed.",
     ("The breasts are heterogeneously dense, which may obscure small masses.",
      "No suspicious masses, calcifications or architectural distortion in either breast.",
      "No significant change from prior examinations."),
     ("BI-RADS 1: Negative. Recommend routine screening mammogram in 1 year.",), "female"),
    ("US RENAL / BLADDER", "Febrile urinary tract infection",
     "Real-time sonography of both kidneys and the bladder.",
     ("Right kidney 8.1 cm, left kidney 8.4 cm; normal for age.",
      "No hydronephrosis, calculi or focal lesion.", "Bladder is normally distended; no debris."),
     ("Normal renal and bladder ultrasound.",), None),
    ("XR WRIST RIGHT 3 VIEWS", "Fall on outstretched hand",
     "PA, oblique and lateral views of the right wrist.",
     ("Transverse fracture of the distal radial metaphysis with 10 degrees of dorsal angulation.",
      "Ulnar styloid is intact. Carpal alignment is normal.", "Soft tissue swelling dorsally."),
     ("Dorsally angulated distal radius fracture.",), None),
)
IMAGING_LINES = (
    "COMPARISON: None available.",
    "Findings were discussed with the ordering provider by telephone with read-back.",
    "This examination was interpreted by a board-certified radiologist.",
    "Radiation dose (DLP): {dlp} mGy-cm.",
    "Images were reviewed on a diagnostic workstation.",
    "Exam quality: adequate; mild motion artifact.",
    "Patient location: {location}.",
    "Recommend clinical correlation and follow-up as clinically indicated.",
    "Prior outside images were not available for comparison.",
    "Preliminary report was issued by the on-call resident and agrees with this final report.",
)
IMAGING_LOCATIONS = ("Outpatient", "Emergency Department", "Inpatient, 4 West", "Urgent Care")

LAB_PANELS = {  # test, low, high, units, decimals
    "CBC WITH DIFFERENTIAL": (("WBC", 4.0, 11.0, "K/uL", 1), ("RBC", 4.20, 5.40, "M/uL", 2),
                              ("Hemoglobin", 12.0, 16.0, "g/dL", 1), ("Hematocrit", 36.0, 46.0, "%", 1),
                              ("MCV", 80, 100, "fL", 0), ("Platelets", 150, 400, "K/uL", 0),
                              ("Neutrophils", 40, 75, "%", 0), ("Lymphocytes", 20, 45, "%", 0)),
    "COMPREHENSIVE METABOLIC PANEL": (("Sodium", 136, 145, "mmol/L", 0),
                                      ("Potassium", 3.5, 5.1, "mmol/L", 1),
                                      ("Chloride", 98, 107, "mmol/L", 0), ("CO2", 22, 29, "mmol/L", 0),
                                      ("BUN", 7, 20, "mg/dL", 0), ("Creatinine", 0.60, 1.20, "mg/dL", 2),
                                      ("Glucose", 70, 99, "mg/dL", 0), ("Calcium", 8.6, 10.3, "mg/dL", 1),
                                      ("Albumin", 3.5, 5.0, "g/dL", 1), ("Total Bilirubin", 0.2, 1.2, "mg/dL", 1),
                                      ("Alkaline Phosphatase", 40, 129, "U/L", 0), ("AST", 10, 40, "U/L", 0),
                                      ("ALT", 7, 56, "U/L", 0)),
    "LIPID PANEL": (("Cholesterol, Total", 100, 199, "mg/dL", 0), ("Triglycerides", 30, 149, "mg/dL", 0),
                    ("HDL Cholesterol", 40, 90, "mg/dL", 0), ("LDL Cholesterol (calc)", 30, 99, "mg/dL", 0)),
    "HEMOGLOBIN A1C": (("Hemoglobin A1c", 4.0, 5.6, "%", 1),),
    "THYROID PANEL": (("TSH", 0.45, 4.50, "uIU/mL", 2), ("Free T4", 0.8, 1.8, "ng/dL", 2)),
    "PROTHROMBIN TIME / INR": (("Prothrombin Time", 11.0, 13.5, "sec", 1), ("INR", 0.9, 1.1, "", 1)),
    "IRON STUDIES": (("Iron", 50, 170, "ug/dL", 0), ("TIBC", 250, 450, "ug/dL", 0),
                     ("Transferrin Saturation", 20, 50, "%", 0), ("Ferritin", 15, 150, "ng/mL", 0)),
    "MAGNESIUM / PHOSPHORUS": (("Magnesium", 1.6, 2.6, "mg/dL", 1), ("Phosphorus", 2.5, 4.5, "mg/dL", 1)),
    "VITAMIN D, 25-HYDROXY": (("Vitamin D, 25-OH", 30, 100, "ng/mL", 0),),
    "B-TYPE NATRIURETIC PEPTIDE": (("BNP", 0, 100, "pg/mL", 0),),
}
URINALYSIS = (("Color", "Yellow", "Yellow"), ("Appearance", "Clear", "Clear"),
              ("Specific Gravity", "1.018", "1.005-1.030"), ("pH", "6.0", "5.0-8.0"),
              ("Protein", "Negative", "Negative"), ("Glucose", "Negative", "Negative"),
              ("Ketones", "Negative", "Negative"), ("Blood", "Negative", "Negative"),
              ("Nitrite", "Negative", "Negative"), ("Leukocyte Esterase", "Negative", "Negative"),
              ("WBC, urine", "0-2 /HPF", "0-5 /HPF"))
LAB_LINES = (
    "Results are FINAL unless marked PRELIMINARY.",
    "eGFR is calculated with the CKD-EPI 2021 equation without a race coefficient.",
    "Specimen slightly hemolyzed; potassium may be falsely elevated.",
    "Flags: H = above reference interval, L = below reference interval, C = critical.",
    "Reference intervals are specific to age and sex.",
    "LDL cholesterol is calculated (Martin-Hopkins method).",
    "A1c measured by HPLC; results may be unreliable with hemoglobin variants.",
    "Fasting status: {fasting}.",
    "Specimen source: {source}.",
    "Delta check reviewed; result confirmed by repeat analysis.",
    "Please contact the laboratory with questions about these results.",
)
LAB_SOURCES = ("venous blood, serum", "whole blood (EDTA)", "plasma, lithium heparin",
               "clean-catch urine")

PATHOLOGY_CASES = (  # clinical, specimen, gross, microscopic, diagnosis, comment, sex restriction
    ("Positive FIT; polyps at colonoscopy", "A. Ascending colon polyps, cold snare",
     "Received in formalin labeled with the patient's name and MRN are three tan-pink polypoid "
     "fragments, 0.3 to 0.6 cm. Entirely submitted in cassette A1.",
     "Sections show colonic mucosa with tubular architecture and low-grade cytologic atypia.",
     ("A. ASCENDING COLON, POLYPECTOMY:", "- TUBULAR ADENOMA (MULTIPLE FRAGMENTS).",
      "- NEGATIVE FOR HIGH-GRADE DYSPLASIA."), None, None),
    ("Pearly papule, right nasal ala", "A. Skin, right nasal ala, shave biopsy",
     "Received in formalin is a tan-white shave of skin, 0.7 x 0.5 x 0.1 cm. The base is inked "
     "black; bisected and entirely submitted in A1.",
     "Nests of basaloid cells with peripheral palisading and retraction artifact in the dermis.",
     ("A. SKIN, RIGHT NASAL ALA, SHAVE BIOPSY:", "- BASAL CELL CARCINOMA, NODULAR TYPE.",
      "- TUMOR EXTENDS TO THE DEEP MARGIN."), "Re-excision or Mohs surgery is suggested.", None),
    ("Symptomatic cholelithiasis", "A. Gallbladder, laparoscopic cholecystectomy",
     "Received fresh is an opened gallbladder, 8.2 x 3.1 x 2.0 cm, containing multiple yellow "
     "faceted stones up to 1.2 cm. Wall thickness 0.3 cm. Representative sections in A1-A2.",
     "Gallbladder wall with chronic inflammation and Rokitansky-Aschoff sinuses.",
     ("A. GALLBLADDER, CHOLECYSTECTOMY:", "- CHRONIC CHOLECYSTITIS WITH CHOLELITHIASIS.",
      "- NEGATIVE FOR DYSPLASIA AND MALIGNANCY."), None, None),
    ("BI-RADS 4C mass, left breast 2:00", "A. Left breast, 2:00, ultrasound-guided core biopsy",
     "Received in formalin are four white-tan cores, 1.2 to 1.6 cm, entirely submitted in A1. "
     "Cold ischemia time under 1 hour.",
     "Infiltrating nests and cords of tumor cells with moderate pleomorphism; mitoses 6/10 HPF.",
     ("A. LEFT BREAST, 2:00, CORE BIOPSY:", "- INVASIVE DUCTAL CARCINOMA, NOTTINGHAM GRADE 2 "
      "(3+2+2=7).", "- DUCTAL CARCINOMA IN SITU, CRIBRIFORM TYPE, PRESENT."),
     "ER positive (95%, strong), PR positive (40%, moderate), HER2 IHC 1+ (negative).", "female"),
    ("PSA 7.8 ng/mL; PI-RADS 4 lesion", "A-L. Prostate, 12-core needle biopsy",
     "Received in formalin are twelve labeled containers each holding one tan core, 0.8 to "
     "1.7 cm. Each core entirely submitted in a separate cassette.",
     "Infiltrating small glands with prominent nucleoli in the left base and left mid cores.",
     ("PROSTATE, NEEDLE BIOPSIES:", "- ADENOCARCINOMA, GLEASON SCORE 3+4=7 (GRADE GROUP 2),",
      "  INVOLVING 3 OF 12 CORES (LEFT BASE, LEFT MID x2), UP TO 40% OF CORE LENGTH.",
      "- NO PERINEURAL INVASION IDENTIFIED."), None, "male"),
    ("Acute appendicitis", "A. Appendix, laparoscopic appendectomy",
     "Received in formalin is an appendix, 6.5 cm long and up to 1.1 cm in diameter, with a "
     "dull fibrinous serosa. Tip and representative sections submitted in A1-A2.",
     "Transmural neutrophilic infiltrate with mucosal ulceration and serositis.",
     ("A. APPENDIX, APPENDECTOMY:", "- ACUTE SUPPURATIVE APPENDICITIS WITH PERIAPPENDICITIS.",
      "- NO PERFORATION OR NEOPLASM IDENTIFIED."), None, None),
    ("Thyroid nodule, right lobe, 2.1 cm, TI-RADS 3", "A. Thyroid, right lobe, FNA",
     "Received are four air-dried and four alcohol-fixed smears and a CytoLyt rinse for cell block.",
     "Abundant colloid with benign-appearing follicular cells in flat sheets and macrophages.",
     ("A. THYROID, RIGHT, FINE NEEDLE ASPIRATION:", "- BENIGN FOLLICULAR NODULE.",
      "- THE BETHESDA SYSTEM CATEGORY II."), "Clinical and sonographic follow-up suggested.", None),
    ("Routine cervical screening", "Cervical/endocervical cytology, liquid-based",
     "ThinPrep vial received; one slide prepared. Specimen adequacy: satisfactory for "
     "evaluation; transformation zone component present.",
     "No epithelial cell abnormality.",
     ("INTERPRETATION:", "- NEGATIVE FOR INTRAEPITHELIAL LESION OR MALIGNANCY (NILM).",
      "- HIGH-RISK HPV BY PCR: NOT DETECTED."), None, "female"),
    ("Tonsillar hypertrophy, snoring", "A. Tonsils, bilateral, tonsillectomy",
     "Received in formalin are two tan-pink tonsils, 2.4 and 2.2 cm. Representative sections "
     "submitted in A1.",
     "Reactive lymphoid follicles with crypts containing keratin debris.",
     ("A. TONSILS, BILATERAL, EXCISION:", "- BENIGN LYMPHOID HYPERPLASIA.",
      "- NO SIGNIFICANT PATHOLOGIC ABNORMALITY."), None, None),
    ("Dyspepsia, anemia", "A. Stomach, antrum and body, biopsies",
     "Received in formalin are five tan fragments, 0.2 to 0.4 cm, entirely submitted in A1.",
     "Chronic active gastritis with curved rods in the surface mucus, confirmed by immunostain.",
     ("A. STOMACH, BIOPSIES:", "- CHRONIC ACTIVE GASTRITIS WITH HELICOBACTER PYLORI ORGANISMS.",
      "- NEGATIVE FOR INTESTINAL METAPLASIA AND DYSPLASIA."), None, None),
)
PATHOLOGY_LINES = (
    "Immunohistochemical stains were performed with appropriate positive and negative controls.",
    "This case was reviewed at intradepartmental consensus conference.",
    "Fixation time was 6 to 72 hours, within ASCO/CAP guidelines.",
    "I have personally reviewed the slides and rendered the final diagnosis.",
    "Blocks and slides are retained per CAP requirements and are available for review.",
    "Intraoperative consultation: none requested.",
    "Specimen integrity: received intact and properly labeled with two identifiers.",
    "The findings were communicated to the submitting clinician's office.",
    "Some tests were developed and validated by this laboratory; not FDA cleared.",
    "Gross examination performed by a pathologists' assistant under supervision.",
)

MIN_AGE = {  # cases that are not written about young patients
    "Right total knee arthroplasty": 45, "L4-L5 laminectomy and bilateral foraminotomies": 40,
    "Colonoscopy": 40, "Ultrasound-guided paracentesis": 25,
    "BILATERAL SCREENING MAMMOGRAM WITH TOMOSYNTHESIS": 40, "A. Ascending colon polyps, cold snare": 40,
    "A. Left breast, 2:00, ultrasound-guided core biopsy": 30, "A-L. Prostate, 12-core needle biopsy": 45,
    "Cervical/endocervical cytology, liquid-based": 21,
}

MEDLIST_LINES = (
    "Please bring all pill bottles, inhalers and supplements to every visit.",
    "Reviewed with the patient and caregiver; this list was reconciled today.",
    "This list reflects medications as reported by the patient and may not be complete.",
    "Do not take NSAIDs (ibuprofen, naproxen) while on anticoagulation.",
    "Uses a weekly pill organizer; daughter refills it on Sundays.",
    "State prescription monitoring program was checked; no concerns.",
    "Medications marked * were changed at this visit.",
    "Ask your pharmacist before starting any over-the-counter medicine.",
    "Samples given: none.",
    "Immunizations are kept on a separate record.",
)
OTC_MEDS = ("Fish oil 1,000 mg daily", "Multivitamin daily", "Melatonin 3 mg at bedtime PRN",
            "Turmeric capsule daily", "Loratadine 10 mg daily PRN allergies",
            "Docusate 100 mg PRN", "Calcium carbonate 600 mg + D daily")
STOPPED_MEDS = ("naproxen 500 mg - GI bleed", "glipizide 5 mg - hypoglycemia",
                "lisinopril 10 mg - cough", "simvastatin 20 mg - myalgias",
                "hydrochlorothiazide 12.5 mg - hyponatremia")
PHARMACIES = ("Foxglove Pharmacy", "Ridgeway Drug #214", "Larch Street Apothecary",
              "Mail order: Pillbox Direct")

CONSENT_PROCEDURES = ("laparoscopic cholecystectomy", "colonoscopy with possible polypectomy",
                      "right total knee arthroplasty", "cardiac catheterization, possible stent",
                      "upper endoscopy (EGD) with possible biopsy", "lumbar epidural steroid injection",
                      "cystoscopy with ureteral stent placement", "excision of skin lesion")
PEDS_CONSENT_PROCEDURES = ("tonsillectomy and adenoidectomy", "laceration repair under procedural sedation",
                           "excision of skin lesion", "upper endoscopy (EGD) with possible biopsy",
                           "bilateral myringotomy with tube placement")
CONSENT_LINES = (
    "The nature and purpose of the procedure, its risks, benefits and reasonable alternatives, "
    "including no treatment, have been explained to me.",
    "I understand the risks include, but are not limited to, bleeding, infection, injury to "
    "nearby organs, blood clots and reactions to anesthesia.",
    "No guarantee or assurance has been made to me as to the results.",
    "I consent to the disposal of any tissue or parts removed, in accordance with hospital policy.",
    "I consent to additional procedures that may become necessary in the course of this one.",
    "I have had the opportunity to ask questions, and all of my questions have been answered.",
    "I understand that residents or other practitioners may assist under supervision.",
    "I consent to photography or video for the medical record.",
    "I have read this form, or it has been read to me, and I understand it.",
    "I understand I may withdraw this consent at any time before the procedure.",
)
TRANSFUSION_LINES = (
    "I consent to the transfusion of blood or blood products as deemed necessary by my physician.",
    "Risks explained include fever, allergic reaction, fluid overload and, rarely, infection.",
    "Alternatives such as iron, erythropoietin and cell salvage were discussed where applicable.",
)
ROI_LINES = (
    "I understand that I may revoke this authorization at any time by notifying the facility in "
    "writing, except where action has already been taken in reliance on it.",
    "Information disclosed under this authorization may be re-disclosed by the recipient and "
    "may no longer be protected by federal privacy rules.",
    "Treatment, payment, enrollment or eligibility will not be conditioned on my signing.",
    "I am entitled to a copy of this authorization.",
    "A reasonable copying fee may apply as permitted by state law.",
    "Records protected under 42 CFR Part 2 will be released only if initialed below.",
)
ROI_ITEMS = ("Office/clinic notes", "Discharge summaries", "Laboratory results", "Imaging reports",
             "Operative reports", "Medication lists", "Immunization records",
             "Entire record for the dates below")

INSURANCE_SERVICES = (  # service, code, diagnosis, ICD-10, treatments tried first
    ("MRI lumbar spine without contrast", "72148", "lumbar radiculopathy", "M54.16",
     ("Physical therapy, 8 weeks, completed without lasting benefit", "NSAIDs for more than 6 weeks",
      "Home exercise program")),
    ("Right total knee arthroplasty", "27447", "primary osteoarthritis, right knee", "M17.11",
     ("Physical therapy, 12 weeks", "Intra-articular corticosteroid injections x 3",
      "NSAIDs and activity modification", "Supervised weight loss program")),
    ("Attended polysomnography", "95810", "suspected obstructive sleep apnea", "G47.30",
     ("Home sleep apnea test, technically inadequate", "Positional therapy")),
    ("Adalimumab 40 mg subcut every 14 days", "J0135", "seropositive rheumatoid arthritis", "M05.79",
     ("Methotrexate 20 mg weekly for 6 months, inadequate response", "Hydroxychloroquine 400 mg daily",
      "Prednisone taper")),
    ("CT coronary angiography", "75574", "atypical chest pain, intermediate pretest probability", "R07.89",
     ("Exercise treadmill test, nondiagnostic", "Trial of antianginal therapy")),
    ("Physical therapy, 12 visits", "97110", "low back pain", "M54.50",
     ("Home exercise program for 6 weeks", "NSAIDs and acetaminophen")),
    ("Continuous glucose monitor and sensors", "A9276", "type 1 diabetes with hyperglycemia", "E10.65",
     ("Fingerstick glucose monitoring 6-8 times daily", "Multiple daily insulin injections")),
    ("Outpatient colonoscopy, diagnostic", "45378", "iron deficiency anemia", "D50.9",
     ("Oral iron for 3 months", "Upper endoscopy, unremarkable")),
)
INSURANCE_LINES = (
    "This approval is not a guarantee of payment; benefits depend on eligibility on the date of "
    "service and the terms of the member's plan.",
    "After review by a physician reviewer, the request does not meet criteria for medical "
    "necessity.",
    "Criteria used: plan clinical policy requires 6 weeks of documented conservative therapy.",
    "You or the member may appeal this decision within 180 days of this notice.",
    "A peer-to-peer discussion with the reviewing physician may be requested within 14 days.",
    "Please submit the following to complete the review: recent office notes, imaging reports "
    "and a list of prior treatments.",
    "If the information is not received within 14 calendar days, the request will be closed.",
    "Expedited review was requested because a delay could seriously jeopardize the member's health.",
    "The authorized units and dates are listed below; services outside these dates require a new "
    "request.",
    "Member rights and appeal procedures are enclosed.",
)


OTHER_LINES = {  # by kind of non-clinical mail
    "statement": (
        "Your insurance has processed the charges below; the balance is your responsibility.",
        "Pay online at billing.example.org or call the number below to pay by phone.",
        "Financial assistance is available to qualifying patients; ask for an application.",
        "If you have already sent payment, please disregard this statement.",
        "Interest-free payment plans are available for balances over $200.",
        "Please include your account number on your check or money order."),
    "appointment": (
        "Please arrive 15 minutes early to complete check-in.",
        "Bring your insurance card, a photo ID and a list of your current medications.",
        "If you need to cancel or reschedule, please call at least 24 hours in advance.",
        "Free parking is available in the visitor garage; bring your ticket to be validated.",
        "A copay may be collected at the time of your visit.",
        "You may also confirm through the patient portal."),
    "records_request": (
        "Our office is requesting copies of records for the patient named below for continuity "
        "of care.",
        "A signed patient authorization is on file and available on request.",
        "Please fax records to the number above, attention Medical Records.",
        "If there is a fee for copies, please contact our office before sending.",
        "Thank you for your prompt attention to this request.",
        "Please do not send billing records."),
    "notice": (
        "Please update your records and directories accordingly.",
        "Referrals and records requests may continue to be faxed to the number above.",
        "Our phone lines will be answered by the on-call service while the office is closed.",
        "We appreciate your partnership in caring for our shared patients.",
        "For urgent clinical matters please call the main number and ask for the on-call provider.",
        "This notice is informational; no reply is needed."),
    "excuse": (
        "Please excuse the absence for the dates listed.",
        "Please allow access to water and restroom breaks as needed.",
        "If you have questions, please contact our office.",
        "Diagnosis is not disclosed to protect patient privacy."),
    "portal": (
        "You can view test results, request refills and message your care team online.",
        "Your activation code expires in 30 days.",
        "If you did not request this, please contact our office.",
        "Proxy access for a parent or caregiver can be requested at the front desk.",
        "The portal is not for emergencies; call 911 for an emergency.",
        "Download the app from your device's app store and enter the code below."),
}
NOTICE_TOPICS = (
    ("OFFICE RELOCATION", "Effective {when}, our office will relocate to {street}. All providers "
     "and staff will move with the practice."),
    ("HOLIDAY HOURS", "Our office will be closed on {when} for the holiday. Normal hours resume "
     "the following business day."),
    ("NEW PROVIDER ANNOUNCEMENT", "We are pleased to announce that {doctor} has joined our "
     "practice and is now accepting new patients as of {when}."),
    ("PROVIDER DEPARTURE", "{doctor} will be leaving the practice on {when}. Patients will be "
     "transitioned to other providers in the group."),
    ("CHANGE IN OFFICE HOURS", "Beginning {when}, our office will be open Monday through Friday "
     "7:30 AM to 6:00 PM and Saturday mornings."),
)
STATEMENT_SERVICES = (("99213", "Office visit, established patient", 165.00),
                      ("99214", "Office visit, established, moderate", 245.00),
                      ("36415", "Venipuncture", 18.00), ("80053", "Comprehensive metabolic panel", 42.00),
                      ("85025", "CBC with differential", 28.00), ("71046", "Chest x-ray, 2 views", 96.00),
                      ("90686", "Influenza vaccine", 38.00), ("93000", "Electrocardiogram", 54.00))

# ---------------------------------------------------------------------------------------------
# Formatting

WIDTH = 88  # the widest line we lay out; the limit is 90
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
DATE_STYLES = (("us", 34), ("us_short", 14), ("dmy_mon", 10), ("long", 10), ("iso", 8),
               ("dash", 8), ("mon_day", 8), ("compact", 5), ("us2", 3))
PHONE_STYLES = ("paren", "paren", "dash", "dash", "dot", "plain", "one", "space")


def _stable(text: str) -> int:
    """A hash that does not change between runs (unlike the salted built-in hash())."""
    return sum((i + 1) * ord(c) for i, c in enumerate(text))


def _weighted(rng: random.Random, pairs) -> str:
    total = sum(w for _, w in pairs)
    roll = rng.uniform(0, total)
    for value, weight in pairs:
        roll -= weight
        if roll <= 0:
            return value
    return pairs[-1][0]


def _fmt_date(d: date, style: str) -> str:
    mon = MONTHS[d.month - 1]
    return {
        "us": f"{d.month:02d}/{d.day:02d}/{d.year}",
        "us_short": f"{d.month}/{d.day}/{d.year}",
        "dmy_mon": f"{d.day:02d}-{mon[:3]}-{d.year}",
        "long": f"{mon} {d.day}, {d.year}",
        "iso": d.isoformat(),
        "dash": f"{d.month:02d}-{d.day:02d}-{d.year}",
        "mon_day": f"{mon[:3]} {d.day:02d}, {d.year}",
        "compact": f"{d.day:02d}{mon[:3].upper()}{d.year}",
        "us2": f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
    }[style]


def _fmt_phone(digits: str, style: str) -> str:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return {"paren": f"({a}) {b}-{c}", "dash": f"{a}-{b}-{c}", "dot": f"{a}.{b}.{c}",
            "plain": digits, "one": f"1-{a}-{b}-{c}", "space": f"{a} {b} {c}"}[style]


def _fmt_time(rng: random.Random, style: int | None = None) -> str:
    hour, minute = rng.randint(6, 22), rng.randrange(60)
    style = rng.randrange(3) if style is None else style
    if style == 0:
        return f"{hour:02d}:{minute:02d}"
    if style == 1:
        return f"{(hour - 1) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
    return f"{hour:02d}{minute:02d}"


def _age_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _some(rng: random.Random, pool, k: int) -> list:
    """`k` entries of `pool` in the pool's own order (notes keep their usual sequence)."""
    return [pool[i] for i in sorted(rng.sample(range(len(pool)), min(k, len(pool))))]


def _a(text: str) -> str:
    """'a' or 'an' before an age as it is spoken ("an 86-year-old", "an 11 y.o.")."""
    return ("an " if re.match(r"(8|11|18|8\d)(\D|$)", text) else "a ") + text


def _make_phone(rng: random.Random, area: str) -> str:
    exchange = rng.randint(201, 989)
    while exchange % 100 == 11:  # N11 codes are service numbers, never exchanges
        exchange = rng.randint(201, 989)
    return f"{area}{exchange}{rng.randrange(10000):04d}"


# A line is a list of parts: plain text, or (field name, value as written, normalised value).
def _vlen(parts) -> int:
    return sum(len(p[1]) if isinstance(p, tuple) else len(p) for p in parts)


def _wrap(parts, width: int = WIDTH, indent: str = "", hang: str | None = None) -> list[list]:
    """Word-wraps a line of parts; a field value is never split, nor glued punctuation."""
    if isinstance(parts, str):
        parts = [parts]
    hang = indent if hang is None else hang
    groups: list[list] = []  # runs of non-space tokens, each followed by a space or not
    spaced = True
    for part in parts:
        tokens = [part] if isinstance(part, tuple) else re.findall(r"\S+|\s+", part)
        for tok in tokens:
            if isinstance(tok, str) and tok.isspace():
                groups.append([tok])
                spaced = True
            elif spaced or not groups:
                groups.append([tok])
                spaced = False
            else:
                groups[-1].append(tok)
    lines, line = [], [indent] if indent else []
    for group in groups:
        if isinstance(group[0], str) and group[0].isspace():
            line.append(group[0])
            continue
        if _vlen(line) + _vlen(group) > width and any(
                isinstance(p, tuple) or p.strip() for p in line):
            while line and isinstance(line[-1], str) and line[-1].isspace():
                line.pop()
            lines.append(line)
            line = [hang] if hang else []
        line.extend(group)
    while line and isinstance(line[-1], str) and line[-1].isspace():
        line.pop()
    if line:
        lines.append(line)
    return lines or [[""]]


def _two_col(left, right, width: int = WIDTH) -> list:
    """One line with `right` pushed to the right margin (at least two spaces apart)."""
    gap = max(2, width - _vlen(left) - _vlen(right))
    return [*left, " " * gap, *right]


def _center(parts, width: int = WIDTH) -> list:
    return [" " * max(0, (width - _vlen(parts)) // 2), *parts]


def _right(parts, width: int = WIDTH) -> list:
    return [" " * max(0, width - _vlen(parts)), *parts]


@dataclass
class _Item:
    """A paragraph or list entry: wrapped to the page with an indent for continuation lines."""
    parts: list
    indent: str = ""
    hang: str | None = None


def _bullets(texts, mark: str = "-") -> list[_Item]:
    out = []
    for i, text in enumerate(texts, 1):
        lead = f"{i}. " if mark == "1" else f"{mark} "
        out.append(_Item([lead, *([text] if isinstance(text, str) else text)], "", " " * len(lead)))
    return out


# ---------------------------------------------------------------------------------------------
# Clinicians

CREDENTIALS = {
    "physician": ("MD", "MD", "M.D.", "DO", "D.O.", "MD, FACP", "MD, PhD", "MD, MPH"),
    "surgeon": ("MD", "MD, FACS", "DO", "M.D., F.A.C.S.", "MD"),
    "app": ("NP", "FNP-C", "PA-C", "APRN, FNP-BC", "DNP, APRN", "MSN, AGNP-C"),
    "radiologist": ("MD", "M.D.", "DO", "MD, DABR"),
    "pathologist": ("MD", "M.D., FCAP", "MD, FCAP", "DO"),
}
ROLES = {
    "referral_note": ("physician", "app"), "consult_note": ("physician",),
    "history_and_physical": ("physician", "physician", "app"), "progress_note": ("physician", "app"),
    "discharge_summary": ("physician",), "operative_note": ("surgeon",),
    "procedure_note": ("physician",), "emergency_department_note": ("physician", "physician", "app"),
    "imaging_report": ("radiologist",), "laboratory_report": ("physician", "app"),
    "pathology_report": ("pathologist",), "medication_list": ("physician", "app"),
    "consent_form": ("physician", "surgeon"), "insurance_correspondence": ("physician",),
    "fax_cover_sheet": ("physician",), "other": ("physician", "app"),
}


@dataclass(frozen=True)
class _Clinician:
    given: str
    middle: str
    family: str
    credential: str
    npi: str

    def written(self, style: int) -> str:
        g, m, f, c = self.given, self.middle, self.family, self.credential
        return (f"{g} {m}. {f}, {c}", f"{g} {f}, {c}", f"{f}, {g} {m} {c}",
                f"{f.upper()}, {g.upper()} {m}., {c}", f"{g} {f} {c}")[style % 5]

    @property
    def normalized(self) -> str:
        return norm_name(self.given, self.family)


def _make_clinician(rng: random.Random, role: str) -> _Clinician:
    given = rng.choice(FEMALE_GIVEN + MALE_GIVEN)
    return _Clinician(given, rng.choice("ABCDEFGHJKLMNPRSTW"), rng.choice(FAMILY),
                      rng.choice(CREDENTIALS[role]), make_npi(rng))


def _other_doctor(rng: random.Random, full: bool = False) -> str:
    """A colleague mentioned in passing; not the author, so never written with a credential."""
    family = rng.choice(FAMILY)
    return f"Dr. {rng.choice(FEMALE_GIVEN + MALE_GIVEN)} {family}" if full else f"Dr. {family}"


# ---------------------------------------------------------------------------------------------
# People and senders


def make_patient(rng: random.Random) -> Person:
    sex = rng.choice(("female", "male"))
    given = rng.choice(FEMALE_GIVEN if sex == "female" else MALE_GIVEN)
    family = rng.choice(FAMILY)
    roll = rng.random()  # outside records skew old, with a share of children
    year = (rng.randint(2007, 2024) if roll < 0.13 else rng.randint(1972, 2006) if roll < 0.38
            else rng.randint(1930, 1971))
    born = date(year, 1, 1) + timedelta(days=rng.randrange(365))
    kind = rng.randrange(3)
    if kind == 0:
        mrn = f"{rng.randrange(10 ** 7):08d}"
    elif kind == 1:
        mrn = f"{rng.choice('EMKH')}{rng.randrange(10 ** 6, 10 ** 7)}"
    else:
        digits = f"{rng.randrange(10 ** 9):09d}"
        mrn = f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"
    state, areas, (zlo, zhi) = rng.choice(STATES)
    number = rng.choice((rng.randint(100, 999), rng.randint(1000, 9999), rng.randint(10, 99999)))
    street = f"{number} {rng.choice(('', '', '', 'N ', 'S ', 'E ', 'W '))}" \
             f"{rng.choice(STREET_NAMES)} {rng.choice(STREET_SUFFIXES)}"
    unit = rng.random()
    if unit < 0.12:
        street += f" Apt {rng.randint(1, 40)}{rng.choice('ABCD')}"
    elif unit < 0.18:
        street += f" #{rng.randint(100, 999)}"
    elif unit < 0.22:
        street += f" Unit {rng.randint(1, 30)}"
    return Person(given, family, sex, born, mrn, _make_phone(rng, rng.choice(areas)), street,
                  rng.choice(CITIES), state, f"{rng.randint(zlo, zhi):05d}")


def make_sender(rng: random.Random) -> Sender:
    name, state, _ = rng.choice(FACILITIES)
    areas = next(a for s, a, _ in STATES if s == state)
    phone = _make_phone(rng, rng.choice(areas))
    # Fax lines usually sit in the same exchange as the main number.
    fax = phone[:6] + f"{rng.randrange(10000):04d}" if rng.random() < 0.7 else _make_phone(rng, areas[0])
    if fax == phone:
        fax = phone[:6] + f"{(int(phone[6:]) + 1) % 10000:04d}"
    return Sender(name, fax, phone)


def _site(sender: Sender) -> tuple[str, str]:
    """The sender's street and town line, the same on every document it sends."""
    state, town = _FACILITY_INFO.get(sender.facility, ("OH", "Marlow Springs"))
    key = _stable(sender.facility)
    zlo, zhi = next(z for s, _, z in STATES if s == state)
    suite = SUITES[key % len(SUITES)]
    street = f"{100 + key % 8900} {SITE_STREETS[key % len(SITE_STREETS)]}" + (f", {suite}" if suite else "")
    return street, f"{town}, {state} {zlo + key % (zhi - zlo):05d}"


def _middle(person: Person) -> str:
    pool = FEMALE_MIDDLE if person.sex == "female" else MALE_MIDDLE
    return pool[_stable(person.given + person.family + person.birth_date.isoformat()) % len(pool)]


# ---------------------------------------------------------------------------------------------
# One document being written: its choices of style, its dates, and its field values

SERVICE_LAG = {  # days from the service (visit, collection, procedure) to the document
    "referral_note": (0, 21), "consult_note": (0, 2), "history_and_physical": (0, 1),
    "progress_note": (0, 4), "discharge_summary": (1, 11), "operative_note": (0, 2),
    "procedure_note": (0, 1), "emergency_department_note": (0, 1), "imaging_report": (0, 1),
    "laboratory_report": (0, 2), "pathology_report": (2, 7), "medication_list": (0, 3),
    "consent_form": (-30, -1), "insurance_correspondence": (-40, -4), "other": (-35, 10),
    "fax_cover_sheet": (0, 0),
}
DEPARTMENTS = {
    "referral_note": ("Primary Care", "Family Medicine", "Internal Medicine Clinic"),
    "consult_note": ("Consult Service", "Specialty Clinics", "Department of Medicine"),
    "history_and_physical": ("Hospital Medicine", "Department of Medicine", "Inpatient Services"),
    "progress_note": ("Internal Medicine", "Family Medicine", "Primary Care"),
    "discharge_summary": ("Hospital Medicine Service", "Inpatient Services"),
    "operative_note": ("Department of Surgery", "Perioperative Services", "Surgical Services"),
    "procedure_note": ("Endoscopy Unit", "Procedure Center", "Interventional Services"),
    "emergency_department_note": ("Emergency Department", "Emergency Services"),
    "imaging_report": ("Department of Radiology", "Diagnostic Imaging", "Imaging Services"),
    "laboratory_report": ("Clinical Laboratory", "Laboratory Services", "Core Laboratory"),
    "pathology_report": ("Department of Pathology", "Anatomic Pathology"),
    "medication_list": ("Pharmacy Services", "Primary Care", "Medication Management Clinic"),
    "consent_form": ("Patient Registration", "Surgical Services", "Health Information Management"),
    "insurance_correspondence": ("Prior Authorization Office", "Patient Financial Services"),
    "other": ("Business Office", "Patient Access", "Front Office"),
    "fax_cover_sheet": ("Health Information Management",),
}
NAME_LABELS = ("Patient Name", "Patient", "Name", "Pt Name", "Patient Name")
DOB_LABELS = ("Date of Birth", "DOB", "Birth Date", "D.O.B.", "DOB")
SEX_LABELS = ("Sex", "Gender", "Sex", "Legal Sex")
MRN_LABELS = ("MRN", "Med Rec #", "MR#", "Medical Record No.", "Chart #", "Patient ID", "MRN")
PHONE_LABELS = ("Phone", "Home Phone", "Tel", "Contact #", "Ph")
ADDRESS_LABELS = ("Address", "Home Address", "Addr", "Patient Address")
CONFIDENTIAL = (
    "CONFIDENTIAL: This document contains protected health information. If you received it in "
    "error, notify the sender and destroy all copies.",
    "This information has been disclosed to you from records protected by federal and state "
    "confidentiality rules. Further disclosure is prohibited without written consent.",
    "Privileged and confidential. Intended only for the use of the individual or entity named "
    "above.",
)
BUDGET = {1: 34, 2: 84, 3: 134}  # body lines that roughly fill that many faxed pages


class _Doc:
    def __init__(self, rng: random.Random, type_key: str, patient: Person | None, sender: Sender,
                 pages: int) -> None:
        self.rng, self.type_key, self.patient, self.sender, self.pages = rng, type_key, patient, sender, pages
        self.date_style = _weighted(rng, DATE_STYLES)
        self.dob_style = (self.date_style if self.date_style != "us2" and rng.random() < 0.7
                          else _weighted(rng, DATE_STYLES[:-1]))
        self.name_style = rng.randrange(7)
        self.sex_style = rng.randrange(3)
        self.phone_style = rng.choice(PHONE_STYLES)
        self.fax_style = rng.choice(PHONE_STYLES)
        self.caps = rng.random() < 0.3
        self.author = _make_clinician(rng, rng.choice(ROLES[type_key]))
        self.author_style = rng.randrange(5)
        self.width = rng.randint(72, WIDTH)
        self.heading_style = rng.randrange(4)
        # Most senders keep one house letterhead; some documents come from another department.
        house = _stable(sender.facility)
        self.letterhead = (house + (rng.randrange(1, 5) if rng.random() < 0.3 else 0)) % 5
        self.demo_layout = rng.randrange(5)
        self.page_marks = rng.randrange(3)
        self.confidential = rng.random() < 0.3
        self.labels = [rng.choice(pool) for pool in (NAME_LABELS, DOB_LABELS, SEX_LABELS, MRN_LABELS,
                                                     PHONE_LABELS, ADDRESS_LABELS)]
        self.show_mrn = rng.random() < 0.85
        self.specialty = "Internal Medicine"  # the author's line under a signature
        born = patient.birth_date if patient else date(1900, 1, 1)
        earliest = max(date(2024, 2, 1), born + timedelta(days=100))
        self.doc_date = earliest + timedelta(days=rng.randrange(max(1, (date(2025, 12, 15) - earliest).days)))
        lo, hi = SERVICE_LAG[type_key]
        self.service_date = max(born + timedelta(days=30), self.doc_date - timedelta(days=rng.randint(lo, hi)))
        self.age = _age_years(born, self.service_date) if patient else 40
        if self.age < 18:
            self.specialty = "Pediatrics"
        female = patient is None or patient.sex == "female"
        self.words = {"he": "she" if female else "he", "He": "She" if female else "He",
                      "his": "her" if female else "his", "His": "Her" if female else "His",
                      "him": "her" if female else "him", "lang": rng.choice(LANGUAGES)}
        pool = PEDS_PROBLEMS if self.age < 18 else PROBLEMS
        self.problems = rng.sample(pool, rng.randint(2, min(4, len(pool))))
        self.meds = self.med_list(rng.randint(3, 7))
        self.allergy = rng.choice(ALLERGIES)

    # -- helpers
    def med_pool(self) -> list:
        pool = PEDS_MEDS if self.age < 18 else MEDS
        female = self.patient is not None and self.patient.sex == "female"
        return [m for m in pool if not (female and m[0].startswith("tamsulosin"))]

    def med_list(self, want: int) -> list:
        """Drugs for the problems on this document first, then others an older patient takes."""
        pool = self.med_pool()
        chosen: list = []
        for problem, _ in self.problems:
            names = TREATS.get(problem, ())
            fits = [m for m in pool if m[0].startswith(names)] if names else []
            chosen += [m for m in self.rng.sample(fits, min(len(fits), self.rng.randint(1, 2))) if m not in chosen]
        extras = [m for m in pool if m[0].startswith(EXTRA_MEDS) and m not in chosen]
        chosen += self.rng.sample(extras, min(len(extras), self.rng.randint(0, 2)))
        if len(chosen) < want:  # long lists: the rest of the patient's outside prescriptions
            rest = [m for m in pool if m not in chosen]
            chosen += self.rng.sample(rest, min(len(rest), want - len(chosen)))
        return chosen

    def ensure_problem(self, problem: str) -> None:
        """Puts the condition a note is about at the head of the history, replacing any rival
        (a second kind of diabetes or asthma), and keeps the medications in step."""
        code = dict(PROBLEMS + PEDS_PROBLEMS).get(problem, "")
        key = problem.split()[-1]
        self.problems = [(problem, code)] + [p for p in self.problems if key not in p[0]][:2]
        self.meds = self.med_list(len(self.meds))

    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def fmt(self, text: str, **extra) -> str:
        return text.format_map({**self.words, **extra})

    # -- field values, each returned as a part (name, written, normalised)
    def date(self, name: str, when: date, style: str | None = None) -> tuple[str, str, str]:
        return (name, _fmt_date(when, style or self.date_style), when.isoformat())

    def ddate(self, style: str | None = None):
        return self.date("document_date", self.doc_date, style)

    def sdate(self, style: str | None = None):
        return self.date("service_date", self.service_date, style)

    def plain_date(self, when: date, style: str | None = None) -> str:
        """A date that is neither the document's nor the service's (e.g. a discharge date)."""
        return _fmt_date(when, style or self.date_style)

    def dob(self, style: str | None = None):
        return self.date("birth_date", self.patient.birth_date, style or self.dob_style)

    def pname(self, style: int | None = None):
        p = self.patient
        g, f, m = p.given, p.family, _middle(p)
        text = (f"{g} {f}", f"{g} {m[0]}. {f}", f"{f.upper()}, {g.upper()}", f"{f}, {g} {m[0]}",
                f"{f.upper()}, {g.upper()} {m[0]}", f"{g} {m} {f}", f"{f}, {g}")[
            self.name_style if style is None else style]
        return ("patient_name", text, norm_name(g, f))

    def prose_name(self):
        return self.pname(self.pick((0, 0, 1, 5)))

    def sex(self, style: int | None = None):
        female = self.patient.sex == "female"
        style = self.sex_style if style is None else style
        text = (("F", "M"), ("Female", "Male"), ("FEMALE", "MALE"), ("female", "male"))[style][0 if female else 1]
        return ("sex", text, self.patient.sex)

    def sex_word(self):
        """Sex as prose states it after an age ("a 63-year-old woman")."""
        female = self.patient.sex == "female"
        if self.age < 18:
            options = ("girl", "female") if female else ("boy", "male")
        else:
            options = ("woman", "female") if female else ("man", "male")
        return ("sex", self.pick(options), self.patient.sex)

    def age_text(self) -> str:
        if self.age < 2:
            months = max(1, (self.service_date - self.patient.birth_date).days // 30)
            return f"{months}-month-old"
        return self.pick((f"{self.age}-year-old", f"{self.age} y.o.", f"{self.age} yo",
                          f"{self.age}-year-old"))

    def mrn(self):
        return ("mrn", self.patient.mrn, norm_code(self.patient.mrn))

    def issuer(self):
        text = self.sender.facility.upper() if self.caps else self.sender.facility
        return ("mrn_issuer", text, norm_text(text))

    def phone(self):
        return ("phone", _fmt_phone(self.patient.phone, self.phone_style), self.patient.phone)

    def address(self):
        p = self.patient
        text = self.pick((f"{p.street}, {p.city}, {p.state} {p.postcode}",
                          f"{p.street}, {p.city} {p.state} {p.postcode}",
                          f"{p.street} {p.city}, {p.state} {p.postcode}"))
        if self.caps:
            text = text.upper()
        return ("address", text, norm_text(text))

    def prov(self, style: int | None = None):
        text = self.author.written(self.author_style if style is None else style)
        return ("provider", text, self.author.normalized)

    def npi(self):
        return ("npi", self.author.npi, self.author.npi)

    def facility(self, caps: bool | None = None):
        text = self.sender.facility.upper() if (self.caps if caps is None else caps) else self.sender.facility
        return ("facility", text, norm_text(text))

    def fax(self, style: str | None = None):
        return ("fax", _fmt_phone(self.sender.fax, style or self.fax_style), self.sender.fax)

    def ref(self) -> str:
        """How the body refers to the patient after the first mention."""
        p = self.patient
        if self.age < 18:
            return self.pick((p.given, "the patient", p.given))
        return self.pick((f"{'Ms.' if p.sex == 'female' else 'Mr.'} {p.family}", "the patient", "pt"))

    def opening(self, tail: str = "") -> list:
        """The first sentence of a history: who the patient is."""
        problems = " and ".join(name for name, _ in self.problems[:2])
        form = self.rng.randrange(3)
        if form == 0:
            lead = [self.prose_name(), " is "]
        elif form == 1:
            lead = ["This is "]
        else:
            lead = ["Patient is "]
        return [*lead, _a(self.age_text()), " ", self.sex_word(), f" with a history of {problems} who ",
                self.fmt(tail)]


# ---------------------------------------------------------------------------------------------
# Page furniture: letterheads, demographics blocks, titles, sections, signatures, pagination


def _letterhead(doc: _Doc) -> list[list]:
    street, town = _site(doc.sender)
    main = _fmt_phone(doc.sender.phone, doc.fax_style)
    dept = doc.pick(DEPARTMENTS[doc.type_key]) if doc.chance(0.6) else None
    show_fax = doc.chance(0.88)
    fax = [doc.fax()] if show_fax else []
    kind = doc.letterhead
    if kind == 0:  # centred, capitals
        out = [_center([doc.facility(True)])]
        if dept:
            out.append(_center([dept.upper()]))
        out.append(_center([f"{street} * {town}"]))
        out.append(_center([f"Tel {main}", *(["    Fax ", *fax] if fax else [])]))
        return out
    if kind == 1:  # flush left with a rule
        out = [[doc.facility()]]
        if dept:
            out.append([dept])
        out.append([f"{street} | {town}"])
        out.append([f"P: {main}", *([" | F: ", *fax] if fax else [])])
        out.append(["-" * doc.width])
        return out
    if kind == 2:  # boxed, two columns
        inner = doc.width - 4
        rows = [_two_col([doc.facility(True)], [f"Phone {main}"], inner),
                _two_col([dept or town], ["Fax   ", *fax] if fax else [street[:30]], inner)]
        edge = ["+" + "-" * (inner + 2) + "+"]
        return [edge, *[["| ", *row, " " * max(0, inner - _vlen(row)), " |"] for row in rows], edge]
    if kind == 3:  # printed from an electronic record: fax sits in the page footer
        out = [_two_col([doc.facility()], [dept or "Clinical Document"], doc.width)]
        out.append([f"{street}, {town}  Tel {main}"])
        out.append(["=" * doc.width])
        return out
    out = [[doc.facility()]]  # letter paper: address block to the right
    if doc.type_key in ("referral_note", "other", "insurance_correspondence") and doc.chance(0.4):
        out.append(["Office of ", doc.prov()])
    out += [_right([street], doc.width), _right([town], doc.width),
            _right([f"Telephone {main}"], doc.width)]
    if fax:
        out.append(_right(["Facsimile ", *fax], doc.width))
    return out


def _upper_label(label: list) -> list:
    return [p.upper() if isinstance(p, str) else p for p in label]


def _identity(doc: _Doc) -> list[tuple[list, list]]:
    """The patient's identifiers for the demographics block, with the labels this document uses."""
    name_l, dob_l, sex_l, mrn_l, phone_l, addr_l = doc.labels
    busy = doc.type_key in ("referral_note", "consent_form", "insurance_correspondence",
                            "emergency_department_note", "other")
    items = [([name_l], [doc.pname()])]
    if doc.chance(0.95):
        value = [doc.dob()]
        if doc.chance(0.3):
            months = (doc.service_date - doc.patient.birth_date).days // 30
            age = f"{doc.age} y" if doc.age >= 2 else f"{months} mo"
            value += [f"  ({age})" if doc.chance(0.5) else f"  Age: {age}"]
        items.append(([dob_l], value))
    if doc.chance(0.6):
        items.append(([sex_l], [doc.sex()]))
    if doc.show_mrn:
        if doc.chance(0.2):
            items.append(([doc.issuer(), " MRN"], [doc.mrn()]))
        elif doc.chance(0.15):
            items.append(([mrn_l], [doc.mrn(), " (", doc.issuer(), ")"]))
        else:
            items.append(([mrn_l], [doc.mrn()]))
    if doc.chance(0.55 if busy else 0.25):
        items.append(([addr_l], [doc.address()]))
    if doc.chance(0.5 if busy else 0.25):
        items.append(([phone_l], [doc.phone()]))
    if doc.chance(0.2):
        items.append((["Acct #"], [f"{doc.rng.randrange(10 ** 8, 10 ** 9)}"]))
    return items


def _rstrip(line: list) -> list:
    while line and isinstance(line[-1], str) and not line[-1].strip():
        line = line[:-1]
    if line and isinstance(line[-1], str):
        line = [*line[:-1], line[-1].rstrip()]
    return line or [""]


def _demographics(doc: _Doc, items: list) -> list[list]:
    items = [([label] if isinstance(label, str) else label, value) for label, value in items]
    layout = doc.demo_layout
    out: list[list] = []
    if layout == 0:  # label column
        col = min(max(_vlen(label) for label, _ in items) + 3, 24)
        for label, value in items:
            line = [*label, ":", " " * max(1, col - _vlen(label) - 1), *value]
            out += [line] if _vlen(line) <= WIDTH else [[*label, ":"], ["    ", *value]]
    elif layout == 1:  # two columns, capital labels
        cells = [[*_upper_label(label), ": ", *value] for label, value in items]
        col, i = 46, 0
        while i < len(cells):
            left = cells[i]
            right = cells[i + 1] if i + 1 < len(cells) else None
            if right and _vlen(left) <= col - 2 and col + _vlen(right) <= WIDTH:
                out.append([*left, " " * (col - _vlen(left)), *right])
                i += 2
            else:
                out.append(left)
                i += 1
    elif layout == 2:  # run together on as few lines as will hold them
        line: list = []
        for n, (label, value) in enumerate(items):
            cell = ([*value] if n == 0 and doc.chance(0.5) else [*label, " ", *value])
            if line and _vlen(line) + 3 + _vlen(cell) > WIDTH:
                out.append(line)
                line = []
            line = [*line, " | ", *cell] if line else cell
        out.append(line)
    elif layout == 3:  # a table: labels over values
        group: list = []

        def flush():
            widths = [max(_vlen(l), _vlen(v)) + 3 for l, v in group]
            labels = [p for (l, _), w in zip(group, widths) for p in (*_upper_label(l), " " * (w - _vlen(l)))]
            values = [p for (_, v), w in zip(group, widths) for p in (*v, " " * (w - _vlen(v)))]
            out.extend([_rstrip(labels), _rstrip(values)])

        for label, value in items:
            width = max(_vlen(label), _vlen(value)) + 3
            if group and sum(max(_vlen(l), _vlen(v)) + 3 for l, v in group) + width > WIDTH:
                flush()
                group = []
            group.append((label, value))
        flush()
    else:  # "RE:" block as letters and forms print it
        first = True
        for label, value in items:
            out.append(["RE:   ", *value] if first else ["      ", *label, ": ", *value])
            first = False
    return [_rstrip(line) for line in out]


def _title_lines(doc: _Doc, title: str) -> list[list]:
    style = doc.rng.randrange(4)
    if style == 0:
        return [_center([title.upper()], doc.width)]
    if style == 1:
        return [[title.upper()], ["=" * len(title)]]
    if style == 2:
        return [_center([f"*** {title.upper()} ***"], doc.width)]
    return [[title]]


def _section(doc: _Doc, heading: str | None, content, optional: bool = False,
             block: bool = False) -> tuple[bool, list[list]]:
    """A heading and its content; `block` keeps lists and tables under their heading."""
    items = [c if isinstance(c, _Item) else _Item([c] if isinstance(c, (str, tuple)) else list(c))
             for c in content]
    lines: list[list] = []
    style = doc.heading_style
    if heading:
        if style in (1, 3) and not block and items and items[0].hang is None and not items[0].indent:
            lead = f"{heading.upper()}: " if style == 3 else f"{heading}: "
            lines += _wrap([lead, *items.pop(0).parts], doc.width)
        elif style == 2:
            lines += [[heading.upper()], ["-" * len(heading)]]
        else:
            lines.append([f"{heading.upper()}:"])
    for item in items:
        lines += _wrap(item.parts, doc.width, item.indent, item.hang)
    lines.append([""])
    return optional, lines


def _fit(doc: _Doc, sections: list[tuple[bool, list[list]]]) -> list[list]:
    """Keeps every required section and as many optional ones as the page count has room for."""
    budget = BUDGET[doc.pages]
    keep = [not optional for optional, _ in sections]
    total = sum(len(lines) for optional, lines in sections if not optional)
    order = [i for i, (optional, _) in enumerate(sections) if optional]
    doc.rng.shuffle(order)
    for i in order:
        if total + len(sections[i][1]) <= budget:
            keep[i] = True
            total += len(sections[i][1])
    return [line for kept, (_, lines) in zip(keep, sections) if kept for line in lines]


def _signature(doc: _Doc, kinds=("esign", "line", "dictated", "attest")) -> list[list]:
    kind = doc.pick(kinds)
    p, t = doc.prov(), _fmt_time(doc.rng)
    if kind == "esign":
        lead = doc.pick(("Electronically signed by: ", "E-signed by ", "Electronically authenticated by "))
        out = _wrap([lead, p, " on ", doc.ddate(), " at ", t], doc.width)
        if doc.chance(0.6):
            out.append(["NPI: ", doc.npi()])
        return out
    if kind == "line":
        out = [[""], ["_" * 36], [p]]
        if doc.chance(0.5):
            out.append([doc.specialty, *(["   NPI ", doc.npi()] if doc.chance(0.6) else [])])
        out.append(["Date: ", doc.ddate()])
        return out
    if kind == "dictated":
        out = _wrap(["Dictated by: ", p], doc.width)
        hour = doc.rng.randint(6, 20)
        out.append(["D: ", doc.ddate(), f" {hour:02d}:{doc.rng.randrange(60):02d}   T: ", doc.ddate(),
                    f" {hour + doc.rng.randint(1, 3):02d}:{doc.rng.randrange(60):02d}"])
        out.append([f"Job #: {doc.rng.randrange(100000, 999999)}"])
        return out
    if kind == "attest":
        out = _wrap(["Attested and signed: ", doc.prov(3), *([" (NPI# ", doc.npi(), ")"] if doc.chance(0.6) else [])],
                    doc.width)
        out.append(["Signed: ", doc.ddate(), f" {t}"])
        return out
    out = [["Sincerely,"], [""], [""], [p], [doc.specialty]]  # a letter's close
    if doc.chance(0.4):
        out.append(["NPI ", doc.npi()])
    return out


def _continuation(doc: _Doc, page: int, title: str | None) -> list[list]:
    """Top of pages 2 and on; some layouts repeat the patient's identifiers, as EHR prints do."""
    kind, n = doc.letterhead, doc.pages
    if doc.patient is None:
        return [[f"{title or 'Continued'} - page {page} of {n}"], [""]]
    mrn = ["  MRN: ", doc.mrn()] if doc.show_mrn else []
    if kind == 0:
        return [_two_col([doc.pname(), "   DOB: ", doc.dob()], [f"Page {page} of {n}"], doc.width), [""]]
    if kind == 1:
        head = [title] if title else [doc.facility()]
        return [[*head, " (continued)"], [""]]
    if kind == 2:
        return [_two_col(["Patient: ", doc.pname(), *mrn], [f"Page {page}/{n}"], doc.width), [""]]
    if kind == 3:
        return [["Patient: ", doc.pname(), *mrn, "   DOB: ", doc.dob()], ["=" * doc.width]]
    return [["Re: ", doc.pname(), f" - page {page}"], [""]]


def _footer(doc: _Doc, page: int) -> list[list]:
    n = doc.pages
    out: list[list] = []
    if doc.letterhead == 3:
        line = [doc.facility(), " | Fax ", doc.fax(), f" | Page {page} of {n}"]
        out += [[""], line if _vlen(line) <= WIDTH else ["Fax ", doc.fax(), f" | Page {page} of {n}"]]
    elif doc.page_marks == 1:
        out += [[""], _center([f"Page {page} of {n}"], doc.width)]
    elif doc.page_marks == 2 and n > 1:
        out += [[""], _right([f"{page}/{n}"], doc.width)]
    if page == n and doc.confidential:
        out += [[""], *_wrap(doc.pick(CONFIDENTIAL), doc.width)]
    return out


def _split(lines: list[list], n: int) -> list[list[list]]:
    """Divides the body across `n` pages, the first lighter because the letterhead is on it."""
    if n == 1:
        return [lines]
    first = max(1, round(len(lines) * 0.7 / (0.7 + n - 1)))
    rest = (len(lines) - first) / (n - 1)
    cuts = [0, first] + [first + round(rest * k) for k in range(1, n)]
    cuts[-1] = len(lines)
    chunks = [lines[cuts[k]:cuts[k + 1]] for k in range(n)]
    for k in range(1, n):  # a page does not start with a blank line
        while len(chunks[k]) > 1 and chunks[k][0] == [""]:
            chunks[k].pop(0)
    return chunks


@dataclass
class _Spec:
    """What a type's builder decides: its title, extra header items, body and sign-off."""
    title: str | None
    items: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    signature: list = field(default_factory=list)
    letter: list | None = None  # replaces the demographics block (letters print a RE: line)
    letterhead: list | None = None  # replaces the sender's letterhead (a payer's letter)


def _assemble(doc: _Doc, spec: _Spec) -> LabelledDocument:
    head = spec.letterhead if spec.letterhead is not None else _letterhead(doc)
    head = [*head, [""]]
    if spec.title:
        head += [*_title_lines(doc, spec.title), [""]]
    if spec.letter is not None:
        head += spec.letter
    else:
        items = (_identity(doc) if doc.patient else []) + spec.items
        if items:
            head += [*_demographics(doc, items), [""]]
    body = _fit(doc, spec.sections)
    while len(body) < doc.pages * 2:  # every page carries something of the body
        body.append([""])
    builders = []
    for number, chunk in enumerate(_split(body, doc.pages), start=1):
        page = PageBuilder(number)
        top = head if number == 1 else _continuation(doc, number, spec.title)
        bottom = spec.signature if number == doc.pages else []
        for line in [*top, *chunk, *bottom, *_footer(doc, number)]:
            page.add(*_rstrip(line))
        builders.append(page)
    return LabelledDocument(doc.type_key, [b.lines for b in builders],
                            [f for b in builders for f in b.fields], doc.patient, doc.sender)


# ---------------------------------------------------------------------------------------------
# Sections many clinical notes share


def _vitals(doc: _Doc) -> str:
    r = doc.rng
    if doc.age < 12:
        parts = [f"T {r.uniform(97.8, 101.8):.1f} F", f"HR {r.randint(86, 140)}", f"RR {r.randint(18, 32)}",
                 f"SpO2 {r.randint(95, 100)}% RA", f"Wt {(2 * doc.age + 8) * r.uniform(0.85, 1.2):.1f} kg"]
    else:
        temp = (f"T {r.uniform(97.2, 100.4):.1f} F" if doc.chance(0.7) else f"Temp {r.uniform(36.3, 38.0):.1f} C")
        parts = [f"BP {r.randint(102, 164)}/{r.randint(58, 96)}", f"HR {r.randint(56, 108)}",
                 f"RR {r.randint(12, 20)}", temp, f"SpO2 {r.randint(92, 100)}% on room air",
                 f"Wt {r.uniform(48, 128):.1f} kg" if doc.chance(0.6) else f"Wt {r.randint(105, 280)} lb"]
    return doc.pick(("  ", " | ", ", ")).join(parts)


def _sec_history(doc: _Doc, optional: bool = True) -> tuple:
    heading = doc.pick(("Past Medical History", "PMH", "Medical History", "Problem List"))
    texts = [f"{name} ({code})" if code and doc.chance(0.4) else name for name, code in doc.problems]
    return _section(doc, heading, _bullets([t[0].upper() + t[1:] for t in texts]), optional)


def _sec_surgical(doc: _Doc) -> tuple:
    pool = [s for s in SURGICAL_HISTORY if not (s.startswith("Cesarean") and doc.patient.sex == "male")]
    return _section(doc, doc.pick(("Past Surgical History", "PSH", "Surgical History")),
                    [", ".join(doc.rng.sample(pool, 2))], True)


def _expand_sig(sig: str) -> str:
    return re.sub(r"[A-Za-z]+", lambda m: SIG_WORDS.get(m.group(), m.group()), sig)


def _med_line(doc: _Doc, drug: str, sig: str, expand: bool) -> str:
    if expand:
        sig = _expand_sig(sig)
    return f"{drug} - {sig}" if doc.chance(0.5) else f"{drug}, {sig}"


def _sec_meds(doc: _Doc, optional: bool = True) -> tuple:
    expand = doc.chance(0.3)
    heading = doc.pick(("Medications", "Current Medications", "Home Medications", "Outpatient Meds"))
    return _section(doc, heading, _bullets([_med_line(doc, d, s, expand) for d, s in doc.meds],
                                           doc.pick(("-", "1", "*"))), optional)


def _sec_allergies(doc: _Doc, optional: bool = True) -> tuple:
    return _section(doc, doc.pick(("Allergies", "Allergy", "Drug Allergies")), [doc.allergy], optional)


def _sec_social(doc: _Doc) -> tuple:
    return _section(doc, doc.pick(("Social History", "SH", "Social Hx")),
                    [doc.pick(SOCIAL_CHILD if doc.age < 18 else SOCIAL_ADULT)], True)


def _sec_family(doc: _Doc) -> tuple:
    return _section(doc, doc.pick(("Family History", "FH", "Family Hx")), [doc.pick(FAMILY_HISTORY)], True)


def _sec_ros(doc: _Doc) -> tuple:
    lines = _some(doc.rng, ROS_LINES, doc.rng.randint(5, len(ROS_LINES)))
    if doc.chance(0.3):
        lines = ["All other systems reviewed and negative except as noted in the HPI."]
    return _section(doc, doc.pick(("Review of Systems", "ROS")), lines, True)


def _sec_exam(doc: _Doc, optional: bool = True, heading: str | None = None) -> tuple:
    lines = ["Vitals: " + _vitals(doc), *_some(doc.rng, EXAM_LINES, doc.rng.randint(5, len(EXAM_LINES)))]
    return _section(doc, heading or doc.pick(("Physical Exam", "Physical Examination", "Exam", "PE")),
                    lines, optional)


def _sec_labs(doc: _Doc) -> tuple:
    r = doc.rng
    text = (f"WBC {r.uniform(4.5, 15.5):.1f}, Hgb {r.uniform(8.5, 15.5):.1f}, Plt {r.randint(140, 420)}; "
            f"Na {r.randint(131, 144)}, K {r.uniform(3.3, 5.2):.1f}, Cl {r.randint(96, 108)}, "
            f"CO2 {r.randint(19, 30)}, BUN {r.randint(8, 40)}, Cr {r.uniform(0.6, 2.4):.2f}, "
            f"glucose {r.randint(78, 310)}.")
    return _section(doc, doc.pick(("Labs", "Laboratory Data", "Data Reviewed", "Pertinent Results")),
                    [text], True)


# ---------------------------------------------------------------------------------------------
# Builders, one per type


def _referral(doc: _Doc) -> _Spec:
    specialty, reason, icd, detail = doc.pick(PEDS_REFERRALS if doc.age < 18 else REFERRALS)
    to_given, to_family = doc.pick(FEMALE_GIVEN + MALE_GIVEN), doc.pick(FAMILY)
    doc.specialty = "Pediatrics" if doc.age < 18 else doc.pick(("Family Medicine", "Internal Medicine"))
    history = " and ".join(name for name, _ in doc.problems[:3])
    notes = [doc.fmt(s) for s in _some(doc.rng, REFERRAL_LINES, doc.rng.randint(3, 6))]
    extra = [_sec_meds(doc), _sec_allergies(doc), _sec_history(doc), _sec_surgical(doc),
             _section(doc, "Most Recent Vitals", [_vitals(doc)], True),
             _section(doc, "Enclosures", _bullets(doc.rng.sample(
                 ["Office note(s)", "Lab results", "Imaging report", "Medication list", "Insurance card copy",
                  "Problem list"], 3)), True),
             _sec_social(doc), _sec_family(doc), _sec_labs(doc)]
    if doc.chance(0.45):  # a letter to the specialist
        doc.demo_layout = 4
        letter = [[doc.ddate("long" if doc.chance(0.6) else None)], [""], [f"Dr. {to_given} {to_family}"],
                  [specialty], [""]]
        letter += _demographics(doc, [(["Patient"], [doc.pname()]), (["DOB"], [doc.dob()]),
                                      *([(["MRN"], [doc.mrn()])] if doc.show_mrn else [])])
        letter += [[""], [f"Dear Dr. {to_family}:"], [""]]
        body = [
            _section(doc, None, [[doc.pick(("I am writing to refer ", "I would appreciate your seeing ",
                                            "Thank you for agreeing to see ")),
                                  doc.prose_name(), ", ", _a(doc.age_text()), " ", doc.sex_word(),
                                  f", for evaluation of {reason}."]]),
            _section(doc, None, [f"{detail} {doc.words['His']} history is also notable for {history}."]),
            _section(doc, None, [" ".join(notes)]),
            *extra,
            _section(doc, None, ["Thank you for your assistance. Please do not hesitate to contact me."]),
        ]
        sig = _signature(doc, ("sincerely",))
        return _Spec(doc.pick((None, None, "Referral Letter")), sections=body, signature=sig, letter=letter)
    title = doc.pick(("REFERRAL REQUEST", "Outpatient Referral Form", "SPECIALTY REFERRAL", "Referral Order",
                      "Consultation Request / Referral"))
    info = [["Referred to: ", f"Dr. {to_given} {to_family}, {specialty}"], ["Priority: ", doc.pick(URGENCY)],
            ["Referring provider: ", doc.prov(), *(["  NPI ", doc.npi()] if doc.chance(0.7) else [])],
            ["Date of referral: ", doc.ddate()]]
    if doc.chance(0.5):
        info.append(["Last office visit: ", doc.sdate()])
    body = [
        _section(doc, "Referral Information", info, block=True),
        _section(doc, "Reason for Referral", [reason[0].upper() + reason[1:] + "."]),
        _section(doc, doc.pick(("Diagnosis", "Diagnosis (ICD-10)", "Dx")), [f"{icd}  {reason}"]),
        _section(doc, "Clinical Summary", [[*doc.opening("is being referred for the above."), " ", detail]]),
        *extra,
        _section(doc, doc.pick(("Comments", "Additional Information", "Notes to Specialist")), notes),
    ]
    sig = _signature(doc, ("line", "esign"))
    return _Spec(title, sections=body, signature=sig)


def _consult(doc: _Doc) -> _Spec:
    specialty, reason, impression, recs = doc.pick(CONSULTS)
    underlying = {"Nephrology": "chronic kidney disease, stage 3a", "Endocrinology": "type 2 diabetes mellitus",
                  "Gastroenterology": "osteoarthritis of both knees"}  # the NSAID user
    if specialty in underlying:
        doc.ensure_problem(underlying[specialty])
    doc.specialty = specialty
    requester = _other_doctor(doc.rng, doc.chance(0.5))
    closing = [doc.fmt(s) for s in _some(doc.rng, CONSULT_LINES, doc.rng.randint(2, 4))]
    hpi = [*doc.opening(f"was admitted and is seen at the request of {requester} for {reason}."),
           " ", doc.fmt(doc.pick(("{He} reports symptoms began about 3 days before admission.",
                                  "History was obtained from the patient and the chart.",
                                  "{He} is a limited historian; history supplemented by family.")))]
    body = [
        _section(doc, doc.pick(("Reason for Consultation", "Reason for Consult", "Consult Question")),
                 [reason[0].upper() + reason[1:] + "."]),
        _section(doc, doc.pick(("History of Present Illness", "HPI")), [hpi]),
        _sec_history(doc), _sec_surgical(doc), _sec_meds(doc), _sec_allergies(doc), _sec_social(doc),
        _sec_family(doc), _sec_ros(doc), _sec_exam(doc), _sec_labs(doc),
        _section(doc, doc.pick(("Impression", "Assessment", "Impression and Assessment")), [impression]),
        _section(doc, doc.pick(("Recommendations", "Plan / Recommendations", "Recs")), _bullets(recs, "1")),
        _section(doc, None, closing),
    ]
    date_label = doc.pick(("Date of Consultation", "Consult Date", "Date of Service"))
    items = [([date_label], [doc.sdate()]), (["Requesting Physician"], [requester])]
    if doc.chance(0.5):
        items.append((["Consultant"], [doc.prov()]))
    if doc.chance(0.2):  # an outpatient consult goes back to the referring doctor as a letter
        doc.demo_layout = 4
        family = requester.split()[-1]
        letter = [[doc.ddate("long")], [""], [requester], [""]]
        letter += _demographics(doc, [(["Patient"], [doc.pname()]), (["DOB"], [doc.dob()])])
        letter += [[""], [f"Dear Dr. {family}:"], [""],
                   *_wrap(["Thank you for referring ", doc.prose_name(), f" to our {specialty.lower()} clinic. "
                           "I saw the patient in consultation on ", doc.sdate(), "."], doc.width), [""]]
        return _Spec(doc.pick((None, f"{specialty} Consultation")), sections=body,
                     signature=_signature(doc, ("sincerely",)), letter=letter)
    title = doc.pick(("CONSULTATION", "Consultation Report", "Inpatient Consult Note", f"{specialty} Consult",
                      "Initial Consultation", None))
    return _Spec(title, items, body, _signature(doc))


HP_LINES = (
    "DVT prophylaxis: enoxaparin 40 mg subcut daily.",
    "Code status: full code, confirmed with the patient.",
    "Inpatient status; expected length of stay crosses two midnights.",
    "Diet: NPO except medications until swallow screen completed.",
    "Disposition: admit to telemetry under the hospitalist service.",
    "Health care proxy: spouse; contact number in chart.",
    "Anticipated discharge in 2-3 days.",
    "Fall precautions; PT and OT evaluations ordered.",
    "Plan discussed with the patient and family at the bedside.",
    "Home medications reconciled and resumed except as noted.",
)


def _history_and_physical(doc: _Doc) -> _Spec:
    cases = ADMISSIONS if doc.age >= 18 else [ADMISSIONS[i] for i in (2, 3, 5, 7)]
    cc, history, hpi, assessment, plan = doc.pick(cases)
    if history:
        doc.ensure_problem(history)
    extra_plan = _some(doc.rng, HP_LINES, doc.rng.randint(3, 6))
    body = [
        _section(doc, doc.pick(("Chief Complaint", "CC", "Reason for Admission")), [cc]),
        _section(doc, doc.pick(("History of Present Illness", "HPI")), [doc.opening(hpi)]),
        _sec_history(doc, False), _sec_surgical(doc), _sec_meds(doc, False), _sec_allergies(doc, False),
        _sec_social(doc), _sec_family(doc), _sec_ros(doc), _sec_exam(doc, False), _sec_labs(doc),
        _section(doc, doc.pick(("Assessment and Plan", "Assessment/Plan", "Impression and Plan", "A/P")),
                 [assessment, *_bullets([*plan, *extra_plan])]),
    ]
    items = [([doc.pick(("Admission Date", "Date of Admission", "Admit Date"))], [doc.sdate()])]
    if doc.chance(0.6):
        items.append(([doc.pick(("Attending", "Admitting Physician", "Author"))], [doc.prov()]))
    if doc.chance(0.4):
        items.append((["Room"], [f"{doc.rng.randint(2, 7)}{doc.pick('NSEW')}-{doc.rng.randint(100, 460)}"]))
    title = doc.pick(("HISTORY AND PHYSICAL", "Admission History & Physical", "H&P", "History and Physical "
                      "Examination", "Admission H&P", None))
    return _Spec(title, items, body, _signature(doc))


PROGRESS_LINES = (
    "Reports taking medications as prescribed without side effects.",
    "Home blood pressure readings average 128-136/78-84.",
    "Denies chest pain, shortness of breath, palpitations or lightheadedness.",
    "Sleep has improved since starting CPAP; uses it most nights.",
    "Fasting glucose log reviewed: mostly 110-140 mg/dL.",
    "PHQ-9 today is 4, down from 11 at the last visit.",
    "No falls, ED visits or hospitalizations since the last visit.",
    "Counseled on diet, activity and weight management.",
)
PEDS_PROGRESS_LINES = (
    "Here with mother for follow-up; no new concerns today.",
    "Growth is tracking along the 60th percentile for weight and height.",
    "Using the controller inhaler daily; rescue inhaler twice in the past month.",
    "Sleeping through the night; school performance is good per parent.",
)
INPATIENT_LINES = (
    "Afebrile overnight; no acute events.",
    "Tolerating a regular diet and ambulating in the hall with PT.",
    "I/O: 1.8 L in, 2.6 L out; weight down 1.1 kg from yesterday.",
    "Labs this morning: WBC 9.8 (from 14.2), creatinine 1.1, potassium 4.0.",
    "Continue IV antibiotics, day 3 of 5; follow cultures.",
    "Anticipate discharge in 24-48 hours if clinically stable.",
    "Discussed at interdisciplinary rounds with nursing and case management.",
)
PLAN_BITS = ("Continue current regimen.", "Increase dose as discussed; recheck in 4 weeks.",
             "Repeat labs before the next visit.", "Referral placed to nutrition.",
             "Goals reviewed; patient agrees with plan.", "Stable; no changes today.",
             "Not at goal; adherence discussed.", "Improving on current therapy.")


def _progress(doc: _Doc) -> _Spec:
    inpatient = doc.age >= 18 and doc.chance(0.3)
    if inpatient:
        day = doc.rng.randint(2, 6)
        subjective = _some(doc.rng, INPATIENT_LINES, 3)
        title = doc.pick(("Daily Progress Note", f"Hospital Day {day} - Progress Note", "PROGRESS NOTE",
                          "Hospitalist Progress Note"))
    else:
        pool = PEDS_PROGRESS_LINES if doc.age < 18 else PROGRESS_LINES
        subjective = _some(doc.rng, pool, min(len(pool), doc.rng.randint(2, 4)))
        title = doc.pick(("PROGRESS NOTE", "Office Visit", "Follow-Up Visit Note", "Clinic Note", "SOAP Note",
                          None))
    problems = " and ".join(name for name, _ in doc.problems[:2])
    if inpatient:
        first = [doc.ref().capitalize(), " seen and examined on rounds this morning."]
    else:
        verb = doc.pick(("returns for follow-up of", "is seen today for", "presents for routine follow-up of"))
        first = [doc.prose_name() if doc.chance(0.5) else doc.ref().capitalize(), f" {verb} {problems}."]
    assessment = [_Item([f"{i}. {name[0].upper()}{name[1:]}" + (f" ({code})" if code and doc.chance(0.5) else "")
                         + f" - {doc.pick(PLAN_BITS)}"], "", "   ")
                  for i, (name, code) in enumerate(doc.problems, 1)]
    s_head, o_head, a_head = doc.pick((("Subjective", "Objective", "Assessment and Plan"),
                                       ("S", "O", "A/P"), ("Interval History", "Exam", "Assessment/Plan")))
    body = [
        _section(doc, s_head, [first, *subjective]),
        _sec_meds(doc), _sec_allergies(doc), _sec_ros(doc),
        _sec_exam(doc, False, o_head), _sec_labs(doc),
        _section(doc, a_head, [*assessment, "Continue inpatient care as above; discussed with the patient."
                               if inpatient else doc.pick(("Return to clinic in 3 months, sooner if needed.",
                                                           "Follow up in 6 weeks.", "RTC 4-6 weeks."))]),
        *([] if inpatient else [
            _section(doc, "Health Maintenance", [doc.pick((
                "Immunizations up to date; vision and hearing screens passed.",) if doc.age < 18 else (
                "Colonoscopy due 2027; influenza vaccine given today.",
                "Pneumococcal vaccine discussed; lipid panel ordered."))], True),
            _section(doc, "Patient Instructions", ["Reviewed the plan; after-visit summary provided."], True)]),
        _sec_history(doc),
    ]
    items = [([doc.pick(("Date of Service", "Visit Date", "DOS", "Encounter Date"))], [doc.sdate()])]
    if doc.chance(0.5):
        items.append(([doc.pick(("Provider", "Seen by", "Author"))], [doc.prov()]))
    if doc.chance(0.3):
        items.append((["Visit Type"], [doc.pick(("Established patient, follow-up", "Hospital follow-up",
                                                 "Telehealth (video)"))]))
    return _Spec(title, items, body, _signature(doc))


def _discharge(doc: _Doc) -> _Spec:
    courses = HOSPITAL_COURSES if doc.age >= 18 else [HOSPITAL_COURSES[i] for i in (0, 2, 3, 5)]
    admit_dx, discharge_dx, course, changes = doc.pick(courses)
    discharged = min(doc.doc_date, doc.service_date + timedelta(days=doc.rng.randint(1, 9)))
    los = max(1, (discharged - doc.service_date).days)
    disposition = doc.pick(("Home", "Home with home health", "Skilled nursing facility",
                            "Home with family", "Acute rehabilitation"))
    continued = [_med_line(doc, d, s, False) for d, s in doc.meds[:4]]
    body = [
        _section(doc, doc.pick(("Admitting Diagnosis", "Reason for Hospitalization")), [admit_dx]),
        _section(doc, doc.pick(("Discharge Diagnoses", "Final Diagnoses", "Principal and Secondary Diagnoses")),
                 _bullets(discharge_dx, "1")),
        _section(doc, "Consultants", [", ".join(_other_doctor(doc.rng) + f" ({s})" for s in
                                                doc.rng.sample(("Cardiology", "GI", "ID", "Nephrology"), 2))], True),
        _section(doc, doc.pick(("Hospital Course", "Brief Hospital Course", "Summary of Hospitalization")),
                 [[*doc.opening("was admitted for " + admit_dx.lower() + "."), " ", doc.fmt(course)]]),
        _section(doc, "Procedures", [doc.pick(("None.", "EGD with biopsy.", "Transthoracic echocardiogram.",
                                               "PICC line placement."))], True),
        _section(doc, "Condition at Discharge", [doc.pick(("Stable.", "Good; improved.", "Fair, stable."))]),
        _section(doc, doc.pick(("Discharge Medications", "Medications at Discharge")),
                 [changes, *_bullets(["CONTINUE: " + c for c in continued])]),
        _section(doc, "Allergies", [doc.allergy], True),
        _section(doc, doc.pick(("Follow-up", "Follow-Up Appointments")),
                 [f"Primary care provider in 5-7 days. {_other_doctor(doc.rng)} in 2-4 weeks."]),
        _section(doc, "Instructions", _some(doc.rng, DISCHARGE_LINES, doc.rng.randint(3, 6)), True),
        _sec_labs(doc), _sec_exam(doc, True, "Exam at Discharge"),
        _section(doc, "Pending Results", ["Final blood culture results; pathology if applicable."], True),
    ]
    items = [([doc.pick(("Admission Date", "Date of Admission", "Admitted"))], [doc.sdate()]),
             ([doc.pick(("Discharge Date", "Date of Discharge", "Discharged"))], [doc.plain_date(discharged)])]
    if doc.chance(0.4):
        items.append((["Length of Stay"], [f"{los} day{'s' if los > 1 else ''}"]))
    if doc.chance(0.6):
        items.append(([doc.pick(("Attending", "Attending Physician", "Discharging Physician"))], [doc.prov()]))
    items.append((["Disposition"], [disposition]))
    title = doc.pick(("DISCHARGE SUMMARY", "Hospital Discharge Summary", "Physician Discharge Summary",
                      "Discharge Summary - Inpatient", None))
    return _Spec(title, items, body, _signature(doc))


def _operative(doc: _Doc) -> _Spec:
    pool = OPERATIONS if doc.age >= 18 else [op for op in OPERATIONS if op[0].startswith(("Tonsil", "Lap", "Open red"))]
    name, preop, anesthesia, ebl, specimen, findings, steps = doc.pick(
        [op for op in pool if doc.age >= MIN_AGE.get(op[0], 0)])
    doc.specialty = doc.pick(("General Surgery", "Orthopaedic Surgery", "Surgery"))
    assistant = doc.pick(("None", _other_doctor(doc.rng), "Surgical resident"))
    description = [*_some(doc.rng, OPERATIVE_LINES[:4], doc.rng.randint(2, 4)), *steps,
                   *_some(doc.rng, OPERATIVE_LINES[4:], doc.rng.randint(2, 4))]
    same = doc.chance(0.5)
    body = [
        _section(doc, doc.pick(("Preoperative Diagnosis", "Pre-op Diagnosis", "Preoperative Dx")), [preop]),
        _section(doc, doc.pick(("Postoperative Diagnosis", "Post-op Diagnosis", "Postoperative Dx")),
                 ["Same." if same else preop]),
        _section(doc, doc.pick(("Procedure Performed", "Procedure(s)", "Operation", "Name of Operation")), [name]),
        _section(doc, "Anesthesia", [anesthesia]),
        _section(doc, doc.pick(("Estimated Blood Loss", "EBL")), [ebl]),
        _section(doc, "IV Fluids", [f"{doc.rng.randint(6, 25) * 100} mL crystalloid"], True),
        _section(doc, "Specimens", [specimen]),
        _section(doc, "Drains", [doc.pick(("None.", "One 15 Fr Blake drain.", "Subfascial Hemovac."))], True),
        _section(doc, "Complications", [doc.pick(("None.", "None apparent.", "No intraoperative complications."))]),
        _section(doc, "Findings", [findings]),
        _section(doc, "Indications", [[*doc.opening("elected to proceed with surgery after a discussion of "
                                                    "the risks, benefits and alternatives.")]], True),
        _section(doc, doc.pick(("Description of Procedure", "Details of the Operation", "Procedure in Detail",
                                "Operative Technique")), [" ".join(description)]),
        _section(doc, "Disposition", [doc.pick(("PACU, then home when criteria met.", "PACU, then admit to the "
                                                "orthopaedic floor.", "PACU in stable condition."))], True),
        _section(doc, "Plan", [doc.pick(("Advance diet as tolerated; ambulate tonight.",
                                         "Weight bearing as tolerated with walker; aspirin for DVT prophylaxis.",
                                         "Follow up in clinic in 2 weeks for wound check."))], True),
    ]
    items = [([doc.pick(("Date of Surgery", "Date of Operation", "Surgery Date", "Procedure Date"))], [doc.sdate()]),
             ([doc.pick(("Surgeon", "Attending Surgeon", "Primary Surgeon"))], [doc.prov()]),
             (["Assistant"], [assistant])]
    if doc.chance(0.5):
        items.append((["Anesthesiologist"], [_other_doctor(doc.rng)]))
    title = doc.pick(("OPERATIVE REPORT", "Operative Note", "Report of Operation", "Brief Operative Note",
                      "Surgical Operative Report", None))
    return _Spec(title, items, body, _signature(doc))


def _specimen(procedure: str) -> str:
    if procedure.startswith(("Colonoscopy", "Esophago", "Punch", "Bone marrow")):
        return "Sent to pathology."
    if procedure.startswith("Central"):
        return "None."
    return "Sent to laboratory."


def _procedure(doc: _Doc) -> _Spec:
    pool = PROCEDURES if doc.age >= 18 else [p for p in PROCEDURES if p[0].startswith(("Lumbar", "Punch"))]
    if doc.age >= 18:
        pool = [p for p in pool if not p[0].startswith("Lumbar")]
    name, indication, sedation, steps, findings, plan = doc.pick(
        [p for p in pool if doc.age >= MIN_AGE.get(p[0], 0)])
    general = _some(doc.rng, PROCEDURE_LINES[1:], doc.rng.randint(3, 6))
    body = [
        _section(doc, "Procedure", [name]),
        _section(doc, doc.pick(("Indication", "Indications", "Reason for Procedure")), [indication]),
        _section(doc, "Consent", [PROCEDURE_LINES[0]]),
        _section(doc, doc.pick(("Sedation", "Anesthesia/Sedation", "Medications")), [sedation]),
        _section(doc, doc.pick(("Description", "Procedure Description", "Technique")), [" ".join(steps)]),
        _section(doc, "Findings", [findings]),
        _section(doc, "Specimens", [_specimen(name)], True),
        _section(doc, "Complications", ["None."]),
        _section(doc, doc.pick(("Impression", "Post-Procedure Diagnosis")),
                 [findings.split(";")[0].split(".")[0] + "."], True),
        _section(doc, doc.pick(("Plan", "Recommendations")), [plan]),
        _section(doc, None, general),
        _sec_meds(doc), _sec_allergies(doc), _sec_history(doc),
        _section(doc, "Pre-Procedure Assessment", ["Vitals: " + _vitals(doc),
                                                   "Airway: Mallampati II. Heart and lungs unremarkable."], True),
    ]
    items = [([doc.pick(("Procedure Date", "Date of Procedure", "Date of Service"))], [doc.sdate()]),
             ([doc.pick(("Performed by", "Proceduralist", "Operator", "Endoscopist"))], [doc.prov()])]
    if doc.chance(0.5):
        items.append((["Location"], [doc.pick(("Endoscopy Suite 2", "Bedside, MICU 7", "Procedure Room B",
                                               "Interventional Radiology"))]))
    title = doc.pick((f"{name.split(',')[0].split(' (')[0]} Report", "PROCEDURE NOTE", "Procedure Note",
                      "Bedside Procedure Note", None))
    return _Spec(title, items, body, _signature(doc, ("esign", "line", "attest")))


def _emergency(doc: _Doc) -> _Spec:
    pool = ED_CASES if doc.age >= 18 else [c for c in ED_CASES if c[0] in ("Fever and ear pain", "Ankle injury",
                                                                            "Hand laceration", "Shortness of breath")]
    if doc.age >= 18:
        pool = [c for c in pool if c[0] != "Fever and ear pain"]
    cc, hpi, results, mdm, impression, disposition = doc.pick(pool)
    if cc == "Shortness of breath":
        doc.ensure_problem("mild intermittent asthma" if doc.age < 18 else "mild persistent asthma")
    doc.specialty = "Emergency Medicine"
    fill = {"arrival": doc.pick(ED_ARRIVAL), "esi": doc.rng.randint(2, 4)}
    lines = [doc.fmt(s, **fill) for s in _some(doc.rng, ED_LINES, doc.rng.randint(3, 6))]
    times = sorted(_fmt_time(doc.rng, 0) for _ in range(3))
    course = [f"{times[0]} Seen and evaluated; IV placed, labs sent.",
              f"{times[1]} Medications given per orders; patient reassessed.",
              f"{times[2]} Results reviewed with the patient; disposition discussed."]
    body = [
        _section(doc, doc.pick(("Chief Complaint", "CC", "Presenting Complaint")), [cc]),
        _section(doc, doc.pick(("History of Present Illness", "HPI")), [doc.opening(hpi)]),
        _sec_ros(doc), _sec_history(doc), _sec_meds(doc), _sec_allergies(doc), _sec_social(doc),
        _sec_exam(doc, False),
        _section(doc, doc.pick(("ED Course", "Course in the ED", "Emergency Department Course")), course, True),
        _section(doc, doc.pick(("Results", "Diagnostics", "Labs/Imaging")), [results]),
        _section(doc, doc.pick(("Medical Decision Making", "MDM", "Assessment")), [mdm]),
        _section(doc, doc.pick(("Clinical Impression", "Diagnosis", "Final Diagnosis", "ED Diagnosis")), [impression]),
        _section(doc, "Disposition", [disposition]),
        _section(doc, None, lines),
    ]
    items = [([doc.pick(("Arrival", "Date of Visit", "Arrival Date/Time", "ED Visit"))],
              [doc.sdate(), f" {_fmt_time(doc.rng, 0)}" if doc.chance(0.6) else ""]),
             ([doc.pick(("ED Provider", "Attending", "Treating Provider"))], [doc.prov()])]
    if doc.chance(0.5):
        items.append((["Room"], [f"ED {doc.rng.randint(1, 40)}"]))
    title = doc.pick(("EMERGENCY DEPARTMENT NOTE", "ED Provider Note", "Emergency Department Record",
                      "Emergency Physician Documentation", "EMERGENCY ROOM REPORT", None))
    return _Spec(title, items, body, _signature(doc, ("esign", "attest", "dictated")))


def _imaging(doc: _Doc) -> _Spec:
    sex = doc.patient.sex
    pool = [e for e in IMAGING_EXAMS if e[5] in (None, sex)]
    if doc.age < 18:
        pool = [e for e in pool if e[0].startswith(("US RENAL", "XR", "CT HEAD"))]
    pool = [e for e in pool if doc.age >= MIN_AGE.get(e[0], 0)]
    exams = doc.rng.sample(pool, min(len(pool), doc.pages))
    fill = {"dlp": doc.rng.randint(180, 950), "location": doc.pick(IMAGING_LOCATIONS)}
    body = []
    for n, (exam, indication, technique, findings, impression, _) in enumerate(exams):
        optional = n > 0  # further studies of the same visit make a report run to more pages
        prior = doc.plain_date(doc.service_date - timedelta(days=doc.rng.randint(90, 900)))
        comparison = doc.pick(("None.", "None available.", f"Prior study dated {prior}."))
        body += [
            _section(doc, doc.pick(("Exam", "Examination", "Procedure")), [exam], optional),
            _section(doc, doc.pick(("Clinical History", "Indication", "History")), [indication], optional),
            _section(doc, "Technique", [technique], optional),
            _section(doc, "Comparison", [comparison], optional),
            _section(doc, "Findings", list(findings), optional),
            _section(doc, "Impression", _bullets(impression, "1"), optional),
        ]
    extra = [doc.fmt(s, **fill) for s in _some(doc.rng, IMAGING_LINES, doc.rng.randint(2, 4)) if "COMPARISON" not in s]
    if exams[0][0].startswith("CTA"):
        extra.append(f"Critical result communicated to {_other_doctor(doc.rng)} at {_fmt_time(doc.rng, 0)} "
                     "by telephone with read-back.")
    body.append(_section(doc, None, extra))
    items = [([doc.pick(("Exam Date", "Date of Exam", "DOS", "Date of Service"))], [doc.sdate()]),
             ([doc.pick(("Accession #", "Acc No.", "Accession"))], [f"{doc.pick(('RAD', 'CT', 'IM', ''))}"
                                                                    f"{doc.rng.randrange(10 ** 6, 10 ** 8)}"]),
             ([doc.pick(("Ordering Physician", "Referring Physician", "Ordered by"))], [_other_doctor(doc.rng, True)])]
    title = doc.pick(("RADIOLOGY REPORT", "DIAGNOSTIC IMAGING REPORT", "Imaging Report", exams[0][0],
                      "FINAL REPORT", None))
    kind = doc.rng.randrange(3)
    p = doc.prov()
    if kind == 0:
        sig = [["Interpreted by: ", p], ["Electronically signed: ", doc.ddate(), f" {_fmt_time(doc.rng)}"]]
    elif kind == 1:
        sig = [*_wrap(["Dictated by ", p, " on ", doc.ddate(), "."], doc.width),
               ["Transcribed by: ", f"{doc.pick('ABCDEFGHJKLMN')}{doc.pick('ABCDEFGHJKLMN')}"]]
    else:
        npi = ["  NPI ", doc.npi()] if doc.chance(0.5) else []
        sig = [["Radiologist: ", p], ["Report signed ", doc.ddate(), *npi]]
    return _Spec(title, items, body, [[""], *sig])


def _lab_value(rng: random.Random, low: float, high: float, decimals: int) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.12:
        value, flag = low - (high - low) * rng.uniform(0.05, 0.4), "L"
    elif roll < 0.27:
        value, flag = high + (high - low) * rng.uniform(0.05, 0.6), "H"
    else:
        value, flag = rng.uniform(low, high), ""
    value = max(value, 0.1 if decimals else 1)
    return f"{value:.{decimals}f}", flag


def _laboratory(doc: _Doc) -> _Spec:
    r = doc.rng
    count = {1: r.randint(1, 2), 2: r.randint(3, 5), 3: r.randint(6, 8)}[doc.pages]
    panels = r.sample(list(LAB_PANELS), min(count, len(LAB_PANELS)))
    tabular = doc.chance(0.6)
    body = []
    for panel in panels:
        rows = []
        if tabular:
            rows.append(f"{'TEST':<26}{'RESULT':>9}  {'FLAG':<5}{'UNITS':<10}REFERENCE")
        for test, low, high, units, decimals in LAB_PANELS[panel]:
            value, flag = _lab_value(r, low, high, decimals)
            ref = f"{low:.{decimals}f}-{high:.{decimals}f}"
            if tabular:
                rows.append(f"{test:<26}{value:>9}  {flag:<5}{units:<10}{ref}")
            else:
                rows.append(f"{test}: {value} {units} {('(' + flag + ') ') if flag else ''}[ref {ref}]")
        body.append(_section(doc, panel if tabular else panel.title(), rows, block=True))
    if doc.chance(0.3 if doc.pages == 1 else 0.8):
        rows = [f"{t:<26}{v:>12}    {ref}" for t, v, ref in URINALYSIS]
        body.append(_section(doc, "URINALYSIS, COMPLETE", rows, True, block=True))
    fill = {"fasting": doc.pick(("yes", "no", "unknown")), "source": doc.pick(LAB_SOURCES)}
    about = {"A1c": "HEMOGLOBIN A1C", "LDL": "LIPID PANEL", "eGFR": "COMPREHENSIVE METABOLIC PANEL",
             "potassium": "COMPREHENSIVE METABOLIC PANEL"}
    notes = [s for s in LAB_LINES if all(panel in panels for word, panel in about.items() if word in s)]
    body.append(_section(doc, None, [doc.fmt(s, **fill) for s in _some(r, notes, r.randint(3, 5))]))
    if doc.chance(0.25):
        body.append(_section(doc, None, [f"Critical value called to and read back by {doc.pick(FEMALE_GIVEN)} "
                                         f"RN at {_fmt_time(r, 0)}."]))
    t1, t2 = _fmt_time(r, 0), _fmt_time(r, 0)
    items = [([doc.pick(("Collected", "Collection Date", "Date Collected", "Specimen Collected"))],
              [doc.sdate(), f" {t1}"])]
    if doc.chance(0.5):
        items.append((["Received"], [doc.sdate(), f" {t2}"]))
    items.append(([doc.pick(("Reported", "Final Report Date", "Resulted", "Report Date"))], [doc.ddate()]))
    items.append(([doc.pick(("Ordering Provider", "Ordered By", "Ordering Physician"))], [doc.prov()]))
    if doc.chance(0.4):
        items.append((["Provider NPI"], [doc.npi()]))
    accession = f"{r.randint(10, 99)}-{r.randrange(10 ** 5, 10 ** 6)}"
    items.append(([doc.pick(("Accession", "Specimen ID", "Lab #"))], [accession]))
    sig = [[""], ["Performed at: ", doc.facility(), " Laboratory"],
           [f"CLIA #{r.randint(10, 52):02d}D{r.randrange(10 ** 6, 10 ** 7)}"]]
    title = doc.pick(("LABORATORY REPORT", "Clinical Laboratory Results", "FINAL RESULTS REPORT",
                      "Cumulative Lab Summary", "Lab Results", None))
    return _Spec(title, items, body, sig)


def _pathology(doc: _Doc) -> _Spec:
    sex = doc.patient.sex
    pool = [c for c in PATHOLOGY_CASES if c[6] in (None, sex)]
    if doc.age < 18:
        pool = [c for c in pool if c[1].startswith(("A. Tonsils", "A. Appendix", "A. Skin"))]
    clinical, specimen, gross, micro, diagnosis, comment, _ = doc.pick(
        [c for c in pool if doc.age >= MIN_AGE.get(c[1], 0)])
    cytology = "cytology" in specimen.lower() or "FNA" in specimen
    body = [
        _section(doc, doc.pick(("Clinical Information", "Clinical History", "Pertinent History")), [clinical]),
        _section(doc, doc.pick(("Specimen(s) Submitted", "Specimen", "Source")), [specimen]),
        _section(doc, doc.pick(("Final Diagnosis", "Diagnosis", "Interpretation")), list(diagnosis)),
    ]
    if comment:
        body.append(_section(doc, "Comment", [comment]))
    body += [
        _section(doc, doc.pick(("Gross Description", "Gross")), [gross]),
        _section(doc, doc.pick(("Microscopic Description", "Microscopic")), [micro], doc.pages == 1),
        _section(doc, None, _some(doc.rng, PATHOLOGY_LINES, doc.rng.randint(2, 4))),
        _section(doc, "Cassette Summary", ["A1: representative sections", "A2: additional sections",
                                           "A3: margin, perpendicular"], True, block=True),
        _section(doc, "Intraoperative Consultation", ["None requested."], True),
        _section(doc, "Ancillary Studies", ["Immunostains performed on block A1 with appropriate controls. "
                                            "Results incorporated in the diagnosis above."], True),
        _section(doc, "Billing Codes", [f"CPT {doc.pick(('88305', '88307', '88112', '88342'))} x 1"], True),
    ]
    collected = doc.service_date
    items = [([doc.pick(("Accession #", "Case #", "Accession No."))],
              [f"{'C' if cytology else 'S'}{doc.doc_date.year % 100}-{doc.rng.randrange(10 ** 4, 10 ** 5)}"]),
             ([doc.pick(("Date Collected", "Procedure Date", "Collection Date"))], [doc.sdate()]),
             (["Date Received"], [doc.plain_date(collected + timedelta(days=1))]),
             ([doc.pick(("Date Reported", "Signed Out", "Report Date"))], [doc.ddate()]),
             ([doc.pick(("Submitting Physician", "Requesting Clinician", "Surgeon"))], [_other_doctor(doc.rng)])]
    if doc.chance(0.4):
        items.append((["Pathologist"], [doc.prov()]))
    kind = doc.rng.randrange(3)
    if kind == 0:
        sig = _wrap(["Electronically signed out by ", doc.prov(), " on ", doc.ddate()], doc.width)
    elif kind == 1:
        sig = [["Pathologist: ", doc.prov()],
               ["***Electronically Signed*** ", doc.ddate(), f" {_fmt_time(doc.rng, 0)}"]]
    else:
        sig = [["_" * 30], [doc.prov()], ["Date: ", doc.ddate()]]
    titles = (("CYTOPATHOLOGY REPORT", "Cytology Report", "Non-Gynecologic Cytology", None) if cytology else
              ("SURGICAL PATHOLOGY REPORT", "Pathology Report", "Anatomic Pathology Report", None))
    return _Spec(doc.pick(titles), items, body, [[""], *sig])


def _medication_list(doc: _Doc) -> _Spec:
    r = doc.rng
    want = {1: r.randint(5, 9), 2: r.randint(13, 19), 3: r.randint(22, 30)}[doc.pages]
    meds = doc.med_list(want)
    expand = doc.chance(0.3)
    table = doc.chance(0.5)
    rows = []
    for n, (drug, sig) in enumerate(meds, 1):
        if expand:
            sig = _expand_sig(sig)
        first = max(doc.patient.birth_date + timedelta(days=20), doc.doc_date - timedelta(days=12 * 365))
        begun = first + timedelta(days=r.randrange(max(1, (doc.doc_date - first).days)))
        started = f"{begun.month:02d}/{begun.year}"
        prescriber = _other_doctor(r) if doc.chance(0.5) else "self"
        if table:
            rows.append(_Item([f"{drug:<34} {sig}"], "", " " * 35))
            rows.append(_Item([f"{'':<34} Start {started}; prescriber {prescriber}"]))
        else:
            rows += _bullets([f"{drug}. Sig: {sig}. Started {started}."], "1")
            rows[-1].parts[0] = f"{n}. "
    active = _section(doc, doc.pick(("Active Medications", "Current Medications", "Medications")), rows)
    body = [
        active,
        _section(doc, doc.pick(("Over-the-Counter / Supplements", "OTC and Herbal")), _bullets(r.sample(OTC_MEDS, 3)),
                 True),
        _section(doc, doc.pick(("Discontinued Medications", "Stopped Medications")),
                 _bullets(r.sample(STOPPED_MEDS, 2)), True),
        _section(doc, doc.pick(("Allergies", "Allergies/Intolerances")), [doc.allergy]),
        _section(doc, None, _some(r, MEDLIST_LINES, r.randint(2, 4))),
        _section(doc, "Last Visit", [["Seen on ", doc.sdate(), " for medication review."]], True),
        _sec_history(doc),
    ]
    items = [([doc.pick(("As of", "List Date", "Printed", "Reconciled on"))], [doc.ddate()])]
    if doc.chance(0.5):
        items.append(([doc.pick(("Reviewed by", "Provider", "PCP"))], [doc.prov()]))
    if doc.chance(0.5):
        items.append((["Pharmacy"], [doc.pick(PHARMACIES)]))
    sig = doc.pick((_signature(doc, ("line", "esign")), [[""], ["Reconciled by: ", doc.prov(), "  ", doc.ddate()]]))
    title = doc.pick(("MEDICATION LIST", "Current Medication List", "Active Medications", "Medication Reconciliation",
                      "Home Medication List", None))
    return _Spec(title, items, body, sig)


def _blank(label: str, width: int = 30) -> list:
    return [f"{label}: {'_' * width}"]


def _consent(doc: _Doc) -> _Spec:
    r = doc.rng
    kind = _weighted(r, (("procedure", 45), ("anesthesia", 15), ("transfusion", 10), ("release", 20),
                         ("general", 10)))
    minor = doc.age < 18
    signer = "Parent/Legal Guardian" if minor else doc.pick(("Patient or Legally Authorized Representative",
                                                             "Patient", "Patient/Representative"))
    signatures = [_section(doc, None, [_blank(f"Signature of {signer}", 26), _blank("Printed name"),
                                       _blank("Relationship to patient" if minor else "Date/Time", 20),
                                       _blank("Witness"),
                                       ["Interpreter: [ ] Not needed  [ ] Language: ________  ID #: ______"]])]
    if kind == "release":
        recipient = f"{doc.pick(RECIPIENT_SITES)}, {doc.pick(RECIPIENT_DEPTS)}"
        checked = _some(r, ROI_ITEMS, r.randint(2, 5))
        body = [
            _section(doc, None, [["I authorize ", doc.facility(), " to release information from the health record of ",
                                  doc.pname(0), ", date of birth ", doc.dob(), ", to: ", recipient, "."]]),
            _section(doc, doc.pick(("Information to be Released", "Records Requested")),
                     [f"[X] {item}" for item in checked], block=True),
            _section(doc, doc.pick(("Purpose", "Purpose of Disclosure")),
                     [doc.pick(("Continuity of care", "At the request of the individual", "Insurance / legal"))]),
            _section(doc, "Expiration", [f"This authorization expires one year from the date signed unless "
                                         f"revoked earlier."]),
            _section(doc, None, _some(r, ROI_LINES, r.randint(3, len(ROI_LINES)))),
            *signatures,
            _section(doc, None, [["Date signed: ", doc.ddate()]]),
            _section(doc, "For Office Use", ["Identity verified with photo ID: [ ] Yes  Copy given to patient: [ ]"],
                     True),
        ]
        title = doc.pick(("AUTHORIZATION FOR RELEASE OF PROTECTED HEALTH INFORMATION",
                          "Authorization to Disclose Health Information", "HIPAA Authorization Form"))
        return _Spec(title, [], body, [])
    procedure = doc.pick(PEDS_CONSENT_PROCEDURES if minor else CONSENT_PROCEDURES)
    signing = ["I, the parent or legal guardian of ", doc.pname(0)] if minor else ["I, ", doc.pname(0)]
    if kind == "procedure":
        statement = [*signing, ", hereby authorize ", doc.prov(1), " and such associates and assistants "
                     f"as may be selected to perform the following procedure: {procedure}."]
        lines = CONSENT_LINES
        title = doc.pick(("CONSENT TO OPERATION OR OTHER PROCEDURE", f"INFORMED CONSENT FOR {procedure.upper()}",
                          "Procedure Consent Form"))
    elif kind == "anesthesia":
        whose = "my child's" if minor else "my"
        statement = [*signing, f", consent to the anesthesia services planned for {whose} procedure ({procedure}). "
                     "The anesthesia plan may include general anesthesia, regional block, or monitored sedation."]
        lines = ("Risks explained include sore throat, nausea, dental injury, awareness, nerve injury and, "
                 "rarely, serious complications including death.", *CONSENT_LINES[5:])
        title = doc.pick(("CONSENT FOR ANESTHESIA SERVICES", "Anesthesia Informed Consent", "Anesthesia Consent"))
    elif kind == "transfusion":
        statement = [*signing, ", have discussed blood transfusion with ", doc.prov(1), "."]
        lines = (*TRANSFUSION_LINES, *CONSENT_LINES[5:])
        title = doc.pick(("CONSENT FOR BLOOD TRANSFUSION", "Informed Consent - Blood and Blood Products",
                          "Transfusion Consent"))
    else:
        statement = [*signing, ", consent to routine diagnostic procedures, examinations and medical "
                     "treatment by the physicians and staff of ", doc.facility(), "."]
        lines = ("I understand that the practice of medicine is not an exact science.",
                 "I authorize the release of information necessary to obtain payment from my insurer.",
                 "I have received the Notice of Privacy Practices.", *CONSENT_LINES[8:])
        title = doc.pick(("GENERAL CONSENT FOR TREATMENT", "Conditions of Treatment and Consent",
                          "Consent to Treat"))
    body = [
        _section(doc, None, [statement]),
        _section(doc, None, _some(r, lines, min(len(lines), r.randint(3, 6)))),
        *([_section(doc, None, [["Scheduled date of procedure: ", doc.sdate()]])] if kind != "general" else []),
        _section(doc, "Additional Risks Discussed", [doc.pick((
            "Risk of conversion to an open procedure.", "Risk of perforation requiring surgery.",
            "Risk of needing a blood transfusion.", "Risk of persistent pain or stiffness."))], True),
        *signatures,
        _section(doc, doc.pick(("Physician Statement", "Provider Attestation")),
                 ["I have explained the nature, purpose, risks, benefits and alternatives to the patient "
                  "or representative and have answered all questions."], True),
    ]
    sig = [["Physician obtaining consent: ", doc.prov()], ["Date: ", doc.ddate(), f"   Time: {_fmt_time(r)}"]]
    return _Spec(title, [], body, sig)


def _payer_letterhead(doc: _Doc, payer: str) -> list[list]:
    r = doc.rng
    state = doc.pick(STATES)[0]
    return [[payer.upper()], [doc.pick(("Utilization Management", "Prior Authorization Department",
                                        "Clinical Review Unit"))],
            [f"P.O. Box {r.randint(1000, 99999)}, {doc.pick(CITIES)}, {state}"],
            [f"Provider Services 1-800-{r.randint(200, 999)}-{r.randrange(10000):04d}   "
             f"Fax 1-888-{r.randint(200, 999)}-{r.randrange(10000):04d}"]]


def _insurance(doc: _Doc) -> _Spec:
    r = doc.rng
    kind = _weighted(r, (("approval", 20), ("denial", 15), ("info", 10), ("request", 30), ("necessity", 25)))
    payer, (service, code, dx_name, dx_code, tried) = doc.pick(PAYERS), doc.pick(INSURANCE_SERVICES)
    member = f"{doc.pick(('XKJ', 'BHP', 'W', 'MBR', 'TFC'))}{r.randrange(10 ** 8, 10 ** 9)}"
    reference = f"PA-{doc.doc_date.year}-{r.randrange(10 ** 5, 10 ** 6)}"
    member_block = [["Member: ", doc.pname()], ["Date of Birth: ", doc.dob()], [f"Member ID: {member}"],
                    [f"Reference #: {reference}"], [f"Service: {service} ({code})"]]
    if kind in ("approval", "denial", "info"):  # the payer's letter, forwarded by the sender
        doc.letterhead, doc.pages = 4, min(doc.pages, 2)
        letter = [[doc.ddate("long" if doc.chance(0.5) else None)], [""], [doc.prov()], [doc.facility()],
                  ["Fax: ", doc.fax()], [""], *member_block,
                  ["Requested date(s) of service: ", doc.sdate()],
                  ["Requesting provider NPI: ", doc.npi()], [""], ["Dear Provider:"], [""]]
        if kind == "approval":
            until = doc.plain_date(doc.service_date + timedelta(days=90))
            text = [["We have approved your request for the service above. This authorization is valid from ",
                     doc.sdate(), f" through {until}."], INSURANCE_LINES[0], INSURANCE_LINES[8]]
            title = doc.pick(("NOTICE OF APPROVAL", "Prior Authorization Approved", "Authorization Determination"))
        elif kind == "denial":
            text = ["We reviewed the request for the service above and it has been denied.",
                    *INSURANCE_LINES[1:5], INSURANCE_LINES[9]]
            title = doc.pick(("NOTICE OF ADVERSE BENEFIT DETERMINATION", "Prior Authorization Denial",
                              "Notice of Denial of Coverage"))
        else:
            text = ["We need more information before we can make a decision on this request.",
                    *INSURANCE_LINES[5:7]]
            title = doc.pick(("REQUEST FOR ADDITIONAL INFORMATION", "Pended Request - Information Needed",
                              "Additional Clinical Information Required"))
        body = [_section(doc, None, text),
                _section(doc, "Diagnosis on Request", [f"{dx_code} {dx_name}"], True),
                _section(doc, "Member Rights", ["You may request the criteria used in this decision free of "
                                                "charge. Language assistance is available at no cost."], True)]
        sig = [["Sincerely,"], [""], [f"{payer} Utilization Management"],
               [doc.pick(("Physician Reviewer", "Nurse Reviewer, RN", "Medical Director"))]]
        return _Spec(title, [], body, sig, letter, _payer_letterhead(doc, payer))
    treatments = _bullets(tried)
    if kind == "request":
        body = [
            _section(doc, "Health Plan", [f"{payer}   Member ID: {member}   Group #: {r.randrange(10 ** 4, 10 ** 6)}"]),
            _section(doc, "Provider Information", [["Requesting provider: ", doc.prov()], ["NPI: ", doc.npi()],
                                                   ["Facility: ", doc.facility()], ["Fax: ", doc.fax()]],
                     block=True),
            _section(doc, "Service Requested", [service, f"CPT/HCPCS: {code}", f"Diagnosis: {dx_code} {dx_name}",
                                                ["Planned date of service: ", doc.sdate()]], block=True),
            _section(doc, "Review Type", [doc.pick(("Standard", "Urgent / expedited - clinical urgency attached"))]),
            _section(doc, "Clinical Justification", [[*doc.opening(f"has {dx_name} and needs the service "
                                                                     "requested."), " Conservative measures "
                                                      "listed below were tried without adequate response."]]),
            _section(doc, "Prior Treatments Tried", treatments),
            _section(doc, "Attachments", _bullets(["Last 2 office notes", "Imaging report", "Medication list"]),
                     True),
            _sec_meds(doc), _sec_history(doc),
        ]
        title = doc.pick(("PRIOR AUTHORIZATION REQUEST", "Pre-Certification Request Form",
                          "Request for Prior Authorization"))
        return _Spec(title, [], body, _signature(doc, ("line", "esign")))
    denied = doc.plain_date(doc.doc_date - timedelta(days=r.randint(5, 30)))
    letter = [[doc.ddate("long" if doc.chance(0.6) else None)], [""], [payer],
              [doc.pick(("Appeals Department", "Attn: Medical Director", "Utilization Review"))], [""],
              *member_block, [""], ["Dear Medical Director:"], [""]]
    body = [
        _section(doc, None, [["I am writing on behalf of my patient, ", doc.prose_name(), ", to request coverage of ",
                              f"{service.lower()}. This letter responds to the denial dated {denied}."]]),
        _section(doc, None, [[*doc.opening(f"has been under my care for {dx_name}."), " ",
                              "Despite appropriate conservative care, symptoms persist and limit daily function."]]),
        _section(doc, "Treatments Tried", treatments),
        _section(doc, None, ["In my clinical judgment this service is medically necessary, and delaying it "
                             "risks further decline. I ask that you reconsider the determination."]),
        _section(doc, None, [["The planned date of service is ", doc.sdate(), ". Supporting records are enclosed."]]),
        _sec_meds(doc), _sec_history(doc),
    ]
    title = doc.pick(("LETTER OF MEDICAL NECESSITY", "Appeal - Request for Reconsideration", None))
    return _Spec(title, [], body, _signature(doc, ("sincerely",)), letter)


OTHER_KINDS = (("statement", 22), ("appointment", 20), ("records_request", 18), ("excuse", 14),
               ("portal", 10), ("notice", 16))


def _mailing(doc: _Doc) -> list[list]:
    return [[doc.pname(doc.pick((0, 1, 2)))], [doc.address()]]


def _other(doc: _Doc, kind: str) -> _Spec:
    r = doc.rng
    lines = list(_some(r, OTHER_LINES[kind], r.randint(3, len(OTHER_LINES[kind]))))
    if kind == "statement":
        doc.service_date = doc.doc_date - timedelta(days=r.randint(20, 60))
        charges = _some(r, STATEMENT_SERVICES, r.randint(2, 5) if doc.pages == 1 else r.randint(6, 8))
        total = sum(c for _, _, c in charges)
        paid = round(total * r.uniform(0.4, 0.8), 2)
        account = f"{r.randrange(10 ** 6, 10 ** 8)}"
        rows = [[f"{'DATE':<12}{'CODE':<8}{'DESCRIPTION':<40}{'AMOUNT':>10}"]]
        rows += [[doc.sdate("us"), " " * 2, f"{code:<8}{desc:<40}{amount:>10.2f}"] for code, desc, amount in charges]
        rows += [[f"{'':<20}{'Insurance payment':<40}{-paid:>10.2f}"],
                 [f"{'':<20}{'PATIENT BALANCE':<40}{total - paid:>10.2f}"]]
        letter = [*_mailing(doc), [""], ["Statement Date: ", doc.ddate()], [f"Account #: {account}"],
                  [f"Amount Due: ${total - paid:,.2f}"], [""]]
        body = [_section(doc, None, rows), _section(doc, None, lines),
                _section(doc, "Payment Options", ["Online, by phone, or by mail with the stub below."], True),
                _section(doc, None, [["-" * 60], ["Please detach and return with your payment."],
                                     ["Patient: ", doc.pname(0), f"   Account: {account}"],
                                     [f"Amount enclosed: $__________"]])]
        title = doc.pick(("STATEMENT", "Patient Statement", "Billing Statement", "Statement of Account"))
        return _Spec(title, [], body, [], letter)
    if kind == "appointment":
        doc.service_date = doc.doc_date + timedelta(days=r.randint(5, 40))
        dear = f"Parent or Guardian of {doc.patient.given}" if doc.age < 18 else doc.patient.given
        letter = [[doc.ddate()], [""], *_mailing(doc), [""], [f"Dear {dear},"], [""]]
        whose = "your child's" if doc.age < 18 else "your"
        body = [_section(doc, None, [[f"This is a reminder of {whose} appointment with ",
                                      doc.prov(doc.pick((0, 1, 4))), " on ",
                                      doc.sdate(), f" at {_fmt_time(r, 1)}."]]),
                _section(doc, "Location", [f"{_site(doc.sender)[0]}, check in at the main desk."]),
                _section(doc, None, lines),
                _section(doc, "Preparing for Your Visit", ["Write down your questions and bring any records "
                                                           "from other doctors."], True)]
        title = doc.pick(("APPOINTMENT REMINDER", "Your Upcoming Appointment", "Appointment Confirmation", None))
        return _Spec(title, [], body, [["Sincerely,"], ["The Scheduling Team"]], letter)
    if kind == "records_request":
        site = doc.pick(RECIPIENT_SITES)
        letter = [[doc.ddate()], [""], [f"To: {site}, Medical Records"], ["From: ", doc.facility()],
                  ["Return fax: ", doc.fax()], [""], ["Patient: ", doc.pname()], ["Date of Birth: ", doc.dob()], [""]]
        body = [_section(doc, None, lines),
                _section(doc, doc.pick(("Records Requested", "Please Send")),
                         [f"[X] {i}" for i in _some(r, ROI_ITEMS[:7], 3)], block=True),
                _section(doc, "Dates Requested", [f"{r.randint(1, 12):02d}/{r.randint(2019, 2024)} to present"])]
        sig = ([["Requested by: ", doc.prov()]] if doc.chance(0.5) else [["Medical Records Coordinator"]])
        title = doc.pick(("REQUEST FOR MEDICAL RECORDS", "Records Request", "Continuity of Care - Records Request"))
        return _Spec(title, [], body, sig, letter)
    if kind == "excuse":
        doc.service_date = doc.doc_date - timedelta(days=r.randint(0, 3))
        until = doc.plain_date(doc.service_date + timedelta(days=r.randint(1, 5)))
        place = "school" if doc.age < 18 else "work"
        limits = doc.pick(("May return to full activity without restrictions.",
                           "Restrictions: no lifting more than 10 lbs and no prolonged standing for 2 weeks.",
                           "No physical education or sports until cleared at follow-up."
                           if place == "school" else "Light duty only until cleared at follow-up."))
        body = [_section(doc, None, [[doc.pname(0), " was seen in our office on ", doc.sdate(), "."],
                                     [f"Please excuse {doc.words['him']} from {place} from ", doc.sdate(),
                                      f" through {until}."]]),
                _section(doc, None, [limits, *lines[:2]])]
        title = doc.pick(("WORK EXCUSE" if place == "work" else "SCHOOL EXCUSE", "Return to Work/School Note",
                          "To Whom It May Concern"))
        return _Spec(title, [], body, _signature(doc, ("line", "sincerely")), [["Date: ", doc.ddate()], [""]])
    if kind == "portal":
        code = "-".join(f"{r.randrange(16 ** 4):04X}" for _ in range(3))
        dear = f"Parent or Guardian of {doc.patient.given}" if doc.age < 18 else doc.patient.given
        letter = [[doc.ddate()], [""], *_mailing(doc), [""], [f"Dear {dear},"], [""]]
        body = [_section(doc, None, ["Thank you for choosing us. You are invited to sign up for our patient "
                                     "portal."]),
                _section(doc, None, [f"Activation code: {code}", ["Date of birth on file: ", doc.dob()]]),
                _section(doc, None, lines)]
        title = doc.pick(("Welcome to the Patient Portal", "Patient Portal Activation", "Online Access Letter"))
        return _Spec(title, [], body, [["Patient Access Services"]], letter)
    topic, text = doc.pick(NOTICE_TOPICS)  # an office notice to everyone on the fax list
    when = doc.plain_date(doc.doc_date + timedelta(days=r.randint(10, 60)), "long")
    body = [_section(doc, None, [text.format(when=when, street=_site(doc.sender)[0],
                                             doctor=_other_doctor(r, True))]),
            _section(doc, None, lines)]
    letter = [["Date: ", doc.ddate()], ["To: ", doc.pick(("Referring providers and colleagues", "All area practices",
                                                           "Our community partners"))], [""]]
    return _Spec(topic.title() if doc.chance(0.5) else topic, [], body,
                 [["The Physicians and Staff of"], [doc.facility()]], letter)


# ---------------------------------------------------------------------------------------------
# Fax cover sheets and transmission headers

COVER_COMMENTS = ("Records enclosed as requested.", "Please see attached results.",
                  "Please deliver to the attending physician.",
                  "Patient is scheduled for admission; records for your review.",
                  "Please call with any questions.", "Requested records attached; authorization on file.",
                  "Pre-operative clearance documents for the scheduled surgery.",
                  "Outside records for the transfer accepted by your hospitalist service.",
                  "Second request - please confirm receipt.",
                  "Results for the patient seen in your ED last week, as discussed by phone.",
                  "Please forward to Health Information Management for scanning.")
COVER_NOTICE = ("The documents accompanying this transmission contain confidential health information "
                "that is legally privileged. If you are not the intended recipient, you are notified "
                "that any disclosure, copying or distribution is prohibited. Please notify the sender "
                "by telephone and destroy the documents.")


def _recipient(rng: random.Random) -> str:
    site, dept = rng.choice(RECIPIENT_SITES), rng.choice(RECIPIENT_DEPTS)
    return rng.choice((f"{site} - {dept}", f"{dept}, {site}", site, f"{site} {dept}"))


def _pair(left: list, right: list, width: int = WIDTH) -> list[list]:
    """Two cells on one line if they fit, else one under the other."""
    if _vlen(left) + _vlen(right) + 4 <= width and _vlen(left) < 44:
        return [[*left, " " * (46 - _vlen(left)) if _vlen(left) < 46 else "    ", *right]]
    return [left, right]


def _cover(rng: random.Random, sender: Sender, total: int, patient: Person | None = None) -> tuple[PageBuilder, bool]:
    page = PageBuilder(1)
    layout = _stable(sender.facility) % 3 if rng.random() < 0.7 else rng.randrange(3)
    written = _recipient(rng)
    recipient = ("recipient", written, norm_text(written))
    name = sender.facility.upper() if rng.random() < 0.4 else sender.facility
    who = ("sender", name, norm_text(name))
    fax = ("fax", _fmt_phone(sender.fax, rng.choice(PHONE_STYLES)), sender.fax)
    count = ("page_count", str(total), str(total))
    when = _fmt_date(date(2026, 1, 2) + timedelta(days=rng.randrange(330)), _weighted(rng, DATE_STYLES))
    to_fax = _fmt_phone(_make_phone(rng, rng.choice(STATES)[1][0]), "dash")
    phone = _fmt_phone(sender.phone, "paren")
    named = patient is not None and rng.random() < 0.35
    regarding = ([("patient_name", f"{patient.given} {patient.family}", norm_name(patient.given, patient.family))]
                 if named else [rng.choice(("Requested medical records", "Records per your request",
                                            "Continuity of care", "Referral documents", "Results"))])
    street, town = _site(sender)
    lines: list[list] = []
    if layout == 0:
        lines += [_center(["F A X"]), [""], _center([who]), _center([f"{street}, {town}"]), ["=" * 72]]
        lines += [["DATE:      ", when], ["TO:        ", recipient]]
        if rng.random() < 0.5:
            lines.append(["TO FAX:    ", to_fax])
        origin = (("sender", sender.facility, norm_text(sender.facility)) if rng.random() < 0.5
                  else "Health Information Management")
        lines += [["FROM:      ", origin],
                  ["FAX:       ", fax], ["PHONE:     ", phone],
                  ["PAGES:     ", count, rng.choice((" (including cover)", " incl. cover", ""))],
                  ["RE:        ", *regarding], [""],
                  ["[ ] Urgent   [X] For Review   [ ] Please Comment   [ ] Please Reply"], [""]]
    elif layout == 1:
        lines += [["FACSIMILE TRANSMITTAL SHEET"], ["-" * 70]]
        lines += _pair(["TO: ", recipient], ["DATE: ", when])
        lines += [["FROM: ", who]]
        lines += _pair(["RECIPIENT FAX: ", to_fax], ["SENDER FAX: ", fax])
        lines += _pair(["SENDER PHONE: ", phone], ["TOTAL PAGES (INCL. COVER): ", count])
        lines += [["RE: ", *regarding], ["-" * 70], [""], ["NOTES/COMMENTS:"]]
    else:
        lines += [[who], ["Health Information Management  |  Fax ", fax], [""],
                  ["Fax transmission to: ", recipient], ["Date sent: ", when], ["Regarding: ", *regarding], [""]]
        lines += _wrap(["We are sending ", count, " pages, including this cover sheet. If any pages are missing "
                        f"or illegible, please call {phone}."], 86)
        lines.append([""])
    lines += [[rng.choice(COVER_COMMENTS)], [""], *_wrap(COVER_NOTICE, 86)]
    for line in lines:
        page.add(*_rstrip(line))
    return page, named


def cover_sheet(rng: random.Random, sender: Sender, total_pages: int) -> PageBuilder:
    return _cover(rng, sender, total_pages)[0]


def transmission_header(sent: datetime, sender: Sender, page: int, total: int) -> str:
    """The line a sending fax machine prints on every page; its format is the machine's, so it is
    fixed per sender."""
    style = _stable(sender.facility) % 3
    station = sender.facility.upper()
    fax = sender.fax
    if style == 0:
        head, tail = f"{sent:%m/%d/%Y %H:%M}  FAX {fax}  ", f"  P.{page:03d}/{total:03d}"
        return head + station[:90 - len(head) - len(tail)] + tail
    if style == 1:
        stamp = f"{sent:%b-%d-%Y %I:%M%p}".upper()
        job = _stable(sender.facility) % 900 + 100
        return (f"{stamp} FROM-{station[:24]}  +1 {fax[:3]}-{fax[3:6]}-{fax[6:]}"
                f"  T-{job} P.{page:02d}/{total:02d}")
    return f"{sent:%Y-%m-%d %H:%M:%S}  Fax: {fax[:3]}.{fax[3:6]}.{fax[6:]}  To: HIM  Page {page} of {total}"


# ---------------------------------------------------------------------------------------------
# Documents

_BUILDERS = {
    "referral_note": _referral, "consult_note": _consult, "history_and_physical": _history_and_physical,
    "progress_note": _progress, "discharge_summary": _discharge, "operative_note": _operative,
    "procedure_note": _procedure, "emergency_department_note": _emergency, "imaging_report": _imaging,
    "laboratory_report": _laboratory, "pathology_report": _pathology, "medication_list": _medication_list,
    "consent_form": _consent, "insurance_correspondence": _insurance,
}
TYPE_KEYS = (*_BUILDERS, "fax_cover_sheet", "other")


def _page_count(rng: random.Random) -> int:
    roll = rng.random()
    return 1 if roll < 0.5 else 2 if roll < 0.85 else 3


def make_document(rng: random.Random, type_key: str, patient: Person | None = None,
                  sender: Sender | None = None) -> LabelledDocument:
    if type_key not in TYPE_KEYS:
        raise ValueError(f"the evaluation family has no template for type {type_key!r}")
    sender = sender or make_sender(rng)
    if type_key == "fax_cover_sheet":
        patient = patient or make_patient(rng)
        page, named = _cover(rng, sender, rng.randint(2, 14), patient)
        return LabelledDocument(type_key, [page.lines], page.fields, patient if named else None, sender)
    pages = _page_count(rng)
    if type_key == "other":
        kind = _weighted(rng, OTHER_KINDS)
        patient = None if kind == "notice" else patient or make_patient(rng)
        if kind != "statement":  # short letters: a page, sometimes two
            pages = min(pages, 1 if kind == "excuse" else 2)
        doc = _Doc(rng, type_key, patient, sender, pages)
        return _assemble(doc, _other(doc, kind))
    doc = _Doc(rng, type_key, patient or make_patient(rng), sender, pages)
    return _assemble(doc, _BUILDERS[type_key](doc))
