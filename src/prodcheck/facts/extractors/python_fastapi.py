"""FastAPI: apps and routers, route decorators, and the four facets of a handler.

- auth: PRESENT for a `Security(...)` parameter, a `Depends(x)` (parameter, `Annotated[...]`
  alias, route `dependencies=[...]`) whose `x` is an auth dependency (its name, a security scheme
  object such as `OAuth2PasswordBearer(...)`, or a function of this file that depends on one or
  checks credentials itself), or an explicit check in the handler (a raised 401/403, a read of the
  `Authorization` header). UNKNOWN when a dependency is imported and its name says nothing.
  ABSENT otherwise; router, app and `include_router` dependencies are applied in the project
  phase (guards and mount facets, see `facts/routes.py`).
- validation: PRESENT "pydantic <Model>" for a class-typed body parameter, ABSENT for a `dict`/
  `Any` body or a `request.json()` read without a schema, PRESENT "no body" when the handler
  reads no body (path and query parameters are typed and validated by FastAPI).
- pagination (GET only): PRESENT for a limit/offset/page/cursor parameter, a pagination
  dependency, `fastapi_pagination` or a `.limit()` in the body; ABSENT for a handler returning a
  collection without them; UNKNOWN "not a collection" otherwise.
- rate_limit: PRESENT for a `RateLimiter` dependency or a slowapi `@limiter.limit`; else UNKNOWN.
"""
from __future__ import annotations

import ast
import re

from prodcheck.facts.extractors.python_common import (
    const_str_list, keyword, last_name, name_tokens, walk_local,
)
from prodcheck.facts.extractors.python_handlers import (
    PAGINATION_NAMES, SCALAR_TYPES, UNTYPED_BODY_TYPES, Constructed, FunctionNode, ModuleView,
    RouteSpec, absent, collection_return, explicit_auth_check, name_role, pagination_evidence,
    passes_request, present, rate_limit_decorator, raw_body_reads, schema_validation, unknown,
)
from prodcheck.model import Facet, FacetState

FRAMEWORK = "fastapi"
VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
APP_CONSTRUCTORS = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})
ROUTER_CONSTRUCTORS = frozenset({"fastapi.APIRouter", "fastapi.routing.APIRouter"})
SECURITY_SCHEMES = frozenset({
    "HTTPBearer", "HTTPBasic", "HTTPDigest", "OAuth2PasswordBearer", "OAuth2AuthorizationCodeBearer",
    "OAuth2", "APIKeyHeader", "APIKeyQuery", "APIKeyCookie", "OpenIdConnect", "LoginManager",
})
CREDENTIAL_TYPES = frozenset({"HTTPAuthorizationCredentials", "HTTPBasicCredentials", "SecurityScopes"})
SPECIAL_TYPES = frozenset({
    "Request", "Response", "WebSocket", "BackgroundTasks", "HTTPConnection", "Session", "AsyncSession",
    "Connection", "AsyncConnection", "StreamingResponse",
})
NON_BODY_PARAMS = frozenset({"Query", "Path", "Header", "Cookie"})
BODY_PARAMS = frozenset({"Body", "Form", "File"})
PAGE_WORDS = frozenset({"page", "pagination", "paginate", "paginator", "pager", "paginated"})
BENIGN_MIDDLEWARE_WORDS = frozenset({
    "cors", "gzip", "trusted", "host", "https", "redirect", "proxy", "headers", "prometheus", "metrics",
    "correlation", "request", "id", "logging", "log", "timing", "process", "time", "exception", "error",
    "errors", "tracing", "telemetry", "sentry", "compression", "brotli", "slow", "api", "static",
    "instrumentator", "context", "locale", "db", "session", "cache", "etag",
})
ALIAS_AUTH_HEADS = frozenset({"current", "authenticated", "auth", "admin", "active", "verified",
                              "logged", "superuser", "staff", "require", "requires"})
AUTH_ALIAS_PAIRS = frozenset({("current", "user"), ("active", "user"), ("auth", "user"),
                              ("api", "key"), ("current", "account")})
KNOWN_MIDDLEWARE = frozenset({
    "CORSMiddleware", "GZipMiddleware", "TrustedHostMiddleware", "HTTPSRedirectMiddleware",
    "SessionMiddleware", "ProxyHeadersMiddleware", "SlowAPIMiddleware", "SlowAPIASGIMiddleware",
    "PrometheusMiddleware", "SentryAsgiMiddleware", "OpenTelemetryMiddleware", "CorrelationIdMiddleware",
    "RawContextMiddleware", "ServerErrorMiddleware", "ExceptionMiddleware", "WSGIMiddleware",
    "TimingMiddleware", "RequestIDMiddleware", "BrotliMiddleware", "CSRFMiddleware",
})
_PATH_PARAM = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?}")
MAX_DEPENDENCY_DEPTH = 3


