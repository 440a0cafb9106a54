"""The `clinidex` command: the composition root that wires the layers for the command line."""
from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from clinidex.settings import get_settings

# Locals in tracebacks would print document text and patient data to the terminal.
app = typer.Typer(help="Clinidex: intake, OCR and search for records offices.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)
console = Console()
err_console = Console(stderr=True)


def _files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            found.append(path)
        else:
            raise typer.BadParameter(f"{path} does not exist")
    return found


def _local_processing() -> bool:
    """With no broker configured, `ingest` runs the tasks in this process (Celery eager mode)."""
    return get_settings().broker_url is None


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest")]) -> None:
    """Store, OCR and index documents. Without a configured broker the work runs here and now;
    with one, documents are queued for the workers."""
    from ingest.errors import IntakeError
    from workers.app import app as celery_app
    from workers.context import get_context
    from workers.intake import enqueue, receive

    local = _local_processing()
    if local:
        celery_app.conf.task_always_eager = True
    ctx = get_context()
    files = _files(paths)
    counts = {"indexed": 0, "queued": 0, "duplicate": 0, "failed": 0, "rejected": 0}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        bar = progress.add_task("Ingesting", total=len(files))
        for path in files:
            try:
                receipt = receive(ctx, path.read_bytes(), filename=path.name, source="cli")
            except IntakeError as exc:
                counts["rejected"] += 1
                progress.console.print(f"[red]rejected[/red] {path}: {exc}")
                progress.advance(bar)
                continue
            sent = enqueue(receipt)
            if not receipt.created:
                counts["duplicate"] += 1
            elif not local:
                counts["queued"] += int(sent)
            else:
                state = ctx.docs.load(receipt.manifest.doc_id)
                if state.state.value == "failed":
                    counts["failed"] += 1
                    progress.console.print(f"[red]failed[/red] {path}: {state.failure_reason}")
                else:
                    counts[state.state.value if state.state.value in counts else "queued"] += 1
            progress.advance(bar)
    console.print(", ".join(f"{n} {k}" for k, n in counts.items() if n) or "nothing to ingest")


def _rich_snippet(snippet: str) -> str:
    import html

    marked = snippet.replace("<em>", "\ue000").replace("</em>", "\ue001")
    return html.unescape(marked).replace("[", r"\[").replace("\ue000", "[bold yellow]").replace("\ue001", "[/]")


@app.command()
def search(query: str, limit: Annotated[int, typer.Option(min=1, max=100)] = 10) -> None:
    """Search the indexed documents."""
    from index.query import SearchQuery
    from workers.context import get_context

    result = get_context().index.search(SearchQuery(text=query, limit=limit))
    console.print(f"{result.total} hit(s) for [bold]{query}[/bold]")
    for hit in result.hits:
        kind = (hit.doc_type or "type to review").replace("_", " ")
        console.print(f"[cyan]{hit.doc_id}[/cyan] {kind}, score {hit.score:.2f}, {hit.page_count} page(s)")
        for snippet in hit.snippets:
            console.print("   " + re.sub(r"\s+", " ", _rich_snippet(snippet)))


def _worker_command(concurrency: int | None) -> list[str]:
    cmd = [sys.executable, "-m", "celery", "-A", "workers.app", "worker", "--loglevel", "INFO",
           "--without-gossip", "--without-mingle"]
    if concurrency:
        cmd += ["--concurrency", str(concurrency)]
    if _local_processing():
        cmd += ["--without-heartbeat"]
    return cmd


@app.command()
def worker(concurrency: Annotated[int | None, typer.Option(help="Processes; default one per core")] = None) -> None:
    """Run a Celery worker for the pipeline tasks, and start a fresh one if it ends on its own.

    A worker that finds itself stalled (workers/liveness.py) or dies exits; this loop is its
    supervisor when nothing else is (systemd and Docker restart policies do the same job).
    SIGTERM/SIGINT go to the worker, and a worker that was told to stop is not restarted.
    """
    import signal
    import time

    stopping = False
    child: subprocess.Popen | None = None

    def forward(signum, _frame) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    failures = 0
    while True:
        started = time.monotonic()
        child = subprocess.Popen(_worker_command(concurrency))
        code = child.wait()
        if stopping or code == 0:
            raise typer.Exit(code)
        failures = 0 if time.monotonic() - started > 300 else failures + 1
        delay = min(30.0, 2.0 ** failures)
        err_console.print(f"worker exited with {code}; starting a fresh one in {delay:.0f} s")
        time.sleep(delay)
        if stopping:
            raise typer.Exit(code)


def _die_with_parent() -> None:
    """Runs in the worker child before exec: Linux sends it SIGTERM if `serve` dies, however it
    dies, so no orphaned worker keeps consuming the queue."""
    import ctypes
    import signal

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    with_worker: Annotated[bool, typer.Option(help="Also start a worker (default when no broker is configured)")]
    = None,  # type: ignore[assignment]
) -> None:
    """Serve the HTTP API. With no broker configured a worker process is started alongside."""
    import uvicorn

    start_worker = _local_processing() if with_worker is None else with_worker
    child = subprocess.Popen(_worker_command(None), preexec_fn=_die_with_parent) if start_worker else None
    try:
        uvicorn.run("api.app:app", host=host, port=port)
    finally:
        if child is not None:
            child.terminate()
            child.wait(timeout=30)


