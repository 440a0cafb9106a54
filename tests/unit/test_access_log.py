import logging

from api.logging import DropQueryStrings


def test_query_string_is_dropped_from_access_records():
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", "/search?q=Jane+Doe", "1.1", 200), None)
    assert DropQueryStrings().filter(record)
    assert record.getMessage() == '127.0.0.1:5 - "GET /search HTTP/1.1" 200'
