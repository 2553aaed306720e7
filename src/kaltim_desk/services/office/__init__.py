"""Running an office: users and log-in, backups, start-up checks, the writer lock, integrity checks,
the audit page's queries and moving to a shared server."""
