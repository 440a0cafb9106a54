"""OCR throughput: Clinidex's pipeline against raw Tesseract, OCRmyPDF and the engine floor.

    .venv/bin/python bench/ocr_speed.py [--pages N] [--repeats R] [--out FILE]

Every contender reads the SAME N synthetic fax pages (fine resolution, 204x196 dpi, G4 TIFF, from
`clinidex.synthetic.referral_pages`), uses every core (`os.cpu_count()`), and is timed R times;
rounds are interleaved (a, b, c, d, then again) so slow spells on a shared machine hit all alike.
All variants of the corpus are built before anything is timed:

- per-page PNGs at square pixels (stretched to 204x204 dpi, 8-bit grey), for (a) and (c);
- one image-only PDF of those PNGs (img2pdf, lossless), for (b);
- the fax TIFFs themselves (4-page documents), for (d).

Contenders:
 (a) the `tesseract` CLI (Debian), one process per page, `cpu_count` at a time, OMP_THREAD_LIMIT=1.
 (b) OCRmyPDF (the engine behind paperless-ngx) `--jobs cpu_count` on the PDF, plain OCR only.
 (c) the engine floor: tesserocr in-process, model loaded once per process, pages decoded in
     memory before the clock starts, one process per core; only recognition is timed.
 (d) Clinidex: the API and a Celery worker (real processes) on Redis, OpenSearch and S3; timed from
     the first upload until the last document is `indexed` (the worker's own timestamp of that
     transition; the moment the poller saw it is listed too).

CER per page against the known text (bench/cer.py).
Needs bench/setup.sh (tools) and scripts/services.sh up (services, for (d)).
"""
from __future__ import annotations

import os

# One single-threaded Tesseract per process (set before libtesseract can be loaded anywhere).
os.environ["OMP_THREAD_LIMIT"] = "1"

import argparse  # noqa: E402
import io  # noqa: E402
import multiprocessing as mp  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.cer import cer  # noqa: E402

PAGES_PER_DOC = 4
FIRST_SEED = 7100
WARM_SEED = 7099
REDIS_DB = 12  # a database of its own: the e2e tests flush theirs (7)
TESSDATA = os.environ.get("TESSDATA_PREFIX", "/usr/share/tesseract-ocr/5/tessdata/")
PAGE_TIMEOUT_S = 120  # one page, any engine
SETUP_HINT = "run bench/setup.sh (and scripts/setup.sh --dev for the project's own .venv)"


class BenchError(RuntimeError):
    pass


# ---------------------------------------------------------------------------------------- tools

def _run(cmd: list[str], *, timeout: float, env: dict | None = None, what: str = "") -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except FileNotFoundError as exc:
        raise BenchError(f"{cmd[0]} not found; {SETUP_HINT}") from exc
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{what or cmd[0]} took longer than {timeout:.0f} s") from exc
    if done.returncode != 0:
        raise BenchError(f"{what or ' '.join(cmd)} exited {done.returncode}:\n{(done.stderr or done.stdout)[-2000:]}")
    return done


