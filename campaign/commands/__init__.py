"""Flask command groups, one module per group."""
