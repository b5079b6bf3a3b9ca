"""Scoring a run against a hand-coded reference (schema: ../shared/eval/README.md).

A gold row matches the run's concern whose text contains its anchor, after lower-casing,
collapsing whitespace and normalising markdown emphasis and curly quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import InputError
from .export import RunTables

LABELS = ("answered", "deflected", "ignored")
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


def norm(text: str) -> str:
    text = re.sub(r"[*_]{1,3}", "", text or "")
    text = text.translate(CURLY)
    return " ".join(text.lower().split())


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


def read_gold(path: Path, columns: set[str] = GOLD_COLUMNS) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, index_col=False)
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such gold file; pass --gold with a CSV in the "
            "schema of ../shared/eval/README.md"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not a readable CSV ({e})") from None
    lacking = columns - set(frame.columns)
    if lacking:
        raise InputError(f"{path}: missing columns {', '.join(sorted(lacking))}")
    return frame


def evaluate(tables: RunTables, gold: pd.DataFrame, negatives: pd.DataFrame | None) -> EvalResult:
    concerns = tables.concerns
    texts = {c["concern_id"]: norm(c["text"]) for c in concerns}
    doc_of = {c["concern_id"]: c["request_doc"] for c in concerns}
    by_id = {c["concern_id"]: c for c in concerns}
    passages = {p["passage_id"]: norm(p["text"]) for p in tables.passages}
    ranked: dict[str, list[str]] = {}
    for m in tables.matches:
        ranked.setdefault(m["concern_id"], []).append(m["passage_id"])
    result = EvalResult([], [], [], [], [], 0)
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
        record = {str(k): str(v) for k, v in g.items()}
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
    _metrics(result, len(gold))
    return result


def _outcome(
    g: dict[str, str],
    cid: str,
    row: dict[str, str],
    ranked: dict[str, list[str]],
    passages: dict[str, str],
) -> GoldOutcome:
    predicted = row["verdict"]
    lenient = g["alt"] if g["alt"] and predicted == g["alt"] else g["verdict"]
    anchor = norm(g["evidence_anchor"])
    cited = ranked.get(cid, [])
    hit1 = hit3 = None
    if anchor:
        hit1 = bool(cited) and anchor in passages.get(cited[0], "")
        hit3 = any(anchor in passages.get(p, "") for p in cited[:3])
    return GoldOutcome(
        g["anchor"],
        cid,
        g["verdict"],
        lenient,
        predicted,
        g["confidence"] == "clear",
        g["evidence_anchor"],
        hit1,
        hit3,
    )


def _metrics(r: EvalResult, total: int) -> None:
    rows = r.rows
    m: dict[str, float | int] = {
        "gold concerns": total,
        "found": len(rows) - len(r.split),
        "merges": len(r.merged),
        "negatives leaked": len(r.leaked),
    }
    clear = [x for x in rows if x.clear]
    m["strict accuracy (clear rows)"] = _share(
        sum(x.predicted == x.gold for x in clear), len(clear)
    )
    m["lenient accuracy"] = _share(sum(x.predicted == x.lenient_gold for x in rows), len(rows))
    if rows:
        y_true = pd.Categorical([x.lenient_gold for x in rows], categories=LABELS)
        y_pred = pd.Categorical([x.predicted for x in rows], categories=LABELS)
        confusion = pd.crosstab(
            pd.Series(y_true, name="gold"), pd.Series(y_pred, name="run"), dropna=False
        )
        r.confusion = confusion
        r.per_class = _per_class(confusion)
        m["macro F1"] = float(r.per_class["F1"].mean())
        m["Cohen's kappa"] = _kappa(confusion)
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


def _per_class(confusion: pd.DataFrame) -> pd.DataFrame:
    rows = []
    counts = confusion.reindex(index=list(LABELS), columns=list(LABELS), fill_value=0).to_numpy()
    for i, label in enumerate(LABELS):
        tp = float(counts[i, i])
        predicted = float(counts[:, i].sum())
        actual = float(counts[i, :].sum())
        p = tp / predicted if predicted else 0.0
        rec = tp / actual if actual else 0.0
        f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
        rows.append(
            {"verdict": label, "precision": p, "recall": rec, "F1": f1, "support": int(actual)}
        )
    return pd.DataFrame(rows).set_index("verdict")


def _kappa(confusion: pd.DataFrame) -> float:
    total = float(confusion.to_numpy().sum())
    if not total:
        return float("nan")
    observed = float(confusion.to_numpy().trace()) / total
    expected = (
        float((confusion.sum(axis=1).to_numpy() * confusion.sum(axis=0).to_numpy()).sum())
        / total**2
    )
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0
