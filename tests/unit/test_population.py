"""The synthetic MPI population, the faxed demographics test set and the documents rendered for
MPI patients: reproducible, realistic enough to make matching hard, and honest about the damage
each faxed case carries."""
import itertools
import statistics
from collections import Counter, defaultdict
from datetime import date
from types import GeneratorType

import pytest

from clinidex.corpus import evaluation
from clinidex.fields import norm_code, norm_name, norm_text
from clinidex.patient import Demographics, issuer_key
from clinidex.population import (NICKNAMES, FaxNoise, Issuer, as_person, default_issuers, documents_for,
                                 faxed_demographics, format_mrn, population)

ISSUERS = default_issuers()
HOME = ISSUERS[0]


@pytest.fixture(scope="module")
def sample():
    return list(population(20_000, 11, ISSUERS))


@pytest.fixture(scope="module")
def cases(sample):
    return faxed_demographics(sample, 5, 4000)


def test_same_seed_same_population_and_another_seed_another():
    first = list(population(300, 4, ISSUERS))
    assert first == list(population(300, 4, ISSUERS))
    other = list(population(300, 5, ISSUERS))
    assert [r.patient_id for r in first] != [r.patient_id for r in other]
    assert [r.display_name for r in first] != [r.display_name for r in other]


def test_n_patients_with_distinct_ids_and_a_home_mrn_each(sample):
    assert len(sample) == 20_000
    assert len({r.patient_id for r in sample}) == 20_000
    home = [r.identifiers[0] for r in sample]
    assert all(i.system == HOME.system and i.assigner == HOME.name and i.type == "MR" for i in home)
    assert len({i.value for i in home}) == 20_000
    for r in sample[:500]:
        assert r.given and r.family and r.sex in ("female", "male") and len(r.phone) == 10
        assert len(r.postcode) == 5 and r.postcode.isdigit() and len(r.state) == 2
        assert 1925 <= date.fromisoformat(r.birth_date).year <= 2025
        for ident in r.identifiers:
            assert ident.value == norm_code(ident.value)


def test_family_names_are_skewed_with_a_long_tail(sample):
    counts = Counter(r.family for r in sample)
    top, top_count = counts.most_common(1)[0]
    assert top_count > 50 * statistics.median(counts.values())
    assert len(counts) > 3000  # the tail keeps producing new names
    assert any("-" in f for f in counts) and any(" " in f for f in counts)
    # Common names make unrelated namesakes: the same given and family name at different addresses.
    people = defaultdict(set)
    for r in sample:
        people[(r.given, r.family)].add(r.address)
    assert sum(1 for addresses in people.values() if len(addresses) > 1) > 100


