"""A batch fax end to end: uploaded as a G4 TIFF, read by OCR in the worker, split into its
documents, each classified and its metadata extracted, indexed with its type; then a records
clerk corrects one through the review API and the index follows. On both stacks."""
from __future__ import annotations

import io
import time

from PIL import Image

from clinidex import synthetic
from clinidex.corpus import training
from clinidex.corpus.base import batch_fax
from clinidex.doctypes import load_types

BATCH_TYPES = [t.key for t in load_types() if t.key != "fax_cover_sheet"]


def test_batch_fax_split_classified_extracted_and_reviewed(stack):
    fax = batch_fax(training, 21 if stack.kind == "services" else 22, BATCH_TYPES, min_docs=2, max_docs=3)
    data = synthetic.fax_tiff(fax.pages)
    response = stack.upload(data, "batch.tif")
    assert response.status_code == 202, response.text
    fax_id = response.json()["id"]
    body = stack.wait_for(fax_id, timeout=300)
    assert body["status"] == "indexed", body["failure_reason"]
    assert body["type"]["key"] == "fax_cover_sheet"
    assert body["fax_fields"]["page_count"]["value"] == str(len(fax.pages))

    children = [stack.wait_for(c["id"]) for c in body["children"]]
    assert [tuple(c["parent"]["pages"]) for c in children] == [(first, last) for _, first, last in fax.documents]
    for child, (truth, first, last) in zip(children, fax.documents):
        assert child["status"] == "indexed" and child["parent"]["id"] == fax_id
        assert child["type"]["suggested"] == truth.type_key
        page = stack.client.get(f"/documents/{child['id']}/pages/1").json()
        assert page["number"] == 1 and page["words"]  # the fax's page, numbered as the child's
        # Its original is its own pages only: the fax may carry other patients' documents.
        with Image.open(io.BytesIO(stack.client.get(f"/documents/{child['id']}/original").content)) as tiff:
            assert tiff.n_frames == last - first + 1

    # Extraction through OCR (its accuracy is measured by bench/accuracy.py): of the documents
    # that name a patient, all but at most one have the right name and date of birth.
    for name in ("patient_name", "birth_date"):
        named = [(c, t) for c, (t, _, _) in zip(children, fax.documents) if name in t.truth()]
        right = [c for c, t in named if c["fields"].get(name, {}).get("value") in t.truth()[name]]
        assert right and len(right) >= len(named) - 1, (name, len(right), len(named))

    # Search finds a document by its patient and says what it is.
    target = next(c for c in children if "patient_name" in c["fields"])
    family = target["fields"]["patient_name"]["value"].split()[-1]
    deadline = time.monotonic() + 10
    while True:
        hits = stack.client.get("/search", params={"q": family}).json()["hits"]
        found = {h["doc_id"]: h for h in hits}
        if target["id"] in found or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert found[target["id"]]["doc_type"] == target["type"]["key"]
    assert found[target["id"]]["parent_id"] == fax_id
    # The fax itself is listed only when asked for; its documents carry who sent it.
    covers = {"type": "fax_cover_sheet", "limit": 100}
    assert fax_id not in {h["doc_id"] for h in stack.client.get("/search", params=covers).json()["hits"]}
    listed = stack.client.get("/search", params={**covers, "include_batches": "true"}).json()["hits"]
    assert fax_id in {h["doc_id"] for h in listed}
    assert found[target["id"]]["facility"]

    # A clerk reclassifies it; the document, the correction export and the index follow.
    new_type = "consent_form" if target["type"]["suggested"] != "consent_form" else "other"
    decided = stack.client.post(f"/review/{target['id']}", json={"type": new_type, "fields": {"mrn": "ZZ99"}},
                                headers=stack.auth("clerk7", "records_staff"))
    assert decided.status_code == 200, decided.text
    assert decided.json()["type"]["key"] == new_type and decided.json()["type"]["source"] == "review"
    bad = stack.client.post(f"/review/{target['id']}", json={"type": "not_a_type"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    export = [line for line in stack.client.get("/review/export").text.splitlines() if target["id"] in line]
    assert export and f'"type": "{new_type}"' in export[0]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        hits = {h["doc_id"]: h for h in stack.client.get("/search", params={"q": family}).json()["hits"]}
        if hits.get(target["id"], {}).get("doc_type") == new_type:
            break
        time.sleep(0.3)
    assert hits[target["id"]]["doc_type"] == new_type
    # Identifiers never reach the logs.
    logs = stack.logs()
    for truth, _, _ in fax.documents:
        if truth.patient is not None:
            assert truth.patient.family not in logs and truth.patient.mrn not in logs
