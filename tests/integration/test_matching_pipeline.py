"""Patient matching as the pipeline runs it (understand -> match -> index), on the embedded
store and index: documents rendered for MPI patients are filed under them; a stranger's goes
to the unmatched queue with its reason; a fax never creates a patient."""
import pytest

from clinidex.corpus import training
from clinidex.manifest import State
from clinidex.mpi_files import to_csv
from clinidex.population import default_issuers, documents_for, population
from clinidex.settings import Settings
from tests.support.documents import born_digital_pdf
from workers.context import build_context
from workers.intake import receive
from workers.matching import rematch
from workers.mpi import new_load_id, run_load, source_key
from workers.stages import index_stage, match_stage, prepare_stage, understand_stage


def run_pipeline(ctx, pages: list[list[str]]) -> list[str]:
    doc_id = receive(ctx, born_digital_pdf(pages), filename="fax.pdf", source="test").manifest.doc_id
    assert prepare_stage(ctx, doc_id) == []
    targets = understand_stage(ctx, doc_id)
    for target in targets:
        if match_stage(ctx, target):
            index_stage(ctx, target)
    return targets


def load(ctx, records) -> dict:
    load_id = new_load_id()
    ctx.docs.objects.put(source_key(load_id), to_csv(records))
    return run_load(ctx, load_id, "csv")


@pytest.fixture(scope="module")
def people():
    return list(population(300, 5, default_issuers()))


def test_documents_for_mpi_patients_are_filed_under_them(tmp_path, people):
    ctx = build_context(Settings(data_dir=tmp_path))
    assert load(ctx, people)["upserted"] == len(people)
    cases = documents_for(people, training, 3, 6)
    linked = 0
    for document, truth in cases:
        [doc_id] = run_pipeline(ctx, document.pages)
        manifest = ctx.docs.load(doc_id)
        assert manifest.state == State.indexed
        assert [s.state for s in manifest.history][-2:] == ["matched", "indexed"]
        match = manifest.match
        # Never filed under the wrong patient; a clean document is expected to link.
        assert match.outcome != "linked" or match.patient_id == truth
        linked += match.outcome == "linked"
        if match.outcome == "linked":
            assert doc_id in ctx.docs.marked(f"patient-docs/{truth}")
            assert match.candidates[0].explanation and "probability" in match.model_dump()
    assert linked >= len(cases) - 1


def test_a_stranger_goes_to_unmatched_and_is_picked_up_once_registered(tmp_path, people):
    ctx = build_context(Settings(data_dir=tmp_path))
    registered, stranger = people[:200], people[200:]
    load(ctx, registered)
    [(document, truth)] = documents_for(stranger, training, 9, 1)
    [doc_id] = run_pipeline(ctx, document.pages)
    manifest = ctx.docs.load(doc_id)
    assert manifest.match.outcome in ("unmatched", "review") and manifest.match.patient_id is None
    assert manifest.match.reason
    assert doc_id in ctx.docs.marked("unmatched") + ctx.docs.marked("match-review")
    assert ctx.patients.count() == len(registered)  # the fax created nobody
    # The registration system sends the patient: the waiting document is matched again.
    load(ctx, stranger)
    assert rematch(ctx, doc_id)
    manifest = ctx.docs.load(doc_id)
    assert (manifest.match.outcome, manifest.match.patient_id) == ("linked", truth)
    assert doc_id not in ctx.docs.marked("unmatched")


def test_a_document_without_demographics_is_unmatched_with_the_reason(tmp_path, people):
    ctx = build_context(Settings(data_dir=tmp_path))
    load(ctx, people[:50])
    [doc_id] = run_pipeline(ctx, [["Dear colleague,", "Please find the enclosed results.", "Regards"]])
    match = ctx.docs.load(doc_id).match
    assert match.outcome == "unmatched" and match.reason.startswith("missing demographics")
