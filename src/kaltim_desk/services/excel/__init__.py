"""The Excel feature: importing clerks' spreadsheets, upward-reporting exports, province consolidation."""
