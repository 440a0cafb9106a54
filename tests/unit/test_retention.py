"""Retention policy: loading and refusing policy texts (with the line at fault), retain_until for
each rule, boundary and leap days, policy changes and keeping the last good policy."""
from datetime import date, datetime, timedelta, timezone
from importlib import resources

import pytest

from clinidex.doctypes import load_types
from ingest.retention import (
    ASSUME_ADULT, ASSUME_MINOR, RULE_DEFAULT, RULE_MINORS, RULE_MINORS_ASSUMED, RULE_PERMANENT, RULE_TYPE,
    Period, PolicyError, PolicyStore, Verdict, add_months, anchor_for, compare, effective_retain_until, is_due,
    is_shortening, latest, locate, parse_policy, retain_until,
)

KNOWN = [t.key for t in load_types()]


def policy_text(*, default='"P10Y"', age=18, extra=3, unknown=None, types: dict[str, str] | None = None,
                extra_lines: str = "") -> str:
    lines = ["# a test policy", f"age_of_majority = {age}", f"minors_extra_years = {extra}"]
    if unknown is not None:
        lines.append(f'unknown_birth_date = "{unknown}"')
    lines.append(f"default = {default}")
    lines.append(extra_lines)
    lines.append("[types]")
    lines += [f"{key} = {value}" for key, value in (types or {}).items()]
    return "\n".join(lines) + "\n"


def policy(**kwargs):
    return parse_policy(policy_text(**kwargs), KNOWN)


def refused(text: str) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, KNOWN)
    return caught.value


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


# --- periods and date arithmetic ---------------------------------------------------------------

@pytest.mark.parametrize("text, months", [("P10Y", 120), ("P6M", 6), ("P1Y6M", 18), ("p7y", 84), (" P18M ", 18)])
def test_periods_parse_to_months(text, months):
    assert Period.parse(text).months == months


def test_permanent_is_longer_than_any_period_and_prints_canonically():
    assert Period.parse("permanent").is_permanent
    assert Period.parse("Permanent") > Period.years(150)
    assert str(Period.parse("P18M")) == "P1Y6M" and str(Period.years(10)) == "P10Y" and str(Period(6)) == "P6M"


@pytest.mark.parametrize("start, months, expected", [
    (date(2015, 3, 10), 120, date(2025, 3, 10)),
    (date(2020, 11, 15), 3, date(2021, 2, 15)),  # across a year end
    (date(2023, 1, 31), 1, date(2023, 3, 1)),  # 31 Feb does not exist: rolls forward
    (date(2024, 1, 31), 1, date(2024, 3, 1)),  # 31 Feb in a leap year neither
    (date(2023, 3, 31), 1, date(2023, 5, 1)),  # 31 Apr
    (date(2016, 2, 29), 12, date(2017, 3, 1)),  # leap day + 1 year: 1 March, one day kept extra
    (date(2016, 2, 29), 48, date(2020, 2, 29)),  # leap day + 4 years: exists
    (date(2096, 2, 29), 48, date(2100, 3, 1)),  # 2100 is not a leap year
])
def test_add_months_rolls_a_missing_day_forward(start, months, expected):
    assert add_months(start, months) == expected


# --- the shipped policy ---------------------------------------------------------------------------

def shipped_text() -> str:
    return resources.files("clinidex").joinpath("retention_policy.toml").read_text(encoding="utf-8")


def test_shipped_policy_loads_and_decides_every_type_explicitly():
    shipped = parse_policy(shipped_text(), KNOWN)
    assert set(shipped.types) == set(KNOWN)
    assert shipped.default == Period.years(10)
    assert (shipped.age_of_majority, shipped.minors_extra_years, shipped.unknown_birth_date) == (18, 3, ASSUME_MINOR)
    assert all(not p.is_permanent and p >= Period.years(6) for p in shipped.types.values())


def test_shipped_policy_says_it_is_not_legal_advice():
    assert "NOT LEGAL ADVICE" in shipped_text()


# --- retain_until -------------------------------------------------------------------------------

