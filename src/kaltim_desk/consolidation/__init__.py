"""Province consolidation: merging the BNBA workbooks that regency/city offices export."""

from kaltim_desk.consolidation.merge import ConsolidationResult, SourceResult, consolidate, read_district

__all__ = ["ConsolidationResult", "SourceResult", "consolidate", "read_district"]
