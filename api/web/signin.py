"""Signing in to the workbench: a browser cannot add an Authorization header to a page load,
so the token is handed over once and kept in an HttpOnly, SameSite=Strict cookie that only
this site receives (api/guard.py reads it). Deployments behind an OIDC proxy that adds the
header never see this page."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.auth import AuthError, verifier
from api.deps import context
from api.guard import SESSION_COOKIE
from api.web.templating import render
from workers.context import Context

router = APIRouter(include_in_schema=False)


def _next(value: str | None) -> str:
    # Only our own pages: an open redirect would let a link send a signed-in user anywhere.
    return value if value and value.startswith("/ui") and not value.startswith("//") else "/ui"


@router.get("/ui/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str | None = Query(None, max_length=500)) -> HTMLResponse:
    return render(request, "sign_in.html", next=_next(next))


@router.post("/ui/sign-in")
def sign_in(request: Request, token: str = Form(..., max_length=16_000),
            next: str | None = Form(None, max_length=500), ctx: Context = Depends(context)) -> Response:
    try:
        verifier(ctx.settings).verify(token.strip())
    except AuthError as exc:
        return render(request, "sign_in.html", status_code=401, next=_next(next), error=f"Not signed in: {exc}.")
    response = RedirectResponse(_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token.strip(), httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")
    return response


@router.post("/ui/sign-out")
def sign_out() -> Response:
    response = RedirectResponse("/ui/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
