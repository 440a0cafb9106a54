"""How the S3 store reads an error: passing trouble is retried, anything else is a bug."""
import pytest
from botocore.exceptions import ClientError

from clinidex.errors import NotFound, TransientError
from clinidex.store import S3Store


def failing(code: str, status: int):
    def call(**_):
        raise ClientError({"Error": {"Code": code, "Message": "x"}, "ResponseMetadata": {"HTTPStatusCode": status}},
                          "GetObject")
    return call


@pytest.fixture
def store():
    found = object.__new__(S3Store)  # no client: only the error mapping is under test
    found.bucket = "b"
    return found


@pytest.mark.parametrize("code, status", [("XMinioServerNotInitialized", 503), ("SlowDown", 503),
                                          ("InternalError", 500), ("BadGateway", 502)])
def test_passing_trouble_is_transient(store, code, status):
    with pytest.raises(TransientError):
        store._call(failing(code, status), Key="k")


def test_missing_is_not_found_and_refusals_stay_errors(store):
    with pytest.raises(NotFound):
        store._call(failing("NoSuchKey", 404), Key="k")
    with pytest.raises(ClientError):
        store._call(failing("AccessDenied", 403), Key="k")
