"""Python: lint and format tooling evidence for PY-QUAL-002 (missing-lint-config).

- `py-lint-config` (detail: "<tool> in <file>"): a linter (Ruff, flake8, Pylint, pyflakes,
  pycodestyle, pylama, prospector, flakeheaven, wemake-python-styleguide) named on a line that is
  not a comment of `pyproject.toml` (a `[tool.ruff]` table, a dev dependency, a script),
  `setup.cfg`/`tox.ini` (a `[flake8]` section, an extra, a tox command), `Pipfile`, `hatch.toml`,
  a `Makefile`, `noxfile.py`/`tasks.py`, `.pre-commit-config.yaml`, or a CI workflow
  (`.github/workflows/*.yml`, `.gitlab-ci.yml`, ...);
- `py-format-config` (detail): the same for a formatter (black, Ruff's formatter, yapf, autopep8);

and, from Python sources, for PY-OBS-004 (unstructured-logging):

- `py-plain-log-config` (detail: how): logging configured with plain-text output only:
  `logging.basicConfig(...)` (no JSON-looking `format=`), `logging.config.dictConfig({...})` or a
  Django `LOGGING = {...}` whose formatters name no JSON formatter class, or
  `handler.setFormatter(logging.Formatter("..."))`, outside scripts and CLIs;
- `py-structured-logging` (detail: the evidence): a structured logger imported (structlog,
  python-json-logger, ecs-logging, json-log-formatter, ...), loguru's `logger.add(...,
  serialize=True)`, a formatter class or `()` factory whose name mentions JSON, a `logging.Formatter`
  subclass that calls `json.dumps`, or a JSON-looking `format=` string;

and for PY-REL-004 (missing-central-error-handler):

- `py-error-handler` (detail): `@app.exception_handler(...)`, `app.add_exception_handler(...)`,
  `exception_handlers=` (FastAPI/Starlette), `@app.errorhandler(...)`, `@bp.app_errorhandler(...)`,
  `app.register_error_handler(...)` (Flask/Quart), or an HTTP middleware (`@app.middleware("http")`,
  a `dispatch`/`__call__` method) with a `try`/`except` in it.

A signal from a CI file applies to the whole repository; the others to their own directory and
below. Only the text is read: nothing is imported or run.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

import ast

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors.python_common import const_str, dotted, keyword, module_nodes_of, qualified_name
from prodcheck.facts.extractors.python_handlers import module_view
from prodcheck.facts.model import Signal
from prodcheck.model import Location

LINT_SIGNAL = "py-lint-config"
FORMAT_SIGNAL = "py-format-config"
TOOL_FILES = frozenset({"pyproject.toml", "setup.cfg", "tox.ini", "pipfile", "hatch.toml", "makefile",
                        "noxfile.py", "tasks.py", ".pre-commit-config.yaml", ".pre-commit-config.yml",
                        ".gitlab-ci.yml", ".gitlab-ci.yaml", "azure-pipelines.yml", "bitbucket-pipelines.yml",
                        ".travis.yml", "justfile", "taskfile.yml", "noxfile.toml"})
CI_DIRS = (".github/workflows", ".circleci", ".buildkite")
LINTERS = re.compile(r"(?<![\w-])(ruff|flake8|pylint|pyflakes|pycodestyle|pylama|prospector|flakeheaven|flakehell|"
                     r"wemake-python-styleguide|ruff-pre-commit|pylint-django)(?![\w-])", re.I)
FORMATTERS = re.compile(r"(?<![\w.-])(black|yapf|autopep8|ruff[ -]format|ruff-format)(?![\w-])", re.I)
COMMENT = re.compile(r"^\s*(#|;|//)")


def is_ci_path(path: str) -> bool:
    lower = path.lower()
    return any(lower.startswith(d + "/") or f"/{d}/" in lower for d in CI_DIRS) \
        or PurePosixPath(lower).name in (".gitlab-ci.yml", ".gitlab-ci.yaml", "azure-pipelines.yml",
                                         "bitbucket-pipelines.yml", ".travis.yml")


def _tool_file(path: str) -> bool:
    name = PurePosixPath(path).name.lower()
    return name in TOOL_FILES or is_ci_path(path) and name.endswith((".yml", ".yaml"))


def extract(parsed, builder) -> None:
    if not _tool_file(parsed.path):
        _log_config_file(parsed, builder)
        return
    text = parsed.text or ""
    if not (LINTERS.search(text) or FORMATTERS.search(text)):
        return
    name = PurePosixPath(parsed.path).name
    found: set[str] = set()
    for line_no, line in enumerate(text.splitlines(), start=1):
        if COMMENT.match(line):
            continue
        for signal, pattern in ((LINT_SIGNAL, LINTERS), (FORMAT_SIGNAL, FORMATTERS)):
            if signal in found:
                continue
            match = pattern.search(line)
            if match is not None:
                found.add(signal)
                builder.signals.append(Signal(signal, Location.at(parsed.path, line_no, match.start() + 1),
                                              f"{match.group(1).lower()} in {name}"))
        if len(found) == 2:
            return


PLAIN_LOG_SIGNAL = "py-plain-log-config"
STRUCTURED_LOG_SIGNAL = "py-structured-logging"
STRUCTURED_MODULES = ("structlog", "pythonjsonlogger", "python_json_logger", "json_log_formatter", "ecs_logging",
                      "logstash", "logstash_formatter", "json_logging", "logging_json", "jsonformatter",
                      "google.cloud.logging", "django_structlog", "structlog_sentry", "aws_lambda_powertools.logging",
                      "loggly", "logzio", "daiquiri", "pyjsonlogger", "fluent.handler", "ddtrace.contrib.logging")
LOG_HINTS = re.compile(r"logging|LOGGING|structlog|loguru|jsonlog|json_log|ecs_logging|logstash")
JSON_WORDS = re.compile(r"json|\becs|logstash|structlog|gelf|datadog|stackdriver|cloud_logging", re.I)


def extract_logging(parsed, builder) -> None:
    """One pass over the module's nodes (shared walk), only for files that mention logging."""
    if parsed.tree is None or not LOG_HINTS.search(parsed.text or ""):
        return
    imports = module_view(parsed).imports
    for target in sorted(set(imports.values())):
        if target.startswith(STRUCTURED_MODULES) and target.split(".")[0] != "logging":
            _signal(builder, parsed, STRUCTURED_LOG_SIGNAL, 1, f"imports {target}")
            return
    for node in module_nodes_of(parsed, ast.Call, ast.Assign, ast.ClassDef):
        if isinstance(node, ast.Call):
            _logging_call(node, imports, parsed, builder)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "LOGGING" for t in node.targets) \
                and isinstance(node.value, ast.Dict):
            _dict_config(node.value, "Django `LOGGING`", parsed, builder)
        elif isinstance(node, ast.ClassDef) and _json_formatter_class(node, imports):
            _signal(builder, parsed, STRUCTURED_LOG_SIGNAL, node.lineno, f"JSON formatter class {node.name}")


