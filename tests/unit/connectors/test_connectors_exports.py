"""The public surface of ``connectors``: ``__all__`` matches what the package offers."""

from __future__ import annotations

import connectors


def test_all_is_exported_and_sorted() -> None:
    assert connectors.__all__ == sorted(connectors.__all__)
    for name in connectors.__all__:
        assert getattr(connectors, name) is not None
    public = {n for n in vars(connectors) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(connectors, n)).__name__ == "module"}
    assert public - modules == set(connectors.__all__)
