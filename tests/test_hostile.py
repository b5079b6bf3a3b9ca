"""Hostile input and faults (issue 13): every case gets one clear line or a correct result.

Each bad input exits non-zero with one `Error:` line naming the file, without a traceback
and without a run folder; each silent-wrong-result case is checked against the right one.
Zip bombs are made here, never committed.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import random
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from comparator.cli import cli
from comparator.corpus import load_corpus
from comparator.segment import segment_corpus

from .conftest import MINI, SEEDS, assert_ids_unique

FAKE = ["--model", "comparator-fake"]
LETTER = (MINI / "letter.md").read_bytes()
REPLY = (MINI / "reply.md").read_bytes()


def make(tmp_path: Path, files: dict[str, bytes], name: str = "corpus") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file, data in files.items():
        (folder / file).write_bytes(data)
    return folder


def run(tmp_path: Path, corpus: Path, *extra: str) -> Result:
    return CliRunner().invoke(
        cli,
        [
            "run",
            str(corpus),
            *FAKE,
            "--out",
            str(tmp_path / "out"),
            "--cache",
            str(tmp_path / "emb"),
            *extra,
        ],
    )


def the_run(tmp_path: Path) -> Path:
    (run_dir,) = (tmp_path / "out").glob("run-*")
    return run_dir


def assert_one_error(result: Result, *needles: str) -> str:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error: "), result.output
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1, result.output
    for needle in needles:
        assert needle in lines[-1], lines[-1]
    return lines[-1]


# --- Word files -------------------------------------------------------------------------

DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bytes(document_xml: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", DOCX_TYPES)
        z.writestr("_rels/.rels", DOCX_RELS)
        z.writestr("word/document.xml", document_xml)
    return buf.getvalue()


def paragraphs_xml(texts: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in texts)
    return f"<w:document {W}><w:body>{body}</w:body></w:document>".encode()


def test_the_docx_helper_makes_a_readable_word_file(tmp_path: Path) -> None:
    from comparator.ingest import read_text

    path = tmp_path / "ok.docx"
    path.write_bytes(docx_bytes(paragraphs_xml(["Thank you for your letter."])))
    assert read_text(path)[0].strip() == "Thank you for your letter."


def _random_docx() -> bytes:
    return os.urandom(4096)


def _truncated_docx() -> bytes:
    xml = paragraphs_xml(["The Government responds to each point."] * 50)
    return docx_bytes(xml[: len(xml) // 2])


def _deep_docx() -> bytes:
    inner = "<w:sdt><w:sdtContent>" * 300 + "</w:sdtContent></w:sdt>" * 300
    xml = f"<w:document {W}><w:body>{inner}<w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>"
    return docx_bytes(xml.encode())


def _bomb_docx() -> bytes:
    """About 100 KB on disk, 64 MiB unpacked (the probe's was 1 GiB)."""
    xml = f"<w:document {W}><w:body><w:p><w:r><w:t>".encode()
    xml += b"a" * (64 * 1_048_576) + b"</w:t></w:r></w:p></w:body></w:document>"
    return docx_bytes(xml)


def _paragraph_bomb_docx() -> bytes:
    """Paragraphs unpacking to 40 times the size on disk (the limit below is 1 MiB; the
    probe's was 300 MiB of paragraphs in 0.95 MB)."""
    return docx_bytes(paragraphs_xml(["Please provide information."] * 40_000))


@pytest.mark.parametrize(
    ("make_docx", "needle", "extra"),
    [
        (_random_docx, "not a readable Word file", []),
        (_truncated_docx, "not a readable Word file", []),
        (_deep_docx, "not a readable Word file", []),
        (_bomb_docx, "unpacks to", []),
        (_paragraph_bomb_docx, "unpacks to", ["--max-file-mb", "1"]),
    ],
    ids=["random-bytes", "xml-cut-in-half", "xml-too-deep", "zip-bomb", "paragraph-bomb"],
)
def test_bad_word_files_get_one_error_line(
    tmp_path: Path,
    make_docx: Callable[[], bytes],
    needle: str,
    extra: list[str],
) -> None:
    corpus = make(tmp_path, {"letter.md": LETTER, "reply.docx": make_docx()})
    assert (corpus / "reply.docx").stat().st_size < 1_000_000  # small on disk
    assert_one_error(run(tmp_path, corpus, *extra), "reply.docx", needle)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("run-*"))


