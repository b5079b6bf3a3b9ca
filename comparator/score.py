"""Verdicts: answered / deflected / ignored, each with a reason code and a confidence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from .config import Config
from .errors import InputError
from .match import Evidence
from .position import Position
from .signals import Cue, EvidenceSignals


class Verdict(StrEnum):
    ANSWERED = "answered"
    DEFLECTED = "deflected"
    IGNORED = "ignored"


VERDICTS = tuple(v.value for v in Verdict)  # in the order every table shows them


class Reason(StrEnum):
    DIRECT = "answered:direct"
    PARTIAL = "answered:partial"
    REFUSAL = "answered:refusal"
    POSITION = "answered:position"
    GENERAL = "deflected:general"
    REDIRECT = "deflected:redirect"
    SHIFT = "deflected:shift"
    OFF_TARGET = "deflected:off-target"
    NO_INFORMATION = "deflected:no-information"
    BOILERPLATE = "deflected:boilerplate"
    NO_MATCH = "ignored:no-match"
    NO_REPLY = "ignored:no-reply"
    # a coder's verdict that differs from the tool's, without a reason of its own
    ANSWERED_CODER = "answered:coder"
    DEFLECTED_CODER = "deflected:coder"
    IGNORED_CODER = "ignored:coder"

    @property
    def verdict(self) -> Verdict:
        return Verdict(self.value.split(":")[0])

    @classmethod
    def coder(cls, verdict: Verdict) -> Reason:
        return cls(f"{verdict.value}:coder")

    @property
    def by_coder(self) -> bool:
        """A reason only a coder's correction gives, never `decide`."""
        return self.value.endswith(":coder")


REASON_OF_CUE = {
    Cue.GENERAL: Reason.GENERAL,
    Cue.REDIRECT: Reason.REDIRECT,
    Cue.SHIFT: Reason.SHIFT,
    Cue.NO_INFORMATION: Reason.NO_INFORMATION,
    Cue.BOILERPLATE: Reason.BOILERPLATE,
}


Op = Literal[">=", "<=", "is"]
# A check in the `checks` column: "coverage>=answer_coverage:0.4100/0.1400:pass", or for a
# yes/no fact "paired answer is:1.0000/1.0000:pass"; checks are joined by "; ".
CHECK_SEPARATOR = "; "
_ENCODED_CHECK = re.compile(
    r"(?P<name>[a-z][a-z -]*?)(?:(?P<op>>=|<=)(?P<setting>[a-z_]+)| (?P<fact>is)):"
    r"(?P<value>-?\d+\.\d+)/(?P<threshold>-?\d+\.\d+):(?P<result>pass|fail)"
)


@dataclass(frozen=True)
class Check:
    """One comparison `decide` made: a measured value against a setting, or a yes/no fact.

    `op` ">=" and "<=" compare `value` with `threshold`, the value of the Config field
    named `setting`; "is" states a fact (value 1.0 when it holds, else 0.0; threshold 1.0).
    """

    name: str
    value: float
    threshold: float
    passed: bool
    op: Op
    setting: str = ""

    @classmethod
    def at_least(cls, name: str, value: float, config: Config, setting: str) -> Check:
        threshold = float(getattr(config, setting))
        return cls(name, value, threshold, value >= threshold, ">=", setting)

    @classmethod
    def at_most(cls, name: str, value: float, config: Config, setting: str) -> Check:
        threshold = float(getattr(config, setting))
        return cls(name, value, threshold, value <= threshold, "<=", setting)

    @classmethod
    def fact(cls, name: str, holds: bool) -> Check:
        return cls(name, 1.0 if holds else 0.0, 1.0, holds, "is")

    @property
    def margin(self) -> float:
        """How far the value lies on the passing side of its threshold (negative: failing);
        a fact that holds is a full 1.0 clear of any threshold."""
        if self.op == ">=":
            return self.value - self.threshold
        if self.op == "<=":
            return self.threshold - self.value
        return 1.0 if self.passed else -1.0

    def describe(self) -> str:
        """'✓ coverage 0.41 >= answer_coverage 0.14', or '✗ refusal cue: no' for a fact."""
        mark = "✓" if self.passed else "✗"
        if self.op == "is":
            return f"{mark} {self.name}: {'yes' if self.value else 'no'}"
        value, threshold = _shown(self.value), _shown(self.threshold)
        return f"{mark} {self.name} {value} {self.op} {self.setting} {threshold}"

    def encode(self) -> str:
        """The compact form kept in concerns.csv; `parse_checks` reads it back."""
        test = " is" if self.op == "is" else f"{self.op}{self.setting}"
        result = "pass" if self.passed else "fail"
        return f"{self.name}{test}:{self.value:.4f}/{self.threshold:.4f}:{result}"


def _shown(x: float) -> str:
    """A number as the CSV holds it (4 decimals), without trailing zeros past the second."""
    text = f"{x:.4f}"
    return text[:-2] + text[-2:].rstrip("0")


def encode_checks(checks: tuple[Check, ...]) -> str:
    return CHECK_SEPARATOR.join(c.encode() for c in checks)


