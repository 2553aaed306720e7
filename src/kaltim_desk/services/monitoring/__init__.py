"""The monitoring feature: mentoring visits, the visit schedule and business survival."""
