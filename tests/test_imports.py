"""The package's shape: modules import one way (no cycles, counting imports inside
functions) and none is longer than a maintainer reads at once."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("campaign", "schemas")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module of ours that ``name`` imports, wherever the import statement stands."""
    is_package = path.name == "__init__.py"
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            candidates = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for candidate in candidates:
            # "from campaign.services import signing" imports the submodule, not the package.
            while candidate and candidate not in known:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
    return targets


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports(name, path, known) for name, path in found.items()}


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_models_import_only_sqlalchemy_and_their_base():
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith("campaign.models"):
            assert all(t.startswith("campaign.models") for t in targets), (name, targets)


WEB_LAYER = (
    "campaign.api",
    "campaign.site",
    "campaign.ratelimit",
    "campaign.errors",
    "campaign.extensions",
    "campaign.hardening",
    "campaign.observability",
)


def test_services_import_nothing_from_the_web_layer():
    graph = import_graph()
    for name, targets in graph.items():
        if name.startswith("campaign.services"):
            web = sorted(t for t in targets if t == "campaign" or t.startswith(WEB_LAYER))
            assert web == [], (name, web)


def test_services_read_no_request():
    """Services take what they need from the view; of Flask they use only the app's config."""
    for name, path in modules().items():
        if not name.startswith("campaign.services"):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flask"):
                names = {alias.name for alias in node.names}
                assert (node.module, names) == ("flask", {"current_app"}), (
                    name,
                    node.module,
                    names,
                )
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("flask") for a in node.names), name


MAX_MODULE_LINES = 300


def test_no_module_is_longer_than_a_maintainer_reads_at_once():
    # Migrations are left out as above: they are frozen history, generated, never edited.
    long = {
        name: lines
        for name, path in modules().items()
        if (lines := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"over {MAX_MODULE_LINES} lines: {long}"


def test_every_schema_module_imports_first_in_a_fresh_interpreter():
    """The schemas import from campaign, whose package imports the app's modules: a module
    of ours that one of those imports back from schemas would only fail when a schema is the
    first thing imported (a script, a test, a tool), which the graph above cannot see."""
    names = sorted(name for name in modules() if name.startswith("schemas"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = {
        name: subprocess.Popen(
            [sys.executable, "-c", f"import {name}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    }
    failed = {}
    for name, process in started.items():
        _, errors = process.communicate(timeout=120)
        if process.returncode != 0:
            failed[name] = errors[-800:]
    assert failed == {}