def test_births_spread_over_the_century(sample):
    years = Counter(int(r.birth_date[:4]) // 10 * 10 for r in sample)
    assert set(years) == set(range(1920, 2030, 10))
    assert min(years.values()) > 50


def test_families_and_twins_exist(sample):
    homes = defaultdict(list)
    for r in sample:
        homes[(r.address, r.postcode)].append(r)
    families = [group for group in homes.values()
                if len(group) >= 2 and len({r.family for r in group}) < len(group)]
    assert len(families) > 1000
    assert any(len({r.phone for r in group}) == 1 and len(group) >= 3 for group in families)
    twins = set()
    for group in homes.values():
        by_birth = defaultdict(list)
        for r in group:
            by_birth[(r.family, r.birth_date)].append(r)
        for same in by_birth.values():
            if len(same) >= 2 and len({r.given for r in same}) == len(same):
                twins.add(same[0].patient_id)
    assert len(twins) > 20


def test_some_patients_carry_partner_mrns(sample):
    extra = Counter(len(r.identifiers) - 1 for r in sample)
    share = (extra[1] + extra[2]) / len(sample)
    assert 0.25 < share < 0.55 and extra[2] > 0.03 * len(sample)
    partners = {i.system for r in sample for i in r.identifiers[1:]}
    assert partners == {i.system for i in ISSUERS[1:]}
    assert all(len({i.system for i in r.identifiers}) == len(r.identifiers) for r in sample)


def test_population_streams_without_building_the_whole_list():
    stream = population(1_000_000, 3, ISSUERS)
    assert isinstance(stream, GeneratorType)
    first = list(itertools.islice(stream, 50))
    assert len(first) == 50 and len({r.patient_id for r in first}) == 50
    stream.close()


def test_as_person_prints_the_issuers_mrn(sample):
    record = next(r for r in sample if len(r.identifiers) > 1)
    partner_id = record.identifiers[1]
    partner = next(i for i in ISSUERS if i.system == partner_id.system)
    person = as_person(record, partner)
    assert norm_code(person.mrn) == partner_id.value
    assert person.mrn == format_mrn(partner_id.value, partner.system)
    assert person.name == f"{record.given} {record.family}"
    assert person.birth_date.isoformat() == record.birth_date and person.street == record.address
    assert norm_code(as_person(record, HOME).mrn) == record.identifiers[0].value
    dashed = next(i for i in ISSUERS if "-" in format_mrn("1" * 10, i.system) or "-" in format_mrn("1" * 8, i.system))
    assert dashed  # some issuers print MRNs with dashes
    lone = next(r for r in sample if len(r.identifiers) == 1)
    with pytest.raises(KeyError):
        as_person(lone, partner)


NAME_DAMAGE = {"nickname", "name_order_swapped", "family_name_change", "typo_given", "typo_family", "ocr_name",
               "partial_family"}


def test_faxed_cases_carry_the_damage_they_record(sample, cases):
    by_id = {r.patient_id: r for r in sample}
    labels = Counter(d for c in cases for d in c.damage)
    for label in ("nickname", "transposed_dob", "dob_digit_wrong", "missing_dob", "name_order_swapped",
                  "family_name_change", "typo_given", "typo_family", "ocr_name", "mrn_ocr", "no_mrn",
                  "unknown_issuer_mrn", "old_address", "old_phone", "name_only", "not_in_mpi"):
        assert labels[label] > 0, label
    for case in cases:
        if case.true_patient_id is None:
            continue
        record, fields, damage = by_id[case.true_patient_id], case.fields, case.damage
        name = fields["patient_name"]
        truth = norm_name(record.given, record.family)
        name_damage = set(damage) & NAME_DAMAGE
        if not name_damage:
            assert name == truth
        elif name_damage == {"name_order_swapped"}:
            assert name == f"{record.family} {record.given}".lower()
        else:
            assert name != truth
        if "nickname" in damage and set(damage).isdisjoint({"typo_given", "ocr_name", "name_order_swapped"}):
            assert name.split()[0] in NICKNAMES[record.given.lower()]
        if "name_only" in damage:
            assert set(fields) == {"patient_name"}
            continue
        dob = fields.get("birth_date")
        if "missing_dob" in damage:
            assert dob is None
        elif "transposed_dob" in damage:
            born = date.fromisoformat(record.birth_date)
            assert dob == date(born.year, born.day, born.month).isoformat() and dob != record.birth_date
        elif "dob_digit_wrong" in damage:
            assert len(dob) == 10 and sum(a != b for a, b in zip(dob, record.birth_date)) == 1
        else:
            assert dob == record.birth_date
        if "missing_phone" in damage:
            assert "phone" not in fields
        elif "old_phone" not in damage and "phone_digit_wrong" not in damage:
            assert fields["phone"] == record.phone
        elif "phone_digit_wrong" in damage:
            assert sum(a != b for a, b in zip(fields["phone"], record.phone)) == 1
        if "missing_address" in damage:
            assert "address" not in fields
        elif not {"old_address", "address_ocr"} & set(damage):
            assert fields["address"] == norm_text(f"{record.address} {record.city} {record.state} {record.postcode}")
        if "no_mrn" in damage:
            assert "mrn" not in fields and "mrn_issuer" not in fields
            continue
        held = {(issuer_key(i.assigner), i.value) for i in record.identifiers}
        pair = (issuer_key(fields.get("mrn_issuer")), fields["mrn"])
        if {"unknown_issuer_mrn", "mrn_not_in_mpi", "mrn_ocr", "no_issuer"}.isdisjoint(damage):
            assert pair in held  # the number the sending facility gave this patient
        if "unknown_issuer_mrn" in damage:
            assert all(issuer_key(i.name) != pair[0] for i in ISSUERS)
        if "no_issuer" in damage:
            assert "mrn_issuer" not in fields


def test_faxed_fields_read_as_demographics(cases):
    for case in cases[:200]:
        demo = Demographics.from_fields(case.fields)
        assert demo.family
        if "address" in case.fields:
            assert demo.postcode and len(demo.postcode) == 5 or "address_ocr" in case.damage


def test_people_not_in_the_mpi_have_no_true_id_and_are_not_in_the_records(sample, cases):
    outside = [c for c in cases if c.true_patient_id is None]
    assert 0.06 * len(cases) < len(outside) < 0.14 * len(cases)
    assert all("not_in_mpi" in c.damage for c in outside)
    assert all(c.true_patient_id is not None for c in cases if "not_in_mpi" not in c.damage)
    names = {(norm_name(r.given, r.family), r.birth_date) for r in sample}
    held = {(issuer_key(i.assigner), i.value) for r in sample for i in r.identifiers}
    for case in outside:
        f = case.fields
        clean = set(case.damage).isdisjoint(NAME_DAMAGE | {"transposed_dob", "dob_digit_wrong"})
        if clean and f.get("birth_date"):
            assert (f["patient_name"], f["birth_date"]) not in names
        if f.get("mrn") and f.get("mrn_issuer"):
            assert (f["mrn_issuer"].replace(" ", ""), f["mrn"]) not in held


def test_faxed_cases_are_reproducible_and_fractions_are_parameters(sample):
    assert faxed_demographics(sample, 8, 300) == faxed_demographics(sample, 8, 300)
    assert faxed_demographics(sample, 8, 300) != faxed_demographics(sample, 9, 300)
    none_outside = faxed_demographics(sample, 8, 300, outside_fraction=0.0)
    assert all(c.true_patient_id for c in none_outside)
    clean = faxed_demographics(sample, 8, 300, outside_fraction=0.0, noise=FaxNoise(
        **{name: 0.0 for name in FaxNoise.__dataclass_fields__}))
    assert all(c.damage == [] or set(c.damage) <= {"mrn_not_in_mpi"} for c in clean)
    assert all(set(c.fields) >= {"patient_name", "birth_date", "sex", "mrn", "phone", "address"} for c in clean)


def test_documents_for_mpi_patients_come_from_the_facility_whose_mrn_they_carry(sample):
    by_id = {r.patient_id: r for r in sample}
    pairs = documents_for(sample[:3000], evaluation, 7, 30)
    assert len(pairs) == 30
    assert documents_for(sample[:3000], evaluation, 7, 5) == pairs[:5]
    for doc, patient_id in pairs:
        record = by_id[patient_id]
        partner = next(i for i in record.identifiers[1:] if i.assigner == doc.sender.facility)
        truth = doc.truth()
        assert truth["patient_name"] == {norm_name(record.given, record.family)}
        if "mrn" in truth:
            assert truth["mrn"] == {partner.value}
        if "mrn_issuer" in truth:
            assert truth["mrn_issuer"] == {norm_text(partner.assigner)}
    only = Issuer(ISSUERS[2].system, ISSUERS[2].name)
    assert {d.sender.facility for d, _ in documents_for(sample[:3000], evaluation, 7, 10, issuer=only)} == {only.name}
