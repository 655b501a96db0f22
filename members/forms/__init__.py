"""Members forms, one module per area."""
