"""Stated positions read from reply sentences, scoped to the ask they answer."""

from __future__ import annotations

import pytest

from comparator.position import Position, stance_of, stated_position


def names(*words: str):  # type: ignore[no-untyped-def]
    return lambda sentence: all(w in sentence.lower() for w in words)


@pytest.mark.parametrize(
    ("sentence", "position"),
    [
        ("The Government accepts this recommendation.", Position.ACCEPTED),
        (
            "The government supports the recommendation that boards should review data.",
            Position.ACCEPTED,
        ),
        ("The Government partially accepts the recommendation.", Position.PARTIAL),
        ("The Government notes recommendations 6–13.", Position.NOTED),
        ("The Government does not have any plans on repealing the rules.", Position.REJECTED),
        (
            "Remand in solitary confinement of persons under 18 is not prohibited.",
            Position.REJECTED,
        ),
        ("The Government is currently not planning to ratify the Convention.", Position.REJECTED),
        ("Rejected asylum cases are automatically appealed to the Board.", None),
        ("We accept that we must learn the lessons of the pandemic.", None),
        ("The proceedings will not be discontinued automatically.", None),
    ],
)
def test_stance_phrases(sentence: str, position: Position | None) -> None:
    assert stance_of(sentence) == position


def test_a_list_position_wins_over_a_stance_sentence() -> None:
    got = stated_position(["We are not planning to ratify it."], names("ratify"), listed="noted")
    assert got[0] == Position.NOTED


def test_a_stance_about_something_else_is_not_the_position() -> None:
    sentences = ["The Government has no plans to close the border office."]
    assert stated_position(sentences, names("ratify"))[0] == Position.NONE
    assert stated_position(sentences, names("ratify"), own_answer=True)[0] == Position.REJECTED


def test_acceptance_with_a_rejected_part_is_partial() -> None:
    sentences = [
        "The government agrees with the need for a strategy.",
        "However, a single strategy would not be appropriate.",
    ]
    assert stated_position(sentences, names(), own_answer=True)[0] == Position.PARTIAL


def test_keeping_a_measure_an_ask_would_undo_is_a_rejection() -> None:
    sentences = [
        "In November 2015 a suspension rule was introduced.",
        "Thus, detained migrants will still have access to judicial review of their detention.",
    ]
    ask = "Repeal the amendment so that detained migrants have access to judicial review."
    about = names("judicial review")
    assert stated_position(sentences, about, own_answer=True, ask=ask)[0] == Position.REJECTED
    # not when the answer was written for other asks too, nor for an ask that undoes nothing
    assert stated_position(sentences, about, own_answer=False, ask=ask)[0] == Position.NONE
    other = "Ensure that detained migrants have access to judicial review."
    assert stated_position(sentences, about, own_answer=True, ask=other)[0] == Position.NONE
