"""Exchanges: which replies answer which requests (`in_reply_to` in corpus.toml).

A corpus may hold the letters and replies of many exchanges. A reply with `in_reply_to =
["002"]` is matched only against request 002's concerns; a reply without it against every
request, as before. Concerns quoted inside a reply are never restricted.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .documents import Corpus
from .segment import Segmentation


def allowed_passages(corpus: Corpus, seg: Segmentation) -> dict[str, np.ndarray] | None:
    """Request file name → which passages (a mask in `seg.passages` order) may answer it;
    None when no reply names its requests."""
    docs = {d.name: d for d in corpus.documents}
    if not any(d.in_reply_to for d in corpus.documents):
        return None
    masks = {}
    for request in corpus.by_role("request"):
        masks[request.name] = np.array(
            [
                not docs[p.doc].in_reply_to or request.doc_id in docs[p.doc].in_reply_to
                for p in seg.passages
            ],
            dtype=bool,
        )
    return masks


def restrict(seg: Segmentation, allowed: dict[str, np.ndarray] | None) -> Segmentation:
    """Keys and quotes that pair a concern with another exchange's reply are dropped."""
    if allowed is None:
        return seg
    ok = {
        doc: {p.passage_id for p, keep in zip(seg.passages, mask, strict=True) if keep}
        for doc, mask in allowed.items()
    }
    concerns = tuple(
        c
        if c.doc not in ok
        else replace(
            c,
            paired_passages=tuple(p for p in c.paired_passages if p in ok[c.doc]),
            lent_passages=tuple(p for p in c.lent_passages if p in ok[c.doc]),
        )
        for c in seg.concerns
    )
    return replace(seg, concerns=concerns)
