"""Concerns of a request, read off its outline.

An ask is (1) a numbered paragraph, limb or sentence that directs the addressee ("The State
party should…", "The Committee recommends…"), each lettered limb a concern of its own with
its chapeau as context; (2) an item of a list announced by a request lead-in ("we urge … to:",
"The recommendations listed below…:"); (3) an item of a "Recommendations" chapter (where a
chapter mixes conclusions and recommendations, the ones that recommend); (4) a "Recommendation
N" label's text; (5) a numbered question anywhere. Never a loose "should" in narrative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..documents import Document
from ..lexical import stems
from .asks import imperative_start, is_directive, is_interrogative, split_means, split_sentences
from .markers import LABEL, Marker
from .normalize import TERMINAL
from .outline import Block, Outline, is_title, locate
from .records import KIND_CODES, Concern, ConcernKind, ConcernPart

RECOMMEND_CUE = re.compile(r"\b(?:recommends?|urges?|calls? (?:on|upon)|should|must|shall)\b", re.I)
BACK_MATTER = re.compile(
    r"^(?:appendix|annex|glossary|references|bibliography|index|list of|"
    r"acknowledg|abbreviations|endnotes|notes|composition of the delegation)\b",
    re.IGNORECASE,
)
MAX_LABEL_BLOCKS = 12
SUB_ITEM = re.compile(r"(?:(?<=[:;])|(?<=[:;] ))\s*\(?([a-z])[.)]\s+(?=\w)")
REQUEST_CUE = re.compile(
    r"\b(?:urges?|urging|recommends?|recommendations?|calls? (?:on|upon)|requests?|asks?|"
    r"demands?|invites?)\b",
    re.IGNORECASE,
)
ADDRESSEE = re.compile(
    r"\b(?:urges?|calls? (?:on|upon)|asks?|requests?|invites?)\s+(?!that\b|you\b)(?P<who>.{3,120}?)"
    r"\s+to\b",
    re.IGNORECASE,
)
# "…three aspects which demand action:" — the things demand it, nobody asks: not a lead-in
ASPECTS_DEMAND = re.compile(
    r"\b(?:which|that)\s+(?:urgently\s+)?(?:demand|require|call for|request)s?\b", re.I
)
SALUTATION = re.compile(r"^(?:dear|sincerely|yours|best regards|kind regards|cc:)\b", re.I)
# "(Croatia);", "(Iran (Islamic Republic of));", "(Senegal, Sierra Leone, Peru)." — who made
# a UPR recommendation, printed after it.
SOURCE_TAIL = re.compile(r"\s*\((?P<src>[A-Z][^()]*(?:\([^()]*\)[^()]*)*)\)\s*[;.,]?\s*$")
SOURCE_SHARE = 0.8


@dataclass
class _ListContext:
    kind: ConcernKind
    addressee: str
    unmarked_ok: bool
    marked: bool | None = None  # set by the first item: a list is marked or it is not
    within_heading: bool = False  # opened by a "Recommendations" heading: spans sub-headings
    shape: str = ""  # set by the first marked item: "number:1" for 115.1, "bullet:0"…
    itemised: bool = False  # a chapter whose numbered paragraphs all recommend: one each
    summary: bool = False  # a "conclusions and recommendations" chapter: the report's list


@dataclass
class _Cut:
    doc: Document
    concerns: list[Concern] = field(default_factory=list)
    lists: list[list[int]] = field(default_factory=list)  # concern starts, per list

    def add(
        self,
        block: Block,
        kind: ConcernKind,
        section: str,
        addressee: str,
        *,
        text: str | None = None,
        context: str = "",
        span: tuple[int, int] | None = None,
    ) -> Concern:
        body = (text if text is not None else block.body).strip()
        number = block.marker.value if block.marker and block.marker.kind == "number" else ""
        start, end = span or (block.start, block.end)
        concern = Concern(
            concern_id="",
            doc=self.doc.name,
            kind=kind,
            text=body,
            section=section,
            number=number,
            addressee=addressee,
            start=start,
            end=end,
            parts=split_parts(body),
            label=block.label,
            key=block.key,
            context=context,
        )
        self.concerns.append(concern)
        return concern


def cut_request(doc: Document, outline: Outline) -> list[Concern]:
    """Every concern of a request, in document order, with ids per kind."""
    cut = _Cut(doc)
    _walk(cut, list(outline.blocks))
    _attach_sources(cut)
    return _renumber(doc, cut.concerns)


def _renumber(doc: Document, concerns: list[Concern]) -> list[Concern]:
    """Ids follow the order of the concerns in the document, per kind."""
    concerns = sorted(concerns, key=lambda c: c.start)
    counters: dict[str, int] = {}
    out = []
    for c in concerns:
        code = KIND_CODES[c.kind]
        counters[code] = counters.get(code, 0) + 1
        out.append(replace(c, concern_id=f"{doc.doc_id}-{code}{counters[code]:02d}"))
    return out


def _shape(m: Marker | None) -> str:
    if m is None:
        return ""
    return f"{m.kind}:{m.value.count('.')}" if m.kind == "number" else m.kind


def _walk(cut: _Cut, items: list[Block]) -> None:
    section = ""
    ctx: _ListContext | None = None
    labelled: dict[str, tuple[list[Block], str]] = {}
    skip: set[int] = set()
    back_matter = False
    chapter: _ListContext | None = None  # opened by a "…Recommendations" heading
    chapter_level = ""
    in_chapter: set[int] = set()
    in_bold: set[int] = set()
    in_list_chapter: set[int] = set()  # items of a chapter that lists recommendations only
    in_summary: set[int] = set()  # asks of a "conclusions and recommendations" chapter
    for i, block in enumerate(items):
        if i in skip:
            continue
        following = items[i + 1] if i + 1 < len(items) else None
        text = block.text
        if SALUTATION.match(text):
            section = ""  # what came before 'Dear …' was the address block, not a heading
            continue
        if block.kind == "label" and LABEL.match(text) and not block.keys[1:]:
            run = _label_run(items, i)
            labelled[block.key or block.marker.value] = (run, section)  # type: ignore[union-attr]
            skip.update(range(i, i + len(run)))
            continue
        if _is_numbered_heading(block, following):
            section = text
            continue
        if block.heading or (_recommendations_heading(text) and block.kind != "number"):
            section = text
            if chapter is not None and _signature(block) == chapter_level:
                chapter = ctx = None  # the next chapter of the same level
            if "recommend" in text.lower():
                chapter = _ListContext("recommendation", "", True, within_heading=True)
                chapter.itemised = _itemised(items, i)
                # "Summary of conclusions and recommendations": a committee report's list
                chapter.summary = bool(re.search(r"\bconclusions?\b", text, re.I))
                chapter_level = _signature(block)
                back_matter = False
                ctx = replace(chapter)
            elif BACK_MATTER.match(block.body):
                chapter, ctx, back_matter = None, None, True
            elif ctx is None or not ctx.within_heading:
                ctx = replace(chapter) if chapter else None
            continue
        if back_matter:
            continue  # appendices: calls for evidence, witness lists, glossaries
        lead = _lead_in(text, section)
        if lead:
            ctx = lead
            cut.lists.append([])
            continue
        marked = block.marker is not None and block.kind in ("number", "bullet", "limb")
        before = len(cut.concerns)
        in_list = (
            ctx is not None
            and (not ctx.within_heading or ctx.itemised)
            and _continues_list(ctx, block, marked)
        )
        if marked and is_interrogative(text):
            cut.add(block, "question", section, ctx.addressee if ctx else "")
        elif chapter is not None and _titled_item(cut, items, i, section, skip):
            ctx = replace(chapter)
        elif (
            block.kind == "number"
            and not in_list
            and _directive_paragraph(cut, items, i, section, skip)
        ):
            ctx = replace(chapter) if chapter else None
        elif ctx and _continues_list(ctx, block, marked):
            ctx.marked = marked
            ctx.shape = ctx.shape or _shape(block.marker)
            cut.add(block, ctx.kind, section, ctx.addressee)
            if cut.lists and not ctx.within_heading:
                cut.lists[-1].append(cut.concerns[-1].start)
        elif chapter and ctx is not chapter:
            # the list ended; the "Recommendations" chapter it sat in goes on
            ctx = replace(chapter)
            if _continues_list(ctx, block, marked):
                ctx.marked = marked
                cut.add(block, ctx.kind, section, ctx.addressee)
        elif not marked and not (ctx and ctx.within_heading):
            ctx = None
        if chapter is not None and len(cut.concerns) > before:
            in_chapter.update(range(before, len(cut.concerns)))
            if chapter.itemised:
                in_list_chapter.update(range(before, len(cut.concerns)))
            elif chapter.summary:
                in_summary.update(range(before, len(cut.concerns)))
            if block.emphasized:
                in_bold.update(range(before, len(cut.concerns)))
    listed = in_list_chapter or in_summary
    if listed:
        # a chapter that lists the recommendations (failing that, one that sums up
        # conclusions and recommendations) states them all: asks elsewhere in the report are
        # its narrative's restatements and discussion
        cut.concerns[:] = [c for n, c in enumerate(cut.concerns) if n in listed]
        in_chapter = set(range(len(cut.concerns)))
    elif in_bold:
        # where a recommendations chapter sets some paragraphs in bold, the bold ones are
        # the recommendations and the rest are conclusions
        keep = [n in in_bold or n not in in_chapter for n in range(len(cut.concerns))]
        in_chapter = {
            m for m, n in enumerate(i for i, k in enumerate(keep) if k) if n in in_chapter
        }
        cut.concerns[:] = [c for c, k in zip(cut.concerns, keep, strict=True) if k]
    chapter_starts = {cut.concerns[n].start for n in in_chapter if n < len(cut.concerns)}
    _add_labelled(cut, labelled)
    # a title ('Learning from the Inquiry') that asks nothing itself is never a concern
    cut.concerns[:] = [
        c for c in cut.concerns if not is_title(c.text) or RECOMMEND_CUE.search(c.text)
    ]
    _drop_repeats(cut, chapter_starts)


def _signature(block: Block) -> str:
    """A heading's level, as its layout shows it: 'A.' letters, '2.' numbers in capitals…"""
    caps = block.body.isupper()
    return f"{block.kind or 'plain'}:{'caps' if caps else 'case'}"


