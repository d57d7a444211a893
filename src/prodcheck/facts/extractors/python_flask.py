"""Flask (and Quart, APIFlask, Flask-RESTful/RESTX): apps, blueprints, registrations, view
classes, and the four facets of a handler.

- auth: PRESENT for an auth decorator (`login_required`, `jwt_required()`, `auth_required`,
  `roles_required`, `@auth.login_required`, any `*_required` guard, a decorator of this file that
  checks credentials) or an explicit check in the body (`current_user.is_authenticated`,
  `verify_jwt_in_request()`, `abort(401)`); UNKNOWN for `jwt_required(optional=True)` or an
  imported decorator whose name says nothing; ABSENT otherwise. App/blueprint `before_request`
  hooks are applied in the project phase (guards, see `facts/routes.py`).
- validation: PRESENT for a schema decorator (`use_args`, `@validate()`, `expects_json`,
  `arguments`, `input`) or a schema used on the body (marshmallow `.load`, pydantic
  `Model(**data)`/`model_validate`, WTForms `validate_on_submit()`); ABSENT when `request.get_json()`,
  `request.json` or `request.form` is read without one; PRESENT "no body" when no body is read.
- pagination (GET only): PRESENT for `request.args.get("page")`-style parameters, `.paginate(`,
  `.limit(`, a slice; ABSENT when a collection is returned without them; UNKNOWN otherwise.
- rate_limit: PRESENT for flask-limiter `@limiter.limit`; else UNKNOWN.
"""
from __future__ import annotations

import ast
import re

from prodcheck.facts.extractors.python_common import (
    const_str_list, keyword, last_name, name_tokens,
)
from prodcheck.facts.extractors.python_handlers import (
    PAGINATION_NAMES, Constructed, FunctionNode, ModuleView, RouteSpec, absent, collection_return,
    explicit_auth_check, name_role, pagination_evidence, passes_request, present,
    rate_limit_decorator, raw_body_reads, schema_validation, unknown,
)
from prodcheck.model import Facet

FRAMEWORK = "flask"
VERBS = ("get", "post", "put", "patch", "delete")
HTTP_METHOD_NAMES = ("get", "post", "put", "patch", "delete", "head", "options")
APP_CONSTRUCTORS = {
    "flask.Flask": "flask", "flask.app.Flask": "flask", "quart.Quart": "quart",
    "apiflask.APIFlask": "flask",
}
BLUEPRINT_CONSTRUCTORS = {
    "flask.Blueprint": "flask", "flask.blueprints.Blueprint": "flask", "quart.Blueprint": "quart",
    "apiflask.APIBlueprint": "flask", "flask_smorest.Blueprint": "flask",
}
API_CONSTRUCTORS = frozenset({"flask_restx.Api", "flask_restplus.Api", "flask_restful.Api"})
NAMESPACE_CONSTRUCTORS = frozenset({"flask_restx.Namespace", "flask_restplus.Namespace"})
VIEW_BASES = frozenset({"MethodView", "View", "Resource"})
VALIDATING_DECORATORS = frozenset({
    "use_args", "use_kwargs", "validate", "expects_json", "arguments", "input", "validate_json",
    "validate_request", "accepts", "validate_with", "validate_schema", "parse_with", "body",
    "validate_body", "json_schema", "schema",
})
BENIGN_DECORATOR_WORDS = frozenset({
    "cache", "cached", "memoize", "limit", "limiter", "cross", "origin", "cors", "swag", "from",
    "doc", "docs", "use", "args", "kwargs", "marshal", "with", "expects", "json", "validate",
    "response", "responses", "input", "output", "arguments", "expect", "retry", "timed", "timer",
    "log", "logged", "trace", "traced", "measure", "metrics", "transactional", "transaction",
    "atomic", "inject", "wraps", "csrf", "exempt", "deprecated", "route", "get", "post", "put",
    "patch", "delete", "produces", "consumes", "accepts", "paginate", "etag", "compress", "gzip",
    "headers", "nocache", "no", "content", "type", "api", "view", "spec", "schema", "body",
    "query", "form", "header", "returns", "tag", "tags", "operation", "staticmethod",
    "classmethod", "property", "copy", "current", "app", "context", "stream", "template",
    "render", "jsonify", "as", "endpoint", "errorhandler", "db", "session", "commit",
})
OPTIONAL_AUTH_DECORATORS = frozenset({"jwt_optional", "login_optional", "auth_optional", "optional_auth"})
_RULE_PARAM = re.compile(r"<(?:[^<>]*:)?([A-Za-z_][A-Za-z0-9_]*)>")


# ---------------------------------------------------------------- objects and registrations

