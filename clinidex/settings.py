"""The one settings object. Environment variables `CLINIDEX_*`; nothing set means the embedded default."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from clinidex.tiers import APPLY, REVIEW


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLINIDEX_", extra="ignore")

    # Embedded default: originals, manifests, the SQLite index and the file broker live here.
    data_dir: Path = Field(default_factory=lambda: Path.home() / ".clinidex")

    # Object store: S3 when an endpoint or bucket is set, otherwise a folder under data_dir.
    s3_endpoint_url: str | None = None
    s3_bucket: str | None = None
    s3_region: str = "us-east-1"

    # Search index: OpenSearch when a URL is set, otherwise SQLite FTS5 under data_dir.
    opensearch_url: str | None = None
    index_name: str = "documents"
    # The master patient index (an OpenSearch alias; tables in the SQLite file when embedded).
    patients_index_name: str = "patients"
    # The audit trail's OpenSearch alias (a SQLite file of its own when embedded).
    audit_index_name: str = "audit"
    # Sealed batches of the audit trail go to their own bucket under S3 Object Lock (default:
    # "<bucket>-audit"), kept this long. GOVERNANCE as long as the service's own credentials
    # lack s3:BypassGovernanceRetention; COMPLIANCE where the site needs strict write-once.
    audit_bucket: str | None = None
    audit_lock_mode: str = "GOVERNANCE"
    audit_retention_days: int = 2190  # six years, as HIPAA keeps its documentation
    audit_seal_interval_s: float = 60.0
    audit_seal_batch_events: int = 1000

    # Celery broker: Redis in production. Unset means a file broker under data_dir, which
    # lets `clinidex serve` run a separate worker process with no services at all.
    broker_url: str | None = None
    task_max_retries: int = 5
    # A worker serves its stage metrics here (Prometheus); unset: not served.
    worker_metrics_port: int | None = None
    worker_metrics_host: str = "127.0.0.1"
    # The reconciler (Celery beat) runs this often and re-sends documents unchanged this long.
    reconcile_interval_s: float = 60.0
    reconcile_after_s: float = 900.0
    # Retention (workers/retention.py): the policy file; unset, the shipped example
    # (clinidex/retention_policy.toml). A refused file leaves the last good policy in force.
    retention_policy_path: Path | None = None
    # The retention sweep (Celery beat) runs this often; 0: not scheduled.
    retention_sweep_interval_s: float = 86400.0
    # Whether the scheduled sweep destroys or only reports what is due. Unset: it destroys only
    # once a site policy file is configured (the shipped one is an example, not legal advice).
    retention_sweep_destroy: bool | None = None
    # At most this many documents destroyed per sweep; the next run goes on from there.
    retention_sweep_max: int = 10000
    # Confidence tiers ("automate, recommend, escalate") for document types and extracted
    # fields: at or above apply_threshold a value is applied; from review_threshold it is
    # applied and queued for review; below, left empty and queued.
    apply_threshold: float = APPLY
    review_threshold: float = REVIEW
    # Patient matching (ingest/match.py): a document is linked when its best candidate's match
    # probability reaches the link threshold and beats the runner-up by the margin (in bits of
    # match weight); from the review threshold it waits for records staff; below, unmatched.
    # Unset: the defaults measured in BENCHMARKS.md.
    match_link_threshold: float | None = None
    match_review_threshold: float | None = None
    match_margin_bits: float | None = None
    # The classifier models; unset: the ones shipped in the package (clinidex/models).
    classifier_model_dir: Path | None = None
    # A worker that has taken no task for this long while work waits and it has free slots
    # exits so that its supervisor starts a fresh one (workers/liveness.py); 0 turns it off.
    worker_stall_after_s: float = 120.0

    # The address clients reach the API at (FHIR resources carry absolute URLs); unset: the
    # address each request came to.
    public_base_url: str | None = None

    # Sign-in: bearer JWTs from the site's OIDC provider, verified against its key set (a JWKS
    # URL, or a JWKS file); an HS256 secret only for local development (`clinidex token`).
    auth_jwks_url: str | None = None
    auth_jwks_path: Path | None = None
    auth_hs256_secret: str | None = None
    auth_issuer: str | None = None
    auth_audience: str | None = None
    # Where the token lists its roles: "roles", or a dotted path such as Keycloak's
    # "realm_access.roles".
    auth_roles_claim: str = "roles"
    # Roles that may see document types marked sensitive in clinidex/doctypes.json (behavioural
    # health, substance-use treatment): to everyone else they do not exist. Comma-separated.
    sensitive_roles: str = "compliance,admin"
    # Types treated as sensitive besides those marked so in doctypes.json (comma-separated keys).
    sensitive_types: str = ""

    # Drop intake: comma-separated `bucket/prefix` entries and folders, watched by `clinidex watch`.
    drop_s3: str = ""
    drop_folders: str = ""
    watch_interval_s: float = 5.0
    # A dropped file is taken once its size and time have not changed for this long.
    drop_settle_s: float = 2.0
    # An arrival that keeps failing for a non-input reason is filed under failed/ after this.
    drop_max_attempts: int = 5
    # Bucket notifications: the S3 server posts object-created events to this local port
    # (MinIO's webhook target; `arn:minio:sqs::CLINIDEX:webhook` as scripts/services.sh sets
    # it up), which wakes the watcher at once. Polling stays on as the safety net.
    drop_events_port: int | None = None
    drop_events_host: str = "127.0.0.1"
    drop_events_arn: str | None = None

    # Limits that protect the workers from hostile or accidental input.
    max_upload_bytes: int = 100 * 1024 * 1024
    max_pages: int = 500
    max_image_pixels: int = 200_000_000
    ocr_language: str = "eng"
    ocr_page_timeout_s: float = 120
    # "tesserocr" (Tesseract in process, model loaded once per worker) or "pytesseract".
    ocr_engine: str = "tesserocr"
    # Pages whose mean word confidence falls below this flag the document `low_confidence`.
    low_confidence_threshold: float = 70.0

    @property
    def uses_s3(self) -> bool:
        return bool(self.s3_endpoint_url or self.s3_bucket)

    @property
    def drop_s3_prefixes(self) -> list[tuple[str, str]]:
        entries = [e.strip() for e in self.drop_s3.split(",") if e.strip()]
        return [(e.split("/", 1)[0], e.split("/", 1)[1] if "/" in e else "") for e in entries]

    @property
    def drop_folder_paths(self) -> list[Path]:
        return [Path(e.strip()) for e in self.drop_folders.split(",") if e.strip()]

    @property
    def bucket(self) -> str:
        return self.s3_bucket or "clinidex"

    @property
    def local_store_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "index.sqlite3"

    @property
    def file_broker_dir(self) -> Path:
        return self.data_dir / "broker"


@lru_cache
def get_settings() -> Settings:
    return Settings()
