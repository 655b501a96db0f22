"""Models of the events app; filled by its own issue."""
