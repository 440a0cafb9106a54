"""HL7 v2 ADT messages from a file (versions 2.3 to 2.5.1; others are read by field position).

A file holds messages one after another: each starts at an MSH segment. Segments may end in
\\r, \\n or \\r\\n, and MLLP framing bytes (0x0b, 0x1c) are ignored, so a capture from an interface
engine loads as it is. Events:
- A01, A04, A08, A28, A31 -> an Upsert from the first PID: PID-3 identifiers (CX value^^^
  authority^type code; the authority's universal id is the system, else its namespace id, and
  the namespace id is the assigner unless it is already the system; the MR-typed one is primary,
  else the first; one without a value or an authority is left out), PID-5 name (the legal "L"
  one, else the first: family^given^middle), PID-7 birth date (YYYYMMDD, any time after it is
  dropped), PID-8 sex (F, M, O, U; A -> other, N -> unknown), PID-11 address (street^other^
  city^state^zip), PID-13 phone (XTN-1, else area code and local number).
- A40 -> a Merge per PID/MRG pair: PID-3 names the survivor, MRG-1 the merged patient.
- Anything else is rejected as "unsupported event ADT^A03": nothing in the file disappears
  without a line in the result. So are messages without a PID (or, for A40, an MRG).
Locations read "message N (control id X), segment PID", N counting messages from 1.

Fields are read with hl7apy (`parse_message`, no group detection, tolerant validation) for the
versions above. Other versions (hl7apy mis-reads some 2.6 fields: PID-13 lands in component
18), messages hl7apy refuses, and callers who pass `use_hl7apy=False` get a plain split on the
message's own separators, which gives the same values some 30 times faster (hl7apy builds a
typed tree: about 10 ms a message in the unit-test environment).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message

from ingest.mpi_load import (SEX_CODES, BadRecord, Event, LoadResult, Merge, Upsert, identifier,
                             iso_date, patient, primary, sex_code)

UPSERT_EVENTS = frozenset({"A01", "A04", "A08", "A28", "A31"})
HL7APY_VERSIONS = frozenset({"2.3", "2.3.1", "2.4", "2.5", "2.5.1"})
HL7_SEXES = {**SEX_CODES, "a": "other", "n": "unknown"}
_DTM = re.compile(r"(\d{8})(\d{2,6})?(\.\d{1,4})?([+-]\d{4})?")
_DATE = ((re.compile(r"\d{8}"), "%Y%m%d"),)
_SAFE = re.compile(r"[^A-Za-z0-9._-]")

Fields = dict[int, list[str]]  # field number -> its repetitions, as sent (separators, escapes)


@dataclass(frozen=True)
class Separators:
    field: str
    component: str
    repetition: str
    escape: str
    subcomponent: str


def parse_hl7(text: str, source: str, *, use_hl7apy: bool = True) -> LoadResult:
    result = LoadResult("hl7", source)
    before, messages = split_messages(text)
    if before:
        result.load("before message 1", _no_msh)
    for number, segments in enumerate(messages, 1):
        control_id = _SAFE.sub("", _raw_msh_field(segments[0], 10))[:30]
        where = f"message {number}" + (f" (control id {control_id})" if control_id else "")
        result.load(where, _events, segments, source, use_hl7apy)
    return result


def split_messages(text: str) -> tuple[list[str], list[list[str]]]:
    """Segments before the first MSH, and each message's segments."""
    text = text.replace("\x0b", "").replace("\x1c", "\r").replace("\r\n", "\r").replace("\n", "\r")
    before: list[str] = []
    messages: list[list[str]] = []
    for segment in (s.lstrip() for s in text.split("\r")):
        if segment.startswith("MSH"):
            messages.append([segment])
        elif segment.strip():
            (messages[-1] if messages else before).append(segment)
    return before, messages


def _no_msh() -> list[Event]:
    raise BadRecord("segments before the first MSH segment")


def _raw_msh_field(msh: str, number: int) -> str:
    parts = msh.split(msh[3]) if len(msh) > 3 else []
    return parts[number - 1] if len(parts) >= number else ""


def _events(segments: list[str], source: str, use_hl7apy: bool) -> list[Event]:
    msh = segments[0]
    encoding = _raw_msh_field(msh, 2)
    if len(msh) < 8 or len(encoding) < 4:
        raise BadRecord("MSH segment has no encoding characters (MSH-2)", "segment MSH")
    seps = Separators(msh[3], *encoding[:4])
    version = _raw_msh_field(msh, 12).split(seps.component)[0].strip()
    read = None
    if use_hl7apy and version in HL7APY_VERSIONS:
        try:
            read = read_hl7apy(segments)
        except Exception:  # hl7apy's refusals span its own and builtin exception types
            read = None
    read = read or read_split(segments, seps)
    msh_9 = _components(_first(read[0][1], 9), seps)
    kind, trigger = _part(msh_9, 1).upper(), _part(msh_9, 2).upper()
    if not trigger:  # some 2.3 senders leave the trigger to EVN-1
        trigger = next((_first(f, 1) for name, f in read if name == "EVN"), "").upper()
    event = f"{_SAFE.sub('', kind)[:3]}^{_SAFE.sub('', trigger)[:3]}"
    pids = [fields for name, fields in read if name == "PID"]
    if kind == "ADT" and trigger in UPSERT_EVENTS:
        if not pids:
            raise BadRecord("message has no PID segment", "segment PID")
        return [Upsert(_record(pids[0], seps, source))]
    if kind == "ADT" and trigger == "A40":
        return _merges(read, seps)
    raise BadRecord(f"unsupported event {event}")


