from clinidex.patient import Demographics
from ingest.match_keys import deletions, phonetic, query_keys, record_keys, transposed


def shared(query: Demographics, record: Demographics) -> float:
    stored = set(record_keys(record))
    return sum(w for k, w in query_keys(query).items() if k in stored)


PERSON = Demographics(given="catherine", family="smith", birth_date="1970-03-08", phone="5550101234",
                      postcode="44101", identifiers=(("harborview", "A100"),))


def test_transposed_dates_only_when_valid_and_different():
    assert transposed("1970-03-08") == "1970-08-03"
    assert transposed("1970-03-25") is None  # no 25th month
    assert transposed("1970-04-04") is None  # the same date
    assert transposed("not a date") is None


def test_one_edit_apart_family_names_share_a_deletion():
    assert deletions("smith") & deletions("smyth")
    assert deletions("smith") & deletions("smiths")
    assert not deletions("smith") & deletions("jones")


def test_phonetic_codes_forgive_spelling():
    assert phonetic("catherine") == phonetic("kathryn")
    assert phonetic("smith") == phonetic("smyth")
    assert phonetic(None) is None and phonetic("--") is None


def test_every_query_variant_reaches_the_record():
    assert shared(PERSON, PERSON) > 20
    for variant in (
        Demographics(given="kathryn", family="smyth", birth_date="1970-03-08"),  # spelling
        Demographics(given="catherine", family="smith", birth_date="1970-08-03"),  # day/month swapped
        Demographics(given="smith", family="catherine"),  # name order swapped, no date
        Demographics(family="smiht", birth_date="1970-01-01"),  # typo + birth year only
        Demographics(identifiers=(("", "A100"),)),  # the number without its issuer
        Demographics(phone="5550101234"),
    ):
        assert shared(variant, PERSON) > 0, variant


def test_a_number_weighs_more_with_its_issuer_and_name_with_date_more_still():
    by_number = Demographics(identifiers=(("harborview", "A100"),))
    by_name_and_date = Demographics(given="catherine", family="smith", birth_date="1970-03-08")
    assert shared(by_number, PERSON) > shared(Demographics(identifiers=(("otherplace", "A100"),)), PERSON)
    assert shared(by_name_and_date, PERSON) > shared(by_number, PERSON) > 0


def test_a_stranger_shares_nothing():
    assert shared(Demographics(given="zebedee", family="ottoline", birth_date="2001-02-28"), PERSON) == 0