@pytest.mark.parametrize("index, doc_type", list(enumerate(KNOWN)))
def test_each_type_gets_its_own_period(index, doc_type):
    # Every type a different number of years, so a mixed-up lookup shows.
    p = policy(default='"P99Y"', types={key: f'"P{i + 1}Y"' for i, key in enumerate(KNOWN)})
    decision = retain_until(p, doc_type, date(2010, 6, 15), birth_date=date(1970, 1, 1))
    assert decision.retain_until == date(2011 + index, 6, 15)
    assert decision.rule == RULE_TYPE and decision.period == Period.years(index + 1)
    assert not decision.minors_rule_applied and decision.minor_at_anchor is False and decision.birth_date_known


@pytest.mark.parametrize("doc_type", ["consult_note", None, "a_type_from_an_older_list"])
def test_unlisted_missing_or_unknown_type_takes_the_default(doc_type):
    p = policy(default='"P12Y"', types={"referral_note": '"P5Y"'})
    decision = retain_until(p, doc_type, date(2010, 6, 15), birth_date=date(1970, 1, 1))
    assert decision.retain_until == date(2022, 6, 15)
    assert decision.rule == RULE_DEFAULT


def test_minor_whose_majority_plus_extra_runs_later_than_the_period():
    # Aged 5 at the visit: kept until the 21st birthday (2026), later than 2011 + 10 years.
    p = policy(age=18, extra=3)
    decision = retain_until(p, "progress_note", date(2011, 4, 1), birth_date=date(2005, 9, 20))
    assert decision.retain_until == date(2026, 9, 20)
    assert decision.rule == RULE_MINORS and decision.minors_rule_applied and decision.minor_at_anchor


def test_minor_whose_period_runs_later_keeps_the_period():
    # Aged 17 at the visit: 21st birthday in 2015, the period in 2022.
    p = policy(age=18, extra=3)
    decision = retain_until(p, "progress_note", date(2012, 1, 10), birth_date=date(1994, 6, 1))
    assert decision.retain_until == date(2022, 1, 10)
    assert decision.rule == RULE_DEFAULT and decision.minor_at_anchor and not decision.minors_rule_applied


def test_adult_is_not_extended_even_when_majority_plus_extra_is_later():
    # 19 at the visit: not a minor, so a 2-year period is not stretched to the 40th birthday.
    p = policy(age=18, extra=22, types={"laboratory_report": '"P2Y"'})
    decision = retain_until(p, "laboratory_report", date(2020, 5, 5), birth_date=date(2001, 1, 1))
    assert decision.retain_until == date(2022, 5, 5) and decision.minor_at_anchor is False


def test_the_day_of_the_majority_birthday_is_adult_and_the_day_before_is_minor():
    p = policy(age=18, extra=3, types={"laboratory_report": '"P1Y"'})
    birth = date(2000, 7, 14)
    on_birthday = retain_until(p, "laboratory_report", date(2018, 7, 14), birth)
    day_before = retain_until(p, "laboratory_report", date(2018, 7, 13), birth)
    assert on_birthday.minor_at_anchor is False and on_birthday.retain_until == date(2019, 7, 14)
    assert day_before.minor_at_anchor is True and day_before.retain_until == date(2021, 7, 14)


def test_retain_until_is_the_last_day_kept():
    p = policy(types={"consult_note": '"P10Y"'})
    until = retain_until(p, "consult_note", date(2015, 3, 10), date(1960, 1, 1)).retain_until
    assert until == date(2025, 3, 10)
    assert not is_due(until, date(2025, 3, 10))
    assert is_due(until, date(2025, 3, 11))
    assert not is_due(None, date(9999, 12, 31))


def test_leap_day_anchor_is_kept_until_the_first_of_march():
    p = policy(types={"consult_note": '"P10Y"'})
    assert retain_until(p, "consult_note", date(2016, 2, 29), date(1960, 1, 1)).retain_until == date(2026, 3, 1)


