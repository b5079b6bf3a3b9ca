"""The terminal report (rich): scorecards, the concerns table, one concern in detail.

Everything is rendered from the run's rows, so `comparator show` re-renders a saved run
exactly. Verdicts are shown as colour *and* word; NO_COLOR and pipes get plain text.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .export import Row, RunTables

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


def concerns_table(rows: list[Row]) -> Table:
    table = Table(title="Concerns", title_justify="left", show_lines=True, expand=True)
    table.add_column("ID", no_wrap=True)
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Concern", ratio=3, overflow="fold")
    table.add_column("Evidence (reply passage)", ratio=3, overflow="fold")
    table.add_column("Not addressed", ratio=2, overflow="fold")
    for r in rows:
        verdict = verdict_text(r["verdict"])
        verdict.append(f"\n{r['reason'].split(':')[1]}", style="dim")
        verdict.append(f"\nconf {r['confidence']}", style="dim")
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
        table.add_row(r["concern_id"], verdict, short(r["text"], 120), evidence, missing)
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
    console.print(concerns_table(t.concerns))
    console.print(
        "Legend: answered = the reply engages the ask; deflected = on topic but not "
        "engaging it; ignored = no relevant passage. `comparator show RUN "
        "--detail ID` explains one verdict.",
        style="dim",
    )


def render_detail(
    console: Console, t: RunTables, concern_id: str, config: dict[str, Any] | None = None
) -> None:
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
    for line in _why(row) + decided_by(row, config or {}):
        console.print(f"• {line}")
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


def decided_by(row: Row, cfg: dict[str, Any]) -> list[str]:
    """The threshold comparisons that produced the verdict, with the values of this run."""
    if not cfg or not row["coverage"]:
        return []
    cov, sim = float(row["coverage"]), float(row["similarity"])
    spec, defl = float(row["specificity"]), float(row["deflection"])
    paired = row["evidence_role"] == "paired answer"
    if row["verdict"] == "ignored":
        return [
            f"rule: ignored because coverage {cov:.2f} < ignore_coverage "
            f"{cfg['ignore_coverage']} and similarity {sim:.2f} < ignore_similarity "
            f"{cfg['ignore_similarity']}"
        ]
    need_key = "answer_coverage" if paired else "unpaired_answer_coverage"
    position = "position" in row["cues"] or "refusal" in row["cues"]
    checks = [
        (cov >= cfg[need_key], f"coverage {cov:.2f} vs {need_key} {cfg[need_key]}"),
        (
            position or spec >= cfg["answer_specificity"],
            "explicit position stated"
            if position
            else f"specificity {spec:.2f} vs answer_specificity {cfg['answer_specificity']}",
        ),
        (
            defl < cfg["deflection_share"],
            f"deflection {defl:.2f} vs deflection_share {cfg['deflection_share']} (must be below)",
        ),
    ]
    verdict = row["verdict"]
    return [
        f"rule: {verdict} — " + "; ".join(f"{'✓' if ok else '✗'} {text}" for ok, text in checks)
    ]


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


def render_eval(console: Console, result: Any) -> None:
    """Metrics first, then every miss and every wrong verdict with its concern id."""
    metrics = Table(title="Evaluation", title_justify="left")
    metrics.add_column("metric")
    metrics.add_column("value", justify="right")
    for name, value in result.metrics.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        metrics.add_row(name, shown)
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
                f"{row['precision']:.2f}",
                f"{row['recall']:.2f}",
                f"{row['F1']:.2f}",
                str(int(row["support"])),
            )
        console.print(per)
    problems = Table(title="Misses and wrong verdicts", title_justify="left", expand=True)
    for col, ratio in (("concern", None), ("problem", None), ("detail", 3)):
        problems.add_column(col, ratio=ratio, overflow="fold")
    for anchor in result.missing:
        problems.add_row("—", "not found", anchor)
    for cid, anchors in result.merged:
        problems.add_row(cid, "merged", " | ".join(anchors))
    for anchor, cids in result.split:
        problems.add_row(", ".join(cids), "in several concerns", anchor)
    for anchor, cid in result.leaked:
        problems.add_row(cid, "negative leaked", anchor)
    for x in result.rows:
        if x.predicted != x.lenient_gold:
            problems.add_row(
                x.concern_id,
                f"{x.predicted} ≠ {x.gold}{'' if x.clear else ' (borderline)'}",
                x.anchor,
            )
        elif x.hit1 is False and x.predicted != "ignored":
            problems.add_row(x.concern_id, "evidence", f"cited passage lacks “{x.evidence_anchor}”")
    if problems.row_count:
        console.print(problems)
    else:
        console.print("No misses and no wrong verdicts.", style="green")
