"""Corpus loading: the manifest wins, inference fills gaps, mistakes name file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from comparator.corpus import load_corpus
from comparator.errors import InputError, ManifestError

from .conftest import MINI, SEEDS


def test_seed_manifest_records_every_document(seeds: object) -> None:
    docs = {d.doc_id: d for d in seeds.documents}  # type: ignore[attr-defined]
    assert sorted(docs) == ["000", "001", "002", "003", "004"]
    assert [docs[i].role for i in sorted(docs)] == [
        "reply",
        "reply",
        "request",
        "request",
        "request",
    ]
    assert docs["000"].date == "2018-01-24" and docs["000"].inferred == ()


def test_without_a_manifest_roles_and_dates_are_inferred(tmp_path: Path) -> None:
    for name in ("000_ee98b88db5c8f4ef.txt", "002_4ab375e16aaa3c16.txt"):
        shutil.copy(SEEDS / name, tmp_path / name)
    docs = {d.doc_id: d for d in load_corpus(tmp_path).documents}
    assert (docs["000"].role, docs["000"].date) == ("reply", "2018-01-24")
    assert (docs["002"].role, docs["002"].date) == ("request", "2021-03-25")
    assert "role" in docs["000"].inferred


def write_manifest(tmp_path: Path, body: str) -> Path:
    shutil.copytree(MINI, tmp_path / "c")
    (tmp_path / "c" / "corpus.toml").write_text(body, encoding="utf-8")
    return tmp_path / "c"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[document]]\nfile = "nope.md"\nrole = "request"\n', r"corpus.toml:2: 'nope.md' is not"),
        ('[[document]]\nfile = "letter.md"\nrole = "answer"\n', r"corpus.toml:3: role must be"),
        (
            '[[document]]\nfile = "letter.md"\nrole = "request"\ndate = "12/03/2024"\n',
            r"corpus.toml:4: date '12/03/2024' is not ISO 8601",
        ),
        (
            '[[document]]\nfile = "letter.md"\nrol = "request"\n',
            r"corpus.toml:3: unknown key 'rol'",
        ),
        ('[[document]\nfile = "letter.md"\n', r"corpus.toml: not valid TOML"),
    ],
)
def test_manifest_mistakes_name_the_line(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        load_corpus(write_manifest(tmp_path, body))


def test_an_entry_wins_over_inference(tmp_path: Path) -> None:
    folder = write_manifest(tmp_path, '[[document]]\nfile = "reply.md"\nrole = "request"\n')
    docs = {d.name: d for d in load_corpus(folder).documents}
    assert docs["reply.md"].role == "request"
    assert "role" not in docs["reply.md"].inferred


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such corpus folder"):
        load_corpus(tmp_path / "absent")
