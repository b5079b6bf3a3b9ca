"""The terminal views of `comparator eval`: metrics, confusion, per-verdict figures, the
summary over several corpora, every miss and wrong verdict, and tool-against-coder agreement."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table

from .evaluate import EvalResult, GoldOutcome, summary
from .position import POSITIONS
from .report import short
from .score import VERDICTS

if TYPE_CHECKING:
    import pandas as pd

    from .corrections import Agreement


def render_eval(console: Console, results: Sequence[EvalResult]) -> None:
    """One result in detail; several as a summary row each, a pooled row, then their misses."""
    if len(results) == 1:
        _eval_detail(console, results[0])
    else:
        _eval_summary(console, results)


# short, so that eleven columns fit an 80-column terminal; the caption spells them out
EVAL_HEADERS = {
    "kappa": "κ",
    "macro F1": "F1",
    "recall answered": "ans.",
    "recall deflected": "defl.",
    "recall ignored": "ign.",
    "position agreement": "pos.",
    "evidence hit@1": "hit@1",
}
MISSES_PER_CORPUS = 15


def _figure(value: Any, digits: int = 3) -> str:
    """An int as is, a float rounded, and n/a (or — for a count) where there is none."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return "n/a" if value != value else f"{value:.{digits}f}"
    return str(value)


def _eval_summary(console: Console, results: Sequence[EvalResult]) -> None:
    console.print(_summary_table(summary(results)))
    misses = _misses_table(results)
    if misses.row_count:
        console.print(misses)
    else:
        console.print("No misses and no wrong verdicts.", style="green")
    for r in results:
        for note in r.notes:
            console.print(f"Note: {r.name}: {note}", style="yellow")


def _summary_table(frame: pd.DataFrame) -> Table:
    table = Table(
        title="Evaluation by corpus",
        title_justify="left",
        caption="κ, F1 (macro), recall of ans./defl./ign.: lenient. pos.: position agreement. "
        "hit@1: evidence hit. pooled: over all gold rows together. —: no negatives given.",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        padding=0,
        show_edge=False,
    )
    table.add_column("corpus", overflow="fold")
    for col in frame.columns:
        table.add_column(EVAL_HEADERS.get(col, col), justify="right")
    for i, (name, row) in enumerate(frame.iterrows()):
        last_corpus = i == len(frame) - 2  # a rule before the pooled row
        table.add_row(str(name), *(_figure(v, 2) for v in row), end_section=last_corpus)
    return table


def _misses_table(results: Sequence[EvalResult]) -> Table:
    """Each corpus's problems, one line each, the first few per corpus."""
    misses = Table(
        title="Misses and wrong verdicts",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=0,
        show_edge=False,
        expand=True,
    )
    for col, ratio in (("corpus", None), ("concern", None), ("problem", None), ("detail", 1)):
        misses.add_column(col, ratio=ratio, overflow="fold")
    for r in results:
        problems = _eval_problems(r)
        shown = problems[:MISSES_PER_CORPUS]
        for i, (concern, problem, detail) in enumerate(shown):
            last = i == len(shown) - 1 and len(problems) == len(shown)
            misses.add_row(
                r.name if i == 0 else "", concern, problem, short(detail, 60), end_section=last
            )
        if len(problems) > len(shown):
            rest = f"{len(problems) - len(shown)} more"
            misses.add_row("", "…", rest, "eval this pair alone to list all", end_section=True)
    return misses


