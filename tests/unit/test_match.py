"""Patient matching: comparison levels, EM estimation, term frequencies, scoring and the link
decision (ingest/match_compare.py, match_model.py, match_score.py, match.py)."""
from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from clinidex.patient import Demographics
from ingest.match import MatchThresholds, decide, document_prior, missing_demographics
from ingest.match_compare import COMPARISONS, NAMES, compare, vectors
from ingest.match_model import DEFAULT_M, MatchModel, term_frequencies
from ingest.match_score import score

ALICE = Demographics(given="alice", family="okafor", birth_date="1980-03-07", sex="female",
                     phone="5551234567", address="12 elm street", city="springfield", state="il",
                     postcode="62704", identifiers=(("stbrendans", "M1001"),))


def level(field: str, a: Demographics, b: Demographics) -> str | int:
    """The level name of one comparison, or -1 for null."""
    j = NAMES.index(field)
    found = compare(a, b)[j]
    return COMPARISONS[j].levels[found] if found >= 0 else found


# -- comparison levels -----------------------------------------------------------------------

@pytest.mark.parametrize("other, expected", [
    ("alice", "exact"),
    ("allice", "jaro-winkler >= 0.92"),
    ("alyce", "jaro-winkler >= 0.80"),
    ("a", "initial or middle name"),
    ("b", "different"),
    ("zoe", "different"),
])
def test_given_name_levels(other, expected):
    assert level("given", ALICE, replace(ALICE, given=other)) == expected


@pytest.mark.parametrize("x, y, expected", [
    ("william", "bill", True), ("bill", "will", True), ("elizabeth", "beth", True),
    ("william", "willis", False), ("alice", "zoe", False),
])
def test_known_nicknames(x, y, expected):
    from ingest.match_compare import known_nickname

    assert known_nickname(x, y) is expected
    if expected:
        assert level("given", replace(ALICE, given=x), replace(ALICE, given=y)) == "known nickname"


def test_given_name_against_the_other_sides_middle_name():
    registered = replace(ALICE, given="mary", middle="alice")
    assert level("given", ALICE, registered) == "initial or middle name"
    assert level("given", ALICE, replace(registered, middle=None)) == "different"


def test_missing_values_are_null_not_disagreement():
    bare = Demographics(given="alice", family="okafor")
    assert [v for n, v in zip(NAMES, compare(ALICE, bare)) if n not in ("given", "family")] == [-1] * 6


def test_swapped_names_count_once_under_family():
    swapped = replace(ALICE, given="okafor", family="alice")
    assert level("family", ALICE, swapped) == "given and family swapped"
    assert level("given", ALICE, swapped) == -1
    assert level("family", ALICE, replace(ALICE, family="adams")) == "different"


def test_full_name_split_differently():
    registered = replace(ALICE, given="mary ann", family="smith")
    from_document = replace(ALICE, given="mary", family="ann smith")
    assert level("family", from_document, registered) == "full name split differently"
    assert level("given", from_document, registered) == -1


@pytest.mark.parametrize("other, expected", [
    ("1980-03-07", "exact"),
    ("1980-07-03", "day and month transposed"),
    ("1981-03-07", "one digit different or two swapped"),
    ("1908-03-07", "one digit different or two swapped"),  # neighbouring digits swapped
    ("1980-03-25", "same year, and month or day"),
    ("1955-03-07", "different"),  # same day and month a generation apart: a parent or child
    ("1972-11-30", "different"),
])
def test_birth_date_levels(other, expected):
    assert level("birth_date", ALICE, replace(ALICE, birth_date=other)) == expected


def test_unreadable_birth_date_is_null():
    assert level("birth_date", ALICE, replace(ALICE, birth_date="1980-3-7")) == -1


@pytest.mark.parametrize("ids, expected", [
    ((("stbrendans", "M1001"),), "same issuer and number"),
    ((("", "M1001"),), "same number, issuer unknown"),
    ((("stbrendans", "M1007"),), "same issuer, number one character different"),
    ((("stbrendans", "M2345"),), "same issuer, different number"),
    ((("northgate", "M1001"),), -1),  # another hospital's numbers are not comparable
    ((("northgate", "X9"), ("stbrendans", "M1001")), "same issuer and number"),  # the strongest wins
])
def test_identifier_levels(ids, expected):
    assert level("identifier", ALICE, replace(ALICE, identifiers=ids)) == expected


def test_phone_postcode_and_sex_levels():
    assert level("phone", ALICE, replace(ALICE, phone="3121234567")) == "last 7 digits"
    assert level("phone", ALICE, replace(ALICE, phone="3129999999")) == "different"
    assert level("postcode", ALICE, replace(ALICE, postcode="62799")) == "first 3 characters"
    assert level("postcode", ALICE, replace(ALICE, postcode="10001")) == "different"
    assert level("sex", ALICE, replace(ALICE, sex="male")) == "different"