def test_leap_day_birth_comes_of_age_on_the_first_of_march():
    p = policy(age=18, extra=3, types={"laboratory_report": '"P1Y"'})
    birth = date(2004, 2, 29)
    assert retain_until(p, "laboratory_report", date(2022, 2, 28), birth).minor_at_anchor is True
    assert retain_until(p, "laboratory_report", date(2022, 3, 1), birth).minor_at_anchor is False
    # Minor on 28 Feb 2022: kept until the 21st birthday, 1 March 2025 (no 29 Feb that year).
    assert retain_until(p, "laboratory_report", date(2022, 2, 28), birth).retain_until == date(2025, 3, 1)


def test_unknown_birth_date_is_kept_as_long_as_a_minor_could_be_by_default():
    p = policy(age=18, extra=3, types={"consult_note": '"P10Y"'})
    decision = retain_until(p, "consult_note", date(2015, 3, 10), birth_date=None)
    assert decision.retain_until == date(2036, 3, 10)  # anchor + 21 years
    assert decision.rule == RULE_MINORS_ASSUMED and decision.minors_rule_applied
    assert decision.minor_at_anchor is None and not decision.birth_date_known


def test_unknown_birth_date_with_a_period_longer_than_any_minority_keeps_the_period():
    p = policy(age=18, extra=3, types={"discharge_summary": '"P25Y"'})
    decision = retain_until(p, "discharge_summary", date(2015, 3, 10), birth_date=None)
    assert decision.retain_until == date(2040, 3, 10) and decision.rule == RULE_TYPE
    assert not decision.birth_date_known


def test_unknown_birth_date_assumed_adult_applies_the_period_and_says_so():
    p = policy(unknown=ASSUME_ADULT, types={"consult_note": '"P10Y"'})
    decision = retain_until(p, "consult_note", date(2015, 3, 10), birth_date=None)
    assert decision.retain_until == date(2025, 3, 10) and decision.rule == RULE_TYPE
    assert not decision.minors_rule_applied and not decision.birth_date_known and decision.minor_at_anchor is None


def test_permanent_type_is_never_due_even_for_a_minor():
    p = policy(types={"operative_note": '"permanent"'})
    decision = retain_until(p, "operative_note", date(2015, 3, 10), birth_date=date(2010, 1, 1))
    assert decision.retain_until is None and decision.rule == RULE_PERMANENT
    assert decision.period.is_permanent and decision.minor_at_anchor is True and not decision.minors_rule_applied


def test_permanent_default_applies_to_unlisted_types():
    assert retain_until(policy(default='"permanent"'), "consult_note", date(2015, 3, 10)).retain_until is None


# --- the anchor --------------------------------------------------------------------------------

def test_anchor_is_the_document_date_then_the_service_date_then_the_received_day():
    received = datetime(2024, 5, 2, 23, 30, tzinfo=timezone.utc)
    assert anchor_for("2019-01-05", "2018-12-30", received) == anchor_for(date(2019, 1, 5), None, received)
    assert anchor_for("2019-01-05", "2018-12-30", received).source == "document_date"
    assert anchor_for(None, "2018-12-30", received).date == date(2018, 12, 30)
    assert anchor_for(None, "2018-12-30", received).source == "service_date"
    assert anchor_for(None, None, received).date == date(2024, 5, 2)
    assert anchor_for(None, None, received).source == "received"


def test_an_unreadable_date_is_skipped_not_guessed():
    anchor = anchor_for("2019-13-45", "not a date", date(2024, 5, 2))
    assert (anchor.date, anchor.source) == (date(2024, 5, 2), "received")


# --- refusing bad policies, with the line at fault ----------------------------------------------

def test_unknown_type_is_refused_with_its_line():
    text = policy_text(types={"referral_note": '"P10Y"', "radiology_film": '"P5Y"', "other": '"P10Y"'})
    error = refused(text)
    assert error.line == line_of(text, "radiology_film") and "radiology_film" in error.message
    assert str(error).startswith(f"line {error.line}: ")


@pytest.mark.parametrize("value", ['"-P5Y"', '"P-5Y"', "-5"])
def test_negative_period_is_refused_with_its_line(value):
    text = policy_text(types={"referral_note": '"P10Y"', "consult_note": value})
    error = refused(text)
    assert error.line == line_of(text, "consult_note") and "negative" in error.message


def test_negative_default_is_refused_with_its_line():
    text = policy_text(default='"-P1Y"')
    assert refused(text).line == line_of(text, "default =")


