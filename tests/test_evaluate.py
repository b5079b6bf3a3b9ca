"""Scoring against references: pooled metrics, position agreement, several pairs via the CLI.

The oracles are worked out by hand in the comments next to each table.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from comparator import evaluate
from comparator.cli import cli
from comparator.errors import InputError
from comparator.export import RunTables
from comparator.rows import ConcernRow

from .conftest import MINI, check_golden, concern_row, match_row, passage_row
from .test_cli import invoke, run_mini

FIXTURES = MINI.parent


def concern(cid: str, doc: str, text: str, verdict: str, position: str | None = None) -> ConcernRow:
    cells = {"concern_id": cid, "request_doc": doc, "text": text, "verdict": verdict}
    return concern_row(**cells, position=position or "")


def gold_frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    blank = dict.fromkeys(sorted(evaluate.GOLD_COLUMNS), "") | {"confidence": "clear"}
    return pd.DataFrame([blank | r for r in rows], dtype=str)


# Corpus A: four gold rows, one negative that leaks.
#   a1 answered → answered; a2 deflected → ignored; a3 ignored → ignored;
#   a4 deflected, borderline alt answered → answered (counts as answered, leniently).
#   Positions gold/run: accepted/accepted, none/none, none/noted, rejected/rejected → 3/4.
RUN_A = RunTables(
    concerns=[
        concern("A1", "a.md", "Report the number held in detention.", "answered", "accepted"),
        concern("A2", "a.md", "Close the camps now.", "ignored", "none"),
        concern("A3", "a.md", "Train the police.", "ignored", "noted"),
        concern("A4", "a.md", "Review the **asylum** law.", "answered", "rejected"),
        concern("A5", "a.md", "Dear Minister, we write to you.", "ignored", "none"),
    ],
    matches=[match_row("A1", "P1")],
    passages=[passage_row("P1", "In 2023 we held 12 people.")],
)
GOLD_A = gold_frame(
    [
        {"doc": "a.md", "anchor": "number held", "verdict": "answered", "position": "accepted"}
        | {"evidence_anchor": "held 12 people"},
        {"doc": "a.md", "anchor": "close the camps", "verdict": "deflected", "position": "none"},
        {"doc": "a.md", "anchor": "train the police", "verdict": "ignored", "position": "none"},
        {"doc": "a.md", "anchor": "review the asylum law", "verdict": "deflected"}
        | {"confidence": "borderline", "alt": "answered", "position": "rejected"},
    ]
)
NEG_A = pd.DataFrame([{"doc": "a.md", "anchor": "Dear Minister"}])

# Corpus B: four gold rows, no position column, no negatives.
#   b1 answered → answered and b4 answered in the same concern (a merge);
#   b2 ignored → ignored; b3 not found. Evidence of b1: rank 1 lacks it, rank 2 has it.
RUN_B = RunTables(
    concerns=[
        concern("B1", "b.md", "Fund the shelters and publish the budget.", "answered"),
        concern("B2", "b.md", "Apologise to the victims.", "ignored"),
    ],
    matches=[match_row("B1", "Q1"), match_row("B1", "Q2", rank=2)],
    passages=[passage_row("Q1", "Shelters matter."), passage_row("Q2", "The budget doubled.")],
)
GOLD_B = gold_frame(
    [
        {"doc": "b.md", "anchor": "fund the shelters", "verdict": "answered"}
        | {"evidence_anchor": "budget doubled"},
        {"doc": "b.md", "anchor": "apologise", "verdict": "ignored"},
        {"doc": "b.md", "anchor": "end impunity", "verdict": "answered"},
        {"doc": "b.md", "anchor": "publish the budget", "verdict": "answered"},
    ]
)


def same(x: float, y: float) -> bool:
    return (math.isnan(x) and math.isnan(y)) or math.isclose(x, y)


def test_pooled_metrics_are_over_all_rows_together_not_averaged() -> None:
    a = evaluate.evaluate(RUN_A, GOLD_A, NEG_A, "A")
    b = evaluate.evaluate(RUN_B, GOLD_B, None, "B")
    pooled = evaluate.pool([a, b])
    # Pooled lenient confusion, gold rows × run: answered 4 → answered (a1, a4, b1, b4);
    # deflected 1 → ignored (a2); ignored 2 → ignored (a3, b2). Gold 4/1/2, run 4/0/3:
    # observed 6/7; expected (4·4 + 1·0 + 2·3)/49 = 22/49; κ = (42 − 22)/(49 − 22) = 20/27.
    assert pooled.metrics["Cohen's kappa"] == pytest.approx(20 / 27)
    # κ per corpus: A (3/4 − 6/16)/(1 − 6/16) = 0.6, B 1.0; their mean 0.8 is not pooled κ
    assert a.metrics["Cohen's kappa"] == pytest.approx(0.6)
    assert b.metrics["Cohen's kappa"] == pytest.approx(1.0)
    # F1: answered 1, deflected 0, ignored 2·2/(3 + 2) = 0.8 → macro 0.6
    assert pooled.metrics["macro F1"] == pytest.approx(0.6)
    assert pooled.per_class is not None
    assert list(pooled.per_class["recall"]) == pytest.approx([1.0, 0.0, 1.0])
    assert (pooled.metrics["gold concerns"], pooled.metrics["found"]) == (8, 7)
    assert (pooled.metrics["merges"], pooled.metrics["negatives leaked"]) == (1, 1)
    assert pooled.metrics["evidence hit@1"] == pytest.approx(0.5)  # a1 yes, b1 no
    assert pooled.metrics["position agreement"] == pytest.approx(3 / 4)  # A's rows only


def test_pooled_equals_one_evaluation_of_the_concatenated_corpora() -> None:
    a = evaluate.evaluate(RUN_A, GOLD_A, NEG_A, "A")
    b = evaluate.evaluate(RUN_B, GOLD_B, None, "B")
    both = RunTables(
        *(x + y for x, y in zip(vars(RUN_A).values(), vars(RUN_B).values(), strict=True))
    )
    gold = pd.concat([GOLD_A.drop(columns="position"), GOLD_B], ignore_index=True)
    whole = evaluate.evaluate(both, gold, NEG_A)
    pooled = evaluate.pool([a, b]).metrics
    assert set(pooled) == set(whole.metrics)
    for name, value in whole.metrics.items():
        if name != "position agreement":
            assert same(float(pooled[name]), float(value)), name


def test_summary_has_a_row_per_corpus_then_the_pooled_row() -> None:
    a = evaluate.evaluate(RUN_A, GOLD_A, NEG_A, "A")
    b = evaluate.evaluate(RUN_B, GOLD_B, None, "B")
    frame = evaluate.summary([a, b])
    assert list(frame.index) == ["A", "B", "pooled"]
    assert list(frame.columns) == list(evaluate.SUMMARY_COLUMNS)
    assert list(frame["gold"]) == [4, 4, 8]
    assert list(frame["leaked"]) == [1, None, 1]  # B was given no negatives
    assert frame.loc["pooled", "kappa"] == pytest.approx(20 / 27)
    assert math.isnan(frame.loc["B", "position agreement"])
    assert frame.loc["A", "recall deflected"] == 0.0
    # B's reference has no deflected row: its recall is undefined, not zero
    assert math.isnan(frame.loc["B", "recall deflected"])


@pytest.mark.parametrize(
    ("run_positions", "gold_positions", "agreement"),
    [
        (True, True, 3 / 4),
        # without the run's column every prediction is `none`: a2 and a3 agree
        (False, True, 2 / 4),
        (True, False, float("nan")),
    ],
)
def test_position_agreement(run_positions: bool, gold_positions: bool, agreement: float) -> None:
    concerns = [c if run_positions else replace(c, position=None) for c in RUN_A.concerns]
    gold = GOLD_A if gold_positions else GOLD_A.drop(columns="position")
    result = evaluate.evaluate(RunTables(concerns, [], []), gold, None)
    assert same(float(result.metrics["position agreement"]), agreement)
    assert bool(result.notes) == (gold_positions and not run_positions)


def test_position_agreement_counts_found_rows_only() -> None:
    run = RunTables(RUN_A.concerns[:1], [], [])
    result = evaluate.evaluate(run, GOLD_A, None)
    assert result.metrics["position agreement"] == 1.0  # a1 agrees; a2–a4 are not found


def test_no_macro_f1_penalty_for_a_verdict_the_corpus_lacks() -> None:
    """Every ask answered and so predicted: F1 is 1, not 1/3 from two empty verdicts."""
    run = RunTables([concern("A1", "a.md", "Report the number held.", "answered")], [], [])
    gold = gold_frame([{"doc": "a.md", "anchor": "number held", "verdict": "answered"}])
    result = evaluate.evaluate(run, gold, None)
    assert result.metrics["macro F1"] == 1.0
    assert result.metrics["Cohen's kappa"] == 1.0


def test_reference_with_extra_columns_is_read_and_positions_checked(tmp_path: Path) -> None:
    columns = ",".join(sorted(evaluate.GOLD_COLUMNS))
    path = tmp_path / "truth.csv"
    path.write_text(f"{columns},position,note,number\n{',' * 7},Noted,x,115.1\n{',' * 9},\n")
    frame = evaluate.read_gold(path)
    assert list(frame["position"]) == ["noted", "none"]  # case folded; blank is none
    assert list(frame["number"]) == ["115.1", ""]
    path.write_text(f"{columns},position\n{',' * 7},supported\n")
    with pytest.raises(InputError, match=r"truth.csv: unknown position 'supported'; use one"):
        evaluate.read_gold(path)


@pytest.mark.parametrize(
    ("paths", "names"),
    [
        (["x/gold.csv", "y/gold.csv"], ["x", "y"]),
        (["e/dev_gold.csv", "e/other.csv", "f/gold.csv"], ["dev_gold", "other", "f"]),
        (["p/x/gold.csv", "q/x/gold.csv"], ["x/gold", "x/gold (2)"]),
    ],
)
def test_corpus_names(tmp_path: Path, paths: list[str], names: list[str]) -> None:
    assert evaluate.corpus_names([tmp_path / p for p in paths]) == names


def two_references(tmp_path: Path) -> tuple[Path, Path]:
    """alpha: the mini reference; beta: the same with positions and one verdict changed."""
    alpha, beta = tmp_path / "alpha" / "gold.csv", tmp_path / "beta" / "gold.csv"
    alpha.parent.mkdir()
    beta.parent.mkdir()
    text = (FIXTURES / "mini_gold.csv").read_text()
    alpha.write_text(text)
    lines = text.splitlines()
    positions = ["position", "none", "rejected", "none", "rejected", "none"]
    lines = [f"{line},{p}" for line, p in zip(lines, positions, strict=True)]
    lines[3] = lines[3].replace(",question,deflected,", ",question,answered,")
    beta.write_text("\n".join(lines) + "\n")
    return alpha, beta


def test_several_pairs_print_one_row_each_and_a_pooled_row(tmp_path: Path) -> None:
    run_dir = run_mini(tmp_path)
    alpha, beta = two_references(tmp_path)
    negatives = FIXTURES / "mini_negatives.csv"
    args = ["--pair", run_dir, alpha, "--pair", run_dir, beta]
    result = invoke("eval", *args, "--pair-negatives", alpha, negatives)
    assert result.exit_code == 0, result.output
    check_golden("mini_eval_pairs.txt", result.output)
    table = result.output.split("Misses and wrong verdicts")[0]
    rows = {line.split()[0]: line.split()[1:] for line in table.splitlines() if line.strip()}
    assert rows["alpha"][:4] == ["5", "5", "0", "0"]
    assert rows["beta"][:4] == ["5", "5", "0", "—"]
    assert rows["pooled"][:4] == ["10", "10", "0", "0"]
    # beta's positions: the run reads L1-D02's refusal (4 of 5), not the invented one of R1-Q02
    assert rows["alpha"][-2] == "n/a" and rows["beta"][-2] == "0.80"
    assert "deflected ≠ answered" in result.output
    assert "free legal aid to detained" in result.output


def test_a_single_pair_is_shown_in_detail_with_positions(tmp_path: Path) -> None:
    run_dir = run_mini(tmp_path)
    _, beta = two_references(tmp_path)
    result = invoke("eval", "--pair", run_dir, beta)
    assert result.exit_code == 0, result.output
    assert "Confusion (rows: gold, lenient; columns: run)" in result.output
    assert "│ position agreement" in result.output and "0.800 │" in result.output
    assert "position none ≠ rejected" in result.output
    assert "run has no position column" not in result.output
    assert result.output == invoke("eval", run_dir, "--gold", beta).output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["eval"], "pass --gold GOLD (and RUN_DIR), or one --pair RUN GOLD per corpus"),
        (["eval", "--gold", "{g}", "--pair", "{r}", "{g}"], "not both"),
        (["eval", "{r}", "--pair", "{r}", "{g}"], "not both"),
        (["eval", "--pair", "{r}", "{g}", "--negatives", "{n}"], "not both"),
        (["eval", "--gold", "{g}", "--pair-negatives", "{g}", "{n}"], "goes with --pair"),
        (["eval", "--pair", "{r}", "{g}", "--pair-negatives", "{n}", "{n}"], "no --pair has"),
        (["eval", "--pair", "{r}", "{tmp}/absent.csv"], "no such gold file"),
        (["eval", "--pair", "{tmp}/none", "{g}"], "not a run folder"),
        (["eval", "--pair", "{r}"], "requires 2 arguments"),
    ],
)
def test_bad_eval_options_get_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    fields = {"tmp": tmp_path, "r": tmp_path, "g": FIXTURES / "mini_gold.csv"}
    argv = [a.format(**fields, n=FIXTURES / "mini_negatives.csv") for a in args]
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code != 0
    last = [line for line in result.output.splitlines() if line.strip()][-1]
    assert last.startswith("Error: ") and message in last, result.output
    assert "Traceback" not in result.output
