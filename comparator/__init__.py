"""comparator: which concerns a government reply answered, deflected or ignored."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "load_run"]


def __getattr__(name: str) -> Any:
    # lazily, so that `comparator --help` does not import pandas
    if name == "load_run":
        from .frames import load_run

        return load_run
    raise AttributeError(f"module 'comparator' has no attribute {name!r}")
