"""Linking replies to the request concerns they answer: by key, by quote, by position list.

- Key: a reply passage under "Rec. 18", "Recommendation 32a", "Recs. 6–13" answers the
  request concern of that key. When the reply numbers recommendations in its own scheme
  (1–163 for a report's 115.1–115.163), the one prefix mapping that fits is used and said.
- Quote: a reply that restates a request's concern (a quoted question, a numbered
  "We recommend…" paragraph, or a keyed restatement) answers that very concern; the
  restatement itself is dropped, so it is never taken for the answer.
- Position list: "accepts the recommendations 1–5, 14–16" states a position on each of
  those concerns; the list sentence's passage is their answer unless a keyed note says more.
- Cross-reference: a keyed answer that only says "See recommendation 24" also takes 24's
  answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ..lexical import stems
from ..position import Position, stance_of, stance_phrase
from .asks import is_directive, is_interrogative
from .markers import key_lists
from .records import Concern, ReplyPassage

LINK_CONTAINMENT = 0.7
RESTATEMENT_CONTAINMENT = 0.8
SAME_KEY_CONTAINMENT = 0.5
QUOTE_CONTAINMENT = 0.9
QUOTE_MIN_STEMS = 6
SHARED_RUN = 3  # words in a row that a reply sentence and the ask both have: the ask's words
# Auxiliaries and copulas: a statement's finite verb ("is guaranteed", "has ratified", "will
# publish"); an ask's verbs are imperatives, modals and subjunctives ("Guarantee…", "should
# publish", "That… be reviewed").
FINITE_VERBS = frozenset(
    {"is", "are", "was", "were", "has", "have", "had", "will", "would", "does", "did", "do",
     "can", "cannot", "may", "been"}
)  # fmt: skip
CROSS_REFERENCE = re.compile(
    r"^(?:rec\w*\.?\s+[\d.–-]+\s+)?(?:please\s+)?(?:see|refer to)\b.{0,40}?\b"
    r"(?:recommendations?|paragraphs?|recs?\.)\s",
    re.I,
)
QUOTED_PHRASE = re.compile(r"[“\"]([^”\"]{8,})[”\"]")


@dataclass
class Links:
    """The state of linking for one corpus: concerns by id and passages by id."""

    concerns: dict[str, Concern]
    passages: dict[str, ReplyPassage]
    dropped: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)

    def pair(self, cid: str, pids: Iterable[str], how: str, lent: bool = False) -> None:
        c = self.concerns[cid]
        new = tuple(p for p in pids if p not in c.paired_passages and p not in self.dropped)
        link = c.link if c.link in ("key", "quote") else how
        self.concerns[cid] = replace(
            c,
            paired_passages=c.paired_passages + new,
            link=link,  # type: ignore[arg-type]
            lent_passages=c.lent_passages + (new if lent else ()),
        )
        for pid in new:
            p = self.passages[pid]
            if not p.answers:
                self.passages[pid] = replace(p, answers=cid)


def link_replies(
    concerns: list[Concern], passages: list[ReplyPassage]
) -> tuple[list[Concern], list[ReplyPassage], list[str]]:
    """Concerns with their paired answers and link kind, the passages left, and notes."""
    links = Links({c.concern_id: c for c in concerns}, {p.passage_id: p for p in passages})
    _link_quoted(links)
    mapping = _key_mapping(links)
    _link_keys(links, mapping)
    _link_position_lists(links, mapping)
    _link_cross_references(links, mapping)
    _link_follow_up_requests(links)
    _drop_restatements(links)
    kept = [c for c in links.concerns.values() if c.concern_id not in links.dropped]
    left = [p for p in links.passages.values() if p.passage_id not in links.dropped]
    order = {c.concern_id: n for n, c in enumerate(concerns)}
    kept.sort(key=lambda c: order[c.concern_id])
    return kept, left, links.notes


# --- quotes -------------------------------------------------------------------------------


def _link_quoted(links: Links) -> None:
    """A reply's quoted item answers the request concern whose words it repeats; the quoted
    copy, and paragraphs that only repeat the request's text, are dropped."""
    requests = [c for c in links.concerns.values() if not c.quoted]
    words = {c.concern_id: set(stems(c.text)) for c in requests}
    for q in [c for c in links.concerns.values() if c.quoted]:
        probes = [q.text]
        if len(q.text.split()) < 12:
            probes += [links.passages[pid].text for pid in q.paired_passages[:1]]
        targets = _same_key(q, requests, words) or [
            t for t in [_best_request(probes, q.number, requests, words)] if t is not None
        ]
        if not targets:
            continue
        whole = set().union(*(words[t.concern_id] for t in targets))
        text = " ".join(t.text for t in targets)
        copies = {pid for pid in q.paired_passages if _is_copy(links.passages[pid], whole, text)}
        links.dropped |= copies | {q.concern_id}
        for target in targets:
            answer = [p for p in q.paired_passages if p not in copies]
            links.pair(target.concern_id, answer, "quote")


