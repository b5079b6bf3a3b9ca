"""The terminal report (rich): scorecards, the concerns table, one concern in detail.

Everything is rendered from the run's rows, so `comparator show` re-renders a saved run
exactly. Verdicts are shown as colour *and* word; NO_COLOR and pipes get plain text.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .export import Row, RunTables
from .score import parse_checks

VERDICT_STYLE = {"answered": "bold green", "deflected": "bold yellow", "ignored": "bold red"}
VERDICTS = ("answered", "deflected", "ignored")


def short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def verdict_text(verdict: str) -> Text:
    return Text(verdict, style=VERDICT_STYLE.get(verdict, ""))


def highlighted(snippet: str, terms: Iterable[str]) -> Text:
    """The snippet with the concern's covered key terms in bold."""
    text = Text(snippet)
    words = sorted({w for t in terms for w in t.split() if len(w) > 2}, key=len, reverse=True)
    if words:
        pattern = r"\b(" + "|".join(re.escape(w) for w in words) + r")\w*"
        text.highlight_regex(re.compile(pattern, re.IGNORECASE), style="bold underline")
    return text


def scorecard(rows: list[Row], titles: dict[str, str]) -> Table:
    table = Table(title="Scorecard", title_justify="left", expand=True)
    table.add_column("Request", overflow="fold", ratio=3)
    table.add_column("n", justify="right")
    for v in VERDICTS:
        table.add_column(v, justify="right", style=VERDICT_STYLE[v])
    table.add_column("top reasons", overflow="fold", ratio=2)
    table.columns[0].min_width = 20
    by_doc: dict[str, list[Row]] = {}
    for r in rows:
        by_doc.setdefault(r["request_doc"], []).append(r)
    for doc, doc_rows in by_doc.items():
        prefix = doc_rows[0]["concern_id"].rsplit("-", 1)[0]
        quoted = " (quoted in the reply)" if doc_rows[0]["reply_doc"] == doc else ""
        label = f"{prefix} {short(titles.get(doc, doc), 60)}{quoted}"
        table.add_row(*_score_cells(label, doc_rows))
    if len(by_doc) > 1:
        table.add_section()
        table.add_row(*_score_cells("All requests", rows))
    return table


def _score_cells(label: str, rows: list[Row]) -> list[str]:
    counts = Counter(r["verdict"] for r in rows)
    n = len(rows)
    cells = [f"{counts[v]} ({100 * counts[v] / n:.0f}%)" if n else "0" for v in VERDICTS]
    reasons = Counter(r["reason"] for r in rows).most_common(3)
    return [label, str(n), *cells, ", ".join(f"{k.split(':')[1]} {c}" for k, c in reasons)]


# Rows rendered at a time: rich holds a table's whole rendering in memory (about 20 times
# its text), so an archive's 50,000 concerns are printed as consecutive tables of this many
# rows, every column as wide in each.
TABLE_CHUNK_ROWS = 500


def concerns_tables(rows: list[Row]) -> Iterator[Table]:
    """The concerns table, in chunks of TABLE_CHUNK_ROWS rows with the same column widths."""
    if len(rows) <= TABLE_CHUNK_ROWS:
        yield concerns_table(rows)
        return
    id_width = max(len(r["concern_id"]) for r in rows)
    verdict_width = max(len(line) for r in rows for line in _verdict_cell(r).plain.split("\n"))
    for start in range(0, len(rows), TABLE_CHUNK_ROWS):
        table = concerns_table(rows[start : start + TABLE_CHUNK_ROWS], continued=start > 0)
        table.columns[0].width, table.columns[1].width = id_width, verdict_width
        yield table


def _verdict_cell(r: Row) -> Text:
    verdict = verdict_text(r["verdict"])
    verdict.append(f"\n{r['reason'].split(':')[1]}", style="dim")
    verdict.append(f"\nconf {r['confidence']}", style="dim")
    if r.get("position", "none") not in ("", "none"):
        verdict.append(f"\n{r['position']}", style="bold")
    return verdict


def concerns_table(rows: list[Row], continued: bool = False) -> Table:
    table = Table(
        title=None if continued else "Concerns",
        title_justify="left",
        show_lines=True,
        expand=True,
        show_header=not continued,
    )
    table.add_column("ID", no_wrap=True)
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Concern", ratio=3, overflow="fold")
    table.add_column("Evidence (reply passage)", ratio=3, overflow="fold")
    table.add_column("Not addressed", ratio=2, overflow="fold")
    for r in rows:
        verdict = _verdict_cell(r)
        concern = Text(f"{r['label']}: ", style="dim") if r.get("label") else Text()
        concern.append(short(r["text"], 120))
        if r["verdict"] == "ignored":
            evidence = Text("— no relevant passage", style="dim")
        else:
            evidence = highlighted(short(r["evidence_sentence"], 120), r["covered"].split("; "))
            evidence.append(
                f"\n{r['reply_passage_id']} · sim {float(r['similarity']):.2f}"
                f"{' · ' + r['timing'] if r['timing'] == 'prior' else ''}",
                style="dim",
            )
        missing = "all of it" if r["verdict"] == "ignored" else short(r["missing"], 80) or "—"
        table.add_row(r["concern_id"], verdict, concern, evidence, missing)
    return table


