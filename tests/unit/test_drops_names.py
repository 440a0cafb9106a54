from ingest.drops import Arrival, safe_name


def test_names_written_by_a_drop_cannot_leave_it():
    for name in ("../../etc/passwd", "..", "a/../../b.tif", "..\\..\\x.tif", "\x00\n.tif", "", "ü" * 300):
        safe = safe_name(Arrival(name, f"{name}:1", 1))
        assert "/" not in safe and "\\" not in safe and ".." not in safe.split("-", 1)[1][:2]
        assert not safe.startswith(".") and len(safe) <= 131


def test_same_name_different_arrivals_do_not_collide():
    assert safe_name(Arrival("fax.tif", "fax.tif:etag1", 1)) != safe_name(Arrival("fax.tif", "fax.tif:etag2", 1))
