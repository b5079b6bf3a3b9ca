"""Calibration sweep: how far each verdict threshold can move before the dev gold changes.

    .venv/bin/python -m benchmarks.calibrate [--gold ../shared/eval/dev_gold.csv]

Runs the seed analysis once (real model, embedding cache under embeddings/), then
re-decides every verdict while one threshold at a time sweeps its range, the others at
their defaults. For each value it prints strict accuracy on the `clear` rows and lenient
accuracy over all rows. A default should sit inside the plateau where both are at their
best, not at its edge. The sweep reads only the gold file's anchors and verdicts: no rule
is derived from the wording of a row.
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import replace
from pathlib import Path

import numpy as np

from comparator.cache import EmbeddingCache
from comparator.config import Config
from comparator.corpus import load_corpus
from comparator.evaluate import norm
from comparator.pipeline import ConcernResult, analyse
from comparator.runs import make_embedder
from comparator.score import decide

ROOT = Path(__file__).resolve().parent.parent
SWEEPS = {
    "ignore_coverage": np.arange(0.05, 0.45, 0.025),
    "ignore_similarity": np.arange(0.55, 0.95, 0.025),
    "answer_coverage": np.arange(0.05, 0.45, 0.025),
    "unpaired_answer_coverage": np.arange(0.2, 0.8, 0.05),
    "answer_specificity": np.arange(0.0, 0.8, 0.05),
    "deflection_share": np.arange(0.1, 0.5, 0.025),
}


def gold_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def redecide(result: ConcernResult, config: Config) -> str:
    if not result.evidence or result.signals is None:
        return "ignored"
    primary = result.evidence[0]
    return decide(
        primary,
        result.signals,
        primary_coverage(result),
        config,
        written_for_it=bool(result.concern.paired_passages),
    ).verdict.value


def primary_coverage(result: ConcernResult) -> float:
    # the share recorded for the cited passage when it was judged relevant or not
    return result.primary_coverage


def score(
    results: list[ConcernResult], gold: list[dict[str, str]], config: Config
) -> tuple[int, int, int, int]:
    clear_right = clear = lenient = 0
    for row in gold:
        match = [
            r
            for r in results
            if r.concern.doc == row["doc"] and norm(row["anchor"]) in norm(r.concern.text)
        ]
        if len(match) != 1:
            continue
        got = redecide(match[0], config)
        lenient += got in (row["verdict"], row["alt"])
        if row["confidence"] == "clear":
            clear += 1
            clear_right += got == row["verdict"]
    return clear_right, clear, lenient, len(gold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT.parent / "shared/eval/dev_gold.csv")
    parser.add_argument("--corpus", type=Path, default=ROOT / "seeds")
    args = parser.parse_args()
    base = Config()
    embedder = make_embedder(base, None)
    analysis = analyse(
        load_corpus(args.corpus),
        base,
        embedder,
        EmbeddingCache(ROOT / "embeddings", embedder.identity),
    )
    results = list(analysis.results)
    gold = gold_rows(args.gold)
    print(
        f"defaults: clear {score(results, gold, base)[0]}/{score(results, gold, base)[1]}, "
        f"lenient {score(results, gold, base)[2]}/{len(gold)}"
    )
    for name, values in SWEEPS.items():
        default = getattr(base, name)
        cells = []
        for v in values:
            cr, c, le, n = score(results, gold, replace(base, **{name: round(float(v), 3)}))
            mark = "*" if abs(v - default) < 1e-9 else " "
            cells.append(f"{v:.3f}{mark}{cr}/{c},{le}/{n}")
        print(f"\n{name} (default {default}):")
        for i in range(0, len(cells), 4):
            print("   " + "   ".join(cells[i : i + 4]))


if __name__ == "__main__":
    main()
