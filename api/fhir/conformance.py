"""Checks of what the facade emits: the FHIR R4 structure (fhir.resources' R4B models, which
are R4's for these resources) and the rules those models leave out - required code bindings,
the US Core and MHD Minimal cardinalities we claim in meta.profile, contained-resource
references (dom-3). The tests run every resource they receive through `problems`.
"""
from __future__ import annotations

import base64
import binascii
import importlib
import json
import re

from pydantic import ValidationError

from api.fhir import codes
from clinidex.doctypes import LOINC_SYSTEM

_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
_ABSOLUTE = re.compile(r"^(https?://|urn:uuid:|urn:oid:)")
_MODELS = {"DocumentReference": "documentreference", "Bundle": "bundle", "Binary": "binary", "Patient": "patient",
           "OperationOutcome": "operationoutcome", "CapabilityStatement": "capabilitystatement"}
ISSUE_SEVERITIES = {"fatal", "error", "warning", "information"}
ISSUE_TYPES = {"invalid", "structure", "required", "value", "invariant", "security", "login", "unknown", "expired",
               "forbidden", "suppressed", "processing", "not-supported", "duplicate", "multiple-matches",
               "not-found", "deleted", "too-long", "code-invalid", "extension", "too-costly", "business-rule",
               "conflict", "transient", "lock-error", "no-store", "exception", "timeout", "incomplete",
               "throttled", "informational"}


def problems(resource: dict) -> list[str]:
    """What is wrong with a resource we emit; empty when nothing is."""
    kind = resource.get("resourceType")
    module = _MODELS.get(kind)
    if module is None:
        return [f"unexpected resourceType {kind!r}"]
    model = getattr(importlib.import_module(f"fhir.resources.R4B.{module}"), kind)
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        return [f"{kind}: {e['loc']}: {e['msg']}" for e in exc.errors()]
    check = {"DocumentReference": _document_reference, "Bundle": _bundle, "Binary": _binary, "Patient": _patient,
             "OperationOutcome": _outcome, "CapabilityStatement": _capability}[kind]
    return [f"{kind}/{resource.get('id', '')}: {p}" for p in check(resource)]


def _contained(resource: dict) -> list[str]:
    found = []
    ids = [c.get("id") for c in resource.get("contained", [])]
    refs = set(re.findall(r'"reference":\s*"#([^"]+)"', json.dumps(resource)))
    for cid in ids:
        if cid not in refs:
            found.append(f"contained {cid} is not referenced (dom-3)")
    for ref in refs:
        if ref not in ids:
            found.append(f"reference #{ref} names no contained resource")
    return found


def _document_reference(r: dict) -> list[str]:
    out = _contained(r)
    profiles = r.get("meta", {}).get("profile", [])
    if r.get("status") not in ("current", "superseded", "entered-in-error"):
        out.append("status is not a DocumentReferenceStatus code")
    if r.get("docStatus") not in (None, "preliminary", "final", "amended", "entered-in-error"):
        out.append("docStatus is not a CompositionStatus code")
    if "date" in r and not _INSTANT.match(r["date"]):
        out.append("date is not an instant")
    content = r.get("content", [])
    for item in content:
        attachment = item.get("attachment", {})
        if not attachment.get("contentType"):
            out.append("attachment without contentType")
        if not (attachment.get("url") or attachment.get("data")):
            out.append("attachment without url or data (us-core-6)")
    if codes.MHD_MINIMAL_DOCUMENT_REFERENCE in profiles:
        master = r.get("masterIdentifier") or {}
        unique_id = str(master.get("value", ""))
        if master.get("system") != codes.URI_SYSTEM or not unique_id.startswith(("urn:uuid:", "urn:oid:")):
            out.append("MHD: masterIdentifier must be a urn:uuid / urn:oid uniqueId")
        entry = [i for i in r.get("identifier", []) if i.get("use") == "official"]
        if any(not str(i.get("value", "")).startswith("urn:uuid:") for i in entry):
            out.append("MHD: the official identifier (entryUUID) must be a urn:uuid")
        if len(content) != 1:
            out.append("MHD: exactly one content")
        if any(not _ABSOLUTE.match(c.get("attachment", {}).get("url", "")) for c in content):
            out.append("MHD: attachment.url must be an absolute URL (ITI-68)")
    else:
        out.append("meta.profile does not claim MHD Minimal")
    if codes.US_CORE_DOCUMENT_REFERENCE in profiles:
        if not str(r.get("subject", {}).get("reference", "")).startswith("Patient/"):
            out.append("US Core: subject must reference a Patient")
        codings = r.get("type", {}).get("coding", [])
        if not any(c.get("system") == LOINC_SYSTEM or (c.get("system") == codes.NULL_FLAVOR and c.get("code") == "UNK")
                   for c in codings):
            out.append("US Core: type needs a LOINC code or NullFlavor UNK")
        if not r.get("category"):
            out.append("US Core: category is required")
        if not content:
            out.append("US Core: content is required")
    elif "subject" in r:
        out.append("a document filed under a patient must claim US Core")
    return out