# --- corpus.toml ------------------------------------------------------------------------


MANIFEST_HEAD = b'[[document]]\nfile = "letter.md"\nrole = "request"\n'


@pytest.mark.parametrize(
    ("manifest", "needle"),
    [
        ('[[document]]\nfile = "letter.md"\ntitle = "Lettre fran\xe7aise"\n'.encode("latin-1"),
         "corpus.toml: not UTF-8"),
        (b"document = 5\n", "corpus.toml:1: 'document' must be"),
        (b'document = ["letter.md"]\n', "corpus.toml:1: 'document' must be"),
        (b'[[documents]]\nfile = "letter.md"\n', "corpus.toml:1: unknown table 'documents'"),
        (b'title = "x"\n', "corpus.toml:1: unknown key 'title'"),
        (MANIFEST_HEAD + b'[[document]]\nfile = "letter.md"\nrole = "reply"\n',
         "corpus.toml:5: 'letter.md' has two entries"),
        (MANIFEST_HEAD + b'id = "A"\n[[document]]\nfile = "reply.md"\nid = "A"\n',
         "corpus.toml:7: id 'A' is already used by letter.md"),
        (b'[[document]]\nfile = "letter.md"\ndate = "2021-02-30"\n',
         "corpus.toml:3: date '2021-02-30' is not a day of the calendar"),
        (b'[[document]]\nfile = "letter.md"\ndate = 2021-02-30\n', "corpus.toml: not valid TOML"),
        (b'[[document]]\nfile = "letter.md"\nid = ""\n', "corpus.toml:3: id must not be empty"),
    ],
    ids=[
        "not-utf8",
        "document-is-a-number",
        "document-is-a-list-of-strings",
        "unknown-table",
        "unknown-top-level-key",
        "two-entries-for-one-file",
        "duplicate-id",
        "impossible-date-string",
        "impossible-date-literal",
        "empty-id",
    ],
)  # fmt: skip
def test_bad_manifests_get_one_error_line_with_the_line(
    tmp_path: Path, manifest: bytes, needle: str
) -> None:
    corpus = make(tmp_path, {"letter.md": LETTER, "reply.md": REPLY, "corpus.toml": manifest})
    assert_one_error(run(tmp_path, corpus), needle)


