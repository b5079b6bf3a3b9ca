"""The outline's audit of itself: what a request may say that no concern holds.

After a request is cut into concerns, it is checked against itself, never against a
reference: a numbered list whose numbering skips, or that stops while numbers of the same
sequence go on below it; a run of numbered items that read as asks (each opens with a verb)
and that no concern holds; list items a pass dropped; directive sentences ("The State
party should…", "The Committee recommends…") inside no concern. Each finding names the
place (the line of the document's text) and the numbers or first words, so the user can
look; a document with nothing missing has no findings.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .asks import imperative_start, is_directive, split_sentences
from .lists import MAX_GAP, AskList, follows
from .outline import Block
from .records import Concern, Rule
from .regions import Place

MAX_SHOWN = 5  # directive sentences named one by one, per document; the rest are counted
MIN_RUN = 3  # numbered items in a row that make a list by themselves
ASK_SHARE = 0.8  # of a run's items that must open with a verb to read as asks
# a word a directive sentence has: blocks without one are not split into sentences
DIRECTIVE_WORD = re.compile(
    r"\b(?:should|shall|must|ought|needs? to|recommend|urge|call(?:s|ed)? (?:up)?on|"
    r"request|invite|encourage)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One thing the tool may have missed, and where."""

    kind: str  # skips | stops | unread | dropped | directive
    line: int
    message: str


@dataclass(frozen=True)
class Audit:
    """A request's outline checked against itself."""

    doc: str
    numbered_items: int  # items of numbered lists (and numbered runs of asks) it prints
    concerns: int
    directive_outside: int  # directive sentences inside no concern
    findings: tuple[Finding, ...] = ()  # what the user is warned of
    # every directive sentence outside concerns, warned of or not (`segment --why`)
    outside: tuple[Finding, ...] = ()

    def summary(self) -> str:
        return summary(self.numbered_items, self.concerns, self.directive_outside)


def summary(numbered_items: int, concerns: int, directive_outside: int) -> str:
    """'254 numbered items, 254 concerns; 0 directive sentences outside concerns'."""
    return (
        f"{numbered_items} numbered items, {concerns} concerns; "
        f"{directive_outside} directive sentences outside concerns"
    )


def audit_request(
    raw: str,
    name: str,
    blocks: Sequence[Block],
    places: Sequence[Place],
    lists: Sequence[AskList],
    concerns: Sequence[Concern],
    taken: set[int],
) -> Audit:
    """Check one request's concerns against its own numbering and directive sentences.

    `taken`: the blocks a pass made candidates of (kept or dropped, the trail says why);
    directive sentences are looked for in the others. They are findings where the document
    asks by directing (some concern is a directive sentence or limb) or where it gave no
    concern at all; elsewhere (a letter that lists its asks) they are counted only, as the
    argument around the list."""
    where = _Lines(raw)
    carried = {c.key for c in concerns if c.key} | {c.number for c in concerns if c.number}
    spans = sorted((c.start, c.end) for c in concerns)
    findings: list[Finding] = []
    numbered = 0
    in_lists: set[int] = set()
    for lst in lists:
        heads = [item[0] for item in lst.items if blocks[item[0]].kind == "number"]
        numbered += len(heads)
        in_lists.update(b for item in lst.items for b in item)
        findings += _skips(blocks, heads, where)
        findings += _stops(blocks, heads, carried, where)
        findings += _unread_items(blocks, heads, carried, spans, where)
    runs = _runs_of_asks(blocks, places, in_lists)
    for run in runs:
        numbered += len(run)
        findings += _unread_run(blocks, run, carried, spans, where)
    leads = {lst.lead for lst in lists}
    outside = _directives_outside(blocks, places, spans, taken | leads, where)
    directs = any(c.rule in (Rule.DIRECTIVE_PARAGRAPH, Rule.LIMB) for c in concerns)
    if concerns and not directs:
        outside_findings: list[Finding] = []
    else:
        outside_findings = outside
    findings += outside_findings[:MAX_SHOWN]
    if len(outside_findings) > MAX_SHOWN:
        findings.append(
            Finding(
                "directive",
                outside_findings[MAX_SHOWN].line,
                f"and {len(outside_findings) - MAX_SHOWN} more directive sentences outside "
                "concerns",
            )
        )
    return Audit(name, numbered, len(concerns), len(outside), tuple(findings), tuple(outside))


