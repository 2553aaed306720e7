"""Tables of the grant feature (filled in by that feature's work)."""
