"""The environment of every child Forge starts: server environ minus its secrets, plus overrides.

Command runs, flow shell steps and terminal shells all build their environment here, so one
list decides what a child never inherits:

- the server's own secret settings (FORGE_TOKEN, FORGE_DATABASE_URL, which may carry a database
  password, and any other SecretStr field of Settings);
- the provider key variables the gateway reads (OPENAI_API_KEY, ANTHROPIC_API_KEY, …). Forge holds
  them to call providers; a command, possibly written by an LLM, does not need them, and a run
  whose output shows them (``env``) could pass them on to an LLM prompt downstream. A caller
  who wants one in a child passes it explicitly as an override;
- FORGE_VAR_* / FORGE_REF_* left in the server's environ, so a run sees only its own bindings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from .errors import ValidationFailed
from .settings import Settings
from .vendors import registry

# Every vendor's key variables, from the specs: a new provider's key is hidden too.
PROVIDER_KEY_VARS: frozenset[str] = registry.key_env_vars()
BINDING_PREFIXES = ("FORGE_VAR_", "FORGE_REF_")


def _secret_settings() -> frozenset[str]:
    prefix = str(Settings.model_config.get("env_prefix", "FORGE_"))
    names = {"database_url"}  # a URL may embed a password
    # `token: SecretStr | None` is a Union, so the annotation's text is what is matched.
    names.update(
        name
        for name, field in Settings.model_fields.items()
        if "SecretStr" in str(field.annotation)
    )
    return frozenset(prefix + name.upper() for name in names)


SERVER_SECRET_VARS: frozenset[str] = _secret_settings() | PROVIDER_KEY_VARS


def is_hidden(name: str) -> bool:
    """True for a variable of the server's environ that no child inherits."""
    return name.upper() in SERVER_SECRET_VARS or name.startswith(BINDING_PREFIXES)


def check_env(env: Mapping[str, str] | None) -> None:
    """422 for a name or value the kernel cannot pass (empty, '=' or NUL)."""
    for key, value in (env or {}).items():
        if not key or "=" in key or "\x00" in key or "\x00" in value:
            raise ValidationFailed(f"Invalid environment variable {key!r}", details={"env": key})


def child_env(
    overrides: Mapping[str, str] | None = None,
    bindings: Mapping[str, str] | None = None,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """base (default os.environ) without server secrets, then overrides, then the run's bindings.

    Bindings come last: a caller's env cannot replace the value a placeholder refers to.
    """
    check_env(overrides)
    check_env(bindings)
    source = os.environ if base is None else base
    env = {k: v for k, v in source.items() if not is_hidden(k)}
    env.update(overrides or {})
    env.update(bindings or {})
    return env
