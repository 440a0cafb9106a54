from index.embedded import fts_query
from index.query_text import parse


def test_user_syntax_never_reaches_fts5():
    assert fts_query(parse('chest pain')) == '"chest" AND "pain"'
    assert fts_query(parse('NEAR(a b) OR x text:y -z *')) == '"near" AND "a" AND "b" AND "or" AND "x" AND "text" AND "y" AND "z"'
    assert fts_query(parse('  ;;  ')) is None


def test_phrases_and_synonym_groups():
    assert fts_query(parse('"chest pain" HTN')) == \
        '("chest" + "pain") AND ("htn" OR "hypertension" OR ("high" + "blood" + "pressure"))'
