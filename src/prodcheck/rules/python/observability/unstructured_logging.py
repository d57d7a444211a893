"""
## What it does
Flags a Python web service (a FastAPI, Flask, Starlette or Quart application object, or Django
settings with `ROOT_URLCONF`) that configures logging with plain-text formatters only
(`logging.basicConfig(...)`, `logging.config.dictConfig({...})` or Django's `LOGGING` with
`logging.Formatter` format strings, `handler.setFormatter(logging.Formatter(...))`) and uses no
structured logger anywhere in the service: no structlog, python-json-logger (`pythonjsonlogger`),
`ecs_logging`, `json_log_formatter`, loguru with `serialize=True`, JSON formatter class in a
`LOGGING`/`dictConfig` dict or a logging configuration file, nor a `logging.Formatter` subclass that
writes JSON. Reported once per service, at its first plain-text configuration (development and test
settings do not count).

A service that does not configure logging at all is not reported, and neither is a structured
logger among the service's dependencies.

## Why it matters
A line such as `2024-05-01 12:00:03 ERROR app.orders: payment failed for order 42` is easy to read
and hard to use: log pipelines (Loki, CloudWatch, Elasticsearch, Datadog) cannot filter on the
order id, the request id or the latency without fragile regular expressions, multi-line
tracebacks are split into separate events, and alerts on a given event's count need text matching
that breaks when the message changes. JSON records with fields make every one of these a query.

## Example
    ==> app/main.py <==
    import logging

    from fastapi import FastAPI

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger(__name__)

    app = FastAPI()


    @app.get("/health")
    def health():
        log.info("health check")
        return {"status": "ok"}

## Use instead
    ==> app/main.py <==
    import logging

    from fastapi import FastAPI
    from pythonjsonlogger.json import JsonFormatter

    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    log = logging.getLogger(__name__)

    app = FastAPI()


    @app.get("/health")
    def health():
        log.info("health check")
        return {"status": "ok"}

## Known limitations
Logging configured outside the scanned code (a `--log-config` file with another name than
`*log*.yaml/json/ini`, a platform agent that parses text) is not seen, and a JSON formatter defined
in another package than the service's own is recognised only by its name containing "json".
Whether logs go to standard output, and their collection and retention, are not checked.
"""
from __future__ import annotations

from prodcheck.facts.extractors.python_quality_signals import PLAIN_LOG_SIGNAL, STRUCTURED_LOG_SIGNAL
from prodcheck.facts.stack import service_of
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.python.ast_helpers import is_dev_path

WEB_FRAMEWORKS = frozenset({"fastapi", "flask", "quart", "starlette", "django"})
STRUCTURED_PACKAGES = frozenset({"structlog", "python-json-logger", "ecs-logging", "json-log-formatter",
                                 "django-structlog", "python3-logstash", "python-logstash", "json-logging",
                                 "logstash-formatter", "google-cloud-logging", "aws-lambda-powertools",
                                 "logging-json", "daiquiri"})


def check(project, ctx):
    services: dict[str, str] = {}
    for facts in project.files:
        if facts.language != "python" or facts.kind != "source" or is_dev_path(facts.path):
            continue
        for entry in facts.entrypoints:
            if entry.kind == "app-object" and entry.framework in WEB_FRAMEWORKS:
                services.setdefault(service_of(facts.path, project.stack), entry.framework)
        for signal in facts.signals:
            if signal.name == "py-web-service":
                services.setdefault(service_of(facts.path, project.stack), signal.detail or "django")
    if not services:
        return
    plain: dict[str, list] = {}
    structured: set[str] = set()
    for facts in project.files:
        service = service_of(facts.path, project.stack)
        if any(d.name.lower().replace("_", "-") in STRUCTURED_PACKAGES for d in facts.dependencies):
            structured.add(service)
        if facts.kind == "test":
            continue
        for signal in facts.signals:
            if signal.name == STRUCTURED_LOG_SIGNAL:
                structured.add(service)
            elif signal.name == PLAIN_LOG_SIGNAL and facts.language == "python" and not is_dev_path(facts.path):
                plain.setdefault(service, []).append(signal)
    for service, framework in sorted(services.items()):
        if service in structured or service not in plain:
            continue
        first = sorted(plain[service], key=lambda s: (s.location.path, s.location.start.line))[0]
        name = f"service `{service}`" if service else "this service"
        yield ctx.finding(
            RULE, first.location,
            f"{name} ({framework}) configures plain-text logging ({first.detail}) and uses no structured "
            "(JSON) logger anywhere", symbol=service)


RULE = ProjectRule(
    id="PY-OBS-004", slug="unstructured-logging", area=Area.OBS,
    title="Python service logs only as plain text",
    fix="Emit JSON records: structlog with `JSONRenderer`, or python-json-logger's `JsonFormatter` on the "
        "root handler (`dictConfig` / Django `LOGGING` formatter `\"()\": \"pythonjsonlogger.json.JsonFormatter\"`), "
        "and log fields (`extra={...}`) instead of formatting values into the message.",
    rows=("OBS-01",), doc=__doc__, confidence=Confidence.HIGH, example_path="app/main.py",
    coverage="partial",
    coverage_note="a structured logger in use; JSON to stdout, collection and retention are not checked",
    needs_languages=("python",), check=check,
)
