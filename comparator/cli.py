"""Command line: parse options, call the library, turn its errors into one-line messages."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import ComparatorError
from .safetext import visible_controls

if TYPE_CHECKING:
    from .slices import Slice

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_CORPUS = Path("seeds")
DEFAULT_REPORTS = Path("reports")
DEFAULT_CACHE = Path("embeddings")


def friendly(func: F) -> F:
    """Library errors become `Error: …` and a non-zero exit; Ctrl-C says what was kept."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ComparatorError as e:
            click.echo(f"Error: {visible_controls(str(e))}", err=True)
            sys.exit(e.exit_code)
        except MemoryError:
            click.echo(
                "Error: out of memory; close other programs, raise this process's memory "
                "limit or analyse fewer documents at once, then retry",
                err=True,
            )
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo(
                "Interrupted: no run folder was written; earlier runs and the embedding "
                "cache are intact.",
                err=True,
            )
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _console() -> Any:
    from .report import make_console

    return make_console()


def _progress() -> Callable[[int, int], None] | None:
    """A rich progress bar on stderr for embedding, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import Progress

    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = Progress(transient=True, console=Console(stderr=True))
            state["bar"].start()
            state["task"] = state["bar"].add_task("Embedding texts", total=total)
        state["bar"].update(state["task"], completed=done)
        if done >= total:
            state.pop("bar").stop()

    return update


def _config(config_file: Path | None, model: str | None) -> Any:
    from .config import Config

    config = Config.from_toml(config_file) if config_file else Config()
    return replace(config, model=model) if model else config


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="comparator")
def cli() -> None:
    """Which concerns of human-rights letters did government replies answer, deflect or ignore?"""


def inputs_args(func: F) -> F:
    """INPUTS (a corpus folder, or files) and --request / --reply, which state roles."""
    for role, dest in (("reply", "replies"), ("request", "requests")):  # --request first
        func = click.option(
            f"--{role}",
            dest,
            multiple=True,
            type=click.Path(path_type=Path),
            help=f"A {role} file (repeatable); states its role without a corpus.toml.",
        )(func)
    return click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))(func)


def _load_inputs(
    inputs: tuple[Path, ...],
    requests: tuple[Path, ...],
    replies: tuple[Path, ...],
    max_file_mb: int,
    cache: Path,
) -> Any:
    from .corpus import load_inputs

    corpus = load_inputs(
        inputs, requests, replies, max_file_mb * 1_048_576, cache / "extracted", DEFAULT_CORPUS
    )
    return corpus  # its warnings come with the segmentation's (and are saved in the manifest)


def _stdout_or(path: Path) -> str:
    return "stdout" if path == Path("-") else str(path)


max_mb = click.option(
    "--max-file-mb",
    type=click.IntRange(1, 10_000),
    default=50,
    show_default=True,
    help="Refuse input files larger than this.",
)


@cli.command()
@inputs_args
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    help="Also write every concern and passage to this CSV file (- for stdout).",
)
@click.option("--force", is_flag=True, help="Replace an existing --csv file.")
@click.option(
    "--why",
    is_flag=True,
    help="Also list, per request, what each pass made or dropped and the rule it went by.",
)
@max_mb
@friendly
def segment(
    inputs: tuple[Path, ...],
    requests: tuple[Path, ...],
    replies: tuple[Path, ...],
    csv_path: Path | None,
    force: bool,
    why: bool,
    max_file_mb: int,
) -> None:
    """Show how INPUTS (a corpus folder, default seeds/, or files) are cut into concerns and
    reply passages, and each request's audit of its own outline."""
    from . import atomic, export
    from .segment import segment_corpus
    from .segment_report import render_segmentation, render_why

    loaded = _load_inputs(inputs, requests, replies, max_file_mb, DEFAULT_CACHE)
    seg = segment_corpus(loaded)
    roles = {d.name: d.role for d in loaded.documents}
    csv_text = export.to_csv(export.segment_rows(seg, roles), export.SEGMENT_COLUMNS)
    if csv_path == atomic.STDOUT:
        atomic.write_output(csv_path, csv_text)
        return
    render_segmentation(_console(), loaded, seg)
    if why:
        render_why(_console(), loaded, seg)
    if csv_path:
        atomic.write_output(csv_path, csv_text, force)
        click.echo(f"Wrote {csv_path}", err=True)


