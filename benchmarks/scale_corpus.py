"""A synthetic archive: N request/reply documents in the shapes the segmenter reads.

    .venv/bin/python -m benchmarks.scale_corpus OUT_DIR --docs 1000 [--seed 15]

Three kinds of exchange, in turn: treaty-body concluding observations ("20. The State
party should: (a) …; (b) …") with a follow-up reply keyed "Recommendation 20"; a UPR
working-group report ("115.4 Ratify …(Chile);") with a position list ("accepts the
recommendations 1–5, 14"); and a special-procedures letter of numbered questions with a
reply that restates each question before answering it. Every text is drawn from small
phrase tables with a fixed seed, so the same seed writes the same bytes; nothing here is
committed as data. The generator counts the asks it writes, so a test can check the
segmenter finds each of them.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

COUNTRIES = (
    "Arland", "Belmora", "Corvania", "Dastovia", "Elbaria", "Fernholm", "Galvania", "Hestria",
    "Ilvoria", "Jorvik", "Kaltmark", "Lorvana", "Merovia", "Nordhavn", "Ostravia", "Pelagos",
)  # fmt: skip
TOPICS = (
    ("domestic violence", "shelters for victims", "prosecution of perpetrators"),
    ("solitary confinement", "remand detainees", "conditions of detention"),
    ("asylum procedures", "family reunification", "detention of migrant children"),
    ("freedom of expression", "protection of journalists", "defamation laws"),
    ("trafficking in persons", "identification of victims", "labour inspections"),
    ("discrimination against minorities", "hate crimes", "equal treatment bodies"),
    ("juvenile justice", "age of criminal responsibility", "alternatives to detention"),
    ("police use of force", "independent complaints mechanism", "body-worn cameras"),
    ("access to legal aid", "pretrial detention", "length of proceedings"),
    ("rights of persons with disabilities", "supported decision-making", "inclusive education"),
    ("national human rights institution", "Paris Principles", "adequate funding"),
    ("gender wage gap", "women in public life", "parental leave"),
)
ASK_VERBS = (
    "ensure", "adopt", "strengthen", "review", "establish", "guarantee", "investigate",
    "provide", "allocate resources for", "amend legislation on",
)  # fmt: skip
OBJECTS = (
    "effective remedies for victims of {t}",
    "a national action plan on {t}",
    "independent monitoring of {t}",
    "systematic data collection on {t}",
    "training for judges and police officers on {t}",
    "prompt and impartial investigations into allegations concerning {t}",
    "the repeal of provisions that restrict {t}",
    "public awareness campaigns on {t}",
)
NARRATIVE = (
    "The Committee is concerned about reports that {t} remains widespread in {c}.",
    "It notes with concern the limited information on {t} provided during the dialogue.",
    "Despite the measures taken, the number of complaints relating to {t} has increased.",
    "Civil-society organizations have documented persistent shortcomings as regards {t}.",
    "The delegation acknowledged that the regional authorities apply the rules on {t} unevenly.",
    "Statistics disaggregated by sex, age and region on {t} were not available.",
)
REPLY_SENTENCES = (
    "In {y}, the Ministry of Justice issued binding guidelines on {t} to all police districts.",
    "A working group with representatives of civil society reviewed the legislation on {t}.",
    "The Government allocated additional funding for {t} in the budget for {y}.",
    "Training on {t} is now mandatory for newly appointed prosecutors and case workers.",
    "An evaluation of the measures on {t} will be published by the end of {y}.",
    "The authorities continue to cooperate closely with municipalities as regards {t}.",
    "Statistics on {t} are collected annually and published on the website of the Ministry.",
)
STANCES = (
    "{c} accepts the recommendation.",
    "{c} notes the recommendation.",
    "{c} does not accept the recommendation, as the existing legislation already provides for it.",
    "{c} considers the recommendation already implemented.",
)
SOURCES = (
    "Chile",
    "Norway",
    "Senegal",
    "Uruguay",
    "Portugal",
    "Ghana",
    "Iran (Islamic Republic of)",
)
QUESTIONS = (
    "Please provide information on any measures taken to address {t}.",
    "Please indicate what steps your Government intends to take to guarantee {t}.",
    "What safeguards are in place to prevent violations relating to {t}?",
    "Please explain how {t} is monitored and which authority is responsible.",
)
KINDS = ("observations", "upr", "letter")


@dataclass(frozen=True)
class Written:
    """What the generator wrote: file names and the asks each request holds."""

    files: tuple[str, ...]
    asks_per_request: dict[str, int]

    @property
    def asks(self) -> int:
        return sum(self.asks_per_request.values())


@dataclass(frozen=True)
class Pair:
    kind: str
    request: str
    reply: str
    asks: int


def _para(rng: random.Random, table: tuple[str, ...], n: int, **fields: object) -> str:
    return " ".join(rng.choice(table).format(**fields) for _ in range(n))


def _ask(rng: random.Random, topic: str) -> str:
    return f"{rng.choice(ASK_VERBS)} {rng.choice(OBJECTS).format(t=topic)}"


def _observations(rng: random.Random, c: str, year: int) -> Pair:
    """Concluding observations (some paragraphs with lettered limbs) and a keyed follow-up."""
    head = [
        "United Nations",
        "International Covenant on Civil and Political Rights",
        f"Distr.: General {rng.randint(1, 28)} March {year}",
        "",
        "Human Rights Committee",
        f"Concluding observations on the periodic report of {c}",
        "",
        "A. Introduction",
        f"1. The Committee considered the periodic report of {c} at its meetings held in "
        f"{year}. It welcomes the constructive dialogue with the delegation of the State party.",
        "",
        "B. Principal matters of concern and recommendations",
    ]
    reply = [
        "United Nations",
        "International Covenant on Civil and Political Rights",
        f"Distr.: General {rng.randint(1, 28)} July {year + 1}",
        "",
        "Concluding observations on the periodic report of " + c,
        "Addendum",
        f"Information received from {c} on follow-up to the concluding observations",
        f"[Date received: {rng.randint(1, 28)} June {year + 1}]",
        "",
    ]
    asks, n = 0, 2
    for topic in rng.sample(TOPICS, rng.randint(3, 6)):
        t = topic[0]
        head += ["", t[0].upper() + t[1:], f"{n}. " + _para(rng, NARRATIVE, 4, t=t, c=c)]
        n += 1
        limbs = rng.choice((0, 0, 2, 3))
        if limbs:
            items = [f"({chr(97 + i)}) {_ask(rng, topic[i % 3])};" for i in range(limbs)]
            items[-1] = items[-1][:-1] + "."
            head.append(f"{n}. The State party should:")
            head += items
            asks += limbs
        else:
            head.append(f"{n}. The State party should {_ask(rng, t)}.")
            asks += 1
        reply += ["", f"Recommendation {n}"]
        for i in range(rng.randint(1, 3)):
            reply.append(f"{chr(65 + i)}. {topic[i].capitalize()}")
            reply.append(_para(rng, REPLY_SENTENCES, rng.randint(3, 7), t=topic[i], y=year + 1))
        n += 1
    return Pair("observations", "\n".join(head) + "\n", "\n".join(reply) + "\n", asks)


def _upr(rng: random.Random, c: str, year: int) -> Pair:
    """A UPR report's recommendation list and the State's position list over them."""
    para = rng.randint(110, 140)
    count = rng.randint(8, 24)
    head = [
        "United Nations",
        "General Assembly",
        f"Distr.: General {rng.randint(1, 28)} January {year}",
        "",
        "Human Rights Council",
        "Report of the Working Group on the Universal Periodic Review",
        c,
        "",
        f"{para - 1}. " + _para(rng, NARRATIVE, 3, t=rng.choice(TOPICS)[0], c=c),
        f"{para}. The recommendations listed below will be examined by {c} which will "
        "provide responses in due time:",
    ]
    asks: set[str] = set()
    while len(asks) < count:  # the segmenter counts a recommendation repeated word for word once
        ask = _ask(rng, rng.choice(TOPICS)[rng.randint(0, 2)])
        if ask not in asks:
            asks.add(ask)
            head.append(f"{para}.{len(asks)} {ask.capitalize()} ({rng.choice(SOURCES)});")
    head[-1] = head[-1][:-1] + "."
    accepted = sorted(rng.sample(range(1, count + 1), count * 2 // 3))
    noted = [i for i in range(1, count + 1) if i not in accepted]
    reply = [
        "United Nations",
        "General Assembly",
        f"Distr.: General {rng.randint(1, 28)} March {year}",
        "",
        "Report of the Working Group on the Universal Periodic Review",
        c,
        "Addendum",
        "Views on conclusions and/or recommendations, voluntary commitments and replies "
        "presented by the State under review",
        "",
        f"1. The Government of {c} examined the {count} recommendations and prepared the "
        "following responses.",
        f"2. The Government of {c} accepts the recommendations {_ranges(accepted)}.",
    ]
    if noted:
        reply.append(f"3. The Government of {c} notes the recommendations {_ranges(noted)}.")
    reply.append("4. " + _para(rng, REPLY_SENTENCES, 6, t=rng.choice(TOPICS)[0], y=year))
    return Pair("upr", "\n".join(head) + "\n", "\n".join(reply) + "\n", count)


def _ranges(numbers: list[int]) -> str:
    """'1–5, 14, 16–17': how a position list names recommendations."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _letter(rng: random.Random, c: str, year: int) -> Pair:
    """A special-procedures letter of numbered questions; the reply quotes each one."""
    topic = rng.choice(TOPICS)
    questions = [rng.choice(QUESTIONS).format(t=t) for t in rng.sample(topic, rng.randint(2, 3))]
    questions += [
        rng.choice(QUESTIONS).format(t=rng.choice(TOPICS)[1]) for _ in range(rng.randint(1, 4))
    ]
    questions = list(dict.fromkeys(questions))
    head = [
        f"{rng.randint(1, 28)} May {year}",
        "",
        "Excellency,",
        "",
        "We have the honour to address you in our capacities as Special Rapporteurs, "
        "pursuant to Human Rights Council resolutions. In this connection, we would like to "
        f"bring to the attention of your Excellency's Government information we have "
        f"received concerning {topic[0]} in {c}.",
        "",
        _para(rng, NARRATIVE, 6, t=topic[0], c=c),
        "",
        "In view of these allegations, we would be grateful for your observations on the "
        "following matters:",
    ]
    head += [f"{i}. {q}" for i, q in enumerate(questions, start=1)]
    head += ["", "Please accept, Excellency, the assurances of our highest consideration."]
    reply = [
        f"Permanent Mission of {c} to the United Nations Office at Geneva",
        "",
        f"{rng.randint(1, 28)} July {year}",
        "",
        f"The Permanent Mission of {c} presents its compliments to the Special Rapporteurs "
        "and, in reply to the communication of May, has the honour to transmit the "
        "following responses.",
    ]
    for i, q in enumerate(questions, start=1):
        if rng.random() < 0.15:
            continue  # a question the reply passes over
        reply += ["", f"{i}. {q}", ""]
        reply.append(_para(rng, REPLY_SENTENCES, rng.randint(2, 6), t=topic[0], y=year))
        if rng.random() < 0.3:
            reply.append(rng.choice(STANCES).format(c=c))
    return Pair("letter", "\n".join(head) + "\n", "\n".join(reply) + "\n", len(questions))


