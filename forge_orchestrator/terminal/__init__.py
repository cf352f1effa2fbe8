"""PTY terminal sessions that survive page reloads, and their WebSocket frame protocol."""
