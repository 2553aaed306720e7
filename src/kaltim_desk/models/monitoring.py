"""Tables of the monitoring feature (filled in by that feature's work)."""
