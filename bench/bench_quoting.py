"""Quoting corpus before/after: how many template x value pairs ran the value as code, altered
it, or delivered it exactly, with main's inline-quoting renderer vs the env-reference one.

The old renderer is loaded from `git show <ref>:forge_orchestrator/commands/variables.py`
(default ref main; BENCH_OLD_REF overrides), so both are measured in the same run on the same
corpus (tests/commands/quoting_corpus.py). Every pair is run with real bash in a scratch dir.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import types
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forge_orchestrator.commands.models import Variable  # noqa: E402
from forge_orchestrator.commands.variables import render  # noqa: E402
from forge_orchestrator.errors import ValidationFailed  # noqa: E402
from tests.commands.quoting_corpus import (  # noqa: E402
    TEMPLATES,
    VALUES,
    expected,
    hostile,
    run_bash,
)


def old_renderer(ref: str) -> types.ModuleType:
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ref}:forge_orchestrator/commands/variables.py"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    source = source.replace("from ..errors", "from forge_orchestrator.errors")
    source = source.replace("from .models", "from forge_orchestrator.commands.models")
    module = types.ModuleType("old_variables")
    sys.modules[module.__name__] = module
    exec(compile(source, "old_variables.py", "exec"), module.__dict__)
    return module


def classify(new: bool, old: types.ModuleType, text: str, shape: str | None, raw: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "pwned"
        value = hostile(raw, str(marker))
        try:
            if new:
                rendered = render(text, [Variable(name="v")], {"v": value})
                if rendered.nested:
                    return "confirmation required"
                command, env = rendered.command, rendered.env
            else:
                command, env = old.render(text, [Variable(name="v")], {"v": value}), {}
        except ValidationFailed:
            return "refused (422)"
        out = run_bash(command, env, Path(tmp))
        if marker.exists():
            return "ran code"
        if shape is None:
            return "no exactness claim"
        return "exact" if out == expected(shape, value) else "altered"


def main() -> None:
    old = old_renderer(os.environ.get("BENCH_OLD_REF", "main"))
    for label, new in (("before (main)", False), ("after (env references)", True)):
        counts: Counter[str] = Counter()
        nested: Counter[str] = Counter()
        for template in TEMPLATES:
            for raw in VALUES:
                outcome = classify(new, old, template.text, template.shape, raw)
                (nested if template.nested else counts)[outcome] += 1
        total = len(VALUES) * len(TEMPLATES)
        print(f"{label}: {total} pairs")
        print("  plain/quoted positions:", dict(sorted(counts.items())))
        print("  nested-interpreter positions:", dict(sorted(nested.items())))


if __name__ == "__main__":
    main()
