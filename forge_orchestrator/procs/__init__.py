"""Process containment: every process a run or terminal starts is found and ended with it."""
