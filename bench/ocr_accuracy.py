"""OCR accuracy under the conditions a records office receives pages in, before and after
preprocessing.

    .venv/bin/python bench/ocr_accuracy.py [--pages N] [--out FILE]

For every condition in `clinidex.degrade.CONDITIONS` (clean, fine and standard faxes, line noise,
skew, upside-down and sideways pages, faint photocopies), N one-page samples (seeds 1..N) are
read through the project's own reading path twice: without preprocessing ("before") and with it
("after": deskew, orientation correction, resampling of coarse scans to 300 dpi). Each reading is scored with the
character error rate against the page's known text (bench/cer.py). Reported per condition:
median and mean CER before and after, and mean wall-clock seconds per page (decode + preprocess +
OCR). One process, one page at a time, single-threaded Tesseract.
"""
from __future__ import annotations

import os

# One single-threaded Tesseract, as the pipeline's workers run it (before libtesseract loads).
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.cer import cer  # noqa: E402
from bench.common import machine  # noqa: E402
from clinidex.degrade import CONDITIONS, Sample  # noqa: E402
from ingest.reader import PageReader  # noqa: E402

LANGUAGE = "eng"
PAGE_TIMEOUT_S = 120


READER = PageReader(language=LANGUAGE, timeout_s=PAGE_TIMEOUT_S)


def read(sample: Sample, preprocess: bool) -> list[str]:
    """Text per page of one sample, read the way the pipeline's page tasks read it."""
    return [p.text for p in READER.read_document(sample.data, sample.media_type, preprocess=preprocess)]


# ------------------------------------------------------------------------------------ bench

def score(sample: Sample, texts: list[str]) -> list[float]:
    # A page the reader did not return counts as read empty.
    texts = texts + [""] * (len(sample.truth) - len(texts))
    return [cer(truth, text) for truth, text in zip(sample.truth, texts)]


def run_condition(name: str, seeds: range) -> dict:
    before: list[float] = []
    after: list[float] = []
    seconds = {False: 0.0, True: 0.0}
    pages = 0
    for seed in seeds:
        sample = CONDITIONS[name](seed)
        pages += len(sample.truth)
        for preprocess, scores in ((False, before), (True, after)):
            started = time.perf_counter()
            texts = read(sample, preprocess)
            seconds[preprocess] += time.perf_counter() - started
            scores.extend(score(sample, texts))
    return {"name": name, "pages": pages, "before": before, "after": after,
            "s_before": seconds[False] / pages, "s_after": seconds[True] / pages}


def report(rows: list[dict], args, load_before: tuple, elapsed: float) -> str:
    lines = [
        "# OCR accuracy by page condition",
        "",
        f"- machine: {machine()}; OMP_THREAD_LIMIT={os.environ.get('OMP_THREAD_LIMIT')}",
        f"- load average before / after: {' '.join(f'{x:.2f}' for x in load_before)} / "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on the machine slows timings)",
        "- read path: ingest.reader.PageReader (in-process Tesseract); one process, one page at a time",
        f"- samples: {args.pages} one-page synthetic referral letters per condition (seeds 1-{args.pages}), "
        "built by clinidex/degrade.py",
        "- CER: Levenshtein distance / reference length, whitespace collapsed (bench/cer.py); "
        "before = preprocess off, after = preprocess on (below-200-dpi scans resampled to 300, deskew, orientation)",
        f"- total run time: {elapsed:.0f} s",
        "",
        "| condition | pages | CER before (median/mean) | CER after (median/mean) | s/page (before/after) |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['pages']} | {statistics.median(r['before']):.4f} / {statistics.mean(r['before']):.4f} "
            f"| {statistics.median(r['after']):.4f} / {statistics.mean(r['after']):.4f} "
            f"| {r['s_before']:.2f} / {r['s_after']:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10, help="pages per condition (seeds 1..N); default 10")
    parser.add_argument("--out", type=Path, help="also write the Markdown report to this file")
    parser.add_argument("--conditions", nargs="+", choices=list(CONDITIONS), default=list(CONDITIONS),
                        help="only these conditions (default: all)")
    args = parser.parse_args(argv)
    if args.pages < 1:
        parser.error("--pages must be at least 1")

    load_before = os.getloadavg()
    clock = time.perf_counter()
    read(CONDITIONS["clean"](0), False)  # warm-up: load the model before anything is timed
    rows = []
    for name in args.conditions:
        print(f"{name}: {args.pages} pages ...", file=sys.stderr, flush=True)
        rows.append(run_condition(name, range(1, args.pages + 1)))
    text = report(rows, args, load_before, time.perf_counter() - clock)
    print(text, end="")
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
