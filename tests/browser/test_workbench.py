"""The workbench driven in headless Chromium against a real stack: a fax uploaded through the
upload page and watched to the end, found by keyboard from the search page, opened with its
hit marked on the page image; a review item and an unmatched document resolved through their
queues; every page readable at 1280x800 without scrolling sideways."""
from __future__ import annotations

from api.guard import SESSION_COOKIE

import io
import re
import time

from PIL import Image

from clinidex import synthetic
from tests.browser.documents import BLANK_NOTE, PATIENT, REVIEWER

SEED = 31


def wait(condition, timeout: float = 120, message: str = "condition not met"):
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.3)


def indexed(web_stack, doc_id: str) -> dict:
    body = web_stack.wait_for(doc_id)
    assert body["status"] == "indexed", body["failure_reason"]
    return body


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280, f"{page.url} is {width} px wide at a 1280 px viewport"


def tab_to(page, predicate: str, presses: int = 40) -> None:
    """Press Tab until the focused element satisfies the JS predicate (on `el`)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!(el && ({predicate})); }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def test_upload_watch_search_by_keyboard_and_see_the_hit(page, web_stack, waiting):
    patient, pages = synthetic.referral_pages(SEED, pages=2)
    marker = synthetic.marker_word(SEED, 1)
    other_marker = synthetic.marker_word(SEED, 2)

    # Upload with progress, then the pipeline's states as they happen.
    page.goto("/ui/upload")
    no_sideways_scroll(page)
    # Which states the page showed, recorded as it changed (the live part of the status).
    page.evaluate("""() => { window.seen = [];
        new MutationObserver(() => { const last = document.querySelector('#pipeline li:last-child');
            if (last) window.seen.push(last.textContent.slice(0, last.textContent.lastIndexOf(' ('))); })
        .observe(document.getElementById('pipeline'), {childList: true, subtree: true}); }""")
    page.set_input_files("#file", files=[{"name": "referral.tif", "mimeType": "image/tiff",
                                          "buffer": synthetic.fax_tiff(pages)}])
    page.get_by_role("button", name="Upload").click()
    opened = page.locator("#open-document")
    opened.wait_for(timeout=180_000)
    assert page.eval_on_selector("#upload-bar", "bar => bar.value") == 100
    steps = page.locator("#pipeline li").all_inner_texts()
    assert [s.rsplit(" (", 1)[0] for s in steps] == ["Received", "Pages rendered", "Text read (OCR)", "Classified",
                                                 "Details extracted", "Matched to a patient", "Indexed"]
    seen = set(page.evaluate("window.seen"))
    assert len(seen) >= 2 and "Indexed" in seen, f"the status did not change live: {seen}"
    assert "indexed" in page.locator("#upload-message").inner_text()
    doc_id = opened.get_attribute("href").rsplit("/", 1)[-1]

    # Search by keyboard alone: Tab to the box, type, Enter; Tab to the result, Enter.
    page.goto("/ui")
    tab_to(page, "el.id === 'q'")
    page.keyboard.type(marker)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/ui\?q="))
    assert page.locator("#results-heading").inner_text().strip() == "1 document found"
    marked = page.locator(".hit .snippet em").all_inner_texts()
    assert [m.lower() for m in marked] == [marker.lower()]
    no_sideways_scroll(page)
    tab_to(page, "el.matches('.hit-title a')")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ui/documents/{doc_id}?q=*")

    # The viewer: both pages drawn, the hit marked on page 1 (where the word is) and not on 2.
    page.wait_for_function("() => [...document.querySelectorAll('.page-frame img')]"
                           ".every(i => i.complete && i.naturalWidth > 0)")
    assert page.locator(".page-frame img").count() == 2
    assert page.locator(".thumbs img").count() == 2
    assert page.locator("#page-2 .hit-box").count() == 0
    box = page.locator("#page-1 .hit-box").first.bounding_box()
    image = page.locator("#page-1 .page-frame img").bounding_box()
    assert box["width"] > 5 and box["height"] > 5
    assert image["x"] <= box["x"] and box["x"] + box["width"] <= image["x"] + image["width"]
    assert image["y"] <= box["y"] and box["y"] + box["height"] <= image["y"] + image["height"]
    # The mark sits on ink (the word), not on the blank page around it.
    page.locator("#page-1 .hit-box").first.scroll_into_view_if_needed()
    box = page.locator("#page-1 .hit-box").first.bounding_box()
    shot = Image.open(io.BytesIO(page.screenshot(clip=box))).convert("L")
    dark = sum(shot.histogram()[:100])
    assert dark > 0.05 * shot.width * shot.height, "the highlight box is not over the word"
    assert "1 match marked" in page.locator("#hit-summary").inner_text()
    details = page.locator(".details").inner_text()
    assert "Download the original" in details and "Indexed" in details
    no_sideways_scroll(page)

    # Finding the other page's word moves the mark there.
    page.fill("#find-q", other_marker)
    page.press("#find-q", "Enter")
    page.wait_for_url(re.compile(r"q=" + other_marker))
    assert page.locator("#page-1 .hit-box").count() == 0
    assert page.locator("#page-2 .hit-box").count() >= 1

    # The original downloads as uploaded.
    response = web_stack.client.get(f"/documents/{doc_id}/original")
    assert response.content == synthetic.fax_tiff(pages)


def test_type_review_item_resolved_leaves_the_queue(page, web_stack, waiting):
    doc_id = waiting["blank"]
    body = indexed(web_stack, doc_id)
    assert "type" in body["review"], "precondition: a page too short to classify waits for type review"

    page.goto("/ui/review")
    no_sideways_scroll(page)
    item = page.locator(f"#doc-{doc_id}")
    item.get_by_label("Document type").select_option("consult_note")
    item.get_by_role("button", name="Save decision").click()
    page.wait_for_url(re.compile(r"/ui/review\?done="))
    assert "has left the queue" in page.locator("#done").inner_text()
    assert page.locator(f"#doc-{doc_id}").count() == 0

    decided = web_stack.client.get(f"/review/{doc_id}").json()
    assert decided["type"]["key"] == "consult_note" and decided["type"]["source"] == "review"
    assert doc_id not in [i["id"] for i in web_stack.client.get("/review").json()["items"]]
    page.goto(f"/ui/documents/{doc_id}")
    assert page.locator("h1").inner_text().startswith("Consult note")


def test_unmatched_document_linked_to_the_patient_found(page, web_stack, waiting):
    summary = wait(lambda: (b := web_stack.client.get(waiting["mpi_load"]).json())["status"] == "done" and b,
                   message="the MPI load was not applied")
    assert summary["upserted"] == 1, summary
    doc_id = waiting["name_only"]
    body = indexed(web_stack, doc_id)
    assert body["patient"]["outcome"] == "unmatched", body["patient"]

    page.goto("/ui/unmatched")
    no_sideways_scroll(page)
    item = page.locator(f"#doc-{doc_id}")
    assert "only a name" in item.inner_text()
    # The look-up starts from what was read off the fax.
    assert item.get_by_label("Family name").input_value() == PATIENT.family
    item.get_by_role("button", name="Find patients").click()
    page.wait_for_url("**/ui/patients/find")
    choice = page.get_by_role("radio", name=re.compile(f"{PATIENT.given} {PATIENT.family}"))
    choice.check()
    no_sideways_scroll(page)
    page.get_by_role("button", name="Link to the chosen patient").click()
    page.wait_for_url(re.compile(r"/ui/unmatched\?done="))
    assert "linked" in page.locator("#done").inner_text()
    assert page.locator(f"#doc-{doc_id}").count() == 0

    match = web_stack.client.get(f"/documents/{doc_id}/patient").json()["match"]
    assert (match["outcome"], match["patient_id"], match["decided_by"]) == ("linked", PATIENT.patient_id, REVIEWER)

    # From the document to its patient, whose page lists it.
    page.goto(f"/ui/documents/{doc_id}")
    assert f"Recorded as {REVIEWER}" in page.inner_text("main")  # decisions carry the signed-in user
    page.get_by_role("link", name=f"{PATIENT.given} {PATIENT.family}").click()
    page.wait_for_url(f"**/ui/patients/{PATIENT.patient_id}")
    assert page.locator("#docs-heading").inner_text() == "Documents (1)"
    assert page.locator(f".hit-title a[href^='/ui/documents/{doc_id}']").count() == 1
    no_sideways_scroll(page)


def test_every_page_is_labelled_keyboard_reachable_and_fits(page, web_stack, waiting):
    for path in ("/ui", "/ui/upload", "/ui/review", "/ui/matches", "/ui/unmatched", "/ui/holds",
                 f"/ui/documents/{waiting['blank']}"):
        # A records clerk may not manage holds: the holds page answers with a page saying so.
        page.goto(path)
        no_sideways_scroll(page)
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && !el.labels.length && !el.getAttribute('aria-label'))
            .map(el => el.name || el.id)""")
        assert not unlabelled, f"{path}: inputs without a label: {unlabelled}"
        # The first Tab lands on the skip link, which takes focus to the main content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    denied = page.goto("/ui/holds")
    assert denied.status == 403 and "Not allowed" in page.inner_text("main")


def test_upload_without_script_shows_the_document(browser, web_stack, waiting):
    """The upload form posts on its own when script is off, and lands on the document."""
    context = browser.new_context(java_script_enabled=False, base_url=web_stack.url, viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": SESSION_COOKIE, "value": web_stack.token("clerk-nojs", "records_staff"),
                          "url": web_stack.url}])
    try:
        page = context.new_page()
        page.goto("/ui/upload")
        # The same bytes as a document already received: the page of that document.
        page.set_input_files("#file", files=[{"name": "again.tif", "mimeType": "image/tiff",
                                              "buffer": synthetic.fax_tiff(BLANK_NOTE)}])
        page.get_by_role("button", name="Upload").click()
        page.wait_for_url(f"**/ui/documents/{waiting['blank']}")
        assert page.locator(".details").is_visible()
    finally:
        context.close()
