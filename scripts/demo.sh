#!/usr/bin/env bash
# The main job on the embedded default (no services): generate synthetic faxes, ingest them
# through the pipeline, and print search hits. Data goes to $CLINIDEX_DATA_DIR (~/.clinidex).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$repo/scripts/setup.sh"
exec "$repo/.venv/bin/clinidex" demo "$@"
