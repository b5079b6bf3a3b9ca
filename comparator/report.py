"""The terminal report (rich): scorecards, the concerns table, one concern in detail.

Everything is rendered from the run's rows, so `comparator show` re-renders a saved run
exactly. Verdicts are shown as colour *and* word; NO_COLOR and pipes get plain text.
Styles are given as `style=`, never as markup, since no view reads markup.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .export import RunTables
from .manifest import RunManifest
from .position import Position
from .rows import ConcernRow, Timing, encode_parts
from .score import VERDICTS

VERDICT_STYLE = {"answered": "bold green", "deflected": "bold yellow", "ignored": "bold red"}


WIDE_FROM = 120  # terminal columns above which the wide layout is the default
NARROW_CUT = 120  # characters of a concern or evidence sentence shown in the narrow layout
WIDE_CUT = 600  # ... and in the wide one, cut at a sentence end
LONGEST_KEPT_WORD = 24  # a text column is at least this wide if a word needs it (URLs fold)


def document_text(text: str) -> str:
    """Text taken from a document, made safe to show in a terminal. The one place where
    document text enters the report, so that escaping applies everywhere."""
    return text


def short(text: str, limit: int) -> str:
    """The text on one line, cut at a word boundary (never inside a word) with '…'."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def sentence_cut(text: str, limit: int) -> str:
    """The text whole when it fits, else up to the last sentence end that fits (or a word
    boundary when no sentence ends in the first third)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    ends = [m.end() for m in re.finditer(r"[.?!;](?=\s)", text[:limit])]
    if ends and ends[-1] > limit // 3:
        return text[: ends[-1]] + " …"
    return short(text, limit)


def verdict_text(verdict: str) -> Text:
    return Text(verdict, style=VERDICT_STYLE.get(verdict, ""))


def highlighted(snippet: str, terms: Iterable[str]) -> Text:
    """The snippet with the concern's covered key terms in bold."""
    text = Text(document_text(snippet))
    words = sorted({w for t in terms for w in t.split() if len(w) > 2}, key=len, reverse=True)
    if words:
        pattern = r"\b(" + "|".join(re.escape(w) for w in words) + r")\w*"
        text.highlight_regex(re.compile(pattern, re.IGNORECASE), style="bold underline")
    return text


def fit_words(table: Table, cells: list[list[Text | str]]) -> None:
    """Make each column at least as wide as its longest word (up to LONGEST_KEPT_WORD), so
    that rich wraps between words and never folds one."""
    for i, column in enumerate(table.columns):
        longest = max(
            (len(w) for row in cells for w in str(row[i]).split()),
            default=0,
        )
        column.min_width = max(column.min_width or 0, min(longest, LONGEST_KEPT_WORD))


def readable_title(title: str) -> str:
    """A title made from a file name ('Behaviour-Change-Report') reads with spaces."""
    return re.sub(r"[-_]+", " ", title) if title and " " not in title else title


def request_label(doc_id: str, title: str) -> str:
    """The request as '<id> <title>', its id once even when the title is only the id."""
    title = readable_title(title)
    if not title or title == doc_id or readable_title(doc_id) == title:
        return doc_id
    return f"{doc_id} {title}"


def scorecard(rows: list[ConcernRow], titles: Mapping[str, str]) -> Table:
    table = Table(title="Scorecard", title_justify="left", expand=True)
    table.add_column("Request", ratio=3)
    table.add_column("n", justify="right")
    for v in VERDICTS:
        table.add_column(v, justify="right", style=VERDICT_STYLE[v])
    table.add_column("top reasons", ratio=2)
    table.columns[0].min_width = 20
    by_doc: dict[str, list[ConcernRow]] = {}
    for r in rows:
        by_doc.setdefault(r.request_doc, []).append(r)
    cells: list[list[Text | str]] = []
    for doc, doc_rows in by_doc.items():
        prefix = doc_rows[0].doc_id
        quoted = " (quoted in the reply)" if doc_rows[0].reply_doc == doc else ""
        label = short(request_label(prefix, document_text(titles.get(doc, ""))), 60)
        cells.append(_score_cells(label + quoted, doc_rows))
    total = _score_cells("All requests", rows) if len(by_doc) > 1 else None
    fit_words(table, cells + ([total] if total else []))
    for row in cells:
        table.add_row(*row)
    if total:
        table.add_section()
        table.add_row(*total)
    return table


