"""Scoring runs against hand-coded references (schema: ../shared/eval/README.md).

A gold row matches the run's concern whose text contains its anchor, after lower-casing,
collapsing whitespace and normalising markdown emphasis and curly quotes. Several
run/reference pairs are scored one by one, then pooled: the pooled metrics are computed
over all gold rows of all corpora together, not averaged over corpora.
"""

from __future__ import annotations

import io
import re
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ConfigError, InputError
from .export import RunTables
from .position import POSITIONS, Position
from .rows import ConcernRow
from .score import VERDICTS

LABELS = VERDICTS
NO_POSITION = Position.NONE.value
GOLD_COLUMNS = {
    "doc",
    "anchor",
    "kind",
    "verdict",
    "confidence",
    "alt",
    "evidence_doc",
    "evidence_anchor",
}
NEGATIVE_COLUMNS = {"doc", "anchor"}
CURLY = str.maketrans("“”‘’", "\"\"''")
POOLED = "pooled"


def _as_printed(concern: ConcernRow) -> str:
    """A concern's text as the request prints it: a UPR recommendation is followed by its
    recommending States ("Ratify ICRMW (Sri Lanka)"), which the run keeps in `source`."""
    return f"{concern.text} ({concern.source})" if concern.source else concern.text


def norm(text: str) -> str:
    text = re.sub(r"[*_]{1,3}", "", text or "")
    text = text.translate(CURLY)
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class EvalPair:
    """One run folder, its reference and its negatives."""

    run_dir: Path
    gold: Path
    negatives: Path | None = None


@dataclass
class GoldOutcome:
    anchor: str
    concern_id: str
    gold: str
    lenient_gold: str
    predicted: str
    clear: bool
    evidence_anchor: str
    hit1: bool | None
    hit3: bool | None
    gold_position: str | None = None  # None: the reference has no position column
    predicted_position: str = NO_POSITION


@dataclass
class EvalResult:
    rows: list[GoldOutcome]
    missing: list[str]
    merged: list[tuple[str, list[str]]]
    split: list[tuple[str, list[str]]]
    leaked: list[tuple[str, str]]
    negatives: int
    metrics: dict[str, float | int] = field(default_factory=dict)
    confusion: pd.DataFrame | None = None
    per_class: pd.DataFrame | None = None
    name: str = ""
    total: int = 0
    has_position: bool = False
    notes: list[str] = field(default_factory=list)


def read_gold(path: Path, columns: set[str] = GOLD_COLUMNS) -> pd.DataFrame:
    """A reference (or negatives) CSV; extra columns are kept, a `position` column checked."""
    from .files import read_regular, unreadable

    try:
        data = read_regular(path)
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such gold file; pass --gold with a CSV in the "
            "schema of ../shared/eval/README.md"
        ) from None
    except OSError as e:
        raise unreadable(path, e) from None
    if not data.strip():
        raise InputError(f"{path}: empty; a reference CSV starts with its header line")
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, index_col=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not a readable CSV ({e})") from None
    lacking = columns - set(frame.columns)
    if lacking:
        raise InputError(f"{path}: missing columns {', '.join(sorted(lacking))}")
    if "position" in frame.columns:
        frame["position"] = _checked_positions(frame["position"], path)
    return frame


def _checked_positions(column: pd.Series, path: Path) -> pd.Series:
    # a blank cell is read as `none`: the coder saw no stated stance
    values = column.str.strip().str.lower().replace("", NO_POSITION)
    bad = sorted(set(values) - set(POSITIONS))
    if bad:
        raise InputError(
            f"{path}: unknown position {', '.join(repr(b) for b in bad)}; "
            f"use one of {', '.join(POSITIONS)}"
        )
    return values


def plan_pairs(
    run_dir: Path | None,
    gold: Path | None,
    negatives: Path | None,
    pairs: Sequence[tuple[Path, Path]],
    pair_negatives: Sequence[tuple[Path, Path]],
) -> list[EvalPair]:
    """The pairs to score, from `RUN --gold G [--negatives N]` or repeated `--pair RUN G`."""
    if pairs:
        if gold is not None or run_dir is not None or negatives is not None:
            raise ConfigError(
                "use either RUN_DIR --gold GOLD [--negatives NEG] or --pair RUN GOLD "
                "(with --pair-negatives GOLD NEG), not both"
            )
        return _pairs_with_negatives(pairs, pair_negatives)
    if gold is None:
        raise ConfigError("pass --gold GOLD (and RUN_DIR), or one --pair RUN GOLD per corpus")
    if pair_negatives:
        raise ConfigError("--pair-negatives goes with --pair; with --gold use --negatives")
    if run_dir is None:
        raise ConfigError(
            "eval scores a run folder: make one with `comparator run CORPUS`, then "
            "`comparator eval reports/run-<id> --gold GOLD`"
        )
    return [EvalPair(run_dir, gold, negatives)]