def check_tools(contenders: str) -> dict[str, str]:
    """Versions of everything used; a clear error naming the fix when something is missing."""
    missing = [t for t, needed in (("tesseract", "ab"), ("gs", "b"), ("pdftotext", "b"))
               if set(needed) & set(contenders) and shutil.which(t) is None]
    modules = {"tesserocr": "c", "img2pdf": "b", "ocrmypdf": "b", "rapidfuzz": "abcd", "httpx": "d", "redis": "d"}
    for module, needed in modules.items():
        if set(needed) & set(contenders):
            try:
                __import__(module)
            except ImportError:
                missing.append(f"python module {module}")
    if missing:
        raise BenchError(f"missing: {', '.join(missing)}; {SETUP_HINT}")
    versions: dict[str, str] = {}
    if shutil.which("tesseract"):
        out = _run(["tesseract", "--version"], timeout=30)
        lines = (out.stdout + out.stderr).splitlines()
        versions["tesseract CLI"] = f"{lines[0].split()[1]} ({lines[1].strip()})"
    if "c" in contenders or "d" in contenders:
        import tesserocr

        versions["tesserocr"] = f"{tesserocr.__version__} (libtesseract {tesserocr.tesseract_version().split()[1]})"
        if not Path(TESSDATA, "eng.traineddata").exists():
            raise BenchError(f"no eng.traineddata in {TESSDATA}; set TESSDATA_PREFIX or {SETUP_HINT}")
    if "b" in contenders:
        versions["OCRmyPDF"] = _run([sys.executable, "-m", "ocrmypdf", "--version"], timeout=60).stdout.strip()
        versions["Ghostscript"] = _run(["gs", "--version"], timeout=30).stdout.strip()
    return versions


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# ---------------------------------------------------------------------------------------- CPU use

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_times() -> dict[int, tuple[int, float, str, int]]:
    """pid -> (ppid, CPU seconds of the process itself, command line, start time in clock ticks
    since boot). Reaped children's time (cutime) is left out: a parent that reaps a long-lived
    child would otherwise be charged with that child's whole life."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            cmdline = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        rest = stat.rsplit(")", 1)[1].split()
        seconds = (int(rest[11]) + int(rest[12])) / _TICK  # utime stime
        found[int(entry.name)] = (int(rest[1]), seconds, cmdline or stat.split("(", 1)[1].rsplit(")", 1)[0],
                                  int(rest[19]))
    return found


def _machine_busy() -> float:
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / _TICK


class CpuMeter:
    """Where the machine's CPU went during a timed run: this benchmark and what it started,
    Clinidex's worker and API, each service, and everything else (other people's work)."""

    def __init__(self) -> None:
        self.available = sys.platform.startswith("linux")
        if self.available:
            self.wall = time.perf_counter()
            self.busy = _machine_busy()
            self.before = _proc_times()
            self.since_boot = float(Path("/proc/uptime").read_text().split()[0]) * _TICK
            self.reaped = self._reaped()

    @staticmethod
    def _reaped() -> float:
        import resource

        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def stop(self) -> dict:
        if not self.available:
            return {}
        after = _proc_times()
        reaped = self._reaped() - self.reaped  # tools this process ran and waited for in the run
        wall = time.perf_counter() - self.wall
        busy = _machine_busy() - self.busy
        me = os.getpid()

        def ours(pid: int) -> bool:
            seen = set()
            while pid and pid not in seen:
                if pid == me:
                    return True
                seen.add(pid)
                pid = after.get(pid, (0,))[0]
            return False

        spent: dict[str, float] = {"bench + tools it ran": reaped}
        for pid, (_, seconds, cmd, start) in after.items():
            if pid in self.before and self.before[pid][3] == start:
                delta = seconds - self.before[pid][1]
            elif start >= self.since_boot - _TICK:  # born during the run: all its time is the run's
                delta = seconds
            else:  # existed before but was not readable then: no baseline, leave it out
                continue
            if delta <= 0:
                continue
            if "celery" in cmd and "worker" in cmd and ours(pid):
                kind = "clinidex worker"
            elif "uvicorn" in cmd and ours(pid):
                kind = "clinidex api"
            elif ours(pid):
                kind = "bench + tools it ran"
            elif "moto" in cmd or "minio" in cmd:
                kind = "s3 server"
            elif "opensearch" in cmd.lower():
                kind = "opensearch"
            elif "redis-server" in cmd:
                kind = "redis"
            else:
                continue  # counted below, with short-lived processes /proc no longer shows
            spent[kind] = spent.get(kind, 0.0) + delta
        spent["everything else"] = max(0.0, busy - sum(spent.values()))
        out = {k: round(v, 1) for k, v in sorted(spent.items(), key=lambda kv: -kv[1])}
        out["machine busy"] = f"{busy:.1f} of {wall * (os.cpu_count() or 1):.1f} CPU s"
        return out


# ---------------------------------------------------------------------------------------- corpus

@dataclass
class Page:
    doc: int  # index into Corpus.docs
    number: int  # 1-based within its document
    truth: str
    png: Path
    image: object  # PIL image, decoded


@dataclass
class Doc:
    seed: int
    tiff: bytes
    pages: list[int] = field(default_factory=list)  # indices into Corpus.pages


@dataclass
class Corpus:
    docs: list[Doc]
    pages: list[Page]
    pdf: Path
    dpi: int
    size: tuple[int, int]


def square_pixels(tiff: bytes, number: int) -> tuple[object, int]:
    """Page `number` of a fax TIFF, decoded and stretched to square pixels at its larger dpi (a
    fine fax, 204x196, becomes 204x204), as a fax-aware reader would hand it to Tesseract. Done
    here rather than with Clinidex's renderer so that (a)-(c) read the same pixels whatever
    Clinidex's own preprocessing decides."""
    from PIL import Image

    with Image.open(io.BytesIO(tiff)) as img:
        img.seek(number - 1)
        page = img.convert("L")
        xdpi, ydpi = (round(float(v)) for v in img.info["dpi"])
    target = max(xdpi, ydpi)
    if xdpi != ydpi:
        page = page.resize((round(page.width * target / xdpi), round(page.height * target / ydpi)),
                           Image.Resampling.LANCZOS)
    page.load()
    return page, target


