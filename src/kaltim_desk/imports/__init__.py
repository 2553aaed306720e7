"""Reading clerks' spreadsheets safely: reader (guards), mapping (header detection), validate, staging."""
