"""Born-digital and scanned PDF pages: PDFium (what Clinidex uses) against poppler, side by side.

    .venv/bin/python bench/pdf_pages.py [--pages 200] [--repeats 5]

- Text layer: Clinidex's inspect + text-layer read (text and word boxes, no OCR) against
  `pdftotext` (text only) over the same born-digital PDF. Target: >= 50 pages/second.
- Rendering scanned pages at 300 dpi grayscale: pypdfium2 against pdf2image (pdftoppm).
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, timed  # noqa: E402
from clinidex import synthetic  # noqa: E402
from ingest.detect import PDF  # noqa: E402
from ingest.reader import from_text_layer  # noqa: E402
from ingest.render import Limits, inspect, render_page  # noqa: E402
from tests.support.documents import born_digital_pdf  # noqa: E402

LIMITS = Limits(max_pages=10_000, max_image_pixels=200_000_000)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--scanned-pages", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    text_pages = [synthetic.referral_pages(seed, pages=1)[1][0] for seed in range(args.pages)]
    born = born_digital_pdf(text_pages)
    scanned = synthetic.scanned_pdf([synthetic.referral_pages(s, pages=1)[1][0] for s in range(args.scanned_pages)])

    def clinidex_text() -> None:
        plan = inspect(born, PDF, LIMITS)
        pages = [from_text_layer(p) for p in plan.pages]
        assert len(pages) == args.pages and all(p.source == "text_layer" for p in pages)

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(born)
        f.flush()

        def poppler_text() -> None:
            subprocess.run(["pdftotext", "-layout", f.name, "-"], check=True, capture_output=True, timeout=300)

        ours, ours_runs = timed(clinidex_text, args.repeats)
        base, base_runs = timed(poppler_text, args.repeats)

    def pdfium_render() -> None:
        for n in range(1, args.scanned_pages + 1):
            render_page(scanned, PDF, n)

    def poppler_render() -> None:
        from pdf2image import convert_from_bytes

        for n in range(1, args.scanned_pages + 1):
            convert_from_bytes(scanned, dpi=300, first_page=n, last_page=n, grayscale=True)

    r_ours, r_ours_runs = timed(pdfium_render, args.repeats)
    r_base, r_base_runs = timed(poppler_render, args.repeats)

    print(f"Machine: {machine()}")
    print(f"{args.pages} born-digital pages, {args.scanned_pages} scanned pages, {args.repeats} repeats, medians\n")
    print("| what | median s | pages/s | ratio vs baseline |")
    print("|---|---|---|---|")
    print(f"| text layer: Clinidex inspect + read (text + word boxes) | {ours:.3f} | {args.pages / ours:.0f} | {base / ours:.2f}x |")
    print(f"| text layer: pdftotext (baseline, text only) | {base:.3f} | {args.pages / base:.0f} | 1.00x |")
    print(f"| render 300 dpi: pypdfium2 (Clinidex) | {r_ours:.3f} | {args.scanned_pages / r_ours:.1f} | {r_base / r_ours:.2f}x |")
    print(f"| render 300 dpi: pdf2image/pdftoppm (baseline) | {r_base:.3f} | {args.scanned_pages / r_base:.1f} | 1.00x |")
    print("\nRuns (s): " + "; ".join(f"{name} {', '.join(f'{r:.3f}' for r in runs)}" for name, runs in [
        ("clinidex-text", ours_runs), ("pdftotext", base_runs), ("pdfium-render", r_ours_runs),
        ("pdf2image-render", r_base_runs)]))


if __name__ == "__main__":
    main()