def _same_key(q: Concern, requests: list[Concern], words: dict[str, set[str]]) -> list[Concern]:
    """A quoted paragraph that carries a request key ('8.7 We further recommend…') and
    repeats most of the words of that key's asks answers all of them (a paragraph with two
    ask sentences is two concerns)."""
    if not q.key:
        return []
    same = [r for r in requests if r.key == q.key]
    if not same:
        return []
    whole = set().union(*(words[r.concern_id] for r in same))
    # "8.7" names one paragraph of one report; a bare "1." could be anyone's first item
    needed = SAME_KEY_CONTAINMENT if "." in q.key else LINK_CONTAINMENT
    return same if _contained(set(stems(q.text)), whole) >= needed else []


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


# --- keys ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyMapping:
    """How the reply's keys name the request's: directly, or with a prefix ('18' → '115.18')."""

    prefix: str = ""

    def request_key(self, reply_key: str) -> str:
        return f"{self.prefix}{reply_key}" if self.prefix else reply_key


def _request_keys(links: Links) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for c in links.concerns.values():
        if c.key and not c.quoted:
            keys.setdefault(c.key, []).append(c.concern_id)
    return keys


def _reply_keys(links: Links) -> set[str]:
    found = {k for p in links.passages.values() for k in p.keys}
    for p in links.passages.values():
        for s in p.sentences:
            if stance_of(s):
                found.update(key_lists(s))
    return found


def _key_mapping(links: Links) -> KeyMapping:
    """The mapping under which most of the reply's keys name a request concern."""
    request = _request_keys(links)
    reply = _reply_keys(links)
    if not request or not reply:
        return KeyMapping()
    prefixes = {k.rsplit(".", 1)[0] + "." for k in request if "." in k}
    best, best_hits = KeyMapping(), _hits(reply, request, KeyMapping())
    for prefix in sorted(prefixes):
        mapping = KeyMapping(prefix)
        hits = _hits(reply, request, mapping)
        if hits > best_hits:
            best, best_hits = mapping, hits
    if best.prefix:
        links.notes.append(
            f"the reply numbers recommendations in its own scheme: its '{min(reply, key=_n)}' "
            f"is the request's '{best.request_key(min(reply, key=_n))}' (prefix "
            f"'{best.prefix}' fits {best_hits} of its {len(reply)} keys)"
        )
    return best


