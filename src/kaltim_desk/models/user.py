"""Tables of the user feature (filled in by that feature's work)."""
