from index.embedded import fts_query


def test_user_syntax_never_reaches_fts5():
    assert fts_query('chest pain') == '"chest" AND "pain"'
    assert fts_query('NEAR(a b) OR "x" text:y -z *') == '"NEAR" AND "a" AND "b" AND "OR" AND "x" AND "text" AND "y" AND "z"'
    assert fts_query('  ;;  ') is None
