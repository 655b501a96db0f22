"""Members pages, one module per area (roster, profile, officers, portal)."""
