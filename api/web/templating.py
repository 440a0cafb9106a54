"""How the workbench renders a page: one Jinja2 environment (autoescape on), the labels people
read instead of keys, and the headers every page carries."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from clinidex.doctypes import load_types

HERE = Path(__file__).parent

FIELD_LABELS = {
    "patient_name": "Patient name", "birth_date": "Date of birth", "sex": "Sex", "mrn": "MRN",
    "mrn_issuer": "MRN issuer", "phone": "Phone", "address": "Address", "document_date": "Document date",
    "service_date": "Date of service", "provider": "Provider", "npi": "NPI", "facility": "Facility",
    "fax": "Fax number", "sender": "Sender", "recipient": "Recipient", "page_count": "Page count",
}
STATE_LABELS = {
    "received": "Received", "rendered": "Pages rendered", "ocr_done": "Text read (OCR)",
    "classified": "Classified", "extracted": "Details extracted", "matched": "Matched to a patient",
    "indexed": "Indexed", "failed": "Failed", "destroyed": "Destroyed",
}
MATCH_LABELS = {"linked": "Linked", "review": "Match needs review", "unmatched": "Unmatched"}

# Pages carry patient data: never cached, never framed, nothing loaded from elsewhere, and no
# Referer (a search URL holds the words searched for) sent to another site. Not `no-referrer`:
# under it browsers send `Origin: null` with form posts, and the forms' origin check needs it.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": ("default-src 'self'; img-src 'self'; script-src 'self'; "
                                "style-src 'self' 'unsafe-inline'; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'"),
}


@lru_cache(maxsize=1)
def type_labels() -> dict[str, str]:
    return {t.key: t.label for t in load_types()}


def type_label(key: str | None) -> str:
    if not key:
        return "Unclassified document"
    return type_labels().get(key, key)


# Values kept in their normal form (lower case) that people read with capitals.
TITLE_FIELDS = {"patient_name", "provider", "facility", "sender", "recipient", "mrn_issuer", "address"}


def field_value(value: str | None, name: str) -> str:
    if not value:
        return ""
    return value.title() if name in TITLE_FIELDS else value


def megabytes(size: int) -> str:
    return f"{size / 1048576:.0f} MB" if size >= 10 * 1048576 else f"{size / 1048576:.1f} MB"


def when(value: str | datetime | None) -> str:
    """A timestamp as records staff read it: date and minutes, UTC."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return value.strftime("%Y-%m-%d %H:%M UTC")


def percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def snippet(value: str) -> Markup:
    """Search snippets arrive HTML-escaped with <em> around the matches: the one piece of
    markup pages take as it is."""
    return Markup(value)


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=str(HERE / "templates"))
    env = found.env
    env.autoescape = True
    env.filters.update(type_label=type_label, when=when, percent=percent, snippet=snippet,
                       field_value=field_value, megabytes=megabytes,
                       field_label=lambda name: FIELD_LABELS.get(name, name.replace("_", " ").capitalize()),
                       state_label=lambda s: STATE_LABELS.get(s, s),
                       match_label=lambda s: MATCH_LABELS.get(s, s or "Not matched yet"))
    return found


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    response = templates().TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(SECURITY_HEADERS)
    return response