MAX_FINDINGS_SHOWN = 8  # per request in the report; all are in the manifest and warnings


def audit_table(manifest: RunManifest) -> Table:
    """Each request's outline checked against itself: what it numbers, the concerns it gave,
    directive sentences outside them, and the places that may hold what was missed."""
    ids = {i.file: i.id for i in manifest.inputs}
    table = Table(title="Outline audit", title_justify="left", expand=True)
    table.add_column("Request")  # its id: the scorecard above names it
    table.add_column("what it numbers and asks", ratio=1, overflow="fold")
    for a in manifest.audit:
        lines = [a.summary()]
        lines += [f"line {f.line}: {f.message}" for f in a.findings[:MAX_FINDINGS_SHOWN]]
        if len(a.findings) > MAX_FINDINGS_SHOWN:
            lines.append(f"… {len(a.findings) - MAX_FINDINGS_SHOWN} more in manifest.json")
        table.add_row(ids.get(a.file, a.file), "\n".join(lines))
    return table


def _score_cells(label: str, rows: list[ConcernRow]) -> list[Text | str]:
    counts = Counter(r.verdict.value for r in rows)
    n = len(rows)
    cells = [f"{counts[v]} ({100 * counts[v] / n:.0f}%)" if n else "0" for v in VERDICTS]
    reasons = Counter(r.reason.value for r in rows).most_common(3)
    return [label, str(n), *cells, ", ".join(f"{k.split(':')[1]} {c}" for k, c in reasons)]


def _verdict_cell(r: ConcernRow, wide: bool) -> Text:
    verdict = verdict_text(r.verdict)
    if r.corrected:
        verdict.append(" ✎", style="bold")
    verdict.append(f"\n{r.reason.split(':')[1]}", style="dim")
    verdict.append(f"\nconf {r.cell('confidence')}", style="dim")
    if r.corrected:
        coder = f" {r.coder}" if r.coder else " coder"
        verdict.append(f"\n✎{coder}\ntool: {r.tool_verdict}", style="bold")
    if wide and r.stated is not Position.NONE:
        verdict.append(f"\n{r.stated}", style="bold")
    return verdict


def _concern_cell(r: ConcernRow, limit: int, wide: bool) -> Text:
    concern = Text(f"{r.label}: ", style="dim") if r.label else Text()
    cut = sentence_cut if wide else short
    concern.append(cut(document_text(r.text), limit))
    return concern


def _evidence_cell(r: ConcernRow, limit: int, wide: bool) -> Text:
    evidence = Text()
    if not wide and r.stated is not Position.NONE:
        evidence.append(f"position: {r.stated}\n", style="bold")
    if (r.verdict == "ignored" and not r.corrected) or not r.evidence_sentence:
        evidence.append("— no relevant passage", style="dim")
    else:
        cut = sentence_cut if wide else short
        evidence.append_text(highlighted(cut(r.evidence_sentence, limit), r.covered))
        evidence.append(
            f"\n{r.reply_passage_id} · sim {r.similarity or 0:.2f}"
            f"{' · ' + r.timing if r.timing is Timing.PRIOR else ''}",
            style="dim",
        )
    if not wide:
        missing = _missing(r, 80)
        if missing != "—":
            evidence.append(f"\nnot addressed: {missing}", style="dim")
    return evidence


def _missing(r: ConcernRow, limit: int) -> str:
    if (r.tool_verdict or r.verdict) == "ignored":
        return "all of it"
    return short(document_text(r.cell("missing")), limit) or "—"


# Rows rendered at a time: rich holds a table's whole rendering in memory (about 20 times
# its text), so an archive's 50,000 concerns are printed as consecutive tables of this many.
TABLE_CHUNK_ROWS = 500


