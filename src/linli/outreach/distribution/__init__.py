"""Handbook and newsletter distribution, the promotion flow and agent subsidies (OUT-5–7)."""