# ---------------------------------------------------------------- objects and registrations

def constructor(call: ast.Call, view: ModuleView) -> Constructed | None:
    name = view.qualified(call.func)
    if name in APP_CONSTRUCTORS:
        return Constructed(FRAMEWORK, "app", "", False, dependency_facets(keyword(call, "dependencies"), view))
    if name in ROUTER_CONSTRUCTORS:
        prefix = view.prefix(keyword(call, "prefix"))
        return Constructed(FRAMEWORK, "router", prefix, False,
                           dependency_facets(keyword(call, "dependencies"), view))
    return None


def route_spec(decorator: ast.expr, view: ModuleView) -> RouteSpec | None:
    """`@router.get("/x")`, `@app.api_route("/x", methods=["GET", "POST"])`."""
    if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
        return None
    verb = decorator.func.attr
    if verb not in (*VERBS, "api_route", "route"):
        return None
    path_node = decorator.args[0] if decorator.args else keyword(decorator, "path")
    path = view.string(path_node)
    if path is None:
        return None
    if verb in VERBS:
        return RouteSpec((verb.upper(),), path, decorator)
    methods = _methods(keyword(decorator, "methods"), view)
    return RouteSpec(methods, path, decorator) if methods else None


def add_api_route_spec(call: ast.Call, view: ModuleView) -> tuple[RouteSpec, ast.expr] | None:
    """`app.add_api_route("/x", handler, methods=["POST"])` -> (spec, handler expression)."""
    path = view.string(call.args[0] if call.args else keyword(call, "path"))
    handler = call.args[1] if len(call.args) > 1 else keyword(call, "endpoint")
    if path is None or handler is None:
        return None
    methods = _methods(keyword(call, "methods"), view)
    return (RouteSpec(methods, path, call), handler) if methods else None


def _methods(node: ast.expr | None, view: ModuleView) -> tuple[str, ...]:
    if node is None:
        return ("GET",)
    values = const_str_list(node, view.constants)
    return tuple(dict.fromkeys(v.upper() for v in values)) if values else ()


def normalise_path(path: str) -> str:
    """`{file_path:path}` -> `{file_path}`."""
    return _PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", path)


# ---------------------------------------------------------------- dependencies

def dependency_calls(node: ast.expr | None) -> list[ast.Call]:
    """The `Depends(...)`/`Security(...)` calls of a `dependencies=[...]` list."""
    if not isinstance(node, (ast.List, ast.Tuple)):
        return []
    return [e for e in node.elts if isinstance(e, ast.Call) and last_name(e.func) in ("Depends", "Security")]


def dependency_facets(node: ast.expr | None, view: ModuleView) -> tuple[tuple[str, Facet], ...]:
    """What a router/app/include `dependencies=[...]` list gives every route below it."""
    facets: list[tuple[str, Facet]] = []
    for call in dependency_calls(node):
        role, mechanism = classify_dependency(call, view, None, 0)
        evidence = view.location(call)
        if role == "auth":
            facets.append(("auth", present(mechanism, evidence)))
        elif role == "rate":
            facets.append(("rate_limit", present(mechanism, evidence)))
        elif role == "unknown":
            facets.append(("auth", unknown(mechanism, evidence)))
    return tuple(facets)


def classify_dependency(call: ast.Call, view: ModuleView, annotation: ast.expr | None,
                        depth: int) -> tuple[str, str]:
    """(role, mechanism) of a `Depends(x)`/`Security(x)`: auth, rate, page, infra, unknown or ""."""
    if last_name(call.func) == "Security":
        target = call.args[0] if call.args else keyword(call, "dependency")
        return "auth", f"Security({_describe(target) or 'scheme'})"
    target = call.args[0] if call.args else keyword(call, "dependency")
    if target is None:
        target = annotation
    return classify_callable(target, view, depth)


