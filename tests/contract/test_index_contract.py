"""One suite, every index backend: they may rank differently, never filter differently."""
from datetime import datetime, timezone

import pytest

from index.base import IndexDocument
from index.query import SearchQuery
from index.embedded import EmbeddedBackend
from tests.support.services import services_or_skip, unique


@pytest.fixture(params=["embedded", "opensearch"])
def backend(request, tmp_path):
    if request.param == "embedded":
        b = EmbeddedBackend(tmp_path / "index.sqlite3")
        b.setup()
        yield Refreshing(b)
        return
    from index.opensearch_backend import OpenSearchBackend

    svc = services_or_skip()
    b = OpenSearchBackend(svc.opensearch_url, unique("contract"))
    b.setup()
    yield Refreshing(b)
    b.client.indices.delete(index=b.concrete)


class Refreshing:
    """The backend under test, refreshed after each write so the next search sees it."""

    def __init__(self, backend) -> None:
        self.backend = backend

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def put(self, doc: IndexDocument) -> None:
        self.backend.put(doc)
        self.backend.refresh()

    def delete(self, doc_id: str) -> None:
        self.backend.delete(doc_id)
        self.backend.refresh()

    def put_many(self, docs) -> None:
        self.backend.put_many(docs)
        self.backend.refresh()

    def search(self, query: str | SearchQuery = "", **options):
        return self.backend.search(query if isinstance(query, SearchQuery) else SearchQuery(text=query, **options))


def doc(doc_id: str, text: str) -> IndexDocument:
    return IndexDocument(doc_id=doc_id, state="indexed", media_type="image/tiff",
                         received_at=datetime(2026, 11, 1, tzinfo=timezone.utc), page_count=1, text=text)


def ids(result) -> set[str]:
    return {h.doc_id for h in result.hits}


def test_finds_with_highlight(backend):
    backend.put(doc("a1", "Echocardiogram shows preserved ejection fraction."))
    backend.put(doc("b2", "Chest radiograph shows no acute process."))
    result = backend.search("ejection")
    assert result.total == 1 and ids(result) == {"a1"}
    assert any("<em>ejection</em>" in s for s in result.hits[0].snippets)


def test_every_word_must_match(backend):
    backend.put(doc("a1", "chest pain on exertion"))
    backend.put(doc("b2", "chest radiograph normal"))
    assert ids(backend.search("chest pain")) == {"a1"}
    assert ids(backend.search("chest")) == {"a1", "b2"}
    assert backend.search("pneumothorax").total == 0


def test_case_and_accents_fold(backend):
    backend.put(doc("a1", "Seen by Dr. Müller at the Clinique Sainte-Thérèse"))
    assert ids(backend.search("muller THERESE")) == {"a1"}


def test_put_replaces_and_delete_removes(backend):
    backend.put(doc("a1", "first version mentions hypertension"))
    backend.put(doc("a1", "second version mentions diabetes"))
    assert backend.count() == 1
    assert backend.search("hypertension").total == 0
    assert ids(backend.search("diabetes")) == {"a1"}
    backend.delete("a1")
    backend.delete("a1")  # deleting twice is harmless
    assert backend.count() == 0


def test_snippets_are_html_escaped(backend):
    backend.put(doc("a1", "glucose <script>alert(1)</script> & insulin"))
    (hit,) = backend.search("insulin").hits
    text = " ".join(hit.snippets)
    assert "<script>" not in text and "&lt;script&gt;" in text and "<em>insulin</em>" in text


def test_query_syntax_is_treated_as_words(backend):
    backend.put(doc("a1", "near or and not"))
    for query in ('"unbalanced', "NEAR(a b", "text:x OR y", "*", "a AND (b"):
        backend.search(query)  # must not raise
    assert ids(backend.search('near "or')) == {"a1"}


def test_more_mentions_rank_higher_and_pages_slice(backend):
    backend.put(doc("few", "warfarin once " + "filler " * 30))
    backend.put(doc("many", "warfarin warfarin warfarin dose adjusted warfarin " + "filler " * 30))
    backend.put(doc("none", "filler " * 30))
    result = backend.search("warfarin")
    assert [h.doc_id for h in result.hits] == ["many", "few"]
    page1 = backend.search("warfarin", limit=1)
    assert page1.total == 2 and [h.doc_id for h in page1.hits] == ["many"] and page1.next_cursor
    page2 = backend.search("warfarin", limit=1, cursor=page1.next_cursor)
    assert page2.total == 2 and [h.doc_id for h in page2.hits] == ["few"]