def _pairs_with_negatives(
    pairs: Sequence[tuple[Path, Path]], pair_negatives: Sequence[tuple[Path, Path]]
) -> list[EvalPair]:
    golds = {g.resolve() for _, g in pairs}
    negatives: dict[Path, Path] = {}
    for g, n in pair_negatives:
        if g.resolve() not in golds:
            raise ConfigError(
                f"--pair-negatives {g}: no --pair has this reference; "
                "give the GOLD file of one of the --pair options"
            )
        negatives[g.resolve()] = n
    return [EvalPair(r, g, negatives.get(g.resolve())) for r, g in pairs]


def corpus_names(golds: Sequence[Path]) -> list[str]:
    """Each reference's parent folder name, else its file stem, else both, made unique."""
    names = [g.resolve().parent.name for g in golds]
    for fallback in (lambda g: g.stem, lambda g: f"{g.resolve().parent.name}/{g.stem}"):
        counts = Counter(names)
        names = [fallback(g) if counts[n] > 1 else n for g, n in zip(golds, names, strict=True)]
    seen: Counter[str] = Counter()
    unique = []
    for n in names:
        seen[n] += 1
        unique.append(n if seen[n] == 1 else f"{n} ({seen[n]})")
    return unique


def evaluate(
    tables: RunTables, gold: pd.DataFrame, negatives: pd.DataFrame | None, name: str = ""
) -> EvalResult:
    """Score one run against one reference (and, if given, its negatives).

    Args:
        tables: the run's concerns, matches and passages.
        gold: a frame from `read_gold`; with a `position` column, positions are scored too.
        negatives: a frame of anchors that must not occur in any concern, or None.
        name: the corpus name shown in summaries.

    Returns:
        Every matched gold row's outcome, the misses, merges and leaks, and the metrics.
    """
    concerns = tables.concerns
    texts = {c.concern_id: norm(_as_printed(c)) for c in concerns}
    doc_of = {c.concern_id: c.request_doc for c in concerns}
    by_id = {c.concern_id: c for c in concerns}
    passages = {p.passage_id: norm(p.text) for p in tables.passages}
    ranked: dict[str, list[str]] = {}
    for m in tables.matches:
        ranked.setdefault(m.concern_id, []).append(m.passage_id)
    result = EvalResult([], [], [], [], [], 0, name=name, total=len(gold))
    result.has_position = "position" in gold.columns
    if result.has_position and concerns and concerns[0].position is None:
        result.notes.append("the run has no position column: every prediction counts as none")
    anchors_in: dict[str, list[str]] = {}
    for g in gold.to_dict("records"):
        hits = [
            cid for cid, t in texts.items() if norm(g["anchor"]) in t and doc_of[cid] == g["doc"]
        ]
        for cid in hits:
            anchors_in.setdefault(cid, []).append(g["anchor"])
        if not hits:
            result.missing.append(g["anchor"])
            continue
        if len(hits) > 1:
            result.split.append((g["anchor"], hits))
        record = GoldRow.of({str(k): str(v) for k, v in g.items()})
        result.rows.append(_outcome(record, hits[0], by_id[hits[0]], ranked, passages))
    result.merged = [(cid, a) for cid, a in anchors_in.items() if len(a) > 1]
    if negatives is not None:
        result.negatives = len(negatives)
        for n in negatives.to_dict("records"):
            result.leaked += [
                (n["anchor"], cid)
                for cid, t in texts.items()
                if norm(n["anchor"]) in t and doc_of[cid] == n["doc"]
            ]
    _metrics(result)
    return result


@dataclass(frozen=True)
class GoldRow:
    """One row of a reference (schema: ../shared/eval/README.md)."""

    anchor: str
    verdict: str
    alt: str
    confidence: str
    evidence_anchor: str
    position: str | None  # None: the reference has no position column

    @classmethod
    def of(cls, record: Mapping[str, str]) -> GoldRow:
        return cls(
            record["anchor"],
            record["verdict"],
            record["alt"],
            record["confidence"],
            record["evidence_anchor"],
            record.get("position"),
        )


def _outcome(
    g: GoldRow,
    cid: str,
    row: ConcernRow,
    ranked: Mapping[str, list[str]],
    passages: Mapping[str, str],
) -> GoldOutcome:
    predicted = row.verdict.value
    lenient = g.alt if g.alt and predicted == g.alt else g.verdict
    anchor = norm(g.evidence_anchor)
    cited = ranked.get(cid, [])
    hit1 = hit3 = None
    if anchor:
        hit1 = bool(cited) and anchor in passages.get(cited[0], "")
        hit3 = any(anchor in passages.get(p, "") for p in cited[:3])
    return GoldOutcome(
        g.anchor,
        cid,
        g.verdict,
        lenient,
        predicted,
        g.confidence == "clear",
        g.evidence_anchor,
        hit1,
        hit3,
        gold_position=g.position,
        predicted_position=row.stated.value,
    )