def constructor(call: ast.Call, view: ModuleView) -> Constructed | None:
    name = view.qualified(call.func)
    if name in APP_CONSTRUCTORS:
        return Constructed(APP_CONSTRUCTORS[name], "app")
    if name in BLUEPRINT_CONSTRUCTORS:
        prefix_node = keyword(call, "url_prefix")
        if prefix_node is None and len(call.args) > 5:
            prefix_node = call.args[5]
        return Constructed(BLUEPRINT_CONSTRUCTORS[name], "router", view.prefix(prefix_node), True)
    if name in API_CONSTRUCTORS:
        return Constructed(FRAMEWORK, "api", view.prefix(keyword(call, "prefix")))
    if name in NAMESPACE_CONSTRUCTORS:
        path = view.string(keyword(call, "path"))
        if path is None and len(call.args) > 2:
            path = view.string(call.args[2])
        title = view.string(call.args[0] if call.args else keyword(call, "name"))
        default = path if path is not None else (f"/{title}" if title else "")
        return Constructed(FRAMEWORK, "namespace", default, True)
    return None


def route_spec(decorator: ast.expr, view: ModuleView) -> RouteSpec | None:
    """`@app.route("/x", methods=["GET", "POST"])`, `@bp.get("/x")`."""
    if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
        return None
    verb = decorator.func.attr
    if verb not in (*VERBS, "route"):
        return None
    rule = view.string(decorator.args[0] if decorator.args else keyword(decorator, "rule"))
    if rule is None:
        return None
    if verb != "route":
        return RouteSpec((verb.upper(),), rule, decorator)
    methods = _methods(keyword(decorator, "methods"), view)
    return RouteSpec(methods, rule, decorator) if methods else None


def class_route_spec(decorator: ast.expr, view: ModuleView) -> RouteSpec | None:
    """flask-restx `@ns.route("/x")` on a Resource class: methods come from the class."""
    if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute) \
            or decorator.func.attr != "route":
        return None
    rule = view.string(decorator.args[0] if decorator.args else keyword(decorator, "rule"))
    return RouteSpec((), rule, decorator) if rule is not None else None


def add_url_rule_spec(call: ast.Call, view: ModuleView) -> tuple[RouteSpec, ast.expr] | None:
    """`app.add_url_rule(rule, endpoint, view_func, methods=[...])` -> (spec, view_func)."""
    rule = view.string(call.args[0] if call.args else keyword(call, "rule"))
    view_func = keyword(call, "view_func")
    if view_func is None and len(call.args) > 2:
        view_func = call.args[2]
    if rule is None or view_func is None:
        return None
    methods_node = keyword(call, "methods")
    methods = _methods(methods_node, view) if methods_node is not None else ()
    if methods_node is not None and not methods:
        return None
    return RouteSpec(methods, rule, call), view_func


def _methods(node: ast.expr | None, view: ModuleView) -> tuple[str, ...]:
    if node is None:
        return ("GET",)
    values = const_str_list(node, view.constants)
    return tuple(dict.fromkeys(v.upper() for v in values)) if values else ()


def normalise_path(rule: str) -> str:
    """`/users/<int:user_id>` -> `/users/{user_id}`."""
    return _RULE_PARAM.sub(lambda m: "{" + m.group(1) + "}", rule)


# ---------------------------------------------------------------- view classes

def is_view_class(cls: ast.ClassDef, view: ModuleView, depth: int = 0) -> bool:
    """A `MethodView`/`View`/`Resource` subclass, directly or through a class of this file."""
    if depth > 3:
        return False
    for base in cls.bases:
        name = last_name(base)
        qualified = view.qualified(base)
        if name in VIEW_BASES and (qualified.startswith(("flask", "quart", "apiflask")) or qualified == name):
            return True
        local = view.classes.get(name) if isinstance(base, ast.Name) else None
        if local is not None and local is not cls and is_view_class(local, view, depth + 1):
            return True
    return False


def view_methods(cls: ast.ClassDef, view: ModuleView, depth: int = 0) -> list[tuple[str, FunctionNode]]:
    """(HTTP method, function) pairs a view class answers, inherited ones included."""
    found: dict[str, FunctionNode] = {}
    if depth <= 3:
        for base in cls.bases:
            local = view.classes.get(last_name(base)) if isinstance(base, ast.Name) else None
            if local is not None and local is not cls:
                found.update(dict(view_methods(local, view, depth + 1)))
    functions = {n.name: n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for name, func in functions.items():
        if name in HTTP_METHOD_NAMES:
            found[name.upper()] = func
    declared = _class_list(cls, "methods", view)
    if declared:
        dispatch = functions.get("dispatch_request")
        return [(m, found.get(m) or dispatch) for m in declared if found.get(m) or dispatch]
    return list(found.items())


def _class_list(cls: ast.ClassDef, attribute: str, view: ModuleView) -> list[str]:
    for node in cls.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == attribute for t in node.targets):
            values = const_str_list(node.value, view.constants)
            return [v.upper() for v in values] if values else []
    return []


