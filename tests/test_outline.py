"""The document outline and the concerns cut from it, on small texts written for the tests:
treaty-body paragraphs with limbs, UPR lists, page furniture, keys and markers."""

from __future__ import annotations

import pytest

from comparator.segment.markers import key_lists, label_keys, parse_marker
from comparator.segment.normalize import clean_markup
from comparator.segment.outline import build_outline

from .test_shapes import concerns, passages

CONCLUDING_OBSERVATIONS = """Committee on Imaginary Rights
CRX/C/ZZZ/CO/3
Distr.: General 3 March 2020

C. Principal matters of concern and recommendations
Prison conditions
12. The Committee is concerned at overcrowding in prisons, which it should address (art. 10).
13. The State party should reduce overcrowding in all prisons. It should also publish monthly occupancy figures. The State party should bring detention in line with the Rules by ending the use of police cells for prisoners and reducing the length of pretrial detention of all suspects.
2
CRX/C/ZZZ/CO/3
GE.20-11111(E)
14. The State party should, while reforming its prisons, respect the rights of detainees. In particular, the State party should:
(a) Ensure that every detainee sees a doctor within a day;
(b) Provide independent complaint procedures. The State party should consider a prison ombudsperson.
15. The Committee requests the State party to submit its next report by 2025.
16. All recommendations above reflect the views of the Committee. They should not be read as findings of fact.
"""


def test_each_directive_sentence_and_each_limb_is_a_concern_with_its_label() -> None:
    found = concerns(CONCLUDING_OBSERVATIONS)
    assert [(c.label, c.text[:40]) for c in found] == [
        ("13", "The State party should reduce overcrowdi"),
        ("13", "It should also publish monthly occupancy"),
        ("13", "The State party should bring detention i"),
        ("13", "reducing the length of pretrial detentio"),
        ("14", "The State party should, while reforming "),
        ("14 (a)", "Ensure that every detainee sees a doctor"),
        ("14 (b)", "Provide independent complaint procedures"),
        ("14 (b)", "The State party should consider a prison"),
        ("15", "The Committee requests the State party t"),
    ]
    limb = next(c for c in found if c.label == "14 (a)")
    assert limb.key == "14(a)"
    assert limb.context == "In particular, the State party should:"
    assert all(c.section == "Prison conditions" for c in found)


def test_concerns_that_ask_nothing_and_disclaimers_are_not_concerns() -> None:
    texts = " ".join(c.text for c in concerns(CONCLUDING_OBSERVATIONS))
    assert "overcrowding in prisons, which" not in texts  # a concern of the Committee's
    assert "should not be read" not in texts  # a disclaimer
    assert "CRX/C/ZZZ" not in texts and "GE.20" not in texts  # page furniture


UPR = """II. Conclusions and/or recommendations
115. The recommendations listed below will be examined by Utopia, which will provide responses in due time:
115.1 Ratify the Optional Protocol to the Convention against Torture (Atlantis);
115.2 Consider ratifying the Convention on Migrant Workers (Erewhon (Republic of), Lilliput);
115.3 Strengthen the national human rights institution in line with the
Paris Principles (Narnia);
116. All conclusions and/or recommendations contained in the present report reflect the position of the submitting State(s). They should not be construed as endorsed by the Working Group as a whole.
"""


def test_upr_list_gives_one_concern_each_with_its_recommending_states() -> None:
    found = concerns(UPR)
    assert [(c.label, c.source) for c in found] == [
        ("115.1", "Atlantis"),
        ("115.2", "Erewhon (Republic of), Lilliput"),
        ("115.3", "Narnia"),
    ]
    assert found[2].text == (
        "Strengthen the national human rights institution in line with the Paris Principles"
    )


def test_recommending_states_stay_in_the_text_when_few_items_name_one() -> None:
    found = concerns(
        "We urge the Ministry to:\n\n1. Close the camp (as promised).\n2. Publish the audit.\n"
        "3. Fund legal aid.\n"
    )
    assert [c.source for c in found] == ["", "", ""]
    assert found[0].text == "Close the camp (as promised)."


def test_numbered_paragraphs_run_together_on_one_line_are_cut_at_the_next_number() -> None:
    found = concerns(
        "6. The Committee notes the report.\n"
        "Detention 7. The Committee is concerned at detention (art. 9). 8. The State party "
        "should end detention of children. Family life 9. The Committee is concerned. "
        "10. The State party should allow family reunification.\n"
    )
    assert [(c.label, c.section) for c in found] == [("8", "Detention"), ("10", "Family life")]


@pytest.mark.parametrize(
    ("text", "kind", "label"),
    [
        ("12. The State", "number", "12"),
        ("115.18 Ratify", "number", "115.18"),
        ("(a) Ensure", "limb", "a"),
        ("- 1. Please provide", "number", "1"),
        ("Rec. 18 We consider", "label", "18"),
        ("Recs. 6–13 The Government", "label", "6–13"),
        ("Recommendation 4a) i) The", "label", "4a) i)"),
        ("A. Introduction", "section", "A"),
    ],
)
def test_one_marker_vocabulary(text: str, kind: str, label: str) -> None:
    m = parse_marker(text)
    assert m is not None and (m.kind, m.value) == (kind, label)