def _n(key: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", key)) or (0,)


def _hits(reply: set[str], request: dict[str, list[str]], mapping: KeyMapping) -> int:
    return sum(bool(_concerns_of(mapping.request_key(k), request)) for k in reply)


def _concerns_of(key: str, request: dict[str, list[str]]) -> list[str]:
    """Concerns a key names: its own and its limbs' ('32' → '32', '32(a)'…); failing those,
    the nearest one it sits in ('4(a)(i)' → '4(a)'; '32(a)' names limb (a), not the
    chapeau of 32)."""
    out = [c for k, cids in request.items() if k == key or k.startswith(key + "(") for c in cids]
    if out:
        return out
    ancestors = [k for k in request if key.startswith(k + "(")]
    return list(request[max(ancestors, key=len)]) if ancestors else []


def _link_keys(links: Links, mapping: KeyMapping) -> None:
    """Each keyed section answers the concerns of its key, unless the sections restate
    recommendations whose keys are mostly other ones: then the numbers are the reply's own
    (a response numbering only the recommendations of a report that numbers conclusions
    too) and each section answers the recommendation it restates."""
    request = _request_keys(links)
    sections: dict[tuple[str, ...], list[str]] = {}
    for p in links.passages.values():
        if p.keys:
            sections.setdefault(p.keys, []).append(p.passage_id)
    named = {
        keys: list(
            dict.fromkeys(c for k in keys for c in _concerns_of(mapping.request_key(k), request))
        )
        for keys in sections
    }
    asks = [c for c in links.concerns.values() if not c.quoted]
    words = {c.concern_id: set(stems(c.text)) for c in asks}
    restated = {keys: _restated(links, pids, asks, words) for keys, pids in sections.items()}
    agree = sum(bool(r) and bool(set(r) & set(named[k])) for k, r in restated.items())
    clash = sum(bool(r) and not set(r) & set(named[k]) for k, r in restated.items())
    own_numbering = clash > agree
    if own_numbering:
        links.notes.append(
            f"the reply's recommendation numbers are its own ({clash} of its keyed answers "
            "restate a recommendation of another number): each is linked to the "
            "recommendation it restates"
        )
    for keys, pids in sections.items():
        cids = restated[keys] if own_numbering else named[keys]
        if not cids:
            continue
        pids = [p for p in pids if not _restates(links, p, cids, words)]
        for cid in cids:
            links.pair(cid, _within(links, pids, cid, cids), "quote" if own_numbering else "key")


def _restated(
    links: Links, pids: list[str], requests: list[Concern], words: dict[str, set[str]]
) -> list[str]:
    """The request concerns (one paragraph's) that a keyed section's opening restates."""
    for pid in pids[:2]:
        probe = set(stems(links.passages[pid].text))
        best = _best_request([links.passages[pid].text], "", requests, words) or _quoting(
            probe, requests, words
        )
        if best is None:
            continue
        same = [c for c in requests if best.key and c.key == best.key and c.doc == best.doc]
        group = same or [best]
        whole = set().union(*(words[c.concern_id] for c in group))
        if _overlap(probe, whole) >= LINK_CONTAINMENT:
            return [c.concern_id for c in group]
    return []


def _quoting(
    probe: set[str], requests: list[Concern], words: dict[str, set[str]]
) -> Concern | None:
    """The concern a passage quotes whole, with a sentence of context around it."""
    best = max(requests, key=lambda c: _contained(words[c.concern_id], probe), default=None)
    if best is None or _contained(words[best.concern_id], probe) < RESTATEMENT_CONTAINMENT:
        return None
    return best if len(probe) <= 3 * len(words[best.concern_id]) else None


def _overlap(passage: set[str], ask: set[str]) -> float:
    """How much a passage and an ask are the same words, either way round."""
    return max(_contained(passage, ask), _contained(ask, passage))


def _restates(links: Links, pid: str, cids: list[str], words: dict[str, set[str]]) -> bool:
    """The reply quoting the ask back ('Recommendation 4: The Government should…')."""
    passage = links.passages[pid]
    if any(_is_copy(passage, words[c], links.concerns[c].text) for c in cids):
        links.dropped.add(pid)
        return True
    return False


def _quotes_ask(passage: ReplyPassage, ask: set[str], ask_text: str) -> bool:
    """A reply passage that carries an ask word for word inside a directive sentence ("The
    Government should provide a detailed plan…") quotes the request, however much of the
    request's surrounding paragraph it quotes too; a government does not direct itself."""
    if len(ask) < QUOTE_MIN_STEMS or _contained(ask, set(stems(passage.text))) < QUOTE_CONTAINMENT:
        return False
    if any(_own_stance(s, ask, ask_text) for s in passage.sentences):
        return False
    return any(is_directive(s) for s in passage.sentences)


def _is_copy(passage: ReplyPassage, ask: set[str], ask_text: str) -> bool:
    """A passage made of the ask's own words, stating no position of its own and adding
    nothing in its own voice: "The government supports the recommendation that every
    provider should…" repeats the ask too, but it is the answer, and so is "Access to free
    legal aid is guaranteed to every detained asylum seeker" under the ask's key."""
    words = set(stems(passage.text))
    if _contained(words, ask) < RESTATEMENT_CONTAINMENT and not (
        _contained(ask, words) >= RESTATEMENT_CONTAINMENT and len(words) <= 3 * len(ask)
    ):
        return False
    if any(_own_stance(s, ask, ask_text) for s in passage.sentences):
        return False
    return not any(_answers(s, ask_text) for s in passage.sentences)


def _answers(sentence: str, ask_text: str) -> bool:
    """A statement in the reply's own voice: not an ask's grammar (a directive, a question),
    and the words it does not share with the ask (runs of `SHARED_RUN` words the ask has
    too are shared) hold a finite verb of its own ("is guaranteed", "are published", "has
    ratified"). A quote of the ask, whole or in part, with a label or a heading before it,
    holds none."""
    if is_directive(sentence, after_directive=True) or is_interrogative(sentence):
        return False
    words = re.findall(r"\w+", sentence.lower())
    asked = re.findall(r"\w+", ask_text.lower())
    runs = {tuple(asked[i : i + SHARED_RUN]) for i in range(len(asked) - SHARED_RUN + 1)}
    shared = [False] * len(words)
    for i in range(len(words) - SHARED_RUN + 1):
        if tuple(words[i : i + SHARED_RUN]) in runs:
            shared[i : i + SHARED_RUN] = [True] * SHARED_RUN
    return any(w in FINITE_VERBS for w, s in zip(words, shared, strict=True) if not s)


def _own_stance(sentence: str, ask: set[str], ask_text: str) -> bool:
    """A sentence stating a position of the reply's own. One copied from the ask ("• …
    and whether these recommendations have been accepted or rejected;" quoted back) states
    the ask's words, not the reply's position: its stance phrase is in the ask as written,
    and so is nearly all the rest of it."""
    phrase = _norm(stance_phrase(sentence))
    if not phrase:
        return False
    copied = phrase in _norm(ask_text)
    return not (copied and _contained(set(stems(sentence)), ask) >= RESTATEMENT_CONTAINMENT)


def _within(links: Links, pids: list[str], cid: str, cids: list[str]) -> list[str]:
    """Inside a keyed answer, a sub-heading that quotes one limb's words ('A. "abolishing
    solitary confinement of minors"') answers that limb only."""
    if len(cids) == 1:
        return pids
    out = []
    for pid in pids:
        quote = QUOTED_PHRASE.search(links.passages[pid].section)
        if quote is None:
            out.append(pid)
            continue
        phrase = _norm(quote.group(1))
        owners = [c for c in cids if phrase in _norm(links.concerns[c].text)]
        if not owners or cid in owners:
            out.append(pid)
    return out


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[“”\"'’]", "", text).lower().split())


