"""Calibration sweep: how far each verdict threshold can move before the references change.

    .venv/bin/python -m benchmarks.calibrate [--shared ../shared] [--seeds seeds]
    .venv/bin/python -m benchmarks.calibrate --pair CORPUS GOLD [--pair CORPUS GOLD ...]

Analyses each reference corpus once (real model, embedding cache under embeddings/): the
seed documents against ../shared/eval/dev_gold.csv, and the two real pairs under
../shared/corpora (Denmark's CCPR follow-up, gold.csv; Slovenia's UPR response,
truth.csv). It then re-decides every verdict while one threshold at a time sweeps its
range, the others at their defaults, and prints for each value the lenient agreement per
corpus (a borderline row predicted as its `alt` counts) and the pooled lenient Cohen's κ.

The plateau of a threshold is the set of swept values where the pooled lenient agreement
is at its maximum; it is printed pooled and per corpus, with where the default sits in it
and the rows lost one step past each edge of the pooled plateau. A default should sit
inside the pooled plateau, not at its edge. "…" marks a plateau end that runs off the
swept range (no edge found there). The table shows one line per run of values with the
same agreements; "*" marks the default's.

`stance_scope` is not swept: it chooses the stance before `decide` runs, so a replay
cannot move it. `full_coverage` only separates answered:direct from answered:partial and
cannot change a verdict. The sweep reads only the references' anchors and verdicts: no
rule is derived from the wording of a row.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from comparator.cache import EmbeddingCache
from comparator.config import Config
from comparator.corpus import load_corpus
from comparator.embed import Embedder
from comparator.errors import ComparatorError
from comparator.evaluate import LABELS, norm, read_gold
from comparator.models import make_embedder
from comparator.pipeline import ConcernResult, analyse
from comparator.score import decide

ROOT = Path(__file__).resolve().parent.parent
# (lowest, highest, step) of each swept threshold; a fine step finds each plateau's edges to
# within 0.01, and the table shows only the values where an agreement changes
SWEEPS = {
    "ignore_coverage": (0.0, 0.6, 0.01),
    "ignore_similarity": (0.5, 1.0, 0.01),
    "answer_coverage": (0.0, 0.5, 0.01),
    "unpaired_answer_coverage": (0.1, 0.9, 0.01),
    "answer_specificity": (0.0, 1.0, 0.01),
    "deflection_share": (0.05, 0.6, 0.01),
}
POOLED = "pooled"


@dataclass(frozen=True)
class Reference:
    """One corpus folder and its hand-made reference."""

    name: str
    corpus: Path
    gold: Path


@dataclass(frozen=True)
class GoldCase:
    """A reference row and the run concern its anchor matched."""

    result: ConcernResult
    verdict: str
    alt: str

    def agrees(self, predicted: str) -> bool:
        """Lenient agreement: a borderline row predicted as its alternative counts."""
        return predicted == self.verdict or (bool(self.alt) and predicted == self.alt)

    def lenient_gold(self, predicted: str) -> str:
        return self.alt if self.alt and predicted == self.alt else self.verdict


@dataclass(frozen=True)
class Corpus:
    """The gold cases of one reference, and the anchors no concern (or several) held."""

    name: str
    cases: tuple[GoldCase, ...]
    missing: tuple[str, ...]
    split: tuple[str, ...]

    @property
    def one_class(self) -> bool:
        """Every row one verdict (Slovenia: all answered): κ says nothing there."""
        return len({c.verdict for c in self.cases} | {c.alt for c in self.cases if c.alt}) < 2


@dataclass(frozen=True)
class Score:
    agree: int
    total: int
    kappa: float | None  # None: undefined (one-class reference)
    # rows that disagree, "000-Q06 (6) answered→deflected"; pooled: "seeds 000-Q06 (6) …"
    wrong: tuple[str, ...]


def default_references(shared: Path, seeds: Path) -> list[Reference]:
    corpora = shared / "corpora"
    return [
        Reference("seeds", seeds, shared / "eval/dev_gold.csv"),
        Reference("denmark", corpora / "denmark-ccpr-2016", corpora / "denmark-ccpr-2016/gold.csv"),
        Reference(
            "slovenia", corpora / "slovenia-upr-2015", corpora / "slovenia-upr-2015/truth.csv"
        ),
    ]


def as_printed(result: ConcernResult) -> str:
    """The concern as the request prints it: UPR recommending States follow in brackets."""
    c = result.concern
    return norm(f"{c.text} ({c.source})" if c.source else c.text)


def match_gold(name: str, results: Sequence[ConcernResult], gold: Path) -> Corpus:
    """Each reference row's concern: the first whose printed text holds the anchor within
    the row's document, as `comparator eval` takes it."""
    texts = [(r, as_printed(r)) for r in results]
    cases: list[GoldCase] = []
    missing: list[str] = []
    split: list[str] = []
    for row in read_gold(gold).to_dict("records"):
        anchor = str(row["anchor"])
        hits = [r for r, t in texts if r.concern.doc == row["doc"] and norm(anchor) in t]
        if not hits:
            missing.append(anchor)
            continue
        if len(hits) > 1:
            split.append(anchor)
        cases.append(GoldCase(hits[0], str(row["verdict"]), str(row["alt"])))
    return Corpus(name, tuple(cases), tuple(missing), tuple(split))


