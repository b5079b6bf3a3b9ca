"""The shareable report: one self-contained report.html per run folder.

Inline CSS and a little inline JavaScript, no network and no external assets: a scorecard
with an SVG bar chart of verdicts per request document, the concerns table with filters
(verdict, position, reason, document; also read from the address, `report.html?verdict=
ignored&doc=002`), and per concern the evidence in the context of its reply passage with the
matching words marked, and the checks that decided it; the run's warnings. Same rows in,
same bytes out (no timestamps).

Every value reaches the page through `safe`, in the context it lands in: element text and
attribute values (HTML or inline SVG) are entity-escaped, script data is JSON with `<`, `>`
and `&` written as \\u escapes, so no document id, title, file name or document text can
close an element, open a script or start a comment.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Literal

from .export import RunTables
from .manifest import RunManifest
from .rows import ConcernRow
from .safetext import visible_controls
from .score import VERDICTS

Context = Literal["text", "attribute", "script"]


def safe(value: object, context: Context = "text") -> str:
    """`value` written for its place in the page: the one way a value reaches report.html.

    "text" (element text, SVG `<title>` and `<text>` included) and "attribute" (a
    double-quoted attribute value): control characters made visible, then `& < > " '` as
    entities. "script": JSON whose `<`, `>` and `&` are \\u escapes, so `</script>` and
    `<!--` in a string cannot end the script or open a comment.
    """
    if context == "script":
        data = json.dumps(value, ensure_ascii=True, sort_keys=True)
        return data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return html.escape(visible_controls(str(value)), quote=True)


COLOURS = {"answered": "#2e7d32", "deflected": "#b7791f", "ignored": "#c62828"}
FILTERS = ("verdict", "position", "reason", "doc")

CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1200px;color:#222;
padding:0 1em}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.35em .5em;
vertical-align:top;text-align:left}th{background:#f3f3f3}td.n{text-align:right}
.v{font-weight:bold}.v-answered{color:#2e7d32}.v-deflected{color:#b7791f}.v-ignored{color:#c62828}
.meta,.dim{color:#666;font-size:.9em}.badge{background:#5b3fa0;color:#fff;border-radius:3px;
padding:0 .3em;font-size:.8em;margin-left:.3em}mark{background:#fff176}.ev{background:#e3f2fd}
.filters{margin:.8em 0;display:flex;gap:1em;flex-wrap:wrap}details{margin-top:.4em}
.passage{white-space:pre-wrap;border-left:3px solid #90caf9;padding-left:.6em;margin:.4em 0}
.checks{margin:.3em 0;padding-left:1.2em;font-family:ui-monospace,monospace;font-size:.85em}
tr[hidden]{display:none}td.id{white-space:nowrap}
"""

JS = """
(function(){
  var names=%s, sel={}, rows=document.querySelectorAll('tr.concern');
  function apply(){
    var shown=0;
    rows.forEach(function(r){
      var ok=names.every(function(n){var v=sel[n].value;return !v||r.dataset[n]===v;});
      if(ok){r.removeAttribute('hidden');shown++;}else{r.setAttribute('hidden','');}
    });
    document.getElementById('shown').textContent=shown;
  }
  function state(){
    var q=new URLSearchParams(location.search);
    new URLSearchParams(location.hash.replace(/^#/,'')).forEach(function(v,k){q.set(k,v);});
    return q;
  }
  var q=state();
  names.forEach(function(n){
    sel[n]=document.getElementById('f-'+n);
    if(q.get(n)!==null){sel[n].value=q.get(n);}
    sel[n].addEventListener('change',function(){
      var p=new URLSearchParams();
      names.forEach(function(m){if(sel[m].value){p.set(m,sel[m].value);}});
      history.replaceState(null,'',location.pathname+(p.toString()?'#'+p.toString():''));
      apply();
    });
  });
  apply();
})();
"""


def _words(terms: Iterable[str]) -> list[str]:
    return sorted({w for t in terms for w in t.split() if len(w) > 2}, key=len, reverse=True)


def marked(text: str, terms: Iterable[str]) -> str:
    """Escaped text with the words of the covered concepts in <mark>."""
    words = _words(terms)
    if not words:
        return safe(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.I)
    out, at = [], 0
    for m in pattern.finditer(text):
        out += [safe(text[at : m.start()]), f"<mark>{safe(m.group())}</mark>"]
        at = m.end()
    out.append(safe(text[at:]))
    return "".join(out)


