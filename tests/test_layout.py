"""The package's shape: modules import each other without cycles, and the run's spine stays
a list of stages."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "comparator"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imported(module: str, node: ast.ImportFrom) -> set[str]:
    """The package's modules an import names (`from . import atomic` names comparator.atomic,
    not the package)."""
    package = module if MODULES[module].name == "__init__.py" else module.rsplit(".", 1)[0]
    base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
    source = ".".join([*base, *([node.module] if node.module else [])])
    named = {f"{source}.{a.name}" for a in node.names} & MODULES.keys()
    if source in MODULES and len(named) < len(node.names):
        named.add(source)
    return named


def import_graph() -> dict[str, set[str]]:
    """Every import, lazy ones inside functions too; not those only for type checkers, and
    not the package's own lazy `comparator.load_run` attribute (its __init__)."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {
            id(n)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for n in ast.walk(block)
        }
        graph[module] = {
            target
            for n in ast.walk(tree)
            if isinstance(n, ast.ImportFrom) and id(n) not in typing_only
            for target in imported(module, n)
            if target not in (module, "comparator")
        }
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str]:
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return []
        for nxt in sorted(graph[node]):
            if found := visit(nxt, [*path, node]):
                return found
        done.add(node)
        return []

    return next((c for start in sorted(graph) if (c := visit(start, []))), [])


def test_no_module_imports_itself_back_through_others() -> None:
    assert cycle_in(import_graph()) == []


def test_the_checker_finds_a_cycle() -> None:
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]


def test_the_pipeline_is_the_list_of_stages() -> None:
    lines = (PACKAGE / "pipeline.py").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 80
    stages = ("segment_corpus", "weigh_concepts", "embed_segmentation", "match_concerns")
    body = "\n".join(lines)
    assert all(f"{s}(" in body for s in (*stages, "judge_all"))


def third_party_imports(folder: Path) -> set[str]:
    names = set()
    for path in folder.rglob("*.py"):
        for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(n, ast.Import):
                names |= {a.name.split(".")[0] for a in n.names}
            elif isinstance(n, ast.ImportFrom) and n.level == 0 and n.module:
                names.add(n.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "comparator"}


def declared(requirements: list[str]) -> set[str]:
    return {
        re.split(r"[=<>!\[ ;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements
    }


def test_every_import_of_the_package_is_a_declared_dependency() -> None:
    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = declared(project["project"]["dependencies"])
    providers = importlib.metadata.packages_distributions()
    undeclared = {
        name: providers.get(name, ["?"])
        for name in third_party_imports(PACKAGE)
        if not {d.lower().replace("_", "-") for d in providers.get(name, [])} & wanted
    }
    assert undeclared == {}
