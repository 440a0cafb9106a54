"""Legal holds: what a hold is and what it names. Pure: the record and its validation only
(workers/holds.py applies holds to documents and to storage).

A hold names its documents one way (its scope):
- `patients`: every document filed under these patients (and anyone merged with them);
- `documents`: these documents (a batch fax named here brings the documents split from it);
- `query`: every document a search with these words finds, with its clinical date (document
  date, else service date, else received) in the range; either part may be left out, not both.
It applies to the matching documents at creation and to matching documents ingested later,
until it is released. Releasing lifts only this hold.

Matter ids, reasons and query words can name a patient: they are kept in the hold record and
shown to compliance staff, never logged.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from clinidex.errors import ClinidexError

MAX_IDS = 10_000
MAX_TEXT = 500


class InvalidHold(ClinidexError, ValueError):
    """A hold that cannot be placed as asked (the API answers 422 with this message)."""

    http_status = 422
    code = "invalid_hold"


class HoldReleased(ClinidexError):
    """The hold was already released (409)."""

    http_status = 409
    code = "hold_released"


class ScopeKind(StrEnum):
    patients = "patients"
    documents = "documents"
    query = "query"


def _clean(value: str) -> str:
    return " ".join(value.split())


class HoldQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(default="", max_length=MAX_TEXT)
    date_from: date | None = None  # on the clinical date, inclusive
    date_to: date | None = None

    @model_validator(mode="after")
    def _sensible(self) -> "HoldQuery":
        if not self.text.strip() and self.date_from is None and self.date_to is None:
            raise ValueError("a query hold needs words, a date range, or both")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self


class HoldScope(BaseModel):
    """Exactly one of: patient ids, document ids, a query."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient_ids: tuple[str, ...] = Field(default=(), max_length=MAX_IDS)
    doc_ids: tuple[str, ...] = Field(default=(), max_length=MAX_IDS)
    query: HoldQuery | None = None

    @field_validator("patient_ids", "doc_ids")
    @classmethod
    def _ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # Ids are keys in the store: plain tokens only, kept in the order given, once each.
        if any(not i.isalnum() or len(i) > 64 for i in value):
            raise ValueError("ids are letters and digits only (at most 64)")
        return tuple(dict.fromkeys(value))

    @model_validator(mode="after")
    def _one_kind(self) -> "HoldScope":
        given = [k for k, v in ((ScopeKind.patients, self.patient_ids), (ScopeKind.documents, self.doc_ids),
                                (ScopeKind.query, self.query)) if v]
        if len(given) != 1:
            raise ValueError("a hold's scope is one of: patient_ids, doc_ids, query")
        return self

    @property
    def kind(self) -> ScopeKind:
        if self.patient_ids:
            return ScopeKind.patients
        return ScopeKind.documents if self.doc_ids else ScopeKind.query


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Hold(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    matter_id: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
    scope: HoldScope
    created_by: str
    created_at: datetime = Field(default_factory=_now)
    released_by: str | None = None
    released_at: datetime | None = None
    release_reason: str | None = Field(default=None, max_length=2000)

    @field_validator("matter_id", "reason")
    @classmethod
    def _tidy(cls, value: str) -> str:
        value = _clean(value)
        if not value:
            raise ValueError("must not be blank")
        return value

    @property
    def active(self) -> bool:
        return self.released_at is None

    @classmethod
    def new(cls, *, matter_id: str, reason: str, scope: HoldScope, created_by: str) -> "Hold":
        try:
            return cls(id=uuid.uuid4().hex, matter_id=matter_id, reason=reason, scope=scope, created_by=created_by)
        except ValueError as exc:
            raise InvalidHold(_first_error(exc)) from None

    def released(self, by: str, reason: str | None = None) -> "Hold":
        if not self.active:
            raise HoldReleased(f"hold {self.id} was released already")
        return self.model_copy(update={"released_by": by, "released_at": _now(),
                                       "release_reason": _clean(reason)[:2000] if reason else None})


def scope_from(*, patient_ids=(), doc_ids=(), text: str = "", date_from: date | None = None,
               date_to: date | None = None) -> HoldScope:
    """A scope from loose input (API bodies, forms); InvalidHold says what is wrong."""
    try:
        query = HoldQuery(text=text, date_from=date_from, date_to=date_to) if (
            text.strip() or date_from or date_to) else None
        return HoldScope(patient_ids=tuple(patient_ids), doc_ids=tuple(doc_ids), query=query)
    except ValueError as exc:
        raise InvalidHold(_first_error(exc)) from None


def _first_error(exc: ValueError) -> str:
    # The field and the rule, never the rejected value (it may be a patient's name).
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        return f"{where}: {message}" if where else message
    return str(exc)