MAKERS = {"observations": _observations, "upr": _upr, "letter": _letter}


def pairs(n_docs: int, seed: int = 15) -> Iterator[tuple[int, Pair]]:
    """N documents as N // 2 exchanges (a request and its reply), kinds in turn."""
    rng = random.Random(seed)
    for i in range(max(1, n_docs // 2)):
        kind = KINDS[i % len(KINDS)]
        yield i, MAKERS[kind](rng, rng.choice(COUNTRIES), rng.randint(2011, 2024))


def write_corpus(folder: Path, n_docs: int, seed: int = 15) -> Written:
    """Write the documents and a corpus.toml naming each one's role and, for a reply, the
    request it answers (an archive's exchanges are declared, not guessed)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest, files, asks = [], [], {}
    for i, pair in pairs(n_docs, seed):
        for n, role, text in ((2 * i, "request", pair.request), (2 * i + 1, "reply", pair.reply)):
            name = f"{n:05d}_{pair.kind}_{role}.txt"
            (folder / name).write_text(text, encoding="utf-8")
            answers = f'in_reply_to = ["{2 * i:05d}"]\n' if role == "reply" else ""
            manifest.append(f'[[document]]\nfile = "{name}"\nrole = "{role}"\n{answers}')
            files.append(name)
        asks[f"{2 * i:05d}_{pair.kind}_request.txt"] = pair.asks
    (folder / "corpus.toml").write_text("\n".join(manifest), encoding="utf-8")
    return Written(tuple(files), asks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    written = write_corpus(args.out, args.docs, args.seed)
    print(f"{args.out}: {len(written.files)} documents, {written.asks} asks")


if __name__ == "__main__":
    main()
