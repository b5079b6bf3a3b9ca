"""Corpus loading: the manifest wins, inference fills gaps, mistakes name file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from comparator.corpus import load_corpus
from comparator.dates import infer_date
from comparator.documents import Document
from comparator.errors import InputError, ManifestError

from .conftest import MINI, SEEDS

ROLES = Path(__file__).resolve().parent / "fixtures" / "roles"


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
        (
            '[[document]]\nfile = "letter.md"\nrole = "request"\ndate = "2023-02-31"\n',
            r"corpus.toml:4: date '2023-02-31' is not a day of the calendar",
        ),
        ('[[document]\nfile = "letter.md"\n', r"corpus.toml: not valid TOML"),
        (
            '[[document]]\nfile = "letter.md"\nrole = "reply"\nin_reply_to = ["007"]\n',
            r"in_reply_to names '007', which is not the id of a request",
        ),
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


def test_a_real_leap_day_is_a_valid_manifest_date(tmp_path: Path) -> None:
    body = '[[document]]\nfile = "letter.md"\nrole = "request"\ndate = "2024-02-29"\n'
    docs = {d.name: d for d in load_corpus(write_manifest(tmp_path, body)).documents}
    assert docs["letter.md"].date == "2024-02-29"


def corpus_of(tmp_path: Path, *names: str, manifest: str = "") -> dict[str, Document]:
    """Load the named role fixtures as one corpus folder, optionally with a corpus.toml."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(ROLES / name, tmp_path / name)
    if manifest:
        (tmp_path / "corpus.toml").write_text(manifest, encoding="utf-8")
    return {d.name: d for d in load_corpus(tmp_path).documents}


@pytest.mark.parametrize(
    ("name", "role", "date"),
    [
        ("treaty_body_observations.txt", "request", "2019-05-02"),
        ("treaty_body_followup.txt", "reply", "2020-03-20"),  # Date received, not Distr.
        ("upr_report.txt", "request", "2018-07-11"),
        ("upr_addendum.txt", "reply", "2018-09-05"),
        ("committee_report.txt", "request", "2023-03-14"),  # published, not printed
        ("government_response.txt", "reply", "2023-06"),
        ("inquiry_report.txt", "request", "2022-10-12"),
        ("mission_letter.txt", "reply", "2019-03-03"),
        ("ngo_letter.txt", "request", ""),
    ],
)
def test_each_genre_title_page_gets_its_role_and_date(name: str, role: str, date: str) -> None:
    (doc,) = load_corpus(ROLES / name).documents
    assert (doc.role, doc.date, doc.warnings) == (role, date, ())
    assert {"role", "date"} <= set(doc.inferred)


def test_a_mixed_corpus_gets_every_role_right_without_warnings(tmp_path: Path) -> None:
    names = sorted(p.name for p in ROLES.iterdir() if p.name != "untitled_brief.txt")
    docs = corpus_of(tmp_path, *names)
    replies = {n for n, d in docs.items() if d.role == "reply"}
    assert replies == {
        "treaty_body_followup.txt",
        "upr_addendum.txt",
        "government_response.txt",
        "mission_letter.txt",
    }
    assert [w for d in docs.values() for w in d.warnings] == []


def test_weak_evidence_is_flagged_with_the_manifest_fix() -> None:
    (doc,) = load_corpus(ROLES / "untitled_brief.txt").documents
    assert doc.role == "request"
    (warning,) = doc.warnings
    assert "weak evidence" in warning
    assert 'set role = "reply" for untitled_brief.txt in corpus.toml' in warning


@pytest.mark.parametrize(
    ("names", "taken", "role"),
    [
        (("committee_report.txt", "untitled_brief.txt"), "untitled_brief.txt", "reply"),
        (("government_response.txt", "mission_letter.txt"), "government_response.txt", "request"),
    ],
)
def test_when_all_documents_look_alike_the_odd_one_takes_the_other_role(
    tmp_path: Path, names: tuple[str, ...], taken: str, role: str
) -> None:
    docs = corpus_of(tmp_path, *names)
    assert {n: d.role for n, d in docs.items()}[taken] == role
    (other,) = set(names) - {taken}
    assert docs[other].role != role
    (warning,) = docs[taken].warnings
    assert f"taken as the {role}" in warning
    wrong = "request" if role == "reply" else "reply"
    assert f'set role = "{wrong}" for {taken} in corpus.toml' in warning


def test_a_manifest_role_is_never_swapped_but_an_inferred_one_is(tmp_path: Path) -> None:
    entry = '[[document]]\nfile = "{}"\nrole = "request"\n'
    both = entry.format("committee_report.txt") + entry.format("untitled_brief.txt")
    docs = corpus_of(tmp_path / "a", "committee_report.txt", "untitled_brief.txt", manifest=both)
    assert [d.role for d in docs.values()] == ["request", "request"]
    assert [w for d in docs.values() for w in d.warnings] == []

    one = entry.format("untitled_brief.txt")
    docs = corpus_of(tmp_path / "b", "committee_report.txt", "untitled_brief.txt", manifest=one)
    assert docs["committee_report.txt"].role == "reply"
    assert docs["untitled_brief.txt"].role == "request"


def test_a_manifest_title_counts_as_role_evidence(tmp_path: Path) -> None:
    title = 'title = "Government response to the Harbour Watch brief"'
    manifest = f'[[document]]\nfile = "untitled_brief.txt"\n{title}\n'
    docs = corpus_of(tmp_path, "untitled_brief.txt", manifest=manifest)
    doc = docs["untitled_brief.txt"]
    assert (doc.role, doc.warnings) == ("reply", ())


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Distr.: General 9 June 2020\n[Date received: 20 March 2020]\n", "2020-03-20"),
        ("Distr.: General\n      4 March 2015\n\nOriginal: English\n", "2015-03-04"),
        ("Ordered to be printed 20 October 2026 and published 4 November 2025\n", "2025-11-04"),
        (
            "Published 21 March 2024\n\nOn 23 January 2023, the government launched a review\n",
            "2024-03-21",
        ),
        ("Dated 31 February 2020\n\n12 March 2020\n", "2020-03-12"),  # no such day
        ("Report\nJanuary 2026\n", "2026-01"),
        ("Cases documented between July 2016 and\nJanuary 2017 show turn-backs\n", None),
    ],
)
def test_the_document_date_comes_from_its_own_date_line(text: str, date: str | None) -> None:
    assert infer_date(text) == date


def test_a_change_to_the_segmentation_code_changes_the_run_id(tmp_path: Path) -> None:
    import shutil

    import comparator
    from comparator.manifest import code_fingerprint

    package = tmp_path / "comparator"
    shutil.copytree(Path(comparator.__file__).parent, package)
    before = code_fingerprint(package)
    rules = package / "segment" / "requests.py"
    rules.write_text(rules.read_text() + "\n# a changed rule\n")
    assert code_fingerprint(package) != before
