"""Background work of imports and exports (placeholder: the pipelines add their tasks)."""
