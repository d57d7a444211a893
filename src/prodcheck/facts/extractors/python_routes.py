"""Python endpoint inventory (SCOPE-04): FastAPI and Flask routes and the mounts that prefix them
(Django and DRF: `python_django.py`).

Per file, statically (the scanned code is never imported):
- app and router objects: `FastAPI()`, `APIRouter(prefix=..., dependencies=[...])`, `Flask()`,
  `Blueprint(..., url_prefix=...)`, flask-restx `Api`/`Namespace`, built at module level or inside
  an app factory; their ids are module-qualified symbols ("app.api.users:router"; an object local
  to a factory is "app:create_app.app");
- routes (`Route(router, endpoint)`): FastAPI `@r.get/post/.../api_route`, `add_api_route`;
  Flask `@r.route(methods=...)`, `@r.get/...`, `add_url_rule` (functions and `View.as_view`
  classes), Flask-RESTful `add_resource`, flask-restx `@ns.route` on Resource classes;
- mounts (`Mount(parent, child, prefix)`): `include_router`, `mount`, `register_blueprint`,
  `add_namespace`, `Api(app)`; a child named through an import resolves to the defining module's
  symbol (`from app.api import users` + `users.router` -> "app.api.users:router"), relative imports
  included; a package `__init__` that re-exports a router gets an alias mount;
- guards (mounts without a parent, see `facts/model.py`): a router's own default prefix (Flask),
  router/app `dependencies=[...]`, `before_request` hooks, `add_middleware`, `@app.middleware`,
  limiter default limits.

Endpoint paths use `{name}` for path parameters in every framework (Flask's `<int:id>` becomes
`{id}`); the location is the handler's `def` line; the handler is "module.func" (or
"module.Class.method"). The facets are described in `python_fastapi.py` and `python_flask.py`.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors import python_fastapi as fastapi
from prodcheck.facts.extractors import python_flask as flask
from prodcheck.facts.extractors.python_common import (
    is_package_init, iter_child_statements, keyword, last_name, module_nodes_of, name_tokens, symbol_id,
)
from prodcheck.facts.extractors.python_handlers import (
    Constructed, FunctionNode, ModuleView, RouteSpec, module_view, present,
)
from prodcheck.facts.model import Mount, Route
from prodcheck.model import Endpoint

OTHER_FRAMEWORKS = ("sanic", "bottle", "litestar", "aiohttp", "tornado", "falcon", "django", "pyramid",
                    "cherrypy", "robyn", "blacksheep", "responder", "masonite", "starlite", "web")
FASTAPI_ONLY_KEYWORDS = frozenset({"response_model", "status_code", "dependencies", "tags", "summary",
                                   "response_class", "responses", "deprecated", "include_in_schema",
                                   "operation_id", "response_model_exclude_none", "description"})
REGISTRATION_VOTES = {"include_router": "fastapi", "add_api_route": "fastapi",
                      "register_blueprint": "flask", "add_url_rule": "flask"}
ROUTER_WORDS = frozenset({"router", "routers", "routes", "route", "bp", "blueprint", "blueprints", "api",
                          "app", "views", "endpoints", "ns", "namespace", "controller", "urls"})


@dataclass(frozen=True, slots=True)
class RouterRef:
    """What a receiver expression (`app`, `users.router`) stands for."""
    id: str
    framework: str = ""        # "" when the object is not built in this file
    kind: str = ""
    prefix: str = ""           # FastAPI: the router's own prefix, joined into its routes' paths


@dataclass(frozen=True)
class Scope:
    """A module or function body, with the objects and functions visible in it."""
    qualname: tuple[str, ...]
    node: ast.AST
    objects: dict[str, tuple[RouterRef, Constructed, ast.AST]] = field(default_factory=dict)
    functions: dict[str, FunctionNode] = field(default_factory=dict)
    params: frozenset[str] = frozenset()
    view_factories: dict[str, ast.Call] = field(default_factory=dict)   # name = X.as_view(...)
    own: frozenset[str] = frozenset()     # the objects built in this very scope


def extract(parsed, builder) -> None:
    view = module_view(parsed)
    default_framework = _file_framework(view, module_nodes_of(parsed, ast.FunctionDef, ast.AsyncFunctionDef,
                                                              ast.Call))
    if default_framework is None:
        return
    emitter = _Emitter(view, default_framework, builder)
    for scope in _scopes(view):
        emitter.scan(scope)
    emitter.limiter_defaults(module_nodes_of(parsed, ast.Call))
    if is_package_init(view.path):
        emitter.reexports()


def _file_framework(view: ModuleView, nodes: list[ast.AST]) -> str | None:
    """The framework of receivers not built in this file; None: the file holds no routes.
    `nodes`: the module's function definitions and calls, in `ast.walk` order."""
    uses_fastapi = view.imports_module("fastapi")
    uses_flask = view.imports_module("flask", "quart", "apiflask", "flask_restx", "flask_restful",
                                     "flask_smorest", "flask_restplus")
    if uses_fastapi and not uses_flask:
        return fastapi.FRAMEWORK
    if uses_flask and not uses_fastapi:
        return flask.FRAMEWORK
    if uses_fastapi and uses_flask:
        return ""
    if view.imports_module(*OTHER_FRAMEWORKS):
        return None
    votes = {"fastapi": 0, "flask": 0}
    for node in nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                vote = _framework_vote(decorator, node, view)
                if vote:
                    votes[vote] += 1
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            vote = REGISTRATION_VOTES.get(node.func.attr, "")
            if vote:
                votes[vote] += 1
    if not any(votes.values()) and not is_package_init(view.path):
        return None
    return "fastapi" if votes["fastapi"] > votes["flask"] else "flask"