def _itemised(items: list[Block], start: int) -> bool:
    """Does the chapter opened at `start` list numbered recommendations only (its heading
    names nothing else, and its numbered paragraphs recommend), rather than mixing concerns,
    conclusions or findings with recommendations?"""
    if MIXED_CHAPTER.search(items[start].text):
        return False
    numbered: list[Block] = []
    for b in items[start + 1 :]:
        if b.heading and _signature(b) == _signature(items[start]):
            break
        if b.kind == "number" and not b.heading:
            numbered.append(b)
    asking = sum(bool(RECOMMEND_CUE.search(b.text)) for b in numbered)
    return len(numbered) >= 2 and asking >= ITEMISED_SHARE * len(numbered)


ITEMISED_SHARE = 0.8
MIXED_CHAPTER = re.compile(r"\b(?:conclusions?|concerns?|findings?|observations?)\b", re.I)


def _directive_paragraph(
    cut: _Cut, items: list[Block], i: int, section: str, skip: set[int]
) -> bool:
    """A numbered paragraph that directs its addressee: one concern per ask sentence, and one
    per lettered limb (with the chapeau as context). False when it asks nothing."""
    block = items[i]
    limbs = [j for j in range(i + 1, len(items)) if items[j].parent == i and items[j].key]
    limbs = [j for j in limbs if j == i + 1 or j - 1 in limbs or items[j - 1].parent in limbs]
    sentences = split_sentences(block.body)
    lead = sentences[-1] if limbs and sentences and sentences[-1].endswith(":") else ""
    asks = _ask_sentences(sentences if not lead else sentences[:-1])
    if not asks and not (limbs and (is_directive(lead) or _names_means(lead))):
        return False
    at = block.start
    for sentence in asks:
        span = _span(cut.doc.text, sentence, block, at)
        at = span[0] + 1
        cut.add(block, "recommendation", section, "", text=sentence, span=span)
    for j in limbs:
        skip.add(j)
        limb = items[j]
        at = limb.start
        for n, sentence in enumerate(_limb_asks(limb.body)):
            where = _span(cut.doc.text, sentence, limb, at) if n else (limb.start, limb.end)
            at = where[0] + 1
            cut.add(limb, "recommendation", section, "", text=sentence, context=lead, span=where)
    return True


def _titled_item(cut: _Cut, items: list[Block], i: int, section: str, skip: set[int]) -> bool:
    """In a recommendations chapter, a numbered title ('2. Recognising and remembering what
    happened to people') heads one recommendation: each of its lettered limbs or roman
    leaves is an ask, with the titles above it as context; a title without limbs asks what
    the paragraphs under it say."""
    block = items[i]
    if block.kind != "number" or not is_title(block.body):
        return False
    family: list[int] = []
    for j in range(i + 1, len(items)):
        if items[j].heading or items[j].kind == "number" or items[j].kind == "label":
            break
        family.append(j)
    if not family:
        return False
    skip.update(family)
    keyed = [j for j in family if items[j].key]
    if not keyed:
        # its ask is the first paragraph under it (past any subtitle), if that paragraph asks
        first = next((j for j in family if not is_title(items[j].text)), None)
        if first is None or not _asks(items[first].text):
            return False
        span = (items[first].start, items[first].end)
        text = items[first].text
        cut.add(block, "recommendation", section, "", text=text, context=block.body, span=span)
        return True
    parents = {items[j].parent for j in keyed}
    for n, j in enumerate(keyed):
        if j in parents:
            continue  # a limb with leaves of its own ('(a) Duty of candour (i) …')
        trailing = [k for k in family if k > j and (n + 1 == len(keyed) or k < keyed[n + 1])]
        text = " ".join([items[j].body, *(items[k].text for k in trailing if not items[k].key)])
        limb_title = [items[p].body for p in (items[j].parent,) if p in parents and p != i]
        titles = [block.body, *limb_title]
        span = (items[j].start, items[trailing[-1]].end if trailing else items[j].end)
        cut.add(
            items[j],
            "recommendation",
            section,
            "",
            text=text,
            context=" — ".join(titles),
            span=span,
        )
    return True


