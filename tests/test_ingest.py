"""PDF, Word and HTML letters read as paragraphs; unreadable files get a clear error."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from comparator import ingest
from comparator.cli import cli
from comparator.errors import InputError
from comparator.segment import segment_document

from .conftest import MINI
from .test_shapes import doc

FORMATS = Path(__file__).parent / "fixtures" / "formats"


def run_fake(corpus: Path, tmp_path: Path) -> Result:
    args = ["run", str(corpus), "--model", "comparator-fake", "--out", str(tmp_path / "o")]
    return CliRunner().invoke(cli, [*args, "--cache", str(tmp_path / "e")])


@pytest.mark.parametrize("name", ["two_column.pdf", "letter.docx", "letter.html"])
def test_each_format_yields_the_two_demands(name: str) -> None:
    text, _ = ingest.read_text(FORMATS / name)
    concerns = segment_document(doc(text)).concerns
    assert [c.text[:30] for c in concerns] == [
        "Publish monthly statistics on ",
        "End the detention of children ",
    ]
    assert {c.addressee for c in concerns} == {"the Ministry of the Interior"}


def test_pdf_columns_are_read_in_order_and_running_lines_dropped() -> None:
    text, _ = ingest.read_text(FORMATS / "two_column.pdf")
    assert text.index("Interior to:") < text.index("1. Publish") < text.index("2. End")
    assert "Detention Brief" not in text and "Page 2" not in text


def test_html_drops_scripts_navigation_and_footnote_marks() -> None:
    text, _ = ingest.read_text(FORMATS / "letter.html")
    assert "var x" not in text and "Home" not in text and "ref here" in text


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("encrypted.pdf", "password-protected"),
        ("scanned.pdf", "no text layer (scanned images?); run OCR first"),
        ("corrupt.pdf", "PDF is damaged or not a PDF"),
    ],
)
def test_unreadable_pdfs_are_named_with_the_fix(name: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        ingest.read_text(FORMATS / name)


def test_extraction_is_cached_by_file_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, _ = ingest.read_text(FORMATS / "two_column.pdf", cache=tmp_path)

    def no_parse(*_: object) -> str:
        raise AssertionError("parsed again")

    monkeypatch.setattr(ingest, "_convert", no_parse)
    again, _ = ingest.read_text(FORMATS / "two_column.pdf", cache=tmp_path)
    assert again == first


def test_non_utf8_text_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Réponse du Gouvernement à la lettre du Rapporteur spécial.".encode("cp1252"))
    text, warnings = ingest.read_text(path)
    assert text.startswith("Réponse du Gouvernement")
    assert "not UTF-8" in warnings[0] and "latin.txt" in warnings[0]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("encrypted.pdf", "encrypted.pdf: PDF is password-protected"),
        ("scanned.pdf", "scanned.pdf: PDF has no text layer"),
        ("corrupt.pdf", "corrupt.pdf: PDF is damaged"),
    ],
)
def test_cli_reports_unreadable_pdf_in_one_line(tmp_path: Path, name: str, message: str) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(MINI, corpus)
    shutil.copy(FORMATS / name, corpus / name)
    result = run_fake(corpus, tmp_path)
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith(f"Error: {corpus / name}")
    assert message in result.output and "Traceback" not in result.output


def test_a_request_with_no_concerns_warns_and_the_run_continues(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(MINI, corpus)
    (corpus / "note.md").write_text("A short note with no asks at all, just thanks.\n")
    (corpus / "corpus.toml").write_text(
        (MINI / "corpus.toml").read_text() + '\n[[document]]\nfile = "note.md"\nrole = "request"\n'
    )
    result = run_fake(corpus, tmp_path)
    assert result.exit_code == 0, result.output
    assert "Warning: " in result.output and "note.md: no concerns found" in result.output


def test_a_run_with_no_concern_at_all_exits_1_naming_the_roles_it_read(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.md").write_text("Dear Minister,\n\nThank you for the meeting last week.\n")
    (corpus / "b.md").write_text("Thank you for your letter. We note your views.\n")
    (corpus / "corpus.toml").write_text(
        '[[document]]\nfile = "a.md"\nrole = "request"\n'
        '[[document]]\nfile = "b.md"\nrole = "reply"\n'
    )
    result = run_fake(corpus, tmp_path)
    assert result.exit_code == 1, result.output
    assert "no concerns found in any request" in result.output
    assert "a.md as request" in result.output and "corpus.toml" in result.output
    assert not list((tmp_path / "o").glob("run-*"))  # no run folder for a run with nothing


def test_cli_decodes_non_utf8_with_a_warning_naming_the_file(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    shutil.copytree(MINI, corpus)
    text = (MINI / "update.md").read_text(encoding="utf-8") + "\nRéponse reçue.\n"
    (corpus / "update.md").write_bytes(text.encode("cp1252"))
    result = run_fake(corpus, tmp_path)
    assert result.exit_code == 0, result.output
    assert "Warning: " in result.output and "update.md: not UTF-8; decoded as" in result.output
