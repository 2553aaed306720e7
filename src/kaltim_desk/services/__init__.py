"""Use cases. Each is a plain function taking a Session first; none imports Qt or commits."""
