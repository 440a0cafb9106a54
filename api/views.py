"""How documents look in API responses."""
from __future__ import annotations

from clinidex.manifest import Manifest
from clinidex.patient import PatientRecord


def summary(manifest: Manifest) -> dict:
    return {
        "id": manifest.doc_id,
        "status": manifest.state.value,
        "failure_reason": manifest.failure_reason,
        "links": {
            "self": f"/documents/{manifest.doc_id}",
            "original": f"/documents/{manifest.doc_id}/original",
        },
    }


def detail(manifest: Manifest) -> dict:
    return {
        **summary(manifest),
        "media_type": manifest.media_type,
        "size": manifest.size,
        "sha256": manifest.sha256,
        "filename": manifest.filename,
        "source": manifest.source,
        "received_at": manifest.received_at.isoformat(),
        "updated_at": manifest.updated_at.isoformat(),
        "page_count": manifest.page_count,
        "low_confidence": manifest.metadata.get("low_confidence"),
        "metadata": manifest.metadata,
        "pages": [
            {**p.model_dump(mode="json"), "links": {"words": f"/documents/{manifest.doc_id}/pages/{p.number}"}}
            for p in manifest.pages
        ],
        "history": [t.model_dump(mode="json") for t in manifest.history],
        "holds": list(manifest.holds),
        "retention": manifest.retention.model_dump(mode="json") if manifest.retention else None,
        "destruction": manifest.destruction.model_dump(mode="json") if manifest.destruction else None,
        **understanding(manifest),
    }


def understanding(manifest: Manifest) -> dict:
    """Type, metadata with confidences and sources, the review state, and the batch-fax links."""
    doc_id = manifest.doc_id
    return {
        "type": manifest.doc_type.model_dump(mode="json") if manifest.doc_type else None,
        "fields": {k: v.model_dump(mode="json") for k, v in manifest.fields.items()},
        "review": manifest.review,
        "parent": ({"id": manifest.parent_id, "pages": list(manifest.page_range or ()),
                    "link": f"/documents/{manifest.parent_id}"} if manifest.parent_id else None),
        "children": [{"id": c, "link": f"/documents/{c}"} for c in manifest.children],
        "fax_fields": {k: v.model_dump(mode="json") for k, v in manifest.fax_fields.items()},
        "links_review": f"/review/{doc_id}",
        "patient": manifest.match.model_dump(mode="json", exclude={"candidates"}) if manifest.match else None,
    }


def review_view(manifest: Manifest) -> dict:
    return {**summary(manifest), **understanding(manifest)}


def patient_view(record: PatientRecord) -> dict:
    return {**record.model_dump(mode="json"), "links": {"self": f"/patients/{record.patient_id}"}}
