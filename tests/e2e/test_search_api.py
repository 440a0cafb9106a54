"""The search API end to end on both stacks: faxes read by OCR in the worker, then found by
clinical synonyms both ways, by an OCR-damaged spelling, narrowed by filters with facet counts,
paged by cursor over GET and POST; bad parameters answer problem+json."""
from __future__ import annotations

import time

from clinidex import synthetic

PAGES = {
    "infarction": ["DISCHARGE SUMMARY", "", "Admitted with acute myocardial infarction.",
                   "Known congestive heart failure. Started on aspirin.", "", "Reference {marker}"],
    # Not "MI": fax OCR reads it "Ml" (the clinical abbreviations OCR confuses are a known gap).
    "abbreviation": ["PROGRESS NOTE", "", "History of HTN and CHF, stable today.",
                     "Continue current medications.", "", "Reference {marker}"],
    "other": ["CLINIC NOTE", "", "Seasonal allergies, no cardiac history.", "Return as needed.", "",
              "Reference {marker}"],
}


def _upload_all(stack, seed: int) -> tuple[dict[str, str], dict[str, str]]:
    ids, markers = {}, {}
    for n, (name, lines) in enumerate(PAGES.items()):
        marker = synthetic.marker_word(seed, n + 1)
        markers[name] = marker
        data = synthetic.fax_tiff([[line.format(marker=marker) for line in lines]])
        response = stack.upload(data, f"{name}.tif")
        assert response.status_code == 202, response.text
        ids[name] = response.json()["id"]
    for doc_id in ids.values():
        assert stack.wait_for(doc_id)["status"] == "indexed"
    for marker in markers.values():  # OpenSearch shows a write within its 1 s refresh
        stack.search_until(marker)
    return ids, markers


def _found(stack, **params) -> dict:
    response = stack.client.get("/search", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return response.json()


def test_search_api(stack):
    ids, markers = _upload_all(stack, 811 if stack.kind == "services" else 812)
    mine = set(ids.values())

    # Synonyms both ways (other tests' documents may match too: look only at ours).
    def matched(query: str) -> set[str]:
        return {h["doc_id"] for h in _found(stack, q=query)["hits"]} & mine

    for query in ("MI", "heart attack"):
        assert matched(query) == {ids["infarction"]}, query
    for query in ("CHF", "congestive heart failure"):
        assert matched(query) == {ids["infarction"], ids["abbreviation"]}, query
    for query in ("hypertension", "high blood pressure"):
        assert matched(query) == {ids["abbreviation"]}, query

    # An OCR-damaged spelling of the marker still finds the document, and says so.
    marker = markers["other"]
    damaged = marker[:3] + ("x" if marker[3] != "x" else "y") + marker[4:]
    body = _found(stack, q=damaged)
    assert body["fuzzy"] is True and ids["other"] in {h["doc_id"] for h in body["hits"]}
    exact = _found(stack, q=marker)
    assert exact["fuzzy"] is False and [h["doc_id"] for h in exact["hits"]] == [ids["other"]]
    assert "<em>" in exact["hits"][0]["snippets"][0]

    # Facets count the results; a filter narrows them and the counts follow.
    wide = _found(stack, q="reference", facets="true")
    assert mine <= {h["doc_id"] for h in wide["hits"]}
    statuses = {f["value"]: f["count"] for f in wide["facets"]["match_status"]}
    assert sum(statuses.values()) == wide["total"], statuses
    some_status, some_count = next(iter(statuses.items()))
    narrowed = _found(stack, q="reference", status=some_status)
    assert narrowed["total"] == some_count and all(h["match_status"] == some_status for h in narrowed["hits"])
    years = {f["value"]: f["count"] for f in wide["facets"]["year"]}
    assert years.get(time.strftime("%Y", time.gmtime()), 0) >= len(mine)
    received = time.strftime("%Y-%m-%d", time.gmtime())
    assert _found(stack, q=marker, received_from=received)["total"] == 1
    assert _found(stack, q=marker, received_to="2001-01-01")["total"] == 0
    assert _found(stack, q=marker, status="linked")["total"] == 0  # no MPI patient for it

    # POST answers as GET does; cursor paging walks every hit once.
    posted = stack.client.post("/search", json={"q": "reference", "limit": 100, "facets": False}).json()
    assert {h["doc_id"] for h in posted["hits"]} == {h["doc_id"] for h in wide["hits"]}
    seen, url = [], "/search?q=reference&limit=2&facets=false"
    while url:
        page = stack.client.get(url).json()
        seen += [h["doc_id"] for h in page["hits"]]
        url = page["links"]["next"]
    assert len(seen) == len(set(seen)) == wide["total"]
    cursor, seen_post = None, []
    while True:
        page = stack.client.post("/search", json={"q": "reference", "limit": 2, "cursor": cursor}).json()
        seen_post += [h["doc_id"] for h in page["hits"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen_post) == sorted(seen)

    # Bad input: one error shape, no echo of the query.
    for params, status in (({"q": "x", "limit": 0}, 422), ({"q": "x", "cursor": "garbage"}, 400),
                           ({"q": "x", "status": "sideways"}, 400), ({"q": "x", "date_from": "yesterday"}, 422)):
        response = stack.client.get("/search", params=params)
        assert response.status_code == status, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["status"] == status
    assert markers["other"] not in stack.logs()