def _framework_vote(decorator: ast.expr, func: ast.AST, view: ModuleView) -> str:
    if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
        return ""
    verb = decorator.func.attr
    if verb not in (*fastapi.VERBS, "route", "api_route"):
        return ""
    path = view.string(decorator.args[0]) if decorator.args else None
    if path is None or path and not path.startswith("/"):
        return ""
    if verb == "route" or "<" in path:
        return "flask"
    if verb == "api_route" or "{" in path or isinstance(func, ast.AsyncFunctionDef) \
            or {k.arg for k in decorator.keywords} & FASTAPI_ONLY_KEYWORDS:
        return "fastapi"
    return "flask"


def _scopes(view: ModuleView) -> Iterator[Scope]:
    """The module, then every function and class body, each with the objects it can see."""
    stack: list[tuple[tuple[str, ...], ast.AST, Scope | None]] = [((), view.tree, None)]
    while stack:
        qualname, node, parent = stack.pop()
        scope = _make_scope(view, qualname, node, parent)
        yield scope
        body = getattr(node, "body", [])
        for stmt in reversed(list(iter_child_statements(body))):
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.append(((*qualname, stmt.name), stmt, scope))


def _make_scope(view: ModuleView, qualname: tuple[str, ...], node: ast.AST, parent: Scope | None) -> Scope:
    objects = dict(parent.objects) if parent else {}
    functions = dict(parent.functions) if parent else {}
    factories = dict(parent.view_factories) if parent else {}
    params = set(parent.params) if parent else set()
    own: set[str] = set()
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = node.args
        params.update(a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs])
    if not isinstance(node, ast.ClassDef):
        prefix = ".".join(qualname)
        for stmt in iter_child_statements(getattr(node, "body", [])):
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[stmt.name] = stmt
            target, value = _simple_assignment(stmt)
            if target is None or not isinstance(value, ast.Call):
                continue
            made = fastapi.constructor(value, view) or flask.constructor(value, view)
            if made is not None:
                ident = f"{view.module}:{prefix + '.' if prefix else ''}{target}"
                baked = made.prefix if made.framework == fastapi.FRAMEWORK else ""
                objects[target] = (RouterRef(ident, made.framework, made.kind, baked), made, value)
                own.add(target)
                params.discard(target)
            elif isinstance(value.func, ast.Attribute) and value.func.attr == "as_view":
                factories[target] = value
    return Scope(qualname, node, objects, functions, frozenset(params), factories, frozenset(own))


def _simple_assignment(stmt: ast.stmt) -> tuple[str | None, ast.expr | None]:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id, stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
        return stmt.target.id, stmt.value
    return None, None


