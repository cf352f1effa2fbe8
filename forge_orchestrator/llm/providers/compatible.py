"""OpenAI-compatible local servers (Ollama, llama.cpp, vLLM, LM Studio): base URLs and discovery."""

from __future__ import annotations

from urllib.parse import urlsplit

from . import Timeouts
from .openai_chat import OpenAIChat

# Local servers ignore the key but the SDK insists on one.
NO_KEY = "no-key"


def normalize_base_url(url: str) -> str:
    """``http://host:11434`` → ``http://host:11434/v1``; a URL with a path is kept as given."""
    url = url.strip().rstrip("/")
    return f"{url}/v1" if urlsplit(url).path in ("", "/") else url


def compatible_client(
    *, name: str, base_url: str, api_key: str | None, timeouts: Timeouts
) -> OpenAIChat:
    return OpenAIChat(
        label=name,
        api_key=api_key or NO_KEY,
        base_url=normalize_base_url(base_url),
        timeouts=timeouts,
        compatible=True,
    )


def build(
    *, name: str, label: str, api_key: str | None, base_url: str, timeouts: Timeouts
) -> OpenAIChat:
    """The Vendor spec's factory: a server is labelled by its own name."""
    return compatible_client(name=name, base_url=base_url, api_key=api_key, timeouts=timeouts)


async def discover_models(base_url: str, api_key: str | None, timeouts: Timeouts) -> list[str]:
    """The model ids a server lists at ``/v1/models``."""
    client = compatible_client(
        name=urlsplit(base_url).netloc or "server",
        base_url=base_url,
        api_key=api_key,
        timeouts=timeouts,
    )
    try:
        return await client.list_models(timeouts)
    finally:
        await client.aclose()
