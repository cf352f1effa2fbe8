"""OpenAI-compatible local servers (Ollama, llama.cpp, vLLM, LM Studio), named by the user."""

from __future__ import annotations

from .failure import stainless_classifier
from .openai import usage_from
from .spec import Vendor

VENDOR = Vendor(
    name="compatible",
    label="OpenAI-compatible server",
    adapter="forge_orchestrator.llm.providers.compatible:build",
    classify=stainless_classifier("openai"),
    usage=usage_from,
    sdk="openai",
    order=1000,
    local_servers=True,
    needs_base_url=True,
    key_hint="usually none; some servers take a bearer token",
    help=(
        "Ollama, llama.cpp, vLLM, LM Studio and anything else that speaks the OpenAI API, "
        "reached by base URL (for example http://127.0.0.1:11434/v1)."
    ),
)
