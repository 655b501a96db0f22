"""Reads of the events app, one module per area (see events.services)."""
