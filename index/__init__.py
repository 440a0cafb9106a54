"""Search backends behind one interface: OpenSearch for production, SQLite FTS5 embedded."""
from __future__ import annotations

from clinidex.settings import Settings
from index.base import Hit, IndexDocument, SearchBackend, SearchResult

__all__ = ["Hit", "IndexDocument", "SearchBackend", "SearchResult", "open_index"]


def open_index(settings: Settings) -> SearchBackend:
    if settings.opensearch_url:
        from index.opensearch_backend import OpenSearchBackend

        return OpenSearchBackend(settings.opensearch_url, settings.index_name)
    from index.embedded import EmbeddedBackend

    return EmbeddedBackend(settings.sqlite_path)