def read_hl7apy(segments: list[str]) -> list[tuple[str, Fields]]:
    message = parse_message("\r".join(segments), find_groups=False,
                            validation_level=VALIDATION_LEVEL.TOLERANT)
    read = []
    for segment in message.children:
        fields: Fields = {}
        for found in segment.children:  # a repeated field appears once per repetition
            fields.setdefault(int(found.name.rsplit("_", 1)[1]), []).append(found.to_er7())
        read.append((segment.name.upper(), fields))
    return read


def read_split(segments: list[str], seps: Separators) -> list[tuple[str, Fields]]:
    read = []
    for segment in segments:
        parts = segment.split(seps.field)
        name = parts[0].strip().upper()
        # MSH-1 is the field separator itself, so MSH's parts sit one field number lower.
        shift = 1 if name == "MSH" else 0
        fields = {n + shift: value.split(seps.repetition) for n, value in enumerate(parts)
                  if n and value and not (shift and n == 1)}
        read.append((name, fields))
    return read


def _merges(read: list[tuple[str, Fields]], seps: Separators) -> list[Event]:
    merges: list[Event] = []
    survivor = None
    for name, fields in read:
        if name == "PID":
            ids = _identifiers(fields.get(3, []), seps)
            if not ids:
                raise BadRecord("no identifier with an assigning authority (PID-3)", "segment PID")
            survivor = primary(ids)
        elif name == "MRG":
            if survivor is None:
                raise BadRecord("MRG segment without a PID before it", "segment MRG")
            ids = _identifiers(fields.get(1, []), seps)
            if not ids:
                raise BadRecord("no identifier with an assigning authority (MRG-1)", "segment MRG")
            if primary(ids) == survivor:
                raise BadRecord("merges a patient into itself (PID-3, MRG-1)", "segment MRG")
            merges.append(Merge(survivor=survivor, merged=primary(ids)))
            survivor = None
    if not merges:
        raise BadRecord("A40 message has no MRG segment", "segment MRG")
    return merges


def _record(pid: Fields, seps: Separators, source: str):
    def comps(number: int, prefer: tuple[int, str] | None = None) -> list[list[str]]:
        reps = [_components(rep, seps) for rep in pid.get(number, [])]
        if prefer:
            reps.sort(key=lambda rep: _part(rep, prefer[0]).upper() != prefer[1])
        return reps[0] if reps else []

    name, address, phone = comps(5, prefer=(7, "L")), comps(11), comps(13)
    birth = _part(comps(7), 1)
    found = _DTM.fullmatch(birth)
    try:
        return patient(
            _identifiers(pid.get(3, []), seps), source, id_field="PID-3", name_field="PID-5",
            family=_part(name, 1), given=_part(name, 2), middle=_part(name, 3),
            birth_date=iso_date(found.group(1) if found else birth, _DATE, "PID-7"),
            sex=sex_code(_part(comps(8), 1), "PID-8", HL7_SEXES),
            address=", ".join(p for p in (_part(address, 1), _part(address, 2)) if p),
            city=_part(address, 3), state=_part(address, 4), postcode=_part(address, 5),
            phone=_part(phone, 1) or _part(phone, 6) + _part(phone, 7),
        )
    except BadRecord as bad:
        raise BadRecord(bad.reason, "segment PID") from None


def _identifiers(reps: list[str], seps: Separators):
    found = []
    for rep in reps:
        cx = _components(rep, seps)
        namespace, universal = _part(cx, 4, 1), _part(cx, 4, 2)
        system = universal or namespace
        made = identifier(system, _part(cx, 1), type=_part(cx, 5),
                          assigner=namespace if namespace != system else None)
        if made is not None:
            found.append(made)
    return found


def _first(fields: Fields, number: int) -> str:
    return (fields.get(number) or [""])[0]


def _components(value: str, seps: Separators) -> list[list[str]]:
    """One field repetition as components of subcomponents, unescaped."""
    return [[_unescape(sub, seps) for sub in comp.split(seps.subcomponent)]
            for comp in value.split(seps.component)]


def _part(components: list[list[str]], component: int, sub: int = 1) -> str:
    try:
        return components[component - 1][sub - 1].strip()
    except IndexError:
        return ""


def _unescape(text: str, seps: Separators) -> str:
    if seps.escape not in text:
        return text
    return _escape_pattern(seps.escape).sub(lambda m: _escaped(m.group(1), seps), text)


@lru_cache(maxsize=8)
def _escape_pattern(escape: str) -> re.Pattern[str]:
    e = re.escape(escape)
    return re.compile(f"{e}([^{e}]*){e}")


def _escaped(code: str, seps: Separators) -> str:
    named = {"F": seps.field, "S": seps.component, "T": seps.subcomponent, "R": seps.repetition,
             "E": seps.escape, ".br": " "}
    if code in named:
        return named[code]
    if code[:1] == "X" and re.fullmatch(r"(?:[0-9A-Fa-f]{2})+", code[1:]):
        return bytes.fromhex(code[1:]).decode("latin-1")
    return ""  # formatting (\H\, \N\, \.sp\ ...) carries no demographics
