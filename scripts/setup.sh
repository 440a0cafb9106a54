#!/usr/bin/env bash
# Install what Clinidex needs on this machine: Tesseract and poppler from Debian, and the
# Python package with its dependencies in ./.venv. Idempotent; `--dev` adds the test tools.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
extras=""
[[ "${1:-}" == "--dev" ]] && extras="[dev]"

need=()
command -v tesseract >/dev/null || need+=(tesseract-ocr tesseract-ocr-eng)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
# The tests check docker-compose.yml with the compose CLI (no engine is needed for `config`).
[[ -n "$extras" ]] && ! command -v docker-compose >/dev/null && need+=(docker-compose)
# Browser tests (tests/browser) drive Debian's chromium through Playwright.
[[ -n "$extras" ]] && ! command -v chromium >/dev/null && need+=(chromium)
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: please install the Debian packages: ${need[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

python="${PYTHON:-python3}"
if [[ ! -x "$repo/.venv/bin/python" ]]; then
  "$python" -m venv "$repo/.venv"
fi
stamp="$repo/.venv/.clinidex-installed$extras"
# Reinstall only when the dependency list changed since the last install.
if [[ ! -f "$stamp" || "$repo/pyproject.toml" -nt "$stamp" ]]; then
  "$repo/.venv/bin/pip" install -q --upgrade pip
  "$repo/.venv/bin/pip" install -q -e "$repo$extras"
  touch "$stamp"
fi