@pytest.mark.parametrize("setting, line_text", [("age", "age_of_majority = -18"), ("extra", "minors_extra_years = -1")])
def test_negative_ages_are_refused_with_their_line(setting, line_text):
    text = policy_text(**{setting: int(line_text.split("= ")[1])})
    error = refused(text)
    assert error.line == line_of(text, line_text) and "negative" in error.message


@pytest.mark.parametrize("value, says", [
    ('"P30D"', "whole years and months"),
    ('"P1Y2W"', "whole years and months"),
    ('"P1.5Y"', "whole years and months"),
    ('"PT5H"', "whole years and months"),
    ('"ten years"', "ISO 8601"),
    ('"P"', "ISO 8601"),
    ('"P0Y"', "zero"),
    ('"P0Y0M"', "zero"),
    ('"P151Y"', "permanent"),
    ("10", '"P10Y"'),  # a bare number has no unit
    ("true", "string"),
    ('{ years = 10 }', "string"),
])
def test_malformed_periods_are_refused_with_their_line(value, says):
    text = policy_text(types={"referral_note": '"P10Y"', "consult_note": value})
    error = refused(text)
    assert error.line == line_of(text, "consult_note") and says in error.message


def test_syntax_error_carries_the_parsers_line():
    text = policy_text(types={"referral_note": '"P10Y"', "consult_note": '"P10Y'})  # unterminated string
    error = refused(text)
    assert error.line == line_of(text, "consult_note") and "not valid TOML" in error.message
    assert "(at line" not in error.message  # the position is in .line, not repeated


def test_duplicate_type_is_a_syntax_error_at_the_second_entry():
    text = policy_text(extra_lines="") + 'referral_note = "P10Y"\nreferral_note = "P1Y"\n'
    assert refused(text).line == len(text.splitlines())


def test_syntax_error_at_the_end_of_the_text_points_at_the_last_line():
    text = policy_text() + "other = [\n"
    assert refused(text).line == len(text.splitlines())


def test_unknown_setting_is_refused_with_its_line_and_a_type_at_top_level_gets_a_hint():
    text = policy_text(extra_lines="age_of_majorty = 21")
    error = refused(text)
    assert error.line == line_of(text, "age_of_majorty") and "age_of_majorty" in error.message
    hinted = refused(policy_text(extra_lines='consult_note = "P10Y"'))
    assert "[types]" in hinted.message


def test_missing_setting_has_no_line():
    text = "\n".join(line for line in policy_text().splitlines() if not line.startswith("default"))
    error = refused(text)
    assert error.line is None and "default" in error.message and str(error) == error.message


@pytest.mark.parametrize("age, says", [(0, "from 1"), (31, "to 30"), ('"18"', "whole number"), (18.5, "whole number")])
def test_age_of_majority_out_of_range_or_not_a_number(age, says):
    assert says in refused(policy_text(age=age)).message


def test_unknown_birth_date_mode_must_be_one_of_two():
    text = policy_text(unknown="guess")
    assert refused(text).line == line_of(text, "unknown_birth_date")


def test_types_must_be_a_table():
    text = 'age_of_majority = 18\nminors_extra_years = 3\ndefault = "P10Y"\ntypes = "all ten years"\n'
    assert refused(text).line == 4


def test_dotted_and_inline_type_keys_are_located():
    base = 'age_of_majority = 18\nminors_extra_years = 3\ndefault = "P10Y"\n'
    assert refused(base + 'types.referral_note = "P1Y"\ntypes.bogus = "P1Y"\n').line == 5
    assert refused(base + 'types = { referral_note = "P1Y", bogus = "P1Y" }\n').line == 4


def test_a_byte_order_mark_is_accepted():
    assert parse_policy("\ufeff" + policy_text(), KNOWN).default == Period.years(10)


# --- the line locator -----------------------------------------------------------------------------