def _deny(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Reading `name` fails as it does for an unprivileged user (works as root too)."""
    real_bytes, real_text = Path.read_bytes, Path.read_text
    real_open = Path.open

    def check(path: Path) -> None:
        if path.name == name:
            raise PermissionError(13, "Permission denied", str(path))

    def read_bytes(self: Path) -> bytes:
        check(self)
        return real_bytes(self)

    def read_text(self: Path, *a, **k) -> str:  # type: ignore[no-untyped-def]
        check(self)
        return real_text(self, *a, **k)

    def open_(self: Path, *a, **k):  # type: ignore[no-untyped-def]
        check(self)
        return real_open(self, *a, **k)

    real_os_open = os.open

    def os_open(path: object, flags: int, *a, **k) -> int:  # type: ignore[no-untyped-def]
        check(Path(str(path)))  # files.read_regular opens with os.open (no blocking)
        return real_os_open(path, flags, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(Path, "read_text", read_text)
    monkeypatch.setattr(Path, "open", open_)
    monkeypatch.setattr(os, "open", os_open)


@pytest.mark.parametrize("name", ["reply.md", "corpus.toml"])
def test_an_unreadable_file_gets_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    corpus = make(tmp_path, {"letter.md": LETTER, "reply.md": REPLY, "corpus.toml": MANIFEST_HEAD})
    _deny(monkeypatch, name)
    assert_one_error(run(tmp_path, corpus), name, "cannot read", "permission")


# --- settings, cache folder, run folders --------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        ("top_k = -1", "'top_k' = -1 is out of range; allowed: at least 1"),
        ("batch_size = 0", "'batch_size' = 0 is out of range; allowed: at least 1"),
        ("passage_max_chars = 0", "'passage_max_chars' = 0 is out of range; allowed: at least 100"),
        ("dense_weight = 1.5", "'dense_weight' = 1.5 is out of range; allowed: from 0 to 1"),
        ("ignore_coverage = nan", "'ignore_coverage' = nan is out of range; allowed: from 0 to 1"),
    ],
)
def test_settings_out_of_range_are_refused(tmp_path: Path, setting: str, needle: str) -> None:
    (tmp_path / "c.toml").write_text(setting + "\n")
    result = run(tmp_path, MINI, "--config", str(tmp_path / "c.toml"))
    assert_one_error(result, "c.toml", needle)


def test_cache_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "emb").write_text("not a folder")
    assert_one_error(run(tmp_path, MINI), "emb", "--cache")


@pytest.mark.parametrize("errno_", [30, 28], ids=["read-only", "disk-full"])
def test_a_cache_that_cannot_be_written_does_not_lose_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, errno_: int
) -> None:
    from comparator import atomic

    real = atomic.write_bytes

    def refuse(path: Path, data: bytes) -> None:
        if str(tmp_path / "emb") in str(path):
            raise OSError(errno_, os.strerror(errno_), str(path))
        real(path, data)

    monkeypatch.setattr(atomic, "write_bytes", refuse)
    result = run(tmp_path, MINI)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "Warning: " in result.output and "without caching" in result.output
    assert (the_run(tmp_path) / "manifest.json").exists()


@pytest.mark.parametrize("content", ["{}", "[]", '{"run_id": 5}'])
def test_a_gutted_manifest_json_gets_one_error_line(tmp_path: Path, content: str) -> None:
    assert run(tmp_path, MINI).exit_code == 0
    run_dir = the_run(tmp_path)
    (run_dir / "manifest.json").write_text(content)
    assert_one_error(CliRunner().invoke(cli, ["show", str(run_dir)]), "manifest.json", "re-run")
    verify = CliRunner().invoke(
        cli, ["run", "--verify", str(run_dir), "--cache", str(tmp_path / "emb")]
    )
    assert_one_error(verify, "manifest.json")


# --- ids, numbering, line ends ------------------------------------------------------------


def test_more_than_999_numbered_items_are_all_concerns(tmp_path: Path) -> None:
    items = "\n".join(f"{n}. Please provide the figures for district {n}." for n in range(1, 2001))
    corpus = make(tmp_path, {"letter.txt": f"We urge the Government to:\n\n{items}\n".encode()})
    seg = segment_corpus(load_corpus(corpus))
    assert len(seg.concerns) == 2000
    assert max(len(c.text) for c in seg.concerns) < 100
    assert seg.concerns[-1].number == "2000"


def _two_letters(names: tuple[str, str]) -> dict[str, bytes]:
    other = LETTER.replace(b"Publish monthly statistics", b"Close the Southgate centre")
    return {names[0]: LETTER, names[1]: other, "reply.md": REPLY}


@pytest.mark.parametrize(
    "names",
    [
        ("007_a.md", "007_b.md"),
        ("a" * 32 + "_first.md", "a" * 32 + "_second.md"),
        ("letter one.md", "letter-one.md"),
    ],
    ids=["same-number", "same-first-32-chars", "same-slug"],
)
def test_documents_never_share_an_id(tmp_path: Path, names: tuple[str, str]) -> None:
    corpus = load_corpus(make(tmp_path, _two_letters(names)))
    seg = assert_ids_unique(corpus)
    by_doc = {d.name: d.doc_id for d in corpus.documents}
    for c in seg.concerns:
        assert c.concern_id.startswith(by_doc[c.doc] + "-")


def test_a_derived_id_never_takes_a_manifest_id(tmp_path: Path) -> None:
    manifest = b'[[document]]\nfile = "reply.md"\nid = "007"\n'
    corpus = load_corpus(
        make(tmp_path, {"007_letter.md": LETTER, "reply.md": REPLY, "corpus.toml": manifest})
    )
    ids = sorted(d.doc_id for d in corpus.documents)
    assert len(set(ids)) == 2 and "007" in ids


def _seed_concerns(text: str, tmp_path: Path, name: str) -> list[str]:
    corpus = make(tmp_path, {"002.txt": text.encode()}, name)
    return [" ".join(c.text.split()) for c in segment_corpus(load_corpus(corpus)).concerns]


@pytest.mark.parametrize("ending", ["\r", "\r\n", "mixed"])
def test_cr_and_mixed_line_ends_cut_like_lf(tmp_path: Path, ending: str) -> None:
    text = (SEEDS / "002_4ab375e16aaa3c16.txt").read_text(encoding="utf-8")
    expected = _seed_concerns(text, tmp_path, "lf")
    assert len(expected) >= 8
    if ending == "mixed":
        lines = text.split("\n")
        changed = (
            "".join(line + ("\r", "\r\n", "\n")[i % 3] for i, line in enumerate(lines[:-1]))
            + lines[-1]
        )
    else:
        changed = text.replace("\n", ending)
    assert _seed_concerns(changed, tmp_path, "changed") == expected


def test_a_readme_in_the_corpus_is_not_left_out_silently(tmp_path: Path) -> None:
    corpus = make(
        tmp_path, {"letter.md": LETTER, "reply.md": REPLY, "README.md": b"# About this corpus\n"}
    )
    result = run(tmp_path, corpus)
    assert result.exit_code == 0, result.output
    assert "Warning: " in result.output and "README.md" in result.output


# --- text is data, never markup ------------------------------------------------------------

MARKUP_LETTER = LETTER.replace(
    b"Guarantee access to free legal aid",
    b"Guarantee [/bold] access [red]to[/red] free legal aid [link=http://x]",
)


def _markup_corpus(tmp_path: Path) -> Path:
    manifest = b'[[document]]\nfile = "[red]letter.md"\ntitle = "Title [/bold] [red]x[/red]"\n'
    return make(
        tmp_path, {"[red]letter.md": MARKUP_LETTER, "reply.md": REPLY, "corpus.toml": manifest}
    )


def test_markup_in_documents_is_shown_literally_everywhere(tmp_path: Path) -> None:
    corpus = _markup_corpus(tmp_path)
    result = run(tmp_path, corpus)
    assert result.exit_code == 0, result.output
    run_dir = the_run(tmp_path)
    report = (run_dir / "report.txt").read_text()
    flat = " ".join(report.split())
    assert "[red]" in flat and "[/bold]" in flat
    assert "Title [/bold]" in flat and "[red]x[/red]" in flat  # the title, as written
    assert "[red]" in " ".join(result.output.split())
    from comparator.export import read_concerns

    concern = next(
        r.concern_id
        for r in read_concerns(run_dir / "concerns.csv")
        if "legal aid" in r.text and r.request_doc.startswith("[red]")
    )
    detail = CliRunner().invoke(cli, ["show", str(run_dir), "--detail", concern])
    assert detail.exit_code == 0, detail.output
    assert "Guarantee [/bold] access [red]to[/red] free" in " ".join(detail.output.split())
    seg = CliRunner().invoke(cli, ["segment", str(corpus)])
    assert seg.exit_code == 0, seg.output
    assert "[red]letter.md" in seg.output.replace("\n", "")


ESCAPES = (
    "\x1b[2J\x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ \x9b31m"
)


def test_terminal_escapes_never_reach_the_terminal_or_report(tmp_path: Path) -> None:
    letter = LETTER.replace(b"Guarantee access", f"Guarantee {ESCAPES} access".encode())
    corpus = make(tmp_path, {"letter.md": letter, "reply.md": REPLY})
    result = run(tmp_path, corpus)
    assert result.exit_code == 0, result.output
    report = (the_run(tmp_path) / "report.txt").read_text()
    for out in (result.output, report, (the_run(tmp_path) / "concerns.csv").read_text()):
        assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
    assert "␛" in report  # made visible, not silently dropped
    seg = CliRunner().invoke(cli, ["segment", str(corpus)])
    assert "\x1b" not in seg.output


def test_control_characters_in_a_file_name_are_refused(tmp_path: Path) -> None:
    corpus = make(tmp_path, {"letter\x1b[2J.md": LETTER, "reply.md": REPLY})
    line = assert_one_error(run(tmp_path, corpus), "control character", "rename")
    assert "\x1b" not in line


# --- CSV ----------------------------------------------------------------------------------


FORMULAS = ['=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)", "'=quoted"]


def test_formula_cells_are_escaped_and_read_back_as_written(tmp_path: Path) -> None:
    import csv

    from comparator.export import read_rows, to_csv
    from comparator.rows import MatchRow

    def row(sentence: str) -> MatchRow:
        return MatchRow(
            concern_id="L1-D01", rank=1, passage_id="R1-P01", reply_doc="r.md", paired=False,
            dense=-0.1234, lexical=0.0, fused=0.0, sentence_similarity=0.0, sentence=sentence,
        )  # fmt: skip

    rows = [row(f) for f in [*FORMULAS, "\tTab", "plain"]]
    columns = ["sentence", "dense"]
    text = to_csv(rows, columns)
    raw = list(csv.reader(io.StringIO(text)))[1:]
    for cell, _ in raw:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
    assert [r[1] for r in raw] == ["-0.1234"] * len(rows)  # numbers stay numbers
    (tmp_path / "x.csv").write_text(to_csv(rows, MatchRow.columns()), newline="")
    assert read_rows(tmp_path / "x.csv", MatchRow) == rows


def test_formula_concerns_are_escaped_in_the_run_and_round_trip(tmp_path: Path) -> None:
    import csv

    items = "\n".join(
        f"{n}. {f} Please provide the figures." for n, f in enumerate(FORMULAS[:4], 1)
    )
    letter = f"We urge the Government to:\n\n{items}\n".encode()
    corpus = make(tmp_path, {"letter.md": letter, "reply.md": REPLY})
    result = run(tmp_path, corpus)
    assert result.exit_code == 0, result.output
    run_dir = the_run(tmp_path)
    with (run_dir / "concerns.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            for cell in row.values():
                is_number = re.fullmatch(r"-?\d+(\.\d+)?", cell)
                assert is_number or cell[:1] not in ("=", "+", "-", "@"), cell
    shown = CliRunner().invoke(cli, ["show", str(run_dir)])
    assert shown.exit_code == 0 and "=HYPERLINK" in shown.output
    assert "'=HYPERLINK" not in shown.output
    assert CliRunner().invoke(cli, ["export", str(run_dir), "--format", "json", "--to",
                                    str(tmp_path / "x.json")]).exit_code == 0  # fmt: skip
    texts = [c["text"] for c in json.loads((tmp_path / "x.json").read_text())["concerns"]]
    assert any(t.startswith("=HYPERLINK") for t in texts), texts


# --- caches -------------------------------------------------------------------------------


def _docx_corpus(tmp_path: Path) -> Path:
    reply = [line for line in REPLY.decode().split("\n\n") if line.strip()]
    return make(
        tmp_path,
        {"letter.md": LETTER, "reply.docx": docx_bytes(paragraphs_xml(reply))},
    )


def test_an_edited_extract_is_detected_and_rebuilt(tmp_path: Path) -> None:
    corpus = _docx_corpus(tmp_path)
    assert run(tmp_path, corpus).exit_code == 0
    before = (the_run(tmp_path) / "concerns.csv").read_bytes()
    (extract,) = (tmp_path / "emb" / "extracted").glob("*.txt")
    extract.write_text("")
    again = run(tmp_path, corpus, "--force")
    assert again.exit_code == 0, again.output
    assert "Warning: " in again.output and "extracted text" in again.output
    assert (the_run(tmp_path) / "concerns.csv").read_bytes() == before


def _plant_shard(
    folder: Path, keys: list[str], vectors: np.ndarray | None, raw: bytes = b""
) -> Path:
    if vectors is not None:
        buf = io.BytesIO()
        np.savez(buf, keys=np.array([k.encode() for k in keys], dtype="S64"), vectors=vectors)
        raw = buf.getvalue()
    shard = folder / f"{hashlib.sha256(raw).hexdigest()}.npz"
    shard.write_bytes(raw)
    return shard


def _pickle_npz(keys: list[str]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, keys=np.array(keys, dtype=object), vectors=np.array([None], dtype=object))
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["ten-dimensions", "not-unit-length", "garbage", "pickle"])
def test_crafted_shards_are_refused_and_rebuilt(tmp_path: Path, kind: str) -> None:
    from comparator.embed import text_key

    assert run(tmp_path, MINI).exit_code == 0
    before = (the_run(tmp_path) / "concerns.csv").read_bytes()
    (folder,) = (tmp_path / "emb").glob("comparator-fake-*")
    old = list(folder.glob("*.npz"))
    keys = []
    for shard in old:
        with np.load(shard) as npz:
            keys += [k.decode() for k in npz["keys"]]
        shard.unlink()
    assert text_key("x")  # keys are sha256 of the text
    rng = np.random.default_rng(0)
    if kind == "ten-dimensions":
        vecs = rng.normal(size=(len(keys), 10)).astype(np.float32)
        _plant_shard(folder, keys, vecs / np.linalg.norm(vecs, axis=1, keepdims=True))
    elif kind == "not-unit-length":
        _plant_shard(folder, keys, rng.normal(size=(len(keys), 256)).astype(np.float32) * 5)
    elif kind == "garbage":
        _plant_shard(folder, [], None, os.urandom(3000))
    else:
        _plant_shard(folder, [], None, _pickle_npz(keys))
    again = run(tmp_path, MINI, "--force")
    assert again.exit_code == 0, again.output
    assert "Traceback" not in again.output
    assert "Warning: " in again.output and "embedding cache" in again.output
    assert (the_run(tmp_path) / "concerns.csv").read_bytes() == before
    assert not list(folder.glob("*.corrupt"))


def test_a_damaged_shard_is_reported_and_leftovers_are_cleaned(tmp_path: Path) -> None:
    assert run(tmp_path, MINI).exit_code == 0
    (folder,) = (tmp_path / "emb").glob("comparator-fake-*")
    shard = next(iter(folder.glob("*.npz")))
    data = bytearray(shard.read_bytes())
    data[-20] ^= 0xFF
    shard.write_bytes(bytes(data))
    (folder / "old.corrupt").write_bytes(b"x")
    stale_tmp = folder / f".{shard.name}.999999.abcd.tmp"
    stale_tmp.write_bytes(b"half")
    again = run(tmp_path, MINI, "--force")
    assert again.exit_code == 0, again.output
    assert "Warning: " in again.output and shard.name[:12] in again.output
    assert not list(folder.glob("*.corrupt")) and not stale_tmp.exists()


# --- text encodings and formats -----------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_text_is_decoded(tmp_path: Path, codec: str) -> None:
    reply = REPLY.decode().encode(codec)
    corpus = load_corpus(make(tmp_path, {"letter.md": LETTER, "reply.txt": reply}))
    text = next(d.text for d in corpus.documents if d.name == "reply.txt")
    assert "Thank you for your letter" in text


@pytest.mark.parametrize(
    "data",
    [random.Random(0).randbytes(20_000), b'<?xml version="1.0"?><r><p>Thank you.</p></r>'],
    ids=["random-bytes", "xml"],
)
def test_an_odd_html_file_prints_no_library_line(tmp_path: Path, data: bytes) -> None:
    """A subprocess: pytest would swallow the library's log and warning lines."""
    import subprocess
    import sys

    corpus = make(tmp_path, {"letter.md": LETTER, "reply.md": REPLY, "page.html": data})
    done = subprocess.run(
        [sys.executable, "-m", "comparator.cli", "segment", str(corpus)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,  # `segment` caches extracted text under ./embeddings: a fresh one
    )
    stray = [ln for ln in done.stderr.splitlines() if ln.strip() and "Error: " not in ln]
    assert stray == [], done.stderr
    if done.returncode:
        assert done.stderr.startswith("Error: ") and "page.html" in done.stderr


# --- security ----------------------------------------------------------------------------


def test_a_symlink_out_of_the_corpus_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    corpus = make(tmp_path, {"letter.md": LETTER, "reply.md": REPLY})
    (corpus / "passwd.txt").symlink_to(secret)
    assert_one_error(run(tmp_path, corpus), "passwd.txt", "link")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("run-*"))


def test_a_symlink_inside_the_corpus_is_fine(tmp_path: Path) -> None:
    corpus = make(tmp_path, {"letter.md": LETTER, "reply.md": REPLY})
    (corpus / "sub").mkdir()
    (corpus / "sub" / "update.md").write_bytes((MINI / "update.md").read_bytes())
    (corpus / "update.md").symlink_to(corpus / "sub" / "update.md")
    assert run(tmp_path, corpus).exit_code == 0


def test_no_file_is_written_to_the_shared_temp_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from comparator.embed import weights_hash

    shared_tmp = tmp_path / "shared-tmp"
    shared_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared_tmp))
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.safetensors").write_bytes(b"weights")
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (shared_tmp / "comparator-weights-sha256.json").symlink_to(victim)
    st = (model / "model.safetensors").stat()
    forged = {f"{model / 'model.safetensors'}:{st.st_size}:{st.st_mtime_ns}": "f" * 64}
    victim.write_text(json.dumps(forged))
    assert weights_hash(model) == hashlib.sha256(b"weights").hexdigest()
    assert victim.read_text() == json.dumps(forged)
    assert [p.name for p in shared_tmp.iterdir()] == ["comparator-weights-sha256.json"]


