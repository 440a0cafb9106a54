"""The document types Clinidex classifies into, loaded from `doctypes.json` (data, so a site can
add a type by editing the file) and validated on load.

    from clinidex.doctypes import load_types
    [t.key for t in load_types()]   # ['referral_note', 'consult_note', ..., 'other']

Each type carries its LOINC document code (system http://loinc.org) or None where LOINC has no
fitting code (the fax cover sheet, `other`); `doctypes.json` lists where each code was verified
and why the judgement calls were made.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

OTHER = "other"
LOINC_SYSTEM = "http://loinc.org"

_KEY = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_LOINC = re.compile(r"^\d{1,6}-\d$")
_FIELDS = {"key", "label", "loinc_code", "loinc_display", "clinical", "sensitive"}
_OPTIONAL = {"notes"}


class DocTypeError(ValueError):
    """The type list is malformed; the message names the entry and what is wrong with it."""


@dataclass(frozen=True)
class DocType:
    key: str  # stable snake_case identifier, stored in manifests
    label: str  # what records staff read
    loinc_code: str | None  # e.g. "57133-1"; None where LOINC has no fitting document code
    loinc_display: str | None
    clinical: bool  # False: transmission metadata of the fax (the cover sheet), not a document
    sensitive: bool  # behavioural-health and similar types, restricted by a later issue
    notes: str | None = None  # why the code is what it is, where that was a judgement call


def load_types(path: str | Path | None = None) -> list[DocType]:
    """The document types in file order. `path` defaults to the packaged `doctypes.json`.

    Raises DocTypeError when an entry lacks a field or has an unknown one, a key is not snake_case
    or repeats, a LOINC code is not of the form `NNNNN-N`, a code has no display (or the reverse),
    or there is not exactly one `other`."""
    if path is None:
        raw = resources.files("clinidex").joinpath("doctypes.json").read_text(encoding="utf-8")
    else:
        raw = Path(path).read_text(encoding="utf-8")
    return parse_types(json.loads(raw))


def parse_types(data: dict) -> list[DocType]:
    """Validate an already-parsed type list (the JSON object with a `types` array)."""
    entries = data.get("types") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DocTypeError("the file needs a non-empty 'types' list")
    types: list[DocType] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"type #{index + 1}"
        if not isinstance(entry, dict):
            raise DocTypeError(f"{where}: not an object")
        missing, unknown = _FIELDS - entry.keys(), entry.keys() - _FIELDS - _OPTIONAL
        if missing or unknown:
            raise DocTypeError(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
        key = entry["key"]
        if not isinstance(key, str) or not _KEY.match(key):
            raise DocTypeError(f"{where}: key {key!r} is not snake_case")
        where = f"type {key!r}"
        if key in seen:
            raise DocTypeError(f"{where}: key appears twice")
        seen.add(key)
        if not isinstance(entry["label"], str) or not entry["label"].strip():
            raise DocTypeError(f"{where}: label must be a non-empty string")
        code, display = entry["loinc_code"], entry["loinc_display"]
        if code is not None and (not isinstance(code, str) or not _LOINC.match(code)):
            raise DocTypeError(f"{where}: LOINC code {code!r} is not of the form NNNNN-N")
        if (code is None) != (display is None) or (display is not None and not isinstance(display, str)):
            raise DocTypeError(f"{where}: a LOINC code and its display go together")
        for flag in ("clinical", "sensitive"):
            if not isinstance(entry[flag], bool):
                raise DocTypeError(f"{where}: {flag} must be true or false")
        notes = entry.get("notes")
        if notes is not None and not isinstance(notes, str):
            raise DocTypeError(f"{where}: notes must be a string")
        types.append(DocType(key, entry["label"], code, display, entry["clinical"], entry["sensitive"], notes))
    if sum(t.key == OTHER for t in types) != 1:
        raise DocTypeError(f"exactly one type must have the key {OTHER!r}")
    return types


def types_by_key(path: str | Path | None = None) -> dict[str, DocType]:
    return {t.key: t for t in load_types(path)}
