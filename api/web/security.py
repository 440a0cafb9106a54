"""Guards for the workbench's forms: a post must come from the workbench's own pages, and the
reviewer's name travels in a cookie so each form need not ask again."""
from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from fastapi.responses import Response

REVIEWER_COOKIE = "clinidex_reviewer"
MAX_REVIEWER = 64


def same_origin(request: Request) -> None:
    """Refuse a post another site's page made the browser send (cross-site request forgery).

    Browsers name the posting page's origin on every form post; requests with neither header
    (curl, tests) come from no page at all. Sign-in with proper session tokens arrives with
    issue 8; until then this is what stands between a hostile page and the review actions."""
    site = request.headers.get("sec-fetch-site")
    if site and site not in ("same-origin", "none"):
        raise HTTPException(403, "Forms are accepted from the workbench's own pages only.")
    origin = request.headers.get("origin")
    # "null" is what a sandboxed frame or a data: page sends: never the workbench.
    if origin and (origin == "null" or urlsplit(origin).netloc != request.headers.get("host", "")):
        raise HTTPException(403, "Forms are accepted from the workbench's own pages only.")


def reviewer_name(value: str | None) -> str:
    """The name a reviewer typed, tidied: it is recorded with each decision."""
    cleaned = " ".join((value or "").split())[:MAX_REVIEWER]
    return "".join(c for c in cleaned if c.isprintable())


def remember_reviewer(response: Response, reviewer: str) -> None:
    response.set_cookie(REVIEWER_COOKIE, reviewer, max_age=12 * 3600, path="/ui", httponly=True, samesite="strict")


def remembered_reviewer(request: Request) -> str:
    return reviewer_name(request.cookies.get(REVIEWER_COOKIE))