def pool(results: Sequence[EvalResult], name: str = POOLED) -> EvalResult:
    """One result over the gold rows of all corpora together (metrics recomputed, not averaged)."""
    pooled = EvalResult(
        rows=[x for r in results for x in r.rows],
        missing=[a for r in results for a in r.missing],
        merged=[m for r in results for m in r.merged],
        split=[s for r in results for s in r.split],
        leaked=[n for r in results for n in r.leaked],
        negatives=sum(r.negatives for r in results),
        name=name,
        total=sum(r.total for r in results),
        has_position=any(r.has_position for r in results),
    )
    _metrics(pooled)
    return pooled


def _metrics(r: EvalResult) -> None:
    rows = r.rows
    m: dict[str, float | int] = {
        "gold concerns": r.total,
        "found": len(rows) - len(r.split),
        "merges": len(r.merged),
        "negatives leaked": len(r.leaked),
    }
    clear = [x for x in rows if x.clear]
    m["strict accuracy (clear rows)"] = _share(
        sum(x.predicted == x.gold for x in clear), len(clear)
    )
    m["lenient accuracy"] = _share(sum(x.predicted == x.lenient_gold for x in rows), len(rows))
    m["macro F1"] = m["Cohen's kappa"] = float("nan")
    if rows:
        r.confusion = _confusion(rows)
        r.per_class = _per_class(rows)
        m["macro F1"] = float(r.per_class["F1"].mean())  # NaN (absent verdicts) skipped
        m["Cohen's kappa"] = kappa([x.lenient_gold for x in rows], [x.predicted for x in rows])
    positioned = [x for x in rows if x.gold_position is not None]
    m["position agreement"] = _share(
        sum(x.predicted_position == x.gold_position for x in positioned), len(positioned)
    )
    with_anchor = [x for x in rows if x.hit1 is not None]
    cited = [x for x in with_anchor if x.predicted != "ignored"]
    m["evidence hit@1"] = _share(sum(bool(x.hit1) for x in with_anchor), len(with_anchor))
    m["evidence hit@3"] = _share(sum(bool(x.hit3) for x in with_anchor), len(with_anchor))
    m["cited evidence hit (answered/deflected rows)"] = _share(
        sum(bool(x.hit1) for x in cited), len(cited)
    )
    r.metrics = m


def _share(n: int, d: int) -> float:
    return n / d if d else float("nan")


def _confusion(rows: Sequence[GoldOutcome]) -> pd.DataFrame:
    y_true = pd.Categorical([x.lenient_gold for x in rows], categories=LABELS)
    y_pred = pd.Categorical([x.predicted for x in rows], categories=LABELS)
    return pd.crosstab(pd.Series(y_true, name="gold"), pd.Series(y_pred, name="run"), dropna=False)


def _per_class(rows: Sequence[GoldOutcome]) -> pd.DataFrame:
    """Precision, recall and F1 per verdict (scikit-learn); NaN where undefined.

    A verdict neither in the reference nor predicted has no F1 and is left out of the
    macro average (as scikit-learn does when labels are not forced), so a corpus where
    every ask is answered is not scored down for the two verdicts it cannot contain.
    """
    from sklearn.metrics import precision_recall_fscore_support

    gold, run = [x.lenient_gold for x in rows], [x.predicted for x in rows]
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, run, labels=list(LABELS), zero_division=np.nan
    )
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "F1": f1, "support": support},
        index=pd.Index(LABELS, name="verdict"),
    )


def kappa(first: Sequence[str], second: Sequence[str]) -> float:
    """Cohen's κ of two raters (scikit-learn); nan without pairs, 1.0 when both used one
    and the same label throughout (κ is undefined there, and they agree completely)."""
    if not first:
        return float("nan")
    from sklearn.metrics import cohen_kappa_score

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the undefined case, answered by replace_undefined_by
        return float(cohen_kappa_score(first, second, replace_undefined_by=1.0))


SUMMARY_COLUMNS = (
    "gold",
    "found",
    "merged",
    "leaked",
    "kappa",
    "macro F1",
    "recall answered",
    "recall deflected",
    "recall ignored",
    "position agreement",
    "evidence hit@1",
)


def summary(results: Sequence[EvalResult]) -> pd.DataFrame:
    """One row per corpus and a final `pooled` row; NaN where a metric is undefined."""
    every = [*results, pool(results)]
    frame = pd.DataFrame(
        [_summary_row(r) for r in every], index=[r.name for r in every], dtype=object
    )
    frame.index.name = "corpus"
    return frame


def _summary_row(r: EvalResult) -> dict[str, float | int | None]:
    m = r.metrics
    recall = (
        {} if r.per_class is None else {str(k): float(v) for k, v in r.per_class["recall"].items()}
    )
    row: dict[str, float | int | None] = {
        "gold": m["gold concerns"],
        "found": m["found"],
        "merged": m["merges"],
        # None: no negatives were given, so nothing could leak
        "leaked": m["negatives leaked"] if r.negatives else None,
        "kappa": m["Cohen's kappa"],
        "macro F1": m["macro F1"],
    }
    for label in LABELS:
        row[f"recall {label}"] = recall.get(label, float("nan"))
    row["position agreement"] = m["position agreement"]
    row["evidence hit@1"] = m["evidence hit@1"]
    return row
