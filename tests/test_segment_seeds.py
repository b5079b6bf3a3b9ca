"""Segmentation of the seed corpus: every coded concern found exactly once, nothing else."""

from __future__ import annotations

import csv
import hashlib
import re

import pytest

from comparator.documents import Corpus
from comparator.evaluate import norm
from comparator.segment import segment_corpus, segment_document

from .conftest import SEED_EVAL, check_golden


def gold_rows(name: str) -> list[dict[str, str]]:
    path = SEED_EVAL / name
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_gold_concern_is_exactly_one_concern(seeds: Corpus) -> None:
    concerns = segment_corpus(seeds).concerns
    for row in gold_rows("dev_gold.csv"):
        hits = [
            c.concern_id
            for c in concerns
            if c.doc == row["doc"] and norm(row["anchor"]) in norm(c.text)
        ]
        assert len(hits) == 1, f"{row['anchor']!r} found in {hits}"
        kind = next(c.kind for c in concerns if c.concern_id == hits[0])
        assert kind == row["kind"]


def test_no_two_gold_anchors_share_a_concern(seeds: Corpus) -> None:
    concerns = segment_corpus(seeds).concerns
    anchors = [norm(r["anchor"]) for r in gold_rows("dev_gold.csv")]
    for c in concerns:
        assert sum(a in norm(c.text) for a in anchors) <= 1, c.concern_id


def test_no_negative_becomes_a_concern(seeds: Corpus) -> None:
    concerns = segment_corpus(seeds).concerns
    for row in gold_rows("dev_negatives.csv"):
        assert not [c.concern_id for c in concerns if norm(row["anchor"]) in norm(c.text)]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("001", {"theme": 6}),
        ("003", {"recommendation": 5}),
        ("004", {"principle": 4, "recommendation": 14}),
        ("002", {"demand": 8}),
        ("000", {"question": 7}),
    ],
)
def test_concern_counts_per_seed(seeds: Corpus, doc: str, expected: dict[str, int]) -> None:
    document = next(d for d in seeds.documents if d.doc_id == doc)
    kinds = [c.kind for c in segment_document(document).concerns]
    assert {k: kinds.count(k) for k in set(kinds)} == expected


def test_no_narrative_signatory_or_footnote_text_in_requests(seeds: Corpus) -> None:
    texts = " | ".join(norm(c.text) for c in segment_corpus(seeds).concerns)
    for forbidden in (
        "sincerely",
        "washington office on latin america",
        "available at:",
        "in november 2016, a guatemalan woman",
        "we look forward to engaging",
        "inicia registro de personas",
        "the trump administration should rescind",
    ):
        assert forbidden not in texts


def test_sections_and_addressees(seeds: Corpus) -> None:
    by_id = {c.concern_id: c for c in segment_corpus(seeds).concerns}
    assert by_id["004-R05"].section == (
        "3. The strengthening of asylum systems in Mexico and other countries in the region"
    )
    assert by_id["003-R03"].addressee == "the Department of Homeland Security"
    assert by_id["003-R01"].addressee == "the Trump Administration"
    assert by_id["002-D04"].addressee == "the U.S. government"
    assert [p.label for p in by_id["002-D03"].parts] == ["a"]


def test_split_recommendation_across_page_break_is_rejoined(seeds: Corpus) -> None:
    last = {c.concern_id: c for c in segment_corpus(seeds).concerns}["003-R05"]
    assert "access to immigration custody hearings for asylum seekers, and ensure" in last.text


def test_quoted_question_pairs_with_the_reply_up_to_the_next_question(seeds: Corpus) -> None:
    seg = segment_corpus(seeds)
    q4 = next(c for c in seg.concerns if c.concern_id == "000-Q04")
    texts = [p.text for p in seg.passages if p.passage_id in q4.paired_passages]
    assert texts[0].startswith("USCIS has issued notices")
    assert texts[-1].startswith("The United States also encourages States")


def test_offsets_point_back_into_the_source(seeds: Corpus) -> None:
    seg = segment_corpus(seeds)
    docs = {d.name: d.text for d in seeds.documents}
    for item in (*seg.concerns, *seg.passages):
        source = docs[item.doc][item.start : item.end]
        first = re.findall(r"[A-Za-z]{4,}", item.text)[:3]
        for word in first:
            assert word in source, (getattr(item, "concern_id", None), word)


def test_segmentation_golden(seeds: Corpus) -> None:
    seg = segment_corpus(seeds)
    lines = [
        f"{c.concern_id}\t{c.kind}\t{c.section[:50]}\t{c.number}\t{c.addressee}\t"
        f"{' '.join(c.text.split()[:8])}"
        for c in seg.concerns
    ]
    lines += [
        f"{p.passage_id}\t{p.answers}\t{len(p.sentences)}\t{' '.join(p.text.split()[:8])}"
        for p in seg.passages
    ]
    check_golden("seeds_segmentation.tsv", "\n".join(lines) + "\n")


def test_the_copied_reference_is_the_recorded_one() -> None:
    """The copies in tests/fixtures/eval have the hashes SOURCE.md records for the shared
    originals."""
    recorded = dict(
        re.findall(r"\| (\S+\.csv) \| ([0-9a-f]{64}) \|", (SEED_EVAL / "SOURCE.md").read_text())
    )
    assert set(recorded) == {"dev_gold.csv", "dev_negatives.csv"}
    for name, digest in recorded.items():
        assert hashlib.sha256((SEED_EVAL / name).read_bytes()).hexdigest() == digest