def concerns_tables(
    rows: list[ConcernRow], wide: bool = False, title: str = "Concerns"
) -> Iterator[Table]:
    """The concerns table, TABLE_CHUNK_ROWS rows at a time (the title on the first)."""
    for start in range(0, max(len(rows), 1), TABLE_CHUNK_ROWS):
        yield concerns_table(
            rows[start : start + TABLE_CHUNK_ROWS], wide, title if not start else ""
        )


def concerns_table(rows: list[ConcernRow], wide: bool = False, title: str = "Concerns") -> Table:
    """Narrow (three columns: what was asked, what was answered) or wide (five)."""
    table = Table(title=title or None, title_justify="left", show_lines=True, expand=True)
    limit = WIDE_CUT if wide else NARROW_CUT
    cells: list[list[Text | str]]
    if wide:
        table.add_column("ID", no_wrap=True)
        table.add_column("Verdict")
        table.add_column("Concern", ratio=3)
        table.add_column("Evidence (reply passage)", ratio=3)
        table.add_column("Not addressed", ratio=2)
        cells = [
            [
                r.concern_id,
                _verdict_cell(r, wide),
                _concern_cell(r, limit, wide),
                _evidence_cell(r, limit, wide),
                _missing(r, 300),
            ]
            for r in rows
        ]
    else:
        table.add_column("ID · verdict")
        table.add_column("Concern", ratio=1)
        table.add_column("Evidence (reply passage)", ratio=1)
        cells = [
            [
                Text(f"{r.concern_id}\n", style="bold") + _verdict_cell(r, wide),
                _concern_cell(r, limit, wide),
                _evidence_cell(r, limit, wide),
            ]
            for r in rows
        ]
    fit_words(table, cells)
    for row in cells:
        table.add_row(*row)
    return table


def exchanges(manifest: RunManifest) -> dict[str, list[str]]:
    """Request id → ids of the replies that answer it, when any reply names its requests
    (`in_reply_to` in corpus.toml); empty when every reply answers every request."""
    inputs = manifest.inputs
    if not any(i.in_reply_to for i in inputs):
        return {}
    replies = [i for i in inputs if i.role == "reply"]
    return {
        i.id: [r.id for r in replies if i.id in r.in_reply_to or not r.in_reply_to]
        for i in inputs
        if i.role == "request"
    }


def render_report(
    console: Console,
    t: RunTables,
    manifest: RunManifest,
    wide: bool | None = None,
    sliced: tuple[str, int] | None = None,
) -> None:
    """The whole report; `wide` None picks the layout from the console's width, and
    `sliced` (filters, concerns in the run) says that only some concerns are shown."""
    wide = console.width > WIDE_FROM if wide is None else wide
    model = manifest.model
    console.print(Text(f"comparator run {manifest.run_id}", style="bold"))
    console.print(
        f"corpus: {manifest.shown_corpus} ({len(manifest.inputs)} documents)   model: "
        f"{model.name if model else ''} {model.version if model else ''}",
        style="dim",
    )
    if sliced:
        console.print(
            f"showing {len(t.concerns)} of {sliced[1]} concerns ({sliced[0]})", style="bold"
        )
    console.print(scorecard(t.concerns, manifest.titles))
    if manifest.audit:
        console.print(audit_table(manifest))
    threads = exchanges(manifest)
    if threads:
        for request, replies in threads.items():
            rows = [r for r in t.concerns if r.doc_id == request]
            if rows:
                title = f"Exchange {request} ← {', '.join(replies) or 'no reply'}"
                for table in concerns_tables(rows, wide, title):
                    console.print(table)
        rest = [r for r in t.concerns if r.doc_id not in threads]
        if rest:
            for table in concerns_tables(rest, wide, "Concerns quoted in replies"):
                console.print(table)
    else:
        for table in concerns_tables(t.concerns, wide):
            console.print(table)
    corrected = sum(r.corrected for r in t.concerns)
    if corrected:
        console.print(
            f"✎ {corrected} concern(s) corrected by a coder (marked ✎, with the tool's verdict).",
            style="bold",
        )
    console.print(
        "Legend: answered = the reply engages the ask; deflected = on topic but not "
        "engaging it; ignored = no relevant passage. `comparator show RUN "
        "--detail ID` explains one verdict.",
        style="dim",
    )