def _bundle(b: dict) -> list[str]:
    out = []
    if b.get("type") != "searchset":
        out.append("not a searchset")
    if not isinstance(b.get("total"), int) or b["total"] < 0:
        out.append("total missing")
    if not any(link.get("relation") == "self" for link in b.get("link", [])):
        out.append("no self link")
    for entry in b.get("entry", []):
        if not _ABSOLUTE.match(entry.get("fullUrl", "")):
            out.append("entry.fullUrl is not absolute")
        mode = entry.get("search", {}).get("mode")
        if mode not in ("match", "include", "outcome"):
            out.append("entry.search.mode missing")
        resource = entry.get("resource", {})
        if mode == "match" and not entry["fullUrl"].endswith(f"/{resource.get('resourceType')}/{resource.get('id')}"):
            out.append("entry.fullUrl does not name its resource")
        out.extend(problems(resource))
    return out


def _binary(r: dict) -> list[str]:
    try:
        base64.b64decode(r.get("data", ""), validate=True)
    except (binascii.Error, ValueError):
        return ["data is not base64"]
    return [] if r.get("contentType") else ["contentType missing"]


def _patient(r: dict) -> list[str]:
    out = []
    if r.get("gender") not in (None, "male", "female", "other", "unknown"):
        out.append("gender is not an AdministrativeGender code")
    for identifier in r.get("identifier", []):
        if not re.match(r"^[a-z][a-z0-9+.-]*:", identifier.get("system", ""), re.IGNORECASE):
            out.append("identifier.system is not a URI")
    if codes.US_CORE_PATIENT in r.get("meta", {}).get("profile", []):
        if not (r.get("identifier") and r.get("name") and r.get("gender")):
            out.append("US Core Patient needs identifier, name and gender")
    for link in r.get("link", []):
        if link.get("type") not in ("replaced-by", "replaces", "refer", "seealso"):
            out.append("link.type is not a LinkType code")
    return out


def _outcome(r: dict) -> list[str]:
    out = []
    for issue in r.get("issue", []):
        if issue.get("severity") not in ISSUE_SEVERITIES:
            out.append("issue.severity is not an IssueSeverity code")
        if issue.get("code") not in ISSUE_TYPES:
            out.append("issue.code is not an IssueType code")
    return out


def _capability(r: dict) -> list[str]:
    out = []
    if r.get("fhirVersion") != codes.FHIR_VERSION:
        out.append("fhirVersion is not 4.0.1")
    if r.get("kind") not in ("instance", "capability", "requirements"):
        out.append("kind is not a CapabilityStatementKind code")
    for rest in r.get("rest", []):
        for resource in rest.get("resource", []):
            for interaction in resource.get("interaction", []):
                if interaction.get("code") not in ("read", "vread", "update", "patch", "delete", "history-instance",
                                                   "history-type", "create", "search-type"):
                    out.append(f"{resource.get('type')}: interaction {interaction.get('code')!r}")
            for param in resource.get("searchParam", []):
                if param.get("type") not in ("number", "date", "string", "token", "reference", "composite",
                                             "quantity", "uri", "special"):
                    out.append(f"{resource.get('type')}: searchParam type {param.get('type')!r}")
    return out
