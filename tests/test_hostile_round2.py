"""Hostile input, second round (issue 24): each kind through the public surface (the CLI, in
process or as a subprocess), as a new user or an attacker would meet it.

Kinds 2, 4 and the segmentation shapes of kind 7 are tested with the segmenter's rewrite
(issue 21); report.html (kind 1) is checked in a real browser in test_html_report.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from comparator.cli import cli

from .conftest import MINI
from .test_hostile import FAKE, LETTER, REPLY, assert_one_error, make, run, the_run


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail, rather than hang the suite, when a read blocks (a named pipe)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still blocked after {seconds} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def invoke(*args: str) -> Result:
    with deadline(60):
        return CliRunner().invoke(cli, list(args))


def cli_process(
    *args: str, env: dict[str, str] | None = None, **kw: object
) -> subprocess.CompletedProcess[str]:
    """`comparator ARGS` in a child process: what a shell user sees, streams included."""
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "comparator.cli", *args],
        capture_output="stdout" not in kw,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
        **kw,
    )


def a_run(tmp_path: Path) -> Path:
    result = run(tmp_path, MINI)
    assert result.exit_code == 0, result.output
    return the_run(tmp_path)


def no_run_folder(tmp_path: Path) -> bool:
    return not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("run-*"))


# --- 9. export --force replaces only regular files ----------------------------------------


def _device_or_pipe(path: Path, kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(path)
        return
    try:  # a copy of /dev/null (1, 3): what `--to /dev/null --force` met as root
        os.mknod(path, 0o666 | 0o020000, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")


@pytest.mark.parametrize("kind", ["fifo", "device"])
@pytest.mark.parametrize(
    "command",
    [
        ["export", "{run}", "--format", "json", "--to", "{dest}", "--force"],
        ["export", "{run}", "--format", "csv", "--to", "{dest}", "--force"],
        ["segment", str(MINI), "--csv", "{dest}", "--force"],
    ],
    ids=["export-json", "export-csv", "segment-csv"],
)
def test_force_never_replaces_a_device_or_pipe(
    tmp_path: Path, kind: str, command: list[str]
) -> None:
    run_dir = a_run(tmp_path)
    dest = tmp_path / "target.csv"
    _device_or_pipe(dest, kind)
    before = dest.stat()
    args = [a.format(run=run_dir, dest=dest) for a in command]
    assert_one_error(invoke(*args), str(dest), "not a regular file")
    after = dest.stat()
    assert (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode,
        before.st_ino,
        before.st_rdev,
    )


def test_force_still_replaces_a_regular_file(tmp_path: Path) -> None:
    run_dir = a_run(tmp_path)
    dest = tmp_path / "out.json"
    dest.write_text("old")
    assert invoke("export", str(run_dir), "--format", "json", "--to", str(dest), "--force")
    assert json.loads(dest.read_text())["concerns"]


# --- 10. special files: only regular files are read ----------------------------------------


def _corpus_with_fifo(tmp_path: Path) -> tuple[list[str], str]:
    corpus = make(tmp_path, {"reply.md": REPLY})
    os.mkfifo(corpus / "letter.md")
    return [str(corpus)], "letter.md"


def _fifo_named(tmp_path: Path) -> tuple[list[str], str]:
    corpus = make(tmp_path, {"reply.md": REPLY})
    os.mkfifo(tmp_path / "letter.md")
    return [str(tmp_path / "letter.md"), str(corpus / "reply.md")], "letter.md"


def _fifo_config(tmp_path: Path) -> tuple[list[str], str]:
    os.mkfifo(tmp_path / "settings.toml")
    return [str(MINI), "--config", str(tmp_path / "settings.toml")], "settings.toml"


def _fifo_corrections(tmp_path: Path) -> tuple[list[str], str]:
    os.mkfifo(tmp_path / "fixes.csv")
    return [str(MINI), "--corrections", str(tmp_path / "fixes.csv")], "fixes.csv"


def _folder_corrections(tmp_path: Path) -> tuple[list[str], str]:
    (tmp_path / "fixes").mkdir()
    return [str(MINI), "--corrections", str(tmp_path / "fixes")], "fixes"


@pytest.mark.parametrize(
    "setup",
    [
        _corpus_with_fifo,
        _fifo_named,
        _fifo_config,
        _fifo_corrections,
        _folder_corrections,
    ],
    ids=[
        "fifo-in-the-corpus",
        "fifo-named",
        "fifo-config",
        "fifo-corrections",
        "folder-corrections",
    ],
)
def test_special_files_are_refused_with_one_error_line(tmp_path: Path, setup) -> None:  # type: ignore[no-untyped-def]
    args, name = setup(tmp_path)
    result = invoke("run", *args, *FAKE, "--out", str(tmp_path / "out"), "--cache",
                    str(tmp_path / "emb"))  # fmt: skip
    line = assert_one_error(result, name)
    assert "not a regular file" in line, line
    assert no_run_folder(tmp_path)


def _memory_cap() -> None:
    import resource

    cap = 3 * 1024**3  # a read that never ends fails here, not in the machine's memory
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def test_a_link_to_dev_zero_is_refused(tmp_path: Path) -> None:
    corpus = make(tmp_path, {"reply.md": REPLY})
    (tmp_path / "letter.md").symlink_to("/dev/zero")
    done = cli_process(
        "run", str(tmp_path / "letter.md"), str(corpus / "reply.md"), *FAKE, "--out",
        str(tmp_path / "out"), "--cache", str(tmp_path / "emb"), preexec_fn=_memory_cap,
    )  # fmt: skip
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert done.returncode != 0 and len(lines) == 1, done.stderr[-2000:]
    assert lines[0].startswith("Error: ") and "letter.md" in lines[0]
    assert "not a regular file" in lines[0] and no_run_folder(tmp_path)


@pytest.mark.parametrize("name", ["concerns.csv", "manifest.json"])
def test_a_run_file_that_is_a_pipe_is_refused(tmp_path: Path, name: str) -> None:
    run_dir = a_run(tmp_path)
    (run_dir / name).unlink()
    os.mkfifo(run_dir / name)
    for args in (["show", str(run_dir)], ["export", str(run_dir), "--to", "-"]):
        assert_one_error(invoke(*args), name, "not a regular file")


def test_a_cache_file_that_is_a_pipe_is_rebuilt(tmp_path: Path) -> None:
    run_dir = a_run(tmp_path)
    before = (run_dir / "concerns.csv").read_bytes()
    (folder,) = (tmp_path / "emb").glob("comparator-fake-*")
    shard = next(iter(folder.glob("*.npz")))
    shard.unlink()
    os.mkfifo(shard)
    with deadline(60):
        again = run(tmp_path, MINI, "--force")
    assert again.exit_code == 0, again.output
    assert "Warning: " in again.output and "embedding cache" in again.output
    assert (the_run(tmp_path) / "concerns.csv").read_bytes() == before


# --- 13. tracebacks: each case is one Error: line --------------------------------------------

PAGE_TEXT = "BT /F1 12 Tf 72 720 Td (Please provide information on the detention.) Tj ET"


def _pdf(objects: list[str]) -> bytes:
    out = [b"%PDF-1.4\n"]
    at = len(out[0])
    offsets = []
    for n, body in enumerate(objects, 1):
        chunk = f"{n} 0 obj\n{body}\nendobj\n".encode()
        offsets.append(at)
        out.append(chunk)
        at += len(chunk)
    xref = [f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"]
    xref += [f"{o:010d} 00000 n \n" for o in offsets]
    xref.append(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{at}\n%%EOF\n")
    return b"".join(out) + "".join(xref).encode()


def _pdf_with_page_tree(depth: int, loop: bool = False) -> bytes:
    """A one-page PDF whose page sits under `depth` nested page-tree nodes (objects 5…);
    with `loop`, the innermost node lists the root among its kids."""
    objects = [
        "<< /Type /Catalog /Pages 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(PAGE_TEXT)} >>\nstream\n{PAGE_TEXT}\nendstream",
        f"<< /Type /Page /Parent {4 + depth} 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
        "/Resources << /Font << /F1 2 0 R >> >> >>",
    ]
    for k in range(depth):
        kids = f"{6 + k} 0 R" if k < depth - 1 else ("5 0 R 4 0 R" if loop else "4 0 R")
        parent = f"/Parent {4 + k} 0 R " if k else ""
        objects.append(f"<< /Type /Pages {parent}/Kids [{kids}] /Count 1 >>")
    return _pdf(objects)


def test_the_pdf_helper_makes_a_readable_pdf(tmp_path: Path) -> None:
    from comparator.ingest import read_text

    (tmp_path / "ok.pdf").write_bytes(_pdf_with_page_tree(3))
    assert "detention" in read_text(tmp_path / "ok.pdf")[0]


@pytest.mark.parametrize("loop", [False, True], ids=["deep", "looping"])
def test_a_pdf_page_tree_that_cannot_be_walked_is_one_error_line(
    tmp_path: Path, loop: bool
) -> None:
    pdf = _pdf_with_page_tree(2 if loop else 5000, loop)
    corpus = make(tmp_path, {"letter.pdf": pdf, "reply.md": REPLY})
    assert_one_error(run(tmp_path, corpus), "letter.pdf")


def test_a_file_name_that_is_not_utf8_is_one_error_line(tmp_path: Path) -> None:
    corpus = make(tmp_path, {"letter.md": LETTER, "reply.md": REPLY})
    with open(os.path.join(os.fsencode(corpus), b"upd\xffate.md"), "wb") as fh:
        fh.write((MINI / "update.md").read_bytes())
    line = assert_one_error(run(tmp_path, corpus), "upd\ufffdate.md", "not valid UTF-8", "rename")
    assert no_run_folder(tmp_path) and "\udcff" not in line


def test_a_deeply_nested_corpus_toml_is_one_error_line(tmp_path: Path) -> None:
    manifest = b'[[document]]\nfile = "letter.md"\ntitle = ' + b"[" * 5000 + b"]" * 5000 + b"\n"
    corpus = make(tmp_path, {"letter.md": LETTER, "reply.md": REPLY, "corpus.toml": manifest})
    assert_one_error(run(tmp_path, corpus), "corpus.toml", "nested too deeply")


@pytest.mark.parametrize("gold", ["empty", "folder"])
def test_eval_gold_that_is_empty_or_a_folder_is_one_error_line(tmp_path: Path, gold: str) -> None:
    run_dir = a_run(tmp_path)
    path = tmp_path / "gold.csv"
    if gold == "empty":
        path.write_bytes(b"")
    else:
        path.mkdir()
    assert_one_error(invoke("eval", str(run_dir), "--gold", str(path)), "gold.csv")
    assert_one_error(invoke("eval", str(run_dir), "--corrections", str(path)), "gold.csv")


def test_an_ascii_terminal_gets_the_report_not_a_traceback(tmp_path: Path) -> None:
    run_dir = a_run(tmp_path)
    done = cli_process("show", str(run_dir), env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "comparator run" in done.stdout and done.stdout.isascii()


@pytest.mark.parametrize("where", ["closed", "dev-full"])
@pytest.mark.parametrize(
    "command", [["show", "{run}"], ["show", "{run}", "--format", "csv"], ["config"]]
)
def test_output_that_cannot_be_written_is_one_error_line(
    tmp_path: Path, where: str, command: list[str]
) -> None:
    run_dir = a_run(tmp_path)
    args = [a.format(run=run_dir) for a in command]
    with open("/dev/full", "w") as full:
        if where == "closed":
            done = cli_process(*args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=lambda: os.close(1))  # fmt: skip
        else:
            done = cli_process(*args, stdout=full, stderr=subprocess.PIPE)
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert done.returncode != 0
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert "standard output" in lines[0]


# --- 14. low memory is not "not installed" ------------------------------------------------


class _Unloadable:
    """A meta-path finder: importing sentence-transformers fails as it does when memory is
    short (a shared library that cannot be mapped, or a MemoryError)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.split(".")[0] == "sentence_transformers":
            raise self.error