def _drop_restatements(links: Links) -> None:
    """Any reply passage that only quotes a request's ask back ('8.5. We urge ministers to…'
    in a response that restates before answering) is dropped: never evidence."""
    requests = [c for c in links.concerns.values() if not c.quoted]
    words = {c.concern_id: set(stems(c.text)) for c in requests}
    by_stem: dict[str, list[str]] = {}
    for cid, ws in words.items():
        for w in ws:
            by_stem.setdefault(w, []).append(cid)
    # each ask indexed by its two rarest stems: a passage quoting it holds one of them
    by_rarest: dict[str, list[str]] = {}
    for cid, ws in words.items():
        for w in sorted(ws, key=lambda w: (len(by_stem[w]), w))[:2]:
            by_rarest.setdefault(w, []).append(cid)
    for pid, p in list(links.passages.items()):
        if pid in links.dropped:
            continue
        mine = set(stems(p.text))
        rare = sorted(mine, key=lambda w: (len(by_stem.get(w, ())), w))[:8]
        candidates = {c for w in rare for c in by_stem.get(w, ())}
        candidates |= {c for w in mine for c in by_rarest.get(w, ())}
        # a quote of a whole list ("8.21 … (a) … (b) …") repeats several asks at once
        quoted = sorted(c for c in candidates if _contained(words[c], mine) >= LINK_CONTAINMENT)
        texts = {c: links.concerns[c].text for c in candidates}
        if (
            any(_is_copy(p, words[c], texts[c]) for c in candidates)
            or (
                len(quoted) > 1
                and _is_copy(
                    p, set().union(*(words[c] for c in quoted)), " ".join(texts[c] for c in quoted)
                )
            )
            or any(_quotes_ask(p, words[c], texts[c]) for c in candidates)
        ):
            links.dropped.add(pid)
    for cid, c in list(links.concerns.items()):
        kept = tuple(p for p in c.paired_passages if p not in links.dropped)
        if kept != c.paired_passages:
            links.concerns[cid] = replace(c, paired_passages=kept)


