"""One suite for every MPI backend: the same keys, the same candidates."""
import pytest

from clinidex.patient import Demographics, Identifier, PatientRecord
from index.patients import get, resolve
from index.patients_embedded import EmbeddedPatients
from tests.support.services import services_or_skip, unique

HOME = "urn:oid:2.16.840.1.113883.19.5"


@pytest.fixture(params=["embedded", "opensearch"])
def mpi(request, tmp_path):
    if request.param == "embedded":
        index = EmbeddedPatients(tmp_path / "index.sqlite3")
        index.setup()
        yield index
        return
    from index.patients_opensearch import OpenSearchPatients

    svc = services_or_skip()
    index = OpenSearchPatients(svc.opensearch_url, unique("patients"))
    index.setup()
    yield Refreshing(index)
    index.client.indices.delete(index=index.concrete)


class Refreshing:
    def __init__(self, index) -> None:
        self.index = index

    def __getattr__(self, name):
        return getattr(self.index, name)

    def put_many(self, records):
        written = self.index.put_many(records)
        self.index.refresh()
        return written


def person(mrn: str, given: str, family: str, born: str, **values) -> PatientRecord:
    return PatientRecord.create(Identifier(system=HOME, value=mrn, assigner="Harbor View Hospital", type="MR"),
                                given=given, family=family, birth_date=born, **values)


@pytest.fixture
def loaded(mpi):
    people = [
        person("100", "Oriana", "Quillfeather", "1961-04-09", sex="female", phone="5550101234"),
        person("101", "Oriana", "Quillfeather", "1990-07-01", sex="female"),
        person("102", "Tobias", "Quillfeather", "1961-04-09", sex="male", phone="5550101234"),
        person("103", "Marguerite", "Abernathy", "1975-12-03", sex="female", postcode="02139"),
        *[person(str(200 + i), f"Given{i}", "Smithers", f"19{50 + i}-01-0{1 + i % 9}") for i in range(40)],
    ]
    assert mpi.put_many(people) == len(people)
    return mpi, {p.identifiers[0].value: p for p in people}


def ids(found):
    return [record.identifiers[0].value for record, _ in found]


def test_identifier_from_its_issuer_ranks_first(loaded):
    mpi, people = loaded
    query = Demographics(identifiers=(("harborviewhospital", "101"),), family="quillfeather")
    assert ids(mpi.candidates(query))[0] == "101"


def test_birth_date_and_phonetic_name_find_a_misspelled_patient(loaded):
    mpi, _ = loaded
    found = ids(mpi.candidates(Demographics(given="oriana", family="quilfether", birth_date="1961-04-09")))
    assert found[0] == "100"
    assert "102" in found  # same birth date: a candidate, for scoring to rule out


def test_transposed_day_and_month_still_finds_the_patient(loaded):
    mpi, _ = loaded
    found = ids(mpi.candidates(Demographics(given="marguerite", family="abernathy", birth_date="1975-03-12")))
    assert found[0] == "103"


def test_one_edit_in_the_family_name_with_the_birth_year(loaded):
    mpi, _ = loaded
    # The given name is unknown and the birth date wrong but for the year: only the deletion
    # keys of the family name ("abernaty" and "abernathy" share "abernaty") can find her.
    found = ids(mpi.candidates(Demographics(family="abernaty", birth_date="1975-06-30")))
    assert found and found[0] == "103"


def test_candidates_are_capped_and_a_stranger_finds_nobody(loaded):
    mpi, _ = loaded
    assert len(mpi.candidates(Demographics(family="smithers", given="given"), limit=10)) == 10
    assert mpi.candidates(Demographics(given="zebedee", family="ottoline", birth_date="2001-02-28")) == []


def test_merged_patient_is_no_candidate_but_resolves_to_the_survivor(loaded):
    mpi, people = loaded
    survivor, merged = people["100"], people["101"]
    mpi.put_many([merged.model_copy(update={"merged_into": survivor.patient_id})])
    found = ids(mpi.candidates(Demographics(given="oriana", family="quillfeather", birth_date="1990-07-01")))
    assert "101" not in found
    assert resolve(mpi, merged.patient_id).patient_id == survivor.patient_id
    assert get(mpi, merged.patient_id).merged_into == survivor.patient_id
    assert [r.patient_id for r in mpi.by_identifier(merged.identifiers[0])] == [merged.patient_id]


def test_replace_scan_count_clear(loaded):
    mpi, people = loaded
    moved = people["103"].model_copy(update={"family": "Fairweather"})
    mpi.put_many([moved])
    assert mpi.count() == len(people)
    assert ids(mpi.candidates(Demographics(given="marguerite", family="fairweather")))[0] == "103"
    assert {r.patient_id for r in mpi.scan()} == {p.patient_id for p in people.values()}
    assert mpi.get_many(["nope"]) == {}
    mpi.clear()
    mpi.refresh()
    assert mpi.count() == 0