def render_report(console: Console, t: RunTables, manifest: dict[str, Any]) -> None:
    titles = {i["file"]: i.get("title", "") for i in manifest.get("inputs", [])}
    model = manifest.get("model", {})
    console.print(Text(f"comparator run {manifest.get('run_id', '')}", style="bold"))
    corpus = Path(str(manifest.get("corpus", ""))).name
    console.print(
        f"corpus: {corpus} ({len(manifest.get('inputs', []))} documents)   model: "
        f"{model.get('name', '')} {model.get('version', '')}",
        style="dim",
    )
    console.print(scorecard(t.concerns, titles))
    for table in concerns_tables(t.concerns):
        console.print(table)
    console.print(
        "Legend: answered = the reply engages the ask; deflected = on topic but not "
        "engaging it; ignored = no relevant passage. `comparator show RUN "
        "--detail ID` explains one verdict.",
        style="dim",
    )


def render_detail(
    console: Console, t: RunTables, concern_id: str, config: dict[str, Any] | None = None
) -> None:
    """One concern in full. The thresholds shown are the ones its checks recorded, so
    `config` (the run's settings, still passed by the CLI) is not needed and not read."""
    base, _, part = concern_id.partition(".")
    row = next((r for r in t.concerns if r["concern_id"] == base), None)
    if row is None:
        known = ", ".join(r["concern_id"] for r in t.concerns[:5])
        from .errors import InputError

        raise InputError(f"no concern '{concern_id}' in this run; ids look like {known}…")
    console.print(
        Text(f"{row['concern_id']}  ", style="bold")
        + verdict_text(row["verdict"])
        + Text(f"  {row['reason']}  confidence {row['confidence']}")
    )
    console.print(
        f"{row['request_doc']} · {row['kind']} {row['number']} · section: "
        f"{row['section'] or '—'} · addressee: {row['addressee'] or '—'}",
        style="dim",
    )
    console.print(Text("\nConcern", style="bold"))
    console.print(row["text"])
    if part:
        console.print(Text(f"\nPart {part}: ", style="bold") + Text(_part_text(row["text"], part)))
    console.print(Text("\nWhy", style="bold"))
    for line in _why(row):
        console.print(f"• {line}")
    for line in _rule(row):
        console.print(line)
    console.print(Text("\nRanked evidence", style="bold"))
    ev = Table(expand=True, show_lines=True)
    for col in ("#", "passage", "paired", "dense", "lexical", "fused"):
        ev.add_column(col, no_wrap=True)
    ev.add_column("best sentence", ratio=1, overflow="fold")
    for m in (m for m in t.matches if m["concern_id"] == base):
        ev.add_row(
            m["rank"],
            m["passage_id"],
            m["paired"],
            m["dense"],
            m["lexical"],
            m["fused"],
            highlighted(short(m["sentence"], 200), row["covered"].split("; ")),
        )
    console.print(ev)
    if row["reply_text"]:
        console.print(
            Text(
                f"\nCited passage {row['reply_passage_id']} ({row['evidence_role']})", style="bold"
            )
        )
        console.print(highlighted(row["reply_text"], row["covered"].split("; ")))


def _rule(row: Row) -> list[str]:
    """The reason, then each check `score.decide` made for it, as the run recorded them."""
    if "checks" not in row:
        return [f"• rule: {row['reason']} — not recorded by the version that made this run"]
    checks = parse_checks(row["checks"])
    return [f"• rule: {row['reason']} —", *(f"    {c.describe()}" for c in checks)]


def _part_text(text: str, label: str) -> str:
    m = re.search(
        rf"(?:^|[:;]\s*)\(?{re.escape(label)}[.)]\s+(.+?)(?=[:;]\s*\(?[a-z][.)]\s|$)", text
    )
    return m.group(1) if m else "(no such part)"


def _why(row: Row) -> list[str]:
    lines = [
        f"similarity of the cited passage: {row['similarity'] or '—'}",
        f"key concepts covered: {row['coverage'] or '—'} (weighted) — {row['covered'] or 'none'}",
        f"not addressed: {row['missing'] or 'nothing'}",
        f"specificity of the evidence: {row['specificity'] or '—'}; deflection share: "
        f"{row['deflection'] or '—'}; cues: {row['cues'] or 'none'}",
        f"timing: {row['timing'] or '—'}"
        + (
            " (the reply predates the request: an earlier position, not a response)"
            if row["timing"] == "prior"
            else ""
        ),
    ]
    if row["parts"]:
        lines.append(f"parts: {row['parts']}")
    return lines


