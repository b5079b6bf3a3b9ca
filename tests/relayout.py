"""Re-lay a document as other layouts print the same text, for the invariance property
(tests/test_layout_invariance.py): the concerns must not change.

A document is read as paragraphs (a marker or a finished short line starts one), then
printed again: hard-wrapped at another width with blank lines between paragraphs, or one
paragraph per line; words hyphenated at line ends; page breaks between any two lines, each
with page furniture (a job number, a page number, a document symbol, "Page 3 of 12"), and
the left indent changed after a break; every paragraph in bold or none; a numbered
paragraph's directive sentences moved to an unnumbered paragraph of their own, with or
without a short heading before the next numbered paragraph (as concluding observations
print their recommendations).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from comparator.segment.asks import is_directive, split_sentences
from comparator.segment.markers import parse_marker

FURNITURE = (
    ("GE.25-02819",),
    ("12",),
    ("A/HRC/59/15",),
    ("A/HRC/59/15", "7"),
    ("GE.25-02819 (E)", "3"),
    ("Page 3 of 12",),
    ("14", "GE.25-02819"),
)
CONTENTS = re.compile(r"(?:\.\s?){4,}")
NOTE = re.compile(r"^(?:<sup>|\[\^?\d|[-_*=\s]+$)")
HEADINGS = ("Follow-up measures", "Racial disparities in the criminal justice system")
NUMBERED = re.compile(r"^\d{1,3}\.\s+\S")
# the original's own page furniture, left out before it is printed again with new furniture
OLD_FURNITURE = re.compile(
    r"^(?:\d{1,4}|(?:page\s+)?\d{1,4}\s+of\s+\d{1,4}|[A-Z]{1,6}(?:/[A-Za-z0-9.]{1,12}){2,}"
    r"(?:\s+\d{1,4})?|(?:\d{1,4}\s+)?GE\.\d{2}-\d{5}.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Layout:
    """One way to print a document again."""

    width: int  # 0: one paragraph per line
    breaks: tuple[int, ...]  # break before these output lines (by index, modulo length)
    indent: int  # spaces added to lines after a break
    hyphenate: bool
    bold: bool
    move_directives: bool
    heading_after_moved: bool
    seed: int


def _without_page_breaks(lines: list[str]) -> list[str]:
    """The original's page breaks (furniture and the blank lines around it) taken out: a
    sentence cut by one goes on; after a finished sentence a blank line stays."""
    out: list[str] = []
    n = 0
    while n < len(lines):
        k = n
        while k < len(lines) and (not lines[k].strip() or OLD_FURNITURE.match(lines[k].strip())):
            k += 1
        run = lines[n:k]
        if any(x.strip() for x in run):  # a page break: furniture among blank lines
            before = next((x.strip() for x in reversed(out) if x.strip()), "")
            if before[-1:] in ".:;?!" or not out:
                out.append("")
            n = k
            continue
        if k > n:
            out += run
            n = k
            continue
        out.append(lines[n])
        n += 1
    return out


def paragraphs(text: str) -> list[str]:
    """The document's paragraphs, each as one line of text, in order."""
    lines = _without_page_breaks(text.splitlines())
    lengths = sorted(len(x.strip()) for x in lines if x.strip())
    unwrapped = bool(lengths) and lengths[len(lengths) // 2] > 150
    out: list[str] = []
    current: list[str] = []
    width = max(lengths) if lengths else 80
    median = lengths[len(lengths) // 2] if lengths else 80

    def flush() -> None:
        if current:
            out.append(_join(current))
            current.clear()

    star = ""  # a note's star on a line of its own ("**"), printed with the note's text
    for raw in lines:
        line = raw.strip()
        if not line:
            if not star:
                flush()
            continue
        if re.fullmatch(r"\*{1,3}", line):
            flush()
            star = line
            continue
        if star:
            line, star = f"{star} {line}", ""
            flush()
        if CONTENTS.search(line):
            flush()  # a line of a table of contents stays a line of its own
            out.append(line)
            continue
        if unwrapped and out and not current and _unfinished(out[-1]) and line[:1].islower():
            current.append(out.pop())  # one paragraph the original's page break cut
        elif (
            unwrapped
            or parse_marker(line) is not None
            or (current and _ends_short(current[-1], width, median))
        ):
            flush()
        current.append(line)
        if unwrapped:
            flush()
    flush()
    return out


def _unfinished(paragraph: str) -> bool:
    return paragraph[-1:] not in '.:;?!)”"'


def _ends_short(line: str, width: int, median: int) -> bool:
    """A line that finishes a sentence well short of the width ends its paragraph; so does
    a title line ('Annex', 'Composition of the delegation'), short beside the usual line."""
    if len(line) < 0.6 * width and line[-1:] in ".:;?!":
        return True
    return len(line) < 0.5 * median and not re.search(r"[,;]$", line)


def _join(lines: list[str]) -> str:
    """Lines joined as the reader joins them: a word hyphenated across a line rejoined."""
    text = lines[0]
    for line in lines[1:]:
        if (
            re.search(r"[a-z]-$", text)
            and line[:1].islower()
            and not re.match(r"(?:and|or|nor|to)\b", line)
        ):
            text = text[:-1] + line
        else:
            text = f"{text} {line}"
    return text


def relayout(text: str, layout: Layout, request: bool) -> str:
    """The document printed in `layout`."""
    rng = random.Random(layout.seed)
    paras = paragraphs(text)
    if layout.move_directives and request:
        paras = _move_directives(paras, layout.heading_after_moved)
    lines: list[str] = []
    for p in paras:
        printed = _wrap(p, layout.width, layout.hyphenate, rng) if layout.width else [p]
        if layout.bold and request and not NOTE.match(p):
            # in a reply, bold marks the asks it quotes; notes and rules are never bold
            printed[0] = f"**{printed[0]}"
            printed[-1] = f"{printed[-1]}**"
        lines += printed
        if layout.width:
            lines.append("")
    return _paginate(lines, layout, rng)


def _move_directives(paras: list[str], heading: bool) -> list[str]:
    """'5. The Committee is concerned … The State party should …' → '5. The Committee is
    concerned …' and 'The State party should …' as a paragraph of its own."""
    out: list[str] = []
    moved = False
    for p in paras:
        if not NUMBERED.match(p):
            out.append(p)
            continue
        if moved and heading:  # a short heading before the next numbered paragraph
            out.append(HEADINGS[len(out) % len(HEADINGS)])
        sentences = list(split_sentences(p))
        at = next((n for n, s in enumerate(sentences) if n and is_directive(s)), None)
        moved = at is not None
        if at is None:
            out.append(p)
            continue
        out += [" ".join(sentences[:at]), " ".join(sentences[at:])]
    return out


def _wrap(p: str, width: int, hyphenate: bool, rng: random.Random) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in p.split():
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            cut = _hyphen_point(word, width - len(line) - 2) if hyphenate else 0
            if cut and rng.random() < 0.5:
                lines.append(f"{line} {word[:cut]}-")
                line = word[cut:]
            else:
                lines.append(line)
                line = word
    if line:
        lines.append(line)
    return lines


def _hyphen_point(word: str, room: int) -> int:
    """Where a long lower-case word may be hyphenated at a line's end, if it fits."""
    if not re.fullmatch(r"[a-z]{8,}", word) or room < 3:
        return 0
    return min(room, len(word) - 3)


def _paginate(lines: list[str], layout: Layout, rng: random.Random) -> str:
    breaks = {b % max(1, len(lines)) for b in layout.breaks}
    out: list[str] = []
    indent = ""
    for n, line in enumerate(lines):
        if n in breaks and n > 0:
            out += ["", *FURNITURE[rng.randrange(len(FURNITURE))], ""]
            indent = " " * layout.indent if indent == "" else ""
        out.append(f"{indent}{line}" if line else "")
    return "\n".join(out) + "\n"
