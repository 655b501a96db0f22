"""Export tasks (placeholder)."""
