"""How search words are read: tokens, phrases, synonyms, edit distances, hit words."""
import pytest

from index.query import BadCursor, decode_cursor, encode_cursor
from index.query_text import Clause, edits_allowed, fuzzy_matches, parse, synonym_groups, tokens, word_matches


def test_tokens_fold_case_accents_and_punctuation():
    assert tokens("Müller-Thérèse, MI.") == ["muller", "therese", "mi"]


def test_synonym_runs_take_the_longest_entry():
    (clause,) = parse("ST elevation myocardial infarction")
    assert ("stemi",) in clause.phrases and clause.phrases[0] == ("st", "elevation", "myocardial", "infarction")
    first, second = parse("myocardial infarction troponin")
    assert ("mi",) in first.phrases and ("heart", "attack") in first.phrases
    assert second == Clause((("troponin",),))


def test_every_group_entry_leads_to_the_others():
    for entry, group in synonym_groups().items():
        assert group[0] == entry
        for other in group[1:]:
            assert entry in synonym_groups()[other]


def test_quoted_phrases_stay_phrases():
    clauses = parse('"chest pain" radiating')
    assert clauses[0] == Clause((("chest", "pain"),), quoted=True)
    assert clauses[1] == Clause((("radiating",),))
    assert parse('"unbalanced quote') == [Clause((("unbalanced",),)), Clause((("quote",),))]


def test_no_synonyms_when_asked():
    assert parse("MI", synonyms=False) == [Clause((("mi",),))]


@pytest.mark.parametrize("term, allowed", [("mi", 0), ("htn", 1), ("renal", 1), ("cardiac", 2)])
def test_edits_allowed_like_opensearch_auto(term, allowed):
    assert edits_allowed(term) == allowed


def test_fuzzy_matches_closest_first_within_distance():
    vocabulary = ["hypertension", "hypertensiom", "hypotension", "hypertensive", "tension", "lvh"]
    assert fuzzy_matches("hypertension", vocabulary) == ["hypertension", "hypertensiom", "hypertensive",
                                                          "hypotension"]
    assert fuzzy_matches("lvh", vocabulary) == ["lvh"]
    assert fuzzy_matches("mi", ["mi", "ml"]) == ["mi"]  # two letters: exact only
    assert fuzzy_matches("nitrate", ["nitarte"]) == ["nitarte"]  # a transposition is one edit


def test_word_matches_for_hit_boxes():
    clauses = parse("MI")
    assert word_matches("infarction,", clauses, fuzzy=False)
    assert word_matches("(MI)", clauses, fuzzy=False)
    assert not word_matches("mild", clauses, fuzzy=False)
    damaged = parse("hypertension", synonyms=False)
    assert not word_matches("hypertensiom.", damaged, fuzzy=False)
    assert word_matches("hypertensiom.", damaged, fuzzy=True)


def test_cursor_round_trip_and_garbage():
    assert decode_cursor(encode_cursor([1.25, "doc-1"])) == [1.25, "doc-1"]
    for bad in ("", "zz", encode_cursor({"a": 1}), encode_cursor([1, 2, 3])):
        with pytest.raises(BadCursor):
            decode_cursor(bad)