def build_corpus(n_pages: int, workdir: Path) -> Corpus:
    import img2pdf

    from clinidex import synthetic

    docs: list[Doc] = []
    pages: list[Page] = []
    seed = FIRST_SEED
    dpi = 0
    while len(pages) < n_pages:
        count = min(PAGES_PER_DOC, n_pages - len(pages))
        _, lines = synthetic.referral_pages(seed, pages=count)
        tiff = synthetic.fax_tiff(lines, synthetic.FINE)
        doc = Doc(seed, tiff)
        for number, page_lines in enumerate(lines, start=1):
            image, dpi = square_pixels(tiff, number)
            png = workdir / f"page-{len(pages) + 1:04d}.png"
            image.save(png, format="PNG", dpi=(dpi, dpi))
            doc.pages.append(len(pages))
            pages.append(Page(len(docs), number, "\n".join(page_lines), png, image))
        docs.append(doc)
        seed += 1
    pdf = workdir / "corpus.pdf"
    pdf.write_bytes(img2pdf.convert([str(p.png) for p in pages]))
    return Corpus(docs, pages, pdf, dpi, pages[0].image.size)


# ---------------------------------------------------------------------------------------- results

@dataclass
class Run:
    seconds: float
    texts: list[str]  # per corpus page
    notes: dict = field(default_factory=dict)


@dataclass
class Contender:
    key: str
    name: str
    how: str
    runs: list[Run] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(r.seconds for r in self.runs) if self.runs else None


# ---------------------------------------------------------------------------------------- (a) CLI

def run_cli(corpus: Corpus, workdir: Path, jobs: int) -> Run:
    out = workdir / f"cli-{uuid.uuid4().hex[:8]}"
    out.mkdir()
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(index: int) -> None:
        _run(["tesseract", str(corpus.pages[index].png), str(out / f"{index:04d}"), "-l", "eng", "--psm", "3", "txt"],
             timeout=PAGE_TIMEOUT_S, env=env, what=f"tesseract on page {index + 1}")

    try:
        meter = CpuMeter()
        started = time.perf_counter()
        with ThreadPoolExecutor(jobs) as pool:
            list(pool.map(one, range(len(corpus.pages))))
        seconds = time.perf_counter() - started
        cpu = meter.stop()
        texts = [(out / f"{i:04d}.txt").read_text(errors="replace") for i in range(len(corpus.pages))]
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return Run(seconds, texts, {"cpu s": cpu})


