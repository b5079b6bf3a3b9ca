"""A saved run as pandas DataFrames with the right dtypes, for notebooks.

`pd.read_csv("concerns.csv")` guesses types and turns the item number "8.10" into 8.1, the
same as "8.1"; `load_run` reads every label as text and converts only numeric columns.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .export import unescape_cell
from .files import read_regular
from .manifest import RunManifest
from .rows import numeric_columns


@dataclass(frozen=True)
class RunFrames:
    """One run: its three tables and its manifest."""

    concerns: pd.DataFrame
    matches: pd.DataFrame
    passages: pd.DataFrame
    manifest: RunManifest


def _frame(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(
        io.BytesIO(read_regular(path)), dtype=str, keep_default_na=False, encoding="utf-8"
    )
    INT_COLUMNS, FLOAT_COLUMNS = numeric_columns()
    for col in frame.columns:
        if col in INT_COLUMNS:
            frame[col] = pd.to_numeric(frame[col].replace("", None)).astype("Int64")
        elif col in FLOAT_COLUMNS:
            frame[col] = pd.to_numeric(frame[col].replace("", None)).astype("float64")
        else:  # text as the documents wrote it, not as escaped for spreadsheets
            frame[col] = frame[col].map(unescape_cell)
    return frame


def load_run(path: str | Path) -> RunFrames:
    """Read a run folder made by `comparator run`, checked against its manifest.

    Args:
        path: the run folder (``reports/run-<id>``).

    Returns:
        concerns, matches and passages as DataFrames: text columns (ids, labels, numbers
        as printed such as "8.10") as strings, empty text as "", offsets and ranks as
        Int64, scores as float64 (NaN where empty); and the manifest as a record
        (`manifest.to_json()` gives its JSON).

    Raises:
        InputError: not a run folder; ComparatorError: a table changed since the run.
    """
    from .runs import load_saved

    run_dir = Path(path)
    _, saved = load_saved(run_dir)
    return RunFrames(
        _frame(run_dir / "concerns.csv"),
        _frame(run_dir / "matches.csv"),
        _frame(run_dir / "passages.csv"),
        saved,
    )