def test_locator_follows_tables_and_ignores_comments_and_multiline_strings():
    text = "\n".join([
        '# other = "mentioned in a comment"',  # 1
        'note = """',  # 2
        'other = "inside a string"',  # 3
        '"""',  # 4
        'other = 1',  # 5: top-level key of the same name
        '[types]',  # 6
        "'consult_note' = \"P1Y\"",  # 7: quoted key
        '  other   =  "P2Y"',  # 8
    ])
    assert locate(text, ("types", "other")) == 8
    assert locate(text, ("other",)) == 5
    assert locate(text, ("types", "consult_note")) == 7
    assert locate(text, ("types",)) == 6
    assert locate(text, ("types", "missing")) == 6  # falls back to the enclosing table
    assert locate(text, ("nowhere",)) is None


# --- keeping the last good policy ---------------------------------------------------------------

def test_store_keeps_the_last_good_policy_when_a_new_one_is_refused():
    store = PolicyStore(KNOWN)
    assert store.current is None
    assert store.load(policy_text(types={"consult_note": '"P10Y"'})) is None
    good = store.current
    with pytest.raises(PolicyError) as caught:
        store.load(policy_text(types={"consult_note": '"-P10Y"'}))
    assert store.current is good and store.last_error is caught.value
    change = store.load(policy_text(types={"consult_note": '"P12Y"'}))
    assert store.current is not good and store.current.types["consult_note"] == Period.years(12)
    assert store.last_error is None
    assert [c.doc_type for c in change.longer] == ["consult_note"]


def test_store_refuses_a_first_bad_policy_and_has_none():
    store = PolicyStore(KNOWN)
    with pytest.raises(PolicyError):
        store.load("default = ")
    assert store.current is None and store.last_error.line == 1


def test_digest_identifies_the_text():
    assert policy().digest == policy().digest != policy(default='"P11Y"').digest


# --- policy changes -------------------------------------------------------------------------------

def verdicts(change) -> dict:
    return {c.doc_type: c.verdict for c in change.types}


def test_compare_lists_shorter_longer_and_unchanged_types():
    old = policy(types={"consult_note": '"P10Y"', "laboratory_report": '"P10Y"', "referral_note": '"P10Y"'})
    new = policy(types={"consult_note": '"P8Y"', "laboratory_report": '"P10Y6M"', "referral_note": '"P120M"'})
    change = compare(old, new)
    v = verdicts(change)
    assert v["consult_note"] == Verdict.shorter
    assert v["laboratory_report"] == Verdict.longer
    assert v["referral_note"] == Verdict.unchanged  # P120M is P10Y
    assert v["progress_note"] == Verdict.unchanged and v[None] == Verdict.unchanged
    assert [c.doc_type for c in change.shorter] == ["consult_note"] and change.needs_compliance
    assert set(v) == set(KNOWN) | {None}


def test_lengthening_only_needs_no_compliance():
    change = compare(policy(types={"consult_note": '"P10Y"'}), policy(types={"consult_note": '"permanent"'}))
    assert verdicts(change)["consult_note"] == Verdict.longer and not change.needs_compliance


def test_permanent_to_a_period_is_shorter():
    change = compare(policy(types={"consult_note": '"permanent"'}), policy(types={"consult_note": '"P50Y"'}))
    assert verdicts(change)["consult_note"] == Verdict.shorter


def test_listing_a_type_below_the_default_shortens_it():
    change = compare(policy(default='"P10Y"'), policy(default='"P10Y"', types={"other": '"P5Y"'}))
    v = verdicts(change)
    assert v["other"] == Verdict.shorter and v["consult_note"] == Verdict.unchanged


def test_a_default_change_reaches_unlisted_types_and_untyped_documents_only():
    change = compare(policy(default='"P10Y"', types={"consult_note": '"P10Y"'}),
                     policy(default='"P7Y"', types={"consult_note": '"P10Y"'}))
    v = verdicts(change)
    assert v["consult_note"] == Verdict.unchanged
    assert v["progress_note"] == Verdict.shorter and v[None] == Verdict.shorter


