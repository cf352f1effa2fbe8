"""Flows: a validated graph of shell, LLM, approval and condition steps, and its engine."""