def parse_checks(text: str) -> tuple[Check, ...]:
    """The checks of a `checks` cell, as `encode_checks` wrote them (values to 4 decimals)."""
    checks = []
    for part in text.split(CHECK_SEPARATOR) if text else ():
        m = _ENCODED_CHECK.fullmatch(part)
        if m is None:
            raise InputError(
                f"concerns.csv: cannot read the check {part!r}; re-run `comparator run` "
                "to rewrite the run folder"
            )
        op: Op = "is" if m["fact"] else ">=" if m["op"] == ">=" else "<="
        value, threshold = float(m["value"]), float(m["threshold"])
        passed = m["result"] == "pass"
        checks.append(Check(m["name"], value, threshold, passed, op, m["setting"] or ""))
    return tuple(checks)


@dataclass(frozen=True)
class Decision:
    """A reason code, its confidence, and every check that led to it, in the order made."""

    reason: Reason
    confidence: float
    checks: tuple[Check, ...]

    @property
    def verdict(self) -> Verdict:
        return self.reason.verdict


@dataclass(frozen=True)
class Stance:
    """The position the reply states toward the ask, and how: in a position list by number
    ('accepts the recommendations 1–5') or in a sentence about the ask."""

    position: Position = Position.NONE
    listed: bool = False
    sentence: str = ""


def decide(
    primary: Evidence | None,
    signals: EvidenceSignals | None,
    primary_coverage: float,
    config: Config,
    written_for_it: bool = False,
    stance: Stance | None = None,
    written_for_other: bool = False,
) -> Decision:
    """Apply the verdict rules in order; the confidence is the margin to the nearest threshold.

    `written_for_it`: the evidence is the concern's own paired answer. A passage written to
    answer something else must carry more of the concern (unpaired_answer_coverage), and a
    passage keyed to another concern (`written_for_other`) is relevant only then.
    A rejection stated about the ask is an answer (answered:refusal); so is any other stated
    position (answered:position) when the rules would not otherwise call it answered.
    Every comparison made is recorded, in order, in `Decision.checks`.
    """
    stance = stance or Stance()
    if primary is None or signals is None:
        return Decision(Reason.NO_REPLY, 1.0, (Check.fact("reply passages", False),))
    relevance = _relevance(primary, primary_coverage, config, written_for_other)
    if not relevance[-1].passed and stance.position == Position.NONE:
        margin = max((c.margin for c in relevance if c.op != "is"), default=-1.0)
        return Decision(Reason.NO_MATCH, _confidence(margin), relevance)
    needed = "answer_coverage" if written_for_it else "unpaired_answer_coverage"
    cov = Check.at_least("coverage", signals.coverage.share, config, needed)
    refusal = Check.fact("rejection stated about the ask", stance.position == Position.REJECTED)
    checks = (*relevance, cov, refusal)
    if refusal.passed:
        return Decision(Reason.REFUSAL, _confidence(max(cov.margin, 0.2)), checks)
    specific = _specific(signals, config, stance)
    deflection = Check.at_most("deflection", signals.deflection, config, "deflection_share")
    checks = (*checks, *specific, deflection)
    margin = min(cov.margin, specific[-1].margin, deflection.margin)
    if margin >= 0:
        full = Check.at_least("coverage", signals.coverage.share, config, "full_coverage")
        reason = Reason.DIRECT if full.passed else Reason.PARTIAL
        return Decision(reason, _confidence(margin), (*checks, full))
    stated = Check.fact("position stated", stance.position != Position.NONE)
    if stated.passed:
        return Decision(Reason.POSITION, 0.95 if stance.listed else 0.75, (*checks, stated))
    cue = _deflection_cue(signals)
    return Decision(
        _deflection_reason(signals, cue, cov), _confidence(-margin), (*checks, stated, cue)
    )


def _relevance(
    primary: Evidence, coverage_share: float, config: Config, written_for_other: bool
) -> tuple[Check, ...]:
    """Relevant enough to be more than 'ignored': written as its answer, similar in meaning,
    or sharing key concepts. Checked in that order up to the first that holds. A passage
    written as another concern's answer must share as much as an unpaired answer needs."""
    checks = [Check.fact("paired answer", primary.paired)]
    if checks[-1].passed:
        return tuple(checks)
    checks.append(Check.at_least("similarity", primary.dense, config, "ignore_similarity"))
    if checks[-1].passed:
        return tuple(checks)
    if written_for_other:
        checks.append(Check.fact("passage answers another ask of this request", True))
    needed = "unpaired_answer_coverage" if written_for_other else "ignore_coverage"
    checks.append(Check.at_least("cited passage coverage", coverage_share, config, needed))
    return tuple(checks)


def _specific(signals: EvidenceSignals, config: Config, stance: Stance) -> tuple[Check, ...]:
    """An explicit position is specific enough; otherwise the evidence must name things."""
    stated = signals.position or stance.position != Position.NONE
    position = Check.fact("position wording in the evidence", stated)
    if position.passed:
        return (position,)
    return position, Check.at_least(
        "specificity", signals.specificity, config, "answer_specificity"
    )


def _deflection_cue(signals: EvidenceSignals) -> Check:
    if signals.dominant_cue is not None and signals.deflection > 0:
        return Check.fact(f"{signals.dominant_cue.value} cue", True)
    return Check.fact("deflection cue", False)


def _deflection_reason(signals: EvidenceSignals, cue: Check, cov: Check) -> Reason:
    if cue.passed and signals.dominant_cue is not None:
        return REASON_OF_CUE[signals.dominant_cue]
    return Reason.GENERAL if cov.passed else Reason.OFF_TARGET


def _confidence(margin: float) -> float:
    """0.5 at a threshold, rising to 0.95 a clear 0.2 away from it."""
    return round(min(0.95, 0.5 + 2.25 * abs(margin)), 2)