def in_context(passage: str, sentence: str, terms: Iterable[str]) -> str:
    """The reply passage with the evidence sentence set off and the matching words marked."""
    terms = list(terms)
    at = passage.find(sentence) if sentence else -1
    if at < 0:
        return marked(passage, terms)
    end = at + len(sentence)
    return (
        marked(passage[:at], terms)
        + f'<span class="ev">{marked(sentence, terms)}</span>'
        + marked(passage[end:], terms)
    )


def bar_chart(rows: list[ConcernRow]) -> str:
    """An inline SVG: one stacked bar of verdict counts per request document."""
    by_doc: dict[str, Counter[str]] = {}
    for r in rows:
        by_doc.setdefault(r.doc_id, Counter())[r.verdict.value] += 1
    most = max((sum(c.values()) for c in by_doc.values()), default=1)
    bar_w, left, height = 600, 60, 22
    parts = []
    for i, (doc, counts) in enumerate(by_doc.items()):
        y = 24 + i * (height + 8)
        parts.append(f'<text x="0" y="{y + 16}" font-size="13">{safe(doc)}</text>')
        x = float(left)
        for v in VERDICTS:
            if counts[v]:
                w = bar_w * counts[v] / most
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{height}" '
                    f'fill="{COLOURS[v]}"><title>{safe(f"{doc}: {counts[v]} {v}")}</title></rect>'
                )
                if w > 18:
                    parts.append(
                        f'<text x="{x + w / 2:.1f}" y="{y + 16}" font-size="12" fill="#fff" '
                        f'text-anchor="middle">{counts[v]}</text>'
                    )
                x += w
    legend = "".join(
        f'<rect x="{left + i * 110}" y="2" width="12" height="12" fill="{COLOURS[v]}"/>'
        f'<text x="{left + i * 110 + 16}" y="13" font-size="12">{safe(v)}</text>'
        for i, v in enumerate(VERDICTS)
    )
    total_h = 30 + len(by_doc) * (height + 8)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{left + bar_w + 10}" '
        f'height="{total_h}" aria-label="verdicts per request document">{legend}'
        + "".join(parts)
        + "</svg>"
    )


def _scorecard(rows: list[ConcernRow], titles: Mapping[str, str]) -> str:
    by_doc: dict[str, list[ConcernRow]] = {}
    for r in rows:
        by_doc.setdefault(r.request_doc, []).append(r)
    head = "".join(f"<th>{safe(v)}</th>" for v in ("request", "n", *VERDICTS))
    body = []
    for doc, doc_rows in by_doc.items():
        counts = Counter(r.verdict.value for r in doc_rows)
        cells = "".join(f'<td class="n">{counts[v]}</td>' for v in VERDICTS)
        name = f"{doc_rows[0].doc_id} {titles.get(doc, '')}"
        body.append(
            f'<tr><td title="{safe(doc, "attribute")}">{safe(name)}</td>'
            f'<td class="n">{len(doc_rows)}</td>{cells}</tr>'
        )
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _select(name: str, values: Iterable[str]) -> str:
    options = "".join(f'<option value="{safe(v, "attribute")}">{safe(v)}</option>' for v in values)
    return (
        f'<label>{safe(name)} <select id="f-{safe(name, "attribute")}">'
        f'<option value="">all</option>{options}</select></label>'
    )


def _filters(rows: list[ConcernRow]) -> str:
    values = {
        "verdict": [v for v in VERDICTS if any(r.verdict == v for r in rows)],
        "position": sorted({r.stated.value for r in rows}),
        "reason": sorted({r.reason.value for r in rows}),
        "doc": list(dict.fromkeys(r.doc_id for r in rows)),
    }
    selects = "".join(_select(n, values[n]) for n in FILTERS)
    return (
        f'<div class="filters">{selects}</div><p class="dim"><span id="shown">{len(rows)}'
        f"</span> of {len(rows)} concerns shown</p>"
    )


def _checks(row: ConcernRow) -> str:
    if not row.checks:
        return ""
    items = "".join(f"<li>{safe(c.describe())}</li>" for c in row.checks)
    return f'<ul class="checks">{items}</ul>'


def _badge(r: ConcernRow) -> str:
    if not r.corrected:
        return ""
    note = f": {r.coder_note}" if r.coder_note else ""
    who = f" by {r.coder}" if r.coder else ""
    tip = f"tool said {r.cell('tool_verdict')}{note}"
    return f'<span class="badge" title="{safe(tip, "attribute")}">{safe("corrected" + who)}</span>'


