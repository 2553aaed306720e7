"""Excel workbooks for upward reporting: sheet layouts, the streaming writer, the metadata sheet."""
