"""The Architect's system prompt and the messages it sends for a generation or a revision."""

from __future__ import annotations

import json
from typing import Literal

Shell = Literal["bash", "zsh", "sh", "dash", "fish", "powershell"]
SHELLS: tuple[Shell, ...] = ("bash", "zsh", "sh", "dash", "fish", "powershell")

# Used when the agent-role registry has no "architect" entry (or is not available).
DEFAULT_PERSONA = (
    "You are the Architect, a senior shell engineer. You turn a developer's request into ONE "
    "correct, safe, copy-pasteable command. Prefer standard tools that ship with the operating "
    "system, quote paths and variables, avoid destructive flags unless the request needs them, "
    "and never invent options a tool does not have."
)

# Appended to every persona, custom or built-in: the parser depends on this shape.
ANSWER_CONTRACT = """\
Answer with a single JSON object and nothing else (no prose, no Markdown fence). Fields:
{
  "name": "short title for the command, at most 60 characters",
  "command": "the ONE command, for the shell and operating system given below",
  "description": "one or two sentences: what the command does",
  "explanation": [{"part": "a fragment of the command", "meaning": "what that fragment does"}],
  "assumptions": ["anything you assumed about the user's environment or intent"]
}
Rules: exactly one command (pipes, && and ; are fine; no alternatives, no placeholders left \
unexplained). Explain every flag and every piece of the pipeline in "explanation", in order. \
If the request is ambiguous, pick the most common meaning and say so in "assumptions"."""

_SHELL_NOTES: dict[str, str] = {
    "bash": "bash syntax",
    "zsh": "zsh syntax (bash-compatible constructs are fine when zsh accepts them)",
    "sh": "POSIX sh syntax (no bash-only constructs such as [[ ]], arrays or <<<)",
    "dash": "POSIX sh syntax as dash runs it (no bash-only [[ ]], arrays or <<<)",
    "fish": "fish syntax (set VAR value, (cmd) substitution; no bash-only constructs)",
    "powershell": "PowerShell syntax (cmdlets and PowerShell operators, not bash)",
}


def system_prompt(persona: str | None, shell: str, os_name: str) -> str:
    """The persona (the role registry's text, or the default) plus the answer contract."""
    head = (persona or DEFAULT_PERSONA).strip()
    target = f"Target: {_SHELL_NOTES.get(shell, shell)} on {os_name}."
    return f"{head}\n\n{ANSWER_CONTRACT}\n\n{target}"


def user_message(prompt: str, *, shell: str, os_name: str, cwd: str | None) -> str:
    lines = [f"Request: {prompt.strip()}", f"Shell: {shell}", f"Operating system: {os_name}"]
    if cwd:
        lines.append(f"Working directory: {cwd}")
    return "\n".join(lines)


def previous_answer(
    *,
    name: str,
    command: str,
    description: str,
    explanation: list[dict[str, str]],
    assumptions: list[str],
) -> str:
    """The earlier suggestion, replayed as the assistant's turn so the model revises it."""
    body = {
        "name": name,
        "command": command,
        "description": description,
        "explanation": explanation,
        "assumptions": assumptions,
    }
    return json.dumps(body, ensure_ascii=False)


def revision_message(feedback: str) -> str:
    return (
        f"Revise the command according to this feedback: {feedback.strip()}\n"
        "Answer with the complete revised JSON object, in the same format."
    )
