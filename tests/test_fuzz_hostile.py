"""Fuzz (issue 13): documents with markup brackets, control characters, very long numbering,
CR line ends and duplicate file stems never crash, keep ids unique and map offsets back."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparator.corpus import load_corpus
from comparator.export import SEGMENT_COLUMNS, read_rows, segment_rows, to_csv
from comparator.report import plain
from comparator.rows import SegmentRow
from comparator.segment_report import render_segmentation

from .conftest import assert_ids_unique

NOISE = st.sampled_from(
    ["[/bold]", "[red]", "[link=http://x]", "\x1b[2J", "\x1b]0;t\x07", "\x07", "\x9b", "=1+2",
     "@A1", "-", ":warning:", "\u202e"]
)  # fmt: skip
WORDS = st.sampled_from(
    ["Please", "provide", "information", "on", "the", "detention", "of", "children", "urge",
     "Government", "should", "release", "asylum", "seekers", "measures", "taken"]
)  # fmt: skip


@st.composite
def item(draw: st.DrawFn) -> str:
    number = draw(st.one_of(st.integers(1, 20), st.integers(990, 1010), st.integers(1, 10**7)))
    words = draw(st.lists(st.one_of(WORDS, NOISE), min_size=1, max_size=12))
    return f"{number}. {' '.join(words)}."


@st.composite
def document(draw: st.DrawFn) -> str:
    lines = ["We urge the Government to:", *draw(st.lists(item(), min_size=1, max_size=8))]
    ending = draw(st.sampled_from(["\n", "\r", "\r\n", "mixed"]))
    if ending != "mixed":
        return ending.join(lines) + ending
    return "".join(line + ("\r", "\r\n", "\n")[i % 3] for i, line in enumerate(lines))


STEMS = st.sampled_from(["007_a", "007_b", "007-a", "007 a", "x" * 40 + "1", "x" * 40 + "2"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(STEMS, document(), min_size=1, max_size=4))
def test_hostile_documents_never_crash_and_offsets_map_back(docs: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for stem, text in docs.items():
            (root / f"{stem}.txt").write_bytes(text.encode("utf-8"))
        corpus = load_corpus(root)
        seg = assert_ids_unique(corpus)
        texts = {d.name: d.text for d in corpus.documents}
        for c in seg.concerns:
            source = texts[c.doc]
            assert 0 <= c.start <= c.end <= len(source)
            for word in re.findall(r"[A-Za-z]{4,}", c.text)[:3]:
                assert word in source[c.start : c.end], (c.concern_id, word)
        shown = plain(lambda console: render_segmentation(console, corpus, seg))
        assert "\x1b" not in shown and "\x9b" not in shown
        rows = segment_rows(seg, {d.name: d.role for d in corpus.documents})
        (root / "seg.csv").write_text(to_csv(rows, SEGMENT_COLUMNS), newline="")
        assert read_rows(root / "seg.csv", SegmentRow) == rows
