"""Words: stemming (Snowball via PyStemmer), key concepts of a concern, and BM25 (bm25s)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|\d+(?:[.,]\d+)*")
# Words that frame an ask rather than name what is asked about.
ASK_WORDS = frozenset(
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
    achieve purpose course generate offer taken seek seeks aimed order propose proposed
    consider considering put act acts case cases response responses person persons
    people individual individuals state issue issues matter matters area areas effort
    efforts step steps action actions continue support supporting develop developing
    strengthen encourage promote promoting allow number numbers observing noting context
    relation regard terms light basis meantime possibility existence addition
    """.split()  # noqa: SIM905
)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) | {"us", "u.s", "also", "upon", "shall", "must", "may"}


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word.lower().replace("’", "'")))  # type: ignore[attr-defined]


def words(text: str) -> list[str]:
    return WORD.findall(text)


def stems(text: str) -> list[str]:
    """Content-word stems of a text (stopwords dropped)."""
    stop = _stopwords()
    return [stem(w) for w in words(text) if w.lower() not in stop]


@dataclass(frozen=True)
class Concept:
    """A key concept of a concern: a phrase between stopwords, e.g. 'family reunification'."""

    phrase: str
    stems: tuple[str, ...]


def key_concepts(text: str, imperative: bool = False) -> tuple[Concept, ...]:
    """Phrases a reply must engage with to answer the concern (RAKE-style split at stopwords).

    Ask-framing words ('please provide information on any measures') are dropped, so an
    open question ('any additional information…') has no key concepts. With `imperative`,
    the opening verb of a demand ('End expedited deportations') is dropped too.
    """
    stop = _stopwords() | ASK_WORDS
    if imperative:
        text = re.sub(r"^\s*[A-Z][a-z]+\b", "", text, count=1)
    out: dict[tuple[str, ...], Concept] = {}
    for chunk in re.split(r"[,;:.?!()\[\]“”\"]|\s[-–—]\s|\band/or\b", text):
        run: list[str] = []
        for w in [*words(chunk), ""]:
            if w and w.lower() not in stop and not w.isdigit():
                run.append(w)
                continue
            if run:
                phrase_words = run[-4:]
                key = tuple(stem(x) for x in phrase_words)
                out.setdefault(key, Concept(" ".join(phrase_words), key))
            run = []
    return tuple(out.values())


class StemText:
    """A text as its sequence of content stems, indexed for phrase look-ups."""

    def __init__(self, text: str) -> None:
        self.positions: dict[str, list[int]] = {}
        for i, s in enumerate(stems(text)):
            self.positions.setdefault(s, []).append(i)


def inverted_index(texts: Sequence[StemText]) -> dict[str, set[int]]:
    """stem → rows of the texts that contain it."""
    postings: dict[str, set[int]] = {}
    for i, t in enumerate(texts):
        for s in t.positions:
            postings.setdefault(s, set()).add(i)
    return postings


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
    assistance to refugees'."""
    k = len(concept.stems)
    need = k if k <= 2 else k - 1
    hits = [(p, s) for s in set(concept.stems) for p in text.positions.get(s, ())]
    if len({s for _, s in hits}) < need:
        return False
    if need == 1:
        return True
    hits.sort()
    window = k + 2
    for i, (start, _) in enumerate(hits):
        inside = {s for p, s in hits[i:] if p - start <= window}
        if len(inside) >= need:
            return True
    return False


class LexicalIndex:
    """BM25 over reply passages (bm25s, Snowball stems)."""

    def __init__(self, passages: Sequence[str]) -> None:
        import bm25s

        self._n = len(passages)
        self._retriever = bm25s.BM25()
        self._retriever.index([stems(p) or ["_"] for p in passages], show_progress=False)
        # read once: a copy per query made each query cost the whole vocabulary
        self._vocab = frozenset(self._retriever.vocab_dict)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage for the query (0 where nothing is shared)."""
        tokens = [t for t in stems(query) if t in self._vocab]
        if not tokens or self._n == 0:
            return np.zeros(self._n, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)