def test_one_line_document_address_against_split_mpi_address():
    document = Demographics(address="12 elm street springfield il 62704", postcode="62704")
    assert level("address", document, ALICE) == "token-set similarity >= 0.9"
    elsewhere = Demographics(address="48 harbour road springfield il 62704", postcode="62704")
    assert level("address", elsewhere, ALICE) == "different"


def test_vectors_match_compare_row_by_row():
    others = [replace(ALICE, given="alicia"), replace(ALICE, birth_date=None), Demographics()]
    v = vectors((ALICE, o) for o in others)
    assert v.dtype == np.int8 and v.shape == (3, len(COMPARISONS))
    assert [tuple(row) for row in v] == [compare(ALICE, o) for o in others]


# -- estimation ------------------------------------------------------------------------------

def simulate(n: int, lam: float, m: dict, u: dict, rng, null_rate: float = 0.05):
    """Comparison vectors drawn from a known Fellegi-Sunter model."""
    is_match = rng.random(n) < lam
    out = np.empty((n, len(NAMES)), dtype=np.int8)
    for j, name in enumerate(NAMES):
        levels = len(m[name])
        out[is_match, j] = rng.choice(levels, is_match.sum(), p=m[name])
        out[~is_match, j] = rng.choice(levels, (~is_match).sum(), p=u[name])
        out[rng.random(n) < null_rate, j] = -1
    return out, is_match


def _true_model(rng):
    m, u = {}, {}
    for c in COMPARISONS:
        k = len(c.levels)
        m[c.name] = np.r_[0.7, np.full(k - 1, 0.3 / (k - 1))]
        u[c.name] = np.r_[np.full(k - 1, 0.03), 1 - 0.03 * (k - 1)]
    return m, u


def test_em_recovers_m_and_the_match_share_with_u_fixed():
    rng = np.random.default_rng(3)
    m, u = _true_model(rng)
    vectors_, is_match = simulate(40_000, 0.2, m, u, rng)
    start = MatchModel.default()
    model = replace(start, u={k: v.copy() for k, v in u.items()})
    fitted, report = model.estimate_m(vectors_, max_iterations=100, tolerance=1e-6)
    assert report.converged
    assert report.prior_in_session == pytest.approx(is_match.mean(), abs=0.01)
    for name in NAMES:
        assert np.abs(fitted.m[name] - m[name]).max() < 0.03, name
        assert np.abs(start.m[name] - m[name]).max() > 0.03 or name in ("sex",)  # it had to move


def test_em_keeps_default_m_where_it_cannot_estimate():
    rng = np.random.default_rng(4)
    m, u = _true_model(rng)
    vectors_, _ = simulate(5_000, 0.2, m, u, rng)
    phone, bd = NAMES.index("phone"), NAMES.index("birth_date")
    vectors_[:, phone] = -1  # no pair has a phone
    vectors_[vectors_[:, bd] == 1, bd] = 0  # nobody transposes day and month
    fitted, report = replace(MatchModel.default(), u=u).estimate_m(vectors_)
    assert np.allclose(fitted.m["phone"], DEFAULT_M["phone"])
    assert fitted.m["birth_date"][1] == pytest.approx(DEFAULT_M["birth_date"][1], rel=0.05)
    assert ("birth_date", 1) in report.defaulted and ("phone", 0) in report.defaulted


def test_estimate_u_counts_random_pairs_and_keeps_unseen_levels():
    v = np.full((1000, len(NAMES)), -1, dtype=np.int8)
    sex = NAMES.index("sex")
    v[:300, sex], v[300:, sex] = 0, 1
    given = NAMES.index("given")
    v[:, given] = len(DEFAULT_M["given"]) - 1  # "different"
    v[:10, given] = 0
    model = MatchModel.default().estimate_u(v)
    assert model.u["sex"] == pytest.approx([0.3, 0.7])
    assert model.u["given"][0] == pytest.approx(0.01, rel=0.05)
    assert model.u["given"][1] == pytest.approx(MatchModel.default().u["given"][1])  # never seen: default
    assert np.allclose(model.u["phone"], MatchModel.default().u["phone"])  # never compared


def test_train_estimates_the_prior_over_all_pairs():
    rng = np.random.default_rng(5)
    m, u = _true_model(rng)
    candidates, is_match = simulate(20_000, 0.1, m, u, rng)
    total = 4_000_000
    model = replace(MatchModel.default(), u=u)
    trained, reports = model.train(candidates, total, rules=({"birth_date": 0}, {"postcode": 0}), correct_u=False)
    assert {tuple(r.rule) for r in reports} == {("birth_date",), ("postcode",)}
    assert trained.prior == pytest.approx(is_match.sum() / total, rel=0.1)
    # birth_date is switched off in its own session but estimated in the postcode one
    assert np.abs(trained.m["birth_date"] - m["birth_date"]).max() < 0.05