def classify_callable(target: ast.expr | None, view: ModuleView, depth: int) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, ast.Call):
        name = last_name(target.func)
        qualified = view.qualified(target.func)
        if qualified.startswith("fastapi_limiter") or name_role(name) == "rate":
            return "rate", f"Depends({name}(...))"
        if name in SECURITY_SCHEMES or name_role(name) == "auth":
            return "auth", f"Depends({name}(...))"
        if PAGE_WORDS & set(name_tokens(name)):
            return "page", f"Depends({name}(...))"
        inner = _local_callable_role(name, view, depth)
        if inner is not None:
            return inner
        return ("infra", "") if name_role(name) == "infra" else ("unknown", f"dependency {name}() not visible")
    name = last_name(target)
    if not name:
        return "unknown", "dependency not visible"
    role = name_role(name)
    if role in ("auth", "rate"):
        return role, f"Depends({name})"
    if PAGE_WORDS & set(name_tokens(name)) or view.qualified(target).startswith("fastapi_pagination"):
        return "page", f"Depends({name})"
    value = view.assigns.get(name) if isinstance(target, ast.Name) else None
    if isinstance(value, ast.Call):
        made = last_name(value.func)
        if made in SECURITY_SCHEMES or name_role(made) == "auth":
            return "auth", f"Depends({name}) ({made})"
        if name_role(made) == "rate" or view.qualified(value.func).startswith("fastapi_limiter"):
            return "rate", f"Depends({name}) ({made})"
    inner = _local_callable_role(name, view, depth) if isinstance(target, ast.Name) else None
    if inner is not None:
        return inner
    if role == "infra":
        return "infra", ""
    return "unknown", f"dependency {name} not visible"


def _local_callable_role(name: str, view: ModuleView, depth: int) -> tuple[str, str] | None:
    """Look into a dependency defined in this file: its own dependencies and its body."""
    if depth >= MAX_DEPENDENCY_DEPTH:
        return None
    func = view.functions.get(name)
    functions: list[FunctionNode] = [func] if func is not None else []
    cls = view.classes.get(name)
    if cls is not None:
        functions = [n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.name in ("__init__", "__call__")]
        if not functions:
            return "", ""
    if not functions:
        return None
    roles = []
    for function in functions:
        for inner in [function, *(n for n in walk_local(function) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))]:
            mechanism, _ = explicit_auth_check(inner, view)
            if mechanism:
                return "auth", f"Depends({name}) ({mechanism})"
            for param, default, annotation in parameters(inner):
                if param.arg.lower() in PAGINATION_NAMES:
                    roles.append(("page", f"Depends({name}) ({param.arg})"))
                for dep in _param_dependencies(default, annotation, view):
                    roles.append(classify_dependency(dep, view, _base_type(annotation, view), depth + 1))
    for wanted in ("auth", "rate", "unknown", "page"):
        for role, mechanism in roles:
            if role == wanted:
                return role, f"Depends({name}) -> {mechanism}" if wanted != "unknown" else mechanism
    return "", ""


def _describe(node: ast.expr | None) -> str:
    return last_name(node) if node is not None else ""


# ---------------------------------------------------------------- parameters

def parameters(func: FunctionNode) -> list[tuple[ast.arg, ast.expr | None, ast.expr | None]]:
    """(arg, default, annotation) for every parameter that a request can fill."""
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
    return [(arg, default, arg.annotation) for arg, default in pairs if arg.arg not in ("self", "cls")]


def _annotated_parts(annotation: ast.expr | None, view: ModuleView, depth: int = 0) -> tuple[ast.expr | None, list[ast.expr]]:
    """(base type, metadata) of `Annotated[T, ...]`, following a module-level alias."""
    if annotation is None or depth > 3:
        return annotation, []
    if isinstance(annotation, ast.Name) and annotation.id in view.assigns:
        alias = view.assigns[annotation.id]
        if isinstance(alias, ast.Subscript) and last_name(alias.value) == "Annotated":
            return _annotated_parts(alias, view, depth + 1)
    if isinstance(annotation, ast.Subscript) and last_name(annotation.value) == "Annotated" \
            and isinstance(annotation.slice, ast.Tuple) and annotation.slice.elts:
        return annotation.slice.elts[0], list(annotation.slice.elts[1:])
    return annotation, []


def _base_type(annotation: ast.expr | None, view: ModuleView) -> ast.expr | None:
    return _annotated_parts(annotation, view)[0]


def _param_dependencies(default: ast.expr | None, annotation: ast.expr | None, view: ModuleView) -> list[ast.Call]:
    _, metadata = _annotated_parts(annotation, view)
    return [n for n in [default, *metadata]
            if isinstance(n, ast.Call) and last_name(n.func) in ("Depends", "Security")]


