"""The package import graph has no cycle, and no domain imports the composition root."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
ROOT_MODULES = {"cli", "server", "openapi_dump", "app", "components"}


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "import_graph", REPO / "tools" / "import_graph.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_package_graph_has_no_cycle() -> None:
    graph = _tool()
    edges, _, _ = graph.scan(REPO)
    assert graph.cyclic(edges) == []


def test_only_the_composition_root_imports_the_composition_root() -> None:
    edges, _, _ = _tool().scan(REPO)
    upward = {
        src: sorted(dst & ROOT_MODULES) for src, dst in edges.items() if src not in ROOT_MODULES
    }
    assert {src: dst for src, dst in upward.items() if dst} == {}


def test_check_fails_on_a_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "forge_orchestrator"
    for name, imports in (("a", "b"), ("b", "a")):
        (pkg / name).mkdir(parents=True)
        (pkg / name / "__init__.py").write_text(f"from forge_orchestrator.{imports} import x\n")
    graph = _tool()
    assert graph.main([str(tmp_path), "--check"]) == 1
    assert graph.main([str(tmp_path)]) == 0
