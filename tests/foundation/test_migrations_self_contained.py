"""Shipped migrations import nothing but alembic, sqlalchemy and the standard library."""

from __future__ import annotations

import ast
import sys

from forge_orchestrator.db.migrate import MIGRATIONS_DIR

ALLOWED = {"alembic", "sqlalchemy"}


def test_no_migration_imports_application_code() -> None:
    versions = sorted((MIGRATIONS_DIR / "versions").glob("*.py"))
    assert versions
    offenders = []
    for path in versions:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = ["." if node.level else node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in ALLOWED and top not in sys.stdlib_module_names:
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