@pytest.mark.parametrize(
    "error",
    [
        ImportError("libtorch_cpu.so: failed to map segment from shared object"),
        MemoryError(),
    ],
    ids=["shared-library-not-mapped", "memory-error"],
)
def test_low_memory_is_not_reported_as_a_missing_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    for name in [m for m in sys.modules if m.split(".")[0] == "sentence_transformers"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "meta_path", [_Unloadable(error), *sys.meta_path])
    result = CliRunner().invoke(
        cli, ["run", str(MINI), "--out", str(tmp_path / "out"), "--cache", str(tmp_path / "e")]
    )
    line = assert_one_error(result, "memory")
    assert "not installed" not in line


def test_a_missing_library_is_still_reported_as_not_installed() -> None:
    from comparator.embed import import_failure

    missing = ModuleNotFoundError("No module named 'torch'", name="torch")
    assert "torch is not installed" in import_failure(missing)
    assert "not installed" not in import_failure(ModuleNotFoundError("x", name="numpy.linalg"))


# --- 8. terminal escapes from a shared run folder -------------------------------------------

ESCAPES = "\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ \x9b31m"


def _rehash(run_dir: Path) -> None:
    """What someone sharing the folder does after an edit: the manifest's hashes updated."""
    path = run_dir / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for name in data["outputs"]:
        data["outputs"][name] = hashlib.sha256((run_dir / name).read_bytes()).hexdigest()
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_escapes_planted_in_a_shared_run_folder_never_reach_the_terminal(tmp_path: Path) -> None:
    run_dir = a_run(tmp_path)
    concerns = (run_dir / "concerns.csv").read_text(encoding="utf-8")
    concerns = concerns.replace("Publish monthly statistics", f"Publish {ESCAPES} statistics")
    (run_dir / "concerns.csv").write_text(concerns, encoding="utf-8", newline="")
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["corpus_name"] = f"mini{ESCAPES}"
    manifest["inputs"][0]["title"] = f"Letter {ESCAPES}"
    manifest["warnings"] = [f"a note {ESCAPES}"]
    (run_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _rehash(run_dir)
    concern = next(line.split(",")[0] for line in concerns.splitlines() if "statistics" in line)
    outputs = [
        invoke("show", str(run_dir)),
        invoke("show", str(run_dir), "--detail", concern),
        invoke("show", str(run_dir), "--format", "csv"),
        invoke("show", str(run_dir), "--format", "json"),
        invoke("export", str(run_dir), "--to", "-"),
    ]
    for result in outputs:
        assert result.exit_code == 0, result.output
        assert not any(c in result.output for c in "\x1b\x9b\x07"), repr(result.output[:300])
    assert "␛" in outputs[1].output  # made visible, not dropped


# --- 5. a keyed answer in the ask's words; NFD and NFC -------------------------------------

ASKS = [
    "Publish monthly statistics on immigration detention in Zürich, Genève and Besançon, "
    "broken down by age.",
    "End the detention of children in the centres of Zürich, Genève and Besançon.",
    "Guarantee access to free legal aid for every detained asylum seeker in Zürich, Genève "
    "and Besançon.",
]
# 1 and 3 answer in the ask's own words, in the reply's voice; 2 quotes the ask back (an
# imperative, word for word) before its answer: the quote is a restatement, never evidence
ANSWERS = [
    "1. Monthly statistics on immigration detention in Zürich, Genève and Besançon are "
    "published, broken down by age.",
    f"2. {ASKS[1]}\n\nThe Government will not end the detention of children while families "
    "are assessed.",
    "3. Access to free legal aid is guaranteed to every detained asylum seeker in Zürich, "
    "Genève and Besançon.",
]


def _keyed_exchange(tmp_path: Path, name: str, letter_form: str, reply_form: str) -> Path:
    import unicodedata

    items = "\n".join(f"{n}. {a}" for n, a in enumerate(ASKS, 1))
    letter = f"Letter on detention\n\nWe urge the Government to:\n\n{items}\n"
    reply = "Reply of the Ministry\n\nThank you for your letter.\n\n" + "\n\n".join(ANSWERS)
    return make(
        tmp_path,
        {
            "letter.md": unicodedata.normalize(letter_form, letter).encode(),
            "reply.md": unicodedata.normalize(reply_form, reply + "\n").encode(),
            "corpus.toml": b'[[document]]\nfile = "letter.md"\nrole = "request"\n'
            b'[[document]]\nfile = "reply.md"\nrole = "reply"\n',
        },
        name,
    )


def _verdicts(tmp_path: Path, corpus: Path) -> list[tuple[str, str, str]]:
    from comparator.export import read_concerns

    result = run(tmp_path, corpus, "--out", str(tmp_path / f"out-{corpus.name}"))
    assert result.exit_code == 0, result.output
    (run_dir,) = (tmp_path / f"out-{corpus.name}").glob("run-*")
    rows = read_concerns(run_dir / "concerns.csv")
    return [(r.concern_id, r.verdict.value, r.reply_passage_id) for r in rows]


def test_a_keyed_answer_in_the_asks_words_is_the_answer(tmp_path: Path) -> None:
    from comparator.export import read_concerns

    result = run(tmp_path, _keyed_exchange(tmp_path, "c", "NFC", "NFC"))
    assert result.exit_code == 0, result.output
    rows = {r.number: r for r in read_concerns(the_run(tmp_path) / "concerns.csv")}
    for number in ("1", "3"):
        assert rows[number].verdict.value == "answered", rows[number]
        assert rows[number].evidence_sentence.startswith(f"{number}. "), rows[number]
    assert "will not end" in rows["2"].evidence_sentence  # the quote-back is not evidence


@pytest.mark.parametrize(("letter", "reply"), [("NFD", "NFD"), ("NFC", "NFD"), ("NFD", "NFC")])
def test_decomposed_unicode_gives_the_same_verdicts(
    tmp_path: Path, letter: str, reply: str
) -> None:
    composed = _verdicts(tmp_path, _keyed_exchange(tmp_path, "nfc", "NFC", "NFC"))
    other = _verdicts(tmp_path, _keyed_exchange(tmp_path, "other", letter, reply))
    assert other == composed


# --- 11. encodings ------------------------------------------------------------------------

UTF8_LETTER = LETTER.replace(
    b"Publish monthly statistics", "Publish the comité’s été statistics".encode()
)


def _decoded(tmp_path: Path, data: bytes) -> tuple[str, str]:
    from comparator.corpus import load_corpus

    corpus = load_corpus(make(tmp_path, {"letter.txt": data, "reply.md": REPLY}))
    (letter,) = [d for d in corpus.documents if d.name == "letter.txt"]
    return letter.text, " ".join(letter.warnings)


def test_a_few_bad_bytes_in_utf8_are_replaced_and_counted(tmp_path: Path) -> None:
    damaged = UTF8_LETTER.replace(b"We urge", b"We\xff urge").replace(b"Dear", b"De\xc3ar")
    result = run(tmp_path, make(tmp_path, {"letter.md": damaged, "reply.md": REPLY}))
    assert result.exit_code == 0, result.output
    warning = next(ln for ln in result.output.splitlines() if "letter.md" in ln)
    assert warning.startswith("Warning: ") and "2 byte sequence(s) not UTF-8" in warning
    (tmp_path / "x").mkdir()
    text, _ = _decoded(tmp_path / "x", damaged)
    assert "comité’s été" in text and "We\ufffd urge" in text


def test_a_short_windows_letter_is_read_as_windows_1252(tmp_path: Path) -> None:
    letter = (
        "Dear Minister,\n\nWe write about the café’s closure – an “urgent” matter for the "
        "comité.\n\n1. Please reopen the café in Zürich.\n\nRegards, José\n"
    )
    text, warning = _decoded(tmp_path, letter.encode("cp1252"))
    assert text == letter and "decoded as cp1252" in warning


def test_a_long_cyrillic_text_is_still_detected(tmp_path: Path) -> None:
    letter = "Правительство должно освободить всех задержанных детей. " * 30
    text, warning = _decoded(tmp_path, letter.encode("cp1251"))
    assert text == letter and "cp1251" in warning


# --- 12. invisible characters and odd line ends -----------------------------------------------

THREE_ITEMS = (
    "We urge the Government to:\n\n1. Release all children from immigration detention.\n\n"
    "2. Publish monthly statistics on detention.\n\n3. Guarantee access to free legal aid.\n"
)


@pytest.mark.parametrize(
    "text",
    [
        THREE_ITEMS.replace("2.", "2\u200b."),
        THREE_ITEMS.replace("\n2.", "\n\u2060\u200b2."),
        THREE_ITEMS.replace("statistics", "statis\u00adtics").replace("3.", "\ufeff3."),
        THREE_ITEMS.replace("\n", "\u0085"),
        THREE_ITEMS.replace("\n", "\u2028"),
        THREE_ITEMS.replace("\n\n", "\u2029"),
        THREE_ITEMS.replace("\n", "\x0b"),
        THREE_ITEMS.replace("monthly statistics", "monthly\x0bstatistics"),
        THREE_ITEMS.replace("Release all", "Release \u202eall\u202c"),
    ],
    ids=[
        "zero-width-space-in-number",
        "word-joiner-before-number",
        "soft-hyphen-and-bom",
        "NEL-line-ends",
        "line-separators",
        "paragraph-separators",
        "vertical-tab-line-ends",
        "vertical-tab-between-words",
        "bidi-override",
    ],
)
def test_invisible_characters_and_odd_line_ends_lose_no_item(tmp_path: Path, text: str) -> None:
    from comparator.export import read_concerns

    result = run(tmp_path, make(tmp_path, {"letter.txt": text.encode(), "reply.md": REPLY}))
    assert result.exit_code == 0, result.output
    rows = read_concerns(the_run(tmp_path) / "concerns.csv")
    ours = [r for r in rows if r.request_doc == "letter.txt"]
    assert [(r.number, " ".join(r.text.split())) for r in ours] == [
        ("1", "Release all children from immigration detention."),
        ("2", "Publish monthly statistics on detention."),
        ("3", "Guarantee access to free legal aid."),
    ]


# --- 3. Word: tables, tracked insertions, content controls, list numbering -------------------

WORD_ASKS = [
    "Publish monthly statistics on immigration detention.",
    "End the detention of children in every centre.",
    "Guarantee access to free legal aid for every detained asylum seeker.",
    "Close the Southgate detention centre by the end of the year.",
]
WORD_REPLY = (
    b"Reply of the Ministry\n\nRecommendation 1: Statistics are published every month.\n\n"
    b"Recommendation 2: Children are no longer detained.\n\nRecommendation 3: Legal aid is "
    b"free for all.\n\nRecommendation 4: The Southgate centre will close in June.\n"
)


def _word(build) -> bytes:  # type: ignore[no-untyped-def]
    import docx

    document = docx.Document()
    build(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _numbered_list_with_revisions(document) -> None:  # type: ignore[no-untyped-def]
    """Word's own numbering (the List Number style), item 2 a tracked insertion, item 3 in
    content controls, a tracked deletion inside item 4."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    w, style = nsdecls("w"), '<w:pPr><w:pStyle w:val="ListNumber"/></w:pPr>'
    stamp = 'w:author="A" w:date="2024-01-01T00:00:00Z"'
    document.add_paragraph("We urge the Government to:")
    end = document.element.body[-1]
    for xml in (
        f"<w:p {w}>{style}<w:r><w:t>{WORD_ASKS[0]}</w:t></w:r></w:p>",
        f'<w:p {w}>{style}<w:ins w:id="1" {stamp}><w:r><w:t>{WORD_ASKS[1]}</w:t></w:r></w:ins>'
        "</w:p>",
        f'<w:sdt {w}><w:sdtPr/><w:sdtContent><w:p>{style}<w:r><w:t xml:space="preserve">'
        "Guarantee access to </w:t></w:r><w:sdt><w:sdtContent><w:r><w:t>free legal aid</w:t>"
        '</w:r></w:sdtContent></w:sdt><w:r><w:t xml:space="preserve"> for every detained '
        "asylum seeker.</w:t></w:r></w:p></w:sdtContent></w:sdt>",
        f'<w:p {w}>{style}<w:r><w:t>{WORD_ASKS[3]}</w:t></w:r><w:del w:id="2" {stamp}><w:r>'
        "<w:delText> and reopen it as a prison</w:delText></w:r></w:del></w:p>",
    ):
        end.addprevious(parse_xml(xml))
    document.add_paragraph("Yours sincerely,")


def _matrix(document) -> None:  # type: ignore[no-untyped-def]
    """A table of recommendations: a number column and the recommendation's text."""
    document.add_paragraph("The Working Group recommends that the Government:")
    table = document.add_table(rows=0, cols=2)
    for n, ask in enumerate(WORD_ASKS, 1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(n), ask
    document.add_paragraph("These recommendations reflect the position of the submitting States.")


@pytest.mark.parametrize("build", [_numbered_list_with_revisions, _matrix], ids=["list", "table"])
def test_word_files_lose_no_ask_and_keep_their_labels(tmp_path: Path, build) -> None:  # type: ignore[no-untyped-def]
    from comparator.export import read_concerns

    roles = (
        b'[[document]]\nfile = "letter.docx"\nrole = "request"\n'
        b'[[document]]\nfile = "reply.md"\nrole = "reply"\n'
    )
    corpus = make(
        tmp_path, {"letter.docx": _word(build), "reply.md": WORD_REPLY, "corpus.toml": roles}
    )
    result = run(tmp_path, corpus)
    assert result.exit_code == 0, result.output
    rows = [r for r in read_concerns(the_run(tmp_path) / "concerns.csv")
            if r.request_doc == "letter.docx"]  # fmt: skip
    assert [(r.number, r.text) for r in rows] == [(str(n), a) for n, a in enumerate(WORD_ASKS, 1)]
    assert [r.link for r in rows] == ["key"] * 4, [(r.number, r.link, r.reply_text) for r in rows]
    assert "Southgate centre will close" in rows[3].reply_text  # linked by its own number


def test_word_list_labels_follow_the_numbering_definitions() -> None:
    from types import SimpleNamespace

    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from comparator.wordtext import _Numbering

    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(
            [("decimal", "%1."), ("lowerLetter", "(%2)"), ("lowerRoman", "%3)"),
             ("decimal", "%1.%2.%4")]
        )
    )  # fmt: skip
    xml = (
        f'<w:numbering {nsdecls("w")}><w:abstractNum w:abstractNumId="0">{levels}'
        '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0">'
        '<w:startOverride w:val="115"/></w:lvlOverride></w:num></w:numbering>'
    )
    document = SimpleNamespace(part=SimpleNamespace(numbering_part=SimpleNamespace(
        element=parse_xml(xml))))  # fmt: skip
    numbering = _Numbering.of(document)
    got = [numbering.label(n, level) for n, level in
           [("1", 0), ("1", 1), ("1", 1), ("1", 2), ("1", 3), ("1", 0), ("1", 1), ("2", 0),
            ("0", 0)]]  # fmt: skip
    # a level's text shows each level's count in that level's own format ("1.b.1")
    assert got == ["1.", "(a)", "(b)", "i)", "1.b.1", "2.", "(a)", "115.", None]


# --- 6. HTML: every block element's own text ------------------------------------------------

PAGE = b"""<html><head><title>Letter</title></head><body><nav>Home | About</nav>
<div>We urge the Government to:</div>
<ol>
<li>Publish monthly statistics on immigration detention.
<li>End the detention of children, in particular:
  <ol type="a"><li>release every child held at the Southgate centre;
  <li>stop detaining families at the border.</ol>
<li>Guarantee access to free legal aid for every detained asylum seeker.
</ol>
<div>Yours sincerely,<br>Rights Watch</div></body></html>"""
PAGE_AS_TEXT = b"""We urge the Government to:

1. Publish monthly statistics on immigration detention.

2. End the detention of children, in particular:

a. release every child held at the Southgate centre;

b. stop detaining families at the border.

3. Guarantee access to free legal aid for every detained asylum seeker.

Yours sincerely,
Rights Watch
"""


def _asks(tmp_path: Path, name: str, files: dict[str, bytes]) -> list[tuple[str, str]]:
    from comparator.corpus import load_corpus
    from comparator.segment import segment_corpus

    corpus = load_corpus(make(tmp_path, {**files, "reply.md": REPLY}, name))
    return [(c.label, c.text) for c in segment_corpus(corpus).concerns if c.doc != "reply.md"]


def test_an_html_page_reads_like_its_text(tmp_path: Path) -> None:
    from comparator.ingest import read_text

    (tmp_path / "page.html").write_bytes(PAGE)
    text = read_text(tmp_path / "page.html")[0]
    assert text.startswith("We urge the Government to:\n\n1. Publish monthly")  # div text
    assert "2. End the detention of children, in particular:\n\na. release" in text
    assert "\n\n3. Guarantee access" in text and "Home | About" not in text
    expected = _asks(tmp_path, "text", {"letter.txt": PAGE_AS_TEXT})
    assert len(expected) >= 3
    assert _asks(tmp_path, "html", {"letter.html": PAGE}) == expected