def _header_name(param: ast.arg, default, annotation, view: ModuleView) -> str:
    _, metadata = _annotated_parts(annotation, view)
    for node in [default, *metadata]:
        if isinstance(node, ast.Call) and last_name(node.func) == "Header":
            alias = view.string(keyword(node, "alias"))
            if alias:
                return alias.lower()
    return param.arg.lower().replace("_", "-")


def _param_markers(default: ast.expr | None, annotation: ast.expr | None, view: ModuleView) -> set[str]:
    _, metadata = _annotated_parts(annotation, view)
    return {last_name(n.func) for n in [default, *metadata] if isinstance(n, ast.Call)}


def _alias_role(annotation: ast.expr | None, view: ModuleView) -> tuple[str, str]:
    """An imported `Annotated[...]` alias (`CurrentUser`, `SessionDep`): its name is all we see."""
    if not isinstance(annotation, ast.Name) or annotation.id in view.assigns or annotation.id in view.classes:
        return "", ""
    name = annotation.id
    role = name_role(name)
    words = name_tokens(name)
    if words and words[-1] in ("dep", "deps", "dependency", "depends"):
        if role in ("auth", "rate"):
            return role, f"{name} (annotated dependency)"
        if role == "infra" or PAGE_WORDS & set(words):
            return ("page" if PAGE_WORDS & set(words) else "infra"), name
        return "unknown", f"dependency {name} not visible"
    if role == "auth" and len(words) >= 2 and (words[0] in ALIAS_AUTH_HEADS
                                                or any(p in AUTH_ALIAS_PAIRS for p in zip(words, words[1:]))):
        return "auth", f"{name} (annotated dependency)"
    return "", ""


def _type_names(node: ast.expr | None) -> list[str]:
    """Outer and inner type names of an annotation: `Optional[List[Item]]` -> [Optional, List, Item]."""
    if node is None:
        return []
    if isinstance(node, ast.Subscript):
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return [last_name(node.value), *(n for i in inner for n in _type_names(i))]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return [*_type_names(node.left), *_type_names(node.right)]
    if isinstance(node, ast.Constant):
        return [] if node.value is None else [str(node.value)]
    name = last_name(node)
    return [name] if name else []


# ---------------------------------------------------------------- facets

def endpoint_facets(func: FunctionNode, spec: RouteSpec, method: str, view: ModuleView,
                    cls: ast.ClassDef | None = None) -> dict[str, Facet]:
    """The facets of a handler; `cls` is the class of a class-based view (the handler is a
    method whose class attributes may declare dependencies)."""
    handler_loc = view.location(func)
    params = parameters(func)
    auth = _auth(func, spec, params, view, handler_loc)
    if cls is not None and auth.state is not FacetState.PRESENT:
        auth = _class_auth(cls, view, 0) or auth
    return {
        "auth": auth,
        "validation": _validation(func, spec, params, view, handler_loc),
        "pagination": _pagination(func, spec, params, method, view),
        "rate_limit": _rate_limit(func, spec, params, view),
    }


def _route_dependencies(spec: RouteSpec) -> list[ast.Call]:
    return dependency_calls(keyword(spec.call, "dependencies"))


def _auth(func, spec, params, view, handler_loc) -> Facet:
    unknowns: list[tuple[str, ast.AST]] = []
    for call in _route_dependencies(spec):
        role, mechanism = classify_dependency(call, view, None, 0)
        if role == "auth":
            return present(mechanism, view.location(call))
        if role == "unknown":
            unknowns.append((mechanism, call))
    for param, default, annotation in params:
        base = _base_type(annotation, view)
        for call in _param_dependencies(default, annotation, view):
            role, mechanism = classify_dependency(call, view, base, 0)
            if role == "auth":
                return present(mechanism, view.location(param))
            if role == "unknown":
                unknowns.append((mechanism, param))
        role, mechanism = _alias_role(annotation, view)
        if role == "auth":
            return present(mechanism, view.location(param))
        if role == "unknown":
            unknowns.append((mechanism, param))
        if set(_type_names(base)) & CREDENTIAL_TYPES:
            return present(f"{last_name(base)} parameter", view.location(param))
        if "Header" in _param_markers(default, annotation, view) and _header_name(param, default, annotation, view) \
                in ("authorization", "x-api-key", "api-key", "x-auth-token", "x-access-token", "x-token"):
            return present(f"Header({param.arg})", view.location(param))
    mechanism, node = explicit_auth_check(func, view)
    if mechanism:
        return present(mechanism, view.location(node))
    if unknowns:
        mechanism, node = unknowns[0]
        return unknown(mechanism, view.location(node))
    return absent("", handler_loc)


