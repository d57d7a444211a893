"""Fastify registrations: `fastify.get(path, [options], handler)`, `fastify.route({method, url,
handler, schema, preHandler, onRequest})`, `fastify.register(plugin, { prefix })`, and hooks.

Facets of a route:
- auth: PRESENT for an `onRequest`/`preHandler`/`preValidation` hook that looks like auth (a name
  such as `fastify.authenticate`, `fastify.auth([...])`, or a function that calls
  `request.jwtVerify()`/answers 401) on the route or on its plugin context (`addHook`), or an
  explicit check in the handler; UNKNOWN for a hook that is not visible; ABSENT otherwise.
- validation: PRESENT for a JSON `schema.body` (a `querystring`/`params` schema alone counts for a
  handler that reads no body); ABSENT when the handler reads `request.body` without a schema.
- pagination (GET): PRESENT for page/limit properties in `schema.querystring` or in
  `request.query`; ABSENT for a whole collection; UNKNOWN otherwise.
- rate_limit: PRESENT for `config: { rateLimit }` on the route or `@fastify/rate-limit` registered
  on the context (global unless `global: false`).
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    absent, arguments_of, auth_check, body_reads, body_validation, callee, collection_result,
    ends_with_param, is_function, member_names, normalise_path, object_pairs, pagination_evidence,
    present, request_names, required_spec, resolve_object, strings_of, unknown, unwrap, words,
)
from prodcheck.facts.model import Mount, Route
from prodcheck.model import Endpoint, Facet, FacetState
from prodcheck.parsing.treesitter import text_of

FRAMEWORK = "fastify"
VERBS = ("get", "post", "put", "patch", "delete", "options", "head", "all", "search")
AUTH_HOOKS = ("onRequest", "preHandler", "preValidation", "preParsing")
RATE_PLUGINS = frozenset({"@fastify/rate-limit", "fastify-rate-limit"})
PAGE_KEYS = frozenset({"limit", "offset", "page", "per_page", "perpage", "pagesize", "page_size", "size",
                       "cursor", "skip", "take", "after", "before", "first", "last"})


def registration(scanner, ref, call, method: str) -> None:
    args = arguments_of(call)
    if method in VERBS:
        _verb(scanner, ref, call, method, args)
    elif method == "route" and args:
        options = resolve_object(args[0], scanner.view)
        if options is None:
            return
        pairs = object_pairs(options)
        methods = strings_of(pairs.get("method"), scanner.view.consts)
        paths = scanner.paths(pairs.get("url") or pairs.get("path"), call) if (pairs.get("url") or pairs.get("path")) else None
        handler = pairs.get("handler")
        if not methods or paths is None or handler is None:
            return
        for verb in methods:
            _route(scanner, ref, verb.lower(), paths, pairs, handler, call, options)
    elif method == "register" and args:
        _register(scanner, ref, call, args)
    elif method == "addHook" and len(args) >= 2:
        name = strings_of(args[0])
        if name and name[0] in AUTH_HOOKS:
            facets = tuple(scanner.classify(args[1]))
            if facets:
                scanner.builder.mounts.append(Mount("", ref.id, "", scanner.view.location(call), facets))


def _verb(scanner, ref, call, method: str, args) -> None:
    if len(args) < 2:
        return
    paths = scanner.paths(args[0], call)
    if paths is None:
        return
    pairs: dict = {}
    options = None
    if len(args) >= 3:
        options = resolve_object(args[1], scanner.view)
        pairs = object_pairs(options) if options is not None else {}
        handler = args[-1]
    else:
        options = resolve_object(args[1], scanner.view)
        if options is not None and "handler" in object_pairs(options):
            pairs = object_pairs(options)
            handler = pairs["handler"]
        else:
            options = None
            handler = args[1]
    _route(scanner, ref, method, paths, pairs, handler, call, options)


def _route(scanner, ref, method: str, paths: list[str], pairs: dict, handler_expr, call, options) -> None:
    view = scanner.view
    handler = scanner.handler(handler_expr)
    func = handler.func
    at = call.child_by_field_name("function")
    location = view.location(at.child_by_field_name("property") if at is not None
                             and at.type == "member_expression" and at.child_by_field_name("property") is not None
                             else call)
    hooks: list[tuple[str, Facet]] = []
    for key in AUTH_HOOKS:
        if key in pairs:
            hooks.extend(scanner.classify(pairs[key]))
    schema_node = pairs.get("schema")
    schema = object_pairs(resolve_object(schema_node, view)) if schema_node is not None else {}
    opaque_schema = schema_node is not None and not schema
    names = request_names(func) if func is not None else ("request",)
    verb = method.upper()
    for path in paths:
        prior = scanner.prior(ref, normalise_path(path), call.start_byte)
        chain = prior + hooks
        facets = {
            "auth": _auth(chain, func, location, view),
            "validation": _validation(schema, opaque_schema, func, names, location, view, schema_node),
            "pagination": _pagination(schema, func, names, verb, path, view),
            "rate_limit": _rate_limit(pairs, chain, view),
        }
        endpoint = Endpoint(verb, normalise_path(path), handler.name, location, FRAMEWORK, **facets)
        scanner.builder.routes.append(Route(ref.id, endpoint))


def _register(scanner, ref, call, args) -> None:
    view = scanner.view
    plugin = unwrap(args[0])
    options = object_pairs(resolve_object(args[1], view)) if len(args) > 1 else {}
    prefix_values = strings_of(options.get("prefix"), view.consts) if "prefix" in options else None
    prefix = normalise_path(prefix_values[0]) if prefix_values else ""
    package = _package_of(plugin, view)
    if package:
        if package in RATE_PLUGINS:
            global_node = unwrap(options.get("global"))
            if global_node is None or global_node.type != "false":
                facet = present(f"{package} (global)", view.location(call))
                scanner.builder.mounts.append(Mount("", ref.id, "", view.location(call), (("rate_limit", facet),)))
        return
    child = scanner.child_symbol(plugin)
    if child is not None and child[0] != ref.id:
        scanner.builder.mounts.append(Mount(ref.id, child[0], prefix, view.location(call)))


def _package_of(plugin, view) -> str:
    """The npm package a registered plugin comes from ("" for the project's own)."""
    if plugin is None:
        return ""
    spec = required_spec(plugin)
    if spec is not None:
        return "" if spec.startswith((".", "/")) or spec.startswith(("@/", "~/")) else spec
    names = member_names(plugin)
    if plugin.type == "call_expression":
        function = callee(plugin)
        inner = arguments_of(plugin)
        if function is not None and text_of(function) in ("fp", "fastifyPlugin") and inner:
            return _package_of(unwrap(inner[0]), view)
    if names:
        binding = view.binding(names[0], plugin)
        if binding is not None and binding.package:
            return binding.spec
    return ""


def _auth(chain, func, location, view) -> Facet:
    for name, facet in chain:
        if name == "auth" and facet.state is FacetState.PRESENT:
            return facet
    if func is not None:
        mechanism, node = auth_check(func)
        if mechanism:
            return present(mechanism, view.location(node))
    for name, facet in chain:
        if name == "auth" and facet.state is FacetState.UNKNOWN:
            return facet
    return absent("", location)


def _validation(schema, opaque, func, names, location, view, schema_node) -> Facet:
    if "body" in schema:
        return present("JSON schema (body)", view.location(schema["body"]))
    if func is None:
        return present("schema", view.location(schema_node)) if opaque else unknown("handler not visible")
    reads = body_reads(func, names)
    if reads:
        mechanism, node = body_validation(func)
        if mechanism:
            return present(mechanism, view.location(node))
        if opaque:
            return present("schema", view.location(schema_node))
        return absent(f"{names[0]}.body without a schema", view.location(reads[0]))
    if schema:
        return present("JSON schema", view.location(schema_node))
    return present("no body", location)


def _pagination(schema, func, names, verb, path, view) -> Facet:
    if verb != "GET":
        return unknown("not a GET")
    for key in ("querystring", "query"):
        if key in schema:
            found = sorted(k for k in schema_keys(schema[key], view) if k.lower() in PAGE_KEYS)
            if found:
                return present(f"`{found[0]}` in schema.{key}", view.location(schema[key]))
    if ends_with_param(path):
        return unknown("single resource")
    if func is None:
        return unknown("handler not visible")
    mechanism, node = pagination_evidence(func, names)
    if mechanism:
        return present(mechanism, view.location(node))
    found_node = collection_result(func, names)
    if found_node is not None:
        return absent("collection without limit", view.location(found_node))
    return unknown("not a collection")


def _rate_limit(pairs, chain, view) -> Facet:
    config = object_pairs(resolve_object(pairs.get("config"), view)) if "config" in pairs else {}
    if "rateLimit" in config:
        value = unwrap(config["rateLimit"])
        if value is None or value.type != "false":
            return present("config.rateLimit", view.location(config["rateLimit"]))
    for name, facet in chain:
        if name == "rate_limit" and facet.state is FacetState.PRESENT:
            return facet
    return unknown()


def schema_keys(node, view, depth: int = 0) -> set[str]:
    """Property names of a JSON schema object or a TypeBox/zod object schema."""
    node = unwrap(node)
    if node is None or depth > 3:
        return set()
    if node.type == "identifier":
        resolved = resolve_object(node, view)
        if resolved is not None:
            return schema_keys(resolved, view, depth + 1)
        value = view.value_of(text_of(node), node)
        return schema_keys(value, view, depth + 1) if value is not None else set()
    if node.type == "object":
        pairs = object_pairs(node)
        if "properties" in pairs:
            return set(object_pairs(resolve_object(pairs["properties"], view)))
        return {k for k in pairs if k != "..."} if "type" not in pairs else set()
    if node.type == "call_expression":
        for arg in arguments_of(node):
            keys = schema_keys(arg, view, depth + 1)
            if keys:
                return keys
        function = callee(node)
        if function is not None and function.type == "member_expression":
            return schema_keys(function.child_by_field_name("object"), view, depth + 1)
    return set()


def looks_like_fastify_handler(func) -> bool:
    from prodcheck.facts.extractors.js_common import params_of
    params = params_of(func) if is_function(func) else []
    return len(params) >= 2 and "reply" in words(params[1][0])


__all__ = ["FRAMEWORK", "registration", "schema_keys"]
