"""The scale bench: its generated archive and its table. Speed is printed, never asserted."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from comparator.bench_scale import COLUMNS, STAGES, _generator
from comparator.cli import cli
from comparator.corpus import load_corpus
from comparator.segment import segment_corpus, segment_document

gen = _generator()


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    gen.write_corpus(tmp_path / "a", 12, seed=3)
    gen.write_corpus(tmp_path / "b", 12, seed=3)
    gen.write_corpus(tmp_path / "c", 12, seed=4)
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")
    assert _bytes(tmp_path / "a") != _bytes(tmp_path / "c")
    assert len(_bytes(tmp_path / "a")) == 12 + 1  # the documents and corpus.toml


def test_each_written_ask_is_one_concern(tmp_path: Path) -> None:
    """The generator knows how many recommendations, limbs and questions it wrote."""
    written = gen.write_corpus(tmp_path, 36, seed=15)
    corpus = load_corpus(tmp_path)
    found = {
        d.name: len(segment_document(d).concerns) for d in corpus.documents if d.role == "request"
    }
    assert found == written.asks_per_request
    assert {k.split("_")[1] for k in found} == {"observations", "upr", "letter"}


def test_replies_link_to_their_requests(tmp_path: Path) -> None:
    """Keys, position lists and quoted questions pair most asks with an answer."""
    written = gen.write_corpus(tmp_path, 6, seed=15)
    corpus = load_corpus(tmp_path)
    seg = segment_corpus(corpus)
    linked = [c for c in seg.concerns if c.paired_passages]
    assert len(seg.concerns) == written.asks
    assert {c.link for c in linked} == {"key", "quote"}
    assert len(linked) >= written.asks // 2
    # each reply's "Recommendation 4" is its own request's 4, not another exchange's
    names = {d.name: d for d in corpus.documents}
    reply_of = {p.passage_id: names[p.doc] for p in seg.passages}
    for c in linked:
        targets = {t for p in c.paired_passages for t in reply_of[p].in_reply_to}
        assert targets == {names[c.doc].doc_id}


def test_scale_bench_prints_every_stage(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["bench", "--only", "scale", "--sizes", "10", "--model", "comparator-fake"]
    )
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0].split()
    assert header[:3] == [COLUMNS[0], COLUMNS[1], "seconds"]
    rows = [line.split()[1] for line in result.stdout.splitlines()[2:] if line[:2] == "10"]
    assert rows[: len(STAGES)] == list(STAGES)
    assert "top-k" in result.stdout and "bare GEMM" in result.stdout
    assert "real model not measured: fake embedder" in result.stdout


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ("ten", "give document counts"),
        ("1", "at least 2 documents"),
        (",", "at least 2 documents"),
    ],
)
def test_bad_sizes_fail_before_any_work(sizes: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["bench", "--only", "scale", "--sizes", sizes])
    assert result.exit_code != 0
    assert message in result.output
    assert result.output.startswith("Error: --sizes")


def test_a_long_report_prints_its_concerns_in_tables_of_equal_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An archive's concerns table is rendered a chunk at a time, columns aligned throughout."""
    from comparator import export, report
    from comparator.config import Config
    from comparator.fake_model import FakeEmbedder
    from comparator.manifest import RunManifest
    from comparator.pipeline import analyse

    gen.write_corpus(tmp_path, 6, seed=15)
    tables = export.tables(analyse(load_corpus(tmp_path), Config(), FakeEmbedder(), None))
    monkeypatch.setattr(report, "TABLE_CHUNK_ROWS", 7)
    unsaved = RunManifest(run_id="run-test", corpus=str(tmp_path), config={}, inputs=(), outputs={})
    text = report.plain(lambda c: report.render_report(c, tables, unsaved))
    body = text[text.index("\nConcerns\n") :].splitlines()
    assert text.count("\nConcerns\n") == 1
    ids = [r.concern_id for r in tables.concerns]
    assert len(ids) > 7
    assert all(sum(line.startswith(f"│ {i} ") for line in body) == 1 for i in ids)
    columns = {
        tuple(n for n, ch in enumerate(line) if ch == "│") for line in body if line[:1] == "│"
    }
    assert len(columns) == 1  # the same column edges in every chunk
