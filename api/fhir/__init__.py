"""The FHIR R4 facade: documents as US Core DocumentReference / IHE MHD (Document Responder,
Minimal metadata), their originals as Binary, MPI entries as Patient.

    codes.py       code systems, profiles and the document-type -> category mapping
    resources.py   Manifest / PatientRecord -> resource dicts; searchset Bundles; OperationOutcome
    params.py      FHIR search parameters -> index.query.SearchQuery
    capability.py  the CapabilityStatement (/fhir/metadata)
    (a batch-fax piece is retrieved as its own pages: ingest/excerpt.py)
    conformance.py the profile rules fhir.resources does not check (used by the tests)

The HTTP side is api/routers/fhir.py.
"""

FHIR_JSON = "application/fhir+json"
