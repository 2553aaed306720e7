"""The aid feature: programmes, grants and their status flow, and the rules of that flow."""
