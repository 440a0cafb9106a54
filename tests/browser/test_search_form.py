"""The search page's form as a URL: read, turned into a query, and written back into links."""
from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlsplit

from starlette.datastructures import QueryParams

from api.web.search_form import SearchForm, facet_options
from index.base import SearchResult
from index.query import FacetValue, Sort


def read(query: str) -> SearchForm:
    return SearchForm.read(QueryParams(query))


def test_a_search_url_round_trips_into_the_query():
    form = read("q=chest+pain&type=referral_note&type=consult_note&facility=Riverside&status=review"
                "&status=bogus&date_from=2024-01-01&needs_review=true&on_hold=false&sort=oldest&cursor=abc")
    query = form.query(patient_ids=("p1",))
    assert query.text == "chest pain" and query.sort == Sort.oldest and query.cursor == "abc" and query.facets
    f = query.filters
    assert f.doc_types == ("referral_note", "consult_note") and f.facilities == ("Riverside",)
    assert f.match_statuses == ("review",) and f.date_from == date(2024, 1, 1) and f.date_to is None
    assert (f.review_pending, f.on_hold, f.low_confidence, f.patient_ids) == (True, False, None, ("p1",))
    assert read(urlsplit(form.url(cursor="abc")).query) == form


def test_changing_a_filter_starts_again_from_the_first_page():
    form = read("q=mi&cursor=abc")
    assert dict(parse_qsl(urlsplit(form.url(statuses=("linked",))).query)) == {"q": "mi", "status": "linked"}
    assert form.year_url("2023") == "/ui?q=mi&date_from=2023-01-01&date_to=2023-12-31"
    assert read("").url() == "/ui"


def test_a_bad_date_is_left_out_and_said_so():
    form = read("date_to=31/12/2024")
    assert form.date_to is None and "To date" in form.problems[0]


def test_facet_values_keep_what_was_chosen_even_when_not_counted():
    result = SearchResult(total=3, hits=[], facets={"doc_type": [FacetValue("referral_note", 2),
                                                                 FacetValue("consult_note", 1)]})
    options = facet_options(result, "doc_type", ("consult_note", "discharge_summary"))
    assert [(o.value, o.count, o.checked) for o in options] == [
        ("referral_note", 2, False), ("consult_note", 1, True), ("discharge_summary", None, True)]