def test_keys_ranges_and_lists() -> None:
    assert label_keys("6–13") == tuple(str(n) for n in range(6, 14))
    assert label_keys("4a) i)") == ("4(a)(i)",)
    assert label_keys("140.82-85, 87") == ("140.82", "140.83", "140.84", "140.85", "140.87")
    assert label_keys("13 (a)") == ("13(a)",)
    assert key_lists("The Government accepts the recommendations 1–3, 7 and 9.") == (
        "1",
        "2",
        "3",
        "7",
        "9",
    )


def test_footnote_stripping_never_removes_a_key() -> None:
    text = clean_markup("Rec. 18      We agree. See para. 5 Then. Done.12 Next\n").text
    assert "Rec. 18" in text and "para. 5" in text and "Done. Next" in text


def test_table_of_contents_and_footnotes_are_not_blocks() -> None:
    raw = (
        "Contents\nSummary 2 1.2 List of Chapters 8 1.3 Recommendations 12 2 Findings 30\n\n"
        "Report of the Inquiry*\n\n1. The Government should act.\n\n"
        "* Adopted by the Inquiry on 1 May.\n"
    )
    outline = build_outline(raw)
    texts = [b.text for b in outline.blocks]
    assert not any("List of Chapters" in t for t in texts)
    assert [f.text for f in outline.footnotes] == ["* Adopted by the Inquiry on 1 May."]


def test_no_reply_passage_is_longer_than_the_cap() -> None:
    sentence = "The Ministry has funded forty new shelters in the northern region this year. "
    cut = passages("1. " + sentence * 60 + "\n\n2. Short answer about the courts here.\n")
    assert max(len(p.text) for p in cut) <= 2000
    assert len(cut) >= 3


INQUIRY = """2. RECOMMENDATIONS
1. The Minister shall publish the compensation rules by 1 May.
2. Any claimant who applies late may still be heard by the panel within a year.
3. The Department should fund legal advice for every claimant.
4. The Post Office must apologise to each claimant in writing.
5. The Minister shall report to Parliament every six months.
3. THE HUMAN IMPACT
3.1. Many witnesses told me that the Department should have acted sooner than it did.
3.2. The earlier inquiry said, in its Recommendation 1: The Board should not be abolished.
3.3. Its Recommendation 6 was in the following terms: the Board should meet monthly.
"""


def test_a_chapter_listing_recommendations_is_the_list_and_quoted_labels_are_citations() -> None:
    found = concerns(INQUIRY)
    assert [c.label for c in found] == ["1", "2", "3", "4", "5"]  # item 2 asks without a modal
    assert all(c.section == "2. RECOMMENDATIONS" for c in found)


def test_a_report_restating_a_recommendation_counts_it_once() -> None:
    text = (
        "Summary of conclusions and recommendations\n\n"
        "1. We recommend that the Government publish its prison data every month.\n\n"
        "Chapter 3 Data\n\n"
        "3.4. We recommend that the Government publish its prison data every month.\n"
    )
    assert [c.label for c in concerns(text)] == ["1"]


def test_reported_speech_is_not_an_ask() -> None:
    found = concerns(
        "12. Witnesses argued that the Government should fund more shelters. "
        "The Government should publish its shelter data every year.\n"
    )
    assert [c.text for c in found] == ["The Government should publish its shelter data every year."]


def test_titled_recommendations_give_one_concern_per_limb_and_page_heads_are_furniture() -> None:
    text = (
        "The Recommendations\n\n"
        "1. Compensation\n\nA compensation scheme should be set up now.\n\n"
        "Recommendations 285\n\n"
        "2. Remembering what happened (a) A permanent memorial be established in the capital.\n\n"
        "(b) A memorial be established at the school.\n\n"
        "Recommendations 286\n\n"
        "3. Learning from the Inquiry\n\n(a) Training should include the lessons of the Inquiry.\n\n"
        "Recommendations 287\n"
    )
    found = concerns(text)
    assert [(c.label, c.text) for c in found] == [
        ("1", "A compensation scheme should be set up now."),
        ("2 (a)", "A permanent memorial be established in the capital."),
        ("2 (b)", "A memorial be established at the school."),
        ("3 (a)", "Training should include the lessons of the Inquiry."),
    ]
    assert found[1].context == "Remembering what happened"


def test_judgements_and_things_that_demand_action_are_not_asks() -> None:
    found = concerns(
        "10. The reliance of the country on satellites should not be understated. "
        "The Government should publish a resilience plan for satellite services.\n\n"
        "In the health service there are three aspects which demand action:\n\n"
        "• First, changing the culture of the service.\n\n• Second, better data.\n"
    )
    assert [c.text for c in found] == [
        "The Government should publish a resilience plan for satellite services."
    ]


def test_a_list_of_reasons_after_a_recommendation_is_not_a_list_of_asks() -> None:
    found = concerns(
        "I also recommend that the committee should review progress every year. "
        "The rationale for a committee is:\n\n"
        "• The reputation for independence which committees have.\n\n"
        "• A 2017 report suggested that committees could examine progress.\n"
    )
    assert not any("reputation" in c.text or "2017 report" in c.text for c in found)


def test_the_mandative_subjunctive_of_formal_recommendations_directs() -> None:
    from comparator.segment.asks import is_directive

    assert is_directive("That a framework be established for recording transfusion outcomes.")
    assert not is_directive("That was the position of the department in 2019.")
