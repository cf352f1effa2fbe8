"""Optimizer: suggestions read from the ledger, applied to flows, command cards and agent roles."""
