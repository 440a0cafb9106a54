#!/usr/bin/env bash
# Set up, start the real services (Redis, OpenSearch, the S3 server) and run every test.
# Tests that need a service fail here rather than skip. Extra arguments go to pytest.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
started=$SECONDS
scripts/setup.sh --dev
echo "test: setup took $((SECONDS - started)) s"
mark=$SECONDS
scripts/services.sh up
echo "test: services took $((SECONDS - mark)) s"
export CLINIDEX_TEST_REQUIRE_SERVICES=1
export CLINIDEX_TEST_REDIS_URL="redis://127.0.0.1:${CLINIDEX_REDIS_PORT:-6379}"
export CLINIDEX_TEST_OPENSEARCH_URL="http://127.0.0.1:${CLINIDEX_OPENSEARCH_PORT:-9200}"
export CLINIDEX_TEST_S3_ENDPOINT="http://127.0.0.1:${CLINIDEX_S3_PORT:-9000}"
# pytest's own exit code goes out unchanged: 5 (no tests collected) fails the run too.
exec .venv/bin/python -m pytest -p no:cacheprovider -rs --durations=12 "$@"
