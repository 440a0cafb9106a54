"""The workbench's pages over plain HTTP (no browser): what they refuse and what they escape."""
from __future__ import annotations

import httpx


def test_a_form_posted_from_another_site_is_refused(web_stack, waiting):
    doc_id = waiting["name_only"]
    before = web_stack.client.get(f"/documents/{doc_id}/patient").json()["decisions"]
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}):
        response = web_stack.client.post(f"/ui/documents/{doc_id}/patient/unlink", headers=headers,
                                         data={"back": "document"})
        assert response.status_code == 403, headers
    # The browser's session cookie alone, with no page of ours behind the post: refused too.
    cookie = {"clinidex_session": web_stack.token("clerk-x", "records_staff")}
    forged = httpx.post(f"{web_stack.url}/ui/documents/{doc_id}/patient/unlink", cookies=cookie,
                        data={"back": "document"})
    assert forged.status_code == 403
    assert web_stack.client.get(f"/documents/{doc_id}/patient").json()["decisions"] == before


def test_markup_in_a_search_is_shown_as_text(web_stack, waiting):
    assert web_stack.wait_for(waiting["blank"])["status"] == "indexed"  # the viewer shows its pages
    words = '<script>alert("x")</script><em>x</em>'
    for url in ("/ui", f"/ui/documents/{waiting['blank']}"):
        response = web_stack.client.get(url, params={"q": words})
        assert response.status_code == 200
        assert "<script>alert" not in response.text and "<em>x</em>" not in response.text
        assert "&lt;script&gt;alert" in response.text


def test_pages_are_not_cached_framed_or_found_when_missing(web_stack):
    page = web_stack.client.get("/ui")
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "same-origin"
    missing = web_stack.client.get("/ui/documents/0123456789abcdef")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert web_stack.client.get("/ui/static/../routes.py").status_code == 404
