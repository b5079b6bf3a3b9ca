"""Key concepts of a concern: whole noun phrases, as a researcher would name them.

A concept is a noun phrase from TextBlob's English chunker (the Pattern parser, whose
tagger lexicon ships inside the package: nothing is downloaded), with the prepositional
tails that make it one thing ("best interests of the child", "alternative measures to the
deprivation of liberty"). Coordinated nouns are concepts of their own ("children",
"families"). Phrases made only of framing and procedural words ("the necessary measures",
"the possibility", "information") are no concepts; a framing head before "of" is dropped
and its tail kept ("the existence of alternative measures" → "alternative measures").

Concepts are matched in a reply by their content stems (framing words left out), so
"detention of children" is found in "child detention"; the cosine fallback in `signals`
matches them by meaning. The chunker costs an NLTK import (seconds), so what it computed
is kept in a small content-addressed store beside the embedding cache: a warm re-run
imports neither NLTK nor torch.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import atomic
from .files import read_regular
from .lexical import StemText, inverted_index, stem, stopwords
from .segment.asks import imperative_start

if TYPE_CHECKING:
    from .config import Config
    from .segment import Segmentation

# Words that frame an ask, or a procedure, rather than name what is asked about. They are
# kept inside a phrase ("alternative measures to…") but never make a concept alone and
# never count when a concept is looked for in a reply.
FRAMING = frozenset(
    """
    please provide information any additional comment comments may have above-mentioned
    mentioned allegations allegation specific details detail indicate intends intend
    take taken measures measure government governments your ensure guarantee
    guaranteeing guarantees adopt adopting necessary including include includes well
    also like likewise particularly especially notably already currently current longer
    order effective effectively mainly many various several certain existing would could
    shall must should need needs needed among within without upon whether via i.e e.g
    etc always new one two way ways means related regarding respect relevant above below
    following further observe apply available line commit addressing address regardless
    achieve purpose course generate offer seek seeks aimed propose proposed
    consider considering put act acts case cases response responses person persons
    people individual individuals state issue issues matter matters area areas effort
    efforts step steps action actions continue support supporting develop developing
    strengthen encourage promote promoting allow number numbers observing noting context
    relation regard terms light basis meantime possibility existence addition policy
    policies appropriate adequate sufficient all such other possible concrete specific
    account view part kind type types form forms extent manner use party
    parties information measures steps need view status situation practice practices
    level levels process processes provision provisions others principle
    principles consideration states committee particular accordance compliance fact circumstances
    paragraph paragraphs rule rules procedure year years adoption observation observations
    recommendation recommendations implementation
    january february march april may june july august september october november december
    """.split()  # noqa: SIM905
)

# Heads that name a concept only with their tail: "the right to life", "rights of the child".
NEEDS_TAIL = frozenset(("right", "rights"))
# Prepositions whose phrase names part of the same thing: "access to justice", "violence
# against women", "moratorium on executions", "children in detention".
TAIL_PREPOSITIONS = frozenset("of to for against on in from under".split())  # noqa: SIM905
MAX_TAILS = 2
MAX_CONTENT_WORDS = 6


@dataclass(frozen=True)
class Concept:
    """A key concept of a concern: its phrase as written, and its content stems."""

    phrase: str
    stems: tuple[str, ...]


@dataclass(frozen=True)
class _Token:
    word: str
    tag: str
    chunk: str  # B-NP, I-NP, B-PP, B-VP, O…
    pnp: str  # B-PNP, I-PNP or O


def _content(word: str) -> bool:
    w = word.lower()
    if w in POSSESSIVES:
        return False
    return bool(re.search(r"[a-z]", w)) and w not in stopwords() and w not in FRAMING


POSSESSIVES = frozenset(("'s", "’s", "'", "’"))


def _joined(words: Sequence[str]) -> str:
    """The phrase as written: no space before a comma or a possessive ("children's",
    "Ombudspersons' offices"), none around a hyphen the tokenizer split off."""
    out = ""
    for w in words:
        glued = w in ("'s", "’s", "'", "’") or w.startswith(",") or w == "-" or out.endswith("-")
        out += w if glued or not out else " " + w
    return out


def concept_of(words: Sequence[str]) -> Concept | None:
    """The concept a phrase names, or None when only framing and stopwords remain."""
    key = tuple(stem(w) for w in words if _content(w))
    if not key:
        return None
    phrase = _joined(words)
    return Concept(phrase, tuple(dict.fromkeys(key)))


def _parse(text: str) -> list[list[_Token]]:
    from textblob.en import parse  # lazy: imports NLTK

    tagged = parse(text, tokenize=True, tags=True, chunks=True, relations=False, lemmata=False)
    out: list[list[_Token]] = []
    for line in tagged.split("\n"):
        toks = []
        for item in line.split(" "):
            parts = item.split("/")
            if len(parts) < 4:
                continue
            word = "/".join(parts[:-3]).replace("&slash;", "/")
            toks.append(_Token(word, parts[-3], parts[-2], parts[-1]))
        if toks:
            out.append(_possessives_joined(toks))
    return out


def _possessives_joined(toks: list[_Token]) -> list[_Token]:
    """The tokenizer cuts "children's" into "children ' s": one possessive token again,
    inside the noun phrase."""
    out: list[_Token] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if t.word in ("'", "’") and out and out[-1].chunk.endswith("-NP"):
            glued = t.word + "s" if nxt is not None and nxt.word == "s" else t.word
            out.append(_Token(glued, "POS", "I-NP", t.pnp))
            i += 2 if glued.endswith("s") else 1
            continue
        out.append(t)
        i += 1
    return out


def _noun_phrases(sentence: list[_Token]) -> list[tuple[int, int]]:
    """[start, end) spans of noun phrases: a chunk is cut at a determiner inside it, and at a
    coordinating conjunction or comma once it holds a noun, so each coordinated noun is its
    own phrase while coordinated modifiers stay with theirs ("national and transnational
    mechanisms"). A participle before a noun phrase modifies it ("prolonged detention")
    unless an auxiliary precedes it ("were granted approval")."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    name_joined = False
    for i, t in enumerate(sentence):
        in_np = _nominal(sentence, i)
        joint = t.tag in ("CC", ",")
        has_noun = start is not None and any(x.tag.startswith("NN") for x in sentence[start:i])
        ahead = i + 1 < len(sentence) and _nominal(sentence, i + 1)
        if start is not None and joint and ahead and not has_noun:
            continue  # "orderly, safe, and responsible channels"
        if start is not None and t.tag == "CC" and _inside_a_name(sentence, i):
            name_joined = True
            continue  # "Customs and Border Patrol", "Civil and Political Rights"
        if name_joined:
            name_joined = False
            continue
        cut = start is not None and (
            (t.chunk == "B-NP" and has_noun and sentence[i - 1].tag != "POS")
            or not in_np
            or joint
            or (t.tag in ("DT", "PRP$", "PDT") and i > start)
        )
        if cut and start is not None:
            spans.append((start, i))
            start = None
        if in_np and not joint and start is None:
            start = i
    if start is not None:
        spans.append((start, len(sentence)))
    return [
        (_coordinated_start(sentence, a, spans[n - 1][1] if n else 0), b)
        for n, (a, b) in enumerate(spans)
    ]


def _coordinated_start(sentence: list[_Token], a: int, floor: int) -> int:
    """Where a phrase starts with the adjectives coordinated before it: "orderly, safe, and
    responsible channels", "missing or deceased migrants"."""
    if not sentence[a].tag.startswith("JJ"):
        return a
    j, start, joined = a - 1, a, False
    while j >= floor:
        t = sentence[j]
        if t.tag in ("CC", ","):
            joined = joined or t.tag == "CC"
        elif t.tag.startswith("JJ") or (t.tag in ("VBG", "VBN") and sentence[j + 1].tag == "CC"):
            start = j
        else:
            break
        j -= 1
    return start if joined else a


DETERMINERS = ("DT", "PDT", "PRP$")


def _inside_a_name(sentence: list[_Token], i: int) -> bool:
    """A conjunction between two capitalised words of one chunk joins parts of a name."""
    if i == 0 or i + 1 >= len(sentence):
        return False
    before, after = sentence[i - 1], sentence[i + 1]
    return (
        before.tag.startswith("NNP")
        and after.tag.startswith(("NNP", "JJ"))
        and after.chunk.endswith("-NP")
        and before.word[:1].isupper()
        and after.word[:1].isupper()
    )


AUXILIARIES = frozenset(
    "be is are was were been being have has had will would shall should must may can".split()  # noqa: SIM905
)
LIMB = re.compile(r"^(?:[a-z]|[ivx]+|\d+)[.)]$")


def _nominal(sentence: list[_Token], i: int) -> bool:
    t = sentence[i]
    nxt = sentence[i + 1] if i + 1 < len(sentence) else None
    prev = sentence[i - 1] if i else None
    if LIMB.match(t.word):
        return False
    if prev is not None and prev.tag == "TO" and nxt is not None and nxt.tag in DETERMINERS:
        return False  # a verb the tagger took for a noun: "to end the detention"
    if prev is not None and prev.tag == "MD":
        return False  # after a modal comes a verb: "must end"
    if t.chunk.endswith("-NP"):
        return True
    if (
        t.tag in ("VBN", "VBG")
        and nxt is not None
        and nxt.chunk == "B-NP"
        and nxt.tag.startswith(("JJ", "NN"))
    ):
        return prev is None or (prev.tag.startswith("VB") and prev.word.lower() not in AUXILIARIES)
    # a noun the tagger took for an adjective after a preposition ("of non-refoulement")
    return (
        t.chunk == "B-ADJP"
        and prev is not None
        and prev.tag in ("IN", "TO")
        and (nxt is None or not nxt.chunk.endswith("-NP"))
    )


def _trim(sentence: list[_Token], span: tuple[int, int]) -> tuple[int, int]:
    """Without leading determiners, possessives, numbers and framing modifiers."""
    a, b = span
    while a < b and (
        sentence[a].tag in ("DT", "PDT", "PRP$", "CD") or not _content(sentence[a].word)
    ):
        if all(not _content(t.word) for t in sentence[a:b]):
            break  # all framing: left to the caller to drop
        a += 1
    return a, b


def _ends_wanting(words: Sequence[str]) -> bool:
    """The phrase ends in a head that needs its tail: "… of the rights" takes "of migrants"."""
    content = [w.lower() for w in words if _content(w)]
    return bool(content) and content[-1] in NEEDS_TAIL


def _phrases(sentence: list[_Token]) -> Iterable[list[str]]:
    spans = _noun_phrases(sentence)
    starts = {a: (a, b) for a, b in spans}
    used: set[int] = set()
    for span in spans:
        if span[0] in used:
            continue
        a, b = _trim(sentence, span)
        words = [t.word for t in sentence[a:b]]
        if not any(_content(w) for w in words):
            words = []  # a framing head: "the existence of X" names X
        tails = 0
        while (tails < MAX_TAILS or _ends_wanting(words)) and b < len(sentence) - 1:
            prep = sentence[b]
            nxt = starts.get(b + 1)
            if prep.word.lower() not in TAIL_PREPOSITIONS or nxt is None:
                break
            tail = [t.word for t in sentence[nxt[0] : nxt[1]]]
            if not any(map(_content, tail)) and words:
                break  # "harassment against them", "for the 25,000 people"
            if sum(_content(w) for w in words + tail) > MAX_CONTENT_WORDS:
                break
            used.add(nxt[0])
            if words:
                words += [prep.word, *tail]
                tails += 1
            else:
                ta, tb = _trim(sentence, nxt)
                words = [t.word for t in sentence[ta:tb] if any(map(_content, tail))]
            b = nxt[1]
        lone = [w.lower() for w in words if _content(w)]
        if set(lone) <= NEEDS_TAIL:
            continue  # "the right" to a verb: what is claimed is in the verb's phrase
        if not all(t.tag.startswith("VB") for t in sentence[a:b] if t.word in words):
            yield words  # not a lone verb form the chunker took for a noun ("reducing")


def phrases(text: str, imperative: bool = False) -> list[list[str]]:
    """The words of each noun phrase of a text, in order. With `imperative`, the opening
    word is the ask's verb ('End expedited removals'), never a noun, whatever the tagger
    guessed, unless the tagger read it as a proper noun."""
    out: list[list[str]] = []
    for n, sentence in enumerate(_parse(text)):
        if imperative and n == 0 and sentence and not sentence[0].tag.startswith("NNP"):
            # a proper noun opens a title ("Cabinet Office leadership …"), not an ask
            sentence = [_Token(sentence[0].word, "VB", "B-VP", "O"), *sentence[1:]]
        out.extend(_phrases(sentence))
    return out


def _concepts(phrase_words: Iterable[Sequence[str]]) -> tuple[Concept, ...]:
    """Concepts in order, each once: one whose stems all belong to a longer one of the same
    text ("procedures" beside "access to the procedures") is part of it, not another."""
    found: dict[tuple[str, ...], Concept] = {}
    for words in phrase_words:
        c = concept_of(words)
        if c is not None:
            found.setdefault(c.stems, c)
    return tuple(c for c in found.values() if not any(set(c.stems) < set(other) for other in found))


def key_concepts(text: str, imperative: bool = False) -> tuple[Concept, ...]:
    """The key concepts of a text, computed now (see `ConceptStore` to keep them)."""
    return _concepts(phrases(text, imperative))


def candidates(concept: Concept, postings: dict[str, set[int]]) -> list[int]:
    """Rows that hold enough of the concept's stems to be worth a closer look."""
    k = len(concept.stems)
    need = k if k <= 2 else k - 1
    counts: dict[int, int] = {}
    for s in set(concept.stems):
        for row in postings.get(s, ()):
            counts[row] = counts.get(row, 0) + 1
    return sorted(row for row, n in counts.items() if n >= min(need, len(set(concept.stems))))


def concept_present(concept: Concept, text: StemText) -> bool:
    """All stems of a 1–2 word concept, or all but one of a longer one, occur close together
    (within a few words), so 'free legal assistance' is not found in '…legal investors…
    assistance to refugees', and 'protection of defenders' is not found in 'defenders play
    a critical role'. Order does not matter: 'detention of children' is in 'child detention'."""
    k = len(concept.stems)
    need = k if k <= 2 else k - 1
    hits = sorted((p, s) for s in set(concept.stems) for p in text.positions.get(s, ()))
    if len({s for _, s in hits}) < need:
        return False
    window = k + 2
    return any(
        len({s for p, s in hits[i:] if p - start <= window}) >= need
        for i, (start, _) in enumerate(hits)
    )


def weigh_concepts(
    seg: Segmentation, store: ConceptStore, config: Config
) -> dict[str, tuple[tuple[Concept, float], ...]]:
    """Each concern's key concepts with their weights (see `_informative`)."""
    passage_stems = [StemText(p.text) for p in seg.passages]
    postings = inverted_index(passage_stems)
    seen: dict[tuple[str, ...], int] = {}  # document frequency of each concept, found once
    return {
        c.concern_id: _informative(
            store.of(c.text, imperative_start(c.text)), passage_stems, postings, config, seen
        )
        for c in seg.concerns
    }


def _informative(
    concepts: Sequence[Concept],
    passage_stems: Sequence[StemText],
    postings: dict[str, set[int]],
    config: Config,
    seen: dict[tuple[str, ...], int] | None = None,
) -> tuple[tuple[Concept, float], ...]:
    """Each concept with its weight (smoothed IDF over reply passages); concepts that most
    passages mention ('United States') prove nothing and are dropped. `seen` keeps each
    concept's document frequency across concerns: counted anew for every concern, the
    stage grew with concerns times passages."""
    n = len(passage_stems)
    seen = {} if seen is None else seen
    out = []
    for c in concepts:
        if c.stems not in seen:
            seen[c.stems] = sum(
                concept_present(c, passage_stems[i]) for i in candidates(c, postings)
            )
        df = seen[c.stems]
        if n and df > config.common_concept_share * n:
            continue
        out.append((c, math.log((n + 1) / (df + 1)) + 1.0))
    return tuple(out)


class ConceptStore:
    """Concepts by text, computed once: entries live in JSON shards named by the sha256 of
    their bytes under `folder`; a shard whose bytes do not match its name is not read."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder / f"concepts-{_extractor_key()}" if folder else None
        self._table: dict[str, list[list[str]]] | None = None
        self._new: dict[str, list[list[str]]] = {}

    def _load(self) -> dict[str, list[list[str]]]:
        if self._table is None:
            self._table = {}
            if self.folder is not None and self.folder.is_dir():
                for shard in sorted(self.folder.glob("*.json")):
                    try:
                        data = read_regular(shard)
                    except OSError:  # unreadable, or not a file: computed again
                        continue
                    if hashlib.sha256(data).hexdigest() == shard.stem:
                        self._table.update(json.loads(data))
        return self._table

    def of(self, text: str, imperative: bool = False) -> tuple[Concept, ...]:
        key = hashlib.sha256(f"{int(imperative)}\0{text}".encode()).hexdigest()
        table = self._load()
        if key not in table:
            table[key] = self._new[key] = phrases(text, imperative)
        return _concepts(table[key])

    def save(self) -> str:
        """Write what this run computed (nothing when every text was stored already); a
        store that cannot be written is no error: the run goes on, and says so."""
        if self.folder is None or not self._new:
            return ""
        data = json.dumps(self._new, sort_keys=True, ensure_ascii=False).encode()
        self._new = {}
        try:
            atomic.write_bytes(self.folder / f"{hashlib.sha256(data).hexdigest()}.json", data)
        except OSError as e:
            return (
                f"cannot store key concepts in {self.folder} ({e.strerror}); went on without "
                "storing them, so the next run extracts them again"
            )
        return ""


@lru_cache(maxsize=1)
def _extractor_key() -> str:
    """Names what made the stored concepts: this module's source and the chunker's version,
    so concepts stored by an older extraction are never served."""
    from importlib.metadata import version

    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(version("textblob").encode())
    return digest.hexdigest()[:16]
