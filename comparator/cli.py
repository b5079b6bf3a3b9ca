"""Command line: parse options, call the library, turn its errors into one-line messages."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import ComparatorError

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
            click.echo(f"Error: {e}", err=True)
            sys.exit(e.exit_code)
        except KeyboardInterrupt:
            click.echo(
                "Interrupted: no run folder was written; earlier runs and the embedding "
                "cache are intact.",
                err=True,
            )
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _console() -> Any:
    from rich.console import Console

    return Console()


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


corpus_arg = click.argument(
    "corpus", required=False, default=str(DEFAULT_CORPUS), type=click.Path(path_type=Path)
)
max_mb = click.option(
    "--max-file-mb",
    type=click.IntRange(1, 10_000),
    default=50,
    show_default=True,
    help="Refuse input files larger than this.",
)


@cli.command()
@corpus_arg
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    help="Also write every concern and passage to this CSV file.",
)
@max_mb
@friendly
def segment(corpus: Path, csv_path: Path | None, max_file_mb: int) -> None:
    """Show how CORPUS (default: seeds/) is cut into concerns and reply passages."""
    from . import atomic, export
    from .corpus import load_corpus
    from .report import render_segmentation
    from .segment import segment_corpus

    loaded = load_corpus(corpus, max_file_mb * 1_048_576, DEFAULT_CACHE / "extracted")
    seg = segment_corpus(loaded)
    render_segmentation(_console(), loaded, seg)
    if csv_path:
        roles = {d.name: d.role for d in loaded.documents}
        try:
            atomic.write_text(
                csv_path, export.to_csv(export.segment_rows(seg, roles), export.SEGMENT_COLUMNS)
            )
        except OSError as e:
            raise ComparatorError(
                f"{csv_path}: cannot write ({e.strerror}); choose another path"
            ) from None
        click.echo(f"Wrote {csv_path}", err=True)


@cli.command()
@corpus_arg
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
@click.option(
    "--cache",
    type=click.Path(path_type=Path),
    default=str(DEFAULT_CACHE),
    show_default=True,
    help="Embedding cache folder.",
)
@click.option("--device", help="Torch device for embedding, e.g. cpu, cuda, cuda:1, mps.")
@click.option("--force", is_flag=True, help="Recompute and replace an identical earlier run.")
@click.option(
    "--verify",
    "verify_dir",
    type=click.Path(path_type=Path),
    help="Re-run a saved run from its manifest and report any difference.",
)
@click.option("--detail", help="Show one concern in full (e.g. 000-Q04 or 002-D03.a).")
@max_mb
@friendly
def run(
    corpus: Path,
    out: Path,
    model: str | None,
    config_file: Path | None,
    cache: Path,
    device: str | None,
    force: bool,
    verify_dir: Path | None,
    detail: str | None,
    max_file_mb: int,
) -> None:
    """Analyse CORPUS (default: seeds/), write a run folder and print the report."""
    from . import runs
    from .corpus import load_corpus

    if verify_dir:
        differences = runs.verify(
            verify_dir, lambda cfg: runs.make_embedder(cfg, device, _progress()), cache
        )
        if differences:
            for d in differences:
                click.echo(f"DIFFERENT: {d}")
            sys.exit(1)
        click.echo(f"{verify_dir}: re-run gives byte-identical tables and report.")
        return
    config = _config(config_file, model)
    loaded = load_corpus(corpus, max_file_mb * 1_048_576, cache / "extracted")
    embedder = runs.make_embedder(config, device, _progress())
    outcome = runs.execute(loaded, config, embedder, out, cache, force=force)
    _show(outcome.path, detail)
    sys.stdout.flush()
    if outcome.reused:
        click.echo(
            f"An identical run (same inputs, model and settings) already exists: "
            f"{outcome.path}. Shown from disk; use --force to recompute.",
            err=True,
        )
    else:
        click.echo(f"Run folder: {outcome.path}", err=True)
    warnings = outcome.analysis.warnings if outcome.analysis else ()
    for w in warnings:
        click.echo(f"Warning: {w}", err=True)


def _show(run_dir: Path, detail: str | None) -> None:
    from .report import render_detail, render_report
    from .runs import load_saved

    tables, saved = load_saved(run_dir)
    console = _console()
    if detail:
        render_detail(console, tables, detail, saved.get("config"))
    else:
        render_report(console, tables, saved)


@cli.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--detail", help="Show one concern in full (e.g. 000-Q04).")
@friendly
def show(run_dir: Path, detail: str | None) -> None:
    """Re-render a saved RUN_DIR without recomputing anything."""
    _show(run_dir, detail)


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
    help="File (json) or folder (csv) to write.",
)
@friendly
def export_cmd(run_dir: Path, fmt: str, dest: Path) -> None:
    """Write a saved run's tables elsewhere as CSV files or one JSON file."""
    from . import atomic, export
    from .runs import load_saved

    tables, _ = load_saved(run_dir)
    try:
        if fmt == "json":
            atomic.write_text(dest, export.to_json(tables))
        else:
            for name, rows, cols in (
                ("concerns.csv", tables.concerns, export.CONCERN_COLUMNS),
                ("matches.csv", tables.matches, export.MATCH_COLUMNS),
                ("passages.csv", tables.passages, export.PASSAGE_COLUMNS),
            ):
                atomic.write_text(dest / name, export.to_csv(rows, cols))
    except OSError as e:
        raise ComparatorError(f"{dest}: cannot write ({e.strerror}); choose another --to") from None
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
@friendly
def eval_cmd(
    run_dir: Path | None,
    gold: Path | None,
    negatives: Path | None,
    pairs: tuple[tuple[Path, Path], ...],
    pair_negatives: tuple[tuple[Path, Path], ...],
) -> None:
    """Score runs against hand-coded references.

    \b
    comparator eval RUN_DIR --gold GOLD [--negatives NEG]
        one run in detail: metrics, confusion, per-verdict scores, every miss
        (without RUN_DIR, a run of seeds/ is made first)
    comparator eval --pair RUN1 GOLD1 --pair RUN2 GOLD2 [--pair-negatives GOLD1 NEG1]
        one row per corpus (named by the reference's folder, or its file name
        when folders repeat) and a pooled row over all gold rows together,
        then each corpus's misses; a single --pair prints the detailed form

    A reference with a `position` column (accepted, partially-accepted, noted,
    rejected, none) is also scored on position agreement; runs without a
    position column count every prediction as none.
    """
    from . import evaluate, runs
    from .corpus import load_corpus
    from .report import render_eval

    plan = evaluate.plan_pairs(run_dir, gold, negatives, pairs, pair_negatives)
    golds = [evaluate.read_gold(p.gold) for p in plan]
    negs = [
        evaluate.read_gold(p.negatives, evaluate.NEGATIVE_COLUMNS) if p.negatives else None
        for p in plan
    ]
    names = evaluate.corpus_names([p.gold for p in plan])
    run_dirs = [p.run_dir for p in plan]
    if run_dirs == [None]:
        config = _config(None, None)
        outcome = runs.execute(
            load_corpus(DEFAULT_CORPUS),
            config,
            runs.make_embedder(config, None, _progress()),
            DEFAULT_REPORTS,
            DEFAULT_CACHE,
        )
        run_dirs = [outcome.path]
        click.echo(f"Evaluating {outcome.path}", err=True)
    tables = [runs.load_saved(d)[0] for d in run_dirs if d is not None]
    results = [
        evaluate.evaluate(t, g, n, name)
        for t, g, n, name in zip(tables, golds, negs, names, strict=True)
    ]
    render_eval(_console(), results)


@cli.command("config")
def config_cmd() -> None:
    """List every setting with its default and meaning (write overrides to a TOML file)."""
    from .config import Config

    defaults = Config().as_dict()
    for name, meaning in Config.meanings().items():
        click.echo(f"{name} = {defaults[name]!r}\n    {meaning}")


@cli.command()
@click.option(
    "--only",
    default=",".join(("throughput", "retrieval", "cold-warm", "matching", "lexical")),
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
    cli()


if __name__ == "__main__":
    main()
