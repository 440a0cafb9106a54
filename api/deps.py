"""Dependencies shared by the routers."""
from __future__ import annotations

from workers.context import Context, get_context


def context() -> Context:
    return get_context()
