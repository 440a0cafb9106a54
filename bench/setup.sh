#!/usr/bin/env bash
# bench/setup.sh -- install the tools only the OCR speed benchmark (bench/ocr_speed.py) needs.
# Idempotent: a tool that is already there is left alone, so a warm machine touches neither
# apt nor PyPI.
#
# - Debian: ghostscript (OCRmyPDF rasterises and writes PDFs with it), tesseract-ocr + eng
#   (the raw CLI contender and OCRmyPDF's engine), poppler-utils (pdftotext reads OCRmyPDF's
#   output for the CER). `apt-get update` runs only when something is missing.
# - PyPI into the project's .venv: ocrmypdf (brings pikepdf and img2pdf; img2pdf builds the
#   lossless image-only PDF the benchmark feeds it), tesserocr (wheel bundling libtesseract
#   5.5.4; the engine floor and Clinidex's own engine) and rapidfuzz (CER fallback).
#
# Run scripts/setup.sh first: it creates .venv with the clinidex package.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py="$repo/.venv/bin/python"
say() { printf 'bench/setup.sh: %s\n' "$*" >&2; }

[[ -x "$py" ]] || { say "no $py; run scripts/setup.sh first"; exit 1; }

need=()
command -v gs >/dev/null || need+=(ghostscript)
command -v tesseract >/dev/null || need+=(tesseract-ocr)
[[ -n "$(find /usr/share/tesseract-ocr -name eng.traineddata 2>/dev/null | head -1)" ]] || need+=(tesseract-ocr-eng)
command -v pdftotext >/dev/null || need+=(poppler-utils)
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    say "please install the Debian packages: ${need[*]}"
    exit 1
  fi
  say "installing Debian packages: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# module name -> pip requirement
declare -A pip_for=(
  [ocrmypdf]="ocrmypdf==17.13.0"
  [img2pdf]="img2pdf"
  [tesserocr]="tesserocr"
  [rapidfuzz]="rapidfuzz"
)
missing=()
for module in ocrmypdf img2pdf tesserocr rapidfuzz; do
  "$py" -c "import $module" 2>/dev/null || missing+=("${pip_for[$module]}")
done
if ((${#missing[@]})); then
  say "installing into .venv: ${missing[*]}"
  "$py" -m pip install -q "${missing[@]}"
fi

# Prove each tool runs, and show the versions the benchmark will report.
say "ghostscript $(gs --version)"
say "$(tesseract --version 2>&1 | head -1) (Debian CLI)"
say "ocrmypdf $("$py" -m ocrmypdf --version)"
say "tesserocr $("$py" -c 'import tesserocr; print(tesserocr.__version__, "/ libtesseract", tesserocr.tesseract_version().split()[1])')"
say "pdftotext $(pdftotext -v 2>&1 | head -1 | awk '{print $3}')"