def _verdict_cell(r: ConcernRow) -> str:
    position = r.stated.value
    shown = f"<br>position {safe(position)}" if position != "none" else ""
    return (
        f'<span class="v v-{safe(r.verdict.value, "attribute")}">{safe(r.verdict.value)}</span>'
        f'{_badge(r)}<div class="dim">{safe(r.reason.value)}<br>conf '
        f"{safe(r.cell('confidence'))}{shown}</div>"
    )


def _concern_cell(r: ConcernRow) -> str:
    label = f'<span class="dim">{safe(r.label)}:</span> ' if r.label else ""
    source = f'<div class="dim">source: {safe(r.source)}</div>' if r.source else ""
    return f"{label}{safe(r.text)}{source}"


def _evidence_cell(r: ConcernRow) -> str:
    if not r.reply_text:
        return f'<span class="dim">no reply passage</span>{_checks(r)}'
    terms = r.covered
    where = f"{r.reply_passage_id} · {r.evidence_role.value} · sim {r.cell('similarity')}"
    return (
        f"{marked(r.evidence_sentence, terms)}"
        f'<div class="dim">{safe(where)}</div>'
        f"<details><summary>in the reply, and the checks</summary>"
        f'<div class="passage">{in_context(r.reply_text, r.evidence_sentence, terms)}'
        f"</div>{_checks(r)}</details>"
    )


def _concern_row(r: ConcernRow) -> str:
    data = " ".join(
        f'data-{k}="{safe(v, "attribute")}"'
        for k, v in (
            ("verdict", r.verdict.value),
            ("position", r.stated.value),
            ("reason", r.reason.value),
            ("doc", r.doc_id),
        )
    )
    missing = safe(r.cell("missing")) or "—"
    return (
        f'<tr class="concern" id="c-{safe(r.concern_id, "attribute")}" {data}>'
        f'<td class="id">{safe(r.concern_id)}</td><td>{_verdict_cell(r)}</td>'
        f"<td>{_concern_cell(r)}</td><td>{_evidence_cell(r)}</td><td>{missing}</td></tr>"
    )


def _audit(manifest: RunManifest) -> str:
    """Each request's outline audit: what it numbers and asks, and the places to check."""
    ids = {i.file: i.id for i in manifest.inputs}
    body = []
    for a in manifest.audit:
        name = f"{ids.get(a.file, '')} {manifest.titles.get(a.file, a.file)}"
        places = "".join(f"<li>{safe(f'line {f.line}: {f.message}')}</li>" for f in a.findings)
        body.append(
            f'<tr><td title="{safe(a.file, "attribute")}">{safe(name)}</td>'
            f"<td>{safe(a.summary())}{f'<ul>{places}</ul>' if places else ''}</td></tr>"
        )
    head = "".join(f"<th>{safe(h)}</th>" for h in ("request", "what it numbers and asks"))
    rows = "".join(body)
    return f"<h2>Outline audit</h2><table><tr>{head}</tr>{rows}</table>\n" if body else ""


def _warnings(warnings: Iterable[str]) -> str:
    """The run's warnings: what the tool may have missed goes wherever the report goes."""
    items = "".join(f"<li>{safe(w)}</li>" for w in warnings)
    return f'<h2>Warnings</h2><ul class="warnings">{items}</ul>\n' if items else ""


def render_html(t: RunTables, manifest: RunManifest) -> str:
    """The run's report.html as text."""
    model = manifest.model
    model_name = f"{model.name} {model.version}" if model else ""
    head = "".join(
        f"<th>{safe(h)}</th>" for h in ("ID", "Verdict", "Concern", "Evidence", "Not addressed")
    )
    rows = "".join(_concern_row(r) for r in t.concerns)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{safe('comparator ' + manifest.run_id)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>\n"
        f"<h1>{safe('comparator run ' + manifest.run_id)}</h1>"
        f'<p class="meta">{safe(f"corpus: {manifest.shown_corpus}")} '
        f"({len(manifest.inputs)} documents) · {safe(f'model: {model_name}')}</p>\n"
        f"{_warnings(manifest.warnings)}"
        f"<h2>Scorecard</h2>{bar_chart(t.concerns)}{_scorecard(t.concerns, manifest.titles)}\n"
        f"{_audit(manifest)}"
        f"<h2>Concerns</h2>{_filters(t.concerns)}\n"
        f'<table id="concerns"><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>\n'
        '<p class="dim">answered = the reply engages the ask; deflected = on topic but not '
        "engaging it; ignored = no relevant passage. Marked: the concern's key words found "
        "in the reply; highlighted: the evidence sentence.</p>\n"
        f"<script>{JS % safe(list(FILTERS), 'script')}</script>\n</body></html>\n"
    )
