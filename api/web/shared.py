"""Small helpers several workbench pages share."""
from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.web.templating import render
from clinidex.errors import NotFound
from clinidex.manifest import Manifest
from workers.context import Context


def people_for(ctx: Context, ids) -> dict:
    """The MPI records of the patients a page mentions, by id."""
    wanted = [i for i in dict.fromkeys(ids) if i]
    return ctx.patients.get_many(wanted) if wanted else {}


def find_document(ctx: Context, doc_id: str) -> Manifest | None:
    try:
        return ctx.docs.load(doc_id)
    except NotFound:
        return None


def not_found(request: Request, message: str) -> HTMLResponse:
    return render(request, "not_found.html", status_code=404, message=message)