cache_opt = click.option(
    "--cache",
    type=click.Path(path_type=Path),
    default=str(DEFAULT_CACHE),
    show_default=True,
    help="Embedding cache folder.",
)
device_opt = click.option(
    "--device", help="Torch device for embedding, e.g. cpu, cuda, cuda:1, mps."
)
wide_opt = click.option(
    "--wide/--narrow",
    default=None,
    help="Concern and evidence in full, in five columns (default: when wider than 120).",
)
corrections_opt = click.option(
    "--corrections",
    "corrections_file",
    type=click.Path(path_type=Path),
    help="A coder's corrections CSV (default: corrections.csv in the corpus folder).",
)


@cli.command()
@inputs_args
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=str(DEFAULT_REPORTS),
    show_default=True,
    help="Folder that receives the run folder.",
)
@click.option("--model", help="Installed package (or folder) with a sentence-transformers model.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    help="TOML file overriding thresholds (see `comparator config`).",
)
@cache_opt
@device_opt
@click.option("--force", is_flag=True, help="Recompute and replace an identical earlier run.")
@click.option(
    "--verify",
    "verify_dir",
    type=click.Path(path_type=Path),
    help="Re-run a saved run from its manifest and report any difference.",
)
@click.option("--detail", help="Show one concern in full (e.g. 000-Q04 or 002-D03.a).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the run folder's path (no report).")
@wide_opt
@corrections_opt
@max_mb
@friendly
def run(
    inputs: tuple[Path, ...],
    requests: tuple[Path, ...],
    replies: tuple[Path, ...],
    out: Path,
    model: str | None,
    config_file: Path | None,
    cache: Path,
    device: str | None,
    force: bool,
    verify_dir: Path | None,
    detail: str | None,
    quiet: bool,
    wide: bool | None,
    corrections_file: Path | None,
    max_file_mb: int,
) -> None:
    """Analyse INPUTS (a corpus folder, default seeds/, or files: `run A.pdf B.pdf`), write
    a run folder and print the report."""
    from . import models, runs
    from .corrections import find_corrections

    if verify_dir:
        given = _given_options(("cache", "device", "verify_dir"))
        if given:
            raise ComparatorError(
                f"--verify re-runs the saved run exactly as its manifest records, so it takes "
                f"only --cache and --device; drop {', '.join(given)} "
                f"(or use `comparator verify {verify_dir}`)"
            )
        _verify(verify_dir, cache, device)
        return
    config = _config(config_file, model)
    runs.check_cache_folder(cache)
    loaded = _load_inputs(inputs, requests, replies, max_file_mb, cache)
    corrections = find_corrections(loaded, corrections_file)
    embedder = models.make_embedder(config, device, _progress(), cache)
    outcome = runs.execute(
        loaded, config, embedder, out, cache, force=force, corrections=corrections
    )
    for w in outcome.correction_warnings:
        click.echo(f"Warning: {visible_controls(w)}", err=True)
    if quiet:
        click.echo(str(outcome.path))
    else:
        _show(outcome.path, detail, wide)
    sys.stdout.flush()
    if outcome.reused and not quiet:
        click.echo(
            f"An identical run (same inputs, model and settings) already exists: "
            f"{outcome.path}. Shown from disk; use --force to recompute.",
            err=True,
        )
    elif not quiet:
        click.echo(f"Run folder: {outcome.path}", err=True)
    warnings = outcome.analysis.warnings if outcome.analysis else ()
    for w in warnings:
        click.echo(f"Warning: {visible_controls(w)}", err=True)


