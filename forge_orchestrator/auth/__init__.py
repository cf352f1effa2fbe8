"""Who may call Forge: the API token, browser sessions, login codes, tickets and their parsing."""
