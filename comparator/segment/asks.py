"""What makes a sentence an ask: directive verbs with the addressee as subject, questions,
'Please provide…', imperatives. Rules are grammar (subject + modal, directive verbs), never
the wording of a particular document."""

from __future__ import annotations

import re
from functools import lru_cache

from .markers import strip_marker

# Subjects a directive names: "The State party", "The Government", "DHSC", "Congress",
# "the Department of Labor", "all States parties"; pronouns only after a directive sentence.
_SUBJECT = (
    r"(?:(?:[Tt]he|[Tt]his|[Ii]ts|[Aa]ll|[Ee]ach|[Ee]very|[Aa]ny|[Tt]hese|[Tt]hose)\s+)?"
    r"(?!(?:We|I|It|They|This|These|He|She|There|That|Which|If|When)\b)[A-Z][\w’'&.-]*"
    r"(?:\s+(?!(?:that|which|who|whom|whose|it|they|if|when|where|while|although|because|"
    r"should|shall|must|is|are|was|were|has|have|will|would|may|might|can|could|"
    r"do|does|did|not|never)\b)"
    r"[\w’'&().-]+){0,7}?"
)
# "UNMIK, in cooperation with the Provisional Institutions, should…": a phrase set off by
# commas between the subject and its modal
_ASIDE = r"(?:,\s+[^,;:]{1,120},)?"
_LEAD = r"(?:[^,.;:]{0,160},\s+){0,3}"
_ADVERB = (
    r"(?:(?:also|further|therefore|urgently|immediately|still|now|equally|in particular),?\s+)*"
)
_MODAL = (
    r"(?:should|shall|must|ought to|needs? to|"
    r"(?:is|are) (?:requested|urged|encouraged|invited|called upon|required|recommended) to)"
)
MODAL_DIRECTIVE = re.compile(rf"^{_LEAD}(?P<subj>{_SUBJECT}){_ASIDE}\s+{_ADVERB}{_MODAL}\b")
# "Blood safety should have been the priority", "The file should never have been
# destroyed": a judgement of what was done, not something to do now ("should have regard
# to…" still asks)
COUNTERFACTUAL = re.compile(
    r"\b(?:should|must|ought to)\s+(?:\w+\s+){0,2}?have\s+(?:been|[a-z]{3,}(?:ed|en)|done|"
    r"made|taken|given|seen|shown|known|brought|sought|thought|told|kept|held|set|put|paid|"
    r"led|met|begun|chosen|spoken|written|gone|come|become|left|lost|won|built|sent|spent)\b",
    re.IGNORECASE,
)
PRONOUN_DIRECTIVE = re.compile(
    rf"^{_LEAD}(?:It|They|This|These|He|She)\s+{_ADVERB}{_MODAL}\b(?!\s+not\s+be\b)"
)
# "The Committee recommends that…", "We urge the Government to…", "I recommend:",
# "The Committee calls upon the State party to…" — present tense: "recommended" is reported
# speech (a UPR dialogue), not an ask.
VERB_DIRECTIVE = re.compile(
    rf"^{_LEAD}(?:(?:[Tt]he|[Tt]his|[Oo]ur)\s+)?(?:[A-Z][\w’'-]*\s+){{0,5}}?(?:We|I|[A-Z][\w’'-]*)?\s*"
    rf"{_ADVERB}(?:strongly\s+)?"
    r"(?:recommends?|urges?|calls?\s+(?:up)?on|requests?|encourages?|invites?|asks?|demands?)"
    r"\b(?!\s+(?:for\s+)?(?:information|clarification)\b)"
)
PLEASE_ASK = re.compile(
    r"^(?:please|kindly)\s+(?:provide|indicate|explain|describe|clarify|give|share|inform|"
    r"elaborate|detail|specify|comment|submit|list|outline|state|confirm)\b",
    re.IGNORECASE,
)
WH_START = re.compile(
    r"^(?:what|how|which|why|when|whether|who|where|does|do|is|are|has|have|"
    r"can|could|will|would)\b",
    re.IGNORECASE,
)
NOT_IMPERATIVE = frozenset(
    """
    the this that these those a an in on at for from with we our it its they their there
    he she as by to of and but however although while since during after before if when
    i you one some many most all each both such according sincerely cc yours further
    furthermore moreover despite given under over within without because so thus
    therefore additionally also regarding any where what whilst whereas who which how why
    whether every no none not only here then now today mr mrs ms dr sir
    """.split()  # noqa: SIM905
)
# Gerunds that are nouns far more often than means ("training and funding").
NOUN_GERUNDS = frozenset(
    [
        "training",
        "funding",
        "housing",
        "building",
        "planning",
        "hearing",
        "meeting",
        "spending",
        "being",
        "reporting",
        "monitoring",
        "offending",
        "sentencing",
        "policing",
        "wellbeing",
    ]
)


# Reported speech is evidence, not an ask: "ADS Group argued that … the UK should…".
REPORTED_SPEECH = re.compile(
    r"\b(?:argued|argues|told us|said|says|suggested|suggests|stated|claimed|claims|noted|"
    r"explained|believed|believes|insisted|warned|maintained|contended|testified|"
    r"recommended|urged|called for|asked)\b[^.]{0,120}?\bthat\b",
    re.IGNORECASE,
)


