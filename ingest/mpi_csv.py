"""MPI exports as CSV: one patient per row, under a header row.

Column names are case-insensitive and may come in any order; the delimiter is whichever of
comma, semicolon, tab or pipe the header line uses most.

  mrn, mrn_issuer      the medical record number and its issuer (a system URI, OID or code).
                       The header must have both; a row without both is rejected.
  mrn_issuer_name      optional: the issuer's name as people write it (the identifier's assigner)
  id:<issuer>          optional: one column per further identifier, named by its issuer, e.g.
                       `id:urn:oid:2.16.840.1.113883.19.5`; empty cells are no identifier
  given, middle, family   a row needs a given or a family name
  birth_date           YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD; anything else rejects the row
  sex                  F/M/O/U or female/male/other/unknown; anything else rejects the row
  phone, address, city, state, postcode

The MRN gets identifier type "MR"; `id:` identifiers carry no type and no assigner. Columns with
other names are ignored and named in the result's notes. A row whose cell count differs from
the header's is rejected; blank lines are not records. Rejections are located by the line the
row starts on (the header is line 1).
"""
from __future__ import annotations

import csv
import io
import re

from ingest.mpi_load import (BadRecord, Event, LoadResult, MpiFileError, Upsert, csv_delimiter,
                             identifier, iso_date, patient, sex_code)

COLUMNS = ("mrn", "mrn_issuer", "mrn_issuer_name", "given", "middle", "family", "birth_date", "sex",
           "phone", "address", "city", "state", "postcode")
ID_PREFIX = "id:"
DATE_FORMATS = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "%Y-%m-%d"),
    (re.compile(r"\d{1,2}/\d{1,2}/\d{4}"), "%m/%d/%Y"),
    (re.compile(r"\d{8}"), "%Y%m%d"),
)


def parse_csv(text: str, source: str) -> LoadResult:
    result = LoadResult("csv", source)
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(first_line))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise MpiFileError("The CSV file has no readable header row.") from None
    columns, id_columns = _header(header, result)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:  # a cell over csv.field_size_limit(); the reader resumes after it
            result.load(f"line {start}", _unreadable)
            continue
        if any(cell.strip() for cell in row):
            result.load(f"line {start}", _row, row, len(header), columns, id_columns, source)
    return result


def _header(header: list[str], result: LoadResult) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Known columns by name -> index, and the `id:` columns as (issuer, index)."""
    columns: dict[str, int] = {}
    id_columns: list[tuple[str, int]] = []
    for index, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff")
        key = name.lower()
        if key.startswith(ID_PREFIX) and name[len(ID_PREFIX):].strip():
            id_columns.append((name[len(ID_PREFIX):].strip(), index))
        elif key in COLUMNS:
            if key in columns:
                raise MpiFileError(f"The CSV header names the column {key} twice.")
            columns[key] = index
        elif name:
            result.notes.append(f"column {name[:40]!r} is not an MPI column; its values were ignored")
    missing = [c for c in ("mrn", "mrn_issuer") if c not in columns]
    if missing:
        raise MpiFileError(f"The CSV header has no {' or '.join(missing)} column.")
    if "given" not in columns and "family" not in columns:
        raise MpiFileError("The CSV header has neither a given nor a family column.")
    return columns, id_columns


def _row(row: list[str], width: int, columns: dict[str, int], id_columns: list[tuple[str, int]],
         source: str) -> list[Event]:
    if len(row) != width:
        raise BadRecord(f"row has {len(row)} cells; the header has {width}")
    cell = {name: row[index] for name, index in columns.items()}
    mrn = identifier(cell.get("mrn_issuer"), cell.get("mrn"), assigner=cell.get("mrn_issuer_name"), type="MR")
    if mrn is None:
        raise BadRecord("no mrn with an mrn_issuer (columns mrn, mrn_issuer)")
    extra = [identifier(issuer, row[index]) for issuer, index in id_columns]
    record = patient(
        [mrn, *(i for i in extra if i is not None)], source,
        id_field="columns mrn, mrn_issuer", name_field="columns given, family",
        given=cell.get("given"), middle=cell.get("middle"), family=cell.get("family"),
        birth_date=iso_date(cell.get("birth_date"), DATE_FORMATS, "column birth_date"),
        sex=sex_code(cell.get("sex"), "column sex"),
        phone=cell.get("phone"), address=cell.get("address"), city=cell.get("city"),
        state=cell.get("state"), postcode=cell.get("postcode"),
    )
    return [Upsert(record)]


def _unreadable() -> list[Event]:
    raise BadRecord("row cannot be read as CSV (a cell is too long)")
