"""Every template x hostile value, rendered and run with real bash: no value ever runs as code,
and every value in a plain top-level position arrives byte-exact (issue #13)."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge_orchestrator.commands.models import Variable
from forge_orchestrator.commands.variables import render
from forge_orchestrator.errors import ValidationFailed

from .quoting_corpus import TEMPLATES, VALUES, Template, expected, hostile, run_bash


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.text[:40])
def test_no_value_runs_as_code_and_plain_values_arrive_exact(
    tmp_path: Path, template: Template
) -> None:
    marker = tmp_path / "pwned"
    for raw in VALUES:
        value = hostile(raw, str(marker))
        try:
            rendered = render(template.text, [Variable(name="v")], {"v": value})
        except ValidationFailed:
            # Only a value that would end a quoted here-document early is refused.
            assert "<<'EOF'" in template.text and "EOF" in value, value
            continue
        if template.nested:
            assert rendered.nested, (template.text, value)
            continue
        assert rendered.nested == [], template.text
        if "{m}" in raw and "<<'" not in template.text:
            assert value not in rendered.command  # the value is not in the shell source
        out = run_bash(rendered.command, rendered.env, tmp_path)
        assert not marker.exists(), (rendered.command, value)
        if template.shape is not None:
            assert out == expected(template.shape, value), (rendered.command, value)