# "…should not be understated": how a thing is to be judged, not something to do
EVALUATIVE = re.compile(
    r"\b(?:should|must|cannot|can ?not)\s+(?:not\s+)?be\s+(?:under|over)(?:stated|estimated|"
    r"emphasi[sz]ed)\b|\b(?:should|must)\s+not\s+be\s+(?:overlooked|exaggerated)\b",
    re.IGNORECASE,
)
MIN_ASK_WORDS = 5


# The mandative subjunctive of formal recommendations: "That a framework be established…"
SUBJUNCTIVE = re.compile(r"^That\s+[^,;]{3,120}?\s+be\s+\w+(?:ed|en)\b")


def is_directive(sentence: str, after_directive: bool = False) -> bool:
    """Does the sentence direct its addressee ('The State party should…', 'The Committee
    urges…', 'It should also…' after such a sentence)? Reported speech ('X argued that
    the Government should…') does not."""
    s = sentence.strip()
    short = len(s.split()) < MIN_ASK_WORDS and not s.endswith(":")  # "The State party should:"
    if short or EVALUATIVE.search(s) or COUNTERFACTUAL.search(s):
        return False
    head = re.split(r"\b(?:should|shall|must|ought to|needs? to)\b", s, maxsplit=1)[0]
    if REPORTED_SPEECH.search(head):
        return False
    if MODAL_DIRECTIVE.match(s) or VERB_DIRECTIVE.match(s) or SUBJUNCTIVE.match(s):
        return True
    return after_directive and bool(PRONOUN_DIRECTIVE.match(s))


def is_interrogative(text: str) -> bool:
    body = strip_marker(text)[1].strip()
    return (
        body.endswith("?")
        or bool(PLEASE_ASK.match(body))
        or (bool(WH_START.match(body)) and "?" in body)
    )


def imperative_start(text: str, capital: bool = True) -> bool:
    """Does the text open with a verb in its base form ('Ratify…', 'Step up…', 'Address…')?
    Not with a function word, a past form ('Presented to Parliament'), a plural or third
    person ('Patients have…'), a gerund, an acronym ('ISBN …'). With `capital` (a sentence or
    item start) the word must be capitalised."""
    first = re.match(r"[A-Za-z][\w’'-]*", text)
    if first is None or (capital and not text[0].isupper()):
        return False
    word = first.group()
    return word.lower() not in NOT_IMPERATIVE and base_form(word)


BASE_FORMS_IN_ING = frozenset(
    ["bring", "ring", "sing", "sting", "string", "swing", "spring", "cling", "fling", "wring"]
)
NOUN_OR_ADVERB_ENDINGS = ("ly", "ness", "tion", "sion", "ity", "ism", "ist")


def base_form(word: str) -> bool:
    """A verb's base form by its ending: not '-ed' (but 'proceed'), '-ing', or '-s' (but
    'address', 'focus', 'analysis')."""
    w = word.lower()
    if len(word) > 1 and word.isupper():
        return False
    if w.endswith("ed") and not w.endswith("eed"):
        return False
    if w.endswith("ing") and w not in BASE_FORMS_IN_ING:
        return False
    if w.endswith(NOUN_OR_ADVERB_ENDINGS):
        return False  # 'Awareness of AIDS began…', 'Falsely reassuring…'

    return not (w.endswith("s") and not w.endswith(("ss", "us", "is")))


def split_means(sentence: str) -> list[str]:
    """'…should X by abolishing A and reducing B.' → ['…should X by abolishing A',
    'reducing B.']: each means the sentence names is an ask of its own."""
    m = re.search(r"\bby\s+([a-z]+ing)\b", sentence)
    if not m or m.group(1) in NOUN_GERUNDS:
        return [sentence]
    parts: list[str] = []
    rest_start = m.end()
    cut_from = 0
    for g in re.finditer(r",?\s+and\s+([a-z]{3,}ing)\s+(?=\w)", sentence[rest_start:]):
        if g.group(1) in NOUN_GERUNDS:
            continue
        at = rest_start + g.start()
        tail = sentence[rest_start + g.end() - len(g.group(1)) - 1 :].strip()
        if len(tail.split()) < 5:
            continue
        parts.append(sentence[cut_from:at].strip())
        cut_from = rest_start + g.end() - len(g.group(1)) - 1
    parts.append(sentence[cut_from:].strip())
    return [p for p in parts if p]


@lru_cache(maxsize=1)
def _segmenter() -> object:
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> tuple[str, ...]:
    """Sentences by pysbd (a maintained rule-based splitter); list lines stay separate. A
    piece pysbd cut off without a sentence's closing punctuation ('…paragraphs 28 (a); 33
    (a); 39 (c);' before '48 (b) …') is joined to the piece after it."""
    out: list[str] = []
    for line in text.split("\n"):
        pieces = [s.strip() for s in _segmenter().segment(line) if s.strip()]  # type: ignore[attr-defined]
        out.extend(_rejoin(pieces))
    return tuple(out)


SENTENCE_END = re.compile(r"[.!?:…][”\"’)\]]*$")


def _rejoin(pieces: list[str]) -> list[str]:
    joined: list[str] = []
    for piece in pieces:
        if joined and not SENTENCE_END.search(joined[-1]):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined
