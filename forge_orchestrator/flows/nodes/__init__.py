"""Flow node types: one module per type (schema, validation, execution, form) and their registry."""
