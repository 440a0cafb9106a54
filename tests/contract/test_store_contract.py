"""One suite, every object store backend."""
import pytest

from clinidex.errors import NotFound
from clinidex.settings import Settings
from clinidex.store import LocalStore, S3Store
from tests.support.services import s3_env, services_or_skip, unique


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path, monkeypatch):
    if request.param == "local":
        return LocalStore(tmp_path / "store")
    svc = services_or_skip()
    for k, v in s3_env().items():
        monkeypatch.setenv(k, v)
    return S3Store(Settings(s3_endpoint_url=svc.s3_endpoint, s3_bucket=unique("contract"), data_dir=tmp_path))


def test_put_get_exists_stream(store):
    store.put("originals/ab/abc", b"x" * 3_000_000)
    assert store.exists("originals/ab/abc")
    assert store.get("originals/ab/abc") == b"x" * 3_000_000
    assert b"".join(store.stream("originals/ab/abc")) == b"x" * 3_000_000


def test_missing_key(store):
    assert not store.exists("manifests/nope.json")
    with pytest.raises(NotFound):
        store.get("manifests/nope.json")


def test_overwrite_and_list(store):
    store.put("manifests/a.json", b"1")
    store.put("manifests/a.json", b"2")
    store.put("manifests/b.json", b"3")
    store.put("originals/x", b"4")
    assert store.get("manifests/a.json") == b"2"
    assert sorted(store.keys("manifests/")) == ["manifests/a.json", "manifests/b.json"]


def test_local_store_refuses_escaping_keys(tmp_path):
    with pytest.raises(ValueError):
        LocalStore(tmp_path / "s").put("../outside", b"x")
