"""
## What it does
Reads each Django settings module that production may load (not development or test settings,
not a `DEBUG = True` module, not a shared `base.py` that an environment file extends), together
with the settings modules it star-imports (`from .base import *`), and reports once per module
what `manage.py check --deploy` would miss:
- `SecurityMiddleware` absent from `MIDDLEWARE` (none of the settings below take effect);
- `XFrameOptionsMiddleware` absent from `MIDDLEWARE` (no clickjacking protection);
- `SECURE_HSTS_SECONDS`, `SECURE_SSL_REDIRECT`, `SESSION_COOKIE_SECURE` and `CSRF_COOKIE_SECURE`
  never set: their defaults (0 / False) leave HTTPS optional and cookies sent over plain HTTP.

## Why it matters
Without HSTS and an HTTPS redirect, the first request of a visit can be downgraded to plain HTTP
and the session cookie, which Django does not mark `Secure` by default, travels in clear text to
whoever sits on the network. Without the clickjacking middleware pages can be framed by another
site, and without `SecurityMiddleware` the `nosniff`, referrer-policy and HSTS headers are never
sent.

## Example
    ==> mysite/settings.py <==
    import os

    DEBUG = False
    SECRET_KEY = os.environ["SECRET_KEY"]
    INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
    MIDDLEWARE = [
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
    ]

## Use instead
    ==> mysite/settings.py <==
    import os

    DEBUG = False
    SECRET_KEY = os.environ["SECRET_KEY"]
    INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ]
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

## Known limitations
Headers and redirects done by a reverse proxy, load balancer or CDN are not visible, hence the
MEDIUM confidence. `SECURE_CONTENT_TYPE_NOSNIFF`, `X_FRAME_OPTIONS` and `SECURE_REFERRER_POLICY`
are not required: their defaults are safe since Django 3.0/3.1 (values explicitly weakened are
other checks). Settings loaded in ways this reading cannot follow (django-split-settings
`include()`, django-configurations classes, `globals().update()`, a star import of a module outside
the scan) make the module be skipped. A `MIDDLEWARE` list built by a function is trusted. Flask and
FastAPI applications are not checked: their headers are usually set by a proxy or middleware that
cannot be seen precisely.
"""
from __future__ import annotations

import json

from prodcheck.model import Area, Confidence, Location, Stride
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.python.security_helpers import DJANGO_SETTINGS_SIGNAL, SECURITY_SETTINGS


def check(project, ctx):
    modules = {}
    for signal in project.signals(DJANGO_SETTINGS_SIGNAL):
        try:
            detail = json.loads(signal.detail)
        except ValueError:
            continue
        modules[detail["module"]] = (detail, signal.location)
    extended = {_resolve(star, modules) for detail, _ in modules.values() for star in detail["stars"]}
    for name, (detail, location) in sorted(modules.items()):
        if detail["kind"] not in ("django", "settings") or name in extended:
            continue
        closure = _closure(name, modules)
        if closure is None:
            continue
        details = [modules[m][0] for m in closure]
        if any(d["opaque"] for d in details) or _debug(details) == "true":
            continue
        names = {n for d in details for n in d["names"]}
        if not names & {"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "WSGI_APPLICATION"}:
            continue
        missing = _missing_middleware(details) + [s for s in SECURITY_SETTINGS if s not in names]
        if missing:
            yield ctx.finding(RULE, Location.at(location.path, 1),
                              f"Django settings for production leave out {_join(missing)}",
                              symbol=name)


def _resolve(star: str, modules: dict) -> str:
    if star in modules:
        return star
    matches = [m for m in modules if m.endswith("." + star)]
    return matches[0] if len(matches) == 1 else ""


def _closure(name: str, modules: dict) -> list[str] | None:
    """The module and the settings modules it star-imports (transitively); None when one of them
    is not a settings module of the scan (its names are unknown)."""
    seen, stack = [], [name]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.append(current)
        for star in modules[current][0]["stars"]:
            resolved = _resolve(star, modules)
            if not resolved:
                return None
            stack.append(resolved)
    return seen


def _debug(details: list[dict]) -> str:
    """The DEBUG of the most derived module that sets it."""
    return next((d["debug"] for d in details if d["debug"]), "")


def _missing_middleware(details: list[dict]) -> list[str]:
    """Entries of MIDDLEWARE across the module and what it star-imports (a list in `base.py`,
    `MIDDLEWARE.append(...)` in `production.py`); nothing when a list is built out of sight."""
    known = [d["middleware"] for d in details if d["middleware"] is not None]
    if not known or any(m.get("dynamic") for m in known):
        return []
    missing = []
    if not any(m.get("security") for m in known):
        missing.append("SecurityMiddleware")
    if not any(m.get("clickjacking") for m in known):
        missing.append("XFrameOptionsMiddleware")
    return missing


def _join(items: list[str]) -> str:
    shown = [f"`{i}`" for i in items]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


RULE = ProjectRule(
    id="PY-SEC-031", slug="missing-security-headers", area=Area.SEC,
    title="Django production settings without HTTPS and security headers",
    fix="Keep `SecurityMiddleware` first in `MIDDLEWARE` and `XFrameOptionsMiddleware` in it; set "
        "`SECURE_SSL_REDIRECT = True`, `SECURE_HSTS_SECONDS` (e.g. 31536000), `SESSION_COOKIE_SECURE = True` "
        "and `CSRF_COOKIE_SECURE = True` in the production settings; run `manage.py check --deploy`.",
    rows=("SEC-33",), doc=__doc__, confidence=Confidence.MEDIUM, cwe=("CWE-693",),
    stride=(Stride.TAMPERING, Stride.INFORMATION_DISCLOSURE), example_path="mysite/settings.py",
    needs_languages=("python",), coverage="partial",
    coverage_note="Django settings only; Flask/FastAPI header middleware and CSP values are not checked",
    check=check,
)