@app.command()
def watch(once: Annotated[bool, typer.Option(help="Scan every drop once and exit")] = False) -> None:
    """Watch the configured S3 drop prefixes and folders (CLINIDEX_DROP_S3, CLINIDEX_DROP_FOLDERS)."""
    import threading

    from workers.app import app as celery_app
    from workers.context import get_context
    from workers.watch import Watcher, open_drops

    settings = get_settings()
    if _local_processing():
        celery_app.conf.task_always_eager = True
    drops = open_drops(settings)
    if not drops:
        raise typer.BadParameter("no drops configured: set CLINIDEX_DROP_S3 and/or CLINIDEX_DROP_FOLDERS")
    watcher = Watcher(get_context(), drops, max_attempts=settings.drop_max_attempts)
    if once:
        outcomes = watcher.scan_once()
        console.print(", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())) or "nothing waiting")
        return
    console.print(f"watching {', '.join(d.label for d in drops)} every {settings.watch_interval_s:g} s")
    stop = threading.Event()
    try:
        watcher.run(settings.watch_interval_s, stop, settings.drop_events_port, settings.drop_events_arn,
                    settings.drop_events_host)
    except KeyboardInterrupt:
        stop.set()


dlq = typer.Typer(help="The dead-letter store: tasks that failed for good.", no_args_is_help=True)
app.add_typer(dlq, name="dlq")


@dlq.command("list")
def dlq_list() -> None:
    """List dead letters, oldest first."""
    from workers.context import get_context
    from workers.deadletter import letters

    found = letters(get_context())
    for letter in found:
        console.print(f"{letter.letter_id}  {letter.at[:19]}  {letter.task:18} doc {letter.doc_id}  "
                      f"{letter.error}: {letter.reason}", markup=False)
    console.print(f"{len(found)} dead letter(s)")


@dlq.command("replay")
def dlq_replay(
    letter_ids: Annotated[list[str] | None, typer.Argument(help="Letters to replay")] = None,
    replay_all: Annotated[bool, typer.Option("--all", help="Replay every letter")] = False,
) -> None:
    """Send dead-lettered tasks again (a document a bug failed restarts from `received`)."""
    from workers.app import app as celery_app
    from workers.context import get_context
    from workers.deadletter import letters, replay

    ctx = get_context()
    chosen = [l for l in letters(ctx) if replay_all or l.letter_id in (letter_ids or [])]
    if not chosen:
        raise typer.BadParameter("name letters to replay, or --all")
    for letter in chosen:
        replay(ctx, letter, celery_app.send_task)
    console.print(f"{len(chosen)} replayed")


mpi = typer.Typer(help="The master patient index: load it, fit the match model.", no_args_is_help=True)
app.add_typer(mpi, name="mpi")


def _audit_app():
    from clinidex import audit_cli

    return audit_cli.app


app.add_typer(_audit_app(), name="audit")


def _retention_app():
    from clinidex import retention_cli

    return retention_cli.app


app.add_typer(_retention_app(), name="retention")


@app.command()
def token(
    subject: Annotated[str, typer.Argument(help="Who the token speaks for (recorded in the audit trail)")],
    role: Annotated[list[str], typer.Option("--role", help="records_staff, clinician, compliance or admin")],
    minutes: Annotated[int, typer.Option(min=1, max=24 * 60)] = 60,
) -> None:
    """Mint a development token (HS256, signed with CLINIDEX_AUTH_HS256_SECRET or the secret
    kept under the data folder). Production tokens come from the site's identity provider."""
    from api.auth import Role, development_secret, mint
    from clinidex.settings import get_settings

    settings = get_settings()
    if settings.auth_jwks_url or settings.auth_jwks_path:
        console.print("[red]Tokens come from the identity provider here (a JWKS is configured).[/red]")
        raise typer.Exit(2)
    known = {r.value for r in Role}
    unknown = [r for r in role if r not in known]
    if unknown:
        console.print(f"[red]Unknown role(s): {', '.join(unknown)}; roles are {', '.join(sorted(known))}.[/red]")
        raise typer.Exit(2)
    print(mint(development_secret(settings), subject, role, minutes, audience=settings.auth_audience,
               issuer=settings.auth_issuer))


@mpi.command("load")
def mpi_load(
    path: Annotated[Path, typer.Argument(help="CSV, FHIR Patient NDJSON or Bundle, or HL7 v2 ADT messages")],
    format: Annotated[str | None, typer.Option(help="csv | fhir-ndjson | fhir-bundle | hl7; read from the content when unset")] = None,
) -> None:
    """Load patients into the MPI here and now, then match again the documents waiting for one."""
    from workers.context import get_context
    from workers.matching import rematch
    from workers.mpi import new_load_id, run_load, source_key, waiting_for_a_patient

    ctx = get_context()
    load_id = new_load_id()
    ctx.docs.objects.put(source_key(load_id), path.read_bytes())
    report = run_load(ctx, load_id, format)
    if report.get("error"):
        console.print(f"[red]refused[/red] {path}: {report['error']}")
        raise typer.Exit(1)
    console.print(f"load {load_id}: read {report['read']}, {report['upserted']} loaded, {report['merged']} merged, "
                  f"{report['rejected']} rejected, {report['documents_moved']} document(s) moved by merges")
    for rejection in report["rejections"][:20]:
        console.print(f"  rejected {rejection['location']}: {rejection['reason']}")
    changed = sum(rematch(ctx, doc_id) for doc_id in waiting_for_a_patient(ctx))
    if changed:
        console.print(f"{changed} waiting document(s) matched again")


@mpi.command("fit")
def mpi_fit(
    em: Annotated[bool, typer.Option(help="Also estimate m by EM over pairs within the MPI (for an MPI that still holds duplicates)")] = False,
    seed: Annotated[int, typer.Option()] = 7,
) -> None:
    """Fit the match model to the MPI (u from random pairs, name frequencies) and store it; the
    workers pick it up within a minute."""
    from clinidex.patient import Demographics
    from ingest.match_fit import fit
    from workers.context import get_context
    from workers.matching import save_model

    ctx = get_context()
    people = (Demographics.from_record(r) for r in ctx.patients.scan() if not r.merged_into)
    model, report = fit(people, seed=seed, em=em)
    save_model(ctx, model)
    console.print(f"match model fitted on {report['patients']} patients (sample {report['sample']}, "
                  f"{report.get('random_pairs', 0)} random pairs){'; EM: ' + str(report['em']) if 'em' in report else ''}")


@app.command()
def reconcile(
    stuck_after: Annotated[float | None, typer.Option(help="Seconds unchanged; default CLINIDEX_RECONCILE_AFTER_S")] = None,
) -> None:
    """Re-send documents that stopped moving (the beat schedule runs this every minute)."""
    from workers.app import app as celery_app
    from workers.app import queue_depth
    from workers.context import get_context
    from workers.reconcile import reconcile as run

    settings = get_settings()
    counts = run(get_context(), settings.reconcile_after_s if stuck_after is None else stuck_after,
                 queue_depth(), celery_app.send_task)
    console.print(", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items()))


@app.command()
def status() -> None:
    """Summarise pipeline health: queue, documents by state, failures, dead letters, services."""
    from workers.context import get_context
    from workers.health import pipeline_status

    found = pipeline_status(get_context())
    queue = "n/a (no Redis broker)" if found.queue_depth is None else str(found.queue_depth)
    console.print(f"queue depth: {queue}")
    console.print("documents: " + (", ".join(f"{n} {s}" for s, n in sorted(found.by_state.items()) if n) or "none"))
    if found.failed_by_reason:
        console.print("failed by reason: " + ", ".join(f"{n} {r}" for r, n in found.failed_by_reason.most_common()))
    console.print(f"dead letters: {found.dead_letters}")
    console.print(f"waiting for review: {found.review_pending}")
    console.print(f"waiting for a patient: {found.match_review} to review, {found.unmatched} unmatched; "
                  f"MPI: {'n/a' if found.patients is None else found.patients} patients")
    for problem in found.problems:
        console.print(f"[red]problem[/red] {problem}")
    raise typer.Exit(1 if found.problems else 0)


@app.command()
def reindex() -> None:
    """Rebuild the search index from the manifests in the object store."""
    from workers.context import get_context
    from workers.reindex import reindex as run

    ctx = get_context()
    found = run(ctx.docs, ctx.index)
    console.print(f"{found.indexed} document(s) reindexed into the {ctx.index.name} index in {found.seconds:.1f} s "
                  f"({found.rate:,.0f}/s); {found.skipped} not indexed yet, skipped")
    if found.failed:
        shown = ", ".join(found.failed_ids[:10]) + (" ..." if found.failed > 10 else "")
        console.print(f"[red]{found.failed} manifest(s) could not be read[/red]: {shown}")
        raise typer.Exit(1)


@app.command("train-classifier")
def train_classifier(
    out: Annotated[Path | None, typer.Option(help="Model folder; default: the one in the package")] = None,
    docs_per_type: Annotated[int, typer.Option(min=5)] = 150,
    epochs: Annotated[int, typer.Option(min=1)] = 8,
    seed: int = 7,
    architecture: Annotated[str, typer.Option(help="bow or ensemble")] = "bow",
) -> None:
    """Train the document-type and page-boundary classifiers on the generated training corpus."""
    from clinidex.classifier_training import Settings, train
    from ingest.classify import default_model_dir

    settings = Settings(seed=seed, docs_per_type=docs_per_type, epochs=epochs, architecture=architecture)
    figures = train(out or default_model_dir(), settings, log=console.print)
    console.print(f"trained in {figures['seconds']} s -> {out or default_model_dir()}")


@app.command()
def demo(count: Annotated[int, typer.Option(min=1, max=50)] = 4) -> None:
    """Load a synthetic master patient index, generate synthetic faxes (some for its patients,
    and one batch fax), ingest them, show what each document was found to be and whose it is,
    and run a few searches."""
    from clinidex import synthetic
    from clinidex.corpus import evaluation
    from clinidex.corpus.base import batch_fax
    from clinidex.doctypes import load_types
    from clinidex.mpi_files import to_csv
    from clinidex.population import default_issuers, documents_for, population

    folder = get_settings().data_dir / "samples"
    folder.mkdir(parents=True, exist_ok=True)
    people = list(population(2000, 3, default_issuers()))
    (folder.parent / "mpi.csv").write_bytes(to_csv(people))
    mpi_load(folder.parent / "mpi.csv", "csv")
    for seed in range(1, count + 1):
        _, pages = synthetic.referral_pages(seed, pages=2)
        (folder / f"fax-{seed:03d}.tif").write_bytes(synthetic.fax_tiff(pages))
    # From the evaluation family, which the classifier never saw in training: documents sent by
    # partner facilities about patients in the MPI, and a batch fax about people it lacks.
    for i, (doc, _) in enumerate(documents_for(people, evaluation, 4, 2), start=1):
        (folder / f"partner-{i}.tif").write_bytes(synthetic.fax_tiff(doc.pages))
    fax = batch_fax(evaluation, 5, [t.key for t in load_types() if t.clinical])
    (folder / "batch-fax.tif").write_bytes(synthetic.fax_tiff(fax.pages))
    console.print(f"Generated {count} synthetic faxes, 2 documents about MPI patients and a {len(fax.pages)}-page "
                  f"batch fax (G4 TIFF, 204x196 dpi) in {folder}")
    ingest([folder])
    _show_documents()
    for query in ("ejection fraction", "atrial fibrillation", synthetic.marker_word(1, 2)):
        search(query, limit=3)


def _show_documents() -> None:
    from rich.table import Table

    from index.patients import get
    from workers.context import get_context

    ctx = get_context()
    docs = ctx.docs
    table = Table("document", "type (confidence)", "pages", "from fax", "patient on the page (synthetic)",
                  "filed under (MPI)", "review")
    manifests = sorted((docs.load(d) for d in docs.doc_ids()), key=lambda m: (m.received_at, m.page_range or ()))
    for m in manifests:
        kind = "-"
        if m.doc_type is not None:
            kind = f"{m.doc_type.key or m.doc_type.suggested + '?'} ({m.doc_type.confidence:.2f})"
        pages = f"{m.page_range[0]}-{m.page_range[1]}" if m.page_range else str(m.page_count)
        name = m.fields.get("patient_name")
        filed = ""
        if m.match is not None:
            patient = get(ctx.patients, m.match.patient_id) if m.match.patient_id else None
            filed = (f"{patient.display_name} ({m.match.probability:.3f})" if patient and m.match.probability
                     else m.match.outcome)
        table.add_row(m.doc_id[:8], kind, pages, (m.parent_id or "")[:8], name.value if name else "", filed,
                      str(len(m.review)) if m.review else "")
    console.print(table)
    console.print("\nTo look through them in the browser: [bold]clinidex serve[/bold], then sign in at "
                  "http://127.0.0.1:8000/ui with the token of [bold]clinidex token you --role records_staff[/bold].")


def main() -> None:
    from clinidex import logs

    logs.configure(logging.INFO if sys.argv[1:2] in (["watch"], ["serve"]) else logging.WARNING)
    app()


if __name__ == "__main__":
    main()
