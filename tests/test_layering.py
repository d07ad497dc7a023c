"""The layering the design relies on, checked by reading the source (ast, nothing imported):

- analytics/, charts/, loaders/ and store/ never import streamlit, ui or pages (they run in the CLI,
  the benchmarks and the tests without Streamlit);
- charts/ never imports store/ or loaders/ (a figure is built from data handed to it);
- pages/ never import duckdb nor hold SQL (every statement lives in store/);
- pages/ never call the store's writing functions: every write goes through ui.records, which checks
  the role when it runs. The writing functions are found in store/ and loaders/ themselves: the
  Store methods that call self.write, and every function that reaches Store.write, apply_upload
  or undo_upload, directly or through another such function;
- pages/ stay thin: at most MAX_PAGE_LINES lines and MAX_PAGE_BRANCHES if/for/while/try/with/match
  statements outside functions.

test_a_planted_violation_of_each_rule_is_caught runs the same check on a small tree holding one
violation of each rule, so this test can fail.
"""

from __future__ import annotations

import ast
import functools
import pathlib
import re
import textwrap
from dataclasses import dataclass

from conftest import PROJECT_ROOT

FORBIDDEN_IMPORTS = {
    "analytics": ("streamlit", "ui", "pages"),
    "charts": ("streamlit", "ui", "pages", "store", "loaders"),
    "loaders": ("streamlit", "ui", "pages"),
    "store": ("streamlit", "ui", "pages"),
    "pages": ("duckdb",),
}
# A string literal starting like a SQL statement (keywords in capitals, as store/ writes them).
SQL = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|WITH|MERGE|COPY|ATTACH|DETACH|PRAGMA|TRUNCATE)"
    r"\s"
)
WRITE_METHODS = ("apply_upload", "undo_upload")  # Store's writing methods besides write itself
MAX_PAGE_LINES = 200
MAX_PAGE_BRANCHES = 15
BRANCHES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.TryStar, ast.With, ast.AsyncWith, ast.Match)

# Known exceptions, each as (file, rule) with a comment naming the issue that removes it; none today.
ALLOWED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Module:
    path: pathlib.Path
    name: str  # dotted: store.scenarios, analytics.funnel (a package's __init__)
    tree: ast.Module

    @property
    def layer(self) -> str:
        return self.name.split(".")[0]