def _class_auth(cls: ast.ClassDef, view: ModuleView, depth: int) -> Facet | None:
    """Dependencies declared as class attributes (`user: User = Depends(get_current_user)`) of a
    class-based view and its bases; an imported base may declare some we cannot see."""
    if depth > 3:
        return None
    unknown_found: Facet | None = None
    for node in cls.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        annotation = node.annotation if isinstance(node, ast.AnnAssign) else None
        calls = _param_dependencies(value, annotation, view)
        for call in calls:
            role, mechanism = classify_dependency(call, view, _base_type(annotation, view), 0)
            if role == "auth":
                return present(f"{cls.name}: {mechanism}", view.location(node))
            if role == "unknown":
                unknown_found = unknown_found or unknown(mechanism, view.location(node))
    for base in cls.bases:
        name = last_name(base)
        if not name or name in ("object", "Generic", "Protocol", "ABC", "BaseModel"):
            continue
        local = view.classes.get(name) if isinstance(base, ast.Name) else None
        if local is not None and local is not cls:
            found = _class_auth(local, view, depth + 1)
            if found is not None and found.state is FacetState.PRESENT:
                return found
            unknown_found = unknown_found or found
        elif name_role(name) == "auth":
            return present(f"base class {name}", view.location(base))
        else:
            unknown_found = unknown_found or unknown(f"base class {name} not visible", view.location(base))
    return unknown_found


def _validation(func, spec, params, view, handler_loc) -> Facet:
    path_params = set(_PATH_PARAM.findall(spec.path))
    request_names = {"request", "req"}
    typed: tuple[str, ast.AST] | None = None
    untyped: ast.AST | None = None
    for param, default, annotation in params:
        base = _base_type(annotation, view)
        names = _type_names(base)
        markers = _param_markers(default, annotation, view)
        if "Request" in names:
            request_names.add(param.arg)
        if markers & {"Depends", "Security"} or param.arg in path_params or markers & NON_BODY_PARAMS:
            continue
        if _alias_role(annotation, view)[0]:
            continue
        if markers & BODY_PARAMS:
            if not names or names[0] in UNTYPED_BODY_TYPES:
                untyped = untyped or param
            else:
                marker = sorted(markers & BODY_PARAMS)[0]
                typed = typed or (f"{marker}({names[-1]})", param)
            continue
        if not names or set(names) & (SPECIAL_TYPES | CREDENTIAL_TYPES):
            continue
        if names[0] in UNTYPED_BODY_TYPES:
            untyped = untyped or param
        elif any(n not in SCALAR_TYPES and n not in ("None",) for n in names):
            model = next(n for n in names if n not in SCALAR_TYPES and n != "None")
            if model in UNTYPED_BODY_TYPES:
                untyped = untyped or param
            elif model == "UploadFile":
                typed = typed or ("file upload", param)
            else:
                typed = typed or (f"pydantic {model}", param)
    if untyped is not None:
        return absent("untyped body parameter", view.location(untyped))
    reads = raw_body_reads(func, frozenset(request_names))
    if reads:
        mechanism, node = schema_validation(func, view)
        if mechanism:
            return present(mechanism, view.location(node))
        return absent(f"{reads[0].value.id}.{reads[0].attr}() without a schema", view.location(reads[0]))
    if typed is not None:
        mechanism, node = typed
        return present(mechanism, view.location(node))
    if passes_request(func, frozenset(request_names)):
        return unknown("request passed to another function", handler_loc)
    return present("no body", handler_loc)