def _show(
    run_dir: Path, detail: str | None, wide: bool | None = None, wanted: Slice | None = None
) -> None:
    from .report import render_detail, render_report
    from .runs import load_saved
    from .slices import select

    tables, saved = load_saved(run_dir)
    console = _console()
    if detail:
        render_detail(console, tables, detail)
    elif wanted is not None and not wanted.empty:
        total = len(tables.concerns)
        render_report(console, select(tables, wanted), saved, wide, (wanted.describe(), total))
    else:
        render_report(console, tables, saved, wide)


# score.VERDICTS and position.POSITIONS, written out so that `--help` imports neither
VERDICT_CHOICE = click.Choice(["answered", "deflected", "ignored"])
POSITION_CHOICE = click.Choice(["accepted", "partially-accepted", "noted", "rejected", "none"])


@cli.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--detail", help="Show one concern in full (e.g. 000-Q04).")
@click.option("--verdict", multiple=True, type=VERDICT_CHOICE, help="Keep this verdict.")
@click.option("--reason", multiple=True, help="Keep this reason (no-match or ignored:no-match).")
@click.option("--position", multiple=True, type=POSITION_CHOICE, help="Keep this position.")
@click.option("--doc", multiple=True, help="Keep this request document (id such as 002).")
@click.option("--kind", multiple=True, help="Keep this kind of concern (question, demand…).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="The report, or the concerns as typed JSON or CSV, on stdout.",
)
@wide_opt
@friendly
def show(
    run_dir: Path,
    detail: str | None,
    verdict: tuple[str, ...],
    reason: tuple[str, ...],
    position: tuple[str, ...],
    doc: tuple[str, ...],
    kind: tuple[str, ...],
    fmt: str,
    wide: bool | None,
) -> None:
    """Re-render a saved RUN_DIR without recomputing anything, whole or a slice of it."""
    from .slices import Slice

    wanted = Slice(verdict, reason, position, doc, kind)
    if fmt == "text":
        _show(run_dir, detail, wide, wanted)
        return
    from . import export
    from .runs import load_saved
    from .slices import select

    tables, saved = load_saved(run_dir)
    rows = select(tables, wanted).concerns
    text = (
        export.concerns_json(rows, saved.run_id)
        if fmt == "json"
        else export.to_csv(rows, export.concern_columns(rows))
    )
    click.echo(text, nl=False)


@cli.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@cache_opt
@device_opt
@friendly
def verify(run_dir: Path, cache: Path, device: str | None) -> None:
    """Re-run RUN_DIR from its manifest (same inputs, model, settings and corrections) and
    report any difference; exit 1 when the re-run differs."""
    _verify(run_dir, cache, device)


def _verify(run_dir: Path, cache: Path, device: str | None) -> None:
    from . import models, runs

    differences = runs.verify(
        run_dir, lambda cfg: models.make_embedder(cfg, device, _progress(), cache), cache
    )
    if differences:
        for d in differences:
            click.echo(f"DIFFERENT: {d}")
        sys.exit(1)
    click.echo(f"{run_dir}: re-run gives byte-identical tables and report.")


def _given_options(allowed: tuple[str, ...]) -> list[str]:
    """The options of the running command that were typed, other than `allowed`."""
    ctx = click.get_current_context()
    typed = []
    for param in ctx.command.params:
        source = ctx.get_parameter_source(param.name) if param.name else None
        if param.name not in allowed and source == click.core.ParameterSource.COMMANDLINE:
            typed.append(
                param.opts[0] if param.opts and param.opts[0].startswith("-") else param.name or ""
            )
    return typed


@cli.command("export")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "--to",
    "dest",
    type=click.Path(path_type=Path),
    required=True,
    help="File (json) or folder (csv) to write; - writes JSON, or concerns.csv, to stdout.",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@friendly
def export_cmd(run_dir: Path, fmt: str, dest: Path, force: bool) -> None:
    """Write a saved run's tables elsewhere as CSV files or one JSON file."""
    from . import atomic, export
    from .runs import load_saved

    tables, _ = load_saved(run_dir)
    export.write_tables(tables, fmt, dest, force)
    if dest != atomic.STDOUT:
        click.echo(f"Wrote {dest}", err=True)