class _Emitter:
    """Writes the routes, mounts and guards of one file into the facts builder."""

    def __init__(self, view: ModuleView, default_framework: str, builder) -> None:
        self.view = view
        self.default = default_framework
        self.builder = builder
        self.apps: dict[str, RouterRef] = {}
        self.limiters: list[ast.Call] = []
        self.limited: list[RouterRef] = []

    # ------------------------------------------------------------ scanning

    def scan(self, scope: Scope) -> None:
        loops: dict[str, list[ast.expr]] = {}
        is_class = isinstance(scope.node, ast.ClassDef)
        for name in sorted(scope.own):
            ref, made, node = scope.objects[name]
            self._object(ref, made, node, scope, loops)
        for stmt in iter_child_statements(getattr(scope.node, "body", [])):
            if isinstance(stmt, ast.For) and isinstance(stmt.target, ast.Name) \
                    and isinstance(stmt.iter, (ast.List, ast.Tuple)):
                loops[stmt.target.id] = list(stmt.iter.elts)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._decorated(stmt, scope, loops, is_class)
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                self._call(stmt.value, scope, loops)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
                self._call(stmt.value, scope, loops)
            if isinstance(stmt, ast.Assign):
                self._state_limiter(stmt, scope, loops)

    def _object(self, ref: RouterRef, made: Constructed, node: ast.Call, scope: Scope, loops) -> None:
        location = self.view.location(node)
        if made.kind == "app":
            self.apps[ref.id] = ref
        if made.facets or (made.prefix and made.prefix_is_default):
            self.builder.mounts.append(Mount("", ref.id, made.prefix if made.prefix_is_default else "",
                                             location, made.facets))
        if made.kind == "api":
            target = node.args[0] if node.args else keyword(node, "app")
            for parent in self._resolve_all(target, scope, loops):
                self.builder.mounts.append(Mount(parent.id, ref.id, made.prefix, location))

    # ------------------------------------------------------------ receivers

    def _resolve(self, expr: ast.expr | None, scope: Scope) -> RouterRef | None:
        view = self.view
        if isinstance(expr, ast.Name):
            if expr.id in scope.objects:
                return scope.objects[expr.id][0]
            if expr.id in view.imports:
                return RouterRef(symbol_id(view.imports[expr.id]))
            if expr.id in scope.params:
                qual = ".".join(scope.qualname)
                return RouterRef(f"{view.module}:{qual}.{expr.id}")
            if expr.id in view.assigns and not scope.qualname:
                return RouterRef(f"{view.module}:{expr.id}")
            return None
        if isinstance(expr, ast.Attribute):
            root = expr
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in view.imports:
                qualified = view.qualified(expr)
                return RouterRef(symbol_id(qualified)) if qualified else None
        return None

    def _resolve_all(self, expr: ast.expr | None, scope: Scope, loops: dict) -> list[RouterRef]:
        """A receiver may be a loop variable over a literal list: `for r in (a, b)` or
        `for module in (users, items): app.include_router(module.router)`."""
        root, attrs = _split_chain(expr)
        if root is not None and root.id in loops and root.id not in scope.objects:
            found = [self._resolve(_rebuild(element, attrs), scope) for element in loops[root.id]]
            return [r for r in found if r is not None]
        ref = self._resolve(expr, scope)
        return [ref] if ref is not None else []

    def _framework(self, ref: RouterRef) -> str:
        return ref.framework or self.default

    # ------------------------------------------------------------ decorated definitions

    def _decorated(self, node, scope: Scope, loops: dict, in_class: bool) -> None:
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if not isinstance(target, ast.Attribute):
                continue
            for ref in self._resolve_all(target.value, scope, loops):
                self._decorator(decorator, target.attr, ref, node, scope)

    def _decorator(self, decorator: ast.expr, attr: str, ref: RouterRef, node, scope: Scope) -> None:
        framework = self._framework(ref)
        view = self.view
        if attr in ("before_request", "before_app_request") and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._hook(ref, node, f"before_request hook {node.name}", decorator)
            return
        if attr == "middleware" and isinstance(decorator, ast.Call) \
                and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._hook(ref, node, f"http middleware {node.name}", decorator)
            return
        if isinstance(node, ast.ClassDef):
            spec = flask.class_route_spec(decorator, view) if framework != fastapi.FRAMEWORK else None
            if spec is not None and flask.is_view_class(node, view):
                self._view_class(ref, spec, node, scope)
            return
        if framework == fastapi.FRAMEWORK:
            spec = fastapi.route_spec(decorator, view)
        elif framework:
            spec = flask.route_spec(decorator, view)
        else:
            spec = fastapi.route_spec(decorator, view) if ref.framework == fastapi.FRAMEWORK \
                else flask.route_spec(decorator, view)
        if spec is not None:
            cls = scope.node if isinstance(scope.node, ast.ClassDef) else None
            self._routes(ref, framework or flask.FRAMEWORK, spec, node, self._handler_name(node, scope), cls=cls)

    def _handler_name(self, func: FunctionNode, scope: Scope) -> str:
        if isinstance(scope.node, ast.ClassDef):
            return f"{self.view.module}.{scope.node.name}.{func.name}"
        return f"{self.view.module}.{func.name}"

    # ------------------------------------------------------------ calls

    def _call(self, call: ast.Call, scope: Scope, loops: dict) -> None:
        func = call.func
        if isinstance(func, ast.Call) and isinstance(func.func, ast.Attribute):
            self._decorator_call(call, scope, loops)
            return
        if not isinstance(func, ast.Attribute):
            return
        attr = func.attr
        handlers = {
            "include_router": self._include_router, "mount": self._mount,
            "register_blueprint": self._register_blueprint, "add_url_rule": self._add_url_rule,
            "add_api_route": self._add_api_route, "add_resource": self._add_resource,
            "add_namespace": self._add_namespace, "init_app": self._init_app,
            "add_middleware": self._add_middleware, "before_request": self._before_request_call,
        }
        handler = handlers.get(attr)
        if handler is None:
            return
        for parent in self._resolve_all(func.value, scope, loops):
            handler(parent, call, scope, loops)

    def _decorator_call(self, call: ast.Call, scope: Scope, loops: dict) -> None:
        """`app.route("/x", methods=["POST"])(view_func)`."""
        decorator = call.func
        handler = self._local_function(call.args[0] if call.args else None, scope)
        if handler is None:
            return
        for ref in self._resolve_all(decorator.func.value, scope, loops):
            self._decorator(decorator, decorator.func.attr, ref, handler, scope)

    def _include_router(self, parent: RouterRef, call: ast.Call, scope: Scope, loops: dict) -> None:
        child = call.args[0] if call.args else keyword(call, "router")
        prefix = parent.prefix + self.view.prefix(keyword(call, "prefix"))
        facets = fastapi.dependency_facets(keyword(call, "dependencies"), self.view)
        for ref in self._resolve_all(child, scope, loops):
            self._mount_of(parent, ref, prefix, call, facets)

    def _mount(self, parent: RouterRef, call: ast.Call, scope: Scope, loops: dict) -> None:
        path = self.view.string(call.args[0] if call.args else keyword(call, "path"))
        child = call.args[1] if len(call.args) > 1 else keyword(call, "app")
        if path is None or not isinstance(child, (ast.Name, ast.Attribute)):
            return
        for ref in self._resolve_all(child, scope, loops):
            self._mount_of(parent, ref, parent.prefix + path, call)

    def _register_blueprint(self, parent: RouterRef, call: ast.Call, scope: Scope, loops: dict) -> None:
        child = call.args[0] if call.args else keyword(call, "blueprint")
        prefix = self.view.prefix(keyword(call, "url_prefix"))
        for ref in self._resolve_all(child, scope, loops):
            self._mount_of(parent, ref, prefix, call)

    def _add_namespace(self, parent: RouterRef, call: ast.Call, scope: Scope, loops: dict) -> None:
        child = call.args[0] if call.args else keyword(call, "ns")
        path_node = call.args[1] if len(call.args) > 1 else keyword(call, "path")
        prefix = self.view.prefix(path_node)
        for ref in self._resolve_all(child, scope, loops):
            self._mount_of(parent, ref, prefix, call)

    def _init_app(self, parent: RouterRef, call: ast.Call, scope: Scope, loops: dict) -> None:
        """`api.init_app(app)` mounts a flask-restx/RESTful Api; `limiter.init_app(app)` limits it."""
        target = call.args[0] if call.args else keyword(call, "app")
        if parent.kind == "api":
            for app in self._resolve_all(target, scope, loops):
                made = self._constructed(parent, scope)
                self._mount_of(app, parent, made.prefix if made else "", call)
        elif "limiter" in name_tokens(parent.id.rpartition(":")[2]):
            self.limited.extend(self._resolve_all(target, scope, loops))

    def _mount_of(self, parent: RouterRef, child: RouterRef, prefix: str, call: ast.Call,
                  facets: tuple = ()) -> None:
        if parent.id and child.id and parent.id != child.id:
            self.builder.mounts.append(Mount(parent.id, child.id, prefix, self.view.location(call), facets))

    def _constructed(self, ref: RouterRef, scope: Scope) -> Constructed | None:
        for known, made, _ in scope.objects.values():
            if known.id == ref.id:
                return made
        return None

    def _add_url_rule(self, parent: RouterRef, call: ast.Call, scope: Scope, loops: dict) -> None:
        found = flask.add_url_rule_spec(call, self.view)
        if found is None:
            return
        spec, view_func = found
        as_view = view_func if isinstance(view_func, ast.Call) else (
            scope.view_factories.get(view_func.id) if isinstance(view_func, ast.Name) else None)
        if isinstance(as_view, ast.Call) and isinstance(as_view.func, ast.Attribute) \
                and as_view.func.attr == "as_view":
            cls = self.view.classes.get(last_name(as_view.func.value))
            if cls is not None:
                self._view_class(parent, spec, cls, scope)
            return
        handler = self._local_function(view_func, scope)
        methods = spec.methods or ("GET",)
        spec = RouteSpec(methods, spec.path, spec.call)
        framework = parent.framework or flask.FRAMEWORK
        if handler is not None:
            self._routes(parent, framework, spec, handler, f"{self.view.module}.{handler.name}")
        else:
            self._opaque_routes(parent, framework, spec, view_func)

    def _add_api_route(self, parent: RouterRef, call: ast.Call, scope: Scope, loops: dict) -> None:
        found = fastapi.add_api_route_spec(call, self.view)
        if found is None:
            return
        spec, target = found
        handler = self._local_function(target, scope)
        if handler is not None:
            self._routes(parent, fastapi.FRAMEWORK, spec, handler, f"{self.view.module}.{handler.name}")
        else:
            self._opaque_routes(parent, fastapi.FRAMEWORK, spec, target)

    def _add_resource(self, parent: RouterRef, call: ast.Call, scope: Scope, loops: dict) -> None:
        if not call.args:
            return
        cls = self.view.classes.get(last_name(call.args[0])) if isinstance(call.args[0], ast.Name) else None
        if cls is None:
            return
        for url in call.args[1:]:
            rule = self.view.string(url)
            if rule is not None:
                self._view_class(parent, RouteSpec((), rule, call), cls, scope)

    def _add_middleware(self, parent: RouterRef, call: ast.Call, scope: Scope, loops: dict) -> None:
        facets = fastapi.middleware_facets(call, self.view)
        if facets:
            self.builder.mounts.append(Mount("", parent.id, "", self.view.location(call), facets))

    def _before_request_call(self, parent: RouterRef, call: ast.Call, scope: Scope, loops: dict) -> None:
        hook = self._local_function(call.args[0] if call.args else None, scope)
        if hook is not None:
            self._hook(parent, hook, f"before_request hook {hook.name}", call)

    def _hook(self, ref: RouterRef, func: FunctionNode, label: str, at: ast.AST) -> None:
        facets = fastapi.hook_facets(func, label, self.view, self.view.location(at))
        if facets:
            self.builder.mounts.append(Mount("", ref.id, "", self.view.location(at), facets))

    def _local_function(self, node: ast.expr | None, scope: Scope) -> FunctionNode | None:
        if isinstance(node, ast.Name):
            return scope.functions.get(node.id) or self.view.functions.get(node.id)
        return None

    # ------------------------------------------------------------ endpoints

    def _view_class(self, ref: RouterRef, spec: RouteSpec, cls: ast.ClassDef, scope: Scope) -> None:
        methods = spec.methods
        for method, func in flask.view_methods(cls, self.view):
            if methods and method not in methods:
                continue
            one = RouteSpec((method,), spec.path, spec.call)
            self._routes(ref, ref.framework or flask.FRAMEWORK, one, func,
                         f"{self.view.module}.{cls.name}.{func.name}", flask.class_decorators(cls, method))

    def _routes(self, ref: RouterRef, framework: str, spec: RouteSpec, func: FunctionNode,
                handler: str, extra_decorators: list[ast.expr] = (), cls: ast.ClassDef | None = None) -> None:
        view = self.view
        for method in spec.methods:
            if framework == fastapi.FRAMEWORK:
                path = fastapi.normalise_path(ref.prefix + spec.path)
                facets = fastapi.endpoint_facets(func, spec, method, view, cls)
            else:
                path = flask.normalise_path(spec.path)
                facets = flask.endpoint_facets(func, spec, method, view, list(extra_decorators))
            endpoint = Endpoint(method, path, handler, view.location(func), framework, **facets)
            self.builder.routes.append(Route(ref.id, endpoint))

    def _opaque_routes(self, ref: RouterRef, framework: str, spec: RouteSpec, target: ast.expr) -> None:
        """A handler defined elsewhere: the route is known, its facets are not."""
        qualified = self.view.qualified(target)
        if not qualified:
            return
        path = fastapi.normalise_path(ref.prefix + spec.path) if framework == fastapi.FRAMEWORK \
            else flask.normalise_path(spec.path)
        for method in spec.methods:
            endpoint = Endpoint(method, path, qualified, self.view.location(spec.call), framework)
            self.builder.routes.append(Route(ref.id, endpoint))

    # ------------------------------------------------------------ limiter defaults

    def _state_limiter(self, stmt: ast.Assign, scope: Scope, loops: dict) -> None:
        """`app.state.limiter = limiter` (slowapi)."""
        for target in stmt.targets:
            if isinstance(target, ast.Attribute) and target.attr == "limiter" \
                    and isinstance(target.value, ast.Attribute) and target.value.attr == "state":
                self.limited.extend(self._resolve_all(target.value.value, scope, loops))

    def limiter_defaults(self, calls: list[ast.Call]) -> None:
        """A `Limiter(default_limits=[...])` of this file limits the apps it is attached to (or,
        when none is named, the apps built in this file). `calls`: the module's, in walk order."""
        for node in calls:
            if last_name(node.func) == "Limiter" \
                    and "limiter" in self.view.qualified(node.func).lower():
                self.limiters.append(node)
        limited = [c for c in self.limiters if _has_default_limits(c)]
        if not limited:
            return
        targets = {ref.id: ref for ref in self.limited}
        for call in limited:
            app = keyword(call, "app")
            if isinstance(app, ast.Name) and app.id in self.view.assigns:
                targets.setdefault(f"{self.view.module}:{app.id}", RouterRef(f"{self.view.module}:{app.id}"))
        if not targets:
            targets = dict(self.apps)
        location = self.view.location(limited[0])
        facet = present("default limits", location)
        for ident in targets:
            self.builder.mounts.append(Mount("", ident, "", location, (("rate_limit", facet),)))

    # ------------------------------------------------------------ re-exports

    def reexports(self) -> None:
        """`from .users import router` in a package `__init__`: the package's name for the
        router is an alias of the defining module's symbol."""
        view = self.view
        for node in view.tree.body:
            if not isinstance(node, ast.ImportFrom):
                continue
            for alias in node.names:
                local = alias.asname or alias.name
                if alias.name == "*" or local in view.assigns or not _router_like(local):
                    continue
                full = view.imports.get(local)
                if not full:
                    continue
                parent, child = f"{view.module}:{local}", symbol_id(full)
                if parent != child:
                    self.builder.mounts.append(Mount(parent, child, "", view.location(node), alias=True))


def _split_chain(expr: ast.expr | None) -> tuple[ast.Name | None, list[str]]:
    """`a.b.c` -> (Name a, ["b", "c"])."""
    attrs: list[str] = []
    while isinstance(expr, ast.Attribute):
        attrs.append(expr.attr)
        expr = expr.value
    return (expr, list(reversed(attrs))) if isinstance(expr, ast.Name) else (None, [])


def _rebuild(base: ast.expr, attrs: list[str]) -> ast.expr:
    for attr in attrs:
        base = ast.Attribute(value=base, attr=attr, ctx=ast.Load())
    return base


def _router_like(name: str) -> bool:
    words = name_tokens(name)
    return bool(ROUTER_WORDS & set(words)) or name.endswith("_bp")


def _has_default_limits(call: ast.Call) -> bool:
    for name in ("default_limits", "application_limits"):
        value = keyword(call, name)
        if isinstance(value, (ast.List, ast.Tuple)) and value.elts or isinstance(value, ast.Name):
            return True
    return False


EXTRACTOR = Extractor("python-routes", extract, languages=("python",), kinds=("source",))
