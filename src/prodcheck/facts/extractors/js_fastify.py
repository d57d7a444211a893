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

import os
from pathlib import Path, PurePosixPath

from prodcheck.facts.extractors.js_common import (
    absent, arguments_of, auth_check, body_reads, body_validation, call_parts, callee,
    collection_result, ends_with_param, is_true, join_prefix, member_names, module_of,
    normalise_path, object_pairs, pagination_evidence, present, request_names, required_spec,
    resolve_object, string_of, strings_of, unknown, unwrap,
)
from prodcheck.facts.model import Mount, Route
from prodcheck.model import Endpoint, Facet, FacetState
from prodcheck.parsing.treesitter import text_of

FRAMEWORK = "fastify"
VERBS = ("get", "post", "put", "patch", "delete", "options", "head", "all", "search")
AUTH_HOOKS = ("onRequest", "preHandler", "preValidation", "preParsing")
RATE_PLUGINS = frozenset({"@fastify/rate-limit", "fastify-rate-limit"})
AUTOLOAD_PLUGINS = frozenset({"@fastify/autoload", "fastify-autoload"})
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
        if package in AUTOLOAD_PLUGINS:
            directory = _autoload_dir(options.get("dir"), view)
            inner = object_pairs(resolve_object(options.get("options"), view)) if "options" in options else {}
            inner_prefix = strings_of(inner.get("prefix"), view.consts) if "prefix" in inner else None
            if directory:
                autoload_mounts(scanner, ref, call, directory, options,
                                normalise_path(inner_prefix[0]) if inner_prefix else "")
            return
        if package in RATE_PLUGINS:
            global_node = unwrap(options.get("global"))
            if global_node is None or global_node.type != "false":
                facet = present(f"{package} (global)", view.location(call))
                scanner.builder.mounts.append(Mount("", ref.id, "", view.location(call), (("rate_limit", facet),)))
        return
    child = scanner.child_symbol(plugin)
    if child is not None and child[0] != ref.id:
        scanner.builder.mounts.append(Mount(ref.id, child[0], prefix, view.location(call)))


def _autoload_dir(node, view) -> str:
    """The directory (relative to the scan root) of `path.join(__dirname, 'routes')`."""
    node = unwrap(node)
    if node is None or node.type != "call_expression":
        return ""
    _, method = call_parts(node)
    args = arguments_of(node)
    if method not in ("join", "resolve") or not args:
        return ""
    first = text_of(args[0])
    if first not in ("__dirname", "import.meta.dirname") and "dirname" not in first:
        return ""
    pieces = [string_of(a, view.consts) for a in args[1:]]
    if not pieces or any(p is None for p in pieces):
        return ""
    base = PurePosixPath(view.path).parent
    target = base.joinpath(*[p for p in pieces if p])
    parts: list[str] = []
    for part in target.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def autoload_mounts(scanner, ref, call, directory: str, options: dict, prefix: str) -> None:
    """`register(autoload, { dir })`: every plugin file under the directory is registered with its
    sub-directory as prefix (`_id` directories are parameters). With `autoHooks`, an `autohooks`
    file's hooks apply to the plugins of its directory (and below with `cascadeHooks`): those
    plugins are mounted under it. The directory is listed from disk (bounded); nothing is run."""
    view, builder = scanner.view, scanner.builder
    root = scanner.scan_root
    if root is None:
        return
    base = (root / directory)
    try:
        base = base.resolve()
        if not base.is_dir() or not (base == root or root in base.parents):
            return
    except OSError:
        return
    files = _plugin_files(base)
    auto_hooks = is_true(options.get("autoHooks"))
    cascade = is_true(options.get("cascadeHooks"))
    hooks = {rel.parent: rel for rel in files if rel.name.split(".")[0] == "autohooks"} if auto_hooks else {}
    at = view.location(call)
    used_hooks: set = set()
    for rel in files:
        if rel.name.split(".")[0] == "autohooks":
            continue
        child = f"{module_of(directory + '/' + rel.as_posix())}:default"
        owner = _hooks_dir(rel.parent, hooks, cascade)
        if owner is not None:
            parent = f"{module_of(directory + '/' + hooks[owner].as_posix())}:default"
            used_hooks.add(owner)
            builder.mounts.append(Mount(parent, child, _dir_prefix(rel.parent.parts[len(owner.parts):]), at))
        else:
            builder.mounts.append(Mount(ref.id, child, join_prefix(prefix, _dir_prefix(rel.parent.parts)), at))
    for owner in sorted(used_hooks, key=lambda d: d.as_posix()):
        hook = f"{module_of(directory + '/' + hooks[owner].as_posix())}:default"
        builder.mounts.append(Mount(ref.id, hook, join_prefix(prefix, _dir_prefix(owner.parts)), at))


MAX_AUTOLOAD_FILES = 500
PLUGIN_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")


def _plugin_files(base) -> list[PurePosixPath]:
    found: list[PurePosixPath] = []
    for directory, dirs, names in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        for name in sorted(names):
            lowered = name.lower()
            if not lowered.endswith(PLUGIN_SUFFIXES) or lowered.endswith(".d.ts") \
                    or ".test." in lowered or ".spec." in lowered:
                continue
            found.append(PurePosixPath(Path(directory, name).relative_to(base).as_posix()))
            if len(found) >= MAX_AUTOLOAD_FILES:
                return found
    return found


def _hooks_dir(directory: PurePosixPath, hooks: dict, cascade: bool):
    if directory in hooks:
        return directory
    if cascade:
        for parent in directory.parents:
            if parent in hooks:
                return parent
    return None


def _dir_prefix(parts) -> str:
    pieces = [("{" + p[1:] + "}" if p.startswith("_") else p) for p in parts if p not in ("", ".")]
    return "/" + "/".join(pieces) if pieces else ""


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


__all__ = ["FRAMEWORK", "autoload_mounts", "registration", "schema_keys"]
