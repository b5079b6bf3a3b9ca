"""Which documents are requests and which replies, read off the cues of their first pages.

A strong reply cue outweighs two strong request cues (see `InferenceSettings`); a corpus
needs both roles, so when every document looks like one, the likeliest takes the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .corpus_toml import MANIFEST_NAME
from .documents import Document, Role

APOS = "['’‘`]"


@dataclass(frozen=True)
class InferenceSettings:
    """How much of a text is read for its metadata, and how much each kind of role cue counts.

    Set on the real pairs at hand (6 UK inquiry/committee reports with their government
    responses, one lone response, 2 UN treaty-body and UPR pairs) and the 5 seed letters, all
    of which these values get right. A strong reply cue outweighs two strong request cues
    because a reply names what it answers ("Government Response to the Committee's Fifth
    Report of Session 2017–19", "follow-up to the concluding observations"), so request words
    turn up in replies far more often than reply words in requests.
    """

    head_chars: int = 3000  # role cues and dates are sought on the title page and page 1-2
    strong_reply: int = 6
    strong_request: int = 3
    weak: int = 1


INFERENCE = InferenceSettings()


@dataclass(frozen=True)
class RoleCue:
    """A phrase that says what kind of document a text is."""

    role: Role
    strong: bool
    label: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None  # the cue does not count if this is in the head too
    only_with: re.Pattern[str] | None = None  # the cue counts only if this is in the head too

    @property
    def weight(self) -> int:
        if not self.strong:
            return INFERENCE.weak
        return INFERENCE.strong_reply if self.role == "reply" else INFERENCE.strong_request

    def found_in(self, head: str) -> bool:
        return (
            self.pattern.search(head) is not None
            and not (self.unless and self.unless.search(head))
            and (self.only_with is None or self.only_with.search(head) is not None)
        )


def _cue(
    role: Role,
    strong: bool,
    label: str,
    pattern: str,
    flags: int = re.IGNORECASE,
    unless: str | None = None,
    only_with: str | None = None,
) -> RoleCue:
    def compile_(p: str | None) -> re.Pattern[str] | None:
        return re.compile(p, re.IGNORECASE | re.DOTALL) if p else None

    return RoleCue(
        role, strong, label, re.compile(pattern, flags), compile_(unless), compile_(only_with)
    )


UPR_REPORT = r"report\s+of\s+the\s+working\s+group\s+on\s+the\s+universal\s+periodic\s+review"
VIEWS_ON_CONCLUSIONS = r"views\s+on\s+conclusions\s+and/or\s+recommendations"
MISSION_LETTERHEAD = (
    r"\A\W*(?:the\s+)?permanent\s+mission\b|permanent\s+mission\s+of\b.{0,200}?presents\s+its"
    r"\s+compliments"
)
YOUR_LETTER = r"(?:letter|communication|note|e-?mail|request|enquiry|inquiry)"
ABOUT_YOUR_LETTER = (
    r"\b(?:in\s+(?:response|reply)\s+to|further\s+to|with\s+reference\s+to|refer\s+to"
    rf"|acknowledge\s+receipt\s+of)\s+your\s+(?:\w+\s+)?{YOUR_LETTER}"
)
REPLIES_TO_ISSUES = r"\brepl(?:y|ies)\s+of\b.{0,80}?\bto\s+the\s+list\s+of\s+issues"
REPLY_HEADING = r"information\s+received|views\s+on|response|repl(?:y|ies)\s+(?:of|to|from)"
ROLE_CUES: tuple[RoleCue, ...] = (
    _cue("reply", True, '"Information received from … on follow-up"',
         r"information\s+received\s+from\b.{0,150}?\bfollow-up", re.I | re.S),
    _cue("reply", True, '"[Date received: …]"', r"\[\s*date\s+received\s*:"),
    _cue("reply", True, '"Views on conclusions and/or recommendations"', VIEWS_ON_CONCLUSIONS),
    _cue("reply", True, "Addendum to a UPR working-group report",
         UPR_REPORT + r"\b.{0,300}?\baddendum\b", re.I | re.S),
    _cue("reply", True, '"Replies of … to the list of issues"', REPLIES_TO_ISSUES, re.I | re.S),
    _cue("reply", True, '"Government response to …" / "Response to the … report"',
         rf"(?i:\bgovernment(?:{APOS}s)?\s+response\s+to\b)|^[ \t*]*Response\s+to\s+the\b"
         r"(?s:.{0,150}?)\b(?i:report|review|inquiry|investigation|recommendations|"
         r"observations|letter|communication)", re.M),
    _cue("reply", False, '"the Government\'s response/reply"',
         rf"\bgovernment(?:{APOS}s)?\s+(?:response|reply)\b"),
    _cue("reply", False, '"response/reply of the Government"',
         r"\b(?:response|reply|replies|comments)\s+(?:of|by|from)\s+the\s+government\b"),
    _cue("reply", True, "letter from a Permanent Mission", MISSION_LETTERHEAD, re.I | re.S),
    _cue("reply", False, '"Permanent Mission"', r"\bpermanent\s+mission\b",
         unless=MISSION_LETTERHEAD),
    _cue("reply", True, '"Thank you for your letter"',
         rf"\bthank\s+you\s+for\s+your\s+{YOUR_LETTER}"),
    _cue("reply", True, '"in reply to your letter"', ABOUT_YOUR_LETTER),
    _cue("reply", True, '"Please find … response"',
         r"\bplease\s+find\b.{0,60}?\b(?:response|reply|answer)\b", re.I | re.S),
    _cue("reply", True, '"Subject: … response"', r"^\W*subject:.*\b(?:response|reply)\b",
         re.I | re.M),
    _cue("reply", False, '"in response to"', r"\bin\s+(?:response|reply)\s+to\b",
         unless=ABOUT_YOUR_LETTER),
    _cue("reply", False, 'UN symbol ending in "/Add.N"', r"\b[A-Z]{1,8}(?:/[A-Z0-9.]+)+/Add\.\d+",
         re.M, only_with=REPLY_HEADING),
    _cue("request", True, '"Concluding observations"', r"\bconcluding\s+observations\b"),
    _cue("request", True, "UPR working-group report", UPR_REPORT,
         unless=rf"\baddendum\b|{VIEWS_ON_CONCLUSIONS}"),
    _cue("request", True, '"List of issues"', r"^\W*list\s+of\s+issues\b", re.I | re.M,
         unless=REPLIES_TO_ISSUES),
    _cue("request", True, "letter from a UN special procedure",
         r"\bmandates?\s+of\s+the\s+(?:special\s+rapporteur|working\s+group|independent\s+expert)"
         r"|\bin\s+(?:my|our)\s+capacit(?:y|ies)\s+as\b"),
    _cue("request", True, '"Report of Session" (parliamentary committee report)',
         r"\breport\s+of\s+session\b", unless=r"\bspecial\s+report\s+of\s+session\b"),
    _cue("request", True, "inquiry report",
         r"\bpursuant\s+to\s+section\s+\d+\s+of\s+the\s+inquiries\s+act\b|\binquiry\s+report\b"),
    _cue("request", True, '"Independent report"', r"\bindependent\s+report\b"),
    _cue("request", True, "shadow, alternative or stakeholder report",
         r"\b(?:shadow|alternative|parallel|stakeholder|civil[-\s]society|NGO)\s+"
         r"(?:report|submission)\b|\bopen\s+letter\b"),
    _cue("request", True, "civil-society letter",
         r"\bwe,?\s+the\s+undersigned\b|\bwe\s+(?:urge|call\s+(?:up)?on)\b"
         r"|\b(?:are|am)\s+writing\s+to\s+(?:urge|express|raise|ask|request)\b"),
    _cue("request", False, '"HL Paper N" / "HC N" (House paper)',
         r"\bHL\s+Paper\s+\d+|\bHC\s+\d+\b", 0),
    _cue("request", False, '"A report by"', r"\ba\s+report\s+by\b"),
    _cue("request", False, '"final report" / "independent review"',
         r"\bfinal\s+report\b|\bindependent\s+review\b"),
    _cue("request", False, "letter to a head of government or minister",
         r"^\W*dear\s+(?:mr\.?\s+|madam\s+|madame\s+)?(?:vice\s+)?(?:president|prime\s+minister"
         r"|minister|secretary|governor|chancellor|ambassador|excellency)", re.I | re.M),
    _cue("request", False, '"civil society"', r"\bcivil[-\s]society\b"),
    _cue("request", False, '"issue brief" / "briefing paper"',
         r"\b(?:issue|policy)\s+brief\b|\bbriefing\s+(?:paper|note)\b"),
    _cue("request", False, 'a call to act ("… should", "violates")',
         r"\b(?:administration|government|state\s+party|authorities|department|congress)\s+"
         r"(?:should|must)\b|\bviolat(?:e|es|ed|ing|ion|ions)\b"),
)  # fmt: skip


@dataclass(frozen=True)
class RoleEvidence:
    """What the head of one document says about its role: cue weights for each side."""

    request: int = 0
    reply: int = 0
    cues: tuple[RoleCue, ...] = ()

    @property
    def role(self) -> Role:
        return "reply" if self.reply > self.request else "request"

    def lean(self, role: Role) -> int:
        """How far the evidence leans towards `role` (negative: away from it)."""
        return self.reply - self.request if role == "reply" else self.request - self.reply

    @property
    def confident(self) -> bool:
        """A strong cue for the role and, for a request, no strong reply cue against it.

        A strong request cue does not shake a reply, which names the report it answers.
        """
        strong = {c.role for c in self.cues if c.strong}
        return self.role in strong and (self.role == "reply" or "reply" not in strong)

    def describe(self, role: Role) -> str:
        labels = [c.label for c in self.cues if c.role == role]
        return ", ".join(labels) if labels else f"no {role} cue"


def role_evidence(text: str, title: str = "") -> RoleEvidence:
    """Score the role cues found in the head of a document and in its title, if one is given."""
    head = f"{text[: INFERENCE.head_chars]}\n{title}"
    cues = tuple(c for c in ROLE_CUES if c.found_in(head))
    return RoleEvidence(
        request=sum(c.weight for c in cues if c.role == "request"),
        reply=sum(c.weight for c in cues if c.role == "reply"),
        cues=cues,
    )


def decide_roles(scored: list[tuple[Document, RoleEvidence]]) -> tuple[Document, ...]:
    """Settle inferred roles for the corpus as a whole, warning where the evidence is thin.

    A corpus needs both roles, so when every document looks like a request (or every one like
    a reply), the inferred one with the strongest evidence for the other role takes it.
    """
    odd_one = _odd_one_out(scored)
    decided = []
    for i, (doc, evidence) in enumerate(scored):
        if "role" not in doc.inferred:
            decided.append(doc)
        elif i == odd_one:
            decided.append(_swap_role(doc, evidence))
        elif not evidence.confident:
            decided.append(
                replace(doc, warnings=(*doc.warnings, _weak_role_warning(doc, evidence)))
            )
        else:
            decided.append(doc)
    return tuple(decided)


def _odd_one_out(scored: list[tuple[Document, RoleEvidence]]) -> int | None:
    """Index of the document to give the missing role, if every document has the same one."""
    roles = {doc.role for doc, _ in scored}
    candidates = [i for i, (doc, _) in enumerate(scored) if "role" in doc.inferred]
    if len(scored) < 2 or len(roles) > 1 or not candidates:
        return None
    # On equal evidence a reply is the latest document and a request the earliest.
    if roles == {"request"}:
        return max(candidates, key=lambda i: (scored[i][1].lean("reply"), scored[i][0].date))
    return min(
        candidates, key=lambda i: (-scored[i][1].lean("request"), scored[i][0].date or "9999")
    )


def _other(role: Role) -> Role:
    return "request" if role == "reply" else "reply"


def _swap_role(doc: Document, evidence: RoleEvidence) -> Document:
    role, other = doc.role, _other(doc.role)
    reason = (
        f"it has the most {other} evidence ({evidence.describe(other)})"
        if any(c.role == other for c in evidence.cues)
        else f"it has the least {role} evidence ({evidence.describe(role)})"
    )
    warning = (
        f"{doc.name}: taken as the {other}, since every document looked like a {role} and "
        f'{reason}; if that is wrong, set role = "{role}" for {doc.name} in {MANIFEST_NAME} '
        f'and role = "{other}" for the {other}'
    )
    return replace(doc, role=other, warnings=(*doc.warnings, warning))


def _weak_role_warning(doc: Document, evidence: RoleEvidence) -> str:
    other = _other(doc.role)
    return (
        f"{doc.name}: taken as a {doc.role} on weak evidence ({evidence.describe(doc.role)}; "
        f"{evidence.describe(other)}); if it is a {other}, set role = "
        f'"{other}" for {doc.name} in {MANIFEST_NAME}'
    )