def _asks(paragraph: str) -> bool:
    """A paragraph that recommends ('My principal recommendation remains that…') or directs."""
    if re.search(
        r"\b(?:I|we)\s+(?:\w+\s+)?recommend|\brecommendation\s+(?:is|remains)\b", paragraph, re.I
    ):
        return True
    return any(is_directive(s) for s in split_sentences(paragraph))


def _names_means(lead: str) -> bool:
    return bool(re.search(r"\b(?:by|through|including)\s*:$", lead))


def _ask_sentences(sentences: tuple[str, ...] | list[str]) -> list[str]:
    """The directive sentences of a paragraph, each means ('by A-ing and B-ing') apart."""
    asks: list[str] = []
    previous = False
    for s in sentences:
        previous = is_directive(s, after_directive=previous)
        if previous:
            asks.extend(split_means(s))
    return asks


def _limb_asks(body: str) -> list[str]:
    """A limb is an ask; a later sentence of it that directs again is one more."""
    sentences = list(split_sentences(body))
    if not sentences:
        return []
    asks = [sentences[0]]
    for s in sentences[1:]:
        if is_directive(s, after_directive=True):
            asks.append(s)
        else:
            asks[-1] = f"{asks[-1]} {s}"
    return asks


def _span(raw: str, sentence: str, block: Block, after: int) -> tuple[int, int]:
    start = locate(raw, sentence, min(after, block.end), block.end)
    return start, min(block.end, start + len(sentence))


def _is_numbered_heading(block: Block, following: Block | None) -> bool:
    if block.kind != "number" or block.body.rstrip()[-1:] in TERMINAL:
        return False
    if len(block.body.split()) > 15:
        return False
    return following is not None and following.kind == "bullet"


def _lead_in(text: str, section: str) -> _ListContext | None:
    """A sentence that announces a list of asks: 'X urges Y to:', '…the following principles.'"""
    announces = text.endswith(":") or re.search(r"\bthe following\b[^.:]{0,60}[.:]?$", text, re.I)
    # the sentence that announces the list must be the one that asks ("I also recommend…
    # The rationale … is:" announces reasons)
    last = (split_sentences(text) or ("",))[-1]
    if not REQUEST_CUE.search(last) or not announces or ASPECTS_DEMAND.search(last):
        return None
    low = (text + " " + section).lower()
    kind: ConcernKind = (
        "principle"
        if "principle" in text.lower()
        else "recommendation"
        if "recommend" in low
        else "demand"
    )
    who = ADDRESSEE.search(text)
    return _ListContext(kind, who.group("who").strip() if who else "", text.endswith(":"))


def _recommendations_heading(text: str) -> bool:
    """'Summary of conclusions and recommendations': sentence-case headings count too."""
    return (
        len(text.split()) <= 8
        and text[-1:] not in TERMINAL + ","
        and "recommendation" in text.lower()
    )


def _label_run(items: list[Block], start: int) -> list[Block]:
    """A label block and the paragraphs that follow it, up to the next label or heading."""
    run = [items[start]]
    for block in items[start + 1 : start + MAX_LABEL_BLOCKS]:
        if block.kind == "label" or block.kind == "number" or (block.heading and len(run) > 1):
            break
        run.append(block)
    return run


