"""Per-client rate limits for the public authentication endpoints.

The counters live in the store named by ORDERS_RATELIMIT_STORAGE_URI (Redis in production, so
that every replica shares them).
"""
from slowapi import Limiter
from slowapi.util import get_remote_address

from app.settings import get_settings

limiter = Limiter(key_func=get_remote_address, storage_uri=get_settings().ratelimit_storage_uri,
                  headers_enabled=True)
