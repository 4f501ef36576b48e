"""Delivery and oversight: effort and quality, monitoring, fraud and audits, evaluation, blacklists (seed S11–S15, P7)."""
