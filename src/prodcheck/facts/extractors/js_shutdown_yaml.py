"""JavaScript/TypeScript: service-level signals for the shutdown and YAML rules (JS-REL-007,
JS-SEC-034). A file is only indexed when its text mentions what is looked for.

Signals (`Signal(name, location, detail)`):
- `js-shutdown-handler` (detail: the signal, the method or the package): `process.on('SIGTERM' |
  'SIGINT', ...)` (also `once`/`addListener`, and a listener registered for a signal name held in
  a variable or list when the file names `SIGTERM`/`SIGINT`), NestJS `app.enableShutdownHooks()`,
  or a package that drains the server on a signal (`@godaddy/terminus`, `http-terminator`,
  `stoppable`, `lightship`, `close-with-grace`, `fastify-graceful-shutdown`, ...);
- `js-listen-parameter`: a `.listen(...)` on a function parameter (`function start(server) {
  server.listen(...) }`): library plumbing that starts whatever server it is given, not a service's
  own server start;
- `js-yaml-load` (detail: `unsafe` for `unsafeLoad()`/a full or JS-types schema, `default` for a
  `load()`/`loadAll()` of js-yaml without an explicitly safe schema): the call site; whether
  `default` is unsafe depends on the js-yaml major version, which the project rule reads.
"""
from __future__ import annotations

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors.js_common import (
    FileView, arguments_of, callee, enclosing_function, file_view, member_names,
    object_pairs, params_of, resolve_object, unwrap, walk_local,
)
from prodcheck.facts.model import Signal
from prodcheck.parsing.treesitter import string_value, text_of

SHUTDOWN_SIGNALS = frozenset({"SIGTERM", "SIGINT"})
SHUTDOWN_PACKAGES = frozenset({
    "@godaddy/terminus", "http-terminator", "stoppable", "lightship", "close-with-grace",
    "fastify-graceful-shutdown", "@fastify/graceful-shutdown", "http-graceful-shutdown",
    "express-graceful-shutdown", "@moebius/http-graceful-shutdown", "node-graceful-shutdown",
    "async-exit-hook", "exit-hook", "node-cleanup", "death", "graceful-shutdown-manager",
})
LISTENER_METHODS = frozenset({"on", "once", "addListener", "prependListener", "prependOnceListener"})
YAML_PACKAGES = frozenset({"js-yaml", "yamljs-full"})
YAML_LOADS = frozenset({"load", "loadAll", "unsafeLoad", "unsafeLoadAll"})


def extract(parsed, builder) -> None:
    text = parsed.text
    shutdown = "SIG" in text or "enableShutdownHooks" in text or any(p in text for p in SHUTDOWN_PACKAGES)
    yaml = "js-yaml" in text
    listen = ".listen(" in text
    if not (shutdown or yaml or listen) or parsed.tree is None:
        return
    view = file_view(parsed)
    signals = builder.signals
    if shutdown:
        for package in sorted(view.packages):
            if package in SHUTDOWN_PACKAGES:
                signals.append(Signal("js-shutdown-handler", view.location(view.root), package))
    names_signal = "'SIGTERM'" in text or '"SIGTERM"' in text or "'SIGINT'" in text or '"SIGINT"' in text
    for call in view.calls:
        receiver, method = view.call_parts(call)
        if shutdown and method in LISTENER_METHODS and receiver is not None \
                and member_names(receiver) == ["process"]:
            args = arguments_of(call)
            event = string_value(args[0]) if args else None
            if event in SHUTDOWN_SIGNALS or (event is None and args and names_signal):
                signals.append(Signal("js-shutdown-handler", view.location(call), event or "signal"))
        elif shutdown and method == "enableShutdownHooks":
            signals.append(Signal("js-shutdown-handler", view.location(call), method))
        elif listen and method == "listen" and receiver is not None and receiver.type == "identifier" \
                and _parameter(text_of(receiver), call):
            signals.append(Signal("js-listen-parameter", view.location(call), text_of(receiver)))
        elif yaml and method in YAML_LOADS:
            verdict = _yaml_call(call, receiver, method, view)
            if verdict:
                signals.append(Signal("js-yaml-load", view.location(call), verdict))


def _parameter(name: str, call) -> bool:
    func = enclosing_function(call)
    while func is not None:
        if name in (own for own, _ in params_of(func)):
            return True
        func = enclosing_function(func)
    return False


def _yaml_call(call, receiver, method: str, view: FileView) -> str:
    if receiver is None:
        function = callee(call)
        if function is None or function.type != "identifier":
            return ""
        binding = view.binding(text_of(function), call)
        if binding is None or binding.spec not in YAML_PACKAGES:
            return ""
        method = binding.name if binding.name in YAML_LOADS else method
    else:
        names = member_names(receiver)
        if len(names) != 1:
            return ""
        binding = view.binding(names[0], call)
        if binding is None or binding.spec not in YAML_PACKAGES:
            return ""
    if method.startswith("unsafe"):
        return "unsafe"
    args = arguments_of(call)
    options = args[-1] if len(args) >= 2 else None
    pairs = object_pairs(resolve_object(options, view)) if options is not None else {}
    schema = pairs.get("schema")
    if schema is None:
        return "default"
    return _schema(schema, view)


def _schema(schema, view: FileView) -> str:
    node = unwrap(schema)
    if node is None:
        return ""
    if node.type == "identifier":
        value = view.value_of(text_of(node), node)
        if value is not None and unwrap(value) is not None and unwrap(value) is not node:
            found = _schema(value, view)
            if found:
                return found
    for inner in [node, *walk_local(node)]:
        if inner.type in ("identifier", "property_identifier") and text_of(inner) == "DEFAULT_FULL_SCHEMA":
            return "unsafe"
        if inner.type == "identifier":
            binding = view.binding(text_of(inner), inner)
            if binding is not None and binding.spec.startswith("js-yaml-js-types"):
                return "unsafe"
    return ""                       # a safe schema (`JSON_SCHEMA`, `CORE_SCHEMA`, ...) or a custom one


EXTRACTOR = Extractor("javascript-shutdown-yaml", extract, languages=("javascript", "typescript"),
                      kinds=("source",))

__all__ = ["EXTRACTOR", "extract"]
