"""
## What it does
Cross-checks health probes against the code: flags a Kubernetes `httpGet` probe, or a Docker or
compose healthcheck that calls a local URL, whose path matches no route of the project's endpoint
inventory (path parameters such as `/items/{id}`, `<int:id>` or `:id` match any segment; trailing
slashes are ignored). It stays quiet when no endpoints were found, when a route's path could not be
read statically, under routers mounted from code that was not scanned, and when the probe path ends
with a route's path (the router may be mounted under a prefix computed at run time).

## Why it matters
A probe on a missing route answers 404 for ever: the readiness probe keeps every pod out of the
load balancer, the liveness probe restarts healthy pods in a loop, and the healthcheck marks the
container unhealthy. It usually happens when a route is renamed (`/health` to `/healthz`) and the
manifest is not.

## Example
    ==> app.py <==
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/health")
    def health():
        return {"status": "ok"}
    ==> k8s/deployment.yaml <==
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          containers:
            - name: api
              image: ghcr.io/acme/api:1.8.2
              readinessProbe:
                httpGet:
                  path: /healthz
                  port: 8000

## Use instead
    ==> app.py <==
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/health")
    def health():
        return {"status": "ok"}
    ==> k8s/deployment.yaml <==
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          containers:
            - name: api
              image: ghcr.io/acme/api:1.8.2
              readinessProbe:
                httpGet:
                  path: /health
                  port: 8000

## Known limitations
Probes are matched against the routes of every service of the project, not only the one the
container runs; ports are not compared.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule

FRAMEWORK_PATHS = frozenset({"/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"})
PROBE_NAMES = {"liveness": "livenessProbe", "readiness": "readinessProbe",
               "startup": "startupProbe", "docker-healthcheck": "healthcheck"}
HEALTH_HINT = re.compile(r"health|ready|live|ping|status", re.IGNORECASE)
_DYNAMIC = re.compile(r"[\^$()\\|`]|\$\{|<dynamic>|\?(?!$)")
_REST_PARAM = re.compile(r"^(\*\w*|\*\*|\{[^}]*(:path|\.\.\.)\}|<path:[^>]*>|:[A-Za-z_]\w*[*+])$")

Matcher = Callable[[str], bool]


def normalise(path: str) -> str:
    path = re.split(r"[?#]", path.strip(), maxsplit=1)[0]
    path = "/" + path.strip("/")
    return path


def route_matcher(path: str, subtree: bool = False) -> Matcher | None:
    """A predicate over concrete paths for a route template; None when the template is dynamic."""
    if not path or _DYNAMIC.search(path.replace("{$}", "")):
        return None
    parts = []
    segments = [s for s in normalise(path).split("/") if s]
    for index, segment in enumerate(segments):
        if _REST_PARAM.match(segment) and index == len(segments) - 1:
            parts.append(r"(?:/.*)?")
            break
        if segment == "{$}":
            continue
        parts.append("/" + _segment_regex(segment))
    regex = "".join(parts) or "/?"
    pattern = re.compile(regex + (r"(?:/.*)?" if subtree else ""))
    return lambda concrete: pattern.fullmatch(normalise(concrete)) is not None


def _segment_regex(segment: str) -> str:
    if re.fullmatch(r":[A-Za-z_]\w*\??", segment):
        return "[^/]+"
    pieces = re.split(r"(\{[^}/]*\}|<[^>/]*>)", segment)
    return "".join("[^/]+" if i % 2 else re.escape(piece) for i, piece in enumerate(pieces))


def _is_go_subtree(endpoint) -> bool:
    """net/http patterns ending in `/` match the whole subtree."""
    return endpoint.location.path.endswith(".go") and endpoint.path.endswith("/")


def _same_symbol(a: str, b: str) -> bool:
    """Symbol ids may name a module by a shorter path than its definition (`src.` layouts)."""
    return a == b or a.endswith("." + b) or b.endswith("." + a)


def _opaque_prefixes(project) -> list[str]:
    """Prefixes of routers mounted from code that yielded no routes (third-party includes).
    A mount without a parent is a guard that adds no prefix, not a mount."""
    mounts = [m for f in project.files for m in f.mounts if m.parent]
    known = {route.router for f in project.files for route in f.routes} | {m.parent for m in mounts}
    return [normalise(m.prefix) for m in mounts
            if not any(_same_symbol(m.child, symbol) for symbol in known)]


def _tails(path: str) -> list[str]:
    """The path and its tails on segment boundaries: a router may be mounted under a prefix the
    code computes (`prefix=settings.API_V1_STR`), which the inventory cannot know."""
    segments = [s for s in path.split("/") if s]
    return [path] + ["/" + "/".join(segments[k:]) for k in range(1, len(segments))]


def check(project, ctx):
    endpoints = project.inventory.endpoints
    if not endpoints:
        return
    matchers = [route_matcher(e.path, _is_go_subtree(e)) for e in endpoints]
    if any(m is None for m in matchers):
        return
    opaque = _opaque_prefixes(project)
    hints = sorted({normalise(e.path) for e in endpoints if HEALTH_HINT.search(e.path)})[:3]
    for facts in project.files:
        for probe in facts.probes:
            path = normalise(probe.path)
            if path in FRAMEWORK_PATHS or any(m(tail) for tail in _tails(path) for m in matchers):
                continue
            if any(prefix == "/" or path == prefix or path.startswith(prefix + "/") for prefix in opaque):
                continue
            known = f"; health-like routes: {', '.join(f'`{h}`' for h in hints)}" if hints else ""
            yield ctx.finding(RULE, probe.location,
                              f"{PROBE_NAMES.get(probe.kind, probe.kind)} path `{probe.path}` matches "
                              f"no route in the code{known}")


RULE = ProjectRule(
    id="GEN-OPS-111", slug="probe-path-not-a-route", area=Area.OPS,
    title="Health probe points at a route that does not exist",
    fix="Point the probe at an existing health route, or add the route it expects.",
    rows=("OPS-09",), doc=__doc__, confidence=Confidence.MEDIUM,
    example_path="k8s/deployment.yaml", check=check,
)
