"""
## What it does
Flags the credential endpoints of a Node.js service (login, sign-in, sign-up/register,
password reset or change, OTP/2FA/MFA verification, magic links, token issuance; `POST`, `PUT`
or `PATCH`, from the endpoint inventory of Express, Fastify and NestJS) when the service shows no
rate limiting at all: the route has no rate-limit facet, and no file or `package.json` of the
service uses a rate limiter (`express-rate-limit`, `express-slow-down`, `rate-limiter-flexible`,
`express-brute`, `@nestjs/throttler`, `@fastify/rate-limit`, `@upstash/ratelimit`, or any import
or middleware named like a rate limiter or throttler).

## Why it matters
Without a limit on these endpoints an attacker can try passwords and leaked credential lists
(credential stuffing) at full speed, brute-force six-digit OTP codes in minutes, and use the
sign-up and password-reset endpoints to flood users' mailboxes or phones at the service's expense
(CWE-307, CWE-770).

## Example
    import express from 'express';
    import { login } from './auth';

    const app = express();
    app.use(express.json());
    app.post('/auth/login', login);
    app.listen(3000);

## Use instead
    import express from 'express';
    import rateLimit from 'express-rate-limit';
    import { login } from './auth';

    const app = express();
    app.use(express.json());
    const authLimiter = rateLimit({ windowMs: 15 * 60 * 1000, limit: 10 });
    app.post('/auth/login', authLimiter, login);
    app.listen(3000);

## Known limitations
Rate limiting done outside the code (an API gateway, the ingress controller, a WAF or
Cloudflare) is not visible; suppress the finding with the reason. Any rate limiter anywhere in the
service silences the rule, even when it is not applied to these routes, so the findings are the
services with no rate limiting at all (MEDIUM confidence).
"""
from __future__ import annotations

from pathlib import PurePosixPath

from prodcheck.facts.extractors.js_common import words
from prodcheck.model import Area, Confidence, FacetState, Stride
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.generic.inventory.common import by_location, routes_text

JS_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
RATE_PACKAGES = frozenset({
    "express-rate-limit", "express-slow-down", "rate-limiter-flexible", "express-brute", "express-limiter",
    "@nestjs/throttler", "nestjs-throttler", "@fastify/rate-limit", "fastify-rate-limit", "@upstash/ratelimit",
    "koa-ratelimit", "express-rate-limiter", "rate-limit-redis", "@express-rate-limit/redis", "limiter",
    "ratelimiter", "bottleneck", "hono-rate-limiter", "@hono/rate-limiter", "async-ratelimiter",
    "redis-rate-limiter", "node-rate-limiter-flexible", "express-throttle",
})
RATE_WORDS = frozenset({"ratelimit", "ratelimiter", "limiter", "throttle", "throttler", "throttling",
                        "ratelimiting"})
SINGLE = frozenset({"login", "signin", "logon", "signup", "register", "registration", "otp", "totp", "mfa",
                    "twofa", "passcode", "forgot"})
NOT_USER = frozenset({"device", "devices", "webhook", "webhooks", "service", "services", "node", "nodes", "worker",
                      "workers", "agent", "agents", "runner", "runners", "plugin", "plugins", "hook", "hooks",
                      "push", "client", "clients", "app", "apps", "schema", "schemas", "event", "events"})
PAIRS = (("sign", "in"), ("sign", "up"), ("log", "in"), ("two", "factor"), ("2", "fa"), ("verify", "code"),
         ("password", "change"), ("change", "password"), ("password", "reset"), ("reset", "password"),
         ("magic", "link"), ("oauth", "token"), ("auth", "token"), ("verify", "otp"), ("send", "otp"),
         ("verification", "code"))


def check(project, ctx):
    limited: dict[str, bool] = {}
    for at, group in by_location(project.inventory.endpoints, _sensitive, lambda e: e.location):
        first = group[0]
        key = first.service
        if key not in limited:
            limited[key] = _service_limits(project, key)
        if limited[key]:
            continue
        yield ctx.finding(
            RULE, at,
            f"{routes_text(group)} accepts credentials with no rate limiter anywhere in the service",
            symbol=first.handler)


def _sensitive(endpoint) -> bool:
    if endpoint.method not in WRITE_METHODS or not endpoint.location.path.endswith(JS_SUFFIXES):
        return False
    if endpoint.rate_limit.state is FacetState.PRESENT:
        return False
    path_words = [w for piece in endpoint.path.split("/") if not piece.startswith("{") for w in words(piece)]
    handler_words = list(words(endpoint.handler.rsplit(".", 1)[-1]))
    for tokens in (path_words, handler_words):
        if set(tokens) & SINGLE and not set(tokens) & NOT_USER:
            return True
        if any(tokens[i:i + 2] == list(pair) for i in range(len(tokens) - 1) for pair in PAIRS):
            return True
        if set(tokens) >= {"password"} and set(tokens) & {"forgot", "reset", "change", "update", "new"}:
            return True
    return False


def _service_limits(project, service_name: str) -> bool:
    """Does any file of the service (of the project when the endpoint has no service) use a rate
    limiter: an import, a declared dependency, or a rate-limit facet on another endpoint?"""
    service = next((s for s in project.services if s.name == service_name), None)
    files = project.files_of(service) if service is not None else project.files
    for facts in files:
        for imported in facts.imports:
            module = imported.module
            if module in RATE_PACKAGES or set(words(module.replace("@", " ").replace("/", " "))) & RATE_WORDS \
                    or set(words(imported.name)) & RATE_WORDS:
                return True
        if PurePosixPath(facts.path).name == "package.json":
            if any(d.name in RATE_PACKAGES for d in facts.dependencies):
                return True
    return any(e.rate_limit.state is FacetState.PRESENT for e in project.inventory.endpoints
               if e.service == service_name)


RULE = ProjectRule(
    id="JS-SEC-035", slug="missing-rate-limiter", area=Area.SEC,
    title="Credential endpoint without rate limiting",
    fix="Put a rate limiter on login, sign-up, password-reset and OTP routes (`express-rate-limit`, "
        "`@nestjs/throttler` with `@Throttle()`, `@fastify/rate-limit`), keyed by IP and account, "
        "backed by a shared store (Redis) when the service runs more than one replica.",
    rows=("SEC-31",), doc=__doc__, confidence=Confidence.MEDIUM,
    cwe=("CWE-307",), stride=(Stride.SPOOFING, Stride.DENIAL_OF_SERVICE),
    example_path="app.ts", needs_languages=("javascript", "typescript"), check=check,
    coverage="partial", coverage_note="credential endpoints only; other public endpoints are not checked",
)
