"""Endpoints that are public by nature: nobody can be authenticated before calling them.

One shared list, used by every language; `public-paths` in the configuration extends it. A
pattern is a path regular expression matched against the whole endpoint path (case-insensitive).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

PUBLIC_BY_NATURE = (
    r".*/(log-?in|sign-?in|sign-?up|register|registration)/?",
    r".*/(auth|oauth2?|sso|saml|oidc)(/.*)?",
    r".*/(token|token/refresh|refresh|refresh-token|jwt/create|jwt/refresh|jwt/verify)/?",
    r".*/(password|passwords)/(reset|forgot|recover|reset-confirm)(/.*)?",
    r".*/(forgot-password|reset-password|verify-email|confirm-email|activate)(/.*)?",
    r".*/(logout|sign-?out)/?",
    r".*/(webhooks?|hooks|callbacks?)(/.*)?",
    r".*/(health|healthz|healthcheck|health-check|livez|readyz|readiness|liveness|ready|alive|ping|status)/?",
    r".*/metrics/?",
    r".*/(docs|redoc|swagger|swagger-ui|openapi|openapi\.json|openapi\.yaml|api-docs|schema)(/.*)?",
    r".*/(favicon\.ico|robots\.txt|\.well-known/.*)",
)

HEALTH_PATHS = re.compile(
    r"(^|/)(health|healthz|healthcheck|health-check|livez|readyz|readiness|liveness|ready|alive|ping|status)/?$",
    re.IGNORECASE)


def public_matcher(extra: Iterable[str] = ()):
    compiled = [re.compile(p, re.IGNORECASE) for p in (*PUBLIC_BY_NATURE, *extra)]

    def is_public(path: str) -> bool:
        return any(p.fullmatch(path) for p in compiled)

    return is_public
