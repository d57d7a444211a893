"""JavaScript and TypeScript endpoint inventory (Express, Fastify, NestJS) and the service-level
signals the JS/TS project rules read.

Routes and mounts: see `js_express.py` (Express apps and routers, and the router objects Fastify
shares with it), `js_fastify.py` and `js_nestjs.py`. Path parameters are normalised to `{id}`.

Signals (`Signal(name, location, detail)`), one per occurrence:
- `js-http-app` (detail: express | fastify | nestjs): where an app is created (`express()`,
  `Fastify()`, `NestFactory.create(...)`);
- `js-security-headers`: helmet (or `@fastify/helmet`, `lusca`) imported, or security headers set
  by hand;
- `js-error-middleware`: an Express error handler, a 4-parameter `(err, req, res, next)` function,
  a registered `errorHandler`, or Sentry's Express error handler;
- `js-crash-handler`: `process.on('unhandledRejection' | 'uncaughtException', ...)` or a library
  that installs them (`Sentry.init`, `make-promises-safe`, ...);
- `js-async-errors-patch`: `express-async-errors` (or `@awaitjs/express`) is imported;
- `js-async-handler-unguarded` (detail: "METHOD path"): an `async` Express handler with an `await`
  outside try/catch and no wrapper;
- `js-console-call` (detail: the console method): `console.log/info/debug` calls.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors import js_nestjs
from prodcheck.facts.extractors.js_common import (
    FileView, callee, file_view, member_names, param_type, params_of, unwrap,
    words,
)
from prodcheck.facts.extractors.js_express import EXPRESS, ERROR_PARAM_NAMES, RouterScanner
from prodcheck.facts.model import Signal
from prodcheck.parsing.treesitter import string_value

HEADER_PACKAGES = frozenset({"helmet", "@fastify/helmet", "fastify-helmet", "koa-helmet", "lusca"})
SECURITY_HEADERS = frozenset({"content-security-policy", "x-content-type-options", "strict-transport-security",
                              "x-frame-options"})
CRASH_EVENTS = frozenset({"unhandledRejection", "uncaughtException", "uncaughtExceptionMonitor"})
CRASH_PACKAGES = frozenset({"make-promises-safe", "log-process-errors", "hard-rejection", "loud-rejection",
                            "close-with-grace", "exit-hook", "async-exit-hook"})
ASYNC_PATCHES = frozenset({"express-async-errors", "@awaitjs/express", "express-async-await",
                           "@root/async-router", "express-async-errors/index"})
ERROR_PACKAGES = frozenset({"errorhandler", "express-error-handler", "api-error-handler",
                            "express-http-problem-details", "http-errors-express", "strong-error-handler"})
LISTENER_METHODS = frozenset({"on", "once", "addListener", "prependListener", "prependOnceListener"})
CONSOLE_METHODS = frozenset({"log", "info", "debug"})
BROWSER_DIRS = frozenset({"public", "static", "frontend", "www", "browser", "wwwroot"})


def extract(parsed, builder) -> None:
    view = file_view(parsed)
    scanner = RouterScanner(view, builder, scan_root=_scan_root(parsed))
    if not _browser_code(parsed.path):
        scanner.scan()
        js_nestjs.extract(view, builder)
    _signals(view, scanner, builder)


def _browser_code(path: str) -> bool:
    """Files served to browsers (`public/`, `static/`, JSX/TSX): they call APIs, they serve none."""
    pure = PurePosixPath(path)
    return pure.suffix.lower() in (".jsx", ".tsx") or any(
        part.lower() in BROWSER_DIRS for part in pure.parts[:-1])


def _scan_root(parsed) -> Path | None:
    """The directory the scan started from (the file's absolute path minus its relative one)."""
    try:
        path = Path(parsed.source.abspath)
        for _ in PurePosixPath(parsed.path).parts:
            path = path.parent
        return path.resolve()
    except (OSError, AttributeError, ValueError):
        return None


def _signals(view: FileView, scanner: RouterScanner, builder) -> None:
    signals = builder.signals
    for package in sorted(view.packages):
        if package in HEADER_PACKAGES:
            signals.append(Signal("js-security-headers", view.location(view.root), package))
        if package in ASYNC_PATCHES:
            signals.append(Signal("js-async-errors-patch", view.location(view.root), package))
        if package in ERROR_PACKAGES:
            signals.append(Signal("js-error-middleware", view.location(view.root), package))
        if package in CRASH_PACKAGES:
            signals.append(Signal("js-crash-handler", view.location(view.root), package))
    sentry = any(view.imports_any(p) for p in ("@sentry/node", "@sentry/nestjs", "@sentry/bun"))
    for node in view.calls:
        _call_signals(view, scanner, node, signals, sentry)
    for node in view.functions:
        if _is_error_handler(node):
            signals.append(Signal("js-error-middleware", view.location(node), "(err, req, res, next)"))


def _call_signals(view: FileView, scanner: RouterScanner, call, signals, sentry: bool) -> None:
    receiver, method = view.call_parts(call)
    names = member_names(receiver) if receiver is not None else []
    args = view.arguments(call)
    made = scanner.constructed(call) if call.type == "call_expression" else None
    if made is not None and made[1] == "app":
        signals.append(Signal("js-http-app", view.location(call), made[0]))
        return
    if method == "create" and names == ["NestFactory"]:
        signals.append(Signal("js-http-app", view.location(call), "nestjs"))
        return
    if names == ["process"] and method in LISTENER_METHODS and args \
            and string_value(args[0]) in CRASH_EVENTS:
        signals.append(Signal("js-crash-handler", view.location(call), string_value(args[0]) or ""))
        return
    if names == ["process"] and method == "setUncaughtExceptionCaptureCallback":
        signals.append(Signal("js-crash-handler", view.location(call), method))
        return
    if sentry and method == "init" and len(names) == 1 and view.binds(names[0], "@sentry/node", "@sentry/nestjs",
                                                                       "@sentry/bun"):
        signals.append(Signal("js-crash-handler", view.location(call), "Sentry.init"))
        return
    if method in ("setupExpressErrorHandler", "errorHandler") and names and "sentry" in words(names[0]):
        signals.append(Signal("js-error-middleware", view.location(call), f"{names[0]}.{method}"))
        return
    if method == "use" and args:
        for arg in args:
            target = unwrap(arg)
            label = ".".join(member_names(callee(target) if target is not None
                                          and target.type == "call_expression" else target))
            if label and set(words(label.rsplit(".", 1)[-1])) & {"error", "errors", "err", "exception", "exceptions"}:
                signals.append(Signal("js-error-middleware", view.location(call), label))
                return
    if method in ("setHeader", "header", "set") and args:
        header = (string_value(args[0]) or "").lower()
        if header in SECURITY_HEADERS:
            signals.append(Signal("js-security-headers", view.location(call), header))
        return
    if names == ["console"] and method in CONSOLE_METHODS:
        signals.append(Signal("js-console-call", view.location(call), method))


def _is_error_handler(func) -> bool:
    params = params_of(func)
    if len(params) != 4:
        return False
    first = params[0][0].lower()
    second, third = params[1][0].lower(), params[2][0].lower()
    typed = param_type(params[0][1])
    if first not in ERROR_PARAM_NAMES and "error" not in words(first) and not typed.startswith(("Error", "HttpError")):
        return False
    return (second.lstrip("_").startswith("req") or "Request" in param_type(params[1][1])) \
        and (third.lstrip("_").startswith("res") or "Response" in param_type(params[2][1]))


EXTRACTOR = Extractor("javascript-routes", extract, languages=("javascript", "typescript"), kinds=("source",))

__all__ = ["EXPRESS", "EXTRACTOR", "extract"]
