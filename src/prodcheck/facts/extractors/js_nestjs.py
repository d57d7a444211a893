"""NestJS: `@Controller('prefix')` classes and their `@Get/@Post/...` methods, guards, pipes and
throttling, and the app-wide settings of `main.ts` and modules.

All controllers under one source root (the path up to the last `src` directory) belong to one
Nest application, symbol "<root>:@nestjs-app"; the app-wide settings become a declaration mount
on that symbol (`Mount(parent="")`): `app.setGlobalPrefix('api')` is its prefix, global guards
(`app.useGlobalGuards(...)`, an `APP_GUARD` provider) and pipes (`app.useGlobalPipes(new
ValidationPipe())`, `APP_PIPE`) its facets. Routes that opt out of authentication with a
`@Public()`-style decorator (a `SetMetadata`-based marker) belong to "<root>:@nestjs-app-public",
which gets the prefix and every global facet except auth.

Facets:
- auth: PRESENT for `@UseGuards(...)` on the method or class (any guard but the throttler), an
  auth decorator (`@Auth()`); UNKNOWN for role metadata without a visible guard (`@Roles(...)`);
  ABSENT otherwise (a global guard upgrades it).
- validation: PRESENT for a validation pipe on the parameter, method or class; ABSENT for a
  `@Body()` DTO without a visible pipe (a global `ValidationPipe` upgrades it) or an untyped body;
  PRESENT "no body" when the handler takes no body.
- pagination (GET): PRESENT for `@Query('page'|'limit'...)`, a pagination DTO or `@Paginate()`;
  ABSENT for a declared array response or a whole-collection read; UNKNOWN otherwise.
- rate_limit: PRESENT for `@Throttle(...)` or `ThrottlerGuard`; else UNKNOWN.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from prodcheck.facts.extractors.js_common import (
    FileView, absent, arguments_of, auth_check, body_of, body_reads, body_validation, call_parts,
    callee, collection_result, ends_with_param, join_prefix, member_names, name_kind,
    normalise_path, object_pairs, pagination_evidence, param_type, params_of, present,
    string_of, strings_of, unknown, unwrap, words,
)
from prodcheck.facts.model import Mount, Route
from prodcheck.model import Endpoint, Facet
from prodcheck.parsing.treesitter import text_of, walk

FRAMEWORK = "nestjs"
APP = "@nestjs-app"
PUBLIC_APP = "@nestjs-app-public"
PUBLIC_SUFFIX = ".public"
REQUEST_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "ALL", "OPTIONS", "HEAD")
HTTP_DECORATORS = {"Get": "GET", "Post": "POST", "Put": "PUT", "Patch": "PATCH", "Delete": "DELETE",
                   "All": "ALL", "Options": "OPTIONS", "Head": "HEAD", "Search": "SEARCH"}
PUBLIC_WORDS = frozenset({"public", "anonymous", "unprotected", "unauthenticated", "unauthorized"})
ROLE_METADATA = frozenset({"Roles", "Role", "Permissions", "Permission", "Scopes", "HasRoles",
                           "RequirePermissions", "Policies", "CheckPolicies", "Abilities"})
PRIMITIVE_TYPES = frozenset({"string", "number", "boolean", "any", "unknown", "object", "Object", "Record",
                             "Partial", "Array", "{", "Promise"})
PAGE_TYPE_WORDS = frozenset({"page", "pagination", "paginate", "paginated", "paging", "pageable", "cursor"})
_ARRAY_RETURN = re.compile(r"(\[\]\s*>*\s*$)|(^(Promise<)?\s*(Array|ReadonlyArray)<)")


def route_symbol(controller: str, verb: str, path: str) -> str:
    """One route of a controller, named by method and path (without the global prefix), so that
    `consumer.apply(...).forRoutes({ path, method })` in its module can name it."""
    return f"{controller}@{verb} {normalise_path(path).strip('/')}"


def nest_root(path: str) -> str:
    parts = list(PurePosixPath(path).parts[:-1])
    index = max((i for i, p in enumerate(parts) if p == "src"), default=-1)
    return ".".join(parts[: index + 1]) if index >= 0 else ""


def extract(view: FileView, builder) -> None:
    if view.root is None:
        return
    nest = view.imports_any("@nestjs/common", "@nestjs/core")
    if not nest:
        return
    root = nest_root(view.path)
    public_markers = _public_markers(view)
    globals_prefix: str | None = None
    global_facets: list[tuple[str, Facet]] = []
    nodes = sorted([*view.classes, *(c for c in view.calls if c.type == "call_expression"), *view.objects],
                   key=lambda n: n.start_byte)
    for node in nodes:
        kind = node.type
        if kind in ("class_declaration", "abstract_class_declaration", "class") and nest:
            decorators = class_decorators(node)
            controller = next((d for d in decorators if decorator_name(d) == "Controller"), None)
            if controller is not None:
                _controller(view, builder, node, decorators, controller, root, public_markers)
        elif kind == "call_expression" and nest:
            _, method = view.call_parts(node)
            args = arguments_of(node)
            if method == "forRoutes":
                _middleware(view, builder, node, root)
            elif method == "setGlobalPrefix" and args:
                value = string_of(args[0], view.consts)
                if value is not None:
                    globals_prefix = value
            elif method == "useGlobalGuards":
                global_facets.extend(_guard_facets(args, "global guard", view))
            elif method == "useGlobalPipes":
                global_facets.extend(_pipe_facets(args, "global pipe", view))
        elif kind == "object" and nest:
            pairs = object_pairs(node)
            provide = text_of(unwrap(pairs.get("provide"))) if "provide" in pairs else ""
            if provide in ("APP_GUARD", "APP_PIPE"):
                target = pairs.get("useClass") or pairs.get("useExisting") or pairs.get("useValue") \
                    or pairs.get("useFactory")
                if target is not None:
                    label = f"{provide} provider"
                    if provide == "APP_GUARD":
                        global_facets.extend(_guard_facets([target], label, view))
                    else:
                        global_facets.extend(_pipe_facets([target], label, view))
    if globals_prefix is None and not global_facets:
        return
    prefix = join_prefix("", globals_prefix) if globals_prefix else ""
    at = view.location(view.root)
    builder.mounts.append(Mount("", f"{root}:{APP}", prefix, at, tuple(global_facets)))
    builder.mounts.append(Mount("", f"{root}:{PUBLIC_APP}", prefix, at,
                                tuple(f for f in global_facets if f[0] != "auth")))


# ---------------------------------------------------------------- module middleware

def _middleware(view: FileView, builder, call, root: str) -> None:
    """`consumer.apply(AuthMiddleware).exclude(...).forRoutes(...)` in a module's `configure`."""
    applied, excluded = [], False
    current = callee(call)
    receiver = current.child_by_field_name("object") if current is not None and current.type == "member_expression" else None
    for _ in range(8):
        inner = unwrap(receiver)
        if inner is None or inner.type != "call_expression":
            break
        inner_receiver, inner_method = call_parts(inner)
        if inner_method == "exclude":
            excluded = True
        elif inner_method == "apply":
            applied = arguments_of(inner)
            break
        receiver = inner_receiver
    facets = []
    for middleware in applied:
        name = _target_name(middleware)
        kind = name_kind(name)
        evidence = view.location(middleware)
        if kind == "auth":
            facets.append(("auth", unknown(f"middleware {name} (with exclusions)", evidence) if excluded
                           else present(f"middleware {name}", evidence)))
        elif kind == "rate":
            facets.append(("rate_limit", present(f"middleware {name}", evidence)))
    if not facets:
        return
    at = view.location(call)
    module_controllers = _module_controllers(call, view)
    for target in arguments_of(call):
        node = unwrap(target)
        if node is None:
            continue
        if node.type in ("identifier", "member_expression"):
            symbol = _class_symbol(node, view)
            if symbol:
                for child in (symbol, symbol + PUBLIC_SUFFIX):
                    builder.mounts.append(Mount("", child, "", at, tuple(facets)))
            continue
        path, methods = _route_info(node, view)
        if path is None:
            continue
        if path.strip("/") in ("*", "(.*)", "{*splat}", "*path", ""):
            for child in (f"{root}:{APP}", f"{root}:{PUBLIC_APP}"):
                builder.mounts.append(Mount("", child, "", at, tuple(facets)))
        elif "*" in path or "(" in path:
            weaker = tuple((n, unknown(f"{f.mechanism} for {path}", f.evidence)) for n, f in facets)
            for symbol in module_controllers:
                for child in (symbol, symbol + PUBLIC_SUFFIX):
                    builder.mounts.append(Mount("", child, "", at, weaker))
        elif module_controllers:
            for symbol in module_controllers:
                for verb in methods:
                    builder.mounts.append(Mount("", route_symbol(symbol, verb, path), "", at, tuple(facets)))
        else:
            weaker = tuple((n, unknown(f"{f.mechanism} for {path}", f.evidence)) for n, f in facets)
            for child in (f"{root}:{APP}", f"{root}:{PUBLIC_APP}"):
                builder.mounts.append(Mount("", child, "", at, weaker))


