"""The CLI through click's CliRunner: golden outputs, reproducibility, and every bad input."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from comparator.cli import cli

from .conftest import MINI, check_golden

FAKE = ["--model", "comparator-fake"]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def run_mini(tmp_path: Path, *extra: str) -> Path:
    result = invoke(
        "run", MINI, *FAKE, "--out", tmp_path / "reports", "--cache", tmp_path / "emb", *extra
    )
    assert result.exit_code == 0, result.output
    (run_dir,) = (tmp_path / "reports").glob("run-*")
    return run_dir


def test_run_writes_the_six_files_and_golden_outputs(tmp_path: Path) -> None:
    run_dir = run_mini(tmp_path)
    assert sorted(p.name for p in run_dir.iterdir()) == [
        "concerns.csv",
        "manifest.json",
        "matches.csv",
        "passages.csv",
        "report.html",
        "report.txt",
    ]
    check_golden("mini_concerns.csv", (run_dir / "concerns.csv").read_text(encoding="utf-8"))
    report = (run_dir / "report.txt").read_text(encoding="utf-8")
    # the run id also fingerprints the source code, so it is masked here
    check_golden("mini_report.txt", re.sub(r"run-[0-9a-f]{12}", "run-<id>", report))


def test_csv_opens_cleanly_in_pandas(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.read_csv(run_mini(tmp_path) / "concerns.csv", dtype=str, keep_default_na=False)
    assert list(frame["concern_id"]) == ["L1-D01", "L1-D02", "L1-D03", "R1-Q01", "R1-Q02", "R1-Q03"]
    assert set(frame["verdict"]) <= {"answered", "deflected", "ignored"}
    assert frame.loc[frame["concern_id"] == "L1-D02", "reason"].item() == "answered:refusal"


def test_two_runs_give_byte_identical_tables(tmp_path: Path) -> None:
    first = run_mini(tmp_path / "a")
    second = run_mini(tmp_path / "b")
    assert first.name == second.name
    for name in ("concerns.csv", "matches.csv", "passages.csv", "report.txt", "report.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_manifest_records_inputs_model_config_and_outputs(tmp_path: Path) -> None:
    manifest = json.loads((run_mini(tmp_path) / "manifest.json").read_text())
    assert [i["file"] for i in manifest["inputs"]] == ["letter.md", "reply.md", "update.md"]
    assert manifest["model"]["name"] == "comparator-fake"
    assert manifest["config"]["ignore_coverage"] == 0.2
    assert set(manifest["outputs"]) == {
        "concerns.csv",
        "matches.csv",
        "passages.csv",
        "report.html",
        "report.txt",
    }
    assert len(manifest["inputs"][0]["sha256"]) == 64


def test_an_identical_run_is_reused_not_overwritten(tmp_path: Path) -> None:
    run_dir = run_mini(tmp_path)
    stamp = (run_dir / "manifest.json").read_text()
    result = invoke("run", MINI, *FAKE, "--out", tmp_path / "reports", "--cache", tmp_path / "e")
    assert result.exit_code == 0
    assert "already exists" in result.output
    assert (run_dir / "manifest.json").read_text() == stamp


def test_verify_reports_identical_then_a_difference(tmp_path: Path) -> None:
    run_dir = run_mini(tmp_path)
    ok = invoke("run", "--verify", run_dir, "--cache", tmp_path / "emb")
    assert ok.exit_code == 0 and "byte-identical" in ok.output
    (run_dir / "concerns.csv").write_text("tampered\n")
    bad = invoke("verify", run_dir, "--cache", tmp_path / "emb")
    assert bad.exit_code == 1 and "concerns.csv differs" in bad.output


def test_verify_refuses_the_options_it_would_ignore(tmp_path: Path) -> None:
    run_dir = run_mini(tmp_path)
    for extra in (["--force"], ["--out", str(tmp_path / "x")], ["--model", "m"], [str(MINI)]):
        result = CliRunner().invoke(cli, ["run", "--verify", str(run_dir), *extra])
        assert result.exit_code != 0
        (line,) = [x for x in result.output.splitlines() if x.startswith("Error:")]
        assert "takes only --cache and --device" in line
        assert (extra[0] if extra[0].startswith("-") else "inputs") in line
    assert not (tmp_path / "x").exists()


def test_eval_needs_a_run_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a run folder, eval says how to make one; it no longer runs an analysis."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["eval", "--gold", str(tmp_path / "g.csv")])
    assert result.exit_code != 0
    assert "eval scores a run folder" in result.output
    assert not (tmp_path / "reports").exists() and not (tmp_path / "embeddings").exists()


def test_show_rerenders_and_detail_explains_one_verdict(tmp_path: Path) -> None:
    run_dir = run_mini(tmp_path)
    shown = invoke("show", run_dir)
    rstripped = "\n".join(line.rstrip() for line in shown.output.splitlines()) + "\n"
    assert rstripped == (run_dir / "report.txt").read_text()
    detail = invoke("show", run_dir, "--detail", "L1-D02.b")
    assert "Part b: families are placed in community housing." in detail.output
    # every explanation names the verdict and the rule of its row, and the rule's checks
    rows = list(csv.DictReader((run_dir / "concerns.csv").open(encoding="utf-8")))
    for row in rows:
        out = invoke("show", run_dir, "--detail", row["concern_id"]).output
        head = out.splitlines()[0].split()
        assert head[:3] == [row["concern_id"], row["verdict"], row["reason"]], out
        assert f"rule: {row['reason']} —" in out
        outcomes = [c.rpartition(":")[2] for c in row["checks"].split("; ") if c]
        rule = out.split("rule:", 1)[1].split("Ranked evidence", 1)[0]
        assert (rule.count("✓"), rule.count("✗")) == (
            outcomes.count("pass"),
            outcomes.count("fail"),
        ), out
    assert {r["reason"] for r in rows if r["concern_id"] == "L1-D02"} == {"answered:refusal"}


def test_export_json_and_csv(tmp_path: Path) -> None:
    run_dir = run_mini(tmp_path)
    assert invoke("export", run_dir, "--format", "json", "--to", tmp_path / "x.json").exit_code == 0
    data = json.loads((tmp_path / "x.json").read_text())
    assert len(data["concerns"]) == 6
    assert invoke("export", run_dir, "--to", tmp_path / "csv").exit_code == 0
    assert (tmp_path / "csv" / "concerns.csv").read_bytes() == (
        run_dir / "concerns.csv"
    ).read_bytes()


def test_eval_prints_metrics_and_lists_problems(tmp_path: Path) -> None:
    run_dir = run_mini(tmp_path)
    fixtures = MINI.parent
    result = invoke(
        "eval",
        run_dir,
        "--gold",
        fixtures / "mini_gold.csv",
        "--negatives",
        fixtures / "mini_negatives.csv",
    )
    assert result.exit_code == 0, result.output
    check_golden("mini_eval.txt", result.output)
    gold = (fixtures / "mini_gold.csv").read_text()
    wrong = gold.replace(
        "immigration detention in 2023,question,answered",
        "immigration detention in 2023,question,ignored",
    )
    wrong += "letter.md,Abolish the death penalty,demand,ignored,clear,,,,\n"
    (tmp_path / "wrong.csv").write_text(wrong)
    listed = invoke("eval", run_dir, "--gold", tmp_path / "wrong.csv")
    assert "R1-Q01" in listed.output and "answered ≠ ignored" in listed.output
    assert "not found" in listed.output and "Abolish the death penalty" in listed.output


def test_segment_csv(tmp_path: Path) -> None:
    result = invoke("segment", MINI, "--csv", tmp_path / "seg.csv")
    assert result.exit_code == 0
    text = (tmp_path / "seg.csv").read_text()
    assert text.count("\nletter.md,request,concern,L1-D0") == 3


def make(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


LETTER = (MINI / "letter.md").read_bytes()
REPLY = (MINI / "reply.md").read_bytes()


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        (None, ["run", "{tmp}/absent"], "no such corpus folder"),
        (None, ["run", "{tmp}/absent.txt"], "absent.txt: no such file"),
        ({}, ["run", "{corpus}"], "no documents found"),
        ({"letter.md": LETTER}, ["run", "{corpus}"], "corpus has no reply documents"),
        (
            {"update.md": (MINI / "update.md").read_bytes()},
            ["run", "{corpus}"],
            "corpus has no request documents",
        ),
        (
            {"letter.md": LETTER, "reply.md": b"  \n\n"},
            ["run", "{corpus}"],
            "reply.md: file is empty",
        ),
        (
            {"letter.md": LETTER, "reply.txt": b"\x00\x01binary"},
            ["run", "{corpus}"],
            "looks like a binary file",
        ),
        (
            {"letter.md": LETTER, "reply.rtf": b"{\\rtf1 hi}"},
            ["run", "{corpus}"],
            "corpus has no reply documents",
        ),
        (
            {"letter.md": LETTER, "reply.rtf": b"{\\rtf1 hi}"},
            ["run", "{corpus}/letter.md", "{corpus}/reply.rtf"],
            "unsupported file type '.rtf'; supported: .txt, .md",
        ),
        (
            {"letter.md": LETTER},
            ["run", "{corpus}/letter.md", "{corpus}/reply.md"],
            "reply.md: no such file",
        ),
        (
            {
                "letter.md": LETTER,
                "reply.md": REPLY,
                "corpus.toml": b'[[document]]\nfile = "x.md"\n',
            },
            ["run", "{corpus}"],
            "corpus.toml:2: 'x.md' is not in the corpus folder",
        ),
        (
            {"letter.md": LETTER, "reply.md": REPLY},
            ["run", "{corpus}", "--config", "{tmp}/c.toml"],
            "no such config file",
        ),
        (
            {"letter.md": LETTER, "reply.md": REPLY, "big.md": b"x" * (2 * 1_048_576)},
            ["run", "{corpus}", "--max-file-mb", "1"],
            "big.md: file is 2 MiB, over the 1 MiB limit",
        ),
        (
            {"letter.md": LETTER, "reply.md": REPLY},
            ["run", "{corpus}", "--model", "no-such-model-pkg"],
            "model 'no-such-model-pkg' is not installed; pip install no-such-model-pkg",
        ),
        (None, ["show", "{tmp}"], "not a run folder (no manifest.json)"),
        (None, ["eval", "{tmp}", "--gold", "{tmp}/gold.csv"], "no such gold file"),
    ],
)
def test_bad_input_gets_one_line_and_a_nonzero_exit(
    tmp_path: Path, files: dict[str, bytes] | None, args: list[str], message: str
) -> None:
    corpus = make(tmp_path, files) if files is not None else tmp_path / "none"
    argv = [a.format(tmp=tmp_path, corpus=corpus) for a in args]
    if argv[0] == "run" and "--model" not in argv:
        argv += FAKE
    argv += ["--out", str(tmp_path / "out")] if argv[0] == "run" else []
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("Error: "), result.output
    assert message in lines[-1]
    assert "Traceback" not in result.output


def test_a_lone_reply_that_quotes_its_questions_is_analysed(tmp_path: Path) -> None:
    corpus = make(tmp_path, {"reply.md": REPLY})
    result = CliRunner().invoke(
        cli,
        ["run", str(corpus), *FAKE, "--out", str(tmp_path / "o"), "--cache", str(tmp_path / "e")],
    )
    assert result.exit_code == 0, result.output
    assert "R1-Q01" not in result.output  # the corpus.toml id is not there
    assert "000-Q01" in result.output  # a file without a number of its own gets 000


def test_unknown_config_key_is_named(tmp_path: Path) -> None:
    (tmp_path / "c.toml").write_text("ignore_coverag = 0.3\n")
    result = CliRunner().invoke(
        cli,
        [
            "run",
            str(MINI),
            *FAKE,
            "--config",
            str(tmp_path / "c.toml"),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 1
    assert "c.toml: unknown setting 'ignore_coverag'" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_folder(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = CliRunner().invoke(cli, ["run", str(MINI), *FAKE, "--out", str(locked / "r")])
    assert result.exit_code == 1 and "cannot write here" in result.output


def test_unwritable_output_folder_even_as_root(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(cli, ["run", str(MINI), *FAKE, "--out", str(blocker / "r")])
    assert result.exit_code == 1
    assert "cannot write here" in result.output


def test_unknown_detail_id(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["show", str(run_mini(tmp_path)), "--detail", "Z-9"])
    assert result.exit_code == 1 and "no concern 'Z-9'" in result.output


def test_a_failure_mid_write_leaves_no_run_folder_and_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = run_mini(tmp_path)
    before = {p.name: p.read_bytes() for p in old.iterdir()}
    from comparator import atomic

    calls = {"n": 0}
    real = atomic.write_bytes

    def disk_full(path: Path, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(atomic, "write_bytes", disk_full)
    result = CliRunner().invoke(
        cli,
        [
            "run",
            str(MINI),
            *FAKE,
            "--out",
            str(tmp_path / "reports"),
            "--cache",
            str(tmp_path / "emb"),
            "--force",
        ],
    )
    assert result.exit_code == 1
    assert (
        "No space left on device" in result.output and "Earlier runs are untouched" in result.output
    )
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before
    assert [p.name for p in (tmp_path / "reports").iterdir()] == [old.name]


def test_ctrl_c_leaves_no_partial_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from comparator import runs

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(runs, "analyse", interrupted)
    result = CliRunner().invoke(cli, ["run", str(MINI), *FAKE, "--out", str(tmp_path / "r")])
    assert result.exit_code == 130
    assert "Interrupted: no run folder was written" in result.output
    assert not list((tmp_path / "r").glob("run-*"))


def test_help_does_not_import_torch() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from comparator.cli import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('torch' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().endswith("False")


def test_stale_staging_folders_are_cleaned(tmp_path: Path) -> None:
    stale = tmp_path / "reports" / ".tmp-run-abc-999999"
    stale.mkdir(parents=True)
    (stale / "concerns.csv").write_text("half")
    run_mini(tmp_path)
    assert not stale.exists()
    shutil.rmtree(tmp_path / "reports")


def test_bench_prints_figures_with_same_run_baselines() -> None:
    result = CliRunner().invoke(cli, ["bench", "--scale", "tiny", "--only", "matching,lexical"])
    assert result.exit_code == 0, result.output
    assert "top-5 of 200 concerns x 2,000 passages" in result.output
    assert "unchunked matrix would be" in result.output
    assert "BM25 over 2,000 synthetic passages" in result.output


def test_bench_rejects_unknown_sections() -> None:
    result = CliRunner().invoke(cli, ["bench", "--only", "speed"])
    assert result.exit_code == 1 and "unknown section 'speed'" in result.output


def test_the_filters_offer_every_verdict_and_position_and_no_other() -> None:
    from comparator import cli as commands
    from comparator.position import POSITIONS
    from comparator.score import VERDICTS

    assert tuple(commands.VERDICT_CHOICE.choices) == VERDICTS
    assert tuple(commands.POSITION_CHOICE.choices) == POSITIONS
