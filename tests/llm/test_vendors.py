"""The vendor registry: specs found by module, a leaf package, no SDK imported to classify."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine

from forge_orchestrator import vendors
from forge_orchestrator.errors import NotConfigured
from forge_orchestrator.llm.provider_settings import ProvidersConfig, ProviderSettingsStore, load

PACKAGE = Path(vendors.__file__).parent
ALLOWED = ("forge_orchestrator.pricing", "forge_orchestrator.errors", "forge_orchestrator.redact")


def test_the_registry_holds_one_spec_per_module_in_display_order() -> None:
    names = [v.name for v in vendors.all()]
    assert names[:2] == ["openai", "anthropic"] and names[-1] == "compatible"
    assert vendors.local_kind().name == "compatible"
    assert vendors.for_model("claude-haiku-5-5") is vendors.get("anthropic")
    assert vendors.for_model("gpt-6.2-sol") is vendors.get("openai")
    assert vendors.for_model("llama3") is None
    with pytest.raises(NotConfigured):
        vendors.get("nope")


def test_vendors_is_a_leaf_package() -> None:
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                target = "forge_orchestrator." + (node.module or "") if node.level == 2 else ""
                assert node.level == 1 or target.startswith(ALLOWED), (path.name, node.module)


def test_loading_the_registry_and_classifying_imports_no_sdk() -> None:
    code = (
        "import sys\n"
        "from forge_orchestrator import vendors, child_env\n"
        "from forge_orchestrator.llm.retry import classify\n"
        "assert classify(ValueError('x'), 'L').kind == 'malformed'\n"
        "print(sorted(m for m in ('openai', 'anthropic', 'google.genai') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_child_env_hides_every_vendor_key() -> None:
    from forge_orchestrator.child_env import SERVER_SECRET_VARS

    for vendor in vendors.all():
        assert set(vendor.key_env) <= SERVER_SECRET_VARS


def test_settings_keep_one_field_per_builtin_vendor_and_the_old_stored_form() -> None:
    old = {"openai": {"enabled": False}, "anthropic": {"base_url": "http://127.0.0.1:9/"}}
    cfg = ProvidersConfig.model_validate(old)
    assert cfg.vendor("openai").enabled is False
    assert cfg.vendor("anthropic").base_url == "http://127.0.0.1:9"
    dumped = cfg.model_dump(mode="json")
    assert {v.name for v in vendors.builtin()} <= dumped.keys()


def test_a_local_server_named_like_a_builtin_vendor_is_a_clear_error() -> None:
    server = {"name": "anthropic", "base_url": "http://127.0.0.1:11434/v1"}
    with pytest.raises(ValidationError, match="built-in provider: 'anthropic' \\(Anthropic\\)"):
        ProvidersConfig.model_validate({"compatible": [server]})
    with pytest.raises(NotConfigured, match="named like a built-in provider") as caught:
        load({"compatible": [server]})
    assert "Anthropic" in str(caught.value.details)


def test_a_server_saved_as_gemini_before_gemini_was_built_in_is_named_in_the_error() -> None:
    stored = {"compatible": [{"name": "gemini", "base_url": "http://127.0.0.1:8080/v1"}]}
    with pytest.raises(NotConfigured) as caught:
        load(stored)
    assert "'gemini' (Google Gemini)" in str(caught.value.details)
    assert vendors.for_model("gemini-2.5-flash") is vendors.get("gemini")


def test_the_settings_store_serves_its_copy_until_a_write_forgets_it(engine: Engine) -> None:
    store = ProviderSettingsStore(engine)
    first = store.get()
    assert store.get() is first  # served from memory
    changed = first.model_copy(update={"default_provider": "anthropic"})
    store.put(changed)
    assert store.get().default_provider == "anthropic"
    assert ProviderSettingsStore(engine).get().default_provider == "anthropic"