def _eval_detail(console: Console, result: EvalResult) -> None:
    """Metrics first, then every miss and every wrong verdict with its concern id."""
    metrics = Table(title="Evaluation", title_justify="left")
    metrics.add_column("metric")
    metrics.add_column("value", justify="right")
    for name, value in result.metrics.items():
        metrics.add_row(name, _figure(value))
    console.print(metrics)
    if result.confusion is not None and result.per_class is not None:
        conf = Table(title="Confusion (rows: gold, lenient; columns: run)", title_justify="left")
        conf.add_column("gold \\ run")
        for label in result.confusion.columns:
            conf.add_column(str(label), justify="right")
        for gold, counts in result.confusion.iterrows():
            conf.add_row(str(gold), *(str(int(v)) for v in counts))
        console.print(conf)
        per = Table(title="Per verdict", title_justify="left")
        for col in ("verdict", "precision", "recall", "F1", "support"):
            per.add_column(col, justify="right")
        for verdict, figures in result.per_class.iterrows():
            per.add_row(
                str(verdict),
                *(_figure(float(figures[c]), 2) for c in ("precision", "recall", "F1")),
                str(int(figures["support"])),
            )
        console.print(per)
    if result.has_position and result.rows:
        _eval_positions(console, result.rows)
    problems = Table(title="Misses and wrong verdicts", title_justify="left", expand=True)
    for col, ratio in (("concern", None), ("problem", None), ("detail", 3)):
        problems.add_column(col, ratio=ratio, overflow="fold")
    for problem in _eval_problems(result):
        problems.add_row(*problem)
    if problems.row_count:
        console.print(problems)
    else:
        console.print("No misses and no wrong verdicts.", style="green")
    for note in result.notes:
        console.print(f"Note: {note}", style="yellow")


def _eval_positions(console: Console, rows: Sequence[GoldOutcome]) -> None:
    counts = Counter((x.gold_position, x.predicted_position) for x in rows)
    shown = [p for p in POSITIONS if any(p in k for k in counts)]
    table = Table(title="Positions (rows: gold; columns: run)", title_justify="left")
    table.add_column("gold \\ run")
    for p in shown:
        table.add_column(p, justify="right")
    for g in shown:
        table.add_row(g, *(str(counts[(g, p)]) for p in shown))
    console.print(table)


def _eval_problems(result: EvalResult) -> list[tuple[str, str, str]]:
    """(concern, problem, detail) for every miss, merge, leak, wrong verdict or position."""
    out = [("—", "not found", anchor) for anchor in result.missing]
    out += [(cid, "merged", " | ".join(anchors)) for cid, anchors in result.merged]
    out += [(", ".join(cids), "in several concerns", anchor) for anchor, cids in result.split]
    out += [(cid, "negative leaked", anchor) for anchor, cid in result.leaked]
    for x in result.rows:
        position = ""
        if x.gold_position is not None and x.predicted_position != x.gold_position:
            position = f"position {x.predicted_position} ≠ {x.gold_position}"
        if x.predicted != x.lenient_gold:
            borderline = "" if x.clear else " (borderline)"
            verdict = f"{x.predicted} ≠ {x.gold}{borderline}"
            out.append((x.concern_id, "; ".join(filter(None, [verdict, position])), x.anchor))
            continue
        if x.hit1 is False and x.predicted != "ignored":
            out.append((x.concern_id, "evidence", f"cited passage lacks “{x.evidence_anchor}”"))
        if position:
            out.append((x.concern_id, position, x.anchor))
    return out


def render_agreement(console: Console, a: Agreement) -> None:
    """The tool's verdicts against a coder's (`comparator eval RUN --corrections FILE`)."""
    table = Table(title="Tool against coder", title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("concerns in the run", str(a.total))
    table.add_row("concerns the coder corrected or confirmed", str(a.coded))
    table.add_row("same verdict", str(a.same_verdict))
    table.add_row("verdict changed by the coder", str(len(a.changed)))
    table.add_row("κ over the coded concerns", _figure(a.kappa, 2))
    table.add_row(
        "κ over all concerns, uncoded counted as agreed (an upper bound)", _figure(a.kappa_all, 2)
    )
    if a.positions_coded:
        table.add_row(
            "same position (of those the coder gave)", f"{a.same_position} of {a.positions_coded}"
        )
    console.print(table)
    conf = Table(title="Coded concerns (rows: tool; columns: coder)", title_justify="left")
    conf.add_column("tool \\ coder")
    for v in VERDICTS:
        conf.add_column(v, justify="right")
    for t in VERDICTS:
        conf.add_row(t, *(str(a.confusion.get((t, c), 0)) for c in VERDICTS))
    console.print(conf)
    if a.changed:
        changed = Table(title="Changed verdicts", title_justify="left")
        for col in ("concern", "tool", "coder"):
            changed.add_column(col)
        for row in a.changed:
            changed.add_row(*row)
        console.print(changed)