def redecide(result: ConcernResult, config: Config) -> str:
    """The verdict `decide` gives under `config`, from exactly the inputs the pipeline used.

    A stated position may have moved its passage first among the evidence; that passage and
    the one it displaced are both paired answers (a paired answer always ranks first), and
    `decide` reads no more of a paired primary than that it is paired.
    """
    primary = result.evidence[0] if result.evidence else None
    return decide(
        primary,
        result.signals,
        result.primary_coverage,
        config,
        written_for_it=bool(result.concern.paired_passages),
        stance=result.stance,
        written_for_other=result.written_for_other,
    ).verdict.value


def label(result: ConcernResult) -> str:
    """'000-Q06 (6)': the run's concern id, unique across a corpus, and the printed label."""
    c = result.concern
    return f"{c.concern_id} ({c.label})" if c.label and c.label != c.concern_id else c.concern_id


def replay_mismatches(results: Sequence[ConcernResult], config: Config) -> list[str]:
    """Concerns whose replayed verdict differs from the pipeline's at `config`."""
    return [
        f"{r.concern.doc} {label(r)}: pipeline {r.decision.verdict.value}, "
        f"replay {redecide(r, config)}"
        for r in results
        if redecide(r, config) != r.decision.verdict.value
    ]


def kappa(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Cohen's κ of two label sequences, as `comparator eval` computes it."""
    n = len(gold)
    if not n:
        return float("nan")
    observed = sum(g == p for g, p in zip(gold, predicted, strict=True)) / n
    g, p = Counter(gold), Counter(predicted)
    expected = sum(g[v] * p[v] for v in LABELS) / n**2
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def score(cases: Sequence[GoldCase], predicted: Sequence[str], one_class: bool) -> Score:
    pairs = list(zip(cases, predicted, strict=True))
    wrong = tuple(f"{label(c.result)} {c.verdict}→{p}" for c, p in pairs if not c.agrees(p))
    k = None if one_class else kappa([c.lenient_gold(p) for c, p in pairs], predicted)
    return Score(len(cases) - len(wrong), len(cases), k, wrong)


def score_all(corpora: Sequence[Corpus], config: Config) -> dict[str, Score]:
    """Each corpus's score under `config`, then the pooled score over all their rows."""
    predicted = {c.name: [redecide(g.result, config) for g in c.cases] for c in corpora}
    scores = {c.name: score(c.cases, predicted[c.name], c.one_class) for c in corpora}
    pooled = score(
        [g for c in corpora for g in c.cases],
        [p for c in corpora for p in predicted[c.name]],
        False,
    )
    named = tuple(f"{c.name} {w}" for c in corpora for w in scores[c.name].wrong)
    scores[POOLED] = Score(pooled.agree, pooled.total, pooled.kappa, named)
    return scores


def grid(name: str, default: float) -> list[float]:
    lo, hi, step = SWEEPS[name]
    values = np.round(np.arange(lo, hi + step / 2, step), 3)
    return sorted({float(v) for v in values} | {round(default, 3)})


def segments(best: Sequence[bool]) -> list[tuple[int, int]]:
    """Index ranges [lo, hi] of consecutive positions where `best` holds."""
    runs: list[tuple[int, int]] = []
    for i, b in enumerate(best):
        if b and runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        elif b:
            runs.append((i, i))
    return runs


def span(values: Sequence[float], lo: int, hi: int) -> str:
    """'0.080–0.200', with '…' at an end that runs off the swept range."""
    text = f"{values[lo]:.3f}" if lo == hi else f"{values[lo]:.3f}–{values[hi]:.3f}"
    return ("…" if lo == 0 else "") + text + ("…" if hi == len(values) - 1 else "")


def plateau(values: Sequence[float], scores: Sequence[Score], default: float) -> str:
    """Where the agreement is at its maximum, and where the default sits in it."""
    agree = [s.agree for s in scores]
    top, total = max(agree), scores[0].total
    runs = segments([a == top for a in agree])
    shown = ", ".join(span(values, lo, hi) for lo, hi in runs) + f" = {top}/{total}"
    at = values.index(round(default, 3))
    home = next(((lo, hi) for lo, hi in runs if lo <= at <= hi), None)
    if home is None:
        return f"{shown}; default OUTSIDE ({agree[at]}/{total} there)"
    lo, hi = home
    last = len(values) - 1
    # a plateau that runs off the swept range has no edge there
    edge = (at == lo and lo > 0) or (at == hi and hi < last)
    below = "open" if lo == 0 else f"{default - values[lo]:.3f}"
    above = "open" if hi == last else f"{values[hi] - default:.3f}"
    where = "AT EDGE" if edge else "inside"
    return f"{shown}; default {where} ({below} above lower edge, {above} below upper)"


def beyond(values: Sequence[float], scores: Sequence[Score], default: float) -> list[str]:
    """The rows the pooled plateau around the default loses first, one step past each edge."""
    at = values.index(round(default, 3))
    here = set(scores[at].wrong)
    out = []
    for step in (-1, 1):
        i = at
        while 0 <= i + step < len(values) and scores[i + step].agree == scores[at].agree:
            i += step
        if 0 <= i + step < len(values):
            lost = [w for w in scores[i + step].wrong if w not in here]
            out.append(f"at {values[i + step]:.3f}: " + "; ".join(lost))
    return out


def cell(s: Score) -> str:
    return f"{s.agree}/{s.total}"


def kappa_text(k: float | None) -> str:
    return "n/a" if k is None or np.isnan(k) else f"{k:.3f}"


def table(values: Sequence[float], rows: Sequence[dict[str, Score]], default: float) -> list[str]:
    """One line per run of values with the same agreements; '*' marks the default's run."""
    names = list(rows[0])
    width = max(len(n) for n in names) + 2
    key = [tuple((s.agree, kappa_text(s.kappa)) for s in r.values()) for r in rows]
    lines = ["  values        " + "".join(n.rjust(width) for n in names) + "  pooled κ"]
    start = 0
    for i in range(len(values)):
        if i + 1 < len(values) and key[i + 1] == key[start]:
            continue
        mark = "*" if values[start] <= default + 1e-9 and default - 1e-9 <= values[i] else " "
        cells = "".join(cell(s).rjust(width) for s in rows[start].values())
        rng = f"{values[start]:.3f}–{values[i]:.3f}" if i > start else f"{values[i]:.3f}"
        lines.append(f"  {rng:<11}{mark}  {cells}  {kappa_text(rows[start][POOLED].kappa):>8}")
        start = i + 1
    return lines


def print_sweep(name: str, corpora: Sequence[Corpus], base: Config) -> None:
    default = float(getattr(base, name))
    values = grid(name, default)
    rows = [score_all(corpora, base.with_overrides({name: v})) for v in values]
    print(f"\n{name} (default {default:g}; swept {values[0]:g}–{values[-1]:g})")
    print("\n".join(table(values, rows, default)))
    names = [POOLED, *(c.name for c in corpora)]
    width = max(len(n) for n in names)
    for n in names:
        print(f"  plateau {n:<{width}}  {plateau(values, [r[n] for r in rows], default)}")
    for line in beyond(values, [r[POOLED] for r in rows], default):
        print(f"  first lost {line}")


def analyse_corpus(ref: Reference, config: Config, embedder: Embedder, cache: Path) -> Corpus:
    corpus = load_corpus(ref.corpus, extract_cache=cache / "extracted")
    analysis = analyse(corpus, config, embedder, EmbeddingCache(cache, embedder.identity))
    results = list(analysis.results)
    wrong = replay_mismatches(results, config)
    if wrong:
        raise ComparatorError(
            f"{ref.corpus}: redecide does not reproduce {len(wrong)} pipeline verdicts at the "
            "defaults; update benchmarks/calibrate.py's redecide to the inputs verdicts._score "
            "passes to decide:\n  " + "\n  ".join(wrong[:10])
        )
    return match_gold(ref.name, results, ref.gold)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--embeddings", type=Path, default=ROOT / "embeddings")
    parser.add_argument(
        "--pair",
        nargs=2,
        action="append",
        type=Path,
        metavar=("CORPUS", "GOLD"),
        help="a corpus folder and its reference; repeat it; replaces the default three",
    )
    return parser.parse_args(argv)


def references(args: argparse.Namespace) -> list[Reference]:
    if not args.pair:
        return default_references(args.shared, args.seeds)
    return [Reference(corpus.name, corpus, gold) for corpus, gold in args.pair]


def print_defaults(corpora: Sequence[Corpus], base: Config) -> None:
    print("redecide reproduces every pipeline verdict at the defaults")
    at_default = score_all(corpora, base)
    for c in corpora:
        s = at_default[c.name]
        print(f"  {c.name}: lenient {cell(s)}, κ {kappa_text(s.kappa)}")
        for anchor in c.missing:
            print(f"    unmatched (not swept): {anchor!r}")
        for anchor in c.split:
            print(f"    in several concerns (first taken): {anchor!r}")
    p = at_default[POOLED]
    print(f"  {POOLED}: lenient {cell(p)}, κ {kappa_text(p.kappa)}")


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    refs = references(args)
    for ref in refs:
        if not ref.gold.is_file():
            sys.exit(f"Error: {ref.gold}: no such reference; pass --shared or --pair")
    base = Config()
    try:
        embedder = make_embedder(base, None)
        corpora = [analyse_corpus(r, base, embedder, args.embeddings) for r in refs]
    except ComparatorError as e:
        sys.exit(f"Error: {e}")
    print_defaults(corpora, base)
    for name in SWEEPS:
        print_sweep(name, corpora, base)


if __name__ == "__main__":
    main()
