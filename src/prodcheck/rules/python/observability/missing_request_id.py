"""
## What it does
Flags a Python web service (a FastAPI, Flask, Quart or Starlette app object, or Django settings
with `ROOT_URLCONF`) in which nothing gives requests a correlation id: no request-id package
(asgi-correlation-id, django-guid, django-request-id, django-log-request-id, flask-request-id,
starlette-context), no OpenTelemetry/ddtrace/X-Ray instrumentation, no middleware in `MIDDLEWARE`
named for request ids, no code reading or setting an `X-Request-ID`/`X-Correlation-ID`/
`traceparent` header, and no request id bound into the logging context
(`structlog.contextvars.bind_contextvars(request_id=...)`, a `ContextVar("request_id")`). One
finding per service, on its app object or settings.

## Why it matters
Without a request id, the log lines of one failing request cannot be told apart from those of the
hundred requests served at the same moment, and a call cannot be followed from the gateway through
this service to the services it calls. Incidents take hours instead of minutes to diagnose.

## Example
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/health")
    def health():
        return {"ok": True}

## Use instead
    from asgi_correlation_id import CorrelationIdMiddleware
    from fastapi import FastAPI

    app = FastAPI()
    app.add_middleware(CorrelationIdMiddleware, header_name="X-Request-ID")

    @app.get("/health")
    def health():
        return {"ok": True}

## Known limitations
The id may be added by infrastructure (a gateway or service mesh injecting and logging
`X-Request-ID`); that is not visible in the code, so the finding has medium confidence. Whether
the id is returned in responses, propagated to outbound calls and written to every log line is not
checked. Apps under example, test and documentation directories are not reported.
"""
from __future__ import annotations

from prodcheck.facts.stack import service_of
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.python.ast_helpers import is_dev_path

WEB_FRAMEWORKS = frozenset({"fastapi", "flask", "quart", "starlette"})
REQUEST_ID_PACKAGES = ("asgi_correlation_id", "django_guid", "django_request_id", "django_log_request_id",
                       "flask_request_id", "flask_request_id_header", "starlette_context", "ddtrace",
                       "aws_xray_sdk", "fastapi_request_id", "asgi_request_id", "django_structlog")


def check(project, ctx):
    apps: dict[str, list] = {}
    for facts in project.files:
        if facts.language != "python" or facts.kind != "source" or is_dev_path(facts.path):
            continue
        for entry in facts.entrypoints:
            if entry.kind == "app-object" and entry.framework in WEB_FRAMEWORKS:
                apps.setdefault(service_of(facts.path, project.stack), []).append((entry.location, entry.framework))
        for signal in facts.signals:
            if signal.name == "py-web-service":
                apps.setdefault(service_of(facts.path, project.stack), []).append((signal.location, signal.detail))
    if not apps:
        return
    evidence = {service_of(s.location.path, project.stack) for s in project.signals("py-request-id")}
    for facts in project.files:
        if any(_request_id_package(d.name) for d in facts.dependencies):
            evidence.add(service_of(facts.path, project.stack))
    for service, found in sorted(apps.items()):
        if service in evidence or "" in evidence and service == "":
            continue
        location, framework = sorted(found, key=lambda item: (item[0].path, item[0].start.line))[0]
        name = f"service `{service}`" if service else "this service"
        yield ctx.finding(
            RULE, location,
            f"{name} ({framework}) never assigns requests a correlation id: no request-id middleware, "
            f"tracing instrumentation or `X-Request-ID` handling",
            symbol=service)


def _request_id_package(name: str) -> bool:
    normal = name.lower().replace("-", "_").replace(".", "_")
    return normal.startswith(REQUEST_ID_PACKAGES) or normal.startswith("opentelemetry_instrumentation")


RULE = ProjectRule(
    id="PY-OBS-003", slug="missing-request-id", area=Area.OBS,
    title="Web service without request/correlation ids",
    fix="Add a request-id middleware (asgi-correlation-id, django-guid, or a middleware that reads or "
        "generates `X-Request-ID`, returns it, and binds it into the logging context), or OpenTelemetry "
        "instrumentation.",
    rows=("OBS-04",), doc=__doc__, confidence=Confidence.MEDIUM, example_path="app/main.py",
    coverage="partial", coverage_note="propagation to outbound calls and logs is not checked",
    needs_languages=("python",), check=check,
)
