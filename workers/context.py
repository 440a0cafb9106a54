"""Per-process handles on the store and the index, built once from settings."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from clinidex.settings import Settings, get_settings
from clinidex.store import DocumentStore, open_store
from index import SearchBackend, open_index
from index.patients import PatientIndex, open_patients
from ingest.render import Limits


@dataclass
class Context:
    settings: Settings
    docs: DocumentStore
    index: SearchBackend
    patients: PatientIndex

    @property
    def limits(self) -> Limits:
        return Limits(max_pages=self.settings.max_pages, max_image_pixels=self.settings.max_image_pixels)


def build_context(settings: Settings) -> Context:
    index = open_index(settings)
    index.setup()
    patients = open_patients(settings)
    patients.setup()
    return Context(settings=settings, docs=DocumentStore(open_store(settings)), index=index, patients=patients)


@lru_cache
def get_context() -> Context:
    return build_context(get_settings())