class _Lines:
    """Line numbers of offsets in the document's text."""

    def __init__(self, raw: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", raw)]

    def __call__(self, offset: int) -> int:
        from bisect import bisect_right

        return bisect_right(self.starts, offset)


def _number(b: Block) -> str:
    return b.marker.value if b.marker else ""


def _skips(blocks: Sequence[Block], heads: list[int], where: _Lines) -> list[Finding]:
    """Numbers a list skips: 115.6 then 115.8."""
    out = []
    for a, b in itertools.pairwise(heads):
        first, nxt = _number(blocks[a]), _number(blocks[b])
        missing = _between(first, nxt)
        if missing:
            out.append(
                Finding(
                    "skips",
                    where(blocks[b].start),
                    f"the numbering skips {_span(missing)} (after {first})",
                )
            )
    return out


def _between(first: str, nxt: str) -> list[str]:
    """The numbers a list skips between two of its items."""
    a, b = first.split("."), nxt.split(".")
    if len(a) != len(b) or a[:-1] != b[:-1] or not (a[-1].isdigit() and b[-1].isdigit()):
        return []
    if int(b[-1]) - int(a[-1]) > MAX_GAP + 1:
        return []  # '118.09' read as 118.109: a misprint the list went past, no gap
    head = ".".join(a[:-1])
    return [f"{head}.{n}" if head else str(n) for n in range(int(a[-1]) + 1, int(b[-1]))]


def _span(numbers: list[str]) -> str:
    return numbers[0] if len(numbers) == 1 else f"{numbers[0]}–{numbers[-1]}"


def _stops(
    blocks: Sequence[Block], heads: list[int], carried: set[str], where: _Lines
) -> list[Finding]:
    """A list that ends while its numbering goes on below it: the rest is in no concern."""
    if not heads:
        return []
    last = _number(blocks[heads[-1]])
    shape = _shape(blocks[heads[-1]])
    rest: list[Block] = []
    for b in blocks[heads[-1] + 1 :]:
        if b.kind != "number" or _shape(b) != shape:
            continue
        if follows(last, _number(b)) and _number(b) not in carried:
            if not imperative_start(b.body):
                break  # '97. All conclusions … reflect…': the report's next paragraph
            rest.append(b)
            last = _number(b)
        elif rest or follows(last, _number(b)):
            break
    if not rest:
        return []
    numbers = [_number(b) for b in rest]
    return [
        Finding(
            "stops",
            where(rest[0].start),
            f"the list stops at {_number(blocks[heads[-1]])}, but {_span(numbers)} "
            f"({len(numbers)} numbered items) follow and are in no concern",
        )
    ]


def _shape(b: Block) -> str:
    return _number(b).count(".").__str__() + b.kind


def _unread_items(
    blocks: Sequence[Block],
    heads: list[int],
    carried: set[str],
    spans: list[tuple[int, int]],
    where: _Lines,
) -> list[Finding]:
    """Items of a list that no concern holds (dropped, or never taken)."""
    unread = [
        h
        for h in heads
        if blocks[h].key not in carried and not _inside(spans, blocks[h].start, blocks[h].end)
    ]
    if not unread:
        return []
    numbers = [_number(blocks[h]) for h in unread]
    shown = ", ".join(numbers[:8]) + (f" and {len(numbers) - 8} more" if len(numbers) > 8 else "")
    return [
        Finding(
            "unread",
            where(blocks[unread[0]].start),
            f"list items {shown} are in no concern (see `comparator segment --why`)",
        )
    ]


def _runs_of_asks(
    blocks: Sequence[Block], places: Sequence[Place], in_lists: set[int]
) -> list[list[int]]:
    """Numbered items in sequence outside any list that open with a verb, as asks do."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, b in enumerate(blocks):
        if i in in_lists or b.kind != "number" or places[i].back_matter or places[i].heading:
            continue
        if (
            current
            and _shape(b) == _shape(blocks[current[-1]])
            and follows(_number(blocks[current[-1]]), _number(b))
        ):
            current.append(i)
            continue
        if len(current) >= MIN_RUN:
            runs.append(current)
        current = [i]
    if len(current) >= MIN_RUN:
        runs.append(current)
    return [
        run
        for run in runs
        if sum(imperative_start(blocks[i].body) for i in run) >= ASK_SHARE * len(run)
    ]


def _unread_run(
    blocks: Sequence[Block],
    run: list[int],
    carried: set[str],
    spans: list[tuple[int, int]],
    where: _Lines,
) -> list[Finding]:
    unread = [
        i
        for i in run
        if blocks[i].key not in carried and not _inside(spans, blocks[i].start, blocks[i].end)
    ]
    if len(unread) < MIN_RUN:
        return []
    numbers = [_number(blocks[i]) for i in unread]
    return [
        Finding(
            "unread",
            where(blocks[unread[0]].start),
            f"numbered items {_span(numbers)} ({len(numbers)}) read as asks and are in no concern",
        )
    ]


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Does a concern's span overlap [start, end)?"""
    from bisect import bisect_right

    k = bisect_right(spans, (end, end))
    return any(s < end and e > start for s, e in spans[max(0, k - 50) : k])


def _directives_outside(
    blocks: Sequence[Block],
    places: Sequence[Place],
    spans: list[tuple[int, int]],
    taken: set[int],
    where: _Lines,
) -> list[Finding]:
    """Directive sentences in blocks no pass took and no concern covers."""
    out = []
    for i, b in enumerate(blocks):
        place = places[i]
        if place.back_matter or place.heading or place.salutation or i in taken:
            continue
        if not DIRECTIVE_WORD.search(b.text) or _inside(spans, b.start, b.end):
            continue
        for s in split_sentences(b.text):
            if is_directive(s):
                words = " ".join(s.split()[:10])
                out.append(
                    Finding(
                        "directive",
                        where(b.start),
                        f"a directive sentence is in no concern: “{words}…”",
                    )
                )
    return out
