"""`clinidex retention ...`: check a policy file before it goes live, see the policy in force,
bring stored documents up to it, and run the sweep by hand. Registered in clinidex/cli.py as
the `retention` group.

Output names document ids, hold ids, dates, types and counts only: never patient data."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="Retention: the policy in force, applying it, the sweep.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)


@app.command("check")
def check(path: Annotated[Path, typer.Argument(help="A retention policy file (TOML)")]) -> None:
    """Validate a policy file; on a fault print the line at fault and exit 1. A valid file is
    compared with the policy in force: types it would shorten need the compliance role."""
    from ingest.retention import PolicyError, compare
    from workers.retention import check_policy

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err_console.print(f"{path}: cannot be read ({type(exc).__name__})", markup=False)
        raise typer.Exit(1)
    try:
        policy = check_policy(text)
    except PolicyError as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        err_console.print(f"{where}: {exc.message}", markup=False)
        if exc.line:
            err_console.print(f"  {exc.line} | {text.removeprefix(chr(0xFEFF)).splitlines()[exc.line - 1]}",
                              markup=False)
        raise typer.Exit(1)
    console.print(f"{path}: valid (sha256 {policy.digest[:12]}); default {policy.default}, "
                  f"{len(policy.types)} type(s) listed, minors kept until {policy.age_of_majority} + "
                  f"{policy.minors_extra_years} years, unknown birth date: {policy.unknown_birth_date}", markup=False)
    in_force = _in_force()
    if in_force is None or in_force.digest == policy.digest:
        return
    change = compare(in_force, policy)
    for row in change.types:
        if row.verdict.value != "unchanged":
            console.print(f"  {row.doc_type or '(no type / default)'}: {row.old} -> {row.new} ({row.verdict.value})",
                          markup=False)
    if change.minors.value != "unchanged":
        console.print(f"  minors rule: {change.minors.value}", markup=False)
    if change.needs_compliance:
        console.print("  shortens retention for documents already stored: applies to them only with "
                      "`clinidex retention apply --shorten` (compliance)", markup=False)


def _in_force():
    from workers.context import get_context
    from workers.retention import PolicyUnavailable, current_policy

    try:
        return current_policy(get_context())
    except PolicyUnavailable:
        return None


@app.command("status")
def status() -> None:
    """The policy in force, and whether the configured file was refused (and where)."""
    from workers.context import get_context
    from workers.retention import policy_status

    found = policy_status(get_context())
    console.print(f"policy: {found['source']}, in force: {(found['digest'] or 'none')[:12]}", markup=False)
    if found["refused"]:
        refused = found["refused"]
        console.print(f"refused: line {refused['line']}: {refused['message']}" if refused["line"]
                      else f"refused: {refused['message']}", markup=False)
        raise typer.Exit(1)


@app.command("apply")
def apply(
    shorten: Annotated[bool, typer.Option("--shorten", help="Also shorten retention where the policy now says "
                                                               "less (compliance; audited per document)")] = False,
    actor: Annotated[str | None, typer.Option(help="Who approved it (recorded in the audit trail)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would change; change nothing")] = False,
) -> None:
    """Bring every stored document's retain_until up to the policy in force (the sweep does this
    by itself after a policy change, lengthening only)."""
    from workers.context import get_context
    from workers.retention import apply_policy

    if shorten and not actor:
        raise typer.BadParameter("--shorten needs --actor: the compliance officer who approved it")
    found = apply_policy(get_context(), actor=actor or "cli", role="compliance" if shorten else "system",
                         allow_shorten=shorten, dry_run=dry_run)
    console.print(f"policy {found.policy_digest[:12]}: {found.examined} examined, {found.computed} computed, "
                  f"{found.lengthened} lengthened, {found.shortened} shortened, {found.pending} shorter pending "
                  f"compliance, {found.corrected} corrected" + (" (dry run)" if dry_run else ""), markup=False)
    if found.unreadable:
        console.print(f"{len(found.unreadable)} manifest(s) unreadable: {', '.join(found.unreadable[:10])}",
                      markup=False)
        raise typer.Exit(1)


@app.command("sweep")
def sweep(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be destroyed; destroy nothing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    actor: Annotated[str, typer.Option(help="Recorded as who destroyed (audit trail)")] = "retention-sweep",
) -> None:
    """Destroy the documents past their retention with no legal hold in force."""
    from workers.context import get_context
    from workers.retention import sweep as run

    report = run(get_context(), dry_run=dry_run, actor=actor, role="system")
    if as_json:
        console.print_json(json.dumps(report.summary()))
        return
    verb = "would destroy" if dry_run else "destroyed"
    gone = report.due if dry_run else report.destroyed
    console.print(f"retention sweep {report.today.isoformat()} (policy {report.policy_digest[:12]}): "
                  f"{len(gone)} {verb}, {len(report.held)} held, {len(report.kept)} kept, "
                  f"{len(report.errors)} error(s)" + (" - stopped at the limit, the next run goes on"
                                                      if report.truncated else ""), markup=False)
    for item in gone:
        console.print(f"  {verb} {item.doc_id}  retained until {item.retain_until}", markup=False)
    for item in report.held:
        console.print(f"  held      {item.doc_id}  {', '.join(item.holds) or item.detail}", markup=False)
    for item in report.errors:
        console.print(f"  error     {item.doc_id}  {item.detail}", markup=False)
    if report.errors:
        raise typer.Exit(1)