def plain(render: Callable[[Console], None], width: int = 80) -> str:
    """Render to plain text (no colour, fixed width) for report.txt and golden tests."""
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        no_color=True,
        color_system=None,
        force_terminal=False,
        legacy_windows=False,
        emoji=False,
    )
    render(console)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def render_segmentation(console: Console, corpus: Any, seg: Any) -> None:
    """Documents with their metadata (inferred fields marked *), then every concern and passage."""
    docs = Table(title="Documents", title_justify="left", expand=True)
    for col in ("file", "role", "date", "author", "concerns", "passages"):
        docs.add_column(col, overflow="fold")
    n_concerns = Counter(c.doc for c in seg.concerns)
    n_passages = Counter(p.doc for p in seg.passages)
    for d in corpus.documents:

        def mark(field: str, value: str, inferred: tuple[str, ...] = d.inferred) -> str:
            return f"{value or '?'}*" if field in inferred else value

        docs.add_row(
            d.name,
            mark("role", d.role),
            mark("date", d.date),
            short(mark("author", d.author), 40),
            str(n_concerns[d.name]),
            str(n_passages[d.name]),
        )
    console.print(docs)
    if any(d.inferred for d in corpus.documents):
        console.print("* inferred from the text; record it in corpus.toml to be sure", style="dim")
    concerns = Table(title="Concerns", title_justify="left", expand=True)
    for col, ratio in (
        ("id", None),
        ("kind", None),
        ("section", 2),
        ("no.", None),
        ("first words", 4),
    ):
        concerns.add_column(col, ratio=ratio, overflow="fold")
    for c in seg.concerns:
        concerns.add_row(c.concern_id, c.kind, short(c.section, 40), c.number, short(c.text, 90))
    console.print(concerns)
    passages = Table(title="Reply passages", title_justify="left", expand=True)
    for col, ratio in (("id", None), ("answers", None), ("sent.", None), ("first words", 4)):
        passages.add_column(col, ratio=ratio, overflow="fold")
    for p in seg.passages:
        passages.add_row(p.passage_id, p.answers or "—", str(len(p.sentences)), short(p.text, 90))
    console.print(passages)
    for w in seg.warnings:
        console.print(f"Warning: {w}", style="yellow")


def render_eval(console: Console, results: Any) -> None:
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


def _eval_summary(console: Console, results: Any) -> None:
    from .evaluate import summary

    console.print(_summary_table(summary(results)))
    misses = _misses_table(results)
    if misses.row_count:
        console.print(misses)
    else:
        console.print("No misses and no wrong verdicts.", style="green")
    for r in results:
        for note in r.notes:
            console.print(f"Note: {r.name}: {note}", style="yellow")


def _summary_table(frame: Any) -> Table:
    from rich import box

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


def _misses_table(results: Any) -> Table:
    """Each corpus's problems, one line each, the first few per corpus."""
    from rich import box

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


def _eval_detail(console: Console, result: Any) -> None:
    """Metrics first, then every miss and every wrong verdict with its concern id."""
    metrics = Table(title="Evaluation", title_justify="left")
    metrics.add_column("metric")
    metrics.add_column("value", justify="right")
    for name, value in result.metrics.items():
        metrics.add_row(name, _figure(value))
    console.print(metrics)
    if result.confusion is not None:
        conf = Table(title="Confusion (rows: gold, lenient; columns: run)", title_justify="left")
        conf.add_column("gold \\ run")
        for label in result.confusion.columns:
            conf.add_column(str(label), justify="right")
        for label, row in result.confusion.iterrows():
            conf.add_row(str(label), *(str(int(v)) for v in row))
        console.print(conf)
        per = Table(title="Per verdict", title_justify="left")
        for col in ("verdict", "precision", "recall", "F1", "support"):
            per.add_column(col, justify="right")
        for label, row in result.per_class.iterrows():
            per.add_row(
                str(label),
                *(_figure(float(row[c]), 2) for c in ("precision", "recall", "F1")),
                str(int(row["support"])),
            )
        console.print(per)
    if result.has_position and result.rows:
        _eval_positions(console, result.rows)
    problems = Table(title="Misses and wrong verdicts", title_justify="left", expand=True)
    for col, ratio in (("concern", None), ("problem", None), ("detail", 3)):
        problems.add_column(col, ratio=ratio, overflow="fold")
    for row in _eval_problems(result):
        problems.add_row(*row)
    if problems.row_count:
        console.print(problems)
    else:
        console.print("No misses and no wrong verdicts.", style="green")
    for note in result.notes:
        console.print(f"Note: {note}", style="yellow")


def _eval_positions(console: Console, rows: Any) -> None:
    from .evaluate import POSITIONS

    counts = Counter((x.gold_position, x.predicted_position) for x in rows)
    shown = [p for p in POSITIONS if any(p in k for k in counts)]
    table = Table(title="Positions (rows: gold; columns: run)", title_justify="left")
    table.add_column("gold \\ run")
    for p in shown:
        table.add_column(p, justify="right")
    for g in shown:
        table.add_row(g, *(str(counts[(g, p)]) for p in shown))
    console.print(table)


def _eval_problems(result: Any) -> list[tuple[str, str, str]]:
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
