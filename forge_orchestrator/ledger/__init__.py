"""The token ledger: recording, queries, summaries, rollups, export, what-if pricing, captures."""
