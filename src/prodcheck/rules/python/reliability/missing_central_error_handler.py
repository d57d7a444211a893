"""
## What it does
Flags a FastAPI, Starlette, Flask or Quart application that has routes but no central error
handler anywhere in its service: no `@app.exception_handler(...)`, `app.add_exception_handler(...)`
or `exception_handlers=` (FastAPI/Starlette), no `@app.errorhandler(...)`,
`@blueprint.app_errorhandler(...)` or `app.register_error_handler(...)` (Flask/Quart), and no HTTP
middleware that catches exceptions (`@app.middleware("http")` or a middleware `dispatch` with a
`try`/`except`). Reported once per service, where the application object is created.

## Why it matters
Without its own handler, an unexpected exception reaches the framework's fallback: FastAPI and
Starlette answer a plain-text `Internal Server Error`, Flask an HTML error page, to clients that
expect the API's JSON error format. Nothing maps domain errors (not found, conflict, validation) to
status codes in one place, so each handler reinvents it or lets them become 500s, and no single
place logs failures with the request context or reports them to the error tracker.

## Example
    from fastapi import FastAPI

    from .orders import OrderNotFound, load_order

    app = FastAPI()


    @app.get("/orders/{order_id}")
    def get_order(order_id: int):
        return load_order(order_id)

## Use instead
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

    from .orders import OrderNotFound, load_order

    app = FastAPI()


    @app.exception_handler(OrderNotFound)
    async def order_not_found(request: Request, exc: OrderNotFound):
        return JSONResponse(status_code=404, content={"error": "order_not_found", "detail": str(exc)})


    @app.get("/orders/{order_id}")
    def get_order(order_id: int):
        return load_order(order_id)

## Known limitations
Handlers registered by a shared package outside the scanned tree (an internal `install_handlers(app)`
from another repository) are not seen. A service whose every route wraps its body in `try`/`except`
is still reported. Django (which has `handler404`/`handler500` and middleware
`process_exception`) and frameworks that render JSON errors by themselves (APIFlask, Connexion) are
not checked.
"""
from __future__ import annotations

from prodcheck.facts.extractors.python_quality_signals import ERROR_HANDLER_SIGNAL
from prodcheck.facts.stack import service_of
from prodcheck.model import Area, Confidence, Severity
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.python.ast_helpers import is_dev_path

FRAMEWORKS = frozenset({"fastapi", "flask", "quart", "starlette"})
SELF_HANDLING = ("apiflask", "connexion", "flask_smorest", "flask_restx", "flask_restful", "litestar")


def check(project, ctx):
    apps: dict[str, list] = {}
    routes: dict[str, int] = {}
    handled: set[str] = set()
    self_handling: set[str] = set()
    for facts in project.files:
        if facts.language != "python" or facts.kind not in ("source",):
            continue
        service = service_of(facts.path, project.stack)
        if any(s.name == ERROR_HANDLER_SIGNAL for s in facts.signals):
            handled.add(service)
        if any(i.module.split(".")[0] in SELF_HANDLING for i in facts.imports):
            self_handling.add(service)
        if is_dev_path(facts.path):
            continue
        routes[service] = routes.get(service, 0) + len(facts.routes)
        for entry in facts.entrypoints:
            if entry.kind == "app-object" and entry.framework in FRAMEWORKS:
                apps.setdefault(service, []).append(entry)
    for service, entries in sorted(apps.items()):
        if service in handled or service in self_handling or not routes.get(service):
            continue
        entry = sorted(entries, key=lambda e: (e.location.path, e.location.start.line))[0]
        name = f"service `{service}`" if service else "this service"
        count = routes[service]
        helpers = "`@app.exception_handler`" if entry.framework in ("fastapi", "starlette") else \
            "`@app.errorhandler`"
        yield ctx.finding(
            RULE, entry.location,
            f"{name} ({entry.framework}, {count} route{'s' if count != 1 else ''}) has no central error handler: "
            f"no {helpers} and no middleware that catches exceptions", symbol=service)


RULE = ProjectRule(
    id="PY-REL-004", slug="missing-central-error-handler", area=Area.REL,
    title="Web app without a central error handler",
    fix="Register handlers that log the error and map it to a status and a JSON body: "
        "`@app.exception_handler(Exception)` / `@app.exception_handler(DomainError)` in FastAPI, "
        "`@app.errorhandler(Exception)` (and `HTTPException`) in Flask.",
    rows=("REL-12",), doc=__doc__, confidence=Confidence.MEDIUM, severity=Severity.MEDIUM,
    severity_note="FastAPI, Starlette and Flask already answer unhandled exceptions with a generic 500 that "
                  "leaks no stack trace; what is missing is consistent error bodies, status mapping and logging.",
    example_path="app/main.py", needs_languages=("python",), check=check,
)