ERROR_HANDLER_SIGNAL = "py-error-handler"
ERROR_HINTS = re.compile(r"exception_handler|errorhandler|register_error_handler|\.middleware\(|def dispatch|"
                         r"def __call__")
HANDLER_REGISTRATIONS = frozenset({"exception_handler", "add_exception_handler", "errorhandler", "app_errorhandler",
                                   "register_error_handler"})


def extract_error_handlers(parsed, builder) -> None:
    if parsed.tree is None or not ERROR_HINTS.search(parsed.text or ""):
        return
    for node in module_nodes_of(parsed, ast.Call, ast.FunctionDef, ast.AsyncFunctionDef):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in HANDLER_REGISTRATIONS:
                _signal(builder, parsed, ERROR_HANDLER_SIGNAL, node.lineno, func.attr)
                return
            if any(k.arg == "exception_handlers" for k in node.keywords):
                _signal(builder, parsed, ERROR_HANDLER_SIGNAL, node.lineno, "exception_handlers=")
                return
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _catching_middleware(node):
            _signal(builder, parsed, ERROR_HANDLER_SIGNAL, node.lineno, f"middleware {node.name}")
            return


def _catching_middleware(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    middleware = node.name in ("dispatch", "__call__") or any(
        isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "middleware"
        for d in node.decorator_list)
    if not middleware:
        return False
    return any(isinstance(n, ast.Try) and n.handlers for stmt in node.body for n in ast.walk(stmt))


def _logging_call(call: ast.Call, imports, parsed, builder) -> None:
    name = qualified_name(call.func, imports)
    if name == "logging.basicConfig":
        fmt = const_str(keyword(call, "format")) or ""
        if _json_format(fmt):
            _signal(builder, parsed, STRUCTURED_LOG_SIGNAL, call.lineno, "JSON basicConfig format")
        else:
            _signal(builder, parsed, PLAIN_LOG_SIGNAL, call.lineno, "logging.basicConfig")
    elif name == "logging.config.dictConfig" and call.args:
        value = call.args[0]
        if isinstance(value, ast.Name):
            value = module_view(parsed).assigns.get(value.id, value)
        if isinstance(value, ast.Dict):
            _dict_config(value, "dictConfig", parsed, builder, at=call.lineno)
    elif isinstance(call.func, ast.Attribute) and call.func.attr == "setFormatter" and call.args \
            and isinstance(call.args[0], ast.Call):
        formatter = qualified_name(call.args[0].func, imports)
        if formatter == "logging.Formatter":
            _signal(builder, parsed, PLAIN_LOG_SIGNAL, call.lineno, "logging.Formatter")
        elif JSON_WORDS.search(formatter):
            _signal(builder, parsed, STRUCTURED_LOG_SIGNAL, call.lineno, formatter)
    elif isinstance(call.func, ast.Attribute) and call.func.attr == "add" \
            and dotted(call.func.value).split(".")[-1] == "logger" \
            and qualified_name(call.func.value, imports).startswith("loguru"):
        serialize = keyword(call, "serialize")
        if isinstance(serialize, ast.Constant) and serialize.value is True:
            _signal(builder, parsed, STRUCTURED_LOG_SIGNAL, call.lineno, "loguru serialize=True")


def _dict_config(config: ast.Dict, label: str, parsed, builder, at: int = 0) -> None:
    """A `dictConfig`-style dict: structured when a formatter names a JSON class, else plain."""
    formatters = _entry(config, "formatters")
    if isinstance(formatters, ast.Dict):
        for body in formatters.values:
            if not isinstance(body, ast.Dict):
                continue
            for key in ("()", "class", "format"):
                text = const_str(_entry(body, key)) or dotted(_entry(body, key)) or ""
                if key != "format" and JSON_WORDS.search(text) or key == "format" and _json_format(text):
                    _signal(builder, parsed, STRUCTURED_LOG_SIGNAL, body.lineno, f"{label} JSON formatter")
                    return
    _signal(builder, parsed, PLAIN_LOG_SIGNAL, at or config.lineno, label)


def _json_format(text: str) -> bool:
    """`'{"time": "%(asctime)s", "msg": "%(message)s"}'`: a hand-written JSON record; not Django's
    `"{levelname} {message}"` brace style."""
    stripped = text.strip()
    return stripped.startswith("{") and stripped.endswith("}") and '"' in stripped and ":" in stripped


def _entry(mapping: ast.Dict, key: str) -> ast.expr | None:
    for k, v in zip(mapping.keys, mapping.values):
        if const_str(k) == key:
            return v
    return None


def _json_formatter_class(node: ast.ClassDef, imports) -> bool:
    if not any(qualified_name(b, imports).endswith("Formatter") for b in node.bases):
        return False
    if JSON_WORDS.search(node.name):
        return True
    return any(isinstance(n, ast.Call) and qualified_name(n.func, imports) in ("json.dumps", "orjson.dumps",
                                                                                 "ujson.dumps")
               for n in ast.walk(node))


def _log_config_file(parsed, builder) -> None:
    """`logging.yaml`, `log_config.json`, `logging.ini` handed to uvicorn/gunicorn (`--log-config`):
    a JSON formatter class named in it counts as structured logging."""
    name = PurePosixPath(parsed.path).name.lower()
    if "log" not in name or parsed.language not in ("yaml", "json", "ini", "toml"):
        return
    for line_no, line in enumerate((parsed.text or "").splitlines(), start=1):
        if ("class" in line or "()" in line or "formatter" in line.lower()) and JSON_WORDS.search(line) \
                and not COMMENT.match(line):
            _signal(builder, parsed, STRUCTURED_LOG_SIGNAL, line_no, f"JSON formatter in {name}")
            return


SERVER_FILES = frozenset({"wsgi.py", "asgi.py", "gunicorn.conf.py", "gunicorn_config.py", "gunicorn_conf.py"})


def _script(parsed) -> bool:
    """A script, CLI or management command (its own output, not the service's logs); the WSGI/ASGI
    and gunicorn entry modules are the service."""
    if PurePosixPath(parsed.path).name.lower() in SERVER_FILES:
        return False
    from prodcheck.rules.context import FileContext
    from prodcheck.rules.python.ast_helpers import is_cli_module
    return is_cli_module(FileContext(parsed))


def _signal(builder, parsed, name: str, line: int, detail: str) -> None:
    if name == PLAIN_LOG_SIGNAL:
        script = parsed.memo.get("python.quality.script")
        if script is None:
            script = parsed.memo["python.quality.script"] = _script(parsed)
        if script:
            return
    builder.signals.append(Signal(name, Location.at(parsed.path, line), detail))


EXTRACTORS = (
    Extractor("python-quality-signals", extract, needs_tree=False),
    Extractor("python-logging-signals", extract_logging, languages=("python",), kinds=("source",)),
    Extractor("python-error-handler-signals", extract_error_handlers, languages=("python",), kinds=("source",)),
)
