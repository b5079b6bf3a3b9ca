"""Verdicts: answered / deflected / ignored, each with a reason code and a confidence."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .config import Config
from .match import Evidence
from .signals import Cue, EvidenceSignals


class Verdict(StrEnum):
    ANSWERED = "answered"
    DEFLECTED = "deflected"
    IGNORED = "ignored"


class Reason(StrEnum):
    DIRECT = "answered:direct"
    PARTIAL = "answered:partial"
    REFUSAL = "answered:refusal"
    GENERAL = "deflected:general"
    REDIRECT = "deflected:redirect"
    SHIFT = "deflected:shift"
    OFF_TARGET = "deflected:off-target"
    NO_INFORMATION = "deflected:no-information"
    BOILERPLATE = "deflected:boilerplate"
    NO_MATCH = "ignored:no-match"
    NO_REPLY = "ignored:no-reply"

    @property
    def verdict(self) -> Verdict:
        return Verdict(self.value.split(":")[0])


REASON_OF_CUE = {
    Cue.GENERAL: Reason.GENERAL,
    Cue.REDIRECT: Reason.REDIRECT,
    Cue.SHIFT: Reason.SHIFT,
    Cue.NO_INFORMATION: Reason.NO_INFORMATION,
    Cue.BOILERPLATE: Reason.BOILERPLATE,
}
REASON_TEXT = {
    Reason.DIRECT: "the reply engages the specific ask",
    Reason.PARTIAL: "the reply engages part of the ask",
    Reason.REFUSAL: "the reply states a refusal: an explicit position",
    Reason.GENERAL: "on topic, but restates principles or commitments",
    Reason.REDIRECT: "points to a website, another body or procedure instead of answering",
    Reason.SHIFT: "moves the duty to other States, governments or levels",
    Reason.OFF_TARGET: "answers a broader or different question",
    Reason.NO_INFORMATION: "says there is nothing new to report",
    Reason.BOILERPLATE: "self-praise in place of an answer",
    Reason.NO_MATCH: "no reply passage is relevant enough",
    Reason.NO_REPLY: "the corpus holds no reply passages",
}


@dataclass(frozen=True)
class Decision:
    reason: Reason
    confidence: float

    @property
    def verdict(self) -> Verdict:
        return self.reason.verdict


def is_relevant(primary: Evidence, coverage_share: float, config: Config) -> bool:
    """Relevant enough to be more than 'ignored': similar in meaning, or sharing key concepts."""
    return (
        primary.paired
        or primary.dense >= config.ignore_similarity
        or (coverage_share >= config.ignore_coverage)
    )


def decide(
    primary: Evidence | None,
    signals: EvidenceSignals | None,
    primary_coverage: float,
    config: Config,
    written_for_it: bool = False,
) -> Decision:
    """Apply the verdict rules in order; the confidence is the margin to the nearest threshold.

    `written_for_it`: the evidence is the concern's own paired answer. A passage written to
    answer something else must carry more of the concern (unpaired_answer_coverage).
    """
    if primary is None or signals is None:
        return Decision(Reason.NO_REPLY, 1.0)
    if not is_relevant(primary, primary_coverage, config):
        margin = min(
            config.ignore_similarity - primary.dense, config.ignore_coverage - primary_coverage
        )
        return Decision(Reason.NO_MATCH, _confidence(margin))
    c = signals.coverage.share
    needed = config.answer_coverage if written_for_it else config.unpaired_answer_coverage
    cov_margin = c - needed
    refusal_margin = max(cov_margin, signals.refusal_coverage - needed)
    if signals.refusal and refusal_margin >= 0:
        return Decision(Reason.REFUSAL, _confidence(refusal_margin))
    spec_margin = 1.0 if signals.position else signals.specificity - config.answer_specificity
    defl_margin = config.deflection_share - signals.deflection
    margins = (cov_margin, spec_margin, defl_margin)
    if min(margins) >= 0:
        reason = Reason.DIRECT if c >= config.full_coverage else Reason.PARTIAL
        return Decision(reason, _confidence(min(margins)))
    return Decision(_deflection_reason(signals, cov_margin), _confidence(-min(margins)))


def _deflection_reason(signals: EvidenceSignals, cov_margin: float) -> Reason:
    if signals.dominant_cue is not None and signals.deflection > 0:
        return REASON_OF_CUE[signals.dominant_cue]
    return Reason.OFF_TARGET if cov_margin < 0 else Reason.GENERAL


def _confidence(margin: float) -> float:
    """0.5 at a threshold, rising to 0.95 a clear 0.2 away from it."""
    return round(min(0.95, 0.5 + 2.25 * abs(margin)), 2)
