"""Price book, token usage and price overrides: what a call costs, below ledger and gateway."""
