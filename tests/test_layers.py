"""The package's layers import only downward (ARCHITECTURE.md, docs/architecture.md).

Every import of a ``conflictsim`` module is read from the source (those inside functions
included, ``if TYPE_CHECKING:`` blocks left out) and checked against the layer table:
no module imports a higher layer, no import goes round in a cycle, no module takes a
private name from another, and imports inside functions (for start-up time) are only in
``conflictsim/__init__.py`` and ``conflictsim/cli/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "conflictsim"

#: Layer of each top-level module or package of conflictsim; lower layers come first.
LAYERS = {
    1: ("ties", "csvtable", "orgchart", "organisation", "graph", "incidents", "params",
        "evidence", "words",
        "training", "scenario", "seeds", "traits", "outcomes", "version"),
    2: ("agents", "model", "engine"),
    3: ("runs", "uncertainty", "comparison"),
    4: ("calibration", "virtual_trials"),
    5: ("experiment", "batch", "sensitivity", "plans"),
    6: ("planner",),
    7: ("figures", "report"),
    8: ("cli", "docgen"),
}  # fmt: skip
LAYER_OF = {name: layer for layer, names in LAYERS.items() for name in names}
#: The package root: it re-exports the public names, lazily.
ROOT_LAYER = max(LAYERS) + 1
#: Where imports inside functions are allowed (start-up time of the command line).
LAZY_ALLOWED = ("conflictsim", "conflictsim.cli")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return ROOT_LAYER
    if parts[1] not in LAYER_OF:
        raise KeyError(parts[1])
    return LAYER_OF[parts[1]]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class Imports(ast.NodeVisitor):
    """The conflictsim imports of one module: (target, names, line, inside a function)."""

    def __init__(self, module: str, known: set[str], is_package: bool) -> None:
        self.module, self.known, self.is_package = module, known, is_package
        self.found: list[tuple[str, tuple[str, ...], int, bool]] = []
        self.aliases: dict[str, str] = {}  # local name -> conflictsim module
        self.taken: list[tuple[str, str, int]] = []  # (module, attribute, line)
        self.depth = 0

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def _function(self, node) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def _add(self, target: str, names: tuple[str, ...], line: int) -> None:
        self.found.append((target, names, line, self.depth > 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == "conflictsim":
                self._add(alias.name, (), node.lineno)
                if alias.asname:
                    self.aliases[alias.asname] = alias.name

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:  # relative: resolve against this module's package
            pkg = self.module.split(".")
            if not self.is_package:
                pkg = pkg[:-1]
            pkg = pkg[: len(pkg) - (node.level - 1)]
            base = ".".join(pkg + ([node.module] if node.module else []))
        if base.split(".")[0] != "conflictsim":
            return
        plain = []
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            if sub in self.known:  # a submodule: `from conflictsim import planner`
                self._add(sub, (), node.lineno)
                self.aliases[alias.asname or alias.name] = sub
            else:
                plain.append(alias.name)
        if plain:
            self._add(base, tuple(plain), node.lineno)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        # `module._private` through an imported module: a name taken, not an import.
        if isinstance(node.value, ast.Name) and node.value.id in self.aliases:
            self.taken.append((self.aliases[node.value.id], node.attr, node.lineno))
        self.generic_visit(node)


def parsed() -> dict[str, Imports]:
    known = modules()
    out = {}
    for name, path in known.items():
        v = Imports(name, set(known), path.name == "__init__.py")
        v.visit(ast.parse(path.read_text(), filename=str(path)))
        out[name] = v
    return out


def imports() -> dict[str, list[tuple[str, tuple[str, ...], int, bool]]]:
    return {name: v.found for name, v in parsed().items()}


def test_every_module_has_a_layer():
    missing = []
    for name in modules():
        try:
            layer(name)
        except KeyError:
            missing.append(name)
    assert not missing, f"add these modules to LAYERS (and docs/architecture.md): {missing}"


def test_no_upward_imports():
    bad = [
        f"{src} (layer {layer(src)}) line {line} imports {dst} (layer {layer(dst)})"
        for src, found in imports().items()
        for dst, _names, line, _lazy in found
        if layer(dst) > layer(src)
    ]
    assert not bad, "\n".join(bad)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_names_from_other_modules():
    bad = []
    for src, v in parsed().items():
        taken = [(dst, n, line) for dst, names, line, _lazy in v.found for n in names]
        bad += [
            f"{src} line {line} takes {name} from {dst}"
            for dst, name, line in taken + v.taken
            if dst != src and _private(name)
        ]
    assert not bad, "\n".join(bad)


def test_lazy_imports_only_where_start_up_time_needs_them():
    bad = [
        f"{src} line {line} imports {dst} inside a function"
        for src, found in imports().items()
        for dst, _names, line, lazy in found
        if lazy and not src.startswith(LAZY_ALLOWED[1]) and src != LAZY_ALLOWED[0]
    ]
    assert not bad, "\n".join(bad)


def test_no_import_cycles():
    graph = {src: {dst for dst, *_ in found if dst != src} for src, found in imports().items()}
    cycles = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "\n".join(cycles)


@pytest.mark.parametrize(
    "source, error",
    [
        ("from conflictsim.cli import main\n", "upward"),
        ("def f():\n    from conflictsim.params import Params\n", "lazy"),
        ("from conflictsim.params import _spec\n", "private"),
        ("import conflictsim.params as p\nx = p._hidden\n", "private"),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from conflictsim.cli import x\n",
         None),
    ],
)  # fmt: skip
def test_the_checks_see_what_they_should(source, error):
    """The parser finds each kind of violation (and ignores TYPE_CHECKING blocks)."""
    v = Imports("conflictsim.training", set(modules()), False)
    v.visit(ast.parse(source))
    kinds = {"private" for _dst, name, _line in v.taken if _private(name)}
    for dst, names, _line, lazy in v.found:
        if layer(dst) > layer("conflictsim.training"):
            kinds.add("upward")
        if lazy:
            kinds.add("lazy")
        if any(_private(n) for n in names):
            kinds.add("private")
    assert kinds == ({error} if error else set())