def class_decorators(cls: ast.ClassDef, method: str) -> list[ast.expr]:
    """`decorators = [...]` (Flask views) and `method_decorators = [...]` or `{"get": [...]}`
    (Flask-RESTful) of a view class."""
    found: list[ast.expr] = []
    for node in cls.body:
        if not isinstance(node, ast.Assign):
            continue
        names = {t.id for t in node.targets if isinstance(t, ast.Name)}
        if names & {"decorators", "method_decorators"}:
            value = node.value
            if isinstance(value, (ast.List, ast.Tuple)):
                found.extend(value.elts)
            elif isinstance(value, ast.Dict):
                for key, item in zip(value.keys, value.values):
                    if isinstance(key, ast.Constant) and str(key.value).upper() == method \
                            and isinstance(item, (ast.List, ast.Tuple)):
                        found.extend(item.elts)
    return found


# ---------------------------------------------------------------- facets

def endpoint_facets(func: FunctionNode, spec: RouteSpec, method: str, view: ModuleView,
                    extra_decorators: list[ast.expr] = ()) -> dict[str, Facet]:
    decorators = [*func.decorator_list, *extra_decorators]
    handler_loc = view.location(func)
    return {
        "auth": _auth(func, decorators, view, handler_loc),
        "validation": _validation(func, decorators, view, handler_loc),
        "pagination": _pagination(func, decorators, spec, method, view),
        "rate_limit": _rate_limit(decorators, view),
    }


def _auth(func, decorators, view, handler_loc) -> Facet:
    unknowns: list[tuple[str, ast.AST]] = []
    for decorator in decorators:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = last_name(target)
        if not name:
            continue
        if name == "jwt_required" and isinstance(decorator, ast.Call) \
                and _is_true(keyword(decorator, "optional")) or name in OPTIONAL_AUTH_DECORATORS:
            unknowns.append((f"{name} (optional authentication)", decorator))
            continue
        if name_role(name) == "auth":
            return present(f"@{name}", view.location(decorator))
        local = view.functions.get(name) if isinstance(target, ast.Name) else None
        if local is not None:
            mechanism, _ = explicit_auth_check(local, view)
            if mechanism:
                return present(f"@{name} ({mechanism})", view.location(decorator))
            continue
        if isinstance(decorator, ast.Call) and isinstance(target, ast.Attribute) \
                and target.attr in (*VERBS, "route"):
            continue
        if _is_imported(target, view) and not set(name_tokens(name)) <= BENIGN_DECORATOR_WORDS \
                and name_role(name) not in ("rate", "infra"):
            unknowns.append((f"decorator @{name} not visible", decorator))
    mechanism, node = explicit_auth_check(func, view)
    if mechanism:
        return present(mechanism, view.location(node))
    if unknowns:
        mechanism, node = unknowns[0]
        return unknown(mechanism, view.location(node))
    return absent("", handler_loc)


def _is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _is_imported(target: ast.expr, view: ModuleView) -> bool:
    root = target
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and root.id in view.imports


def request_names(view: ModuleView) -> frozenset[str]:
    names = {local for local, full in view.imports.items()
             if full in ("flask.request", "quart.request", "apiflask.request")}
    return frozenset(names or {"request"})


def _validation(func, decorators, view, handler_loc) -> Facet:
    for decorator in decorators:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = last_name(target)
        if name in VALIDATING_DECORATORS:
            return present(f"@{name}", view.location(decorator))
        if name == "expect" and isinstance(decorator, ast.Call) and _is_true(keyword(decorator, "validate")):
            return present("@expect(validate=True)", view.location(decorator))
    names = request_names(view)
    reads = raw_body_reads(func, names)
    if reads:
        mechanism, node = schema_validation(func, view)
        if mechanism:
            return present(mechanism, view.location(node))
        read = reads[0]
        return absent(f"{read.value.id}.{read.attr} without a schema", view.location(read))
    if passes_request(func, names):
        return unknown("request passed to another function", handler_loc)
    return present("no body", handler_loc)


def _pagination(func, decorators, spec, method, view) -> Facet:
    if method != "GET":
        return unknown("not a GET")
    for decorator in decorators:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if "paginate" in name_tokens(last_name(target)) or "pagination" in name_tokens(last_name(target)):
            return present(f"@{last_name(target)}", view.location(decorator))
    for param in _RULE_PARAM.findall(spec.path):
        if param.lower() in PAGINATION_NAMES:
            return present(f"`{param}` path parameter", view.location(func))
    mechanism, node = pagination_evidence(func, ("args", "values"))
    if mechanism:
        return present(mechanism, view.location(node))
    found = collection_return(func, view)
    if found is not None:
        return absent("collection without limit", view.location(found))
    return unknown("not a collection")


def _rate_limit(decorators, view) -> Facet:
    mechanism, node = rate_limit_decorator(list(decorators), view)
    if mechanism:
        return present(mechanism, view.location(node))
    return unknown()


__all__ = [
    "FRAMEWORK", "VERBS", "add_url_rule_spec", "class_decorators", "class_route_spec", "constructor",
    "endpoint_facets", "is_view_class", "normalise_path", "request_names", "route_spec",
    "view_methods",
]
