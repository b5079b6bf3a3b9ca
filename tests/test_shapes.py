"""Each list shape the segmenter must read, on small hand-made letters."""

from __future__ import annotations

import hashlib
from pathlib import Path

from comparator.documents import Document
from comparator.segment import Concern, ReplyPassage, segment_document


def doc(text: str, role: str = "request", name: str = "x.txt") -> Document:
    return Document(
        Path(name),
        "X",
        role,
        "",
        "",
        "",
        "",
        "en",
        text,  # type: ignore[arg-type]
        hashlib.sha256(text.encode()).hexdigest(),
    )


def concerns(text: str, role: str = "request") -> list[Concern]:
    return segment_document(doc(text, role)).concerns


def passages(text: str) -> list[ReplyPassage]:
    return segment_document(doc(text, "reply")).passages


def test_numbered_demands_under_a_lead_in() -> None:
    found = concerns(
        "Dear Minister,\n\nWe are deeply concerned.\n\nWe urge the Ministry of Justice to:\n\n"
        "1. Release all detained journalists.\n2. Repeal the 2019 press law.\n\n"
        "We thank you for your attention.\n"
    )
    assert [(c.kind, c.number, c.addressee) for c in found] == [
        ("demand", "1", "the Ministry of Justice"),
        ("demand", "2", "the Ministry of Justice"),
    ]
    assert found[0].concern_id == "X-D01"


def test_bullets_under_numbered_areas_keep_their_section() -> None:
    found = concerns(
        "We urge that the strategy incorporate the following recommendations:\n\n"
        "1. Access to justice\n\n● The Government should fund legal aid\nfor all detainees.\n\n"
        "● The Government should train judges.\n\n2. Housing\n\n"
        "● The Government should build shelters.\n\nIn summary, we hope for progress.\n"
    )
    assert [(c.kind, c.section) for c in found] == [
        ("recommendation", "1. Access to justice"),
        ("recommendation", "1. Access to justice"),
        ("recommendation", "2. Housing"),
    ]
    assert found[0].text == "The Government should fund legal aid for all detainees."


def test_principles_list_is_its_own_kind() -> None:
    found = concerns(
        "We urge that you consider the following principles.\n\n"
        "● The plan must protect asylum.\n\n● The plan must consult civil society.\n"
    )
    assert [c.kind for c in found] == ["principle", "principle"]


def test_urges_list_with_items_separated_only_by_blank_lines() -> None:
    found = concerns(
        "Recommendations\nRights First urges the\nDepartment of Labor to:\n\n\n"
        "Stop the practice of deporting\nworkers without a hearing.\n\n\n"
        "Ensure that every inspector follows\nthe directive, and publish\n\n"
        "results every year.\n"
    )
    assert [c.text for c in found] == [
        "Stop the practice of deporting workers without a hearing.",
        "Ensure that every inspector follows the directive, and publish results every year.",
    ]
    assert {c.addressee for c in found} == {"the Department of Labor"}
    assert {c.kind for c in found} == {"recommendation"}


def test_examples_after_a_colon_are_not_concerns() -> None:
    assert (
        concerns(
            "Some examples of this practice include:\n\n\nIn May a woman was "
            "turned away.\n\n\nA man was detained for a year.\n"
        )
        == []
    )


def test_bold_and_italic_questions_quoted_in_a_reply() -> None:
    text = (
        "Dear Rapporteur:\n\nThank you for your letter.\n\n"
        "**1. Please provide information on the detention of children.**\n\n"
        "The Ministry held 87 children in 2023.\n\n"
        "***2. Cooperation with countries of origin:***\n\n"
        "States should cooperate with each other on migration.\n"
    )
    cut = segment_document(doc(text, "reply"))
    assert [(c.kind, c.quoted) for c in cut.concerns] == [("question", True), ("theme", True)]
    assert [p.answers for p in cut.passages] == ["X-Q01", "X-T01"]
    assert cut.concerns[0].paired_passages == ("X-P01",)


def test_a_replys_own_should_sentences_are_not_concerns() -> None:
    text = (
        "Dear colleagues:\n\n1. What is being done about trafficking?\n\n"
        "States should prosecute traffickers. Governments must protect victims. "
        "We encourage all countries to ratify the Protocol.\n"
    )
    found = concerns(text, "reply")
    assert [c.text for c in found] == ["What is being done about trafficking?"]


def test_should_sentences_in_a_request_narrative_are_not_concerns() -> None:
    assert (
        concerns(
            "The Administration should rescind this order. It must uphold the "
            "law.\n\nThe border has been closed since March.\n"
        )
        == []
    )


def test_numbered_questions_in_a_request() -> None:
    found = concerns(
        "1. Please explain the legal basis for the arrests.\n\n"
        "2. What measures have been taken to investigate?\n"
    )
    assert [c.kind for c in found] == ["question", "question"]


def test_lettered_sub_items_are_addressable_parts() -> None:
    found = concerns(
        "We call on the Government to:\n\n1. Reform the law, noting that: "
        "a. detention is a last resort; b. children are never detained.\n"
    )
    assert [(p.label, p.text) for p in found[0].parts] == [
        ("a", "detention is a last resort;"),
        ("b", "children are never detained."),
    ]


def test_a_list_stays_with_its_lead_sentence_in_a_reply() -> None:
    found = passages(
        "Dear colleagues:\n\nOur programme has three strands, which include:\n\n"
        "- training for border officials;\n- legal aid for detainees; and\n"
        "- monitoring by the ombudsman.\n\nFunding was doubled in 2022 for all "
        "three strands of the programme.\n"
    )
    assert len(found) == 2
    assert found[0].text.count("\n") == 3
    assert len(found[0].sentences) == 4


def test_passages_carry_sentences_from_the_splitter() -> None:
    found = passages(
        "Dear colleagues:\n\nThe U.S. Department of State funded 12 shelters in "
        "2021. Mr. Smith visited them. Each one has a nurse on site.\n"
    )
    assert found[0].sentences == (
        "The U.S. Department of State funded 12 shelters in 2021.",
        "Mr. Smith visited them.",
        "Each one has a nurse on site.",
    )