def render_detail(console: Console, t: RunTables, concern_id: str) -> None:
    """One concern in full; the thresholds shown are the ones its checks recorded."""
    base, _, part = concern_id.partition(".")
    row = next((r for r in t.concerns if r.concern_id == base), None)
    if row is None:
        known = ", ".join(r.concern_id for r in t.concerns[:5])
        from .errors import InputError

        raise InputError(f"no concern '{concern_id}' in this run; ids look like {known}…")
    console.print(
        Text(f"{row.concern_id}  ", style="bold")
        + verdict_text(row.verdict)
        + Text(f"  {row.reason}  confidence {row.cell('confidence')}")
    )
    if row.corrected:
        note = f"; note: {document_text(row.coder_note)}" if row.coder_note else ""
        console.print(
            Text(
                f"✎ corrected by {row.coder or 'a coder'}: the tool said "
                f"{row.tool_verdict} ({row.tool_reason}, position "
                f"{row.tool_position}){note}",
                style="bold",
            )
        )
    console.print(
        f"{row.request_doc} · {row.kind} {row.number} · section: "
        f"{row.section or '—'} · addressee: {row.addressee or '—'}",
        style="dim",
    )
    console.print(Text("\nConcern", style="bold"))
    console.print(row.text)
    if part:
        console.print(Text(f"\nPart {part}: ", style="bold") + Text(_part_text(row.text, part)))
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
    for m in (m for m in t.matches if m.concern_id == base):
        ev.add_row(
            *(m.cell(c) for c in ("rank", "passage_id", "paired", "dense", "lexical", "fused")),
            highlighted(short(m.sentence, 200), row.covered),
        )
    console.print(ev)
    if row.reply_text:
        console.print(
            Text(f"\nCited passage {row.reply_passage_id} ({row.evidence_role})", style="bold")
        )
        console.print(highlighted(row.reply_text, row.covered))


def _rule(row: ConcernRow) -> list[str]:
    """The reason, then each check `score.decide` made for it, as the run recorded them."""
    if row.checks is None:
        return [f"• rule: {row.reason} — not recorded by the version that made this run"]
    if row.corrected:  # the checks are the tool's, not the coder's
        head = f"• tool's rule: {row.tool_reason or row.reason} (corrected by the coder) —"
    else:
        head = f"• rule: {row.reason} —"
    return [head, *(f"    {c.describe()}" for c in row.checks)]


def _part_text(text: str, label: str) -> str:
    m = re.search(
        rf"(?:^|[:;]\s*)\(?{re.escape(label)}[.)]\s+(.+?)(?=[:;]\s*\(?[a-z][.)]\s|$)", text
    )
    return m.group(1) if m else "(no such part)"


def _why(row: ConcernRow) -> list[str]:
    def shown(name: str, empty: str = "—") -> str:
        return row.cell(name) or empty

    lines = [
        f"similarity of the cited passage: {shown('similarity')}",
        f"key concepts covered: {shown('coverage')} (weighted) — {shown('covered', 'none')}",
        f"not addressed: {shown('missing', 'nothing')}",
        f"specificity of the evidence: {shown('specificity')}; deflection share: "
        f"{shown('deflection')}; cues: {shown('cues', 'none')}",
        f"timing: {shown('timing')}"
        + (
            " (the reply predates the request: an earlier position, not a response)"
            if row.timing is Timing.PRIOR
            else ""
        ),
    ]
    if row.parts:
        lines.append(f"parts: {encode_parts(row.parts)}")
    return lines


def make_console(**options: Any) -> Console:
    """Every view's console. Document text is data: `[red]` or `:smile:` in a concern or a
    file name is printed as written, never read as markup or emoji (control characters were
    made visible when the text was read, see `safetext`)."""
    return Console(markup=False, emoji=False, **options)


def plain(render: Callable[[Console], None], width: int = 80) -> str:
    """Render to plain text (no colour, fixed width) for report.txt and golden tests."""
    buf = io.StringIO()
    console = make_console(
        file=buf,
        width=width,
        no_color=True,
        color_system=None,
        force_terminal=False,
        legacy_windows=False,
    )
    render(console)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"
