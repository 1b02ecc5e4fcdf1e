"""The layout ARCHITECTURE.md describes holds: one reply module, no import circles, short files."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from po_meetings.paths import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "po_meetings"

#: Files allowed past the ~600-line mark, and why.
LONG_FILES: dict[str, str] = {
    "po_meetings/backup.py": "one command pair over two databases; its SQLite and PostgreSQL halves share the checks",
}
MAX_LINES = 600


def _modules() -> dict[str, Path]:
    """Return every module of the package by dotted name."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Return the package's modules that a module imports at its top level."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text()).body:  # top level only: the module graph
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
            target = ".".join([*base, node.module] if node.module else base) if node.level else node.module
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                if candidate in modules:
                    found.add(candidate)
                elif target in modules:
                    found.add(target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Return the strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in graph:
        if node not in index:
            visit(node)
    return groups


def _is_blueprint_pair(group: set[str]) -> bool:
    """Return whether a circle is only a blueprint package and the route modules it registers."""
    packages = [m for m in group if (PACKAGE.parent / m.replace(".", "/") / "__init__.py").exists()]
    if len(packages) != 1:
        return False
    package = packages[0]
    return all(m == package or (m.startswith(package + ".") and m.endswith("routes")) for m in group)


def test_no_import_circle_between_modules():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    circles = [sorted(group) for group in _cycles(graph) if not _is_blueprint_pair(group)]
    assert circles == [], f"import circles: {circles}"


def _entry_modules() -> list[str]:
    """Return the modules other code imports first: each area's package, services, queries and
    views, and the top-level modules that reach into the areas."""
    kinds = ("services", "queries", "views", "standing", "hooks", "lookups")
    names = [
        name
        for name, path in _modules().items()
        if name.count(".") == 1 and path.name == "__init__.py" or name.rpartition(".")[2] in kinds
    ]
    return sorted({*names, "po_meetings.cli", "po_meetings.demo", "po_meetings.permissions"})


def test_every_module_imports_on_its_own():
    """Importing a module first (as a test or a CLI command may) finds no half-made module: areas
    import each other's modules, not names from them, so a circle through the blueprints' routes
    cannot break an import."""
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        f"for name in {_entry_modules()!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'po_meetings' or m.startswith('po_meetings.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as error:\n"
        "        failed.append(f'{name}: {error}')\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def _grep(pattern: str, paths) -> list[str]:
    """Return the lines (file:line: text) of the given files that contain a string."""
    hits = []
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern in line:
                hits.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    return hits


def _package_files(exclude=()) -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if p.name not in exclude]


def test_only_htmx_py_reads_or_writes_htmx_headers():
    hits = [h for h in _grep('"HX-', _package_files()) if not h.startswith("po_meetings/htmx.py")]
    hits += [h for h in _grep(".vary", _package_files()) if not h.startswith("po_meetings/htmx.py")]
    assert hits == []


def test_no_route_catches_a_refusal_itself():
    routes = [p for p in _package_files() if p.name == "routes.py" or p.name.endswith("_routes.py")]
    assert _grep("except DomainError", routes) == []
    assert _grep("commit_or_error", routes) == [] and _grep("commit_or_refusal", routes) == []


def test_no_mid_file_import_but_the_blueprints_routes():
    hits = _grep("noqa: E402", _package_files())
    assert all(h.split(":")[0].endswith("__init__.py") and "routes" in h for h in hits), hits


def test_markup_is_made_only_by_markup_py():
    hits = [h for h in _grep("Markup(", _package_files()) if not h.startswith("po_meetings/markup.py")]
    assert hits == []


def test_no_module_is_over_the_line_limit():
    long_files = {
        str(p.relative_to(PROJECT_ROOT)): n
        for p in _package_files()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert set(long_files) <= set(LONG_FILES), f"split these (or say why in LONG_FILES): {long_files}"
