"""The search page's form: read from the URL (a GET form, so a search can be bookmarked and
shared), turned into a SearchQuery, and written back into links (facets, next page).

The query words are in the URL. That is a privacy trade-off taken knowingly: they stay in the
browser's history, so a shared workstation shows them to the next person. Mitigations: the
access log drops query strings (api/logging.py), pages are sent with `Cache-Control: no-store`
and `Referrer-Policy: same-origin` (api/web/templating.py), and demographic look-ups for linking
a patient post their form instead (api/web/queues.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from index.query import MATCH_STATUSES, Filters, SearchQuery, Sort

PAGE_SIZE = 20
MAX_QUERY = 500


def _date(value: str | None, problems: list[str], label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"{label} is not a date (YYYY-MM-DD); it was left out.")
        return None


def _flag(value: str | None) -> bool | None:
    return {"true": True, "false": False}.get(value or "")


@dataclass(frozen=True)
class SearchForm:
    q: str = ""
    types: tuple[str, ...] = ()
    facilities: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    needs_review: bool | None = None
    low_confidence: bool | None = None
    on_hold: bool | None = None
    sort: Sort = Sort.relevance
    cursor: str | None = None
    problems: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def read(cls, params: QueryParams) -> "SearchForm":
        problems: list[str] = []
        q = params.get("q", "").strip()
        if len(q) > MAX_QUERY:
            problems.append(f"The search words were cut to {MAX_QUERY} characters.")
            q = q[:MAX_QUERY]
        try:
            sort = Sort(params.get("sort") or Sort.relevance)
        except ValueError:
            sort = Sort.relevance
        return cls(
            q=q,
            types=tuple(dict.fromkeys(v for v in params.getlist("type") if v)),
            facilities=tuple(dict.fromkeys(v for v in params.getlist("facility") if v)),
            statuses=tuple(dict.fromkeys(v for v in params.getlist("status") if v in MATCH_STATUSES)),
            date_from=_date(params.get("date_from"), problems, "From date"),
            date_to=_date(params.get("date_to"), problems, "To date"),
            needs_review=_flag(params.get("needs_review")),
            low_confidence=_flag(params.get("low_confidence")),
            on_hold=_flag(params.get("on_hold")),
            sort=sort,
            cursor=params.get("cursor") or None,
            problems=tuple(problems),
        )

    @property
    def filtered(self) -> bool:
        return bool(self.types or self.facilities or self.statuses or self.date_from or self.date_to
                    or self.needs_review is not None or self.low_confidence is not None
                    or self.on_hold is not None)

    def query(self, patient_ids: tuple[str, ...] = (), limit: int = PAGE_SIZE) -> SearchQuery:
        filters = Filters(patient_ids=patient_ids, doc_types=self.types, facilities=self.facilities,
                          match_statuses=self.statuses, date_from=self.date_from, date_to=self.date_to,
                          review_pending=self.needs_review, low_confidence=self.low_confidence,
                          on_hold=self.on_hold)
        return SearchQuery(text=self.q, filters=filters, sort=self.sort, limit=limit, cursor=self.cursor,
                           facets=True)

    def params(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        out += [("type", v) for v in self.types]
        out += [("facility", v) for v in self.facilities]
        out += [("status", v) for v in self.statuses]
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value:
                out.append((name, value.isoformat()))
        for name in ("needs_review", "low_confidence", "on_hold"):
            value = getattr(self, name)
            if value is not None:
                out.append((name, "true" if value else "false"))
        if self.sort != Sort.relevance:
            out.append(("sort", self.sort.value))
        if self.cursor:
            out.append(("cursor", self.cursor))
        return out

    def url(self, base: str = "/ui", **changes) -> str:
        """This search with some values changed; paging starts again unless a cursor is given."""
        changed = replace(self, **{"cursor": None, **changes})
        params = changed.params()
        return f"{base}?{urlencode(params)}" if params else base

    def year_url(self, year: str, base: str = "/ui") -> str:
        try:
            start = date(int(year), 1, 1)
        except ValueError:
            return self.url(base)
        return self.url(base, date_from=start, date_to=date(start.year, 12, 31))


@dataclass(frozen=True)
class Option:
    value: str
    count: int | None  # None: selected, but the facet did not count it (none left)
    checked: bool


def facet_options(result, name: str, selected: tuple[str, ...]) -> list[Option]:
    """A facet's values with their counts, and any selected value it did not count."""
    counted = [(v.value, v.count) for v in (result.facets.get(name, []) if result else [])]
    seen = {value for value, _ in counted}
    options = [Option(value, count, value in selected) for value, count in counted]
    return options + [Option(value, None, True) for value in selected if value not in seen]


def flag_count(result, name: str) -> int | None:
    """How many of the results the facet counts as true."""
    for value in (result.facets.get(name, []) if result else []):
        if value.value == "true":
            return value.count
    return 0 if result else None
