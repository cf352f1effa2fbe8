"""The token ledger: recording, queries, summaries, budgets and the optimizer."""
