"""Linking replies to the asks they answer — by key, own numbering, position list, quote,
cross-reference — on small texts written for the tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from comparator.documents import Corpus, Document
from comparator.segment import Concern, Segmentation, segment_corpus


def _doc(name: str, role: str, text: str, doc_id: str) -> Document:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return Document(Path(name), doc_id, role, "", "", "", "", "en", text, digest)  # type: ignore[arg-type]


def corpus(request: str, reply: str) -> Segmentation:
    docs = (_doc("req.txt", "request", request, "000"), _doc("rep.txt", "reply", reply, "001"))
    return segment_corpus(Corpus(Path("."), docs, None))


def by_label(seg: Segmentation) -> dict[str, Concern]:
    return {c.label: c for c in seg.concerns if not c.quoted}


def texts(seg: Segmentation, c: Concern) -> list[str]:
    passages = {p.passage_id: p.text for p in seg.passages}
    return [passages[p] for p in c.paired_passages]


UPR = """115. The recommendations listed below will be examined by Utopia:
115.1 Ratify the Optional Protocol to the Convention against Torture (Atlantis);
115.2 Establish a national preventive mechanism without delay (Narnia);
115.3 Ratify the Convention on Migrant Workers and their Families (Lilliput);
116. All conclusions and/or recommendations contained in the present report reflect the position of the submitting States.
"""
UPR_REPLY = """1. This document is the response of the Government of Utopia to the recommendations.
2. The Government accepts the recommendations 1 and 2.
3. The Government notes recommendation 3.
Rec. 2 The national preventive mechanism was established by law on 3 May 2019.
Rec. 3 The Government is currently not planning to ratify the Convention.
"""


def test_a_reply_numbering_in_its_own_scheme_is_mapped_and_said() -> None:
    seg = corpus(UPR, UPR_REPLY)
    concerns = by_label(seg)
    assert all(c.link == "key" for c in concerns.values())
    assert texts(seg, concerns["115.2"])[0].startswith("Rec. 2 The national preventive")
    assert any("own scheme" in w and "115." in w for w in seg.warnings)


def test_position_lists_state_a_position_on_each_listed_ask() -> None:
    concerns = by_label(corpus(UPR, UPR_REPLY))
    assert {k: c.listed_position[0] for k, c in concerns.items()} == {
        "115.1": "accepted",
        "115.2": "accepted",
        "115.3": "noted",
    }
    assert "accepts the recommendations 1 and 2" in concerns["115.1"].listed_position[1]


CO = """20. The State party should combat domestic violence by ensuring effective investigations of every complaint.
24. The State party should abolish solitary confinement of minors.
32. In particular, the State party should:
(a) Ensure respect for the principle of non-refoulement;
(b) Repeal the amendment on the confiscation of assets.
40. The State party is requested to provide, within one year, information on the implementation of the recommendations made in paragraphs 20 and 32 above.
"""
CO_REPLY = """Recommendation 20
1. The police investigate every complaint of domestic violence ex officio.
Recommendation 32a
2. Denmark respects the principle of non-refoulement in every asylum case.
Recommendation 32b
3. The Government does not have any plans on repealing the rules on seizure of assets.
"""


def test_keys_link_limbs_and_no_passage_spans_two_keys() -> None:
    seg = corpus(CO, CO_REPLY)
    concerns = by_label(seg)
    assert texts(seg, concerns["32 (a)"]) == [
        "2. Denmark respects the principle of non-refoulement in every asylum case."
    ]
    assert texts(seg, concerns["32 (b)"])[0].startswith("3. The Government does not have")
    assert concerns["24"].paired_passages == ()  # the reply never names 24


def test_an_ask_for_information_on_other_asks_is_answered_by_their_answers() -> None:
    seg = corpus(CO, CO_REPLY)
    follow_up = by_label(seg)["40"]
    assert follow_up.link == "key"
    assert len(follow_up.paired_passages) == 3


def test_the_reply_quoting_an_ask_back_is_never_its_evidence() -> None:
    request = (
        "Recommendations\n\n1. The Ministry should publish monthly data on detention.\n\n"
        "2. The Ministry should end the detention of children.\n"
    )
    reply = (
        "Recommendation 1\n\nThe Ministry should publish monthly data on detention.\n\n"
        "The Government accepts this recommendation: data are published from June.\n\n"
        "Recommendation 2\n\nThe Ministry should end the detention of children.\n\n"
        "Children are held only as a last resort.\n"
    )
    seg = corpus(request, reply)
    for c in by_label(seg).values():
        assert all("The Ministry should" not in t for t in texts(seg, c))
    assert not any(p.text.startswith("The Ministry should") for p in seg.passages)


def test_a_quoted_ask_that_itself_says_accepted_or_rejected_is_still_a_quote() -> None:
    request = (
        "Recommendations\n\n1. The Ministry should publish a yearly report on its risks. "
        "The report should state which recommendations were accepted or rejected.\n\n"
        "2. The Ministry should end the detention of children.\n"
    )
    reply = (
        "Recommendation 1\n\nThe Ministry should publish a yearly report on its risks. "
        "The report should state which recommendations were accepted or rejected.\n\n"
        "The Government agrees with the importance of transparency on risks.\n\n"
        "Recommendation 2\n\nThe Ministry should end the detention of children.\n\n"
        "Children are held only as a last resort.\n"
    )
    seg = corpus(request, reply)
    answer = texts(seg, by_label(seg)["1"])
    assert answer and all("accepted or rejected" not in t for t in answer), answer
    assert not any("accepted or rejected" in p.text for p in seg.passages)


# The motivating sentence: a UK government response (Mental Health Inpatient Data, 2023)
# answers in the recommendation's own words, with a finite verb of its own ("will inform");
# the near miss quotes a recommendation back with "it should" (UK Covid-19 Inquiry,
# Module 1 response): still a restatement, never the answer.
OWN_WORDS_REQUEST = """The Committee recommends:
1. The output of the ‘measuring what matters’ work should then inform ongoing improvements to quality and safety oversight and support arrangements.
2. Within 6 months of the creation of the group of senior officials, the group should complete a review to simplify and reduce the number of structures responsible for whole-system civil emergency preparedness and resilience.
"""
OWN_WORDS_REPLY = """Government response to the Committee
Recommendation 1
Once confirmed, the outcomes of the ‘measuring what matters’ programme will inform ongoing improvements to quality and safety oversight and support arrangements at a local, regional and national level.
Recommendation 2
Within 6 months of the creation of the group of senior officials, it should complete a review to simplify and reduce the number of structures responsible for whole-system civil emergency preparedness and resilience.
The Government accepts this recommendation and will report on the review next year.
"""


def test_a_keyed_answer_in_the_asks_own_words_is_kept_a_quote_is_not() -> None:
    seg = corpus(OWN_WORDS_REQUEST, OWN_WORDS_REPLY)
    concerns = by_label(seg)
    assert texts(seg, concerns["1"]) == [OWN_WORDS_REPLY.splitlines()[2]]
    assert texts(seg, concerns["2"]) == [OWN_WORDS_REPLY.splitlines()[-1]]