def test_nothing_is_written_outside_out_and_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared_tmp, cwd = tmp_path / "shared-tmp", tmp_path / "cwd"
    shared_tmp.mkdir()
    cwd.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared_tmp))
    monkeypatch.chdir(cwd)
    corpus = make(tmp_path, {"letter.md": LETTER, "reply.md": REPLY})
    before = sorted(p.name for p in tmp_path.iterdir())
    assert run(tmp_path, corpus).exit_code == 0
    verify = CliRunner().invoke(
        cli, ["run", "--verify", str(the_run(tmp_path)), "--cache", str(tmp_path / "emb")]
    )
    assert verify.exit_code == 0, verify.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "out", "emb"])
    assert list(shared_tmp.iterdir()) == [] and list(cwd.iterdir()) == []
    assert [p.name for p in (tmp_path / "out").iterdir()] == [the_run(tmp_path).name]


def test_the_manifest_holds_no_absolute_path_and_verify_works_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = make(tmp_path, {"letter.md": LETTER, "reply.md": REPLY})
    result = run(tmp_path, corpus.resolve())
    assert result.exit_code == 0, result.output
    run_dir = the_run(tmp_path)
    text = (run_dir / "manifest.json").read_text()
    assert str(tmp_path) not in text
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    ok = CliRunner().invoke(
        cli, ["run", "--verify", str(run_dir), "--cache", str(tmp_path / "emb")]
    )
    assert ok.exit_code == 0 and "byte-identical" in ok.output, ok.output