@cli.command("eval")
@click.argument("run_dir", required=False, type=click.Path(path_type=Path))
@click.option(
    "--gold", type=click.Path(path_type=Path), help="Hand-coded reference CSV for RUN_DIR."
)
@click.option(
    "--negatives",
    type=click.Path(path_type=Path),
    help="CSV of text that must not become a concern (with --gold).",
)
@click.option(
    "--pair",
    "pairs",
    type=(click.Path(path_type=Path), click.Path(path_type=Path)),
    multiple=True,
    metavar="RUN GOLD",
    help="A run folder and its reference; repeat once per corpus.",
)
@click.option(
    "--pair-negatives",
    type=(click.Path(path_type=Path), click.Path(path_type=Path)),
    multiple=True,
    metavar="GOLD NEG",
    help="Negatives for the --pair whose reference is the file GOLD; repeatable.",
)
@click.option(
    "--corrections",
    "corrections_file",
    type=click.Path(path_type=Path),
    help="A coder's corrections CSV: agreement of RUN_DIR's verdicts with the coder's.",
)
@friendly
def eval_cmd(
    run_dir: Path | None,
    gold: Path | None,
    negatives: Path | None,
    pairs: tuple[tuple[Path, Path], ...],
    pair_negatives: tuple[tuple[Path, Path], ...],
    corrections_file: Path | None,
) -> None:
    """Score runs against hand-coded references.

    \b
    comparator eval RUN_DIR --gold GOLD [--negatives NEG]
        one run in detail: metrics, confusion, per-verdict scores, every miss
    comparator eval --pair RUN1 GOLD1 --pair RUN2 GOLD2 [--pair-negatives GOLD1 NEG1]
        one row per corpus (named by the reference's folder, or its file name
        when folders repeat) and a pooled row over all gold rows together,
        then each corpus's misses; a single --pair prints the detailed form
    comparator eval RUN_DIR --corrections CORRECTIONS.csv
        agreement of the tool's verdicts with a coder's: counts, confusion, κ

    A reference with a `position` column (accepted, partially-accepted, noted,
    rejected, none) is also scored on position agreement; runs without a
    position column count every prediction as none.
    """
    from . import evaluate, runs
    from .eval_report import render_eval

    if corrections_file is not None:
        _eval_corrections(run_dir, corrections_file, gold or pairs)
        return
    plan = evaluate.plan_pairs(run_dir, gold, negatives, pairs, pair_negatives)
    golds = [evaluate.read_gold(p.gold) for p in plan]
    negs = [
        evaluate.read_gold(p.negatives, evaluate.NEGATIVE_COLUMNS) if p.negatives else None
        for p in plan
    ]
    names = evaluate.corpus_names([p.gold for p in plan])
    run_dirs = [p.run_dir for p in plan]
    tables = [runs.load_saved(d)[0] for d in run_dirs]
    results = [
        evaluate.evaluate(t, g, n, name)
        for t, g, n, name in zip(tables, golds, negs, names, strict=True)
    ]
    render_eval(_console(), results)


def _eval_corrections(run_dir: Path | None, corrections_file: Path, other: object) -> None:
    from .corrections import agreement, read_corrections, unknown_corrections
    from .eval_report import render_agreement
    from .runs import load_saved

    if run_dir is None or other:
        raise ComparatorError(
            "--corrections needs one RUN_DIR and no --gold/--pair: "
            "comparator eval RUN_DIR --corrections FILE"
        )
    tables, _ = load_saved(run_dir)
    fixes = read_corrections(corrections_file)
    for w in unknown_corrections(fixes, [r.concern_id for r in tables.concerns]):
        click.echo(f"Warning: {visible_controls(w)}", err=True)
    render_agreement(_console(), agreement(tables, fixes))


@cli.command("config")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path),
    help="Print these settings (a TOML file of overrides) instead of the defaults.",
)
@friendly
def config_cmd(config_file: Path | None) -> None:
    """Print every setting as TOML, with its meaning and range: `comparator config >
    settings.toml`, edit, then `comparator run --config settings.toml`."""
    from .config import to_toml

    click.echo(to_toml(_config(config_file, None)), nl=False)