# ---------------------------------------------------------------------------------------- (b) OCRmyPDF

def ocrmypdf_cmd(source: Path, target: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "ocrmypdf", "--jobs", str(jobs), "--output-type", "pdf", "--optimize", "0",
            "-l", "eng", "--tesseract-timeout", str(PAGE_TIMEOUT_S), "--quiet", str(source), str(target)]


def run_ocrmypdf(corpus: Corpus, workdir: Path, jobs: int) -> Run:
    target = workdir / f"ocrmypdf-{uuid.uuid4().hex[:8]}.pdf"
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        meter = CpuMeter()
        started = time.perf_counter()
        _run(ocrmypdf_cmd(corpus.pdf, target, jobs), timeout=max(300, 20 * len(corpus.pages)), env=env,
             what="ocrmypdf")
        seconds = time.perf_counter() - started
        cpu = meter.stop()
        texts = [_run(["pdftotext", "-f", str(n), "-l", str(n), "-enc", "UTF-8", str(target), "-"],
                      timeout=60, what=f"pdftotext page {n}").stdout
                 for n in range(1, len(corpus.pages) + 1)]
    finally:
        target.unlink(missing_ok=True)
    return Run(seconds, texts, {"cpu s": cpu})


# ---------------------------------------------------------------------------------------- (c) floor

_IMAGES: list = []  # set before the pool forks: every process has the decoded pages in memory
_DPI = 0
_API = None
_BARRIER = None


def _floor_init(barrier) -> None:
    global _API, _BARRIER
    import tesserocr

    _BARRIER = barrier
    _API = tesserocr.PyTessBaseAPI(path=TESSDATA, lang="eng", psm=tesserocr.PSM.AUTO)


def _floor_read(index: int) -> str:
    _API.SetImage(_IMAGES[index])
    _API.SetSourceResolution(_DPI)
    if not _API.Recognize(timeout=PAGE_TIMEOUT_S * 1000):
        raise RuntimeError(f"tesserocr timed out on page {index + 1}")
    return _API.GetUTF8Text()


def _floor_warm(_: int) -> int:
    # The barrier holds every process here, so each one takes exactly one warm-up task.
    _BARRIER.wait(timeout=120)
    _floor_read(0)
    return os.getpid()


def _floor_chunk(indices: list[int]) -> tuple[list[int], list[str], float, int]:
    started = time.perf_counter()
    texts = [_floor_read(i) for i in indices]
    return indices, texts, time.perf_counter() - started, os.getpid()


class Floor:
    def __init__(self, corpus: Corpus, jobs: int) -> None:
        global _IMAGES, _DPI
        _IMAGES = [p.image for p in corpus.pages]
        for image in _IMAGES:
            image.load()
        _DPI = corpus.dpi
        self.jobs = jobs
        self.n = len(corpus.pages)
        ctx = mp.get_context("fork")
        self.pool = ctx.Pool(jobs, initializer=_floor_init, initargs=(ctx.Barrier(jobs),))
        pids = self.pool.map_async(_floor_warm, range(jobs), chunksize=1).get(timeout=300)
        if len(set(pids)) != jobs:
            raise BenchError(f"floor warm-up reached {len(set(pids))} of {jobs} processes")

    def run(self) -> Run:
        chunks = [list(range(k, self.n, self.jobs)) for k in range(self.jobs)]
        meter = CpuMeter()
        started = time.perf_counter()
        parts = self.pool.map_async(_floor_chunk, chunks, chunksize=1).get(timeout=max(300, 20 * self.n))
        seconds = time.perf_counter() - started
        cpu = meter.stop()
        texts = [""] * self.n
        for indices, chunk_texts, _, _ in parts:
            for i, text in zip(indices, chunk_texts):
                texts[i] = text
        busy = {f"pid {pid}": round(s, 2) for _, _, s, pid in parts}
        return Run(seconds, texts, {"busy s per process": busy, "processes": len({p[3] for p in parts}),
                                 "cpu s": cpu})

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()


