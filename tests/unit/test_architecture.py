"""The house's layers, checked on the source.

The front ends (plp.cli, plp.web and the demo) use the services; the services use
the engine, the workflow schema and the models; the engine imports no database
code; nothing imports upwards; and no plp module imports one that imports it back.

Every ``import`` counts, also one inside a function (it runs when the function
does), except under ``if TYPE_CHECKING:`` (it never runs). A failure names each
offending import with its file and line.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import plp

pytestmark = pytest.mark.no_database  # reads plp's source, opens no database

ROOT = Path(plp.__file__).resolve().parent

#: Imports that still close a cycle, each with the reason it may stay. Keep it empty.
KNOWN_CYCLE_IMPORTS: dict[tuple[str, str], str] = {}

#: Upward imports that may stay for now, with the reason.
KNOWN_UPWARD_IMPORTS: dict[tuple[str, str], str] = {}

FRONT_ENDS = ("plp.cli", "plp.web", "plp.demo")
# `plp demo` and `plp serve` start the others; the console script (plp/_start.py) starts the CLI.
LAUNCHES = {("plp.cli", "plp.demo"), ("plp.cli", "plp.web"), ("plp._start", "plp.cli")}
DATABASE = ("sqlalchemy", "sqlmodel", "alembic", "psycopg", "plp.db", "plp.models", "plp.sqlfuncs")


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str  # a plp module (the longest that exists), else the top-level name of a library
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.importer} imports {self.imported} ({self.path.relative_to(ROOT.parent)}:{self.line})"


def module_names(root: Path = ROOT, package: str = "plp") -> dict[str, tuple[Path, bool]]:
    """Every module of the package: name -> (file, is a package)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _runtime_nodes(tree: ast.AST):
    """Every node, except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def imports_of(name: str, path: Path, is_package: bool, modules: dict) -> list[Import]:
    own = name.split(".")[0]

    def resolve(dotted: str) -> str:
        if dotted.split(".")[0] != own:
            return dotted.split(".")[0]
        while dotted not in modules and "." in dotted:
            dotted = dotted.rpartition(".")[0]
        return dotted

    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [Import(name, resolve(a.name), path, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            for a in node.names:  # `from plp.services import anchoring` imports the submodule
                sub = f"{base}.{a.name}"
                found.append(Import(name, resolve(sub if sub in modules else base), path, node.lineno))
    return list(dict.fromkeys(i for i in found if i.imported != name))  # one per module and line


def import_graph(root: Path = ROOT, package: str = "plp") -> dict[str, list[Import]]:
    modules = module_names(root, package)
    return {name: imports_of(name, path, is_package, modules) for name, (path, is_package) in modules.items()}


def cycles(graph: dict[str, list[Import]], allowed: set[tuple[str, str]]) -> list[list[Import]]:
    """The import cycles among the graph's own modules, each as the imports that close it (Tarjan)."""
    edges = {m: [i for i in imps if i.imported in graph and (m, i.imported) not in allowed]
             for m, imps in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[Import]] = []

    def visit(m: str) -> None:
        index[m] = low[m] = len(index)
        stack.append(m)
        for i in edges[m]:
            if i.imported not in index:
                visit(i.imported)
                low[m] = min(low[m], low[i.imported])
            elif i.imported in stack:
                low[m] = min(low[m], index[i.imported])
        if low[m] == index[m]:
            members = set()
            while m not in members:
                members.add(stack.pop())
            if len(members) > 1:
                found.append([i for n in sorted(members) for i in edges[n] if i.imported in members])

    for m in edges:
        if m not in index:
            visit(m)
    return found


def violations(graph: dict[str, list[Import]], importers: tuple[str, ...], forbidden: tuple[str, ...],
               allowed: dict[tuple[str, str], str] | None = None) -> list[Import]:
    """Imports by a module under ``importers`` of a module under ``forbidden`` (outside its own package)."""
    def under(name: str, prefixes: tuple[str, ...]) -> bool:
        return any(name == p or name.startswith(p + ".") for p in prefixes)

    allowed = allowed or {}
    return [i for m, imps in graph.items() if under(m, importers) for i in imps
            if under(i.imported, forbidden) and not under(m, tuple(p for p in forbidden if under(i.imported, (p,))))
            and (i.importer, i.imported) not in allowed]


