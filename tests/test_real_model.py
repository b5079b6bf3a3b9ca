"""End to end on the seeds with the real packaged model (slow: imports torch)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from comparator import evaluate
from comparator.runs import load_saved

from .conftest import ROOT, SEED_EVAL, SEEDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("real")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "comparator.cli",
            "run",
            str(SEEDS),
            "--out",
            str(base / "reports"),
            "--cache",
            str(base / "emb"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (run_dir,) = (base / "reports").glob("run-*")
    return run_dir, base


def test_seed_run_meets_the_dev_gold(seed_run: tuple[Path, Path]) -> None:
    gold_path = SEED_EVAL / "dev_gold.csv"
    tables, _ = load_saved(seed_run[0])
    result = evaluate.evaluate(
        tables,
        evaluate.read_gold(gold_path),
        evaluate.read_gold(SEED_EVAL / "dev_negatives.csv", evaluate.NEGATIVE_COLUMNS),
    )
    m = result.metrics
    assert (m["found"], m["merges"], m["negatives leaked"]) == (15, 0, 0)
    assert m["strict accuracy (clear rows)"] == 1.0
    assert m["lenient accuracy"] * 15 >= 13
    assert m["cited evidence hit (answered/deflected rows)"] == 1.0


def test_cached_rerun_is_identical_and_never_imports_torch(seed_run: tuple[Path, Path]) -> None:
    run_dir, base = seed_run
    code = (
        "import sys\nfrom comparator.cli import cli\ntry:\n"
        f"    cli(['run', {str(SEEDS)!r}, '--out', {str(base / 'again')!r}, '--cache', "
        f"{str(base / 'emb')!r}])\nexcept SystemExit as e:\n    assert not e.code\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH', file=sys.stderr)\n"
        "print('NLTK' if 'nltk' in sys.modules else 'NO-NLTK', file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "NO-TORCH" in done.stderr and "NO-NLTK" in done.stderr
    (again,) = (base / "again").glob("run-*")
    for name in ("concerns.csv", "matches.csv", "passages.csv", "report.txt", "report.html"):
        assert (again / name).read_bytes() == (run_dir / name).read_bytes(), name