# --- faults: --force replacement ---------------------------------------------------------


class Killed(BaseException):
    """Stands for kill -9: nothing after it runs, no handler cleans up."""


def _crash_at(monkeypatch: pytest.MonkeyPatch, step: int) -> dict[str, int]:
    """Die at the `step`-th rename or removal of a run folder (or its staging)."""
    import shutil

    from comparator import atomic

    calls = {"n": 0}
    real_os_rename, real_rmtree = os.rename, shutil.rmtree

    def tick(*names: object) -> None:
        if any(".tmp-run-" in str(n) or ".old-run-" in str(n) or "/run-" in str(n)
               for n in names):  # fmt: skip
            calls["n"] += 1
            if calls["n"] == step:
                raise Killed

    def os_rename(a: object, b: object, *args: object, **kw: object) -> None:
        tick(a, b)  # Path.rename calls os.rename
        real_os_rename(a, b, *args, **kw)  # type: ignore[arg-type]

    def rmtree(path: object, *args: object, **kw: object) -> None:
        tick(path)
        real_rmtree(path, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", os_rename)
    monkeypatch.setattr(shutil, "rmtree", rmtree)
    if hasattr(atomic, "exchange"):
        real_exchange = atomic.exchange

        def exchange(a: Path, b: Path) -> None:
            tick(a, b)
            real_exchange(a, b)

        monkeypatch.setattr(atomic, "exchange", exchange)
    return calls


def _no_exchange(a: Path, b: Path) -> None:
    raise OSError(errno.ENOSYS, "atomic exchange is not available here")


@pytest.mark.parametrize("swap", ["exchange", "renames"])
@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_a_kill_during_force_never_loses_the_earlier_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: int, swap: str
) -> None:
    from comparator import atomic

    assert run(tmp_path, MINI).exit_code == 0
    run_dir = the_run(tmp_path)
    with monkeypatch.context() as m:
        if swap == "renames":  # a system without renameat2: the old run is moved aside
            m.setattr(atomic, "exchange", _no_exchange, raising=False)
        _crash_at(m, step)
        with contextlib.suppress(Killed):  # a step past the last one: no kill, a normal run
            CliRunner().invoke(
                cli,
                [
                    "run",
                    str(MINI),
                    *FAKE,
                    "--out",
                    str(tmp_path / "out"),
                    "--cache",
                    str(tmp_path / "emb"),
                    "--force",
                ],
                catch_exceptions=False,
            )
    for left in (tmp_path / "out").iterdir():  # what kill -9 leaves: its process is gone
        if left.name.endswith(f"-{os.getpid()}"):
            left.rename(left.with_name(left.name.rsplit("-", 1)[0] + "-999999"))
    shown = CliRunner().invoke(cli, ["show", str(run_dir)])
    assert shown.exit_code == 0, shown.output
    again = run(tmp_path, MINI)
    assert again.exit_code == 0, again.output
    leftovers = [p.name for p in (tmp_path / "out").iterdir() if p.name != run_dir.name]
    assert leftovers == [], leftovers


