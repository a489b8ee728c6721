"""`portal` is the foundation: it never imports a part. The parts plug in through
`portal/registry.py`; a module under `portal/` that imports one fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[2] / "portal"
PARTS = ("support", "courses", "intervision", "newsletter", "reports")


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def _imports_of_parts() -> list[str]:
    offences = []
    for path in sorted(PORTAL.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in _imported_modules(tree):
            if module.split(".")[0] in PARTS:
                offences.append(f"{path.relative_to(PORTAL.parent)}:{line} imports {module}")
    return offences


def test_no_module_under_portal_imports_a_part():
    assert _imports_of_parts() == []


@pytest.mark.parametrize(
    "source",
    [
        "import support",
        "import support.referrals.models as m",
        "from support.referrals.views import referral_form",
        "def f():\n    from support import services",
        "importlib.import_module('support.referrals')",
    ],
)
def test_the_check_sees_every_way_of_importing(source):
    assert next(module for _, module in _imported_modules(ast.parse(source))).startswith("support")


def test_the_walk_reaches_the_portal_modules():
    # A wrong path would find no files and pass for nothing.
    assert len(list(PORTAL.rglob("*.py"))) > 50
    assert (PORTAL / "pages" / "models" / "families.py").exists()
