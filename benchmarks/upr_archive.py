"""How completely `comparator segment` reads a real archive of UPR Working Group reports.

    .venv/bin/python -m benchmarks.upr_archive [--archive ../shared/corpora/upr-archive]
        [--only afghanistan2014.pdf,...] [--worst 10] [--csv rows.csv] [--workers 2]

Each PDF of the archive is read as a request and segmented; its concerns are compared with
UPR Info's independent reference (one row per recommendation per recommending State; see the
archive's README). A reference row is **found** when one concern of its report holds at
least 70 % of the row's content words and the row covers at least half of that concern's own
words (State names aside, on both sides); several rows may share one concern (one row per
recommending State of an item several States made). The row's **State is right** when the
concern it is found in names that State in `source`. A concern in which no row is found is
**extra**. Positions: where a report states a position itself (`position` of a concern,
set by the report's own "enjoy the support of X" / "did not enjoy the support" lists), it is
compared with the row's final response (`accepted`, or `noted` for anything else).

Prints one row per report, a pooled row and a row per review cycle, then the worst reports
with the reason the tool's own audit gives (or the first rows missed). Nothing here is a
rule of the tool: the name table below maps UPR Info's short State names to the names the
reports print, for scoring only.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ARCHIVE = ROOT.parent / "shared" / "corpora" / "upr-archive"
ROW_SHARE = 0.7  # of the row's content words in the concern
CONCERN_SHARE = 0.5  # of the concern's content words in the row

# UPR Info's short names → words the reports print (scoring only; every other name is
# matched by its own words).
PRINTED = {
    "Macedonia FYR": ["former yugoslav republic of macedonia", "macedonia"],
    "DPR Korea": ["democratic people s republic of korea"],
    "Laos": ["lao people s democratic republic", "lao"],
    "Libya": ["libyan arab jamahiriya", "libya"],
    "Republic of Congo": ["congo"],
    "Democratic Republic of Congo": ["democratic republic of the congo"],
    "United States": ["united states of america", "united states"],
    "Iran": ["iran"],
    "Syria": ["syrian arab republic", "syria"],
    "Venezuela": ["venezuela"],
    "Bolivia": ["bolivia"],
    "Moldova": ["moldova"],
    "Tanzania": ["tanzania"],
    "Palestine": ["palestin"],
    "Cote d'Ivoire": ["cote d ivoire", "cote divoire"],
    "Cape Verde": ["cape verde", "cabo verde"],
    "Holy See": ["holy see"],
    "Timor-Leste": ["timor leste", "timor"],
    "Viet Nam": ["viet nam", "vietnam"],
    "Republic of Korea": ["republic of korea"],
    "Swaziland": ["swaziland", "eswatini"],
    "Brunei Darussalam": ["brunei"],
    "Russian Federation": ["russia"],
    "Czech Republic": ["czech"],
    "Kyrgyzstan": ["kyrgyz"],
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ").replace("’", " ").replace("'", " ")
    text = " ".join("saint" if w in ("st", "st.") else w for w in text.split())
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def names_state(source: str, state: str) -> bool:
    """Does a concern's `source` name UPR Info's `state`?"""
    if state == "(Unknown)":
        return True
    printed = f" {_fold(source)} "
    forms = PRINTED.get(state, [_fold(state)])
    if state == "Republic of Congo" and "democratic republic of the congo" in printed:
        printed = printed.replace("democratic republic of the congo", " ")
    if state == "Republic of Korea" and "people s republic of korea" in printed:
        printed = printed.replace("democratic people s republic of korea", " ")
    return any(f" {_fold(f)} " in printed or f" {_fold(f)}" in printed for f in forms)


@dataclass
class ReportScore:
    file: str
    session: int
    rows: int = 0
    findable: int = 0
    found: int = 0
    state_right: int = 0
    concerns: int = 0
    extra: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    positioned: int = 0
    position_agrees: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""

    @property
    def found_share(self) -> float:
        return self.found / self.rows if self.rows else 1.0


def _content(text: str, names: frozenset[str]) -> set[str]:
    from comparator.lexical import stems

    return {s for s in stems(text) if s not in names}


def _name_stems(reference: list[dict[str, str]]) -> frozenset[str]:
    from comparator.lexical import stems

    out: set[str] = set()
    for state in {r["recommending_state"] for r in reference} | {r["state"] for r in reference}:
        out.update(stems(state))
        for form in PRINTED.get(state, []):
            out.update(stems(form))
    return frozenset(out)


def score_report(pdf: Path, rows: list[dict[str, str]], names: frozenset[str]) -> ReportScore:
    """Segment one report and compare its concerns with its reference rows."""
    from comparator.corpus import load_files
    from comparator.errors import ComparatorError
    from comparator.segment import segment_corpus

    score = ReportScore(pdf.name, int(rows[0]["session"]), rows=len(rows))
    score.findable = sum(r["found_in_pdf"] == "1" for r in rows)
    began = time.perf_counter()
    try:
        corpus = load_files(
            [pdf], {pdf: "request"}, extract_cache=ROOT / "embeddings" / "extracted"
        )
        seg = segment_corpus(corpus)
    except ComparatorError as e:
        score.error = str(e)
        score.missed = [r["text"] for r in rows]
        return score
    score.seconds = time.perf_counter() - began
    score.warnings = [w for w in seg.warnings if "no concerns" in w or "Warning" in w or w]
    concerns = [c for c in seg.concerns if not c.quoted]
    score.concerns = len(concerns)
    words = [_content(c.text, names) for c in concerns]
    index: dict[str, set[int]] = defaultdict(set)
    for n, w in enumerate(words):
        for s in w:
            index[s].add(n)
    backed: set[int] = set()
    for r in rows:
        row = _content(r["text"], names)
        best = _best(row, words, index)
        if best is None:
            score.missed.append(f"{r['rec_index']}: {r['text']}")
            continue
        score.found += 1
        backed.add(best)
        c = concerns[best]
        score.state_right += names_state(c.source, r["recommending_state"])
        stated = c.stated_position[0]
        if stated:
            score.positioned += 1
            final = "accepted" if r["response"] == "accepted" else "noted"
            score.position_agrees += (stated == "accepted") == (final == "accepted")
    score.extra = [
        f"{c.label or c.number}: {c.text[:90]}" for n, c in enumerate(concerns) if n not in backed
    ]
    return score


def _stated(concern: object) -> str:
    """The position a report states for a concern itself, if the tool records one."""
    position = getattr(concern, "stated_position", "")
    return str(position) if position and position != "examined" else ""


def _best(row: set[str], words: list[set[str]], index: dict[str, set[int]]) -> int | None:
    if not row:
        return None
    candidates: dict[int, int] = defaultdict(int)
    for s in row:
        for n in index.get(s, ()):
            candidates[n] += 1
    best: tuple[float, int] | None = None
    for n, shared in candidates.items():
        if shared < ROW_SHARE * len(row) or shared < CONCERN_SHARE * len(words[n]):
            continue
        key = (shared / len(row) + shared / max(1, len(words[n])), -n)
        if best is None or key > best:
            best = (key[0], n)
    return best[1] if best else None


def _job(args: tuple[Path, list[dict[str, str]], frozenset[str]]) -> ReportScore:
    return score_report(*args)


def read_reference(archive: Path) -> dict[str, list[dict[str, str]]]:
    by_file: dict[str, list[dict[str, str]]] = defaultdict(list)
    with (archive / "reference.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            by_file[r["file"]].append(r)
    return by_file


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "    –"


def _line(name: str, scores: Sequence[ReportScore]) -> str:
    rows = sum(s.rows for s in scores)
    found = sum(s.found for s in scores)
    findable = sum(s.findable for s in scores)
    right = sum(s.state_right for s in scores)
    concerns = sum(s.concerns for s in scores)
    extra = sum(len(s.extra) for s in scores)
    positioned = sum(s.positioned for s in scores)
    agrees = sum(s.position_agrees for s in scores)
    return (
        f"{name:<28} {rows:6d} {found:6d} {_pct(found, rows)} {_pct(found, findable)} "
        f"{rows - found:6d} {concerns:6d} {extra:5d} {_pct(extra, concerns)} "
        f"{_pct(right, found)} {positioned:6d} {_pct(agrees, positioned)}"
    )


HEADER = (
    f"{'report':<28} {'rows':>6} {'found':>6} {'found%':>6} {'f/fdbl':>6} {'missed':>6} "
    f"{'concs':>6} {'extra':>5} {'extra%':>6} {'State%':>6} {'posd':>6} {'pos-ok':>6}"
)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    ap.add_argument("--only", default="", help="comma-separated PDF names")
    ap.add_argument("--worst", type=int, default=10)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--csv", type=Path, help="write one row per report here")
    ap.add_argument("--quiet", action="store_true", help="no per-report rows")
    ns = ap.parse_args(argv)
    reference = read_reference(ns.archive)
    names = _name_stems([r for rows in reference.values() for r in rows])
    files = sorted(reference)
    if ns.only:
        files = [f for f in files if f in set(ns.only.split(","))]
    jobs = [(ns.archive / "pdfs" / f, reference[f], names) for f in files]
    began = time.perf_counter()
    if ns.workers > 1:
        with ProcessPoolExecutor(ns.workers) as pool:
            scores = list(pool.map(_job, jobs))
    else:
        scores = [_job(j) for j in jobs]
    wall = time.perf_counter() - began
    print(HEADER)
    if not ns.quiet:
        for s in scores:
            print(_line(s.file, [s]))
        print()
    print(_line("pooled", scores))
    for cycle, (lo, hi) in {
        "cycle 1 (sessions 1-12)": (1, 12),
        "cycle 2 (13-20)": (13, 20),
    }.items():
        print(_line(cycle, [s for s in scores if lo <= s.session <= hi]))
    below = [s for s in scores if s.found_share < 0.9]
    print(f"\nreports below 90 % found: {len(below)} of {len(scores)}")
    seconds = sum(s.seconds for s in scores)
    print(
        f"segmentation: {seconds:.1f} s in all, {seconds / max(1, len(scores)):.2f} s per "
        f"report (wall {wall:.1f} s with {ns.workers} worker(s))"
    )
    print(f"\n{ns.worst} worst reports (found share), with the reason:")
    for s in sorted(scores, key=lambda s: (s.found_share, -s.rows))[: ns.worst]:
        print(f"- {s.file}: {s.found}/{s.rows} found, {len(s.extra)} extra")
        for reason in _reasons(s):
            print(f"    {reason}")
    if ns.csv:
        with ns.csv.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(
                [
                    "file",
                    "rows",
                    "found",
                    "state_right",
                    "concerns",
                    "extra",
                    "positioned",
                    "position_agrees",
                    "seconds",
                    "error",
                ]
            )
            for s in scores:
                w.writerow(
                    [
                        s.file,
                        s.rows,
                        s.found,
                        s.state_right,
                        s.concerns,
                        len(s.extra),
                        s.positioned,
                        s.position_agrees,
                        f"{s.seconds:.2f}",
                        s.error,
                    ]
                )
    return 0


def _reasons(s: ReportScore) -> list[str]:
    if s.error:
        return [f"error: {s.error}"]
    out = [f"audit: {w}" for w in s.warnings[:3]]
    out += [f"missed: {m[:100]}" for m in s.missed[:3]]
    out += [f"extra: {e}" for e in s.extra[:2]]
    return out or ["(nothing recorded)"]


if __name__ == "__main__":
    sys.exit(main())
