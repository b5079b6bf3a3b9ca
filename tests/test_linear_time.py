"""Every pass over a document takes time in proportion to its size (issue 24, kind 7).

Each pathological shape is generated at a size and at twice that size; twice the input may
take at most 2.5 times as long (a ratio of two timings in one run, each the best of five
taken in turn, never an absolute time). Segmentation shapes go through `comparator
segment`; page shapes through the reader of their format. The shapes whose cost sits in
request segmentation (a paragraph of repeated lead-ins, thousands of lettered limbs,
sentence splitting of one very long line) are the segmenter's, tested with its rewrite
(issue 21).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from comparator.cli import cli
from comparator.ingest import read_text

MAX_RATIO = 2.5
REPLY = "Thank you for your letter. The Government has released them.\n"


def _best_times(small: Callable[[], object], large: Callable[[], object]) -> tuple[float, float]:
    """The best of five timings of each, taken in turn (so a burst of load on a shared
    machine falls on both)."""
    best = [float("inf"), float("inf")]
    for _ in range(5):
        for n, work in enumerate((small, large)):
            began = time.perf_counter()
            work()
            best[n] = min(best[n], time.perf_counter() - began)
    return best[0], best[1]


def _segmenting(tmp_path: Path, name: str, text: str) -> Callable[[], object]:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "letter.txt").write_text(text, encoding="utf-8")
    (folder / "reply.txt").write_text(REPLY, encoding="utf-8")

    def work() -> None:
        result = CliRunner().invoke(cli, ["segment", str(folder), "--csv", "-"])
        assert result.exit_code == 0, result.output

    return work


def _reading(tmp_path: Path, name: str, text: str) -> Callable[[], object]:
    path = tmp_path / f"{name}.html"
    path.write_text(text, encoding="utf-8")
    return lambda: read_text(path)


# name → (size, how it is read, the document at a size)
SHAPES: dict[str, tuple[int, Callable[..., Callable[[], object]], Callable[[int], str]]] = {
    # a dot leader with no page number: the table-of-contents pattern rescanned every dot
    "dot-leaders": (
        20_000,
        _segmenting,
        lambda n: "We urge the Government to:\n\n1. Release them.\n\n" + "." * n + "\n",
    ),
    # unpunctuated lines each continuing the last: joined once, not at every break
    "short-unpunctuated-lines": (
        50_000,
        _segmenting,
        lambda n: "Observations\n\n" + "word word\n\n" * (n // 11),
    ),
    # one paragraph of a very long page
    "html-one-paragraph": (
        1_000_000,
        _reading,
        lambda n: (
            "<html><body><p>" + "The detention continued. " * (n // 25) + "</p></body></html>"
        ),
    ),
    # list items HTML leaves open (`<li>a<li>b`): each one is not a search of its siblings
    "html-open-list-items": (
        200_000,
        _reading,
        lambda n: (
            "<html><body><ol>" + "<li>an item of the list" * (n // 23) + "</ol></body></html>"
        ),
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_twice_the_input_takes_at_most_about_twice_as_long(tmp_path: Path, shape: str) -> None:
    size, reading, make = SHAPES[shape]
    small, large = _best_times(
        reading(tmp_path, "small", make(size)), reading(tmp_path, "large", make(2 * size))
    )
    assert large <= MAX_RATIO * small, (
        f"{shape}: {small:.3f} s, then {large:.3f} s at twice the size"
    )