def test_stale_old_folders_are_cleaned(tmp_path: Path) -> None:
    assert run(tmp_path, MINI).exit_code == 0
    run_dir = the_run(tmp_path)
    stale = tmp_path / "out" / f".old-{run_dir.name}-999999"
    stale.mkdir()
    (stale / "concerns.csv").write_text("old")
    assert run(tmp_path, MINI, "--force").exit_code == 0
    assert not stale.exists()


def test_a_concurrent_install_of_the_same_run_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    assert run(tmp_path / "first", MINI).exit_code == 0
    finished = the_run(tmp_path / "first")
    target = tmp_path / "out" / finished.name
    real_rename, real_os_rename = Path.rename, os.rename

    def other_process_finishes_first(dest: object) -> None:
        if Path(str(dest)) == target and not target.exists():
            shutil.copytree(finished, target)

    def rename(self: Path, dest: object) -> Path:
        other_process_finishes_first(dest)
        return real_rename(self, dest)  # type: ignore[arg-type]

    def os_rename(a: object, b: object, *args: object, **kw: object) -> None:
        other_process_finishes_first(b)
        real_os_rename(a, b, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "rename", rename)
    monkeypatch.setattr(os, "rename", os_rename)
    result = run(tmp_path, MINI)
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == [finished.name]
