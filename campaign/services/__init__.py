"""Domain logic the views call: reading the catalog, signing, counting, tallies, tokens."""
