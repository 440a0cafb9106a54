"""Search latency under concurrent clients, and the bulk reindex rate from the object store.

    scripts/services.sh up      # OpenSearch, MinIO
    .venv/bin/python bench/search.py [--sizes 100000] [--backends opensearch embedded]
                                     [--queries 2400] [--clients 8] [--rounds 3] [--no-http]
                                     [--reindex-docs 20000] [--reindex-baseline-docs 2000]
                                     [--skip-search] [--skip-reindex] [--out FILE]

Search. For each size and backend: a fresh index loaded in bulk (`put_many`, 1,000 at a time)
with synthetic documents of realistic length (bench/search_corpus.py), and an MPI of the
corpus's patients (so a patient search resolves merged ids as it does in service). Then a
seeded mix of queries, issued by N client threads at once (each sends its next query as soon as
its last one is answered): words, quoted phrases, clinical abbreviations and their synonyms,
filters (type, dates, facility, status), a patient's documents newest first, facets, page 6 of
a result list by cursor, and OCR-damaged spellings (fuzzy fallback). Per query kind: p50, p95,
p99 and the throughput. Contenders, side by side in the same invocation, rounds interleaved so
a busy spell on the shared machine hits all of them:

- clinidex: `backend.search(SearchQuery)` in process, as the API calls it;
- baseline: the query the project had before, straight to the same index: OpenSearch a `match`
  on text (operator and, no synonyms, no filters, facets or highlights; deep pages by `from`);
  embedded the old FTS5 query (count + bm25 order, no snippet). Queries without words have no
  baseline;
- http: `GET /search` on a uvicorn started here on loopback (what users see: JSON, patient
  merge resolution, the whole hit view).

Warm-up: 300 queries of another seed through every contender first; page-6 cursors are
fetched then too.

Reindex. N synthetic manifests (state indexed, shaped as the pipeline writes them) are written
to a fresh MinIO bucket; then `workers/reindex.py` (thread pool of GETs, `put_many` batches of
500 on a writer thread) rebuilds a fresh OpenSearch index from them, against the reindex the
project had before (list, load one manifest, `put` one document, on one thread) on the first
M manifests into another fresh index. The same on the embedded default (local folder store,
SQLite). Rounds alternate the contenders.

Indices (`bench-search-*`), the MPI index and the bucket are deleted at the end; the text pool
is cached in ~/.cache/clinidex-bench.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import search_corpus as corpus  # noqa: E402
from bench.common import machine  # noqa: E402
from clinidex.population import default_issuers, population  # noqa: E402
from index.query import Filters, SearchQuery, Sort  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
LOAD_BATCH = 1000
WARMUP = 300
DEEP_PAGE = 6
LIMIT = 20

# Share of each kind in the mix.
KINDS = {
    "terms": 0.20,  # clinical words, or a patient's name
    "phrase": 0.10,  # "quoted phrase"
    "synonym": 0.15,  # MI, CHF, "congestive heart failure" ... matched both ways
    "filtered": 0.15,  # words + type / date range / facility / status
    "patient": 0.15,  # one patient's documents, newest first (the chart view), with facets
    "patient_terms": 0.05,  # words within one patient's documents
    "facets": 0.10,  # facet counts over a filtered set, with or without words
    "deep_page": 0.05,  # page 6 by cursor
    "fuzzy": 0.05,  # an OCR-damaged spelling: nothing matches exactly, the fuzzy retry runs
}
TERMS = ["pneumonia", "metformin", "lisinopril", "creatinine", "biopsy", "fracture", "colonoscopy", "warfarin",
         "troponin", "hemoglobin", "appendectomy", "sepsis", "anemia", "insulin", "chest pain", "knee arthroplasty",
         "edema furosemide", "asthma", "migraine", "hemodialysis", "hip", "cholecystectomy", "amlodipine",
         "atorvastatin", "apixaban", "potassium", "cellulitis", "dementia", "depression", "smoker", "consent",
         "radiograph", "impression", "referral", "prior authorization", "colon polyp", "ejection fraction",
         "physical therapy", "allergies penicillin", "follow up", "thyroid", "levothyroxine", "lipase", "ultrasound"]
PHRASES = ['"shortness of breath"', '"chest pain"', '"total knee arthroplasty"', '"no acute cardiopulmonary process"',
           '"atrial fibrillation"', '"heart failure"', '"blood pressure"', '"lower extremity"', '"follow up"',
           '"chronic kidney disease"', '"type 2 diabetes"', '"past medical history"', '"prior authorization"',
           '"ejection fraction"', 'echo "moderate MR"', '"left total hip arthroplasty"']
SYNONYMS = ["MI", "CHF", "HTN", "SOB", "AFib", "COPD", "congestive heart failure", "heart attack",
            "myocardial infarction", "CKD", "DVT", "T2DM", "high blood pressure", "CVA", "GERD", "OSA", "CAD",
            "NSTEMI", "ESRD", "AKI", "hypertension", "dyspnea", "stroke", "UTI"]
# Spellings OCR makes of words the corpus holds; no document carries them exactly.
FUZZY = ["pnuemonia", "metfromin", "hypertensoin", "lisinoprll", "creatinnie", "colonoscopv", "warfarim",
         "hemoglobln", "apendectomy", "insulln", "amlodipme", "atorvastatln", "cellulltis", "levothyroxlne",
         "ultrasourd", "radlograph"]


@dataclass(frozen=True)
class Ask:
    kind: str
    query: SearchQuery
    baseline_from: int = 0  # the old paging: offset

    @property
    def has_baseline(self) -> bool:
        return bool(self.query.text.strip())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


# --- queries -------------------------------------------------------------------------------

def make_asks(n: int, seed: int, stats: corpus.Stats, names: dict[str, str]) -> list[Ask]:
    rng = random.Random(f"asks|{seed}")
    kinds = list(KINDS)
    weights = [KINDS[k] for k in kinds]
    # Patients in proportion to their documents: the charts people open belong to people with records.
    linked = list(stats.per_patient)
    counts = [stats.per_patient[p] for p in linked]
    facilities = [f for f, _ in stats.facilities.most_common()]
    types = [t for t in stats.types if t]

    def words() -> str:
        roll = rng.random()
        if roll < 0.25:
            return names[rng.choice(linked)]  # records staff look people up by name
        if roll < 0.5:
            return rng.choice(SYNONYMS)
        return rng.choice(TERMS)

    def patient() -> str:
        return rng.choices(linked, counts)[0]

    def some_filters() -> Filters:
        chosen: dict = {}
        for _ in range(rng.randint(1, 3)):
            pick = rng.choice(["type", "dates", "facility", "status", "low"])
            if pick == "type":
                chosen["doc_types"] = tuple(rng.sample(types, rng.randint(1, 2)))
            elif pick == "dates":
                start = rng.randint(2016, 2025)
                chosen["date_from"] = date(start, rng.randint(1, 12), 1)
                chosen["date_to"] = date(min(2026, start + rng.randint(0, 3)), 12, 31)
            elif pick == "facility":
                chosen["facilities"] = (rng.choice(facilities),)
            elif pick == "status":
                chosen["match_statuses"] = tuple(rng.sample(["linked", "review", "unmatched"], rng.randint(1, 2)))
            else:
                chosen["low_confidence"] = True
        return Filters(**chosen)

    asks = []
    for kind in rng.choices(kinds, weights, k=n):
        if kind == "terms":
            q = SearchQuery(text=words())
        elif kind == "phrase":
            q = SearchQuery(text=rng.choice(PHRASES))
        elif kind == "synonym":
            q = SearchQuery(text=rng.choice(SYNONYMS))
        elif kind == "filtered":
            q = SearchQuery(text=words(), filters=some_filters(), sort=rng.choice([Sort.relevance, Sort.newest]))
        elif kind == "patient":
            q = SearchQuery(filters=Filters(patient_ids=(patient(),)), sort=Sort.newest, facets=True)
        elif kind == "patient_terms":
            q = SearchQuery(text=rng.choice(TERMS + SYNONYMS), filters=Filters(patient_ids=(patient(),)))
        elif kind == "facets":
            if rng.random() < 0.5:
                q = SearchQuery(text=words(), facets=True)
            else:
                q = SearchQuery(filters=some_filters(), facets=True)
        elif kind == "deep_page":
            q = SearchQuery(text=rng.choice(TERMS + SYNONYMS))
            asks.append(Ask(kind, q, baseline_from=LIMIT * (DEEP_PAGE - 1)))
            continue
        else:
            q = SearchQuery(text=rng.choice(FUZZY))
        asks.append(Ask(kind, replace(q, limit=LIMIT)))
    return asks


def with_cursors(search: Callable[[SearchQuery], object], asks: list[Ask]) -> list[Ask]:
    """Deep-page asks carry the cursor of page DEEP_PAGE - 1's last hit (fetched now, untimed);
    a result list too short for that is asked for page 1 again."""
    out = []
    for ask in asks:
        if ask.kind != "deep_page":
            out.append(ask)
            continue
        query, cursor = ask.query, None
        for _ in range(DEEP_PAGE - 1):
            result = search(query if cursor is None else query.next_page(cursor))
            cursor = result.next_cursor
            if cursor is None:
                break
        out.append(replace(ask, query=query if cursor is None else query.next_page(cursor)))
    return out


# --- contenders ----------------------------------------------------------------------------

_took = threading.local()


def record_took(backend) -> None:
    """Keep the node's own time (`took`) of every search this client sends, per thread, so the
    report can tell time in OpenSearch from time in the client and on the wire."""
    search = backend.client.search

    def wrapped(**kwargs):
        response = search(**kwargs)
        _took.ms = getattr(_took, "ms", 0) + response.get("took", 0)
        return response

    backend.client.search = wrapped


def opensearch_baseline(backend) -> Callable[[Ask], int]:
    def run(ask: Ask) -> int:
        body = {
            "from": ask.baseline_from, "size": LIMIT, "track_total_hits": True,
            "_source": ["doc_id", "media_type", "page_count", "received_at", "doc_type", "parent_id", "patient_id"],
            # The text's own analyzer: the old index had no synonyms.
            "query": {"match": {"text": {"query": ask.query.text.replace('"', " "), "operator": "and",
                                         "analyzer": "clinical_text"}}},
        }
        return backend.client.search(index=backend.alias, body=body)["hits"]["total"]["value"]
    return run


def embedded_baseline(backend) -> Callable[[Ask], int]:
    from index.embedded import fts_query
    from index.query_text import parse

    def run(ask: Ask) -> int:
        match = fts_query(parse(ask.query.text, synonyms=False))
        if match is None:
            return 0
        db = backend.db
        total = db.execute("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH ?", (match,)).fetchone()[0]
        db.execute(
            "SELECT f.doc_id, bm25(documents_fts) AS rank, d.media_type, d.page_count, d.received_at, d.doc_type, "
            "d.parent_id, d.patient_id FROM documents_fts f JOIN documents d ON d.doc_id = f.doc_id "
            "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",
            (match, LIMIT, ask.baseline_from)).fetchall()
        return total
    return run


def in_process(backend) -> Callable[[Ask], int]:
    return lambda ask: backend.search(ask.query).total


def http_params(query: SearchQuery) -> list[tuple[str, str]]:
    f = query.filters
    params = [("q", query.text), ("sort", query.sort.value), ("limit", str(query.limit)),
              ("facets", "true" if query.facets else "false")]
    params += [("patient", p) for p in f.patient_ids] + [("type", t) for t in f.doc_types]
    params += [("facility", x) for x in f.facilities] + [("status", s) for s in f.match_statuses]
    if f.date_from:
        params.append(("date_from", f.date_from.isoformat()))
    if f.date_to:
        params.append(("date_to", f.date_to.isoformat()))
    if f.low_confidence is not None:
        params.append(("low_confidence", "true" if f.low_confidence else "false"))
    if query.cursor:
        params.append(("cursor", query.cursor))
    return params


class Api:
    """`uvicorn api.app:app` on loopback, configured by environment, as `clinidex serve` runs it."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        import secrets

        import httpx

        from api.auth import mint
        from tests.support.services import free_port

        # Every call carries a token (a clinician's, signed with a development secret made here).
        secret = secrets.token_hex(24)
        env = {**env, "CLINIDEX_AUTH_HS256_SECRET": secret}
        self.headers = {"Authorization": f"Bearer {mint(secret, 'bench-clinician', ['clinician'], minutes=600)}"}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.app:app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning", "--no-access-log"],
            env={**os.environ, **env}, cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self._local = threading.local()
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{self.url}/health", timeout=30).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"API did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)

    def client(self):
        import httpx

        found = getattr(self._local, "client", None)
        if found is None:
            found = self._local.client = httpx.Client(base_url=self.url, timeout=60, headers=self.headers)
        return found

    def contender(self) -> Callable[[Ask], int]:
        def run(ask: Ask) -> int:
            response = self.client().get("/search", params=http_params(ask.query))
            response.raise_for_status()
            return response.json()["total"]
        return run

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def service_pids() -> dict[str, int]:
    """The services' processes on this machine (read from /proc; never signalled)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "org.opensearch.bootstrap.OpenSearch" in cmd:
            found["opensearch"] = int(entry.name)
        elif "minio server" in cmd:
            found["minio"] = int(entry.name)
    return found


class CpuMeter:
    """CPU seconds used between construction and `used()`: by each named process (children
    included for this one), and by everything else on the machine (other people's work)."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = {"bench": os.getpid(), **pids}
        self.tick = os.sysconf("SC_CLK_TCK")
        self.start = self._read()

    def _read(self) -> dict[str, float]:
        out = {}
        fields = open("/proc/stat").readline().split()[1:]
        busy = sum(int(x) for i, x in enumerate(fields[:8]) if i not in (3, 4))  # all but idle, iowait
        out["machine"] = busy / self.tick
        for name, pid in self.pids.items():
            try:
                stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                out[name] = (int(stat[11]) + int(stat[12])) / self.tick
            except (OSError, IndexError):
                out[name] = 0.0
        return out

    def used(self) -> dict[str, float]:
        end = self._read()
        used = {k: max(0.0, end[k] - self.start.get(k, 0.0)) for k in end}
        used["everything else"] = max(0.0, used.pop("machine") - sum(used.values()))
        return used


@dataclass
class Samples:
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    server_ms: list[int] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    pids: dict[str, int] = field(default_factory=dict)
    error_examples: list[str] = field(default_factory=list)
    opensearch: object = None  # a client, to count the node's requests per query
    node_ops: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    wall: float = 0.0
    count: int = 0
    errors: int = 0
    zero_hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def run_clients(run: Callable[[Ask], int], asks: list[Ask], clients: int, into: Samples | None = None) -> Samples:
    """Every ask once, `clients` threads each sending its next as soon as the last is answered."""
    into = into if into is not None else Samples()
    lock = threading.Lock()
    position = iter(range(len(asks)))
    timings: list[tuple[str, float, int | None, int]] = []

    def client() -> None:
        while True:
            with lock:
                i = next(position, None)
            if i is None:
                return
            ask = asks[i]
            _took.ms = 0
            started = time.perf_counter()
            try:
                total = run(ask)
            except Exception as exc:
                total = None
                with lock:
                    if len(into.error_examples) < 3:
                        into.error_examples.append(f"{ask.kind}: {type(exc).__name__}: {str(exc)[:200]}")
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                timings.append((ask.kind, elapsed, total, _took.ms))

    meter = CpuMeter(into.pids)
    ops = node_ops(into.opensearch) if into.opensearch else None
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    into.wall += time.perf_counter() - started
    for name, seconds in meter.used().items():
        into.cpu[name] += seconds
    if ops:
        for name, count in node_ops(into.opensearch).items():
            into.node_ops[name] += count - ops[name]
    for kind, ms, total, took in timings:
        if total is None:
            into.errors += 1
            continue
        into.ms[kind].append(ms)
        into.server_ms.append(took)
        into.count += 1
        if total == 0:
            into.zero_hits[kind] += 1
    return into


# --- loading -------------------------------------------------------------------------------

def fill_fresh_embedded(backend, docs) -> None:
    """The rows `EmbeddedBackend.put_many` writes, without its per-document delete from the FTS
    table: that delete filters on an UNINDEXED column, a full scan of the table per document,
    so loading grows quadratically (1,000 documents into an index of 7,000 took ~20 s). The
    index here is fresh, so there is nothing to delete and the result is the same."""
    from index.embedded import COLUMNS, _row

    db = backend.db
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany(f"INSERT INTO documents ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                       [_row(d) for d in docs])
        db.executemany("INSERT INTO documents_fts (doc_id, text) VALUES (?, ?)", [(d.doc_id, d.text) for d in docs])
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def load(backend, size: int, seed: int, mpi: list[corpus.Patient], stats: corpus.Stats,
         direct: bool = False) -> dict:
    write = (lambda docs: fill_fresh_embedded(backend, docs)) if direct else backend.put_many
    writing = 0.0
    batch = []
    started = time.perf_counter()
    for spec in corpus.generate(size, seed, docs_pool=corpus.pool(), mpi=mpi, stats=stats):
        batch.append(corpus.index_document(spec))
        if len(batch) >= LOAD_BATCH:
            t = time.perf_counter()
            write(batch)
            writing += time.perf_counter() - t
            batch = []
    t = time.perf_counter()
    if batch:
        write(batch)
    backend.refresh()
    writing += time.perf_counter() - t
    elapsed = time.perf_counter() - started
    return {"load_s": elapsed, "load_rate": size / elapsed, "index_only_rate": size / writing}


def load_mpi(patients_index, size: int, seed: int) -> None:
    records, batch = population(size, seed, default_issuers()), []
    for record in records:
        batch.append(record)
        if len(batch) >= 5000:
            patients_index.put_many(batch)
            batch = []
    if batch:
        patients_index.put_many(batch)
    patients_index.refresh()


def node_ops(client) -> dict[str, int]:
    """Requests the node has served so far, by kind (to count what one search costs it)."""
    stats = client.nodes.stats(metric="indices", index_metric="indexing,get,search")
    node = next(iter(stats["nodes"].values()))["indices"]
    return {"searches": node["search"]["query_total"], "gets": node["get"]["total"],
            "writes": node["indexing"]["index_total"]}


def opensearch_health(backend) -> dict:
    stats = backend.client.nodes.stats(metric="jvm")
    node = next(iter(stats["nodes"].values()))
    store = backend.client.indices.stats(index=backend.concrete, metric="store")
    return {"heap_used_percent": node["jvm"]["mem"]["heap_used_percent"],
            "heap_max_mb": node["jvm"]["mem"]["heap_max_in_bytes"] // 2**20,
            "index_mb": store["_all"]["primaries"]["store"]["size_in_bytes"] / 2**20}


# --- the search benchmark ------------------------------------------------------------------

def search_bench(kind: str, size: int, args, workdir: Path) -> dict:
    seed = 7
    # --keep: a fixed name, left in place and reused by the next run with --keep (development).
    tag = f"bench-search-{size}-kept" if args.keep else f"bench-search-{size}-{os.getpid()}"
    data_dir = (Path(tempfile.gettempdir()) / f"{tag}-{kind}") if args.keep else workdir / f"data-{kind}-{size}"
    # The API audits every search (issue 8): into an audit index of this run's own.
    env = {"CLINIDEX_DATA_DIR": str(data_dir), "CLINIDEX_INDEX_NAME": tag, "CLINIDEX_PATIENTS_INDEX_NAME": f"{tag}-mpi",
           "CLINIDEX_AUDIT_INDEX_NAME": f"{tag}-audit"}
    if kind == "opensearch":
        from index.opensearch_backend import OpenSearchBackend
        from index.patients_opensearch import OpenSearchPatients

        backend = OpenSearchBackend(args.opensearch, tag)
        patients_index = OpenSearchPatients(args.opensearch, f"{tag}-mpi")
        env["CLINIDEX_OPENSEARCH_URL"] = args.opensearch
    else:
        from index.embedded import EmbeddedBackend
        from index.patients_embedded import EmbeddedPatients

        backend = EmbeddedBackend(data_dir / "index.sqlite3")
        patients_index = EmbeddedPatients(data_dir / "index.sqlite3")
    api = None
    try:
        backend.setup()
        patients_index.setup()
        mpi_size = max(2000, size // 5)
        mpi = corpus.patients(mpi_size, seed)
        names = {p.patient_id: f"{p.given} {p.family}" if i % 3 == 0 else p.family for i, p in enumerate(mpi)}
        stats = corpus.Stats()
        print(f"\n{kind} {size:,}: loading ...", flush=True)
        direct = kind == "embedded" and not args.embedded_put_many
        if args.keep and backend.count() == size:
            for _ in corpus.generate(size, seed, docs_pool=corpus.pool(), mpi=mpi, stats=stats):
                pass
            figures: dict = {"backend": kind, "size": size, "load_path": "kept from an earlier run", "load_s": 0,
                             "load_rate": 0, "index_only_rate": 0}
        else:
            if backend.count():
                backend.clear()
            figures = {"backend": kind, "size": size, "load_path": "direct rows" if direct else "put_many",
                       **load(backend, size, seed, mpi, stats, direct)}
            load_mpi(patients_index, mpi_size, seed)
        figures["corpus"] = {"docs": stats.docs, "pages_per_doc": stats.pages / stats.docs,
                             "chars_median": statistics.median(stats.lengths),
                             "chars_p90": pct(stats.lengths, 0.9), "patients_with_docs": len(stats.per_patient),
                             "most_docs_per_patient": max(stats.per_patient.values()),
                             "facilities": len(stats.facilities)}
        if kind == "opensearch":
            figures["health_after_load"] = opensearch_health(backend)
            record_took(backend)
        print(f"  loaded in {figures['load_s']:.1f} s ({figures['load_rate']:,.0f}/s incl. generation, "
              f"{figures['index_only_rate']:,.0f}/s index calls only); corpus {figures['corpus']}", flush=True)

        contenders = {"clinidex": in_process(backend),
                      "baseline": opensearch_baseline(backend) if kind == "opensearch" else embedded_baseline(backend)}
        if args.http and (kind == "opensearch" or args.http_embedded):
            api = Api(env, workdir / f"api-{kind}-{size}.log")
            contenders["http"] = api.contender()

        warm = with_cursors(backend.search, make_asks(WARMUP, seed + 100, stats, names))
        asks = with_cursors(backend.search, make_asks(args.queries, seed, stats, names))
        for name, run in contenders.items():
            run_clients(run, [a for a in warm if name != "baseline" or a.has_baseline], args.clients)
        pids = service_pids()
        if api:
            pids["api"] = api.proc.pid
        node = backend.client if kind == "opensearch" else None
        samples = {name: Samples(pids=pids, opensearch=node) for name in contenders}
        chunk = -(-len(asks) // args.rounds)
        for r in range(args.rounds):
            part = asks[r * chunk:(r + 1) * chunk]
            order = list(contenders)
            order = order[r % len(order):] + order[:r % len(order)]
            for name in order:
                mine = [a for a in part if name != "baseline" or a.has_baseline]
                run_clients(contenders[name], mine, args.clients, samples[name])
            print(f"  round {r + 1}/{args.rounds} done", flush=True)
        figures["results"] = summarise(samples, asks)
        figures["sweep"] = {}
        for clients in args.sweep:
            # Fewer clients: how latency grows with load on these two cores (in process only).
            swept = run_clients(contenders["clinidex"], asks[:args.sweep_queries], clients,
                                Samples(pids=pids, opensearch=node))
            every = [m for ms in swept.ms.values() for m in ms]
            figures["sweep"][clients] = {"p50": statistics.median(every), "p95": pct(every, 0.95),
                                         "p99": pct(every, 0.99), "throughput": swept.count / swept.wall}
            print(f"  {clients} client(s), in process: p50 {figures['sweep'][clients]['p50']:.1f} ms, p95 "
                  f"{figures['sweep'][clients]['p95']:.1f}, p99 {figures['sweep'][clients]['p99']:.1f}, "
                  f"{figures['sweep'][clients]['throughput']:.0f} queries/s", flush=True)
        if kind == "opensearch":
            figures["health_after_queries"] = opensearch_health(backend)
        print(report_search(figures, args.clients), flush=True)
        return figures
    finally:
        if api:
            api.stop()
        if args.keep:
            pass
        elif kind == "opensearch":
            backend.client.indices.delete(index=backend.concrete, ignore_unavailable=True)
            patients_index.client.indices.delete(index=patients_index.concrete, ignore_unavailable=True)
            drop_alias(backend.client, f"{tag}-audit")
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


def drop_alias(client, alias: str) -> None:
    """Every index behind an alias (the audit trail's, which the API created)."""
    from opensearchpy.exceptions import NotFoundError

    try:
        names = list(client.indices.get_alias(name=alias))
    except NotFoundError:
        return
    client.indices.delete(index=",".join(names), ignore_unavailable=True)


def summarise(samples: dict[str, Samples], asks: list[Ask]) -> dict:
    out = {}
    for name, s in samples.items():
        per_kind = {}
        everything = []
        for kind in KINDS:
            ms = s.ms.get(kind, [])
            everything += ms
            if ms:
                per_kind[kind] = {"n": len(ms), "p50": statistics.median(ms), "p95": pct(ms, 0.95),
                                  "p99": pct(ms, 0.99), "zero_hits": s.zero_hits.get(kind, 0)}
        out[name] = {"kinds": per_kind,
                     "all": {"n": len(everything), "p50": statistics.median(everything) if everything else float("nan"),
                             "p95": pct(everything, 0.95), "p99": pct(everything, 0.99)},
                     "error_examples": s.error_examples,
                     "throughput": s.count / s.wall if s.wall else 0.0, "errors": s.errors,
                     "cpu_s_per_1000": {k: v * 1000 / max(1, s.count) for k, v in s.cpu.items()},
                     "node_requests_per_query": {k: v / max(1, s.count) for k, v in s.node_ops.items()}}
        if any(s.server_ms):
            out[name]["server_took"] = {"p50": statistics.median(s.server_ms), "p95": pct(s.server_ms, 0.95)}
    # Like for like against the baseline: only the asks that have words (the baseline's set).
    if "baseline" in samples:
        base = samples["baseline"]
        for name, s in samples.items():
            if name == "baseline":
                continue
            worded = {k for k in KINDS if base.ms.get(k)}
            mine = [m for k in worded for m in s.ms.get(k, [])]
            theirs = [m for k in worded for m in base.ms.get(k, [])]
            if not mine or not theirs:
                continue
            out[name]["vs_baseline"] = {
                "p50_ratio": statistics.median(mine) / statistics.median(theirs),
                "p95_ratio": pct(mine, 0.95) / pct(theirs, 0.95),
                "per_kind_p50_ratio": {k: statistics.median(s.ms[k]) / statistics.median(base.ms[k])
                                       for k in worded if s.ms.get(k) and k != "facets"},
            }
    return out


def report_search(figures: dict, clients: int) -> str:
    res = figures["results"]
    names = list(res)
    lines = [f"  {figures['backend']} at {figures['size']:,} documents, {clients} clients; ms"]
    head = "  kind            n " + "".join(f"| {n:>8} p50   p95   p99 " for n in names)
    lines.append(head)
    for kind in list(KINDS) + ["all"]:
        row = f"  {kind:14}"
        n = res["clinidex"]["kinds"].get(kind, {}).get("n") if kind != "all" else res["clinidex"]["all"]["n"]
        row += f"{n or 0:>5} "
        for name in names:
            k = res[name]["all"] if kind == "all" else res[name]["kinds"].get(kind)
            row += f"| {k['p50']:>12.1f} {k['p95']:>5.1f} {k['p99']:>5.1f} " if k else f"| {'-':>12} {'-':>5} {'-':>5} "
        lines.append(row)
    for name in names:
        extra = ""
        if "vs_baseline" in res[name]:
            v = res[name]["vs_baseline"]
            extra = f"; vs baseline (asks with words) p50 {v['p50_ratio']:.2f}x, p95 {v['p95_ratio']:.2f}x"
        zero = {k: v["zero_hits"] for k, v in res[name]["kinds"].items() if v["zero_hits"]}
        took = res[name].get("server_took")
        took = f"; OpenSearch's own time p50 {took['p50']:.0f} / p95 {took['p95']:.0f} ms" if took else ""
        cpu = ", ".join(f"{k} {v:.1f}" for k, v in res[name]["cpu_s_per_1000"].items())
        ops = res[name]["node_requests_per_query"]
        if ops:
            cpu += "; OpenSearch requests per query: " + ", ".join(f"{k} {v:.2f}" for k, v in ops.items())
        if res[name]["error_examples"]:
            lines.append(f"  {name} errors, e.g.: {res[name]['error_examples']}")
        lines.append(f"  {name}: {res[name]['throughput']:.0f} queries/s, {res[name]['errors']} errors{extra}{took}; "
                     f"asks with no hit: {zero or 'none'}\n    CPU s per 1,000 queries: {cpu}")
    return "\n".join(lines)


# --- the reindex benchmark -----------------------------------------------------------------

def old_reindex(docs, index, limit: int) -> int:
    """The reindex the project had before: one manifest, one `put`, in turn (first `limit`)."""
    from clinidex.manifest import State
    from index.base import IndexDocument

    done = 0
    for n, doc_id in enumerate(docs.doc_ids()):
        if n >= limit:
            break
        manifest = docs.load(doc_id)
        if manifest.state == State.indexed:
            index.put(IndexDocument.from_manifest(manifest))
            done += 1
    index.refresh()
    return done


def write_manifests(docs, n: int, seed: int, threads: int) -> float:
    started = time.perf_counter()
    specs = corpus.generate(n, seed, docs_pool=corpus.pool(), mpi=corpus.patients(max(2000, n // 5), seed))
    with ThreadPoolExecutor(threads) as pool:
        for _ in pool.map(lambda s: docs.save(corpus.manifest(s)), specs, chunksize=1):
            pass
    return time.perf_counter() - started


class PresignedReads:
    """A proposal measured alongside, not in the store yet: GET objects by presigned URL over a
    plain urllib3 pool. botocore spends ~2.7 ms of client CPU per GET (signing, event hooks,
    response parsing); presigning and a urllib3 GET cost ~1 ms, which matters on two cores
    shared with MinIO and OpenSearch. Listing still goes through the store."""

    def __init__(self, objects, pool_size: int) -> None:
        import urllib3

        self.objects = objects
        self.http = urllib3.PoolManager(maxsize=pool_size, retries=urllib3.Retry(3, backoff_factor=0.2))

    def get(self, key: str) -> bytes:
        from clinidex.errors import NotFound, TransientError

        url = self.objects.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.objects.bucket, "Key": key}, ExpiresIn=300)
        response = self.http.request("GET", url)
        if response.status == 404:
            raise NotFound(key)
        if response.status >= 500:
            raise TransientError(f"object store answered {response.status}")
        if response.status != 200:
            raise RuntimeError(f"object store answered {response.status}")
        return response.data

    def keys(self, prefix: str):
        return self.objects.keys(prefix)


class NoIndex:
    """Takes the entries and keeps nothing: what reading the store alone costs."""

    name = "none"

    def put_many(self, docs) -> None:
        pass

    def refresh(self) -> None:
        pass

    def clear(self) -> None:
        pass


class FreshRows:
    """The embedded index written without the per-document FTS delete (see
    `fill_fresh_embedded`): what reindex gains once that delete is by rowid. Valid on a fresh
    index only."""

    def __init__(self, backend) -> None:
        self.backend = backend
        self.name = backend.name

    def put_many(self, docs) -> None:
        fill_fresh_embedded(self.backend, docs)

    def refresh(self) -> None:
        self.backend.refresh()

    def clear(self) -> None:
        self.backend.clear()


def reindex_bench(kind: str, args, workdir: Path) -> dict:
    from clinidex.store import DocumentStore, LocalStore, S3Store
    from workers.reindex import reindex

    tag = f"bench-search-reindex-{os.getpid()}"
    made: list = []

    def fresh_index(name: str):
        if kind == "opensearch":
            from index.opensearch_backend import OpenSearchBackend

            index = OpenSearchBackend(args.opensearch, f"{tag}-{name}")
        else:
            from index.embedded import EmbeddedBackend

            path = workdir / f"reindex-{name}.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            index = EmbeddedBackend(path)
        index.setup()
        made.append(index)
        return index

    def drop(index) -> None:
        if kind == "opensearch":
            index.client.indices.delete(index=index.concrete, ignore_unavailable=True)

    if kind == "opensearch":
        from clinidex.settings import Settings
        from tests.support.services import s3_env

        for k, v in s3_env().items():
            os.environ.setdefault(k, v)
        objects = S3Store(Settings(s3_endpoint_url=args.s3, s3_bucket=tag, data_dir=workdir))
    else:
        objects = LocalStore(workdir / "reindex-store")
    docs = DocumentStore(objects)
    n = args.reindex_docs if kind == "opensearch" else args.reindex_embedded_docs
    m = min(n, args.reindex_baseline_docs)
    print(f"\nreindex, {kind}: writing {n:,} manifests ...", flush=True)
    wrote = write_manifests(docs, n, 23, threads=8 if kind == "opensearch" else 4)
    print(f"  written in {wrote:.1f} s ({n / wrote:,.0f}/s)", flush=True)
    new_rates, old_rates, proposal_rates, runs = [], [], [], []
    pids = service_pids()
    try:
        for r in range(args.reindex_rounds):
            index = fresh_index(f"old{r}")
            meter = CpuMeter(pids)
            started = time.perf_counter()
            done = old_reindex(docs, index, m)
            old_rates.append(done / (time.perf_counter() - started))
            old_cpu = meter.used()
            drop(index)
            index = fresh_index(f"new{r}")
            meter = CpuMeter(pids)
            found = reindex(docs, index)
            new_cpu = meter.used()
            if (found.indexed, found.failed) != (n, 0) or index.count() != n:
                raise RuntimeError(f"reindex indexed {found.indexed} of {n} ({found.failed} unreadable)")
            new_rates.append(found.rate)
            runs.append({"old_rate": old_rates[-1], "old_docs": done, "new_rate": found.rate,
                         "new_seconds": found.seconds, "old_cpu_s": old_cpu, "new_cpu_s": new_cpu})
            drop(index)
            # What bounds it: the same reindex reading the store into no index at all; and a
            # proposal for each backend (presigned GETs for S3; rows without the FTS scan).
            meter = CpuMeter(pids)
            alone = reindex(docs, NoIndex())
            runs[-1] |= {"read_only_rate": alone.rate, "read_only_cpu_s": meter.used()}
            index = fresh_index(f"proposal{r}")
            meter = CpuMeter(pids)
            if kind == "opensearch":
                from workers.reindex import READERS

                lean = reindex(DocumentStore(PresignedReads(objects, READERS + 2)), index)
            else:
                lean = reindex(docs, FreshRows(index))
            runs[-1] |= {"proposal_rate": lean.rate, "proposal_cpu_s": meter.used()}
            proposal_rates.append(lean.rate)
            if (lean.indexed, lean.failed) != (n, 0) or index.count() != n:
                raise RuntimeError(f"reindex (proposal) indexed {lean.indexed} of {n}")
            drop(index)
            print(f"  round {r + 1}: before {old_rates[-1]:,.0f} docs/s ({done:,} docs), "
                  f"workers/reindex.py {found.rate:,.0f} docs/s ({found.indexed:,} in {found.seconds:.1f} s); "
                  f"CPU s of the new run: " + ", ".join(f"{k} {v:.1f}" for k, v in new_cpu.items()), flush=True)
            proposal = "presigned GETs" if kind == "opensearch" else "rows without the FTS scan"
            print(f"           reading alone (no index) {runs[-1]['read_only_rate']:,.0f} docs/s; CPU s: "
                  + ", ".join(f"{k} {v:.1f}" for k, v in runs[-1]["read_only_cpu_s"].items())
                  + f"\n           with {proposal} (proposal) {runs[-1]['proposal_rate']:,.0f} docs/s; CPU s: "
                  + ", ".join(f"{k} {v:.1f}" for k, v in runs[-1]["proposal_cpu_s"].items()), flush=True)
    finally:
        for index in made:
            drop(index)
        if kind == "opensearch":
            drop_bucket(objects)
        else:
            shutil.rmtree(workdir / "reindex-store", ignore_errors=True)
    new, old = statistics.median(new_rates), statistics.median(old_rates)
    return {"backend": kind, "manifests": n, "baseline_docs": m, "write_s": wrote, "new_rate": new,
            "old_rate": old, "speedup": new / old, "runs": runs,
            "proposal_rate": statistics.median(proposal_rates),
            "read_only_rate": statistics.median(r["read_only_rate"] for r in runs)}


def drop_bucket(objects) -> None:
    """Every version (the bucket has Object Lock, hence versioning), then the bucket."""
    client, bucket = objects.client, objects.bucket
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
        items = page.get("Versions", []) + page.get("DeleteMarkers", [])
        for start in range(0, len(items), 1000):
            client.delete_objects(Bucket=bucket, Delete={"Quiet": True, "Objects": [
                {"Key": i["Key"], "VersionId": i["VersionId"]} for i in items[start:start + 1000]]})
    client.delete_bucket(Bucket=bucket)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--backends", nargs="+", default=["opensearch", "embedded"],
                        choices=["opensearch", "embedded"])
    parser.add_argument("--embedded-up-to", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sweep", type=int, nargs="*", default=[1, 2, 4],
                        help="afterwards, the in-process contender alone with these client counts")
    parser.add_argument("--sweep-queries", type=int, default=600)
    parser.add_argument("--no-http", dest="http", action="store_false")
    parser.add_argument("--http-embedded", action="store_true", help="also time GET /search on the embedded backend")
    parser.add_argument("--embedded-put-many", action="store_true",
                        help="load the embedded index through put_many (quadratic as of this writing)")
    parser.add_argument("--reindex-docs", type=int, default=20_000)
    parser.add_argument("--reindex-embedded-docs", type=int, default=5000)
    parser.add_argument("--reindex-baseline-docs", type=int, default=2000)
    parser.add_argument("--reindex-rounds", type=int, default=2)
    parser.add_argument("--reindex-backends", nargs="+", default=["opensearch", "embedded"],
                        choices=["opensearch", "embedded"])
    parser.add_argument("--keep", action="store_true",
                        help="keep the loaded indices (fixed names) and reuse them next time; delete them by hand")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--skip-reindex", action="store_true")
    parser.add_argument("--opensearch", default="http://127.0.0.1:9200")
    parser.add_argument("--s3", default="http://127.0.0.1:9000")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    figures: dict = {"machine": machine(), "args": {k: str(v) for k, v in vars(args).items()}}
    print(figures["machine"], flush=True)
    t = time.perf_counter()
    corpus.pool()
    print(f"text pool ready in {time.perf_counter() - t:.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="clinidex-bench-search-") as tmp:
        workdir = Path(tmp)
        if not args.skip_search:
            figures["search"] = []
            for size in args.sizes:
                for kind in args.backends:
                    if kind == "embedded" and size > args.embedded_up_to:
                        continue
                    figures["search"].append(search_bench(kind, size, args, workdir))
                    if args.out:
                        args.out.write_text(json.dumps(figures, indent=1, default=str) + "\n")
        if not args.skip_reindex:
            figures["reindex"] = [reindex_bench(kind, args, workdir) for kind in args.reindex_backends]
            for r in figures["reindex"]:
                lean = (f"; reading alone {r['read_only_rate']:,.0f} docs/s; proposal "
                        f"({'presigned GETs' if r['backend'] == 'opensearch' else 'no FTS scan'}) "
                        f"{r['proposal_rate']:,.0f} docs/s")
                print(f"reindex {r['backend']}: {r['manifests']:,} manifests, workers/reindex.py {r['new_rate']:,.0f} "
                      f"docs/s (median of {len(r['runs'])}), before {r['old_rate']:,.0f} docs/s: {r['speedup']:.1f}x"
                      f"{lean}", flush=True)
    if args.out:
        args.out.write_text(json.dumps(figures, indent=1, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
