import pytest

from clinidex.manifest import IllegalTransition, Manifest, State, document_id_for, sha256_hex


def make() -> Manifest:
    return Manifest.new(data=b"%PDF-1.4 x", media_type="application/pdf", filename="f.pdf", source="test")


def test_id_is_derived_from_content():
    m = make()
    assert m.doc_id == document_id_for(sha256_hex(b"%PDF-1.4 x")) == make().doc_id
    assert m.doc_id != document_id_for(sha256_hex(b"%PDF-1.4 y"))


def test_forward_skips_are_allowed_backward_moves_are_not():
    m = make()
    m.move_to(State.rendered)
    m.move_to(State.ocr_done)
    m.move_to(State.indexed)
    assert [t.state for t in m.history] == [State.received, State.rendered, State.ocr_done, State.indexed]
    with pytest.raises(IllegalTransition):
        m.move_to(State.ocr_done)


def test_failed_carries_reason_and_is_terminal():
    m = make()
    m.move_to(State.failed, reason="The PDF is damaged")
    assert m.failure_reason == "The PDF is damaged"
    with pytest.raises(IllegalTransition):
        m.move_to(State.indexed)
    assert not m.reached(State.received)


def test_manifest_round_trips_through_json():
    m = make()
    m.move_to(State.rendered)
    assert Manifest.model_validate_json(m.model_dump_json()) == m
