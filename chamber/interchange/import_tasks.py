"""Import tasks (placeholder)."""