# ---------------------------------------------------------------------------------------- (d) Clinidex

class Clinidex:
    def __init__(self, corpus: Corpus, workdir: Path, jobs: int) -> None:
        self.corpus = corpus
        self.workdir = workdir
        self.jobs = jobs
        self.redis_url = os.environ.get("CLINIDEX_TEST_REDIS_URL", "redis://127.0.0.1:6379")
        self.opensearch_url = os.environ.get("CLINIDEX_TEST_OPENSEARCH_URL", "http://127.0.0.1:9200")
        self.s3_endpoint = os.environ.get("CLINIDEX_TEST_S3_ENDPOINT", "http://127.0.0.1:9000")
        from tests.support.services import reachable

        down = [u for u in (self.redis_url, self.opensearch_url, self.s3_endpoint) if not reachable(u)]
        if down:
            raise BenchError(f"services not reachable: {', '.join(down)}; run scripts/services.sh up")
        from clinidex import synthetic

        _, lines = synthetic.referral_pages(WARM_SEED, pages=jobs)  # one page for each worker child
        self.warm_tiff = synthetic.fax_tiff(lines, synthetic.FINE)

    def run(self) -> Run:
        import redis

        from tests.support.services import Stack, s3_env

        name = f"bench-{uuid.uuid4().hex[:10]}"
        run_dir = self.workdir / name
        (run_dir / "data").mkdir(parents=True)
        (run_dir / "logs").mkdir()
        broker = f"{self.redis_url}/{REDIS_DB}"
        redis.Redis.from_url(broker).flushdb()
        env = {
            "CLINIDEX_DATA_DIR": str(run_dir / "data"),
            "CLINIDEX_BROKER_URL": broker,
            "CLINIDEX_OPENSEARCH_URL": self.opensearch_url,
            "CLINIDEX_INDEX_NAME": name,
            "CLINIDEX_S3_ENDPOINT_URL": self.s3_endpoint,
            "CLINIDEX_S3_BUCKET": name,
            "OMP_THREAD_LIMIT": "1",
            **s3_env(),
        }
        stack = None
        try:
            stack = Stack(env, run_dir / "logs")
            worker_args = [str(a) for a in stack.processes[0].proc.args]
            concurrency = (worker_args[worker_args.index("--concurrency") + 1]
                           if "--concurrency" in worker_args else "celery default")
            deadline_s = max(300, 20 * len(self.corpus.pages))
            warm = self._upload(stack, self.warm_tiff, "warm.tif")
            if stack.wait_for(warm, timeout=deadline_s)["status"] != "indexed":
                raise BenchError(f"warm-up document failed:\n{stack.logs()[-3000:]}")

            meter = CpuMeter()
            t0 = time.time()
            started = time.perf_counter()
            ids = [self._upload(stack, doc.tiff, f"fax-{doc.seed}.tif") for doc in self.corpus.docs]
            uploaded = time.perf_counter() - started
            self._wait_all(stack, ids, started + deadline_s)
            polled = time.perf_counter() - started
            cpu = meter.stop()

            texts = [""] * len(self.corpus.pages)
            finished = []
            ocr_busy = 0.0
            for doc, doc_id in zip(self.corpus.docs, ids):
                body = stack.client.get(f"/documents/{doc_id}").json()
                if body["status"] != "indexed":
                    raise BenchError(f"document {doc_id} {body['status']}: {body.get('failure_reason')}")
                finished.append(max(datetime.fromisoformat(h["at"]).timestamp()
                                    for h in body["history"] if h["state"] == "indexed"))
                by_number = {p["number"]: p for p in body["pages"]}
                for number, index in enumerate(doc.pages, start=1):
                    texts[index] = by_number[number]["text"]
                    ocr_busy += by_number[number].get("seconds") or 0.0
            seconds = max(finished) - t0
            return Run(seconds, texts, {"worker concurrency": concurrency,
                                        "seen indexed by poller s": round(polled, 2),
                                        "uploads took s": round(uploaded, 2),
                                        "sum of per-page read s (render+prepare+OCR)": round(ocr_busy, 2),
                                        "cpu s": cpu})
        finally:
            if stack is not None:
                stack.stop()
            self._cleanup(name)
            shutil.rmtree(run_dir, ignore_errors=True)

    @staticmethod
    def _upload(stack, data: bytes, filename: str) -> str:
        response = stack.client.post("/documents", files={"file": (filename, data, "application/octet-stream")})
        if response.status_code != 202:
            raise BenchError(f"upload answered {response.status_code}: {response.text[:500]}")
        return response.json()["id"]

    @staticmethod
    def _wait_all(stack, ids: list[str], deadline: float) -> None:
        """Poll the oldest unfinished document only (about 4 requests a second), so the poller
        costs the workers little CPU; the finish time itself comes from the manifest."""
        pending = list(ids)
        while pending:
            body = stack.client.get(f"/documents/{pending[0]}").json()
            if body["status"] == "failed":
                raise BenchError(f"document {pending[0]} failed: {body.get('failure_reason')}")
            if body["status"] == "indexed":
                pending.pop(0)
                continue
            if time.perf_counter() > deadline:
                raise BenchError(f"{len(pending)} documents not indexed in time; worker log:\n{stack.logs()[-3000:]}")
            time.sleep(0.25)

    def _cleanup(self, name: str) -> None:
        """Drop the run's index and bucket (best effort: a leftover is only clutter)."""
        import httpx

        try:
            with httpx.Client(base_url=self.opensearch_url, timeout=30) as client:
                found = client.get(f"/_cat/indices/{name}*", params={"format": "json"})
                for index in found.json() if found.status_code == 200 else []:
                    client.delete(f"/{index['index']}")
        except Exception as exc:  # noqa: BLE001
            print(f"warning: could not delete index {name}*: {exc}", file=sys.stderr)
        try:
            import boto3

            from tests.support.services import s3_env

            creds = s3_env()
            s3 = boto3.client("s3", endpoint_url=self.s3_endpoint, region_name=creds["AWS_DEFAULT_REGION"],
                              aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"])
            for listing in s3.get_paginator("list_object_versions").paginate(Bucket=name):
                objects = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                           for v in listing.get("Versions", []) + listing.get("DeleteMarkers", [])]
                if objects:
                    s3.delete_objects(Bucket=name, Delete={"Objects": objects}, BypassGovernanceRetention=True)
            s3.delete_bucket(Bucket=name)
        except Exception as exc:  # noqa: BLE001
            print(f"warning: could not delete bucket {name}: {exc}", file=sys.stderr)


