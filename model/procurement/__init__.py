"""The procurement market: notices, screening, entry, bidding, award rules, tenders (seed S5–S10, P2–P6)."""