def require_none(found: list[Import], rule: str) -> None:
    """Fail with one line per offending import (file and line), not with a repr of the list."""
    if found:
        pytest.fail(f"{rule}:\n  " + "\n  ".join(str(i) for i in found), pytrace=False)


GRAPH = import_graph()


# ----------------------------------------------------------------------- the checker itself


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_the_cycle_check_finds_an_import_inside_a_function_and_names_its_line(tmp_path):
    root = _write(tmp_path, {"__init__.py": "", "a.py": "import pkg.b\n",
                             "b.py": "def f():\n    from pkg import a\n"})
    found = cycles(import_graph(root, "pkg"), set())
    assert [[(i.importer, i.imported, i.line) for i in c] for c in found] == [[("pkg.a", "pkg.b", 1),
                                                                           ("pkg.b", "pkg.a", 2)]]


def test_the_cycle_check_ignores_imports_for_type_checking_only(tmp_path):
    root = _write(tmp_path, {"__init__.py": "", "a.py": "from pkg.b import B\n",
                             "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import A\n"})
    assert cycles(import_graph(root, "pkg"), set()) == []


def test_a_relative_import_counts_as_the_module_it_names(tmp_path):
    root = _write(tmp_path, {"__init__.py": "", "sub/__init__.py": "", "sub/x.py": "from ..y import thing\n",
                             "y.py": "thing = 1\n"})
    assert [i.imported for i in import_graph(root, "pkg")["pkg.sub.x"]] == ["pkg.y"]


# ----------------------------------------------------------------------- the rules


def test_no_plp_module_imports_one_that_imports_it_back():
    for cycle in cycles(GRAPH, set(KNOWN_CYCLE_IMPORTS)):
        require_none(cycle, "an import cycle among plp modules")


def test_the_known_exceptions_are_still_real_imports():
    """An exception whose import is gone must leave the list, so the list only shrinks."""
    edges = {(i.importer, i.imported) for imps in GRAPH.values() for i in imps}
    stale = [pair for pair in {**KNOWN_CYCLE_IMPORTS, **KNOWN_UPWARD_IMPORTS} if pair not in edges]
    assert not stale, f"remove these from the known exceptions, the imports are gone: {stale}"


def test_the_services_never_import_a_front_end_the_reports_or_the_scheduler():
    found = violations(GRAPH, ("plp.services",), FRONT_ENDS + ("plp.reports", "plp.scheduler"), KNOWN_UPWARD_IMPORTS)
    require_none(found, "the services import a layer above them")


def test_the_engine_and_the_workflow_schema_import_no_database_code_and_no_use_case():
    above = ("plp.services", "plp.reports", "plp.scheduler", "typer", "fastapi", "apscheduler") + FRONT_ENDS
    found = violations(GRAPH, ("plp.engine", "plp.workflow"), DATABASE + above)
    require_none(found, "the engine or the workflow schema imports the database or a layer above")


def test_the_models_and_the_database_layer_never_import_a_use_case_or_a_front_end():
    found = violations(GRAPH, ("plp.models", "plp.db", "plp.migrations", "plp.sqlfuncs"),
                       ("plp.services", "plp.reports", "plp.scheduler") + FRONT_ENDS, KNOWN_UPWARD_IMPORTS)
    require_none(found, "the models or the database layer import upwards")


def test_nothing_but_a_front_end_imports_a_front_end():
    def top(name: str) -> str:
        return ".".join(name.split(".")[:2])

    found = [i for i in violations(GRAPH, tuple(GRAPH), FRONT_ENDS)
             if (top(i.importer), top(i.imported)) not in LAUNCHES]
    require_none(found, "a module imports a front end that is not its own")


def test_the_demo_tells_its_story_without_the_cli_or_the_web():
    found = violations(GRAPH, ("plp.demo",), ("plp.cli", "plp.web", "typer", "fastapi"))
    require_none(found, "the demo depends on a front end")


def test_the_neutral_modules_stand_on_nothing_but_errors_and_settings():
    allowed_below = {"plp.errors", "plp.settings", "plp.texts"}
    found = [i for m in ("plp.settings", "plp.texts", "plp.texts.events", "plp.errors", "plp.terminal")
             for i in GRAPH[m] if i.imported.startswith("plp") and i.imported not in allowed_below]
    require_none(found, "a neutral module imports a layer of plp")