def _route_info(node, view) -> tuple[str | None, tuple[str, ...]]:
    if node.type == "object":
        pairs = object_pairs(node)
        path = string_of(pairs.get("path"), view.consts) if "path" in pairs else None
        method = member_names(pairs.get("method"))[-1:] if "method" in pairs else ["ALL"]
        verb = method[0].upper() if method else "ALL"
        return path, REQUEST_METHODS if verb == "ALL" else (verb,)
    path = string_of(node, view.consts)
    return path, REQUEST_METHODS


def _class_symbol(node, view) -> str:
    names = member_names(node)
    if len(names) != 1:
        return ""
    binding = view.binding(names[0], node)
    if binding is not None and binding.module:
        return binding.symbol if binding.name != "default" else f"{binding.module}:default"
    if view.lookup(names[0], node) is not None:
        return f"{view.module}:{names[0]}"
    return ""


def _module_controllers(call, view) -> list[str]:
    """The controllers declared by the `@Module({ controllers: [...] })` around `call`."""
    cls = call.parent
    while cls is not None and cls.type not in ("class_declaration", "class"):
        cls = cls.parent
    if cls is None:
        return []
    for decorator in class_decorators(cls):
        if decorator_name(decorator) != "Module" or not decorator_args(decorator):
            continue
        controllers = object_pairs(decorator_args(decorator)[0]).get("controllers")
        node = unwrap(controllers)
        if node is not None and node.type == "array":
            return [s for s in (_class_symbol(c, view) for c in node.named_children) if s]
    return []


