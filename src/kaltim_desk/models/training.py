"""Tables of the training feature (filled in by that feature's work)."""
