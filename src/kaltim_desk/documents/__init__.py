"""Printed documents (ReportLab): DTOs in, an A4 PDF out, with embedded fonts so it prints the same
on every PC. Long batches take `progress` and `is_cancelled` callables and write files atomically."""
