"""JavaScript/TypeScript: service-level signals for the JS pack-B project rules.

- `js-request-id` (detail: the mechanism), from JS/TS sources: a request-id or correlation-id
  package imported (`express-request-id`, `cls-rtracer`, `express-correlation-id`, `nestjs-cls`,
  `pino-http`, `nestjs-pino`, ...), tracing instrumentation (`@opentelemetry/*`, `dd-trace`,
  `elastic-apm-node`, `newrelic`), a request-id header name in a string (`x-request-id`,
  `x-correlation-id`, `traceparent`, ...), a `genReqId`/`requestIdHeader` option, or an
  assignment to `req.id`/`request.id`/`req.requestId`;
- `js-lint-config` (detail: the evidence), from package.json: an `eslintConfig` section, or a
  script that runs eslint, biome, xo, standard or oxlint;
- `js-format-config` (detail), from package.json: a `prettier` section or a script that runs
  prettier, biome or dprint;
- `js-package-types` (detail: the path), from package.json: a `types`/`typings` entry (with
  JavaScript-only files around it, the package is a build output: published code).

Nothing here runs the scanned code; sources are read through their tree-sitter tree.
"""
from __future__ import annotations

import re

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors.js_common import member_names
from prodcheck.facts.model import Signal
from prodcheck.model import Location
from prodcheck.parsing.treesitter import preorder, string_value, text_of

REQUEST_ID_PACKAGES = ("express-request-id", "cls-rtracer", "express-correlation-id", "correlation-id",
                       "express-correlation-id-middleware", "request-id", "nestjs-cls", "pino-http",
                       "nestjs-pino", "express-pino-logger", "express-http-context", "express-request-context",
                       "@opentelemetry", "dd-trace", "elastic-apm-node", "newrelic", "@google-cloud/trace-agent",
                       "@fastify/request-context", "fastify-request-id", "koa-requestid",
                       "@nestjs/cqrs-request-id", "nestjs-request-context", "express-winston-request-id",
                       "morgan-request-id", "express-ctx", "@elastic/ecs-pino-format", "hpropagate")
REQUEST_ID_HEADERS = frozenset({"x-request-id", "x-correlation-id", "x-requestid", "request-id", "traceparent",
                                "x-amzn-trace-id", "x-b3-traceid", "x-cloud-trace-context", "x-trace-id",
                                "correlation-id", "x-correlationid"})
REQUEST_ID_KEYS = frozenset({"genReqId", "requestIdHeader", "requestIdLogLabel", "generateRequestId"})
REQUEST_ID_FIELDS = frozenset({"id", "requestId", "correlationId", "reqId", "traceId"})
HINTS = re.compile(r"request-?id|correlation|traceparent|trace-?id|genReqId|reqId|opentelemetry|dd-trace|newrelic|"
                   r"elastic-apm|rtracer|nestjs-cls|pino|http-context|request-context|trace-agent|b3-|"
                   r"cloud-trace|hpropagate|express-ctx|\b(req|request)\.\w+\s*=", re.I)
# HINTS spelled out for lowercased ASCII text, which the search alone scans slowly (every
# alternative is tried at every position under IGNORECASE): its literal alternatives, and the
# assignment alternative, first without its leading `\b`, which lets `re` skip ahead.
HINT_LITERALS = ("requestid", "request-id", "correlation", "traceparent", "traceid", "trace-id", "genreqid",
                 "reqid", "opentelemetry", "dd-trace", "newrelic", "elastic-apm", "rtracer", "nestjs-cls", "pino",
                 "http-context", "request-context", "trace-agent", "b3-", "cloud-trace", "hpropagate", "express-ctx")
REQUEST_ASSIGNMENT = re.compile(r"\b(req|request)\.\w+\s*=")
REQUEST_ASSIGNMENT_ANYWHERE = re.compile(r"(?:req|request)\.\w+\s*=")
# the node types `_evidence` reads
EVIDENCE_TYPES = frozenset({"string", "property_identifier", "shorthand_property_identifier", "assignment_expression"})
LINT_TOOLS = re.compile(r"(^|[\s;&|/(])(eslint|biome|xo|standard|ts-standard|oxlint|tslint)(\s|$|;|&|\|)")
FORMAT_TOOLS = re.compile(r"(^|[\s;&|/(])(prettier|biome|dprint)(\s|$|;|&|\|)")


