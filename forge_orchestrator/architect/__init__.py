"""The Architect: a natural-language request becomes one shell command, stored as a card."""
