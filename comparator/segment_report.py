"""`comparator segment`'s terminal views: the documents and their concerns and passages,
each request's outline audit, and (`--why`) what every pass of segmentation made or
dropped and the rule it went by."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from .report import short

if TYPE_CHECKING:
    from .documents import Corpus
    from .segment import Audit, Segmentation, Trail


def render_segmentation(console: Console, corpus: Corpus, seg: Segmentation) -> None:
    """Documents with their metadata (inferred fields marked *) and each request's audit,
    then every concern (with the rule that made it) and passage."""
    console.print(_documents(corpus, seg))
    if any(d.inferred for d in corpus.documents):
        console.print("* inferred from the text; record it in corpus.toml to be sure", style="dim")
    if seg.audits:
        console.print(_audits(corpus, seg))
    concerns = Table(title="Concerns", title_justify="left", expand=True)
    for col, ratio in (
        ("id", None),
        ("rule", None),
        ("label", None),
        ("first words", 4),
        ("source", 1),
    ):
        concerns.add_column(col, ratio=ratio, overflow="fold")
    for c in seg.concerns:
        rule = c.rule.value if c.rule else ""
        concerns.add_row(c.concern_id, rule, c.label, short(c.text, 90), short(c.source, 40))
    console.print(concerns)
    passages = Table(title="Reply passages", title_justify="left", expand=True)
    for col, ratio in (("id", None), ("answers", None), ("sent.", None), ("first words", 4)):
        passages.add_column(col, ratio=ratio, overflow="fold")
    for p in seg.passages:
        passages.add_row(p.passage_id, p.answers or "—", str(len(p.sentences)), short(p.text, 90))
    console.print(passages)
    for w in seg.warnings:
        console.print(f"Warning: {w}", style="yellow")


def _documents(corpus: Corpus, seg: Segmentation) -> Table:
    docs = Table(title="Documents", title_justify="left", expand=True)
    for col in ("id", "file", "role", "date", "author", "concerns", "passages"):
        docs.add_column(col, overflow="fold")
    n_concerns = Counter(c.doc for c in seg.concerns)
    n_passages = Counter(p.doc for p in seg.passages)
    for d in corpus.documents:

        def mark(field: str, value: str, inferred: tuple[str, ...] = d.inferred) -> str:
            return f"{value or '?'}*" if field in inferred else value

        docs.add_row(
            d.doc_id,
            d.name,
            mark("role", d.role),
            mark("date", d.date),
            short(mark("author", d.author), 40),
            str(n_concerns[d.name]),
            str(n_passages[d.name]),
        )
    return docs


def _audits(corpus: Corpus, seg: Segmentation) -> Table:
    ids = {d.name: d.doc_id for d in corpus.documents}
    table = Table(title="Outline audit", title_justify="left", expand=True)
    table.add_column("id")
    table.add_column("what it numbers and asks", ratio=1, overflow="fold")
    for a in seg.audits:
        lines = [audit_line(a), *(f"line {f.line}: {f.message}" for f in a.findings)]
        table.add_row(ids.get(a.doc, ""), "\n".join(lines))
    return table


def audit_line(audit: Audit) -> str:
    """'254 numbered items, 254 concerns; 0 directive sentences outside concerns', and how
    many places may hold what the tool missed."""
    found = len(audit.findings)
    more = f"; {found} place{'s' if found != 1 else ''} to check" if found else ""
    return audit.summary() + more


def render_why(console: Console, corpus: Corpus, seg: Segmentation) -> None:
    """Per request: what each pass made, dropped, split or stated, and the rule it went by."""
    names = {d.name: d for d in corpus.documents}
    audits = {a.doc: a for a in seg.audits}
    for name, trail in seg.trails:
        doc = names[name]
        console.print(f"Why: {doc.doc_id} {name}", style="bold")
        audit = audits.get(name)
        if audit is not None:
            console.print(f"  audit: {audit_line(audit)}")
            for f in audit.findings:
                console.print(f"    line {f.line}: {f.message}")
            if audit.outside and not any(f.kind == "directive" for f in audit.findings):
                console.print(
                    "  directive sentences outside concerns (the argument around its list "
                    "of asks; not warned of):"
                )
                for f in audit.outside:
                    console.print(f"    line {f.line}: {f.message}")
        console.print(_tally(trail))
        for step in trail.steps:
            note = f" ({step.note})" if step.note else ""
            console.print(
                f"  {step.pass_name:<20} {step.action:<8} {step.rule:<20} {step.where}{note}",
                soft_wrap=True,
            )
        console.print()


def _tally(trail: Trail) -> Table:
    """How many candidates each pass made, dropped, split or stated, by rule."""
    table = Table(title="passes", title_justify="left", show_edge=False)
    for col in ("pass", "action", "rule", "n"):
        table.add_column(col)
    counts = Counter((s.pass_name, s.action, s.rule) for s in trail.steps)
    for (pass_name, action, rule), n in counts.items():
        table.add_row(pass_name, action, rule, str(n))
    return table