def extract_source(parsed, builder) -> None:
    """The first piece of evidence in a walk of the tree that takes the children of a node last
    first (none when the text has no hint of one)."""
    if not _hinted(parsed.text):
        return
    listed = preorder(parsed)
    nodes, types = listed.nodes, listed.types
    found = []
    for position in [i for i, kind in enumerate(types) if kind in EVIDENCE_TYPES]:
        signal = _evidence(parsed, nodes[position], types[position])
        if signal is not None:
            found.append(signal)
            if len(found) > 1:
                break
    if len(found) == 1:            # the only one, whatever the order
        builder.signals.append(found[0])
    elif found:                    # several: the walk's order decides which comes first
        builder.signals.append(_first_evidence(parsed))


def _first_evidence(parsed) -> Signal | None:
    stack = [parsed.tree.root_node]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in EVIDENCE_TYPES:
            signal = _evidence(parsed, node, kind)
            if signal is not None:
                return signal
        if kind != "string" and node.child_count:
            stack.extend(node.children)
    return None


def _evidence(parsed, node, kind: str) -> Signal | None:
    """The `js-request-id` signal a node is evidence for, or None."""
    if kind == "string":
        raw = string_value(node) or ""
        value = raw.strip().lower()
        if value in REQUEST_ID_HEADERS:
            return Signal("js-request-id", _at(parsed, node), f"header {value}")
        if _module_string(node) and any(raw == p or raw.startswith(p + "/") for p in REQUEST_ID_PACKAGES):
            return Signal("js-request-id", _at(parsed, node), raw)
        return None
    if kind in ("property_identifier", "shorthand_property_identifier"):
        if text_of(node) in REQUEST_ID_KEYS \
                and node.parent is not None and node.parent.type in ("pair", "object", "member_expression"):
            return Signal("js-request-id", _at(parsed, node), text_of(node))
        return None
    names = member_names(node.child_by_field_name("left"))          # an assignment
    if len(names) == 2 and names[0] in ("req", "request") and names[1] in REQUEST_ID_FIELDS:
        return Signal("js-request-id", _at(parsed, node), ".".join(names))
    return None


def _hinted(text: str) -> bool:
    """`HINTS.search(text) is not None`, answered faster for ASCII text (beyond ASCII, case folding
    differs from `lower()`, so the search itself answers)."""
    if not text.isascii():
        return HINTS.search(text) is not None
    lowered = text.lower()
    return any(literal in lowered for literal in HINT_LITERALS) or (
        REQUEST_ASSIGNMENT_ANYWHERE.search(lowered) is not None
        and REQUEST_ASSIGNMENT.search(lowered) is not None)


def _module_string(node) -> bool:
    """The string names a module: `import ... from 'x'`, `require('x')`, `import('x')`."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type in ("import_statement", "export_statement", "import_require_clause"):
        return True
    if parent.type == "arguments" and parent.parent is not None and parent.parent.type == "call_expression":
        function = parent.parent.child_by_field_name("function")
        return function is not None and (function.type == "import" or text_of(function) == "require")
    return False


def _at(parsed, node) -> Location:
    return Location.at(parsed.path, node.start_point[0] + 1, node.start_point[1] + 1)


def extract_package(parsed, builder) -> None:
    tree = parsed.tree if isinstance(parsed.tree, dict) else None
    if tree is None:
        return
    where = Location.at(parsed.path, 1)
    if "eslintConfig" in tree:
        builder.signals.append(Signal("js-lint-config", where, "eslintConfig"))
    if "prettier" in tree:
        builder.signals.append(Signal("js-format-config", where, "prettier"))
    for key in ("types", "typings"):
        if isinstance(tree.get(key), str):
            builder.signals.append(Signal("js-package-types", where, tree[key]))
            break
    scripts = tree.get("scripts")
    if isinstance(scripts, dict):
        for name, command in sorted(scripts.items()):
            if not isinstance(command, str):
                continue
            if LINT_TOOLS.search(command):
                builder.signals.append(Signal("js-lint-config", where, f"script {name}"))
            if FORMAT_TOOLS.search(command):
                builder.signals.append(Signal("js-format-config", where, f"script {name}"))


def _is_package_json(parsed) -> bool:
    return parsed.path.rsplit("/", 1)[-1] == "package.json"


def _package(parsed, builder) -> None:
    if _is_package_json(parsed):
        extract_package(parsed, builder)


EXTRACTORS = (
    Extractor("js-service-signals", extract_source, languages=("javascript", "typescript"), kinds=("source",)),
    Extractor("js-package-signals", _package, languages=("json",), kinds=("manifest",)),
)

__all__ = ["EXTRACTORS", "extract_package", "extract_source"]