# -- term frequencies and scoring ------------------------------------------------------------

def test_term_frequencies_are_bounded_and_floored():
    names = ["smith"] * 50 + ["jones"] * 20 + ["lee"] * 3 + ["zbigniew", "ng"]
    tf = term_frequencies(names, min_count=2, max_terms=2)
    assert set(tf["terms"]) == {"smith", "jones"}
    assert tf["terms"]["smith"] == pytest.approx(50 / 75)
    assert tf["floor"] == pytest.approx(3 / 75)  # "lee" was dropped: unknowns are no rarer than that
    assert term_frequencies(names)["floor"] == pytest.approx(1 / 75)


def test_common_name_match_is_worth_less_than_a_rare_one():
    names = ["smith"] * 500 + [f"name{i}" for i in range(500)] + ["zbigniew"]
    model = MatchModel.default().with_term_frequencies(family=term_frequencies(names))
    smith, rare = replace(ALICE, family="smith"), replace(ALICE, family="zbigniew")
    common_ev = score(smith, smith, model).explanation[1]
    rare_ev = score(rare, rare, model).explanation[1]
    assert common_ev.tf_adjusted and rare_ev.tf_adjusted
    assert common_ev.weight < math.log2(model.m["family"][0] / model.u["family"][0]) < rare_ev.weight
    assert score(smith, smith, model).weight < score(rare, rare, model).weight


def test_score_adds_up_and_agrees_with_the_vectorised_weights():
    model = MatchModel.default().with_term_frequencies(given=term_frequencies(["alice"] * 5 + ["bob"] * 20))
    other = replace(ALICE, birth_date="1980-07-03", phone=None)
    s = score(ALICE, other, model)
    prior_odds = math.log2(model.prior / (1 - model.prior))
    assert s.weight == pytest.approx(prior_odds + sum(e.weight for e in s.explanation))
    assert s.probability == pytest.approx(1 / (1 + 2 ** -s.weight))
    assert s.explanation[2].level == "day and month transposed"
    assert s.explanation[4].level == "missing" and s.explanation[4].bayes_factor == 1.0
    batch = model.weights(np.array([s.vector]), {"given": [other.given]})
    assert batch[0] == pytest.approx(s.weight)


def test_explanation_carries_no_patient_values():
    s = score(ALICE, replace(ALICE, given="alicia"), MatchModel.default())
    text = json.dumps(s.as_dict()["explanation"])
    for value in ("alice", "alicia", "okafor", "1980", "5551234567", "elm", "62704", "M1001", "stbrendans"):
        assert value not in text.lower() and value.lower() not in text.lower()


def test_model_version_follows_its_content():
    model = MatchModel.default()
    assert model.version == MatchModel.default().version
    assert replace(model, prior=2e-6).version != model.version


def test_model_json_round_trip():
    model = replace(MatchModel.default(), prior=3e-6).with_term_frequencies(
        given=term_frequencies(["ann", "ann", "bo"]), family=term_frequencies(["lee", "lee", "lee"]))
    back = MatchModel.from_json(model.to_json())
    assert back.prior == model.prior and back.tf == model.tf and back.version == model.version
    for name in NAMES:
        assert np.array_equal(back.m[name], model.m[name]) and np.array_equal(back.u[name], model.u[name])
    assert score(ALICE, ALICE, back).weight == score(ALICE, ALICE, model).weight
    data = json.loads(model.to_json())
    data["comparisons"]["given"] = ["exact", "different"]
    with pytest.raises(ValueError):
        MatchModel.from_json(json.dumps(data))


# -- the decision ----------------------------------------------------------------------------

MODEL = MatchModel.default()
PRIOR = document_prior(100_000)
DOC = Demographics(given="alice", family="okafor", birth_date="1980-03-07",
                   address="12 elm street springfield il 62704", postcode="62704",
                   identifiers=(("stbrendans", "M1001"),))
STRANGER = Demographics(given="bob", family="nakamura", birth_date="1961-10-22", postcode="10001",
                        identifiers=(("stbrendans", "M5555"),))


def test_strong_single_candidate_is_linked():
    out = decide(DOC, [("p-alice", ALICE), ("p-bob", STRANGER)], MODEL, prior=PRIOR)
    assert (out.outcome, out.patient_id, out.reason) == ("linked", "p-alice", None)
    assert [c.patient_id for c in out.candidates] == ["p-alice", "p-bob"]
    assert out.candidates[0].probability >= MatchThresholds().link


