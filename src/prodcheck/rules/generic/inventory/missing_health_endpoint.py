"""
## What it does
Flags a service that exposes HTTP endpoints but none that is a health check (`/health`,
`/healthz`, `/livez`, `/readyz`, `/ready`, `/ping`, `/status`, or a path a deployment probe
points at). Services without any extracted endpoint are left alone. The finding is reported at the
service's entry point.

## Why it matters
Orchestrators and load balancers decide from a health endpoint whether to send traffic to an
instance and whether to restart it. Without one, a process that is up but broken (lost database
connection, deadlocked worker) keeps receiving requests, and rolling deploys cannot tell when a new
instance is ready.

## Example
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/orders")
    def list_orders(limit: int = 50):
        ...

## Use instead
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/orders")
    def list_orders(limit: int = 50):
        ...

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

## Known limitations
Health endpoints served by a library (django-health-check, flask-healthz, @nestjs/terminus, ...)
are recognised through the declared dependency; one mounted some other way is not seen.
Separate liveness and readiness semantics are not checked.
"""
from __future__ import annotations

from prodcheck.facts.public import HEALTH_PATHS
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule

HEALTH_LIBRARIES = frozenset({
    "django-health-check", "flask-healthz", "fastapi-health", "fastapi-healthchecks",
    "fastapi-healthcheck", "py-healthcheck", "healthcheck", "starlette-healthcheck",
    "health-check", "flask-healthcheck", "django-healthz", "django-alive", "@nestjs/terminus",
    "@godaddy/terminus", "express-healthcheck", "lightship", "express-actuator",
    "github.com/alexliesenfeld/health", "github.com/hellofresh/health-go",
    "github.com/heptiolabs/healthcheck", "github.com/tavsec/gin-healthcheck",
})
HEALTH_HANDLER_WORDS = ("health", "liveness", "readiness", "livez", "readyz", "alive")


def _is_health(endpoint, probe_paths: set[str]) -> bool:
    if HEALTH_PATHS.search(endpoint.path) or endpoint.path.rstrip("/") in probe_paths:
        return True
    handler = endpoint.handler.rpartition(".")[2].lower()
    return any(word in handler for word in HEALTH_HANDLER_WORDS)


def check(project, ctx):
    probe_paths = {p.path.rstrip("/") for f in project.files for p in f.probes if p.path}
    for service in project.services:
        endpoints = project.endpoints_of(service)
        if not endpoints or any(_is_health(e, probe_paths) for e in endpoints):
            continue
        files = project.files_of(service)
        if any(d.name.lower() in HEALTH_LIBRARIES for f in files for d in f.dependencies):
            continue
        at = service.entrypoint or endpoints[0].location
        yield ctx.finding(
            RULE, at,
            f"service `{service.name}` exposes {len(endpoints)} endpoint"
            f"{'s' if len(endpoints) != 1 else ''} but no health check (/health, /healthz, /readyz)",
            symbol=service.name)


RULE = ProjectRule(
    id="GEN-REL-101", slug="missing-health-endpoint", area=Area.REL,
    title="Service without a health endpoint",
    fix="Add a cheap liveness endpoint (`GET /healthz`) and a readiness endpoint (`GET /readyz`) "
        "that checks the service's dependencies, and point the deployment probes at them.",
    rows=("REL-10",), doc=__doc__, confidence=Confidence.MEDIUM,
    example_path="app.py", check=check, coverage="partial",
    coverage_note="existence only: liveness vs readiness semantics are not checked",
)
