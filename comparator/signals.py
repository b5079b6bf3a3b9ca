"""Signals read off the evidence: concept coverage, specificity and deflection cues.

Each signal is computed from general features of diplomatic and official replies (numbers,
named bodies, decisions, duty moved to "States", links instead of answers…), never from
the wording of a particular letter, and each is shown in the output so a reader can
disagree with a verdict by reading its row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .concepts import Concept, concept_present
from .lexical import StemText
from .position import any_of as _rx


class Cue(StrEnum):
    GENERAL = "general"
    REDIRECT = "redirect"
    SHIFT = "shift"
    NO_INFORMATION = "no-information"
    BOILERPLATE = "boilerplate"
    REFUSAL = "refusal"
    POSITION = "position"


CUE_PATTERNS: dict[Cue, re.Pattern[str]] = {
    Cue.GENERAL: _rx(
        r"\b(?:is|are|remains?) (?:fully |firmly |strongly |deeply )?committed to\b",
        r"\bcommitment to\b",
        r"\bthe principles? of\b",
        r"\bshould be (?:consistent with|respected)\b",
        r"\bplays? an? (?:critical|crucial|key|"
        r"vital|important|central) role\b",
        r"\b(?:is|are) (?:critical|essential|key|vital) (?:to|for)\b",
        r"\bit is important to\b",
        r"\btakes? (?:these|such|all) (?:allegations|concerns|matters) "
        r"(?:very )?seriously\b",
        r"\bwe believe\b",
        r"\bin accordance with (?:its|our) "
        r"(?:international )?obligations\b",
    ),
    Cue.REDIRECT: _rx(
        r"https?://",
        r"\bwww\.",
        r"\bplease (?:see|refer|visit|consult)\b",
        r"\bmore information (?:can|may) be found\b",
        r"\bfor (?:additional|further|more) "
        r"information\b",
        r"\b(?:a matter|the responsibility) (?:for|of) the (?:courts?|congress|"
        r"legislature)\b",
        r"\bpending (?:litigation|review|the outcome)\b",
    ),
    Cue.SHIFT: _rx(
        r"\b(?:also )?encourages? (?:all )?(?:other )?(?:states|countries|governments|nations)\b",
        r"\b(?:also )?(?:urges?|calls? on) (?:all )?(?:other )?(?:states|countries|governments)\b",
        r"\bstates (?:should|must|need to|can|are encouraged|have a (?:collective )?"
        r"responsibility|are obligated)\b",
        r"\b(?:governments|countries) (?:and other stakeholders )?should\b",
        r"\bother governments to\b",
    ),
    Cue.NO_INFORMATION: _rx(
        r"\bno (?:new|further|additional) (?:developments|information)\b",
        r"\bnot in a position to\b",
        r"\bunable to (?:provide|comment|share|disclose)\b",
        r"\b(?:does|do|will) not comment\b",
        r"\bno information (?:is|was) available\b",
    ),
    Cue.BOILERPLATE: _rx(
        r"\bis an? (?:global|world|international) leader\b",
        r"\bmost generous\b",
        r"\blong (?:and proud )?(?:history|tradition|record)\b",
        r"\bleading (?:role|donor)\b",
        r"\bproud(?:ly)?\b",
        r"\bchampion(?:s|ed)? (?:of|for)\b",
    ),
    Cue.REFUSAL: _rx(
        r"\b(?:will|shall) not\b(?! only\b)",
        r"\bcannot (?:accept|agree|support|end|stop|"
        r"change|comply)\b",
        r"\b(?:does|do) not (?:intend|plan|accept|support|agree)\b",
        r"\b(?:rejects?|declines?|refuses?) (?:to|the)\b",
        r"\bhas no (?:plans?|intention)\b",
        r"\bno (?:plans?|intention) to\b",
    ),
    Cue.POSITION: _rx(
        r"\b(?:may (?:apply|petition|request|file|submit)|(?:is|are) (?:not )?eligible|will remain|"
        r"does not (?:affect|preclude|lead)|must (?:meet|establish|file|demonstrate)|"
        r"ha(?:s|ve) \d+ days|(?:is|are) (?:not )?(?:permitted|allowed|entitled|required) to)\b",
    ),
}
# How strongly a sentence with the cue counts against engagement. Links often sit beside
# real answers ("…please visit uscis.gov"), so a redirect weighs half.
CUE_WEIGHTS: dict[Cue, float] = {
    Cue.GENERAL: 0.75,
    Cue.REDIRECT: 0.5,
    Cue.SHIFT: 1.0,
    Cue.NO_INFORMATION: 1.0,
    Cue.BOILERPLATE: 1.0,
    Cue.REFUSAL: 0.0,
    Cue.POSITION: 0.0,
}
SPECIFIC_PATTERNS = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            r"\b\d[\d,.]*\b",
            r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
            r"December)\b",
            r"\b[A-Z]{2,}[a-z]?\b",
            r"\b(?:Article|Section|section|Form|Act|Protocol|Regulation|Directive|Rule|Order)\s+[\dA-Z]",
            r"(?i:\b(?:terminated|issued|rescinded|established|adopted|allocated|launched|created|enacted|"
            r"amended|repealed|suspended|funded|granted|denied|approved|signed|released|deployed|"
            r"appointed|trained|opened|closed|extended|expanded|reduced|increased|discontinu\w+)\b)",
        )
    )
)


@dataclass(frozen=True)
class Coverage:
    """Key concepts the evidence carries; the share weighs each concept by its rarity in the
    replies, so 'health services' counts for more than 'migrants'."""

    covered: tuple[str, ...]
    missing: tuple[str, ...]
    open_question: bool
    covered_weight: float = 0.0
    missing_weight: float = 0.0

    @property
    def share(self) -> float:
        total = self.covered_weight + self.missing_weight
        return 1.0 if total == 0 else self.covered_weight / total


@dataclass(frozen=True)
class EvidenceSignals:
    coverage: Coverage
    specificity: float
    deflection: float
    cues: tuple[Cue, ...]
    dominant_cue: Cue | None
    refusal: bool
    position: bool
    sentences: int
    refusal_coverage: float = 0.0


def cues_in(sentence: str) -> tuple[Cue, ...]:
    return tuple(c for c, rx in CUE_PATTERNS.items() if rx.search(sentence))


def specificity(sentence: str) -> float:
    """0..1: how concretely a sentence names a measure, number, date, body or decision."""
    hits = len(SPECIFIC_PATTERNS.findall(sentence))
    return min(1.0, hits / 2.0)


def coverage(
    concepts: Sequence[Concept],
    evidence_text: str,
    concept_vecs: np.ndarray,
    sentence_vecs: np.ndarray,
    threshold: float,
    weights: Sequence[float] | None = None,
) -> Coverage:
    """Which key concepts the evidence carries, by shared stems or by meaning."""
    if not concepts:
        return Coverage((), (), True)
    weights = weights if weights is not None else [1.0] * len(concepts)
    text_stems = StemText(evidence_text)
    sims = (
        (concept_vecs @ sentence_vecs.T).max(axis=1)
        if sentence_vecs.size
        else np.zeros(len(concepts))
    )
    covered: list[str] = []
    missing: list[str] = []
    got = lost = 0.0
    for concept, sim, w in zip(concepts, sims, weights, strict=True):
        hit = concept_present(concept, text_stems) or float(sim) >= threshold
        (covered if hit else missing).append(concept.phrase)
        got, lost = (got + w, lost) if hit else (got, lost + w)
    return Coverage(tuple(covered), tuple(missing), False, got, lost)


def refusal_coverage(
    lead: Sequence[tuple[Concept, float]], sentences: Sequence[str], any_sentence: bool = False
) -> float:
    """Weighted share of the concern's lead concepts ('End the detention of children') that
    the evidence's refusal sentences name: a refusal answers the main ask, not its details.
    Weights are the concepts' rarity, so a refusal that only shares 'United States' with the
    ask ('will not return an individual…' under a question about parole renewal) is none."""
    refusing = " ".join(s for s in sentences if any_sentence or CUE_PATTERNS[Cue.REFUSAL].search(s))
    total = sum(w for _, w in lead)
    if not total or not refusing:
        return 0.0
    text = StemText(refusing)
    return sum(w for c, w in lead if concept_present(c, text)) / total


def read_evidence(sentences: Sequence[str], cov: Coverage) -> EvidenceSignals:
    """Combine per-sentence cues and specificity over the evidence sentences."""
    n = max(1, len(sentences))
    totals: dict[Cue, float] = {}
    deflection = 0.0
    all_cues: list[Cue] = []
    for s in sentences:
        found = cues_in(s)
        all_cues.extend(c for c in found if c not in all_cues)
        weights = [CUE_WEIGHTS[c] for c in found]
        if weights:
            deflection += max(weights)
        for c in found:
            totals[c] = totals.get(c, 0.0) + CUE_WEIGHTS[c]
    dominant = max(
        (c for c in totals if CUE_WEIGHTS[c] > 0), key=lambda c: (totals[c], c.value), default=None
    )
    return EvidenceSignals(
        coverage=cov,
        specificity=sum(specificity(s) for s in sentences) / n,
        deflection=deflection / n,
        cues=tuple(all_cues),
        dominant_cue=dominant,
        refusal=Cue.REFUSAL in all_cues,
        position=Cue.POSITION in all_cues or Cue.REFUSAL in all_cues,
        sentences=len(sentences),
    )
