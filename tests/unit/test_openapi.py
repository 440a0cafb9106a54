"""The OpenAPI document lists every JSON route, with the problem+json error shape."""
from fastapi.routing import APIRoute

from api.app import create_app
from api.routers import documents, patients, review, search

PROBLEM_ROUTERS = (documents.router, search.router, review.router, patients.router)


def test_every_route_is_documented_with_its_errors():
    spec = create_app().openapi()
    assert spec["info"]["title"] == "Clinidex"
    routes = [r for router in PROBLEM_ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    assert len(routes) > 15
    for route in routes:
        for method in route.methods - {"HEAD"}:
            operation = spec["paths"][route.path_format][method.lower()]
            assert operation.get("summary") and operation.get("responses"), route.path
            for status in ("404", "422", "503"):
                assert "application/problem+json" in operation["responses"][status]["content"], (route.path, status)
    assert {"/search", "/patients/{patient_id}/documents", "/documents/{doc_id}"} <= set(spec["paths"])
