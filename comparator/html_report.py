"""The shareable report: one self-contained report.html per run folder.

Inline CSS and a little inline JavaScript, no network and no external assets: a scorecard
with an SVG bar chart of verdicts per request document, the concerns table with filters
(verdict, position, reason, document; also read from the address, `report.html?verdict=
ignored&doc=002`), and per concern the evidence in the context of its reply passage with the
matching words marked, and the checks that decided it. Every text from a document is
escaped. Same rows in, same bytes out (no timestamps).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from html import escape

from .export import RunTables
from .manifest import RunManifest
from .rows import ConcernRow
from .score import VERDICTS

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
        return escape(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.I)
    out, at = [], 0
    for m in pattern.finditer(text):
        out += [escape(text[at : m.start()]), f"<mark>{escape(m.group())}</mark>"]
        at = m.end()
    out.append(escape(text[at:]))
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
        parts.append(f'<text x="0" y="{y + 16}" font-size="13">{escape(doc)}</text>')
        x = float(left)
        for v in VERDICTS:
            if counts[v]:
                w = bar_w * counts[v] / most
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{height}" '
                    f'fill="{COLOURS[v]}"><title>{doc}: {counts[v]} {v}</title></rect>'
                )
                if w > 18:
                    parts.append(
                        f'<text x="{x + w / 2:.1f}" y="{y + 16}" font-size="12" fill="#fff" '
                        f'text-anchor="middle">{counts[v]}</text>'
                    )
                x += w
    legend = "".join(
        f'<rect x="{left + i * 110}" y="2" width="12" height="12" fill="{COLOURS[v]}"/>'
        f'<text x="{left + i * 110 + 16}" y="13" font-size="12">{v}</text>'
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
    head = "".join(f"<th>{v}</th>" for v in ("request", "n", *VERDICTS))
    body = []
    for doc, doc_rows in by_doc.items():
        counts = Counter(r.verdict.value for r in doc_rows)
        cells = "".join(f'<td class="n">{counts[v]}</td>' for v in VERDICTS)
        title = escape(titles.get(doc, ""))
        body.append(
            f"<tr><td>{escape(doc_rows[0].doc_id)} {title}</td>"
            f'<td class="n">{len(doc_rows)}</td>{cells}</tr>'
        )
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def _select(name: str, values: Iterable[str]) -> str:
    options = "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in values)
    return (
        f'<label>{name} <select id="f-{name}"><option value="">all</option>{options}'
        "</select></label>"
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
    items = "".join(f"<li>{escape(c.describe())}</li>" for c in row.checks)
    return f'<ul class="checks">{items}</ul>'


def _concern_row(r: ConcernRow) -> str:
    terms = r.covered
    position = r.stated.value
    badge = ""
    if r.corrected:
        who = f" by {r.coder}" if r.coder else ""
        note = f": {r.coder_note}" if r.coder_note else ""
        badge = (
            f'<span class="badge" title="tool said {escape(r.cell("tool_verdict"))}'
            f'{escape(note)}">corrected{escape(who)}</span>'
        )
    verdict = (
        f'<span class="v v-{escape(r.verdict)}">{escape(r.verdict)}</span>{badge}'
        f'<div class="dim">{escape(r.reason)}<br>conf {escape(r.cell("confidence"))}'
        f"{'<br>position ' + escape(position) if position != 'none' else ''}</div>"
    )
    label = f'<span class="dim">{escape(r.label)}:</span> ' if r.label else ""
    if r.reply_text:
        evidence = (
            f"{marked(r.evidence_sentence, terms)}"
            f'<div class="dim">{escape(r.reply_passage_id)} · {escape(r.evidence_role)}'
            f" · sim {escape(r.cell('similarity'))}</div>"
            f"<details><summary>in the reply, and the checks</summary>"
            f'<div class="passage">{in_context(r.reply_text, r.evidence_sentence, terms)}'
            f"</div>{_checks(r)}</details>"
        )
    else:
        evidence = f'<span class="dim">no reply passage</span>{_checks(r)}'
    missing = escape(r.cell("missing")) or "—"
    data = " ".join(
        f'data-{k}="{escape(v)}"'
        for k, v in (
            ("verdict", r.verdict.value),
            ("position", position),
            ("reason", r.reason.value),
            ("doc", r.doc_id),
        )
    )
    return (
        f'<tr class="concern" id="c-{escape(r.concern_id)}" {data}>'
        f'<td class="id">{escape(r.concern_id)}</td><td>{verdict}</td>'
        f"<td>{label}{escape(r.text)}</td><td>{evidence}</td><td>{missing}</td></tr>"
    )


def render_html(t: RunTables, manifest: RunManifest) -> str:
    """The run's report.html as text."""
    import json

    titles = manifest.titles
    model = manifest.model
    rid = escape(manifest.run_id)
    head = "".join(
        f"<th>{h}</th>" for h in ("ID", "Verdict", "Concern", "Evidence", "Not addressed")
    )
    rows = "".join(_concern_row(r) for r in t.concerns)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>comparator {rid}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head><body>\n"
        f"<h1>comparator run {rid}</h1>"
        f'<p class="meta">corpus: {escape(manifest.shown_corpus)} '
        f"({len(manifest.inputs)} documents) · model: "
        f"{escape(model.name if model else '')} {escape(model.version if model else '')}</p>\n"
        f"<h2>Scorecard</h2>{bar_chart(t.concerns)}{_scorecard(t.concerns, titles)}\n"
        f"<h2>Concerns</h2>{_filters(t.concerns)}\n"
        f'<table id="concerns"><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>\n'
        '<p class="dim">answered = the reply engages the ask; deflected = on topic but not '
        "engaging it; ignored = no relevant passage. Marked: the concern's key words found "
        "in the reply; highlighted: the evidence sentence.</p>\n"
        f"<script>{JS % json.dumps(list(FILTERS))}</script>\n</body></html>\n"
    )
