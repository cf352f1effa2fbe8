"""Variables: placeholders are declared, required ones enforced, and no value can inject.

The full template x value corpus is test_quoting_corpus.py; these run through run_process."""

from __future__ import annotations

from pathlib import Path

import pytest

from forge_orchestrator.commands.models import Variable
from forge_orchestrator.commands.process import run_process
from forge_orchestrator.commands.variables import declare, placeholders, render
from forge_orchestrator.errors import ValidationFailed

ATTACKS = [
    "; touch {m}",
    "$(touch {m})",
    "`touch {m}`",
    "x\ntouch {m}",
    "' ; touch {m} ; '",
    '" ; touch {m} ; "',
    "\\'; touch {m}; echo \\'",
    "$(touch {m})\\",
    "a | touch {m}",
    "&& touch {m}",
    "${{IFS}}; touch {m}",
    ")$(touch {m})(",
]
# Each template prints the value (with fixed text around it in some).
TEMPLATES = [
    ("echo {{v}}", "{}"),
    ('echo "x{{v}}y"', "x{}y"),
    ("echo 'x{{v}}y'", "x{}y"),
    ('printf "%s\\n" "$(printf "%s" {{v}})"', "{}"),
    ('echo "$(echo "[{{v}}]")"', "[{}]"),
    ("cat <<EOF\n{{v}}\nEOF", "{}"),
    ("cat <<'EOF'\n{{v}}\nEOF", "{}"),
    ("cat <<-EOF\n\t{{v}}\n\tEOF", "{}"),
]


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize(("template", "shape"), TEMPLATES)
async def test_no_value_can_inject(tmp_path: Path, attack: str, template: str, shape: str) -> None:
    marker = tmp_path / "pwned"
    value = attack.format(m=marker)
    rendered = render(template, [Variable(name="v", required=True)], {"v": value})
    command = rendered.command
    result = await run_process(
        command, cwd=str(tmp_path), env=rendered.env, timeout_s=10, output_cap=1 << 20
    )
    assert not marker.exists(), command
    assert result.status == "succeeded", (command, result.output)
    assert result.output == shape.format(value) + "\n", command


def test_a_value_that_would_end_a_quoted_here_document_is_refused() -> None:
    # A quoted delimiter means bash expands nothing there, so the value is put in as text.
    with pytest.raises(ValidationFailed):
        render("cat <<'EOF'\n{{v}}\nEOF", [], {"v": "x\nEOF\ntouch /tmp/x"})
    # An expanding here-document gets a reference, which no value can end.
    rendered = render("cat <<EOF\n{{v}}\nEOF", [], {"v": "x\nEOF\ntouch /tmp/x"})
    assert rendered.command == "cat <<EOF\n${FORGE_VAR_v}\nEOF"


def test_missing_required_value_is_422_with_the_names() -> None:
    with pytest.raises(ValidationFailed) as info:
        render("cp {{src}} {{dst}}", [Variable(name="src", required=True)], {})
    assert info.value.status_code == 422
    assert info.value.details == {"missing": ["src", "dst"]}


def test_defaults_fill_in_and_unknown_names_are_refused() -> None:
    variables = [Variable(name="name", default="world")]
    default = render("echo hello {{name}}", variables, {})
    assert default.command == 'echo hello "${FORGE_VAR_name}"'
    assert default.env == {"FORGE_VAR_name": "world"}
    given = render("echo hello {{ name }}", variables, {"name": "you all"})
    assert given.env == {"FORGE_VAR_name": "you all"} and given.command == default.command
    with pytest.raises(ValidationFailed):
        render("echo {{name}}", variables, {"nmae": "typo"})


def test_undeclared_placeholders_become_required_variables() -> None:
    assert placeholders("a {{x}} b {{y}} {{x}}") == ["x", "y"]
    declared = declare("a {{x}} {{y}}", [Variable(name="y", default="1")])
    assert [(v.name, v.required) for v in declared] == [("y", False), ("x", True)]
