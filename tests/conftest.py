"""Shared fixtures: the seed corpus, a small hand-made corpus, golden-file comparison."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from comparator.corpus import load_corpus
from comparator.documents import Corpus
from comparator.rows import ConcernRow, MatchRow, PassageRow
from comparator.segment import Segmentation, segment_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
GOLDEN = Path(__file__).resolve().parent / "golden"
# the seed reference, copied from shared/eval (tests/fixtures/eval/SOURCE.md)
SEED_EVAL = Path(__file__).resolve().parent / "fixtures" / "eval"


@pytest.fixture(scope="session")
def seeds() -> Corpus:
    return load_corpus(SEEDS)


@pytest.fixture(scope="session")
def mini() -> Corpus:
    return load_corpus(MINI)


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/<name>; UPDATE_GOLDEN=1 rewrites it (review the diff!)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
    expected = path.read_text(encoding="utf-8") if path.exists() else None
    assert expected is not None, f"golden file {path} missing; run with UPDATE_GOLDEN=1"
    assert actual == expected, f"output differs from {path}; if intended, UPDATE_GOLDEN=1"


def run_fake(tmp_path: Path, corpus: Path, out: str = "r") -> Path:
    """`comparator run CORPUS` with the fake embedder, quietly; the run folder it made."""
    from click.testing import CliRunner

    from comparator.cli import cli

    args = ["run", str(corpus), "--model", "comparator-fake", "--quiet"]
    args += ["--out", str(tmp_path / out), "--cache", str(tmp_path / "e")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return Path(result.stdout.strip())


DEFAULT_REASON = {"answered": "answered:direct", "deflected": "deflected:general"}


def concern_row(**cells: str) -> ConcernRow:
    """A concerns.csv row from the cells given, as `comparator run` writes them; the rest
    blank (a verdict of answered, with a reason that goes with the verdict given)."""
    verdict = cells.get("verdict", "answered")
    base = dict.fromkeys(ConcernRow.columns(), "") | {
        "verdict": verdict,
        "reason": DEFAULT_REASON.get(verdict, "ignored:no-match"),
        "confidence": "1.00",
        "position": "none",
        "timing": "after",
        "kind": "demand",
        "link": "none",
        "start": "0",
        "end": "0",
    }
    return ConcernRow.from_csv(base | cells)


def match_row(concern_id: str, passage_id: str, rank: int = 1) -> MatchRow:
    cells = dict.fromkeys(MatchRow.columns(), "0") | {"sentence": "", "paired": "no"}
    return MatchRow.from_csv(
        cells | {"concern_id": concern_id, "passage_id": passage_id, "rank": str(rank)}
    )


def passage_row(passage_id: str, text: str, doc: str = "reply.md") -> PassageRow:
    cells = dict.fromkeys(PassageRow.columns(), "0") | {"answers": ""}
    return PassageRow.from_csv(cells | {"passage_id": passage_id, "text": text, "doc": doc})


def assert_ids_unique(corpus: Corpus) -> Segmentation:
    """Every document and every concern of the corpus has an id of its own; the cut."""
    ids = [d.doc_id for d in corpus.documents]
    assert len(set(ids)) == len(ids), ids
    seg = segment_corpus(corpus)
    concern_ids = [c.concern_id for c in seg.concerns]
    assert len(set(concern_ids)) == len(concern_ids)
    return seg
