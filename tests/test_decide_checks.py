"""The decision explains itself: the checks `decide` records agree with its verdict, and
`show --detail` prints exactly those checks, for every reason code."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from comparator.config import Config
from comparator.errors import InputError
from comparator.export import RunTables, read_concerns
from comparator.match import Evidence
from comparator.position import Position
from comparator.report import plain, render_detail
from comparator.rows import ConcernRow
from comparator.score import (
    Check,
    Decision,
    Reason,
    Stance,
    decide,
    encode_checks,
    parse_checks,
)
from comparator.signals import Coverage, Cue, EvidenceSignals

from .conftest import concern_row
from .test_cli import invoke, run_mini

OTHER_ASK = "passage answers another ask of this request"
RELEVANCE = ("paired answer", "similarity", OTHER_ASK, "cited passage coverage")
RELEVANCE_ORDERS = (
    ["paired answer"],
    ["paired answer", "similarity"],
    ["paired answer", "similarity", "cited passage coverage"],
    ["paired answer", "similarity", OTHER_ASK, "cited passage coverage"],
)
ANSWER_COVERAGE = ("answer_coverage", "unpaired_answer_coverage")
REJECTION = "rejection stated about the ask"
STATED = "position stated"
# the check names that restate a measurement the row also holds in its own column
MEASURED = {"similarity", "coverage", "specificity", "deflection"}


def named(check: Check, name: str, setting: str | None = None) -> Check:
    assert check.name == name and setting in (None, check.setting), f"expected {name}: {check}"
    return check


def assert_relevance(relevance: Sequence[Check]) -> bool:
    """The relevance checks are made in order up to the first that holds; whether one held."""
    assert [c.name for c in relevance] in RELEVANCE_ORDERS, "relevance checks out of order"
    tests = [c for c in relevance if c.name != OTHER_ASK]
    assert not any(c.passed for c in tests[:-1]), "relevance stops at the first that holds"
    assert tests[-1].passed or len(tests) == 3, "relevance stops only at a check that holds"
    if tests[-1].name == "cited passage coverage":
        # another ask's answer must carry as much of this one as an unpaired answer needs
        other = len(relevance) == 4
        assert not other or relevance[2].passed, "a stated fact that does not hold"
        needed = "unpaired_answer_coverage" if other else "ignore_coverage"
        assert tests[-1].setting == needed, f"cited passage coverage against {tests[-1].setting}"
    return tests[-1].passed


def assert_explains(reason: Reason, checks: Sequence[Check], position: Position) -> None:
    """The verdict follows from the checks as recorded and the position the reply stated
    (the row's `position`): an oracle for the rules' outcome, read off the ✓/✗ marks alone."""
    if reason is Reason.NO_REPLY:
        assert [(c.name, c.passed) for c in checks] == [("reply passages", False)]
        assert position is Position.NONE, "a position stated in no reply"
        return
    n = next((i for i, c in enumerate(checks) if c.name not in RELEVANCE), len(checks))
    relevant = assert_relevance(checks[:n])
    stated = position is not Position.NONE
    if reason is Reason.NO_MATCH:
        assert n == len(checks), "the answer rules are not reached"
        assert not relevant, "ignored, yet relevant by one check"
        assert not stated, "ignored, yet the reply states its position on the ask"
        return
    assert relevant or stated, "not ignored, yet no relevance check passed and no position"
    coverage = named(checks[n], "coverage")
    assert coverage.setting in ANSWER_COVERAGE
    rejection = named(checks[n + 1], REJECTION)
    assert rejection.passed == (position is Position.REJECTED), "rejection differs from position"
    if reason is Reason.REFUSAL:
        assert rejection.passed, "a refusal without a rejection stated about the ask"
        assert len(checks) == n + 2, "the answer rules are not reached"
        return
    assert not rejection.passed, f"{reason} although a rejection is stated about the ask"
    explicit = named(checks[n + 2], "position wording in the evidence")
    assert explicit.passed or not stated, "a stated position is an explicit one"
    specific = explicit if explicit.passed else named(checks[n + 3], "specificity")
    i = n + 3 if explicit.passed else n + 4
    deflection = named(checks[i], "deflection", "deflection_share")
    answers = coverage.passed and specific.passed and deflection.passed
    tail = checks[i + 1 :]
    if reason in (Reason.DIRECT, Reason.PARTIAL):
        assert answers, f"{reason} although an answer check failed"
        (full,) = tail
        named(full, "coverage", "full_coverage")
        assert full.passed == (reason is Reason.DIRECT)
        return
    assert not answers, f"{reason} although every answer check passed"
    position_stated = named(tail[0], STATED)
    assert position_stated.passed == stated, "'position stated' differs from the position"
    if reason is Reason.POSITION:
        assert position_stated.passed, "answered:position without a stated position"
        assert len(tail) == 1
        return
    assert not position_stated.passed, f"{reason} although a position is stated"
    (_, cue) = tail
    if cue.passed:
        assert cue.name == f"{reason.value.split(':')[1]} cue"
    else:
        assert cue.name == "deflection cue"
        assert reason is (Reason.GENERAL if coverage.passed else Reason.OFF_TARGET)


def assert_each_check_holds(checks: Sequence[Check], config: Config) -> None:
    """Each mark is the comparison it names, against the setting it names."""
    for c in checks:
        if c.op == "is":
            assert (c.value, c.threshold) in ((1.0, 1.0), (0.0, 1.0)) and c.passed == (c.value == 1)
        else:
            assert c.threshold == getattr(config, c.setting), c
            assert c.passed == (c.value >= c.threshold if c.op == ">=" else c.value <= c.threshold)


@dataclass(frozen=True)
class Case:
    """The inputs of one call to `decide`."""

    paired: bool = True
    dense: float = 0.5
    primary_coverage: float = 0.5
    share: float = 0.8
    specificity: float = 0.5
    deflection: float = 0.0
    dominant: Cue | None = None
    refusal: bool = False  # a refusal cue in the evidence ('will not…')
    position: bool = False  # a position cue in the evidence ('are not eligible')
    stance: Position = Position.NONE
    listed: bool = False
    written_for_other: bool = False
    no_reply: bool = False

    def evidence(self) -> Evidence | None:
        return (
            None
            if self.no_reply
            else Evidence("R-P01", 1, self.dense, 1.0, 0.6, "s", 0.5, self.paired)
        )

    def signals(self) -> EvidenceSignals | None:
        if self.no_reply:
            return None
        cov = Coverage(("a",), ("b",), False, self.share, 1 - self.share)
        cues = tuple(c for c in (self.dominant,) if c) + ((Cue.REFUSAL,) if self.refusal else ())
        return EvidenceSignals(
            cov,
            self.specificity,
            self.deflection,
            cues,
            self.dominant,
            self.refusal,
            self.position or self.refusal,
            3,
            1.0 if self.refusal else 0.0,
        )

    def decide(self, config: Config) -> Decision:
        return decide(
            self.evidence(),
            self.signals(),
            self.primary_coverage,
            config,
            written_for_it=self.paired,
            stance=Stance(
                self.stance, self.listed, "s" if self.stance is not Position.NONE else ""
            ),
            written_for_other=self.written_for_other,
        )


# A passage written for another ask of the same request, too far from this one to be relevant.
OTHER_ASKS_ANSWER = Case(
    paired=False, dense=0.4, primary_coverage=0.3, share=0.3, written_for_other=True
)
# A passage that no relevance check finds relevant.
UNRELATED = Case(paired=False, dense=0.4, primary_coverage=0.1)

# One case per reason code, then the branches between them (each named for what it shows).
CASES = {
    "no-reply": (Case(no_reply=True), Reason.NO_REPLY),
    "no-match": (UNRELATED, Reason.NO_MATCH),
    "no-match: another ask's answer": (OTHER_ASKS_ANSWER, Reason.NO_MATCH),
    "direct": (Case(), Reason.DIRECT),
    "partial": (Case(share=0.3), Reason.PARTIAL),
    "refusal of the main ask": (
        Case(paired=False, share=0.34, primary_coverage=0.34, stance=Position.REJECTED),
        Reason.REFUSAL,
    ),
    "position": (Case(share=0.05, stance=Position.NOTED), Reason.POSITION),
    "general": (Case(specificity=0.0), Reason.GENERAL),
    "general by its cue": (Case(deflection=0.75, dominant=Cue.GENERAL), Reason.GENERAL),
    "off-target": (Case(share=0.05), Reason.OFF_TARGET),
    "redirect": (Case(deflection=0.5, dominant=Cue.REDIRECT), Reason.REDIRECT),
    "shift": (Case(deflection=1.0, dominant=Cue.SHIFT, share=0.05), Reason.SHIFT),
    "no-information": (
        Case(deflection=0.4, dominant=Cue.NO_INFORMATION, specificity=0.0),
        Reason.NO_INFORMATION,
    ),
    "boilerplate": (Case(deflection=0.3, dominant=Cue.BOILERPLATE), Reason.BOILERPLATE),
    "relevant by similarity alone": (
        Case(paired=False, dense=0.9, primary_coverage=0.0, share=0.55),
        Reason.PARTIAL,
    ),
    "another ask's answer that carries this one": (
        replace(OTHER_ASKS_ANSWER, primary_coverage=0.6, share=0.6),
        Reason.DIRECT,
    ),
    "a rejection outranks full coverage": (Case(stance=Position.REJECTED), Reason.REFUSAL),
    "a rejection makes an unmatched ask answered": (
        replace(UNRELATED, stance=Position.REJECTED),
        Reason.REFUSAL,
    ),
    "a listed position makes an unmatched ask answered": (
        replace(UNRELATED, share=0.1, stance=Position.ACCEPTED, listed=True),
        Reason.POSITION,
    ),
    "a position stated in another ask's answer": (
        replace(OTHER_ASKS_ANSWER, share=0.3, stance=Position.PARTIAL),
        Reason.POSITION,
    ),
    "a stated position outranks a deflection cue": (
        Case(deflection=0.5, dominant=Cue.REDIRECT, stance=Position.ACCEPTED),
        Reason.POSITION,
    ),
    "a position stated with enough coverage answers": (
        replace(UNRELATED, share=0.55, stance=Position.NOTED),
        Reason.PARTIAL,
    ),
    "a refusal cue without a stated rejection": (
        Case(paired=False, share=0.3, primary_coverage=0.3, refusal=True),
        Reason.OFF_TARGET,
    ),
    "refusal words that cover the ask answer it": (
        Case(share=0.9, refusal=True),
        Reason.DIRECT,
    ),
    "a stated position needs no specifics": (
        Case(specificity=0.0, stance=Position.ACCEPTED),
        Reason.DIRECT,
    ),
    "a position cue needs no specifics": (Case(specificity=0.0, position=True), Reason.DIRECT),
    "deflection at its threshold still answers": (Case(deflection=0.225), Reason.DIRECT),
    "coverage at its threshold answers": (Case(share=0.14), Reason.PARTIAL),
}


def test_the_cases_reach_every_reason_code() -> None:
    assert {reason for _, reason in CASES.values()} == {r for r in Reason if not r.by_coder}


def test_the_cases_reach_each_way_to_be_ignored() -> None:
    ignored = [c for c, r in CASES.values() if r is Reason.NO_MATCH]
    assert {c.written_for_other for c in ignored} == {False, True}


@pytest.mark.parametrize(("case", "reason"), CASES.values(), ids=CASES.keys())
def test_the_checks_agree_with_the_verdict(case: Case, reason: Reason) -> None:
    config = Config()
    decision = case.decide(config)
    assert decision.reason is reason
    assert_explains(decision.reason, decision.checks, case.stance)
    assert_each_check_holds(decision.checks, config)
    assert 0.5 <= decision.confidence <= 1.0


@pytest.mark.parametrize(("case", "reason"), CASES.values(), ids=CASES.keys())
def test_the_checks_record_the_values_compared(case: Case, reason: Reason) -> None:
    stated = case.stance is not Position.NONE
    measured = {
        "paired answer": float(case.paired),
        "similarity": case.dense,
        OTHER_ASK: 1.0,
        "cited passage coverage": case.primary_coverage,
        "coverage": case.share,
        REJECTION: float(case.stance is Position.REJECTED),
        "position wording in the evidence": float(case.position or case.refusal or stated),
        "specificity": case.specificity,
        "deflection": case.deflection,
        STATED: float(stated),
    }
    checks = case.decide(Config()).checks
    reached = case.written_for_other and not case.paired and case.dense < 0.7
    assert [c.name for c in checks if c.name == OTHER_ASK] == [OTHER_ASK] * int(reached)
    for check in checks:
        if check.name in measured:
            assert check.value == pytest.approx(measured[check.name]), check


# The value that decided a case, changed: the reason changes with it, as the rules say.
FLIPS: dict[str, tuple[str, dict[str, Any], Reason]] = {
    "without its position an unmatched ask is ignored": (
        "a listed position makes an unmatched ask answered",
        {"stance": Position.NONE},
        Reason.NO_MATCH,
    ),
    "a rejection that was only noted": (
        "refusal of the main ask",
        {"stance": Position.NOTED},
        Reason.POSITION,
    ),
    "a rejection never stated": (
        "refusal of the main ask",
        {"stance": Position.NONE},
        Reason.OFF_TARGET,
    ),
    "a full answer that was not a rejection": (
        "a rejection outranks full coverage",
        {"stance": Position.ACCEPTED},
        Reason.DIRECT,
    ),
    "a passage written for no other ask": (
        "no-match: another ask's answer",
        {"written_for_other": False},
        Reason.OFF_TARGET,
    ),
    "a position never stated": ("position", {"stance": Position.NONE}, Reason.OFF_TARGET),
    "a redirect with no position": (
        "a stated position outranks a deflection cue",
        {"stance": Position.NONE},
        Reason.REDIRECT,
    ),
    "no position and no specifics": (
        "a stated position needs no specifics",
        {"stance": Position.NONE},
        Reason.GENERAL,
    ),
    "a stated rejection of refusal words": (
        "refusal words that cover the ask answer it",
        {"stance": Position.REJECTED},
        Reason.REFUSAL,
    ),
}


@pytest.mark.parametrize(("name", "change", "reason"), FLIPS.values(), ids=FLIPS.keys())
def test_changing_the_deciding_value_changes_the_reason(
    name: str, change: dict[str, Any], reason: Reason
) -> None:
    case, before = CASES[name]
    changed = replace(case, **change)
    decision = changed.decide(Config())
    assert reason is not before
    assert decision.reason is reason
    assert_explains(decision.reason, decision.checks, changed.stance)


def test_a_listed_position_is_surer_than_a_sentence() -> None:
    listed = CASES["a listed position makes an unmatched ask answered"][0]
    assert listed.decide(Config()).confidence == 0.95
    assert replace(listed, listed=False).decide(Config()).confidence == 0.75


def test_a_stated_rejection_is_a_sure_answer() -> None:
    for name in ("refusal of the main ask", "a rejection makes an unmatched ask answered"):
        assert CASES[name][0].decide(Config()).confidence == 0.95


def flipped(checks: tuple[Check, ...], i: int) -> tuple[Check, ...]:
    c = checks[i]
    wrong = replace(c, passed=not c.passed, value=1 - c.value if c.op == "is" else c.value)
    return (*checks[:i], wrong, *checks[i + 1 :])


@pytest.mark.parametrize(("case", "reason"), CASES.values(), ids=CASES.keys())
def test_a_contradicting_deciding_check_is_caught(case: Case, reason: Reason) -> None:
    """The oracle is not vacuous: flip the check that settled the reason (the last one
    made) and it objects."""
    decision = case.decide(Config())
    with pytest.raises(AssertionError):
        assert_explains(
            decision.reason, flipped(decision.checks, len(decision.checks) - 1), case.stance
        )


def relevant(case: Case) -> bool:
    checks = case.decide(Config()).checks
    return any(c.passed for c in checks if c.name in RELEVANCE and c.name != OTHER_ASK)


@pytest.mark.parametrize(
    "name",
    [
        k
        for k, (c, r) in CASES.items()
        if r not in (Reason.DIRECT, Reason.PARTIAL) or not relevant(c)
    ],
)
def test_a_contradicting_position_is_caught(name: str) -> None:
    """The oracle reads the position: wherever the checks show whether one was stated (or
    a position alone made the ask relevant), claiming the opposite makes it object."""
    case, _ = CASES[name]
    decision = case.decide(Config())
    other = Position.NOTED if case.stance is Position.NONE else Position.NONE
    with pytest.raises(AssertionError):
        assert_explains(decision.reason, decision.checks, other)


@pytest.mark.parametrize(
    "name",
    [
        k
        for k, (c, r) in CASES.items()
        if r in (Reason.DIRECT, Reason.PARTIAL) and c.stance is Position.NONE
    ],
)
def test_an_answer_rests_on_every_check_it_made(name: str) -> None:
    decision = CASES[name][0].decide(Config())
    for i in range(len(decision.checks)):
        with pytest.raises(AssertionError):
            assert_explains(decision.reason, flipped(decision.checks, i), Position.NONE)


def test_thresholds_come_from_the_config_given() -> None:
    config = Config().with_overrides({"answer_coverage": 0.85, "full_coverage": 0.9})
    decision = Case(share=0.8).decide(config)
    assert decision.reason is Reason.OFF_TARGET
    assert_explains(decision.reason, decision.checks, Position.NONE)
    assert_each_check_holds(decision.checks, config)


def test_another_asks_answer_is_held_to_the_unpaired_answer_coverage() -> None:
    config = Config().with_overrides({"unpaired_answer_coverage": 0.25})
    decision = OTHER_ASKS_ANSWER.decide(config)
    assert decision.reason is Reason.PARTIAL
    assert_explains(decision.reason, decision.checks, Position.NONE)
    assert_each_check_holds(decision.checks, config)


def test_checks_survive_the_csv_cell() -> None:
    decision = CASES["a position stated in another ask's answer"][0].decide(Config())
    cell = encode_checks(decision.checks)
    parts = cell.split("; ")
    assert parts[2:5] == [
        "passage answers another ask of this request is:1.0000/1.0000:pass",
        "cited passage coverage>=unpaired_answer_coverage:0.3000/0.5000:fail",
        "coverage>=unpaired_answer_coverage:0.3000/0.5000:fail",
    ]
    assert parts[-1] == "position stated is:1.0000/1.0000:pass"
    assert parse_checks(cell) == decision.checks


def test_a_mangled_checks_cell_is_a_clear_error() -> None:
    with pytest.raises(InputError, match=re.escape("cannot read the check 'coverage>=0.4'")):
        parse_checks("paired answer is:1.0000/1.0000:pass; coverage>=0.4")


def test_describe_reads_like_the_rule() -> None:
    checks = CASES["refusal of the main ask"][0].decide(Config()).checks
    assert [c.describe() for c in checks] == [
        "✗ paired answer: no",
        "✗ similarity 0.50 >= ignore_similarity 0.70",
        "✓ cited passage coverage 0.34 >= ignore_coverage 0.20",
        "✗ coverage 0.34 >= unpaired_answer_coverage 0.50",
        "✓ rejection stated about the ask: yes",
    ]
    checks = CASES["a position stated in another ask's answer"][0].decide(Config()).checks
    assert [c.describe() for c in checks[2:4]] == [
        "✓ passage answers another ask of this request: yes",
        "✗ cited passage coverage 0.30 >= unpaired_answer_coverage 0.50",
    ]
    assert checks[-1].describe() == "✓ position stated: yes"
    shift = CASES["shift"][0].decide(Config()).checks
    assert [c.describe() for c in shift[-3:]] == [
        "✗ deflection 1.00 <= deflection_share 0.225",
        "✗ position stated: no",
        "✓ shift cue: yes",
    ]


PRINTED_COMPARISON = re.compile(r"    ([✓✗]) (.+?) (-?\d+\.\d+) (>=|<=) ([a-z_]+) (-?\d+\.\d+)")
PRINTED_FACT = re.compile(r"    ([✓✗]) (.+?): (yes|no)")


def printed_rule(text: str, reason: str) -> list[Check]:
    """The checks as `--detail` printed them, read back from the text alone."""
    lines = text.splitlines()
    start = lines.index(f"• rule: {reason} —") + 1
    checks = []
    for line in lines[start:]:
        if m := PRINTED_COMPARISON.fullmatch(line):
            mark, name, value, op, setting, threshold = m.groups()
            checks.append(Check(name, float(value), float(threshold), mark == "✓", op, setting))
        elif m := PRINTED_FACT.fullmatch(line):
            mark, name, holds = m.groups()
            checks.append(Check(name, float(holds == "yes"), 1.0, mark == "✓", "is"))
        else:
            break
    assert checks, f"no checks printed under the rule line:\n{text}"
    return checks


def assert_detail_shows_the_row(text: str, row: ConcernRow) -> list[Check]:
    reason = row.reason
    assert row.verdict == reason.verdict
    shown = printed_rule(text, row.reason.value)
    assert_explains(reason, shown, row.stated)
    assert row.checks is not None and shown == list(row.checks), "printed checks differ"
    for check in shown:
        measured = getattr(row, check.name, None) if check.name in MEASURED else None
        if measured is not None:
            # the column as the CSV holds it (4 decimals) is what the check printed
            assert check.value == float(row.cell(check.name)), f"{check.name} differs"
    return shown


def row_for(case: Case, config: Config) -> ConcernRow:
    """A concerns.csv row for the case, its numbers written as export writes them."""
    decision = case.decide(config)
    cells = {
        "concern_id": "L1-D01",
        "text": "Publish the statistics.",
        "verdict": decision.verdict.value,
        "reason": decision.reason.value,
        "confidence": f"{decision.confidence:.2f}",
        "checks": encode_checks(decision.checks),
        "position": case.stance.value,
    }
    evidence, signals = case.evidence(), case.signals()
    if evidence is not None and signals is not None:
        cells |= {
            "similarity": f"{evidence.dense:.4f}",
            "coverage": f"{signals.coverage.share:.4f}",
            "specificity": f"{signals.specificity:.4f}",
            "deflection": f"{signals.deflection:.4f}",
        }
    return concern_row(**cells)


@pytest.mark.parametrize(("case", "reason"), CASES.values(), ids=CASES.keys())
def test_detail_prints_the_checks_for_every_reason(case: Case, reason: Reason) -> None:
    config = Config()
    row = row_for(case, config)
    tables = RunTables([row], [], [])
    text = plain(lambda console: render_detail(console, tables, "L1-D01"), width=120)
    shown = assert_detail_shows_the_row(text, row)
    assert_each_check_holds(shown, config)


def test_detail_of_a_run_without_checks_says_so() -> None:
    row = replace(row_for(Case(), Config()), checks=None)
    text = plain(lambda console: render_detail(console, RunTables([row], [], []), "L1-D01"))
    assert "• rule: answered:direct — not recorded by the version that made this run" in text


def test_show_detail_explains_every_concern_of_a_run(tmp_path: Path) -> None:
    run_dir = run_mini(tmp_path)
    settings = json.loads((run_dir / "manifest.json").read_text())["config"]
    rows = read_concerns(run_dir / "concerns.csv")
    for row in rows:
        result = invoke("show", run_dir, "--detail", row.concern_id)
        assert result.exit_code == 0, result.output
        for check in assert_detail_shows_the_row(result.output, row):
            if check.op != "is":
                assert check.threshold == settings[check.setting]
    assert len({r.verdict for r in rows}) >= 2, "the fixture run should differ by concern"
