"""The decision explains itself: the checks `decide` records agree with its verdict, and
`show --detail` prints exactly those checks, for every reason code."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from comparator.config import Config
from comparator.errors import InputError
from comparator.export import CONCERN_COLUMNS, Row, RunTables, read_csv
from comparator.match import Evidence
from comparator.report import plain, render_detail
from comparator.score import Check, Decision, Reason, Verdict, decide, encode_checks, parse_checks
from comparator.signals import Coverage, Cue, EvidenceSignals

from .test_cli import invoke, run_mini

RELEVANCE = ("paired answer", "similarity", "cited passage coverage")
ANSWER_COVERAGE = ("answer_coverage", "unpaired_answer_coverage")
# the check names that restate a measurement the row also holds in its own column
MEASURED = {"similarity", "coverage", "specificity", "deflection"}


def one(checks: Sequence[Check], name: str, setting: str | None = None) -> Check | None:
    found = [c for c in checks if c.name == name and setting in (None, c.setting)]
    assert len(found) <= 1, f"{name} checked twice: {found}"
    return found[0] if found else None


def assert_explains(reason: Reason, checks: Sequence[Check]) -> None:
    """The verdict follows from the checks as recorded: an oracle for the rules' outcome,
    read off the ✓/✗ marks alone."""
    if reason is Reason.NO_REPLY:
        assert [(c.name, c.passed) for c in checks] == [("reply passages", False)]
        return
    relevance = [c for c in checks if c.name in RELEVANCE]
    assert list(checks[: len(relevance)]) == relevance, "relevance is checked first"
    if reason is Reason.NO_MATCH:
        assert list(checks) == relevance and len(relevance) == 3
        assert not any(c.passed for c in relevance), "ignored, yet relevant by one check"
        return
    assert relevance[-1].passed, "not ignored, yet no relevance check passed"
    assert not any(c.passed for c in relevance[:-1]), "relevance stops at the first that holds"
    (coverage,) = [c for c in checks if c.name == "coverage" and c.setting in ANSWER_COVERAGE]
    cue, cue_coverage = one(checks, "refusal cue"), one(checks, "refusal coverage")
    assert cue is not None and (cue_coverage is not None) == cue.passed
    refused = cue.passed and (coverage.passed or (cue_coverage is not None and cue_coverage.passed))
    if reason is Reason.REFUSAL:
        assert refused, "a refusal without a refusal cue that covers the ask"
        assert one(checks, "deflection") is None, "the answer rules are not reached"
        return
    assert not refused, f"{reason} although the refusal checks passed"
    specific = [c for c in checks if c.name in ("explicit position", "specificity")]
    assert [c.name for c in specific] in (
        ["explicit position"],
        ["explicit position", "specificity"],
    )
    assert specific[0].passed == (len(specific) == 1), "specifics are needed without a position"
    deflection = one(checks, "deflection")
    assert deflection is not None
    answers = coverage.passed and any(c.passed for c in specific) and deflection.passed
    if reason.verdict is Verdict.ANSWERED:
        assert answers, f"{reason} although an answer check failed"
        full = one(checks, "coverage", "full_coverage")
        assert full is not None and checks[-1] == full
        assert full.passed == (reason is Reason.DIRECT)
        return
    assert not answers, f"{reason} although every answer check passed"
    last = checks[-1]
    if last.passed:
        assert last.name == f"{reason.value.split(':')[1]} cue"
    else:
        assert last.name == "deflection cue"
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
    refusal: bool = False
    position: bool = False
    refusal_coverage: float = 0.0
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
            self.refusal_coverage,
        )

    def decide(self, config: Config) -> Decision:
        return decide(self.evidence(), self.signals(), self.primary_coverage, config, self.paired)


# One case per reason code, then the branches between them (each named for what it shows).
CASES = {
    "no-reply": (Case(no_reply=True), Reason.NO_REPLY),
    "no-match": (Case(paired=False, dense=0.4, primary_coverage=0.1), Reason.NO_MATCH),
    "direct": (Case(), Reason.DIRECT),
    "partial": (Case(share=0.3), Reason.PARTIAL),
    "refusal of the main ask": (
        Case(paired=False, share=0.34, primary_coverage=0.34, refusal=True, refusal_coverage=1.0),
        Reason.REFUSAL,
    ),
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
    "refusal naming none of the ask": (
        Case(paired=False, share=0.3, refusal=True, refusal_coverage=0.1),
        Reason.OFF_TARGET,
    ),
    "refusal by the evidence's coverage": (
        Case(share=0.9, refusal=True, refusal_coverage=0.0),
        Reason.REFUSAL,
    ),
    "a stated position needs no specifics": (
        Case(specificity=0.0, position=True),
        Reason.DIRECT,
    ),
    "deflection at its threshold still answers": (Case(deflection=0.225), Reason.DIRECT),
    "coverage at its threshold answers": (Case(share=0.14), Reason.PARTIAL),
}


def test_the_cases_reach_every_reason_code() -> None:
    assert {reason for _, reason in CASES.values()} == set(Reason)


@pytest.mark.parametrize(("case", "reason"), CASES.values(), ids=CASES.keys())
def test_the_checks_agree_with_the_verdict(case: Case, reason: Reason) -> None:
    config = Config()
    decision = case.decide(config)
    assert decision.reason is reason
    assert_explains(decision.reason, decision.checks)
    assert_each_check_holds(decision.checks, config)


@pytest.mark.parametrize(("case", "reason"), CASES.values(), ids=CASES.keys())
def test_the_checks_record_the_values_compared(case: Case, reason: Reason) -> None:
    measured = {
        "paired answer": float(case.paired),
        "similarity": case.dense,
        "cited passage coverage": case.primary_coverage,
        "coverage": case.share,
        "refusal cue": float(case.refusal),
        "refusal coverage": case.refusal_coverage,
        "explicit position": float(case.position or case.refusal),
        "specificity": case.specificity,
        "deflection": case.deflection,
    }
    for check in case.decide(Config()).checks:
        if check.name in measured:
            assert check.value == pytest.approx(measured[check.name]), check


def flipped(checks: tuple[Check, ...], i: int) -> tuple[Check, ...]:
    c = checks[i]
    wrong = replace(c, passed=not c.passed, value=1 - c.value if c.op == "is" else c.value)
    return (*checks[:i], wrong, *checks[i + 1 :])


def settling(decision: Decision) -> int:
    """Index of the check that settled the reason: the last one made, except for a refusal
    carried by the evidence's own coverage rather than by its refusing sentences."""
    last = len(decision.checks) - 1
    if decision.reason is Reason.REFUSAL and not decision.checks[last].passed:
        return [c.name for c in decision.checks].index("coverage")
    return last