def modules(root: pathlib.Path, layers) -> list[Module]:
    found = []
    for layer in layers:
        for path in sorted((root / layer).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append(Module(path, name, ast.parse(path.read_text(encoding="utf-8"), str(path))))
    return found


def absolute(module: Module, node: ast.ImportFrom) -> str:
    """The module an `from … import` names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = module.name.split(".")
    if module.path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: Module) -> list[tuple[int, str]]:
    """(line, module) of every import, `from a import b` counting as a and a.b, anywhere in the file
    (imports inside functions too), and importlib.import_module / __import__ of a literal name."""
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = absolute(module, node)
            found += [(node.lineno, base)] + [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and _called_name(node) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def bindings(module: Module) -> dict[str, str]:
    """Local name → the qualified name it was imported as (`from store import scenarios as saved`:
    saved → store.scenarios; `from loaders.ingest import check_and_store`: its own name)."""
    bound = {}
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:  # `import a.b` binds a; `import a.b as c` binds c to a.b
                top = alias.name.split(".")[0]
                bound[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom):
            base = absolute(module, node)
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    return bound


def call_targets(node: ast.AST, module: Module, bound: dict[str, str]) -> list[tuple[int, str]]:
    """(line, what) of each call under `node`: a qualified function name where the callee is a name
    or an attribute of an imported module; "method:<name>" for a method of an object; "store-write"
    for `store().write(…)` / `store.write(…)` / `target.write(…)`."""
    found = []
    for call in ast.walk(node):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        if isinstance(func, ast.Name):
            found.append((call.lineno, bound.get(func.id, f"{module.name}.{func.id}")))
        elif isinstance(func, ast.Attribute):
            receiver = func.value
            if isinstance(receiver, ast.Name) and receiver.id in bound:
                found.append((call.lineno, f"{bound[receiver.id]}.{func.attr}"))
                continue
            store_like = (isinstance(receiver, ast.Name) and receiver.id in ("store", "target")) or (
                isinstance(receiver, ast.Call) and _called_name(receiver) in ("store", "_store")
            )
            if func.attr == "write" and store_like:
                found.append((call.lineno, "store-write"))
            elif not (isinstance(receiver, ast.Name) and receiver.id == "self") and not (
                isinstance(receiver, ast.Call) and _called_name(receiver) == "super"
            ):
                found.append((call.lineno, f"method:{func.attr}"))
    return found


def writing_functions(root: pathlib.Path) -> set[str]:
    """The qualified names of the functions of store/ and loaders/ that write to the database: the
    Store methods that call self.write (and write itself), then, until nothing changes, every
    module-level function that calls Store.write, one of those methods or one of these functions."""
    scanned = modules(root, ("store", "loaders"))
    writers = {f"store.database.Store.{name}" for name in ("write", *WRITE_METHODS)}
    direct = {"store-write", *(f"method:{name}" for name in WRITE_METHODS)}
    calls = {}
    for module in scanned:
        bound = bindings(module)
        for node in module.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                calls[f"{module.name}.{node.name}"] = {what for _, what in call_targets(node, module, bound)}
    changed = True
    while changed:
        found = {name for name, called in calls.items() if name not in writers and called & (direct | writers)}
        writers |= found
        changed = bool(found)
    return writers


def page_branches(tree: ast.Module) -> int:
    """if/elif/for/while/try/with/match statements of a page outside its functions and classes."""
    count, todo = 0, list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        count += isinstance(node, BRANCHES)
        todo += [
            child
            for child in ast.iter_child_nodes(node)
            if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case))
        ]
    return count


def violations(root: pathlib.Path) -> list[tuple[str, str, str]]:
    """(file, rule, detail) of every breach of the layering under `root`, allowed ones included."""
    found = []
    for module in modules(root, FORBIDDEN_IMPORTS):
        where = module.path.relative_to(root).as_posix()
        for line, name in imports(module):
            if name.split(".")[0] in FORBIDDEN_IMPORTS[module.layer]:
                found.append((where, f"imports {name.split('.')[0]}", f"line {line}: {name}"))
    writers = writing_functions(root)
    for module in modules(root, ("pages",)):
        where = module.path.relative_to(root).as_posix()
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value):
                found.append((where, "holds SQL", f"line {node.lineno}: {node.value[:40]!r}"))
        for line, what in call_targets(module.tree, module, bindings(module)):
            if what in writers or what == "store-write" or what in (f"method:{m}" for m in WRITE_METHODS):
                found.append((where, f"calls {what.removeprefix('method:')}", f"line {line}"))
        lines = len(module.path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_PAGE_LINES:
            found.append((where, "too long", f"{lines} lines (at most {MAX_PAGE_LINES})"))
        if (branches := page_branches(module.tree)) > MAX_PAGE_BRANCHES:
            found.append(
                (where, "too branched", f"{branches} branches outside functions (at most {MAX_PAGE_BRANCHES})")
            )
    return found


# ---------------------------------------------------------------------------------------------- tests


@functools.cache
def project_violations() -> list[tuple[str, str, str]]:
    return violations(PROJECT_ROOT)


def test_the_source_keeps_its_layers():
    found = project_violations()
    unexpected = [f"{where}: {rule} ({detail})" for where, rule, detail in found if (where, rule) not in ALLOWED]
    assert unexpected == []


def test_every_allowed_exception_is_still_needed():
    """An exception fixed in the code is taken off ALLOWED, so that it cannot come back unnoticed."""
    found = {(where, rule) for where, rule, _ in project_violations()}
    assert ALLOWED - found == set()


def test_the_writing_functions_are_found_in_the_store_and_the_loaders():
    writers = writing_functions(PROJECT_ROOT)
    assert {
        "store.database.Store.apply_upload",
        "store.database.Store.undo_upload",
        "store.scenarios.save_scenario",
        "store.scenarios.rename_scenario",
        "store.scenarios.delete_scenario",
        "store.scenarios.publish_targets",
        "store.access.set_grant",
        "store.access.remove_grant",
        "store.transfer.copy_database",
        "loaders.ingest.check_and_store",
        "loaders.records.record",
    } <= writers
    assert (
        not {
            "store.scenarios.list_scenarios",
            "store.scenarios.load_scenario",
            "store.access.stored_grants",
            "loaders.ingest.parse_files",
        }
        & writers
    )  # reading is not writing


def test_a_planted_violation_of_each_rule_is_caught(tmp_path):
    def plant(path: str, text: str) -> None:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(textwrap.dedent(text), encoding="utf-8")

    plant("store/__init__.py", "")
    plant(
        "store/scenarios.py",
        """
        def _write(store, work):
            return store.write(work)

        def save_scenario(store, name, scenario, saved_by):
            return _write(store, lambda cursor: cursor.execute("INSERT INTO scenarios VALUES (?)", [name]))

        def load_scenario(store, name):
            return store._cursor().execute("SELECT 1").fetchone()
        """,
    )
    plant(
        "loaders/ingest.py",
        """
        def check_and_store(store, files, uploaded_by):
            return store.apply_upload({}, files, uploaded_by)
        """,
    )
    plant("analytics/progress.py", "import pandas as pd\nfrom ui.context import tables  # planted\n")
    plant("analytics/funnel/__init__.py", "from . import plan\n")
    plant("analytics/funnel/plan.py", "def f():\n    import streamlit as st  # planted, lazily\n")
    plant("charts/team.py", "import plotly.graph_objects as go\nfrom store.database import Store  # planted\n")
    plant("store/database.py", "import importlib\nst = importlib.import_module('streamlit')  # planted\n")
    plant(
        "pages/good.py",
        """
        import streamlit as st
        from store import scenarios as saved
        from ui.records import save_scenario

        st.write("Select a scenario")  # prose, and st.write is not the store's write
        saved.load_scenario(None, "x")
        save_scenario("x", {}, "me")  # the recorded path: allowed
        """,
    )
    plant(
        "pages/bad.py",
        textwrap.dedent("""
        import duckdb
        import streamlit as st
        from loaders.ingest import check_and_store
        from store import scenarios as saved
        from ui.context import store

        rows = store()._cursor().execute(f"SELECT * FROM {'key_results'}").df()
        store().apply_upload({}, [], "me")
        store().write(lambda cursor: None)
        saved.save_scenario(store(), "x", {}, "me")
        check_and_store(store(), [], "me")
        """)
        + "if True:\n    pass\n" * 16
        + "\n" * 170,
    )
    found = {(where, rule) for where, rule, _ in violations(tmp_path)}
    assert found == {
        ("analytics/progress.py", "imports ui"),
        ("analytics/funnel/plan.py", "imports streamlit"),
        ("charts/team.py", "imports store"),
        ("store/database.py", "imports streamlit"),
        ("pages/bad.py", "imports duckdb"),
        ("pages/bad.py", "holds SQL"),
        ("pages/bad.py", "calls apply_upload"),
        ("pages/bad.py", "calls store-write"),
        ("pages/bad.py", "calls store.scenarios.save_scenario"),
        ("pages/bad.py", "calls loaders.ingest.check_and_store"),
        ("pages/bad.py", "too long"),
        ("pages/bad.py", "too branched"),
    }
    assert writing_functions(tmp_path) >= {
        "store.scenarios._write",
        "store.scenarios.save_scenario",
        "loaders.ingest.check_and_store",
    }
