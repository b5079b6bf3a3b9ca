"""The position a reply states toward an ask: accepted, partially accepted, noted, rejected.

Read from stance sentences ("The Government accepts this recommendation", "takes note of",
"has no plans to", "is not prohibited", "does not consider it appropriate") and from
position lists ("accepts the recommendations 1–5, 14–16"). A position is what the State
said; whether it engaged with the ask is the verdict, decided apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from enum import StrEnum


class Position(StrEnum):
    ACCEPTED = "accepted"
    PARTIAL = "partially-accepted"
    NOTED = "noted"
    REJECTED = "rejected"
    NONE = "none"


POSITIONS = tuple(p.value for p in Position)


def any_of(*patterns: str) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of `patterns`."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Checked in this order: "partially accepts" before "accepts", "does not accept" before it.
STANCES: tuple[tuple[Position, re.Pattern[str]], ...] = (
    (
        Position.REJECTED,
        any_of(
            r"\b(?:does|do|did) not (?:accept|support|agree|endorse|intend|plan)\b",
            # a UPR report: "… did not enjoy the support of Algeria"
            r"\b(?:does|do|did) not enjoy (?:the |its |their )?support\b",
            r"\b(?:cannot|can ?not|is unable to) (?:accept|support|agree)\b",
            # "rejects the recommendation" — not "rejected asylum seekers"
            r"\b(?:rejects?|declines?|refuses?) (?!to comment)(?:to|the|this|these|that|such|it)\b",
            r"\brecommendations? (?:is|are|was|were|has been|have been) (?:rejected|declined)\b",
            r"\b(?:has|have) (?:no|not adopted any) (?:plans?|intention)\b",
            r"\bno (?:plans?|intention) (?:to|on|for|of)\b",
            r"\b(?:does|do) not have any (?:plans?|intention)\b",
            r"\b(?:is|are) (?:currently )?not (?:planning|intending|minded|going) to\b",
            r"\bnot a priority\b",
            r"\b(?:would|is|are) not (?:be )?(?:appropriate|feasible|practicable|proportionate)\b",
            r"\b(?:does|do) not (?:consider|believe|think) (?:that )?(?:it )?(?:is |would be )?"
            r"(?:appropriate|necessary|feasible|desirable|justified)\b",
            r"\b(?:is|are) not prohibited\b",
            r"\bha(?:s|ve) decided not to\b",
            r"\bdisagrees?\b",
            r"\bwill not be (?:accepted|implemented|introduced|adopted|ratified|repealed|"
            r"abolished|changed|established|created|pursued|taken forward)\b",
        ),
    ),
    (
        Position.PARTIAL,
        any_of(
            r"\b(?:partially|partly) (?:accepts?|accepted|agrees?|supports?)\b",
            r"\baccepts? (?:this recommendation |the recommendation |it )?"
            r"(?:in part|in principle)\b",
            r"\baccepted in (?:part|principle)\b",
            r"\bagrees? in principle\b",
            r"\bsupports? (?:this recommendation |the recommendation )?in principle\b",
        ),
    ),
    (
        Position.NOTED,
        any_of(
            r"\b(?:takes?|took|has taken) (?:due )?note\b",
            r"\bnotes? (?:the )?(?:following )?recommendations?\b",
            r"\b(?:is|are) noted\b",
            r"\brecommendations? (?:is|are|was|were) noted\b",
            r"\bnoted recommendations?\b",
        ),
    ),
    (
        Position.ACCEPTED,
        any_of(
            # "accepts the recommendations 1–5", "Recommendation accepted" — not "accepts
            # that we must learn" nor a quoted "…should be accepted or rejected"
            r"\baccepts? (?:this|the|these|that|all|both|in full|fully|it|them)\b(?! we\b)",
            r"\b(?:recommendations?|it|this|they) (?:is |are |was |were |has been |have been )?"
            r"(?:fully )?accepted\b",
            r"\baccepted (?:in full|recommendations?)\b",
            r"\b(?:agrees?|supports?|welcomes?|endorses?) (?:with )?(?:this|the|these|that|all)"
            r" (?:\w+ )?recommendations?\b",
            r"\b(?:the )?government (?:also |fully |strongly )?(?:agrees?|supports?)\b",
            r"\b(?:fully )?implement(?:s|ed)? the recommendation\b",
            r"\brecommendations? (?:is|are|has been|have been) (?:already )?"
            r"(?:implemented|accepted)\b",
            r"\bconsiders? that (?:they|it|this recommendation) (?:is|are) already implemented\b",
            # a UPR report: "The recommendations listed below enjoy the support of Jordan"
            r"\benjoys? (?:the |its |their )?support\b",
        ),
    ),
)
# "will not end the detention of children" refuses the ask only when it names the ask: "will
# not return an individual…" in an answer about parole does not, nor "will not be
# discontinued automatically", which states how a procedure works.
WEAK_REFUSAL = re.compile(
    r"\b(?:will|shall) not (?!be\b|only\b|have\b|need\b|affect\b)[a-z]+", re.I
)
# An ask to undo a measure, and a reply that the measure's effect is already what was asked.
REVERSAL_ASK = re.compile(
    r"^(?:(?:the|this)\s+[\w ]{0,40}?(?:should|must)\s+)?(?:repeal|abolish|withdraw|revoke|"
    r"rescind|reverse|discontinue|end)\b",
    re.I,
)
STATUS_QUO = re.compile(
    r"\b(?:will|would|shall|do|does|can)\s+still\b|\bstill\s+(?:have|has|enjoy|be)\b|"
    r"\bremains?\s+in\s+(?:force|place)\b",
    re.I,
)
REFERS_TO_ASK = re.compile(r"\b(?:this|the|these|that|such)\s+recommendations?\b", re.I)


# A position deferred: "…will be examined by X, which will provide responses in due time".
PENDING = any_of(
    r"\bwill be (?:examined|considered|studied|reviewed)\b",
    r"\b(?:will|shall) (?:provide|give|submit) (?:its |their |appropriate )?"
    r"(?:responses?|replies|answers?)\b",
    r"\bresponses? (?:in due (?:time|course)|will be included)\b",
)


def pending(sentence: str) -> bool:
    """Does the sentence defer a position ('will be examined by X')? Then it states none."""
    return bool(PENDING.search(sentence))


def stance_of(sentence: str) -> Position | None:
    """The position a single sentence states explicitly, if it states one."""
    found = _stance_match(sentence)
    return found[0] if found else None


def stance_phrase(sentence: str) -> str:
    """The words that state the sentence's position ("supports this recommendation"), or ''."""
    found = _stance_match(sentence)
    return found[1] if found else ""


