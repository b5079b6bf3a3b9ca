"""Key concepts as whole noun phrases, and how a reply is found to carry them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from comparator import concepts
from comparator.concepts import FRAMING, ConceptStore, concept_present, key_concepts
from comparator.lexical import StemText

from .conftest import SEEDS

D05 = (
    "Eliminate policies that seek prolonged immigration detention and adopt the necessary "
    "measures for the existence of alternative measures to the deprivation of liberty that "
    "allow migrants and asylum seekers to remain in U.S. territory. In addition, in "
    "consideration of the best interests of the child, the practice to detain children, "
    "adolescents and their families should be eradicated."
)


def phrases(text: str, imperative: bool = False) -> list[str]:
    return [c.phrase for c in key_concepts(text, imperative)]


def test_a_demand_yields_the_phrases_a_researcher_would_write() -> None:
    got = phrases(D05, imperative=True)
    for want in (
        "prolonged immigration detention",
        "alternative measures to the deprivation of liberty",
        "best interests of the child",
        "asylum seekers",
        "families",
    ):
        assert want in got
    # framing heads and procedural words never stand alone
    assert not {"policies", "necessary measures", "existence", "consideration"} & set(got)


@pytest.mark.parametrize(
    "text",
    [
        "Please provide any additional information and any comment you may have on the "
        "above-mentioned allegations.",
        "Adopt the necessary measures in the meantime.",
        "Consider the possibility of such policies.",
    ],
)
def test_an_ask_made_only_of_framing_has_no_concept(text: str) -> None:
    assert key_concepts(text, imperative=True) == ()


def test_coordinated_modifiers_stay_with_their_noun_and_nouns_split() -> None:
    got = phrases(
        "Create national and transnational mechanisms for the identification of missing or "
        "deceased migrants, asylum seekers and refugees.",
        imperative=True,
    )
    assert got[0].startswith("national and transnational mechanisms")
    assert any("missing or deceased migrants" in p for p in got)
    assert {"asylum seekers", "refugees"} <= set(got)


def test_a_participle_after_an_auxiliary_is_no_modifier() -> None:
    assert phrases("Family members were granted conditional approval.") == [
        "Family members",
        "conditional approval",
    ]
    assert phrases("End expedited removals.", imperative=True) == ["expedited removals"]


def test_no_seed_concept_is_a_single_framing_word() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        for c in key_concepts(path.read_text(encoding="utf-8")):
            words = c.phrase.lower().split()
            assert not (len(words) == 1 and words[0] in FRAMING), (path.name, c.phrase)
            assert c.stems, c.phrase


def test_a_concept_is_found_by_its_head_and_modifiers_in_any_order() -> None:
    (concept,) = key_concepts("detention of children")
    assert concept.stems == ("detent", "child")
    assert concept_present(concept, StemText("It ended child detention in 2021."))
    far = "Children attend the village school beside the river and the market; detention ended."
    assert not concept_present(concept, StemText(far))


def test_stored_concepts_are_served_without_the_chunker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ConceptStore(tmp_path)
    want = first.of(D05, True)
    first.save()
    (shard,) = first.folder.glob("*.json") if first.folder else ()

    def no_chunker(text: str) -> list[object]:
        raise AssertionError("the chunker ran for a stored text")

    monkeypatch.setattr(concepts, "_parse", no_chunker)
    assert ConceptStore(tmp_path).of(D05, True) == want
    # a shard whose bytes no longer match its name is not read: the text is parsed again
    shard.write_text(json.dumps({"x": []}))
    with pytest.raises(AssertionError, match="chunker ran"):
        ConceptStore(tmp_path).of(D05, True)