@pytest.mark.parametrize(("case", "reason"), CASES.values(), ids=CASES.keys())
def test_a_contradicting_deciding_check_is_caught(case: Case, reason: Reason) -> None:
    """The oracle is not vacuous: flip the check that settled the reason and it objects."""
    decision = case.decide(Config())
    with pytest.raises(AssertionError):
        assert_explains(decision.reason, flipped(decision.checks, settling(decision)))


@pytest.mark.parametrize(
    "name", [k for k, (_, r) in CASES.items() if r in (Reason.DIRECT, Reason.PARTIAL)]
)
def test_an_answer_rests_on_every_check_it_made(name: str) -> None:
    decision = CASES[name][0].decide(Config())
    for i in range(len(decision.checks)):
        with pytest.raises(AssertionError):
            assert_explains(decision.reason, flipped(decision.checks, i))


def test_thresholds_come_from_the_config_given() -> None:
    config = Config().with_overrides({"answer_coverage": 0.85, "full_coverage": 0.9})
    decision = Case(share=0.8).decide(config)
    assert decision.reason is Reason.OFF_TARGET
    assert_explains(decision.reason, decision.checks)
    assert_each_check_holds(decision.checks, config)


def test_checks_survive_the_csv_cell() -> None:
    decision = CASES["refusal of the main ask"][0].decide(Config())
    cell = encode_checks(decision.checks)
    assert cell.split("; ")[3] == "coverage>=unpaired_answer_coverage:0.3400/0.5000:fail"
    assert "; refusal cue is:1.0000/1.0000:pass; " in cell
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
        "✓ refusal cue: yes",
        "✓ refusal coverage 1.00 >= unpaired_answer_coverage 0.50",
    ]
    deflection = CASES["shift"][0].decide(Config()).checks[-2]
    assert deflection.describe() == "✗ deflection 1.00 <= deflection_share 0.225"


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


def assert_detail_shows_the_row(text: str, row: Row) -> list[Check]:
    reason = Reason(row["reason"])
    assert row["verdict"] == reason.verdict.value
    shown = printed_rule(text, row["reason"])
    assert_explains(reason, shown)
    assert shown == list(parse_checks(row["checks"])), "printed checks differ from the CSV"
    for check in shown:
        if check.name in MEASURED and row[check.name]:
            assert check.value == float(row[check.name]), f"{check.name} differs from its column"
    return shown


def row_for(case: Case, config: Config) -> Row:
    """A concerns.csv row for the case, its numbers written as export writes them."""
    decision = case.decide(config)
    row = dict.fromkeys(CONCERN_COLUMNS, "")
    row |= {
        "concern_id": "L1-D01",
        "text": "Publish the statistics.",
        "verdict": decision.verdict.value,
        "reason": decision.reason.value,
        "confidence": f"{decision.confidence:.2f}",
        "checks": encode_checks(decision.checks),
    }
    evidence, signals = case.evidence(), case.signals()
    if evidence is not None and signals is not None:
        row |= {
            "similarity": f"{evidence.dense:.4f}",
            "coverage": f"{signals.coverage.share:.4f}",
            "specificity": f"{signals.specificity:.4f}",
            "deflection": f"{signals.deflection:.4f}",
        }
    return row


@pytest.mark.parametrize(("case", "reason"), CASES.values(), ids=CASES.keys())
def test_detail_prints_the_checks_for_every_reason(case: Case, reason: Reason) -> None:
    config = Config()
    row = row_for(case, config)
    tables = RunTables([row], [], [])
    text = plain(lambda console: render_detail(console, tables, "L1-D01"), width=120)
    shown = assert_detail_shows_the_row(text, row)
    assert_each_check_holds(shown, config)


def test_detail_of_a_run_without_checks_says_so() -> None:
    row = row_for(Case(), Config())
    del row["checks"]
    text = plain(lambda console: render_detail(console, RunTables([row], [], []), "L1-D01"))
    assert "• rule: answered:direct — not recorded by the version that made this run" in text


def test_show_detail_explains_every_concern_of_a_run(tmp_path: Path) -> None:
    run_dir = run_mini(tmp_path)
    settings = json.loads((run_dir / "manifest.json").read_text())["config"]
    rows = read_csv(run_dir / "concerns.csv")
    for row in rows:
        result = invoke("show", run_dir, "--detail", row["concern_id"])
        assert result.exit_code == 0, result.output
        for check in assert_detail_shows_the_row(result.output, row):
            if check.op != "is":
                assert check.threshold == settings[check.setting]
    assert len({r["verdict"] for r in rows}) >= 2, "the fixture run should differ by concern"