# ---------------------------------------------------------------------------------------- report

def _note(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} {v}" for k, v in value.items()) + "}"
    return str(value)


def fmt_ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:.2f}x" if value and base else "-"


def report(args, versions: dict, corpus: Corpus, contenders: list[Contender], cer_fn, cer_source: str,
           started_at: datetime, load_before: tuple, jobs: int) -> str:
    n = len(corpus.pages)
    by_key = {c.key: c for c in contenders}
    floor = by_key.get("c").median if "c" in by_key else None
    ocrmypdf = by_key.get("b").median if "b" in by_key else None
    lines = [
        "# OCR speed: Clinidex against Tesseract, OCRmyPDF and the engine floor",
        "",
        f"- date: {started_at:%Y-%m-%d %H:%M UTC}",
        f"- machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}",
        f"- load average before / after: {' '.join(f'{x:.2f}' for x in load_before)} / "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on the machine makes figures noisy)",
        *(f"- {k}: {v}" for k, v in versions.items()),
        f"- corpus: {n} pages in {len(corpus.docs)} fax documents (synthetic referral letters, seeds "
        f"{corpus.docs[0].seed}-{corpus.docs[-1].seed}), G4 TIFF at 204x196 dpi; for (a), (b), (c) stretched to "
        f"square pixels ({corpus.dpi} dpi, {corpus.size[0]}x{corpus.size[1]}, 8-bit grey, Lanczos); (d) gets the TIFFs "
        "and preprocesses them its own way",
        f"- parallelism: {jobs} (os.cpu_count()); OMP_THREAD_LIMIT=1 everywhere; {args.repeats} repeat(s), "
        "rounds interleaved",
        f"- CER: {cer_source}; mean over pages",
        "",
        "| contender | median s | pages/s | ratio vs engine floor | ratio vs OCRmyPDF | mean CER |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for c in contenders:
        if c.error or not c.runs:
            lines.append(f"| {c.name} | failed | - | - | - | - |")
            continue
        cers = [cer_fn(corpus.pages[i].truth, t) for i, t in enumerate(c.runs[0].texts)]
        c.cer = statistics.mean(cers)
        lines.append(f"| {c.name} | {c.median:.2f} | {n / c.median:.2f} | {fmt_ratio(c.median, floor)} | "
                     f"{fmt_ratio(c.median, ocrmypdf)} | {c.cer:.4f} |")
    lines += [
        "",
        "Ratios are time ratios (median seconds / the other's median seconds): above 1x is slower.",
        "",
        "## How each was run",
        "",
        *(f"- {c.name}: {c.how}" for c in contenders),
        "",
        "## Every run (seconds, in order)",
        "",
    ]
    for c in contenders:
        if c.error:
            lines.append(f"- {c.name}: FAILED: {c.error.splitlines()[0] if c.error else ''}")
            continue
        lines.append(f"- {c.name}: " + ", ".join(f"{r.seconds:.2f}" for r in c.runs))
        per_run_cer = [statistics.mean(cer_fn(corpus.pages[i].truth, t) for i, t in enumerate(r.texts))
                       for r in c.runs]
        lines.append(f"  - mean CER per run: " + ", ".join(f"{x:.4f}" for x in per_run_cer))
        for k, r in enumerate(c.runs, start=1):
            if r.notes:
                lines.append(f"  - run {k}: " + "; ".join(f"{key}: {_note(value)}" for key, value in r.notes.items()))
    worst = []
    for c in contenders:
        if c.runs:
            cers = sorted(((cer_fn(corpus.pages[i].truth, t), i) for i, t in enumerate(c.runs[0].texts)), reverse=True)
            if cers[0][0] == 0:
                worst.append(f"- {c.name}: no character errors on any page")
            else:
                worst.append(f"- {c.name}: " + ", ".join(f"page {i + 1} {x:.4f}" for x, i in cers[:3] if x > 0))
    lines += ["", "## Worst pages by CER (first run)", "", *worst, ""]
    errors = [c for c in contenders if c.error]
    if errors:
        lines += ["## Errors", ""] + [f"### {c.name}\n\n```\n{c.error}\n```\n" for c in errors]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=40, help="pages in the corpus (default 40)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per contender (default 3)")
    parser.add_argument("--out", type=Path, help="also write the Markdown report to this file")
    parser.add_argument("--only", default="abcd", help="contenders to run, e.g. 'acd' (default abcd)")
    args = parser.parse_args(argv)
    if args.pages < 1 or args.repeats < 1:
        parser.error("--pages and --repeats must be at least 1")
    only = "".join(sorted(set(args.only) & set("abcd")))
    if not only:
        parser.error("--only takes letters from abcd")

    jobs = os.cpu_count() or 1
    started_at = datetime.now(timezone.utc)
    load_before = os.getloadavg()
    try:
        versions = check_tools(only)
    except BenchError as exc:
        print(f"ocr_speed: {exc}", file=sys.stderr)
        return 2
    cer_fn, cer_source = cer, "bench/cer.py"

    contenders = {
        "a": Contender("a", "(a) tesseract CLI", f"`tesseract PAGE.png OUT -l eng --psm 3 txt`, {jobs} processes at "
                       "a time (thread pool launching subprocesses), one per page"),
        "b": Contender("b", "(b) OCRmyPDF", "`" + " ".join(["ocrmypdf"] + ocrmypdf_cmd(Path("in.pdf"), Path("out.pdf"),
                                                                                      jobs)[3:]) + "` on the "
                       "image-only PDF; text from `pdftotext -f n -l n` (not timed)"),
        "c": Contender("c", "(c) engine floor (tesserocr)", f"{jobs} processes (multiprocessing fork Pool), one "
                       "PyTessBaseAPI (eng, PSM AUTO) each, created and warmed before the clock; pages decoded in "
                       "memory; pages split evenly; SetImage + Recognize + GetUTF8Text timed"),
        "d": Contender("d", "(d) Clinidex (API + Celery)", "tests/support/services.py `Stack`: uvicorn + a Celery "
                       "worker (concurrency as `Stack` sets it, listed per run below) on Redis, OpenSearch, S3 (scripts/services.sh: MinIO unless CLINIDEX_S3_SERVER=moto); fresh "
                       f"index and bucket per run, warmed with a {jobs}-page fax first; {PAGES_PER_DOC}-page TIFFs "
                       "uploaded over HTTP; time from the first upload to the last `indexed` transition"),
    }
    chosen = [contenders[k] for k in only]

    workdir = Path(tempfile.mkdtemp(prefix="clinidex-ocr-bench-"))
    floor: Floor | None = None
    clinidex: Clinidex | None = None
    try:
        t = time.perf_counter()
        corpus = build_corpus(args.pages, workdir)
        print(f"corpus: {len(corpus.pages)} pages, {len(corpus.docs)} documents, built in "
              f"{time.perf_counter() - t:.1f} s", file=sys.stderr)
        if "c" in only:
            try:
                floor = Floor(corpus, jobs)
            except Exception as exc:  # noqa: BLE001
                contenders["c"].error = f"{type(exc).__name__}: {exc}"
        if "d" in only:
            try:
                clinidex = Clinidex(corpus, workdir, jobs)
            except Exception as exc:  # noqa: BLE001
                contenders["d"].error = f"{type(exc).__name__}: {exc}"
        runners = {"a": lambda: run_cli(corpus, workdir, jobs), "b": lambda: run_ocrmypdf(corpus, workdir, jobs),
                   "c": lambda: floor.run(), "d": lambda: clinidex.run()}
        for round_no in range(1, args.repeats + 1):
            for c in chosen:
                if c.error:
                    continue
                load1 = os.getloadavg()[0]
                try:
                    result = runners[c.key]()
                except Exception as exc:  # noqa: BLE001 - one contender failing must not hide the others
                    c.error = f"{type(exc).__name__}: {exc}"
                    print(f"{c.name}: FAILED: {c.error.splitlines()[0]}", file=sys.stderr)
                    continue
                result.notes = {"load average (1 min) before": f"{load1:.2f}", **result.notes}
                c.runs.append(result)
                print(f"round {round_no}/{args.repeats} {c.name}: {result.seconds:.2f} s", file=sys.stderr)
        text = report(args, versions, corpus, chosen, cer_fn, cer_source, started_at, load_before, jobs)
    except KeyboardInterrupt:
        print("interrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        if floor is not None:
            floor.close()
        shutil.rmtree(workdir, ignore_errors=True)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    return 1 if any(c.error for c in chosen) else 0


if __name__ == "__main__":
    sys.exit(main())
