"""LLM gateway: one small async interface over OpenAI, Anthropic and OpenAI-compatible servers."""
