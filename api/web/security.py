"""Guards for the workbench's forms: a post must come from the workbench's own pages, and the
reviewer is the signed-in user."""
from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import HTTPException, Request



def same_origin(request: Request) -> None:
    """Refuse a post another site's page made the browser send (cross-site request forgery).

    Browsers name the posting page's origin on every form post; requests with neither header
    (curl, tests) come from no page at all. Sign-in with proper session tokens arrives with
    with issue 8 as well (api/guard.py checks the origin of cookie-carried requests too)."""
    site = request.headers.get("sec-fetch-site")
    if site and site not in ("same-origin", "none"):
        raise HTTPException(403, "Forms are accepted from the workbench's own pages only.")
    origin = request.headers.get("origin")
    # "null" is what a sandboxed frame or a data: page sends: never the workbench.
    if origin and (origin == "null" or urlsplit(origin).netloc != request.headers.get("host", "")):
        raise HTTPException(403, "Forms are accepted from the workbench's own pages only.")


def reviewer_of(request: Request) -> str:
    """Who decides: the signed-in user (api/guard.py), recorded with each decision."""
    principal = getattr(request.state, "principal", None)
    return principal.subject if principal is not None else ""
