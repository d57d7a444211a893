"""
## What it does
Flags a Python endpoint that accepts credentials or one-time codes (login, token, sign-up,
password reset, OTP/2FA/magic-link verification; recognised by its path or handler name) when
nothing limits how often it can be called: the endpoint's rate-limit facet is not present (no
`@limiter.limit`, `@ratelimit`, DRF `throttle_classes`, slowapi/fastapi-limiter dependency), and the
service shows no rate limiting anywhere (no DRF `DEFAULT_THROTTLE_CLASSES`, no limiter with
`default_limits`, no `SlowAPIMiddleware`, no rate-limit middleware in Django `MIDDLEWARE`, no
rate-limit library imported or declared: slowapi, flask-limiter, django-ratelimit, django-axes,
fastapi-limiter, limits).

## Why it matters
A login or OTP endpoint without a limit lets an attacker try passwords or six-digit codes as fast as
the server answers: credential stuffing and brute force succeed in hours, a 6-digit OTP in minutes.
Password-reset and sign-up endpoints without limits are used to flood mailboxes and SMS budgets.

## Example
    from fastapi import FastAPI
    from fastapi.security import OAuth2PasswordRequestForm

    from app.auth import authenticate, create_token

    app = FastAPI()

    @app.post("/login/access-token")
    def login_access_token(form: OAuth2PasswordRequestForm):
        user = authenticate(form.username, form.password)
        return {"access_token": create_token(user)}

## Use instead
    from fastapi import FastAPI, Request
    from fastapi.security import OAuth2PasswordRequestForm
    from slowapi import Limiter
    from slowapi.util import get_remote_address

    from app.auth import authenticate, create_token

    limiter = Limiter(key_func=get_remote_address)
    app = FastAPI()
    app.state.limiter = limiter

    @app.post("/login/access-token")
    @limiter.limit("5/minute")
    def login_access_token(request: Request, form: OAuth2PasswordRequestForm):
        user = authenticate(form.username, form.password)
        return {"access_token": create_token(user)}

## Known limitations
Rate limits enforced outside the code (an API gateway, a WAF, nginx `limit_req`, an ingress
annotation) are not visible, hence the medium confidence; when a rate-limit library is used anywhere
in the service the rule stays quiet, since it cannot always tell which routes it covers. Endpoints
that already require an authenticated caller (changing one's own password, an admin previewing a
reset e-mail) are not reported. Account lockout after failed attempts is not checked.
"""
from __future__ import annotations

import re

from prodcheck.facts.stack import service_of
from prodcheck.model import Area, Confidence, FacetState, Stride
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.generic.inventory.common import by_location, routes_text

PYTHON_FRAMEWORKS = frozenset({"fastapi", "flask", "django", "drf", "quart", "starlette"})
CREDENTIAL_METHODS = frozenset({"POST", "PUT", "PATCH"})
WORDS = frozenset({"login", "signin", "logon", "register", "registration", "signup", "otp", "totp", "mfa",
                   "2fa", "twofactor", "passcode", "forgot", "authenticate", "magic"})
PAIRS = frozenset({("sign", "in"), ("sign", "up"), ("log", "in"), ("access", "token"), ("password", "reset"),
                   ("reset", "password"), ("recover", "password"), ("password", "recovery"),
                   ("obtain", "token"), ("token", "obtain"), ("verify", "code"), ("verification", "code"),
                   ("two", "factor"), ("magic", "link"), ("verify", "otp")})
NOT_CREDENTIAL = frozenset({"logout", "signout", "refresh", "revoke", "delete", "remove", "list", "admin",
                            "update", "edit", "test", "callback", "webhook", "status"})
RATE_LIBRARIES = ("slowapi", "flask_limiter", "django_ratelimit", "ratelimit", "fastapi_limiter", "limits",
                  "django_axes", "axes", "fastapi_rate_limiter", "flask_ratelimit")
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+[a-z]*")


def credential_endpoint(path: str, handler: str) -> bool:
    """`POST /login/access-token`, `register_user`, `password_reset_confirm`, `verify_otp`."""
    for text in (path, handler.rpartition(".")[2]):
        words = [w.lower() for w in _WORD.findall(text)]
        if NOT_CREDENTIAL & set(words):
            return False
        if WORDS & set(words) or any(pair in PAIRS for pair in zip(words, words[1:])):
            return True
    return False


def _caller_authenticated(endpoint) -> bool:
    """Auth required before the handler runs (a dependency, decorator, permission class); a
    login handler's own "wrong password -> 401" does not count."""
    return endpoint.auth.state is FacetState.PRESENT and not _IN_BODY.search(endpoint.auth.mechanism or "")


_IN_BODY = re.compile(r"raises|returns|abort|\b40[13]\b|jwt\.decode|header|check\b|\(\)$")


def check(project, ctx):
    limited = {service_of(s.location.path, project.stack)
               for name in ("py-throttle-default", "py-rate-limit-library") for s in project.signals(name)}
    for facts in project.files:
        if any(d.name.lower().replace("-", "_").startswith(RATE_LIBRARIES) for d in facts.dependencies):
            limited.add(service_of(facts.path, project.stack))

    def keep(endpoint) -> bool:
        return (endpoint.framework in PYTHON_FRAMEWORKS and endpoint.method in CREDENTIAL_METHODS
                and endpoint.rate_limit.state is not FacetState.PRESENT
                and not _caller_authenticated(endpoint)
                and service_of(endpoint.location.path, project.stack) not in limited
                and credential_endpoint(endpoint.path, endpoint.handler))

    for at, group in by_location(project.inventory.endpoints, keep, lambda e: e.location):
        first = group[0]
        yield ctx.finding(
            RULE, at,
            f"{routes_text(group)} (handler `{first.handler.rpartition('.')[2]}`) takes credentials or codes "
            f"with no rate limit anywhere in the service: brute force and credential stuffing run at full speed",
            symbol=first.handler)


RULE = ProjectRule(
    id="PY-SEC-035", slug="missing-rate-limiter", area=Area.SEC,
    title="Login, sign-up or OTP endpoint without rate limiting",
    fix="Limit attempts per client and per account (slowapi/fastapi-limiter `@limiter.limit(\"5/minute\")`, "
        "flask-limiter, django-ratelimit or DRF `throttle_classes`/`DEFAULT_THROTTLE_CLASSES`) with a "
        "shared store (Redis) when there is more than one replica.",
    rows=("SEC-31",), doc=__doc__, confidence=Confidence.MEDIUM, cwe=("CWE-307",),
    stride=(Stride.SPOOFING, Stride.DENIAL_OF_SERVICE), example_path="app/main.py",
    coverage="partial", coverage_note="credential endpoints only; gateway and ingress limits are not read",
    needs_languages=("python",), check=check,
)