def _pagination(func, spec, params, method, view) -> Facet:
    if method != "GET":
        return unknown("not a GET")
    for param, default, annotation in params:
        if param.arg.lower() in PAGINATION_NAMES:
            return present(f"`{param.arg}` parameter", view.location(param))
        base = _base_type(annotation, view)
        if base is not None and (view.qualified(base).startswith("fastapi_pagination")
                                 or PAGE_WORDS & set(name_tokens(last_name(base)))):
            return present(f"{last_name(base)} parameter", view.location(param))
        for call in _param_dependencies(default, annotation, view):
            role, mechanism = classify_dependency(call, view, base, 0)
            if role == "page":
                return present(mechanism, view.location(param))
    response = keyword(spec.call, "response_model") or func.returns
    response_names = _type_names(response)
    if response_names and (PAGE_WORDS & set(name_tokens(response_names[0]))
                           or view.qualified(response.value if isinstance(response, ast.Subscript) else response)
                           .startswith("fastapi_pagination")):
        return present(f"{response_names[0]} response", view.location(response))
    mechanism, node = pagination_evidence(func)
    if mechanism:
        return present(mechanism, view.location(node))
    for param, default, annotation in params:
        names = _type_names(_base_type(annotation, view))
        if names[:1] and names[0] in ("list", "List", "set", "Set", "tuple", "Tuple", "Sequence") \
                and not _param_dependencies(default, annotation, view):
            return unknown(f"bounded by the `{param.arg}` list parameter", view.location(param))
    declared = bool(response_names) and response_names[0] in ("list", "List", "Sequence", "Iterable", "set", "Set") \
        and any(n not in SCALAR_TYPES for n in response_names[1:])
    found = collection_return(func, view, declared)
    if found is not None:
        return absent("collection without limit", view.location(found))
    return unknown("not a collection")


def _rate_limit(func, spec, params, view) -> Facet:
    for call in _route_dependencies(spec):
        role, mechanism = classify_dependency(call, view, None, 0)
        if role == "rate":
            return present(mechanism, view.location(call))
    for param, default, annotation in params:
        for call in _param_dependencies(default, annotation, view):
            role, mechanism = classify_dependency(call, view, _base_type(annotation, view), 0)
            if role == "rate":
                return present(mechanism, view.location(param))
    mechanism, node = rate_limit_decorator(func.decorator_list, view)
    if mechanism:
        return present(mechanism, view.location(node))
    return unknown()


# ---------------------------------------------------------------- app-wide mechanisms

def middleware_facets(call: ast.Call, view: ModuleView) -> tuple[tuple[str, Facet], ...]:
    """`app.add_middleware(X, ...)`: auth middleware -> auth PRESENT; a custom middleware that
    mentions identity or is not visible -> auth UNKNOWN; well-known infrastructure -> nothing."""
    target = call.args[0] if call.args else keyword(call, "middleware_class")
    name = last_name(target)
    if not name:
        return ()
    evidence = view.location(call)
    if name == "AuthenticationMiddleware":
        return (("auth", unknown("AuthenticationMiddleware (does not deny by itself)", evidence)),)
    if name_role(name) == "auth":
        return (("auth", present(f"middleware {name}", evidence)),)
    dispatch = keyword(call, "dispatch")
    local = view.classes.get(name) or (view.functions.get(last_name(dispatch)) if dispatch is not None else None)
    if local is not None:
        return hook_facets(local, f"middleware {last_name(dispatch) or name}", view, evidence)
    if name in KNOWN_MIDDLEWARE or name_role(name) in ("rate", "infra") \
            or set(name_tokens(name)) - {"middleware"} <= BENIGN_MIDDLEWARE_WORDS:
        return ()
    return (("auth", unknown(f"middleware {name} not visible", evidence)),)


IDENTITY_WORDS = frozenset({"user", "users", "token", "login", "auth", "jwt", "identity", "account",
                            "principal", "apikey", "credentials", "bearer", "authorization"})


def hook_facets(node: ast.AST, label: str, view: ModuleView, evidence) -> tuple[tuple[str, Facet], ...]:
    """An app-wide hook or middleware defined in this file: an auth check -> PRESENT; a hook
    that touches identity without a visible check -> UNKNOWN; anything else -> nothing."""
    mechanism, _ = explicit_auth_check(node, view)
    decorators = getattr(node, "decorator_list", [])
    if mechanism or any(name_role(last_name(d)) == "auth" for d in decorators) \
            or name_role(getattr(node, "name", "")) == "auth":
        return (("auth", present(f"{label}", evidence)),)
    words = set()
    for inner in walk_local(node):
        if isinstance(inner, ast.Name):
            words.update(name_tokens(inner.id))
        elif isinstance(inner, ast.Attribute):
            words.update(name_tokens(inner.attr))
        elif isinstance(inner, ast.Constant) and isinstance(inner.value, str) and len(inner.value) < 40:
            words.update(name_tokens(inner.value))
    if words & IDENTITY_WORDS:
        return (("auth", unknown(f"{label} may authenticate", evidence)),)
    return ()


__all__ = [
    "FRAMEWORK", "VERBS", "add_api_route_spec", "classify_dependency", "constructor",
    "dependency_facets", "endpoint_facets", "hook_facets", "middleware_facets", "normalise_path",
    "parameters", "route_spec",
]
