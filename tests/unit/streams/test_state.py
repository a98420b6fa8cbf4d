from pathlib import Path

import pytest

from streams.state import StateStore


def test_sqlite_mapping_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = StateStore(path)
    m = store.mapping("things")
    m["a"] = b"1"
    m["b"] = b"2"
    m["a"] = b"3"
    del m["b"]
    store.close()
    again = StateStore(path).mapping("things")
    assert dict(again) == {"a": b"3"}
    assert len(again) == 1
    with pytest.raises(KeyError):
        del again["missing"]


def test_memory_store_gives_dicts() -> None:
    store = StateStore()
    assert store.mapping("x") is store.mapping("x")
    assert isinstance(store.mapping("x"), dict)
