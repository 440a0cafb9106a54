"""`clinidex audit ...`: verify the audit trail end to end, or seal what is pending now (the
beat schedule seals every minute). Registered in clinidex/cli.py as the `audit` group.

Output names seqs, batch ranges and counts only: never an event's content."""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.console import Console

from clinidex.settings import get_settings

app = typer.Typer(help="The audit trail: verify it end to end, seal pending events.", no_args_is_help=True)
console = Console()


@app.command("verify")
def verify(as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON")] = False) -> None:
    """Check every event against its hash, its chain link and its sealed copy; exit 1 on the
    first modified, removed, reordered or inserted event."""
    from workers.audit_seal import open_trail, verify_trail

    verdict = verify_trail(*open_trail(get_settings()))
    if as_json:
        console.print_json(json.dumps({"ok": verdict.ok, "events": verdict.events, "batches": verdict.batches,
                                       "sealed_events": verdict.sealed_events,
                                       "problems": [asdict(p) for p in verdict.problems]}))
    else:
        console.print(verdict.summary(), markup=False)
        for problem in verdict.problems[:20]:
            console.print(f"  {problem}", markup=False)
        if len(verdict.problems) > 20:
            console.print(f"  ... {len(verdict.problems) - 20} more", markup=False)
    raise typer.Exit(0 if verdict.ok else 1)


@app.command("seal")
def seal() -> None:
    """Seal the events not sealed yet, now."""
    from workers.audit_seal import AuditOptions, open_trail, seal_pending

    settings = get_settings()
    options = AuditOptions.from_settings(settings)
    sealed = seal_pending(*open_trail(settings, options), batch_events=options.batch_events)
    ranges = ", ".join(f"{s.first_seq}-{s.last_seq}" for s in sealed)
    console.print(f"{len(sealed)} batch(es) sealed" + (f": {ranges}" if ranges else ""), markup=False)