# ---------------------------------------------------------------- decorators

def class_decorators(cls) -> list:
    found = [c for c in cls.children if c.type == "decorator"]
    parent = cls.parent
    if parent is not None and parent.type == "export_statement":
        found = [c for c in parent.children if c.type == "decorator"] + found
    return found


def member_decorators(body) -> list[tuple[object, list]]:
    """(method, decorators) for every method of a class body (TS keeps decorators as siblings)."""
    found = []
    pending: list = []
    for child in body.named_children:
        if child.type == "decorator":
            pending.append(child)
            continue
        if child.type == "method_definition":
            own = [c for c in child.children if c.type == "decorator"]
            found.append((child, pending + own))
        pending = []
    return found


def decorator_name(decorator) -> str:
    inner = [c for c in decorator.named_children if c.type != "comment"]
    if not inner:
        return ""
    node = inner[0]
    if node.type == "call_expression":
        node = callee(node)
    names = member_names(node)
    return names[-1] if names else ""


def decorator_args(decorator) -> list:
    inner = [c for c in decorator.named_children if c.type != "comment"]
    return arguments_of(inner[0]) if inner and inner[0].type == "call_expression" else []


def _public_markers(view: FileView) -> set[str]:
    """Decorators this file defines as `SetMetadata(IS_PUBLIC_KEY, true)` markers."""
    found = set()
    if b"SetMetadata" not in view.root.text:      # every marker's value says it
        return found
    for node in walk(view.root):
        if node.type != "variable_declarator":
            continue
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None or value is None or "SetMetadata" not in text_of(value):
            continue
        if set(words(text_of(name))) & PUBLIC_WORDS or "skip" in words(text_of(name)) \
                or any(set(words(text_of(a))) & PUBLIC_WORDS for a in walk(value) if a.type in ("identifier", "string_fragment")):
            found.add(text_of(name))
    return found


def is_public_decorator(name: str, markers: set[str]) -> bool:
    tokens = words(name)
    if name in markers:
        return True
    if set(tokens) & PUBLIC_WORDS:
        return True
    return len(tokens) >= 2 and tokens[0] in ("skip", "no", "without", "allow", "bypass") \
        and tokens[-1] in ("auth", "jwt", "guard", "guards", "authentication", "anonymous", "login")


# ---------------------------------------------------------------- controllers