@cli.command()
@click.option(
    "--only",
    default=",".join(("throughput", "retrieval", "cold-warm", "matching", "lexical", "concepts")),
    show_default=True,
    help="Comma-separated sections to run.",
)
@click.option(
    "--scale",
    type=click.Choice(["tiny", "quick", "full"]),
    default="quick",
    show_default=True,
    help="Sizes for the synthetic matching and BM25 runs.",
)
@click.option("--model", help="Model for the embedding sections (default: the configured one).")
@click.option("--device", help="Torch device for the embedding sections, e.g. cuda.")
@click.option(
    "--sizes",
    default="10,100,1000",
    show_default=True,
    help="Document counts for the scale section (generated archives), e.g. 10,100,1000,10000.",
)
@click.argument(
    "corpus", required=False, default=str(DEFAULT_CORPUS), type=click.Path(path_type=Path)
)
@friendly
def bench(
    only: str, scale: str, model: str | None, device: str | None, sizes: str, corpus: Path
) -> None:
    """Speed figures, each with a baseline measured in the same run (never a test)."""
    from rich.table import Table

    from . import bench as benchmarks

    sections = tuple(s.strip() for s in only.split(",") if s.strip())
    unknown = sorted(set(sections) - set(benchmarks.SECTIONS))
    if unknown:
        raise ComparatorError(
            f"unknown section {unknown[0]!r}; choose from {', '.join(benchmarks.SECTIONS)}"
        )
    if "scale" in sections:
        _bench_scale(sizes, _config(None, model).model, device)
        sections = tuple(s for s in sections if s != "scale")
        if not sections:
            return
    table = Table(title=f"comparator bench (scale {scale})", title_justify="left", expand=True)
    for col in ("section", "measure", "value", "baseline (same run)", "ratio"):
        table.add_column(col, overflow="fold")
    console = _console()
    for fig in benchmarks.run(sections, scale, corpus, _config(None, model), device):
        table.add_row(fig.section, fig.name, fig.value, fig.baseline, fig.ratio)
        console.print(
            f"{fig.section}: {fig.name}: {fig.value} | {fig.baseline} | {fig.ratio}",
            style="dim",
            highlight=False,
            soft_wrap=True,
        )
    console.print(table)


def _bench_scale(sizes: str, model: str, device: str | None) -> None:
    from . import bench_scale

    counts = bench_scale.parse_sizes(sizes)
    click.echo(
        f"scale: {', '.join(f'{n:,}' for n in counts)} generated documents, each size in a "
        "child process; stages run with the fake embedder at 384 dims, the real model is "
        "measured once on a sample and extrapolated",
        err=True,
    )
    runs, real = bench_scale.scale(counts, model, device)
    for line in bench_scale.format_table(runs, real):
        click.echo(line)


def main() -> None:
    """The console entry point: the command, with one `Error:` line (never a traceback)
    when its output cannot be written — standard output closed, a full disk, or an encoding
    without a character of the report (which is then replaced, not fatal)."""
    if sys.stdout is None:  # `comparator … >&-`: nothing it prints could be seen
        click.echo("Error: standard output is closed; send it to a file or to /dev/null", err=True)
        sys.exit(1)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):  # not a text stream: as it is
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]
    try:
        try:
            cli()
        finally:
            sys.stdout.flush()
    except OSError as e:
        _output_failed(e)


def _output_failed(e: OSError) -> None:
    """What is left when a write fails outside the library (which names its own files):
    standard output. A closed pipe (`| head`) is no error worth a line."""
    with contextlib.suppress(OSError):  # what is still buffered goes nowhere at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if e.errno != errno.EPIPE:
        where = visible_controls(str(e.filename)) if e.filename else "standard output"
        reason = (e.strerror or str(e)).lower()
        click.echo(f"Error: {where}: cannot write ({reason}); free space or redirect it", err=True)
    sys.exit(1)


if __name__ == "__main__":
    main()
