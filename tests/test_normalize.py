"""Normalisation: PDF and markdown furniture removed, offsets always map back."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from comparator.documents import Document
from comparator.segment import segment_document
from comparator.segment.normalize import blocks, clean_markup

from .test_shapes import doc


def texts(raw: str) -> list[str]:
    return [b.text for b in blocks(raw)]


def test_hard_wrapped_lines_join_and_hyphenation_is_repaired() -> None:
    assert texts("Asylum seekers were turned\naway at the port of en-\ntry in El Paso.\n") == [
        "Asylum seekers were turned away at the port of entry in El Paso."
    ]


def test_footnote_numbers_glued_or_floating_are_dropped() -> None:
    assert texts("They were detained.12 Others were not. 3 The rest fled.\n") == [
        "They were detained. Others were not. The rest fled."
    ]


def test_sup_tags_emphasis_and_markdown_headings_are_removed() -> None:
    assert texts("## **Title**\n\nThe *non-refoulement* principle.<sup>4</sup>\n") == [
        "Title",
        "The non-refoulement principle.",
    ]


def test_page_numbers_and_footnote_paragraphs_are_marked() -> None:
    found = blocks("Body text here.\n\n12\n\n<sup>1</sup> A source, 2020.\n")
    assert [(b.text, b.footnote) for b in found] == [
        ("Body text here.", False),
        ("A source, 2020.", True),
    ]


def test_a_paragraph_split_by_a_page_break_is_rejoined_over_its_footnotes() -> None:
    raw = (
        "The migrants on their way to\n\n---\n\n<sup>1</sup> A news report.\n\n"
        "the border were stopped.\n"
    )
    assert texts(raw)[0] == "The migrants on their way to the border were stopped."


def test_title_case_heading_lines_are_split_from_the_paragraph() -> None:
    assert texts(
        "Parole Denials Prolong Detention\nof Asylum Seekers\nThe order calls for detention.\n"
    ) == ["Parole Denials Prolong Detention of Asylum Seekers", "The order calls for detention."]


def test_byte_order_mark_is_ignored_and_offsets_still_map() -> None:
    raw = "\ufeffHello world, this is a letter.\n"
    (b,) = blocks(raw)
    assert b.text == "Hello world, this is a letter."
    assert raw[b.start : b.end] == b.text


def test_offsets_map_every_character_back() -> None:
    raw = "A **bold** claim.<sup>2</sup> More\ntext here.\n"
    mapped = clean_markup(raw)
    for i, ch in enumerate(mapped.text):
        if ch.strip():
            assert raw[mapped.origin[i]] == ch


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400))
def test_arbitrary_text_never_crashes_and_offsets_stay_in_range(raw: str) -> None:
    for b in blocks(raw):
        assert 0 <= b.start <= b.end <= len(raw)
    for role in ("request", "reply"):
        cut = segment_document(doc(raw, role))
        for item in (*cut.concerns, *cut.passages):
            assert 0 <= item.start <= item.end <= len(raw)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "1. Release the detainees.",
                "● The Government should act.",
                "**2. Please explain?**",
                "We urge the Ministry to:",
                "Recommendations",
                "<sup>3</sup> Source.",
                "---",
                "",
                "Dear Sir,",
                "The report found abuses.",
                "a) first; b) second",
                "word-\nbreak here",
            ]
        ),
        max_size=25,
    )
)
def test_letter_like_text_never_crashes(lines: list[str]) -> None:
    raw = "\n\n".join(lines)
    d: Document = doc(raw)
    cut = segment_document(d)
    for c in cut.concerns:
        assert c.text and raw[c.start : c.end].strip()
