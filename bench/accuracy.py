"""How well Clinidex knows what a document is and whose it is, measured on the evaluation family
of the corpus (clinidex/corpus/evaluation.py: written independently of the training templates,
never used for training), on clean text and after a fax render -> OCR round trip.

    .venv/bin/python bench/accuracy.py [--docs 640] [--ocr-docs 160] [--faxes 80] [--ocr-faxes 16]

Reported: per-type precision/recall/F1 and macro-F1 of the document classifier; the share of
documents whose type confidence reaches the "apply" tier and the accuracy there; split accuracy
on batch faxes (a page counts as right when the piece it lands in has exactly the true page
range, cover sheets included); per-field precision/recall/F1 of metadata extraction (a value
counts when its confidence reaches the review floor, i.e. when it is applied; a wrong value is
both a false positive and a false negative). Round-trip faxes are rendered at fine resolution,
standard resolution, with line noise and skewed, in turn, and read by the pipeline's own reader.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import machine  # noqa: E402
from clinidex.corpus import evaluation  # noqa: E402
from clinidex.corpus.base import batch_fax, documents  # noqa: E402
from clinidex.degrade import fax_of  # noqa: E402
from clinidex.doctypes import load_types  # noqa: E402
from clinidex.fields import DOCUMENT_FIELDS  # noqa: E402
from clinidex.tiers import APPLY, REVIEW  # noqa: E402
from ingest.classify import DocTypeClassifier  # noqa: E402
from ingest.extract import extract_fields  # noqa: E402
from ingest.reader import PageReader  # noqa: E402
from ingest.split import split_pages  # noqa: E402

CONDITIONS = ("fine", "standard", "noisy", "skewed")
TYPES = [t.key for t in load_types()]
BATCH_TYPES = [t.key for t in load_types() if t.key != "fax_cover_sheet"]


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "support": tp + fn}


def score_types(truth: list[str], guesses) -> dict:
    per = {}
    for key in TYPES:
        tp = sum(t == key and g.type_key == key for t, g in zip(truth, guesses))
        fp = sum(t != key and g.type_key == key for t, g in zip(truth, guesses))
        fn = sum(t == key and g.type_key != key for t, g in zip(truth, guesses))
        per[key] = prf(tp, fp, fn)
    applied = [(t, g) for t, g in zip(truth, guesses) if g.confidence >= APPLY]
    return {
        "accuracy": round(sum(t == g.type_key for t, g in zip(truth, guesses)) / len(truth), 3),
        "macro_f1": round(sum(v["f1"] for v in per.values() if v["support"]) / sum(1 for v in per.values() if v["support"]), 3),
        "applied_share": round(len(applied) / len(truth), 3),
        "applied_accuracy": round(sum(t == g.type_key for t, g in applied) / len(applied), 3) if applied else None,
        "per_type": per,
        "confusions": Counter(f"{t} -> {g.type_key}" for t, g in zip(truth, guesses) if t != g.type_key).most_common(8),
    }


def score_fields(truths: list[dict[str, set[str]]], found: list[dict]) -> dict:
    counts = {name: [0, 0, 0] for name in DOCUMENT_FIELDS}
    for truth, got in zip(truths, found):
        for name in DOCUMENT_FIELDS:
            value = got.get(name)
            value = value.value if value is not None and value.confidence >= REVIEW else None
            expected = truth.get(name, set())
            if value is not None and value in expected:
                counts[name][0] += 1
            elif value is not None:
                counts[name][1] += 1
                if expected:
                    counts[name][2] += 1
            elif expected:
                counts[name][2] += 1
    return {name: prf(*c) for name, c in counts.items()}


def score_split(faxes, pieces_per_fax) -> dict:
    right = total = exact = typed = pieces_true = 0
    for fax, pieces in zip(faxes, pieces_per_fax):
        true_ranges = {1: (1, 1)}
        true_types = {(1, 1): "fax_cover_sheet"}
        for doc, first, last in fax.documents:
            true_types[(first, last)] = doc.type_key
            for n in range(first, last + 1):
                true_ranges[n] = (first, last)
        got = {}
        for piece in pieces:
            for n in piece.pages:
                got[n] = (piece.first, piece.last)
        right += sum(got.get(n) == true_ranges[n] for n in true_ranges)
        total += len(true_ranges)
        exact += sorted({(p.first, p.last) for p in pieces}) == sorted(true_types)
        pieces_true += len(true_types)
        typed += sum(true_types.get((p.first, p.last)) == p.type_key for p in pieces)
    return {"page_accuracy": round(right / total, 3), "faxes_split_exactly": round(exact / len(faxes), 3),
            "pieces_right_range_and_type": round(typed / pieces_true, 3), "faxes": len(faxes), "pages": total}


# The side-by-side baseline: what a records office could set up without a model, a keyword
# rule per type built from the type list's own words (first match in the first 15 lines wins).
BASELINE_WORDS = {
    "fax_cover_sheet": ["fax cover", "cover sheet", "facsimile", "transmittal"],
    "discharge_summary": ["discharge summary"],
    "history_and_physical": ["history and physical", "h&p"],
    "emergency_department_note": ["emergency department", "emergency room", "ed note", "er visit"],
    "operative_note": ["operative", "operation"],
    "procedure_note": ["procedure"],
    "pathology_report": ["pathology"],
    "laboratory_report": ["laboratory", "lab results"],
    "imaging_report": ["radiology", "imaging", "x-ray", "ct ", "mri", "ultrasound"],
    "medication_list": ["medication list", "medications"],
    "consent_form": ["consent"],
    "insurance_correspondence": ["prior authorization", "insurance", "authorization"],
    "consult_note": ["consult"],
    "referral_note": ["referral", "referring"],
    "progress_note": ["progress note", "office visit", "follow-up", "follow up"],
}


class KeywordBaseline:
    def classify_many(self, texts: list[str]):
        from ingest.classify import TypeGuess

        out = []
        for text in texts:
            head = "\n".join(text.lower().splitlines()[:15])
            key = next((k for k, words in BASELINE_WORDS.items() if any(w in head for w in words)), "other")
            out.append(TypeGuess(key, 1.0))
        return out


def ocr_pages(reader: PageReader, pages: list[list[str]], condition: str, seed: int) -> list[str]:
    data = fax_of(pages, condition, seed)
    return [p.text for p in reader.read_document(data, "image/tiff")]


def run(args) -> dict:
    classifier = DocTypeClassifier(args.model)
    reader = PageReader(language="eng", timeout_s=120)
    docs = documents(evaluation, args.seed, args.docs, TYPES)
    faxes = [batch_fax(evaluation, args.seed * 1000 + i, BATCH_TYPES) for i in range(args.faxes)]
    out: dict = {"machine": machine(), "docs": args.docs, "ocr_docs": args.ocr_docs, "faxes": args.faxes,
                 "ocr_faxes": args.ocr_faxes, "model": classifier.model_dir.name, "seconds": {}}

    started = time.perf_counter()
    texts = ["\n\n".join("\n".join(p) for p in d.pages) for d in docs]
    out["clean"] = {"types": score_types([d.type_key for d in docs], classifier.classify_many(texts)),
                    "baseline_types": score_types([d.type_key for d in docs], KeywordBaseline().classify_many(texts))}
    extract_docs = [d for d in docs if d.type_key != "fax_cover_sheet"]
    found, ms = [], []
    for d in extract_docs:
        t0 = time.perf_counter()
        found.append(extract_fields(["\n".join(p) for p in d.pages]))
        ms.append((time.perf_counter() - t0) * 1000)
    one = [(time.perf_counter(), classifier.classify(t), time.perf_counter()) for t in texts[:200]]
    out["ms_per_document"] = {"extract_median": round(statistics.median(ms), 1),
                              "classify_median": round(statistics.median((b - a) * 1000 for a, _, b in one), 1)}
    out["clean"]["fields"] = score_fields([d.truth() for d in extract_docs], found)
    out["clean"]["split"] = score_split(faxes, [split_pages(["\n".join(p) for p in f.pages], classifier) for f in faxes])
    out["seconds"]["clean"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    sample = docs[:args.ocr_docs]  # documents cycle through the types, so every type is in
    read = [ocr_pages(reader, d.pages, CONDITIONS[i % len(CONDITIONS)], i) for i, d in enumerate(sample)]
    out["ocr"] = {"types": score_types([d.type_key for d in sample], classifier.classify_many(["\n\n".join(r) for r in read]))}
    pairs = [(d, r) for d, r in zip(sample, read) if d.type_key != "fax_cover_sheet"]
    out["ocr"]["fields"] = score_fields([d.truth() for d, _ in pairs], [extract_fields(r) for _, r in pairs])
    fax_sample = faxes[:args.ocr_faxes]
    fax_read = [ocr_pages(reader, f.pages, CONDITIONS[i % len(CONDITIONS)], 500 + i) for i, f in enumerate(fax_sample)]
    out["ocr"]["split"] = score_split(fax_sample, [split_pages(r, classifier) for r in fax_read])
    out["ocr"]["pages_read"] = sum(len(r) for r in read) + sum(len(r) for r in fax_read)
    out["seconds"]["ocr"] = round(time.perf_counter() - started, 1)
    return out


def report(result: dict) -> str:
    lines = [f"Machine: {result['machine']}", f"Model: {result['model']}; evaluation family, "
             f"{result['docs']} documents clean / {result['ocr_docs']} after OCR; {result['faxes']} batch faxes "
             f"clean / {result['ocr_faxes']} after OCR", ""]
    for part in ("clean", "ocr"):
        t = result[part]["types"]
        lines += [f"## {part}: types macro-F1 {t['macro_f1']}, accuracy {t['accuracy']}, "
                  f"applied (>= {APPLY}) {t['applied_share']:.0%} of documents at accuracy {t['applied_accuracy']}",
                  "| type | P | R | F1 | n |", "|---|---|---|---|---|"]
        lines += [f"| {k} | {v['precision']} | {v['recall']} | {v['f1']} | {v['support']} |" for k, v in t["per_type"].items()]
        if "baseline_types" in result[part]:
            b = result[part]["baseline_types"]
            lines += ["", f"baseline (keyword rules on the first 15 lines): macro-F1 {b['macro_f1']}, "
                          f"accuracy {b['accuracy']}"]
        lines += ["", f"confusions: {t['confusions']}", "", f"split: {result[part]['split']}", "",
                  "| field | P | R | F1 | n |", "|---|---|---|---|---|"]
        lines += [f"| {k} | {v['precision']} | {v['recall']} | {v['f1']} | {v['support']} |"
                  for k, v in result[part]["fields"].items()]
        lines.append("")
    lines.append(f"milliseconds per document (median): {result['ms_per_document']}")
    lines.append(f"seconds: {result['seconds']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=640)
    parser.add_argument("--ocr-docs", type=int, default=160)
    parser.add_argument("--faxes", type=int, default=80)
    parser.add_argument("--ocr-faxes", type=int, default=16)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--model", default=None, help="model folder (default: the packaged one)")
    parser.add_argument("--out", type=Path, default=None, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    result = run(args)
    print(report(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