def test_two_close_candidates_go_to_review():
    duplicate = replace(ALICE, identifiers=(("stbrendans", "M1002"),))
    doc = replace(DOC, identifiers=())
    out = decide(doc, [("p-1", ALICE), ("p-2", duplicate)], MODEL, prior=PRIOR)
    assert out.outcome == "review" and out.patient_id is None
    assert "two candidates are close" in out.reason
    # the same pair with the margin rule switched off links the first
    loose = decide(doc, [("p-1", ALICE), ("p-2", duplicate)], MODEL, MatchThresholds(margin=0), prior=PRIOR)
    assert loose.outcome == "linked"


def test_possible_but_uncertain_candidate_goes_to_review():
    doc = Demographics(given="alice", family="okafor", birth_date="1980-03-07")
    out = decide(doc, [("p-alice", replace(ALICE, given="alyce", family="okafur"))], MODEL, prior=PRIOR)
    assert out.outcome == "review"
    assert MatchThresholds().review <= out.candidates[0].probability < MatchThresholds().link


def test_weak_candidates_leave_the_document_unmatched():
    out = decide(DOC, [("p-bob", STRANGER)], MODEL, prior=PRIOR)
    assert out.outcome == "unmatched" and out.reason == "no candidate scored above the review threshold"
    assert out.candidates and out.candidates[0].patient_id == "p-bob"


def test_twin_goes_to_review_not_linked():
    twin = replace(ALICE, given="zoe", identifiers=(("stbrendans", "M1002"),))
    doc = replace(DOC, identifiers=())
    out = decide(doc, [("p-twin", twin)], MODEL, prior=PRIOR)
    assert out.outcome == "review" and "twin" in out.reason
    off = decide(doc, [("p-twin", twin)], MODEL, MatchThresholds(twin_rule=False), prior=PRIOR)
    assert off.outcome == "linked"


def test_twin_rule_allows_for_a_slipped_birth_date_and_yields_to_a_shared_mrn():
    twin = replace(ALICE, given="zoe", identifiers=(("stbrendans", "M1002"),))
    slipped = replace(DOC, birth_date="1980-07-03", identifiers=())
    assert decide(slipped, [("p-twin", twin)], MODEL, prior=PRIOR).outcome == "review"
    # the fax's MRN is the candidate's own: the first name disagrees, but the number settles it
    same_mrn = replace(twin, identifiers=DOC.identifiers)
    assert decide(DOC, [("p-twin", same_mrn)], MODEL, prior=PRIOR).outcome == "linked"


@pytest.mark.parametrize("doc, words", [
    (Demographics(given="alice", family="okafor"), "only a name"),
    (Demographics(given="alice", family="okafor", postcode="62704"), "no date of birth or identifier"),
    (Demographics(family="okafor", birth_date="1980-02-31"), "date of birth is unreadable"),
    (Demographics(birth_date="1980-03-07", postcode="62704"), "no patient name or identifier"),
    (Demographics(), "nothing to match on"),
])
def test_missing_demographics_are_unmatched_without_scoring(doc, words):
    out = decide(doc, [("p-alice", ALICE)], MODEL, prior=PRIOR)
    assert out.outcome == "unmatched" and out.candidates == ()
    assert out.reason.startswith("missing demographics") and words in out.reason


def test_enough_demographics_pass_the_gate():
    assert missing_demographics(Demographics(family="okafor", birth_date="1980-03-07")) is None
    assert missing_demographics(Demographics(given="alice", identifiers=(("", "M1001"),))) is None


def test_no_candidates_is_unmatched():
    out = decide(DOC, [], MODEL, prior=PRIOR)
    assert out.outcome == "unmatched" and out.candidates == ()


def test_a_bigger_mpi_needs_more_evidence():
    doc = Demographics(given="alice", family="okafor", birth_date="1980-03-07")
    small = decide(doc, [("p", ALICE)], MODEL, prior=document_prior(1_000))
    large = decide(doc, [("p", ALICE)], MODEL, prior=document_prior(10_000_000))
    assert small.candidates[0].probability > large.candidates[0].probability
    assert small.outcome == "linked" and large.outcome != "linked"


def test_only_the_top_five_are_kept_and_a_patient_appears_once():
    cands = [(f"p-{i}", replace(STRANGER, given=f"bob{i}")) for i in range(8)] + [("p-alice", ALICE)] * 2
    out = decide(DOC, cands, MODEL, prior=PRIOR)
    ids = [c.patient_id for c in out.candidates]
    assert len(ids) == 5 and ids[0] == "p-alice" and ids.count("p-alice") == 1
    assert [c.weight for c in out.candidates] == sorted((c.weight for c in out.candidates), reverse=True)
