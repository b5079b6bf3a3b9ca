"""Words: stemming (Snowball via PyStemmer) and look-ups of a text's stems."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|\d+(?:[.,]\d+)*")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS) | {"us", "u.s", "also", "upon", "shall", "must", "may"}


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import Stemmer

    return Stemmer.Stemmer("english")


# English plurals that Snowball leaves alone, so "detention of children" is found in "child
# detention" and "women" in "woman".
IRREGULAR_PLURALS = {
    "children": "child",
    "women": "woman",
    "men": "man",
    "people": "person",
    "feet": "foot",
    "teeth": "tooth",
    "mice": "mouse",
    "geese": "goose",
    "lives": "life",
    "wives": "wife",
    "criteria": "criterion",
    "phenomena": "phenomenon",
}


def stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    return str(_stemmer().stemWord(IRREGULAR_PLURALS.get(w, w)))  # type: ignore[attr-defined]


def words(text: str) -> list[str]:
    return WORD.findall(text)


def stems(text: str) -> list[str]:
    """Content-word stems of a text (stopwords dropped)."""
    stop = stopwords()
    return [stem(w) for w in words(text) if w.lower() not in stop]


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