@pytest.mark.parametrize("old, new, expected", [
    (dict(age=18, extra=3), dict(age=18, extra=1), Verdict.shorter),
    (dict(age=18, extra=3), dict(age=18, extra=10), Verdict.longer),
    (dict(age=18, extra=3), dict(age=21, extra=3), Verdict.longer),
    (dict(age=21, extra=0), dict(age=18, extra=3), Verdict.shorter),  # same end, fewer minors
    (dict(age=18, extra=3), dict(age=21, extra=0), Verdict.longer),  # same end, more minors
    (dict(age=18, extra=3), dict(age=18, extra=3, unknown=ASSUME_ADULT), Verdict.shorter),
    (dict(age=18, extra=3, unknown=ASSUME_ADULT), dict(age=18, extra=3), Verdict.longer),
    (dict(age=18, extra=3), dict(age=18, extra=3), Verdict.unchanged),
])
def test_minors_rule_changes_reach_every_non_permanent_type(old, new, expected):
    types = {"operative_note": '"permanent"'}
    change = compare(policy(types=types, **old), policy(types=types, **new))
    v = verdicts(change)
    assert change.minors == expected
    assert v["consult_note"] == expected and v[None] == expected
    assert v["operative_note"] == Verdict.unchanged


def test_a_longer_period_with_a_shorter_minors_rule_is_still_shorter():
    change = compare(policy(extra=3, types={"consult_note": '"P10Y"'}), policy(extra=0, types={"consult_note": '"P20Y"'}))
    assert verdicts(change)["consult_note"] == Verdict.shorter


@pytest.mark.parametrize("old, new", [
    (dict(age=18, extra=3, types={"consult_note": '"P10Y"', "laboratory_report": '"P2Y"'}),
     dict(age=18, extra=1, types={"consult_note": '"P12Y"', "laboratory_report": '"P4Y"'})),
    (dict(age=18, extra=3, types={"consult_note": '"P10Y"', "laboratory_report": '"P2Y"'}),
     dict(age=21, extra=0, types={"consult_note": '"P12Y"', "laboratory_report": '"P1Y6M"'})),
    (dict(age=18, extra=3, unknown=ASSUME_ADULT, types={"consult_note": '"P10Y"', "laboratory_report": '"P2Y"'}),
     dict(age=18, extra=3, types={"consult_note": '"P10Y"', "laboratory_report": '"P2Y1M"'})),
])
def test_compare_verdicts_match_recomputed_dates(old, new):
    # A verdict is a promise about documents: check it against retain_until over many of them.
    old, new = policy(**old), policy(**new)
    v = verdicts(compare(old, new))
    births = [None] + [date(1990, 1, 1) + timedelta(days=397 * i) for i in range(30)]
    anchors = [date(2005, 3, 1) + timedelta(days=211 * i) for i in range(30)]
    for doc_type in ("consult_note", "laboratory_report"):
        pairs = [(retain_until(old, doc_type, a, b).retain_until, retain_until(new, doc_type, a, b).retain_until)
                 for a in anchors for b in births if b is None or b < a]
        observed = (Verdict.shorter if any(n < o for o, n in pairs) else
                    Verdict.longer if any(n > o for o, n in pairs) else Verdict.unchanged)
        assert v[doc_type] == observed, doc_type


# --- recomputing an ingested document -------------------------------------------------------------

def test_lengthening_applies_without_permission_and_shortening_only_with_it():
    before, later, earlier = date(2030, 1, 1), date(2035, 1, 1), date(2028, 1, 1)
    assert effective_retain_until(before, later, allowed_to_shorten=False) == later
    assert effective_retain_until(before, earlier, allowed_to_shorten=False) == before
    assert effective_retain_until(before, earlier, allowed_to_shorten=True) == earlier
    assert effective_retain_until(before, None, allowed_to_shorten=False) is None  # to permanent
    assert effective_retain_until(None, later, allowed_to_shorten=False) is None  # from permanent
    assert effective_retain_until(None, later, allowed_to_shorten=True) == later
    assert is_shortening(None, later) and is_shortening(before, earlier)
    assert not is_shortening(before, before) and not is_shortening(before, None)


def test_latest_retention_of_several_documents():
    assert latest([date(2030, 1, 1), date(2040, 1, 1), date(2035, 1, 1)]) == date(2040, 1, 1)
    assert latest([date(2030, 1, 1), None]) is None
    with pytest.raises(ValueError):
        latest([])
