"""Where each concern lives: blueprints never import each other or the app module; one
negotiation function, one conditional helper, one runtime accessor (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = ROOT / "src" / "citygraph"
BLUEPRINTS = {"linkeddata", "publishing", "sparql", "workbench"}
# Blueprint modules (the ones holding routes and the Blueprint object).
VIEWS = {"citygraph.linkeddata.views", "citygraph.publishing.views", "citygraph.publishing.web",
         "citygraph.publishing.routes_docs", "citygraph.publishing.routes_dumps",
         "citygraph.sparql.views", "citygraph.workbench.views", "citygraph.ops"}


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return found


def test_blueprints_import_neither_each_other_nor_the_app() -> None:
    for package in BLUEPRINTS:
        for path in (PACKAGE / package).glob("*.py"):
            used = imports(path)
            assert "citygraph.app" not in used, path
            foreign = {m for m in used & VIEWS if m.split(".")[1] != package}
            assert not foreign, f"{path.relative_to(ROOT)} imports {sorted(foreign)}"


def test_one_home_per_concern() -> None:
    sources = {p: p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")}
    homes = {"def negotiate(": "web/negotiation.py", "def conditional(": "web/conditional.py",
             "def runtime(": "web/current.py", "def error_response(": "web/errors.py",
             "def client_identity(": "web/query.py", "def choose_language(": "web/i18n.py",
             "def fit(": "web/mapping.py", "def local_page(": "web/links.py"}
    for definition, home in homes.items():
        found = [str(p.relative_to(PACKAGE)) for p, text in sources.items() if definition in text]
        assert found == [home], (definition, found)
    accept_matching = {"negotiation.py", "errors.py", "i18n.py"}  # media; errors; language
    assert not [p for p, text in sources.items()
                if ".best_match(" in text and p.name not in accept_matching]


def test_no_city_in_the_code() -> None:
    """The focal city comes from the dataset description; only the shipped example queries
    (which find it through cg:focalCity) may name Rostock in their titles and comments."""
    named = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*")
             if p.is_file() and p.suffix in {".py", ".html", ".css", ".js"}
             and "vendor" not in p.parts and "rostock" in p.read_text(errors="ignore").lower()]
    assert not named
