"""Who may call what: every route's rule in one table, enforced by one dependency on the whole
app. A route missing from the table is refused to everyone (and a test fails), so a new
endpoint cannot ship open by accident.

Roles (issue 8): records_staff upload, work the review queues, correct metadata and link
patients; clinicians search and view; compliance manages holds and retention and reads the
audit trail (and may search and view, which legal discovery needs); admin may do everything.
"""
from __future__ import annotations

from dataclasses import dataclass

from api.auth import Role

R, C, P, A = Role.records_staff, Role.clinician, Role.compliance, Role.admin
READERS = frozenset({R, C, P, A})
STAFF = frozenset({R, A})
COMPLIANCE = frozenset({P, A})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role] = frozenset()
    action: str | None = None  # the audit action; None: not audited (no patient information)
    public: bool = False


PUBLIC = Rule(public=True)


def rule(roles: frozenset[Role], action: str | None) -> Rule:
    return Rule(roles=roles, action=action)


RULES: dict[tuple[str, str], Rule] = {
    # Operations and the API's own description: no patient information.
    ("GET", "/health"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/fhir/metadata"): PUBLIC,  # FHIR clients read the CapabilityStatement first
    # Documents.
    ("POST", "/documents"): rule(STAFF, "upload"),
    ("GET", "/documents/{doc_id}"): rule(READERS, "view"),
    ("GET", "/documents/{doc_id}/pages/{number}"): rule(READERS, "view_page"),
    ("GET", "/documents/{doc_id}/pages/{number}/image"): rule(READERS, "view_page"),
    ("GET", "/documents/{doc_id}/pages/{number}/thumbnail"): rule(READERS, "view_page"),
    ("GET", "/documents/{doc_id}/hits"): rule(READERS, "view_page"),
    ("POST", "/documents/{doc_id}/hits"): rule(READERS, "view_page"),
    ("GET", "/documents/{doc_id}/original"): rule(READERS, "download"),
    ("DELETE", "/documents/{doc_id}"): rule(COMPLIANCE, "delete"),
    # Search.
    ("GET", "/search"): rule(READERS, "search"),
    ("POST", "/search"): rule(READERS, "search"),
    ("GET", "/patients/{patient_id}/documents"): rule(READERS, "search"),
    # Review of types and fields.
    ("GET", "/review"): rule(STAFF, "view"),
    ("GET", "/review/export"): rule(STAFF, "export"),
    ("GET", "/review/{doc_id}"): rule(STAFF, "view"),
    ("POST", "/review/{doc_id}"): rule(STAFF, "correct"),
    # The MPI and patient links.
    ("POST", "/patients/imports"): rule(STAFF, "mpi_load"),
    ("GET", "/patients/imports/{load_id}"): rule(STAFF, None),
    ("GET", "/patients"): rule(READERS, "search"),
    ("GET", "/patients/{patient_id}"): rule(READERS, "view"),
    ("GET", "/matches/review"): rule(STAFF, "view"),
    ("GET", "/matches/unmatched"): rule(STAFF, "view"),
    ("GET", "/documents/{doc_id}/patient"): rule(READERS, "view"),
    ("PUT", "/documents/{doc_id}/patient"): rule(STAFF, "link"),
    ("DELETE", "/documents/{doc_id}/patient"): rule(STAFF, "unlink"),
    # Legal holds.
    ("POST", "/holds"): rule(COMPLIANCE, "hold_create"),
    ("GET", "/holds"): rule(COMPLIANCE, "view"),
    ("GET", "/holds/{hold_id}"): rule(COMPLIANCE, "view"),
    ("POST", "/holds/{hold_id}/release"): rule(COMPLIANCE, "hold_release"),
    # Retention: the policy, applying a changed one (per-document events come from the worker),
    # the sweep (each destruction writes its own event).
    ("GET", "/retention/policy"): rule(COMPLIANCE, None),
    ("POST", "/retention/policy/apply"): rule(COMPLIANCE, "retention_change"),
    ("POST", "/retention/sweep"): rule(COMPLIANCE, None),
    # The audit trail: reading it is itself an access to patient information.
    ("GET", "/audit/patients/{patient_id}"): rule(COMPLIANCE, "audit_query"),
    ("GET", "/audit/actors/{actor}"): rule(COMPLIANCE, "audit_query"),
    ("GET", "/audit/objects/{object_id}"): rule(COMPLIANCE, "audit_query"),
    # FHIR (another system's client, with its own token and role).
    ("GET", "/fhir/DocumentReference"): rule(READERS, "search"),
    ("POST", "/fhir/DocumentReference/_search"): rule(READERS, "search"),
    ("GET", "/fhir/DocumentReference/{doc_id}"): rule(READERS, "view"),
    ("GET", "/fhir/Binary/{doc_id}"): rule(READERS, "download"),
    ("GET", "/fhir/Patient/{patient_id}"): rule(READERS, "view"),
    **{(m, "/fhir/{rest:path}"): rule(READERS, None) for m in ("GET", "POST", "PUT", "PATCH", "DELETE")},
    # The web workbench: each page needs what its JSON counterpart needs.
    ("GET", "/ui/sign-in"): PUBLIC,
    ("POST", "/ui/sign-in"): PUBLIC,
    ("POST", "/ui/sign-out"): PUBLIC,
    ("GET", "/ui/static/{name}"): PUBLIC,
    ("GET", "/ui"): rule(READERS, "search"),
    ("GET", "/ui/documents/{doc_id}"): rule(READERS, "view"),
    ("GET", "/ui/patients/{patient_id}"): rule(READERS, "search"),
    ("GET", "/ui/upload"): rule(STAFF, None),
    ("POST", "/ui/upload"): rule(STAFF, "upload"),
    ("GET", "/ui/review"): rule(STAFF, "view"),
    ("GET", "/ui/review/{doc_id}"): rule(STAFF, "view"),
    ("POST", "/ui/review/{doc_id}"): rule(STAFF, "correct"),
    ("GET", "/ui/matches"): rule(STAFF, "view"),
    ("GET", "/ui/unmatched"): rule(STAFF, "view"),
    ("POST", "/ui/patients/find"): rule(STAFF, "search"),
    ("POST", "/ui/documents/{doc_id}/patient"): rule(STAFF, "link"),
    ("POST", "/ui/documents/{doc_id}/patient/unlink"): rule(STAFF, "unlink"),
    ("GET", "/ui/holds"): rule(COMPLIANCE, "view"),
    ("POST", "/ui/holds"): rule(COMPLIANCE, "hold_create"),
    ("POST", "/ui/holds/{hold_id}/release"): rule(COMPLIANCE, "hold_release"),
}


def rule_for(method: str, path: str) -> Rule | None:
    return RULES.get(("GET" if method == "HEAD" else method, path))
