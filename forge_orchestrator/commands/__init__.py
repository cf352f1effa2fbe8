"""Command cards, the safe runner (process groups, capped output), risk analysis and variables."""
