"""A real stack (the API and a worker: `clinidex serve`, embedded) and headless Chromium driving
the workbench through Playwright; both live while this package's tests run.

The browser is Debian's chromium (scripts/setup.sh --dev installs it); Playwright never
downloads one. Without it the tests skip, unless CLINIDEX_TEST_REQUIRE_SERVICES=1 (CI, and
scripts/test.sh), where a missing browser fails the run.

Why the embedded stack only: the pages call the same in-process functions (search_service.run,
workers.review.decide, workers.patient_links.link) whichever backends are configured, and what
differs between the backends (OpenSearch highlighting, facets, S3, Redis) is proved by the
contract suite and tests/e2e on both stacks. Running the browser over both would double the
time and add no claim."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from clinidex import synthetic
from clinidex.mpi_files import to_csv
from tests.browser.documents import BLANK_NOTE, NAME_ONLY, PATIENT
from tests.support.services import MAX_UPLOAD, Stack

CHROMIUM = Path(os.environ.get("CLINIDEX_TEST_CHROMIUM", "/usr/bin/chromium"))
VIEWPORT = {"width": 1280, "height": 800}


def _missing(reason: str) -> None:
    if os.environ.get("CLINIDEX_TEST_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium, or scripts/setup.sh --dev)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        # --no-sandbox: the tests may run as root (containers, CI), where Chromium's sandbox refuses.
        found = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield found
        found.close()


@pytest.fixture(scope="package")
def web_stack(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data-browser")
    log_dir = tmp_path_factory.mktemp("logs-browser")
    env = {"CLINIDEX_DATA_DIR": str(data_dir), "CLINIDEX_MAX_UPLOAD_BYTES": str(MAX_UPLOAD)}
    running = Stack(env, log_dir, embedded_serve=True)
    yield running
    running.stop()


@pytest.fixture
def page(browser, web_stack):
    context = browser.new_context(viewport=VIEWPORT, base_url=web_stack.url)
    context.set_default_timeout(15_000)
    found = context.new_page()
    errors: list[str] = []
    found.on("pageerror", lambda exc: errors.append(str(exc)))
    # Signed in through the sign-in page, as a records clerk (who uploads, searches and reviews).
    found.goto("/ui")
    assert "/ui/sign-in" in found.url
    found.get_by_label("Access token").fill(web_stack.token("clerk-browser", "records_staff"))
    found.get_by_role("button", name="Sign in").click()
    found.wait_for_url("**/ui")
    yield found
    context.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture(scope="package")
def waiting(web_stack) -> dict:
    """Sent in through the API as the first test starts, to be processed while it runs: the
    MPI file with the patient, a document whose type waits for review, and one waiting for
    that patient. Ids by name, and the MPI load's status URL."""
    load = web_stack.client.post("/patients/imports", files={"file": ("mpi.csv", to_csv([PATIENT]), "text/csv")})
    assert load.status_code == 202, load.text
    ids = {"mpi_load": load.headers["location"]}
    for name, pages in (("blank", BLANK_NOTE), ("name_only", NAME_ONLY)):
        response = web_stack.upload(synthetic.fax_tiff(pages), f"{name}.tif")
        assert response.status_code == 202, response.text
        ids[name] = response.json()["id"]
    return ids
