"""Linking a reply's quoted recommendation to the request concern it repeats."""

from __future__ import annotations

from dataclasses import replace

from .lexical import stems
from .segment import LABEL, Concern, ReplyPassage


def link_quoted(
    concerns: list[Concern], passages: list[ReplyPassage]
) -> tuple[list[Concern], list[ReplyPassage]]:
    """A reply that quotes a request's recommendation answers that very concern.

    The quote is found by its words (a bare "Recommendation 4" label by the paragraph
    quoted under it), since responses often number recommendations differently from the
    report. The request's concern takes the quoted item's answer as its own paired answer;
    the quoted copy, and paragraphs that only repeat the request's text, are dropped, so the
    recommendation is counted once and the quote is never taken for an answer.
    """
    requests = [c for c in concerns if not c.quoted]
    words = {c.concern_id: set(stems(c.text)) for c in requests}
    by_id = {p.passage_id: p for p in passages}
    linked: dict[str, Concern] = {}
    dropped: set[str] = set()
    for q in (c for c in concerns if c.quoted):
        probes = [q.text]
        if LABEL.fullmatch(q.text.strip()) or len(q.text.split()) < 12:
            probes += [by_id[pid].text for pid in q.paired_passages[:1]]
        target = _best_request(probes, q.number, requests, words)
        if target is None:
            continue
        r = linked.get(target.concern_id, target)
        copies = {
            pid
            for pid in q.paired_passages
            if _contained(set(stems(by_id[pid].text)), words[r.concern_id]) >= 0.8
        }
        answer = tuple(pid for pid in q.paired_passages if pid not in copies)
        linked[r.concern_id] = replace(r, paired_passages=r.paired_passages + answer)
        dropped |= copies | {q.concern_id}
        for pid in answer:
            by_id[pid] = replace(by_id[pid], answers=r.concern_id)
    kept = [linked.get(c.concern_id, c) for c in concerns if c.concern_id not in dropped]
    return kept, [by_id[p.passage_id] for p in passages if p.passage_id not in dropped]


LINK_CONTAINMENT = 0.7


def _best_request(
    probes: list[str], number: str, requests: list[Concern], words: dict[str, set[str]]
) -> Concern | None:
    """The request concern that a quoted item repeats (most of its words), if any."""
    best: tuple[float, bool] = (0.0, False)
    found: Concern | None = None
    for probe in (set(stems(p)) for p in probes):
        if len(probe) < 4:
            continue
        for r in requests:
            score = (_contained(probe, words[r.concern_id]), r.number.lower() == number.lower())
            if score > best:
                best, found = score, r
    return found if best[0] >= LINK_CONTAINMENT else None


def _contained(part: set[str], whole: set[str]) -> float:
    """Share of `part`'s content words that also occur in `whole`."""
    return len(part & whole) / len(part) if len(part) >= 3 else 0.0
