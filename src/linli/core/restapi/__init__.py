"""The JSON API framework (PLAT-11): auth, one error format, pagination, idempotency, scope."""
