"""Models of the charity app; filled by its own issue."""
