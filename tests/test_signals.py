"""Each signal on small hand-made texts."""

from __future__ import annotations

import numpy as np
import pytest

from comparator.concepts import concept_present, key_concepts
from comparator.config import Config
from comparator.lexical import StemText
from comparator.match import Evidence
from comparator.position import stated_position
from comparator.score import Reason, Stance, Verdict, decide
from comparator.signals import Coverage, Cue, coverage, cues_in, read_evidence, specificity


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("The Government remains firmly committed to the protection of human rights.", Cue.GENERAL),
        ("Human rights defenders play a critical role in society.", Cue.GENERAL),
        ("For more information, please visit www.example.gov.", Cue.REDIRECT),
        ("The matter is pending litigation before the federal courts.", Cue.REDIRECT),
        ("We encourage all countries to ratify the Protocol.", Cue.SHIFT),
        ("States should prosecute traffickers.", Cue.SHIFT),
        ("There are no new developments to report.", Cue.NO_INFORMATION),
        ("The United States is a global leader on refugee matters.", Cue.BOILERPLATE),
        ("The Ministry will not end the practice.", Cue.REFUSAL),
        ("The Government has no plans to change the law.", Cue.REFUSAL),
        ("Non-immigrants are not eligible to petition.", Cue.POSITION),
    ],
)
def test_cue_detected(sentence: str, cue: Cue) -> None:
    assert cue in cues_in(sentence)


def test_plain_factual_sentence_has_no_cue() -> None:
    assert cues_in("DHS terminated the programme on 16 August 2017.") == ()


def test_specificity_rewards_numbers_bodies_and_decisions() -> None:
    assert specificity("DHS terminated the CAM programme on 16 August 2017.") == 1.0
    assert specificity("Migration policies should respect dignity.") == 0.0


def test_key_concepts_drop_the_framing_of_the_ask() -> None:
    assert (
        key_concepts(
            "Please provide any additional information and any comment you may "
            "have on the above-mentioned allegations."
        )
        == ()
    )
    phrases = [c.phrase for c in key_concepts("What channels exist for family reunification?")]
    assert phrases == ["channels", "family reunification"]
    assert [c.phrase for c in key_concepts("End expedited removals.", imperative=True)] == [
        "expedited removals"
    ]


def test_multiword_concepts_must_appear_together() -> None:
    (concept,) = key_concepts("free legal assistance")
    assert concept_present(concept, StemText("They receive free legal assistance today."))
    assert not concept_present(
        concept,
        StemText(
            "Legal investors come to invest in factories, farms and mines; many years later the "
            "ministry began giving assistance to refugees."
        ),
    )


def test_coverage_lists_covered_and_missing_and_weighs_them() -> None:
    concepts = key_concepts("medical services and detention conditions")
    cov = coverage(
        concepts,
        "Detention conditions improved.",
        np.zeros((2, 4)),
        np.zeros((1, 4)),
        0.9,
        weights=[3.0, 1.0],
    )
    assert cov.covered == ("detention conditions",)
    assert cov.missing == ("medical services",)
    assert cov.share == pytest.approx(0.25)


def evidence(paired: bool = True, dense: float = 0.5) -> Evidence:
    return Evidence("R-P01", 1, dense, 1.0, 0.6, "s", 0.5, paired)


def signals(share: float, sentences: list[str]) -> object:
    cov = Coverage(("a",), ("b",), False, share, 1 - share)
    return read_evidence(sentences, cov)


SPECIFIC = "The Ministry held 1,204 people in 2023."
SHIFT = "We encourage all States to do more."
REFUSAL_WORDS = "The Ministry will not release them."
REJECTED = "The Government does not accept this recommendation."
NOTED = "The Government takes note of this recommendation."


def stance(sentences: list[str], own_answer: bool) -> Stance:
    """The position the sentences state about the ask, as the pipeline reads it."""
    position, sentence = stated_position(sentences, lambda s: False, own_answer=own_answer)
    return Stance(position, False, sentence)


@pytest.mark.parametrize(
    ("share", "sentences", "paired", "dense", "reason"),
    [
        (0.8, [SPECIFIC], True, 0.5, Reason.DIRECT),
        (0.3, [SPECIFIC], True, 0.5, Reason.PARTIAL),
        (0.8, [SPECIFIC, SHIFT], True, 0.5, Reason.SHIFT),
        (0.05, [SPECIFIC], True, 0.5, Reason.OFF_TARGET),
        (0.8, ["Migration should be safe and orderly."], True, 0.5, Reason.GENERAL),
        (0.3, [SPECIFIC], False, 0.5, Reason.OFF_TARGET),
        (0.05, [SPECIFIC], False, 0.5, Reason.NO_MATCH),
        (0.05, [SPECIFIC], False, 0.9, Reason.OFF_TARGET),
        # refusal words are an explicit position, not a rejection stated about the ask
        (0.5, [REFUSAL_WORDS], True, 0.5, Reason.PARTIAL),
        (0.05, [REFUSAL_WORDS], True, 0.5, Reason.OFF_TARGET),
        (0.05, [REJECTED], True, 0.5, Reason.REFUSAL),
        (0.05, [REJECTED], False, 0.5, Reason.REFUSAL),
        (0.05, [NOTED], True, 0.5, Reason.POSITION),
        (0.05, [NOTED], False, 0.5, Reason.POSITION),
        (0.8, [SPECIFIC, NOTED], True, 0.5, Reason.DIRECT),
    ],
)
def test_decision_rules(
    share: float, sentences: list[str], paired: bool, dense: float, reason: Reason
) -> None:
    decision = decide(
        evidence(paired, dense),
        signals(share, sentences),  # type: ignore[arg-type]
        share,
        Config(),
        written_for_it=paired,
        stance=stance(sentences, own_answer=paired),
    )
    assert decision.reason == reason
    assert 0.5 <= decision.confidence <= 0.95


def test_no_reply_passages_means_ignored() -> None:
    assert decide(None, None, 0.0, Config()).verdict == Verdict.IGNORED
