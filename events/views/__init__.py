"""Pages of the events app under /c/<chamber>/events/, one module per area."""
