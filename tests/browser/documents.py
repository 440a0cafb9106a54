"""What the browser tests send in: made-up patients and faxes (never real patient data)."""
from __future__ import annotations

from clinidex.patient import Identifier, PatientRecord

REVIEWER = "clerk-browser"  # the signed-in clerk (tests/browser/conftest.py signs in)
# A registered patient whose fax names them and nothing else to match on: it waits in the
# unmatched queue until a clerk finds them ("only a name" is never linked by the machine, so
# the MPI load's rematch leaves it there too).
PATIENT = PatientRecord.create(
    Identifier(system="urn:oid:2.16.840.1.113883.3.7751.1", value="MRN4417203", assigner="St. Brendan's Hospital"),
    given="Ingrid", family="Thornbury", birth_date="1961-04-12", sex="female")
NAME_ONLY = [["PROGRESS NOTE", "", f"Patient: {PATIENT.given} {PATIENT.family}", "",
              "Blood pressure remains elevated despite lisinopril twenty milligrams daily.",
              "Recommend follow up with repeat lipid panel in three months."]]
# Too few letters to classify: the type waits for a person.
BLANK_NOTE = [["", "Ref 4471 Vufo"]]