# --- position lists and cross-references --------------------------------------------------


def _link_position_lists(links: Links, mapping: KeyMapping) -> None:
    request = _request_keys(links)
    for p in list(links.passages.values()):
        for s in p.sentences:
            position = stance_of(s)
            keys = key_lists(s)
            if position is None or (len(keys) < 2 and p.keys != ()):
                continue
            for k in keys:
                for cid in _concerns_of(mapping.request_key(k), request):
                    _list_position(links, cid, position, p.passage_id, s)


def _list_position(links: Links, cid: str, position: Position, pid: str, sentence: str) -> None:
    c = links.concerns[cid]
    if c.listed_position[0]:
        return
    links.concerns[cid] = replace(c, listed_position=(position.value, sentence))
    links.pair(cid, [pid], "key")


def _link_cross_references(links: Links, mapping: KeyMapping) -> None:
    request = _request_keys(links)
    answers = {
        cid: [p for p in c.paired_passages if not _is_cross_reference(links.passages[p].text)]
        for cid, c in links.concerns.items()
    }
    for cid, c in list(links.concerns.items()):
        for pid in c.paired_passages:
            text = links.passages[pid].text
            if not _is_cross_reference(text):
                continue
            for k in key_lists(text):
                for other in _concerns_of(mapping.request_key(k), request):
                    if other != cid:
                        links.pair(cid, answers[other], "key", lent=True)


def _link_follow_up_requests(links: Links) -> None:
    """An ask for information on other asks ("…information on the implementation of the
    recommendations made in paragraphs 20, 24 and 32") is answered by their answers."""
    request = _request_keys(links)
    for cid, c in list(links.concerns.items()):
        if c.quoted or c.paired_passages:
            continue
        named = [o for k in key_lists(c.text) for o in _concerns_of(k, request) if o != cid]
        answers = [p for o in dict.fromkeys(named) for p in links.concerns[o].paired_passages]
        if answers:
            links.pair(cid, answers, "key", lent=True)


def _is_cross_reference(text: str) -> bool:
    return bool(CROSS_REFERENCE.match(text.strip())) and len(text.split()) <= 16