def _controller(view, builder, cls, decorators, controller, root, markers) -> None:
    prefixes, version = _controller_paths(controller, view)
    name_node = cls.child_by_field_name("name")
    class_name = text_of(name_node) if name_node is not None else "<class>"
    body = cls.child_by_field_name("body")
    if body is None:
        return
    controller_id = f"{view.module}:{class_name}"
    at = view.location(cls)
    builder.mounts.append(Mount(f"{root}:{APP}", controller_id, "", at))
    builder.mounts.append(Mount(f"{root}:{PUBLIC_APP}", controller_id + PUBLIC_SUFFIX, "", at))
    mounted: set[tuple[str, str]] = set()
    class_guards = [d for d in decorators if decorator_name(d) != "Controller"]
    for method, method_decorators in member_decorators(body):
        verbs = [(HTTP_DECORATORS[decorator_name(d)], d) for d in method_decorators
                 if decorator_name(d) in HTTP_DECORATORS]
        if not verbs:
            continue
        method_version = next((strings_of(decorator_args(d)[0], view.consts) for d in method_decorators
                               if decorator_name(d) == "Version" and decorator_args(d)), None) or version
        all_decorators = class_guards + [d for d in method_decorators if decorator_name(d) not in HTTP_DECORATORS]
        public = any(is_public_decorator(decorator_name(d), markers) for d in all_decorators)
        method_name = text_of(method.child_by_field_name("name"))
        location = view.location(method.child_by_field_name("name") or method)
        handler = f"{view.module}.{class_name}.{method_name}"
        for verb, decorator in verbs:
            paths = strings_of(decorator_args(decorator)[0], view.consts) if decorator_args(decorator) else [""]
            if paths is None:
                continue
            for prefix in prefixes:
                for version_prefix in (method_version or [""]):
                    base = join_prefix(f"v{version_prefix}" if version_prefix else "", prefix)
                    for path in paths:
                        full = normalise_path(join_prefix(base, path))
                        facets = _facets(view, method, all_decorators, verb, full, public, location)
                        symbol = route_symbol(controller_id, verb, full)
                        parent = controller_id + (PUBLIC_SUFFIX if public else "")
                        if (parent, symbol) not in mounted:
                            mounted.add((parent, symbol))
                            builder.mounts.append(Mount(parent, symbol, "", location))
                        endpoint = Endpoint(verb, full, handler, location, FRAMEWORK, **facets)
                        builder.routes.append(Route(symbol, endpoint))


def _controller_paths(decorator, view) -> tuple[list[str], list[str] | None]:
    args = decorator_args(decorator)
    if not args:
        return [""], None
    first = unwrap(args[0])
    if first is not None and first.type == "object":
        pairs = object_pairs(first)
        paths = strings_of(pairs.get("path"), view.consts) if "path" in pairs else [""]
        version = strings_of(pairs.get("version"), view.consts) if "version" in pairs else None
        return paths or [""], version
    return strings_of(first, view.consts) or [""], None


# ---------------------------------------------------------------- facets

def _facets(view, method, decorators, verb, path, public, location) -> dict[str, Facet]:
    params = _params(method)
    return {
        "auth": _auth(view, method, decorators, public, location),
        "validation": _validation(view, method, decorators, params, location),
        "pagination": _pagination(view, method, decorators, params, verb, path),
        "rate_limit": _rate_limit(view, decorators),
    }


def _params(method) -> list[tuple[str, str, list, object]]:
    """(name, type, decorators, node) of every parameter."""
    found = []
    for name, node in params_of(method):
        decorators = [c for c in node.children if c.type == "decorator"]
        found.append((name, param_type(node), decorators, node))
    return found


def _auth(view, method, decorators, public, location) -> Facet:
    unknowns = []
    for decorator in decorators:
        name = decorator_name(decorator)
        if name == "UseGuards":
            for guard in decorator_args(decorator):
                label = _target_name(guard)
                if not _is_throttler(label):
                    return present(f"@UseGuards({label})", view.location(decorator))
        elif name.startswith("Api") or name in ("Controller", "Version", "HttpCode", "Header"):
            continue
        elif name in ROLE_METADATA:
            unknowns.append((f"@{name}(...) without a visible guard", decorator))
        elif name_kind(name) == "auth" and not is_public_decorator(name, set()):
            return present(f"@{name}()", view.location(decorator))
    mechanism, node = auth_check(method)
    if mechanism:
        return present(mechanism, view.location(node))
    if public:
        return absent("public by decorator", location)
    if unknowns:
        label, node = unknowns[0]
        return unknown(label, view.location(node))
    return absent("", location)


