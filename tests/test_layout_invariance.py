"""Layout invariance: a document's concerns (keys and texts, whitespace aside) are the same
however it is laid out — page breaks with running heads, footers, job numbers, page numbers
and document symbols between any two lines; the left indent changed after a break; lines
re-wrapped at another width, or one paragraph per line; words hyphenated at line ends; a
numbered paragraph's directive sentences moved to their own unnumbered paragraph, with or
without a short heading before the next numbered paragraph; bold markers (in a request:
in a reply, bold marks the asks it quotes). Every document of the seeds and of
../shared/corpora is re-laid (tests/relayout.py)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparator.corpus import load_corpus
from comparator.documents import Document
from comparator.segment import segment_document

from .conftest import ROOT, SEEDS
from .relayout import Layout, relayout
from .test_shapes import concerns

CORPORA = ROOT.parent / "shared" / "corpora"
PAIRS = ("denmark-ccpr-2016", "slovenia-upr-2015")
# bounded for `make test`; COMPARATOR_INVARIANCE_EXAMPLES=200 runs a longer search
EXAMPLES = int(os.environ.get("COMPARATOR_INVARIANCE_EXAMPLES", "6"))


def _documents() -> list[Document]:
    docs = list(load_corpus(SEEDS).documents)
    for pair in PAIRS:
        if (CORPORA / pair).is_dir():
            docs += list(load_corpus(CORPORA / pair).documents)
    return docs


DOCUMENTS = _documents()


def _concerns(doc: Document) -> list[tuple[str, str]]:
    return [(c.key, " ".join(c.text.split())) for c in segment_document(doc).concerns]


ORIGINAL = {d.name: _concerns(d) for d in DOCUMENTS}


layouts = st.builds(
    Layout,
    width=st.sampled_from([0, 55, 70, 85, 100, 120]),
    breaks=st.lists(st.integers(0, 4000), max_size=8).map(tuple),
    indent=st.sampled_from([0, 3, 8]),
    hyphenate=st.booleans(),
    bold=st.booleans(),
    move_directives=st.booleans(),
    heading_after_moved=st.booleans(),
    seed=st.integers(0, 10**6),
)


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d.name[:40])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(layout=layouts)
def test_concerns_are_the_same_under_any_layout(doc: Document, layout: Layout) -> None:
    text = relayout(doc.text, layout, doc.role == "request")
    relaid = replace(doc, text=text, sha256=hashlib.sha256(text.encode()).hexdigest())
    assert _concerns(relaid) == ORIGINAL[doc.name]


def test_every_shared_corpus_is_covered() -> None:
    if not CORPORA.is_dir():
        pytest.skip("../shared/corpora is not beside this checkout")
    names = {d.name for d in DOCUMENTS}
    assert {p.name for pair in PAIRS for p in (CORPORA / pair).glob("*.txt")} <= names


UPR_LIST = (
    "II. Conclusions and/or recommendations\n\n"
    "140. The following recommendations will be examined by Utopia, which will provide "
    "responses in due time:\n\n"
    + "".join(
        f"140.{n} Ratify the Optional Protocol number {n} to the Convention against "
        f"Torture (Atlantis);\n"
        for n in range(1, 13)
    )
    + "\n141. All conclusions and/or recommendations contained in the present report "
    "reflect the position of the submitting State(s).\n"
)


def test_a_page_break_and_an_indent_change_inside_a_numbered_list_lose_nothing() -> None:
    lines = UPR_LIST.splitlines()
    at = lines.index(next(x for x in lines if x.startswith("140.8 ")))
    broken = "\n".join(
        [*lines[:at], "", "GE.25-02819", "14", "A/HRC/59/15", ""]
        + ["        " + x if x else x for x in lines[at:]]
    )
    before = concerns(UPR_LIST)
    after = concerns(broken)
    assert [c.key for c in before] == [f"140.{n}" for n in range(1, 13)]
    assert [(c.key, c.text) for c in after] == [(c.key, c.text) for c in before]


CO = (
    "C. Principal matters of concern and recommendations\n\n"
    "Solitary confinement\n\n"
    "5. The Committee is concerned at the use of solitary confinement (arts. 7 and 10). "
    "The State party should bring its practice on solitary confinement in line with the "
    "Nelson Mandela Rules. It should also abolish solitary confinement of minors.\n\n"
    "Racial disparities in the criminal justice system\n\n"
    "6. The Committee is concerned about racial disparities at every stage of the criminal "
    "justice system (arts. 2, 14 and 26). The State party should:\n\n"
    "(a) Collect data on race at every stage of the criminal justice system;\n\n"
    "(b) Review sentencing laws that fall hardest on minorities.\n"
)
CO_UNNUMBERED = (
    "C. Principal matters of concern and recommendations\n\n"
    "Solitary confinement\n\n"
    "5. The Committee is concerned at the use of solitary confinement (arts. 7 and 10).\n\n"
    "**The State party should bring its practice on solitary confinement in line with the "
    "Nelson Mandela Rules. It should also abolish solitary confinement of minors.**\n\n"
    "Racial disparities in the criminal justice system\n\n"
    "6. The Committee is concerned about racial disparities at every stage of the criminal "
    "justice system (arts. 2, 14 and 26).\n\n"
    "**The State party should:**\n\n"
    "**(a) Collect data on race at every stage of the criminal justice system;**\n\n"
    "**(b) Review sentencing laws that fall hardest on minorities.**\n"
)


def test_recommendations_printed_as_their_own_unnumbered_paragraphs_are_the_same_concerns() -> None:
    numbered = [(c.key, c.text, c.rule) for c in concerns(CO)]
    unnumbered = [(c.key, c.text, c.rule) for c in concerns(CO_UNNUMBERED)]
    assert [k for k, _, _ in numbered] == ["5", "5", "6(a)", "6(b)"]
    assert [(k, t) for k, t, _ in unnumbered] == [(k, t) for k, t, _ in numbered]
    assert {r for _, _, r in unnumbered} == {"directive-paragraph", "limb"}
