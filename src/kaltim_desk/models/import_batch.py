"""Tables of the import_batch feature (filled in by that feature's work)."""