def _add_labelled(cut: _Cut, labelled: dict[str, tuple[list[Block], str]]) -> None:
    """Labelled recommendations (the last, fullest statement of each number) replace every
    other candidate: summary lists that repeat them, questions asked in the narrative."""
    real = {k: v for k, v in labelled.items() if _states_an_ask(v[0])}
    if not real or not _numbered_from_one(real):
        return
    # a report that labels its recommendations states them there: nothing else counts
    cut.concerns.clear()
    cut.lists.clear()
    for _key, (run, section) in sorted(real.items(), key=lambda kv: kv[1][0][0].start):
        body = " ".join([run[0].body, *(b.text for b in run[1:])]).strip()
        merged = replace(run[0], end=run[-1].end)
        cut.add(merged, "recommendation", section, "", text=body)


def _drop_repeats(cut: _Cut, in_chapter: set[int]) -> None:
    """A report restates its recommendations (a summary chapter, an appendix, inline in the
    narrative): each counts once, as its first statement, or as the chapter's statement
    where there is a recommendations chapter (`in_chapter`: the starts of its concerns)."""
    words = [set(stems(c.text)) for c in cut.concerns]
    order = sorted(
        range(len(cut.concerns)), key=lambda n: (cut.concerns[n].start not in in_chapter, n)
    )
    kept: list[int] = []
    for n in order:
        if len(words[n]) >= 4 and any(_same_ask(words[n], words[k]) for k in kept):
            continue
        kept.append(n)
    cut.concerns[:] = [cut.concerns[n] for n in sorted(kept)]


def _same_ask(a: set[str], b: set[str]) -> bool:
    return len(a & b) >= REPEAT_SHARE * min(len(a), len(b))


REPEAT_SHARE = 0.9


def _numbered_from_one(labelled: dict[str, tuple[list[Block], str]]) -> bool:
    """A report's own recommendations are labelled 1, 2, 3… without gaps; labels that skip
    ('Recommendation 1', '6', '17' quoted from other bodies' reports) are citations."""
    numbers = sorted({int(m.group()) for k in labelled for m in [re.match(r"\d+", k)] if m})
    return bool(numbers) and numbers == list(range(1, len(numbers) + 1))


def _states_an_ask(run: list[Block]) -> bool:
    """A bare label ('Recommendation 5', 'see Recommendation 3') with no text of its own is
    never a concern."""
    body = " ".join([run[0].body, *(b.text for b in run[1:])])
    return len(body.split()) >= 4 and (bool(RECOMMEND_CUE.search(body)) or len(run) > 1)


def _continues_list(ctx: _ListContext, block: Block, marked: bool) -> bool:
    text = block.text
    if ctx.marked is not None and ctx.marked != marked:
        return False
    if ctx.shape and marked and _shape(block.marker) != ctx.shape:
        return False  # "116." after "115.1 … 115.163": the list is over
    if ctx.within_heading and block.kind == "number" and not ctx.itemised:
        return False  # numbered paragraphs of a chapter ask when they direct (see above)
    if ctx.itemised and block.kind == "number":
        return True  # a chapter that lists its recommendations: every numbered item is one
    if ctx.within_heading and not marked and (text[-1:] not in ".;:" or len(text.split()) < 8):
        return False  # a sub-heading inside the chapter, not an unbulleted recommendation
    if ctx.within_heading and block.kind == "bullet" and not ctx.itemised:
        # a bullet of a recommendations chapter asks, or it is the narrative's list
        return bool(RECOMMEND_CUE.search(text)) or imperative_start(block.body)
    return marked or (ctx.unmarked_ok and imperative_start(text) and len(text.split()) >= 4)


def split_parts(text: str) -> tuple[ConcernPart, ...]:
    """Lettered sub-items inline in a concern ('…observing that: a. migration… b. …')."""
    marks = list(SUB_ITEM.finditer(text))
    if not marks or marks[0].group(1) != "a":
        return ()
    parts = []
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        end = nxt.start() if nxt else len(text)
        parts.append(ConcernPart(m.group(1), text[m.end() : end].strip()))
    return tuple(parts)


def _attach_sources(cut: _Cut) -> None:
    """In a list whose items end with who made them ('(Croatia);' — a UPR list), that
    name moves to `source`. Only where most items of the list do it: the layout, not one
    item's brackets, says they name the recommending States."""
    at = {c.start: n for n, c in enumerate(cut.concerns)}
    for starts in cut.lists:
        members = [at[s] for s in starts if s in at]
        tails = [SOURCE_TAIL.search(cut.concerns[n].text) for n in members]
        if not members or sum(t is not None for t in tails) < SOURCE_SHARE * len(members):
            continue
        for n, tail in zip(members, tails, strict=True):
            if tail:
                c = cut.concerns[n]
                text = c.text[: tail.start()].rstrip(" ;,")
                cut.concerns[n] = replace(c, text=text, source=tail.group("src").strip())