def _stance_match(sentence: str) -> tuple[Position, str] | None:
    for position, rx in STANCES:
        m = rx.search(sentence)
        if m:
            return position, m.group()
    return None


def refers_to_the_ask(sentence: str) -> bool:
    """'…accepts this recommendation': a stance about the ask itself, whatever its words."""
    return bool(REFERS_TO_ASK.search(sentence))


def stated_position(
    answer_sentences: Sequence[str],
    names_the_ask: Callable[[str], bool],
    listed: str = "",
    own_answer: bool = False,
    ask: str = "",
) -> tuple[Position, str]:
    """The position toward one ask, and the sentence that states it.

    A position list ('accepts the recommendations 1–5') is the State's formal position and
    wins. Otherwise the first stance sentence of the answer that is about this ask: it names
    the ask's main concepts (`names_the_ask`), says 'this recommendation', or stands in an
    answer written for this ask alone (`own_answer`). A stance about something else in a
    long answer is not one, and 'will not X' counts only when it names the ask. An ask to
    undo something ('Repeal the amendment…') answered, in its own answer and with no stance,
    by the claim that what it seeks holds anyway ('detained migrants will still have access
    to judicial review') is rejected: the State keeps the measure.
    """
    if listed:
        return Position(listed), ""
    found: list[tuple[Position, str]] = []
    for sentence in answer_sentences:
        position = stance_of(sentence)
        if position is not None and (
            own_answer or refers_to_the_ask(sentence) or names_the_ask(sentence)
        ):
            found.append((position, sentence))
        elif WEAK_REFUSAL.search(sentence) and names_the_ask(sentence):
            found.append((Position.REJECTED, sentence))
    if not found and own_answer and REVERSAL_ASK.match(ask.strip()):
        found = [
            (Position.REJECTED, s)
            for s in answer_sentences
            if STATUS_QUO.search(s) and names_the_ask(s)
        ][:1]
    if not found:
        return Position.NONE, ""
    kinds = {p for p, _ in found}
    if Position.REJECTED in kinds and kinds & {Position.ACCEPTED, Position.PARTIAL}:
        # "agrees with the need for… However, a single strategy would not be appropriate"
        return Position.PARTIAL, next(s for p, s in found if p != Position.REJECTED)
    return found[0]
