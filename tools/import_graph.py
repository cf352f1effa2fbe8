"""Print forge_orchestrator's package import graph, its cycles and the in-function import count."""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = "forge_orchestrator"


def package_of(module: str) -> str:
    """The first-level package (or top-level module) a dotted module name belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def module_name(path: Path, base: Path) -> str:
    rel = path.relative_to(base).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def resolve(node: ast.ImportFrom, current: str, is_pkg: bool) -> str | None:
    if node.level == 0:
        return node.module
    base = current.split(".")
    if not is_pkg:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def scan(base: Path) -> tuple[dict[str, set[str]], int, list[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    nested: list[str] = []
    for path in sorted((base / ROOT).rglob("*.py")):
        current = module_name(path, base)
        tree = ast.parse(path.read_text(), str(path))
        top = set(map(id, tree.body))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mod = resolve(node, current, path.name == "__init__.py")
                if mod:
                    targets = [mod]
            targets = [t for t in targets if t == ROOT or t.startswith(ROOT + ".")]
            if not targets:
                continue
            if id(node) not in top and not _under_type_checking(tree, node):
                nested.append(f"{path.relative_to(base)}:{node.lineno}")
            src = package_of(current)
            for t in targets:
                dst = package_of(t)
                if dst != src:
                    edges[src].add(dst)
    return edges, len(nested), nested


def _under_type_checking(tree: ast.Module, target: ast.AST) -> bool:
    for stmt in tree.body:
        guarded = isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test)
        if guarded and any(n is target for n in ast.walk(stmt)):
            return True
    return False


def sccs(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    nodes = sorted(set(edges) | {d for ds in edges.values() for d in ds})

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    for v in nodes:
        if v not in index:
            visit(v)
    return out


def cyclic(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one package: the import cycles."""
    return [c for c in sccs(edges) if len(c) > 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("base", nargs="?", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("-v", action="store_true", help="list every in-function import")
    parser.add_argument(
        "--check",
        action="store_true",
        help="print only the cycles and counts; exit 1 when a cycle exists",
    )
    args = parser.parse_args(argv)
    edges, count, nested = scan(args.base)
    nodes = sorted(set(edges) | {d for ds in edges.values() for d in ds})
    if not args.check:
        print(f"packages ({len(nodes)}): {' '.join(nodes)}")
        print("edges:")
        for src in sorted(edges):
            print(f"  {src} -> {' '.join(sorted(edges[src]))}")
    cycles = cyclic(edges)
    print(f"cyclic SCCs: {len(cycles)}")
    for comp in cycles:
        print(f"  size {len(comp)}: {' '.join(comp)}")
    print(f"in-function first-party imports: {count}")
    if args.v:
        for where in nested:
            print(f"  {where}")
    return 1 if args.check and cycles else 0


if __name__ == "__main__":
    sys.exit(main())