def _validation(view, method, decorators, params, location) -> Facet:
    for decorator in decorators:
        if decorator_name(decorator) == "UsePipes":
            facets = _pipe_facets(decorator_args(decorator), "@UsePipes", view)
            if facets:
                return facets[0][1]
    body_param = None
    for name, type_text, param_decorators, node in params:
        for decorator in param_decorators:
            dname = decorator_name(decorator)
            if dname not in ("Body", "Req", "Request"):
                continue
            args = decorator_args(decorator)
            pipes = _pipe_facets(args, f"@{dname}() pipe", view)
            if pipes:
                return pipes[0][1]
            if dname == "Body":
                body_param = (name, type_text, node)
            else:
                reads = body_reads(method, (name,)) if name else []
                if reads:
                    mechanism, found = body_validation(method)
                    if mechanism:
                        return present(mechanism, view.location(found))
                    return absent(f"{name}.body without a schema", view.location(reads[0]))
    if body_param is not None:
        name, type_text, node = body_param
        base = type_text.split("<")[0].strip()
        mechanism, found = body_validation(method)
        if mechanism:
            return present(mechanism, view.location(found))
        if base and base[:1].isupper() and base not in PRIMITIVE_TYPES:
            return absent(f"DTO {base} without a visible ValidationPipe", view.location(node))
        return absent("untyped @Body()", view.location(node))
    return present("no body", location)


def _pagination(view, method, decorators, params, verb, path) -> Facet:
    if verb != "GET":
        return unknown("not a GET")
    page_names = {"limit", "offset", "page", "perpage", "pagesize", "size", "cursor", "skip", "take",
                  "after", "before", "first", "last"}
    for name, type_text, param_decorators, node in params:
        for decorator in param_decorators:
            dname = decorator_name(decorator)
            args = decorator_args(decorator)
            if dname == "Paginate" or set(words(dname)) & PAGE_TYPE_WORDS:
                return present(f"@{dname}()", view.location(decorator))
            if dname == "Query":
                key = string_of(args[0]) if args else None
                if key is not None and key.lower().replace("_", "") in page_names:
                    return present(f"`{key}` query parameter", view.location(node))
                if key is None and set(words(type_text)) & PAGE_TYPE_WORDS:
                    return present(f"{type_text} query", view.location(node))
    for decorator in decorators:
        if set(words(decorator_name(decorator))) & PAGE_TYPE_WORDS:
            return present(f"@{decorator_name(decorator)}()", view.location(decorator))
    if ends_with_param(path):
        return unknown("single resource")
    mechanism, node = pagination_evidence(method, ("req", "request"))
    if mechanism:
        return present(mechanism, view.location(node))
    returns = method.child_by_field_name("return_type")
    declared = text_of(returns).lstrip(":").strip() if returns is not None else ""
    if declared and set(words(declared)) & PAGE_TYPE_WORDS:
        return present(f"{declared} response", view.location(returns))
    found = collection_result(method, ("req", "request"))
    if found is not None:
        return absent("collection without limit", view.location(found))
    if declared and _ARRAY_RETURN.search(declared):
        return absent(f"declared {declared} response without pagination", view.location(returns))
    return unknown("not a collection")


def _rate_limit(view, decorators) -> Facet:
    for decorator in decorators:
        name = decorator_name(decorator)
        if name == "Throttle":
            return present("@Throttle()", view.location(decorator))
        if name == "UseGuards" and any(_is_throttler(_target_name(g)) for g in decorator_args(decorator)):
            return present("@UseGuards(ThrottlerGuard)", view.location(decorator))
    return unknown()


# ---------------------------------------------------------------- guards and pipes

def _target_name(node) -> str:
    node = unwrap(node)
    if node is None:
        return ""
    if node.type in ("call_expression", "new_expression"):
        _, name = call_parts(node)
        if name == "get" and arguments_of(node):
            return _target_name(arguments_of(node)[0])
        return name
    if node.type in ("arrow_function", "function_expression"):
        return text_of(body_of(node))[:40]
    names = member_names(node)
    return names[-1] if names else text_of(node)[:40]


def _is_throttler(name: str) -> bool:
    return bool(set(words(name)) & {"throttler", "throttle", "throttling", "limiter", "ratelimit"}) \
        or ("rate" in words(name) and "limit" in words(name))


def _guard_facets(args, label: str, view) -> list[tuple[str, Facet]]:
    found = []
    for arg in args:
        name = _target_name(arg)
        if not name:
            continue
        if _is_throttler(name):
            found.append(("rate_limit", present(f"{label} {name}", view.location(arg))))
        else:
            found.append(("auth", present(f"{label} {name}", view.location(arg))))
    return found


def _pipe_facets(args, label: str, view) -> list[tuple[str, Facet]]:
    found = []
    for arg in args:
        name = _target_name(arg)
        tokens = set(words(name))
        if tokens & {"validation", "validate", "validator", "zod", "joi", "yup", "schema", "typebox", "valibot"} \
                or name in ("ParseArrayPipe",):
            found.append(("validation", present(f"{label} {name}", view.location(arg))))
    return found


__all__ = ["APP", "FRAMEWORK", "PUBLIC_APP", "extract", "nest_root"]
