"""Express (and the router objects Fastify shares with it): apps, routers, registrations, mounts and
the four facets of a route.

Objects: `express()`, `express.Router()`/`Router()`, `express-promise-router`, `Fastify()`, a
function parameter that routes are registered on (`module.exports = (app) => {...}`, a Fastify
plugin), a class field (`this.router = Router()`), or an imported app (`require('./app')`). Symbol
ids are "module:name" like the Python extractor's: a module-level variable is "m:router", a router
built and returned by a function is the function ("m:createUsersRouter"), a default export is
"m:default" (an alias mount ties it to the exported variable).

Registrations: `x.get/post/put/patch/delete/options/head/all(path, ...middleware, handler)`,
`x.route(path).get(...).post(...)`, `x.use([path,] ...middleware|router)`, `f(app)` where `f`
registers routes on its parameter. Middleware order matters as in Express: a `use` applies to the
routes and mounts registered after it on the same object (and under its path).

Facets (route chain = earlier `use`s of the object + the route's own middleware):
- auth: PRESENT for an auth-looking middleware (`passport.authenticate`, `requireAuth`, express-jwt,
  `verifyToken`, names with auth/jwt/token/guard/protect/login/permission/role) or an explicit check
  in the handler (401/403 response, `jwt.verify`, the Authorization header, `!req.user`); UNKNOWN
  when a middleware could authenticate but is not visible (an import whose name says nothing);
  ABSENT otherwise.
- validation: PRESENT for a validation middleware (celebrate, express-validator, `validate(...)`) or
  a schema check of `req.body` in the handler; ABSENT when the handler reads `req.body` without
  one; PRESENT "no body" when it reads none; UNKNOWN for a handler defined elsewhere.
- pagination (GET): PRESENT for page/limit query parameters or a bounded query; ABSENT when the
  handler answers with a whole collection (`findMany`, `find`, `findAll`, `SELECT` without LIMIT);
  UNKNOWN for single resources (`/:id`) and handlers it cannot see.
- rate_limit: PRESENT for express-rate-limit/rate-limiter-flexible middleware in the chain or app
  wide; else UNKNOWN.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from prodcheck.facts.extractors import js_fastify as fastify
from prodcheck.facts.extractors.js_common import (
    HTTP_VERBS, FileView, absent, arguments_of, auth_check, body_of, body_reads, body_validation,
    call_parts, callee, class_member, collection_result, ends_with_param, enclosing_class_name, function_name,
    function_symbol, is_async, is_benign_name, is_function, is_router_name, member_names,
    mentions_identity, name_kind, normalise_path, object_pairs, pagination_evidence, param_type,
    params_of, passes_request, present, request_names, required_spec, resolve_module, returned_names,
    root_identifier, scope_of, string_of, strings_of, unknown, unwrap, walk_local, words,
)
from prodcheck.facts.model import Mount, Route, Signal
from prodcheck.model import Endpoint, Facet, FacetState
from prodcheck.parsing.treesitter import string_value, text_of, walk

EXPRESS = "express"
FASTIFY = "fastify"
PROMISE_ROUTERS = frozenset({"express-promise-router", "@awaitjs/express", "express-async-router"})
AUTH_PACKAGES = {
    "passport": frozenset({"authenticate", "authorize"}),
    "express-jwt": None, "express-oauth2-jwt-bearer": None, "express-openid-connect": None,
    "@clerk/express": frozenset({"requireAuth", "clerkMiddleware"}),
    "@clerk/clerk-sdk-node": frozenset({"ClerkExpressRequireAuth"}), "express-basic-auth": None,
    "keycloak-connect": frozenset({"protect"}), "@okta/oidc-middleware": frozenset({"ensureAuthenticated"}),
    "connect-ensure-login": frozenset({"ensureLoggedIn"}), "express-jwt-permissions": None,
    "express-jwt-authz": None, "@fastify/auth": None, "@fastify/basic-auth": None,
    "@fastify/bearer-auth": None,
}
RATE_PACKAGES = frozenset({"express-rate-limit", "express-slow-down", "rate-limiter-flexible", "express-brute",
                           "@fastify/rate-limit", "fastify-rate-limit", "express-limiter"})
VALIDATION_PACKAGES = frozenset({"celebrate", "express-validator", "express-joi-validation",
                                 "zod-express-middleware", "express-zod-safe", "express-openapi-validator",
                                 "express-json-validator-middleware", "express-yup-middleware",
                                 "zod-express", "express-joi-validations", "joi-express"})
ROUTER_PARAM_WORDS = frozenset({"app", "router", "api", "server", "fastify", "instance", "routes", "route",
                                "express", "application", "r", "v1", "v2", "admin", "plugin", "scope"})
REGISTRATION_METHODS = frozenset({*HTTP_VERBS, "use", "route", "register", "addHook"})
CHAINABLE = frozenset({*HTTP_VERBS, "use", "register", "addHook", "set", "enable", "disable", "engine",
                       "param"})
ERROR_PARAM_NAMES = frozenset({"err", "error", "e", "ex", "exception", "_err", "_error", "_e", "er"})


@dataclass
class Ref:
    """An app or router object the registrations of this file are made on."""
    id: str
    framework: str                 # express | fastify
    kind: str                      # app | router | param | imported | class
    promise: bool = False          # rejections of async handlers are handled (express-promise-router)


@dataclass
class Use:
    position: int
    prefixes: tuple[str, ...]
    facets: tuple[tuple[str, Facet], ...]


@dataclass
class Handler:
    """What a route's last argument is: a visible function, or an opaque reference."""
    func: object | None
    name: str
    wrapped: bool = False          # inside asyncHandler(...)/catchAsync(...)
    wrapper: str = ""


@dataclass
class RouterScanner:
    view: FileView
    builder: object
    scan_root: object = None       # pathlib.Path of the scan root (for @fastify/autoload directories)
    uses: dict[str, list[Use]] = field(default_factory=dict)
    refs: dict[int, Ref | None] = field(default_factory=dict)
    field_values: dict[int, dict[str, list]] = field(default_factory=dict)   # class body id -> see _field_values
    # (scope id, name, depth) -> what an identifier there denotes: it depends on nothing else
    name_refs: dict[tuple[int, str, int], Ref | None] = field(default_factory=dict)

    # ------------------------------------------------------------ the walk

    def scan(self) -> None:
        calls = [n for n in self.view.calls if n.type == "call_expression"]
        for call in calls:
            try:
                self._call(call)
            except RecursionError:
                raise
            except (AttributeError, TypeError, ValueError, IndexError):
                continue
        self._exports()

    def _call(self, call) -> None:
        function = callee(call)
        if function is None:
            return
        if function.type == "member_expression":
            method = text_of(function.child_by_field_name("property"))
            receiver = function.child_by_field_name("object")
            if method in HTTP_VERBS and _route_base(receiver) is not None:
                self._route_chain(call, method, receiver)
                return
            if method in REGISTRATION_METHODS:
                ref = self.target(receiver)
                if ref is not None:
                    if ref.framework == FASTIFY:
                        fastify.registration(self, ref, call, method)
                    elif method == "use":
                        self._use(ref, call)
                    elif method in HTTP_VERBS:
                        self._verb(ref, call, method)
                    return
        self._passing_call(call)

    # ------------------------------------------------------------ objects

    def target(self, expr, depth: int = 0) -> Ref | None:
        """The app/router object an expression denotes, or None."""
        expr = unwrap(expr)
        if expr is None or depth > 4:
            return None
        if expr.id in self.refs:
            return self.refs[expr.id]
        ref = self._target(expr, depth)
        self.refs[expr.id] = ref
        return ref

    def _target(self, expr, depth: int) -> Ref | None:
        if expr.type == "call_expression":
            _, method = call_parts(expr)
            if method in CHAINABLE:
                return self.target(callee(expr).child_by_field_name("object"), depth + 1)
            made = self.constructed(expr)
            if made is not None:
                framework, kind, promise = made
                return Ref(self._inline_id(expr), framework, kind, promise)
            return None
        if expr.type == "identifier":
            name = text_of(expr)
            key = (scope_of(expr).id, name, depth)
            if key not in self.name_refs:
                self.name_refs[key] = self._named_target(expr, name, depth)
            return self.name_refs[key]
        if expr.type == "member_expression":
            names = member_names(expr)
            if len(names) == 2 and names[0] == "this":
                return self._class_field(expr, names[1])
            return None
        return None

    def _named_target(self, expr, name: str, depth: int) -> Ref | None:
        """`_target` of an identifier: found through the scopes around it, so the same for every
        use of the name in one scope."""
        view = self.view
        decl = view.lookup(name, expr)
        if decl is not None and decl.type == "variable_declarator":
            value = _chain_bottom(unwrap(decl.child_by_field_name("value")))
            made = self.constructed(value)
            if made is not None:
                framework, kind, promise = made
                return Ref(self._object_id(decl, name), framework, kind, promise)
            binding = view.binding(name, expr)
            if binding is not None and binding.module and _router_ish(name):
                return Ref(binding.symbol, self._guess_framework(None), "imported")
            if value is not None and value.type in ("identifier", "member_expression"):
                return self.target(value, depth + 1)
            return None
        if decl is not None:
            return None
        param = self._param(name, expr)
        if param is not None:
            return param
        binding = view.binding(name, expr)
        if binding is not None and binding.module and _router_ish(name):
            return Ref(binding.symbol, self._guess_framework(None), "imported")
        return None

    def constructed(self, value) -> tuple[str, str, bool] | None:
        """(framework, kind, promise) when `value` builds an Express app/router or a Fastify app."""
        value = unwrap(value)
        if value is None or value.type not in ("call_expression", "new_expression"):
            return None
        view = self.view
        function = callee(value)
        if function is None:
            return None
        spec = required_spec(function) if function.type == "call_expression" else None
        if spec == "express":
            return EXPRESS, "app", False
        if spec in ("fastify",):
            return FASTIFY, "app", False
        if spec in PROMISE_ROUTERS:
            return EXPRESS, "router", True
        if function.type == "identifier":
            name = text_of(function)
            binding = view.imports.get(name)
            if binding is not None:
                if binding.spec == "express":
                    if binding.name in ("default", "*"):
                        return EXPRESS, "app", False
                    if binding.name == "Router":
                        return EXPRESS, "router", False
                if binding.spec in PROMISE_ROUTERS and binding.name in ("default", "Router"):
                    return EXPRESS, "router", True
                if binding.spec == "fastify" and binding.name in ("default", "fastify", "Fastify", "*"):
                    return FASTIFY, "app", False
                return None
            decl = view.lookup(name, value)
            if name == "express" and decl is None:
                return EXPRESS, "app", False
            if name == "Router" and view.imports_any("express") and decl is None:
                return EXPRESS, "router", False
            if name == "Router" and decl is not None and decl.type == "variable_declarator":
                source = unwrap(decl.child_by_field_name("value"))
                pattern = decl.child_by_field_name("name")
                if pattern is not None and pattern.type == "object_pattern" and source is not None and (
                        source.type == "identifier" and view.binds(text_of(source), "express")):
                    return EXPRESS, "router", False
            return None
        if function.type == "member_expression":
            if text_of(function.child_by_field_name("property")) not in ("Router", "default", "fastify"):
                return None                 # what `names[-1]` below would be, read without the chain
            names = member_names(function)
            prop = names[-1] if names else ""
            inner = unwrap(function.child_by_field_name("object"))
            if prop == "Router":
                if inner is not None and required_spec(inner) == "express":
                    return EXPRESS, "router", False
                root = names[0] if names else ""
                binding = view.imports.get(root)
                if binding is not None and binding.spec == "express" or root == "express":
                    return EXPRESS, "router", False
            if prop in ("default", "fastify") and len(names) == 2:
                binding = view.imports.get(names[0])
                if binding is not None and binding.spec == "fastify":
                    return FASTIFY, "app", False
        return None

    def _inline_id(self, made) -> str:
        """The id of an app/router built inline (`export default Router().use(...)`): the name the
        top of its registration chain is given."""
        top = made
        while True:
            parent = top.parent
            if parent is not None and parent.type == "member_expression" and parent.parent is not None \
                    and parent.parent.type == "call_expression" \
                    and text_of(parent.child_by_field_name("property")) in CHAINABLE:
                top = parent.parent
                continue
            break
        parent = top.parent
        while parent is not None and parent.type in ("parenthesized_expression", "as_expression", "await_expression"):
            parent = parent.parent
        if parent is not None:
            if parent.type == "variable_declarator":
                name = parent.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    return self._object_id(parent, text_of(name))
            if parent.type == "export_statement":
                return f"{self.view.module}:default"
            if parent.type == "assignment_expression":
                exported = _export_target(parent.child_by_field_name("left"))
                if exported:
                    return f"{self.view.module}:{exported}"
            if parent.type == "return_statement":
                func = scope_of(parent)
                if func is not None and func.type != "program":
                    return function_symbol(func, self.view)
        return f"{self.view.module}:<app@{made.start_point[0] + 1}>"

    def _object_id(self, decl, name: str) -> str:
        scope = scope_of(decl)
        if scope is None or scope.type == "program":
            return f"{self.view.module}:{name}"
        if scope.type == "class_body":
            return f"{self.view.module}:{enclosing_class_name(decl) or name}"
        if name in returned_names(scope):
            return function_symbol(scope, self.view)
        return f"{function_symbol(scope, self.view)}.{name}"

    def _param(self, name: str, at) -> Ref | None:
        """A router passed in as a parameter: routes on it belong to the enclosing function."""
        func = scope_of(at)
        while True:
            if func is None or func.type == "program":
                return None
            if func.type == "class_body":
                func = self.view.outer_scope(func)
                continue
            for pname, node in params_of(func):
                if pname != name:
                    continue
                typed = param_type(node)
                if not (_router_ish(name) or _router_type(typed)):
                    return None
                framework = FASTIFY if "Fastify" in typed or "fastify" in words(name) else self._guess_framework(func)
                return Ref(function_symbol(func, self.view), framework, "param")
            func = self.view.outer_scope(func)

    def _class_field(self, expr, field_name: str) -> Ref | None:
        cls = expr
        while cls is not None and cls.type not in ("class_body",):
            cls = cls.parent
        if cls is None:
            return None
        for value in self._field_values(cls).get(field_name, ()):
            made = self.constructed(value)
            if made is not None:
                framework, kind, promise = made
                return Ref(f"{self.view.module}:{enclosing_class_name(cls) or field_name}", framework, kind, promise)
        return None

    def _field_values(self, cls) -> dict[str, list]:
        """Field name -> the values a class gives it, in the order they are looked at: field
        definitions and `this.x = ...` outside methods (source order), then `this.x = ...` in each
        method. Indexed once per class: every `this.x.get(...)` in the class asks."""
        found = self.field_values.get(cls.id)
        if found is not None:
            return found
        found = {}
        for node in walk_local(cls):
            if node.type in ("public_field_definition", "field_definition"):
                name = node.child_by_field_name("name") or node.child_by_field_name("property")
                value = node.child_by_field_name("value")
                if value is not None:
                    found.setdefault(text_of(name), []).append(value)
            elif node.type == "assignment_expression":
                self._this_assignment(node, found)
        for method in (n for n in cls.named_children if n.type == "method_definition"):
            for node in walk_local(body_of(method)):
                if node.type == "assignment_expression":
                    self._this_assignment(node, found)
        self.field_values[cls.id] = found
        return found

    @staticmethod
    def _this_assignment(node, found: dict[str, list]) -> None:
        """Record `this.x = value` (`value` may be missing in a broken tree: kept, as None)."""
        names = member_names(node.child_by_field_name("left"))
        if len(names) == 2 and names[0] == "this":
            found.setdefault(names[1], []).append(node.child_by_field_name("right"))

    def _guess_framework(self, func) -> str:
        view = self.view
        fastify_file = view.imports_any("fastify", "fastify-plugin") or any(
            p.startswith("@fastify/") for p in view.packages)
        if fastify_file and not view.imports_any("express"):
            return FASTIFY
        if func is not None:
            for _, node in params_of(func):
                if "Fastify" in param_type(node):
                    return FASTIFY
        return EXPRESS

    # ------------------------------------------------------------ registrations

    def _verb(self, ref: Ref, call, method: str) -> None:
        args = arguments_of(call)
        if len(args) < 2:
            return
        paths = self.paths(args[0], call)
        if paths is None:
            return
        if ref.kind in ("imported", "param") and not self._handler_like(args[-1]):
            return
        at = _verb_node(call)
        self.express_route(ref, method, paths, args[1:], call, at)

    def _handler_like(self, expr) -> bool:
        """Could the last argument of `x.post(path, ...)` be a request handler (rather than the
        payload of an HTTP client call such as `api.post('/users', data)`)?"""
        node = unwrap(expr)
        if node is None:
            return False
        if is_function(node):
            return len(params_of(node)) >= 1
        if node.type in ("call_expression", "member_expression", "array"):
            return True
        if node.type == "identifier":
            decl = self.view.lookup(text_of(node), node)
            if decl is None:
                return self.view.binding(text_of(node), node) is not None
            if decl.type in ("function_declaration", "generator_function_declaration"):
                return True
            value = unwrap(decl.child_by_field_name("value")) if decl.type == "variable_declarator" else None
            return value is not None and (is_function(value) or value.type == "call_expression"
                                          and self.view.binding(text_of(node), node) is None
                                          and not _is_data_call(value))
        return False

    def _route_chain(self, call, method: str, receiver) -> None:
        """`router.route('/x').get(h).post(h)`: this call is one verb of the chain."""
        base = _route_base(receiver)
        if base is None or method not in HTTP_VERBS:
            return
        route_call, owner = base
        ref = self.target(owner)
        if ref is None:
            return
        args = arguments_of(route_call)
        paths = self.paths(args[0], route_call) if args else None
        if paths is None:
            return
        handlers = arguments_of(call)
        if not handlers:
            return
        if ref.framework == FASTIFY:
            return
        self.express_route(ref, method, paths, handlers, call, _verb_node(call))

    def paths(self, node, at) -> list[str] | None:
        fields = self.class_fields(at)
        return strings_of(node, self.view.consts, fields)

    def class_fields(self, at) -> dict[str, str]:
        cls = at
        while cls is not None and cls.type != "class_body":
            cls = cls.parent
        if cls is None:
            return {}
        found: dict[str, str] = {}
        for node in cls.named_children:
            if node.type in ("public_field_definition", "field_definition"):
                name = node.child_by_field_name("name") or node.child_by_field_name("property")
                value = string_of(node.child_by_field_name("value"), self.view.consts)
                if name is not None and value is not None:
                    found[text_of(name)] = value
        for node in walk(cls):
            if node.type == "assignment_expression":
                names = member_names(node.child_by_field_name("left"))
                value = string_of(node.child_by_field_name("right"), self.view.consts)
                if len(names) == 2 and names[0] == "this" and value is not None:
                    found.setdefault(names[1], value)
        return found

    def _use(self, ref: Ref, call) -> None:
        args = arguments_of(call)
        if not args:
            return
        if len(args) == 2:
            expanded = self._table_mounts(ref, call, args)
            if expanded:
                return
        prefixes = strings_of(args[0], self.view.consts, self.class_fields(call))
        rest = args[1:] if prefixes is not None else args
        prefixes = [normalise_path(p) for p in prefixes] if prefixes is not None else [""]
        position = call.start_byte
        inline: list[tuple[str, Facet]] = []
        flat = _flatten(rest)
        for index, arg in enumerate(flat):
            child = self.child_symbol(arg)
            # the last argument of a path-scoped use() is a router when it names one at all
            last_routed = child is not None and index == len(flat) - 1 and prefixes != [""]
            facets = [] if child is not None and (child[1] or last_routed) else self.classify(arg)
            if child is not None and (last_routed or not any(f.state is FacetState.PRESENT for _, f in facets)):
                symbol = child[0]
                for prefix in prefixes:
                    prior = self.prior(ref, prefix, position)
                    self.builder.mounts.append(Mount(ref.id, symbol, prefix, self.view.location(call),
                                                     tuple(prior + inline)))
            inline.extend(facets)
        if inline:
            self.uses.setdefault(ref.id, []).append(Use(position, tuple(prefixes), tuple(inline)))

    def _table_mounts(self, ref: Ref, call, args) -> bool:
        """`routes.forEach((r) => router.use(r.path, r.route))` (or a `for...of`) over a local array
        of `{ path, route }` objects: one mount per element."""
        path_names, child_names = member_names(args[0]), member_names(args[1])
        if len(path_names) != 2 or len(child_names) != 2 or path_names[0] != child_names[0]:
            return False
        elements = self._loop_elements(path_names[0], call)
        if elements is None:
            return False
        for element in elements:
            pairs = object_pairs(element)
            prefix = string_of(pairs.get(path_names[1]), self.view.consts)
            child = self.child_symbol(pairs.get(child_names[1])) if child_names[1] in pairs else None
            if prefix is None or child is None:
                continue
            prior = self.prior(ref, normalise_path(prefix), call.start_byte)
            self.builder.mounts.append(Mount(ref.id, child[0], normalise_path(prefix),
                                             self.view.location(call), tuple(prior)))
        return True

    def _loop_elements(self, name: str, at) -> list | None:
        """The object literals a loop variable `name` takes: the parameter of a `.forEach`
        callback or the variable of a `for...of` over a local array."""
        current = at
        while current is not None:
            if current.type in ("arrow_function", "function_expression", "function"):
                params = params_of(current)
                if params and params[0][0] == name and current.parent is not None \
                        and current.parent.type == "arguments":
                    _, method = call_parts(current.parent.parent)
                    receiver = callee(current.parent.parent)
                    if method in ("forEach", "map") and receiver is not None:
                        return self._array_objects(receiver.child_by_field_name("object"))
                    return None
            if current.type == "for_in_statement":
                left = current.child_by_field_name("left")
                if left is not None and text_of(left) == name:
                    return self._array_objects(current.child_by_field_name("right"))
            current = current.parent
        return None

    def _array_objects(self, node) -> list | None:
        node = unwrap(node)
        if node is not None and node.type == "identifier":
            node = unwrap(self.view.value_of(text_of(node), node))
        if node is None or node.type != "array":
            return None
        items = [unwrap(c) for c in node.named_children if c.type != "comment"]
        return [i for i in items if i is not None and i.type == "object"]

    def prior(self, ref: Ref, path: str, position: int) -> list[tuple[str, Facet]]:
        found: list[tuple[str, Facet]] = []
        for use in self.uses.get(ref.id, ()):
            if use.position >= position:
                continue
            if any(_covers(prefix, path) for prefix in use.prefixes):
                found.extend(use.facets)
        return found

    def _passing_call(self, call) -> None:
        """`registerRoutes(app)`, `require('./routes')(app, db)`: routes on the callee's parameter."""
        args = arguments_of(call)
        if not args:
            return
        refs = [self.target(a) for a in args if unwrap(a) is not None and unwrap(a).type in ("identifier", "member_expression")]
        refs = [r for r in refs if r is not None]
        if not refs:
            return
        function = callee(call)
        child = self._callee_symbol(function, call)
        if child is None:
            return
        for ref in refs:
            if ref.id != child:
                self.builder.mounts.append(Mount(ref.id, child, "", self.view.location(call)))

    def _callee_symbol(self, function, at) -> str | None:
        view = self.view
        function = unwrap(function)
        if function is None:
            return None
        spec = required_spec(function) if function.type == "call_expression" else None
        if spec is not None:
            binding_module = _relative_module(spec, view)
            return f"{binding_module}:default" if binding_module else None
        if function.type == "identifier":
            name = text_of(function)
            decl = view.lookup(name, at)
            if decl is not None:
                if decl.type in ("function_declaration", "generator_function_declaration"):
                    return function_symbol(decl, view)
                if decl.type in ("class_declaration", "abstract_class_declaration"):
                    return f"{view.module}:{name}"
                if decl.type == "variable_declarator":
                    value = unwrap(decl.child_by_field_name("value"))
                    if is_function(value):
                        return function_symbol(value, view)
                    binding = view.binding(name, at)
                    return binding.symbol if binding is not None and binding.module else None
                return None
            binding = view.binding(name, at)
            return binding.symbol if binding is not None and binding.module else None
        if function.type == "member_expression":
            names = member_names(function)
            if len(names) == 2:
                binding = view.binding(names[0], at)
                if binding is not None and binding.module and binding.name in ("*", "default"):
                    return f"{binding.module}:{names[1]}"
        return None

    def child_symbol(self, expr) -> tuple[str, bool] | None:
        """(symbol, certainly a router) of something mounted with `use`/`register`."""
        view = self.view
        expr = unwrap(expr)
        if expr is None:
            return None
        if expr.type == "identifier":
            name = text_of(expr)
            decl = view.lookup(name, expr)
            if decl is not None and decl.type == "variable_declarator":
                value = unwrap(decl.child_by_field_name("value"))
                made = self.constructed(_chain_bottom(value))
                if made is not None:
                    return self._object_id(decl, name), True
                if value is not None and value.type in ("call_expression", "new_expression"):
                    inner = self._callee_symbol(callee(value), value)
                    if inner is not None:
                        return inner, _router_ish(name)
                binding = view.binding(name, expr)
                if binding is not None and binding.module:
                    return binding.symbol, is_router_name(name)
                if is_function(value):
                    return function_symbol(value, view), False
                return None
            if decl is not None and decl.type in ("function_declaration", "generator_function_declaration"):
                return function_symbol(decl, view), False
            if decl is not None:
                return None
            binding = view.binding(name, expr)
            if binding is not None and binding.module:
                return binding.symbol, is_router_name(name)
            return None
        if expr.type == "member_expression":
            names = member_names(expr)
            obj = unwrap(expr.child_by_field_name("object"))
            prop = names[-1] if names else text_of(expr.child_by_field_name("property"))
            if obj is not None and obj.type == "call_expression":
                spec = required_spec(obj)
                if spec is not None:
                    module = _relative_module(spec, view)
                    return (f"{module}:{prop}", True) if module else None
            if obj is not None and obj.type == "new_expression":
                symbol = self._callee_symbol(callee(obj), obj)
                return (symbol, True) if symbol else None
            if len(names) == 2 and names[0] != "this":
                decl = view.lookup(names[0], expr)
                value = unwrap(decl.child_by_field_name("value")) if decl is not None \
                    and decl.type == "variable_declarator" else None
                if value is not None and value.type == "new_expression":
                    symbol = self._callee_symbol(callee(value), value)
                    return (symbol, True) if symbol else None
                binding = view.binding(names[0], expr)
                if binding is not None and binding.module and binding.name in ("*", "default"):
                    return f"{binding.module}:{names[1]}", is_router_name(names[1]) or is_router_name(names[0])
            if len(names) == 2 and names[0] == "this":
                ref = self._class_field(expr, names[1])
                return (ref.id, True) if ref is not None else None
            return None
        if expr.type == "call_expression":
            spec = required_spec(expr)
            if spec is not None:
                module = _relative_module(spec, view)
                return (f"{module}:default", True) if module else None
            function = callee(expr)
            name = text_of(function) if function is not None and function.type == "identifier" else ""
            if name in ("fp", "fastifyPlugin"):
                args = arguments_of(expr)
                return self.child_symbol(args[0]) if args else None
            symbol = self._callee_symbol(function, expr)
            if symbol is not None:
                return symbol, _router_ish(symbol.rpartition(":")[2]) or self._returns_router(function, expr)
            return None
        if is_function(expr):
            return function_symbol(expr, view), True
        return None

    def _returns_router(self, function, at) -> bool:
        function = unwrap(function)
        if function is None or function.type != "identifier":
            return False
        decl = self.view.lookup(text_of(function), at)
        func = decl if decl is not None and decl.type in ("function_declaration",) else (
            unwrap(decl.child_by_field_name("value")) if decl is not None and decl.type == "variable_declarator" else None)
        if not is_function(func):
            return False
        for node in walk_local(body_of(func)):
            if node.type == "variable_declarator" and self.constructed(node.child_by_field_name("value")):
                name = node.child_by_field_name("name")
                if name is not None and text_of(name) in returned_names(func):
                    return True
        return False

    # ------------------------------------------------------------ routes

    def express_route(self, ref: Ref, method: str, paths: list[str], args: list, call, at) -> None:
        flat = _flatten(args)
        if not flat:
            return
        handler_expr = flat[-1]
        middleware = flat[:-1]
        handler = self.handler(handler_expr)
        location = self.view.location(at)
        own: list[tuple[str, Facet]] = []
        for mw in middleware:
            own.extend(self.classify(mw))
        if handler.wrapper and name_kind(handler.wrapper) == "auth":
            own.append(("auth", present(f"{handler.wrapper}(...)", self.view.location(handler_expr))))
        for path in paths:
            chain = self.prior(ref, normalise_path(path), call.start_byte) + own
            facets = self.facets(chain, handler, method.upper(), path, location)
            endpoint = Endpoint(method.upper(), normalise_path(path), handler.name, location, EXPRESS, **facets)
            self.builder.routes.append(Route(ref.id, endpoint))
        if ref.framework == EXPRESS and not ref.promise:
            inner = [self.handler(m) for m in middleware]
            for func in [handler.func if not handler.wrapped else None,
                         *(h.func for h in inner if not h.wrapped)]:
                if func is not None and is_async(func) and not _fastify_style(func):
                    awaited = unprotected_await(func)
                    if awaited is not None:
                        self.builder.signals.append(Signal(
                            "js-async-handler-unguarded", self.view.location(func),
                            f"{method.upper()} {paths[0] if paths else ''}"))

    def handler(self, expr, depth: int = 0) -> Handler:
        """The function behind a route's last argument."""
        view = self.view
        node = unwrap(expr)
        if node is None or depth > 3:
            return Handler(None, f"{view.module}.<unknown>")
        if is_function(node):
            name = function_name(node, view)
            return Handler(node, f"{view.module}.{name or '<anonymous>'}")
        if node.type == "call_expression":
            function = callee(node)
            wrapper = ".".join(member_names(function)) if function is not None else ""
            for arg in arguments_of(node):
                inner = self.handler(arg, depth + 1)
                if inner.func is not None:
                    return Handler(inner.func, inner.name, True, wrapper)
            return Handler(None, f"{view.module}.{wrapper or '<call>'}", True, wrapper)
        if node.type == "identifier":
            name = text_of(node)
            decl = view.lookup(name, node)
            if decl is not None and decl.type in ("function_declaration", "generator_function_declaration"):
                return Handler(decl, f"{view.module}.{name}")
            if decl is not None and decl.type == "variable_declarator":
                value = unwrap(decl.child_by_field_name("value"))
                if is_function(value):
                    return Handler(value, f"{view.module}.{name}")
                if value is not None and value.type == "call_expression":
                    inner = self.handler(value, depth + 1)
                    return Handler(inner.func, f"{view.module}.{name}", inner.wrapped, inner.wrapper)
            binding = view.binding(name, node)
            if binding is not None and binding.module:
                return Handler(None, f"{binding.module}.{binding.name if binding.name != 'default' else name}")
            return Handler(None, f"{view.module}.{name}")
        if node.type == "member_expression":
            names = member_names(node)
            if len(names) == 2 and names[0] == "this":
                method = class_member(node, names[1])
                if method is not None:
                    cls = enclosing_class_name(node)
                    return Handler(method, f"{view.module}.{cls}.{names[1]}" if cls else f"{view.module}.{names[1]}")
            text = ".".join(names) if names else text_of(node)
            binding = view.binding(names[0], node) if names else None
            module = binding.module if binding is not None and binding.module else view.module
            return Handler(None, f"{module}.{text}")
        return Handler(None, f"{view.module}.<unknown>")

    def facets(self, chain, handler: Handler, method: str, path: str, location) -> dict[str, Facet]:
        func = handler.func
        names = request_names(func) if func is not None else ("req",)
        return {
            "auth": _auth(chain, func, location, self.view),
            "validation": _validation(chain, func, names, location, self.view),
            "pagination": _pagination(chain, func, names, method, path, self.view),
            "rate_limit": _first(chain, "rate_limit") or unknown(),
        }

    # ------------------------------------------------------------ middleware

    def classify(self, expr, depth: int = 0) -> list[tuple[str, Facet]]:
        """What a middleware gives the routes after it: (facet name, PRESENT/UNKNOWN Facet) pairs."""
        view = self.view
        node = unwrap(expr)
        if node is None or depth > 4:
            return []
        if node.type == "array":
            return [f for item in node.named_children[:64] for f in self.classify(item, depth + 1)]
        evidence = view.location(node)
        if node.type == "spread_element":
            return [("auth", unknown(f"middleware list {text_of(node)[:40]} not visible", evidence))]
        if is_function(node):
            return self.classify_function(node, "inline middleware", evidence)
        if node.type == "identifier":
            name = text_of(node)
            kind = name_kind(name)
            if kind:
                return [_facet_for(kind, name, evidence)]
            decl = view.lookup(name, node)
            if decl is not None:
                if decl.type in ("function_declaration", "generator_function_declaration"):
                    return self.classify_function(decl, f"middleware {name}", evidence)
                if decl.type == "variable_declarator":
                    binding = view.binding(name, node)
                    if binding is not None:
                        return self._imported(binding, name, evidence)
                    value = unwrap(decl.child_by_field_name("value"))
                    if is_function(value):
                        return self.classify_function(value, f"middleware {name}", evidence)
                    if value is not None and value.type in ("call_expression", "new_expression", "member_expression",
                                                            "array"):
                        return self.classify(value, depth + 1)
                    return []
                return []
            binding = view.binding(name, node)
            if binding is not None:
                return self._imported(binding, name, evidence)
            if self._param(name, node) is not None or _is_param(name, node):
                return [] if is_benign_name(name) else [("auth", unknown(f"middleware {name} passed in", evidence))]
            return []
        if node.type == "member_expression":
            names = member_names(node)
            if not names:
                return []
            full = ".".join(names)
            if names[0] == "this":
                kind = name_kind(full)
                return [_facet_for(kind, full, evidence)] if kind else []
            binding = view.binding(names[0], node)
            if binding is not None and binding.package:
                return self._package(binding, names[-1], full, node, evidence)
            kind = name_kind(full)
            if kind:
                return [_facet_for(kind, full, evidence)]
            opaque_root = binding is not None and binding.module or binding is None and _is_param(names[0], node)
            if opaque_root and not is_benign_name(names[-1]) and not is_router_name(names[-1]):
                return [("auth", unknown(f"middleware {full} not visible", evidence))]
            return []
        if node.type in ("call_expression", "new_expression"):
            function = callee(node)
            root = root_identifier(function)
            names = member_names(function) if function is not None else []
            full = ".".join(names)
            binding = view.binding(text_of(root), node) if root is not None else None
            if binding is not None and binding.package:
                return self._package(binding, names[-1] if names else "", full, node, evidence)
            inner_root = _chain_root_call(node)
            if inner_root is not None and inner_root is not node:
                return self.classify(inner_root, depth + 1)
            kind = name_kind(full)
            if kind:
                return [_facet_for(kind, full, evidence, node)]
            if function is not None and function.type == "identifier":
                decl = view.lookup(text_of(function), node)
                factory = decl if decl is not None and decl.type == "function_declaration" else (
                    unwrap(decl.child_by_field_name("value")) if decl is not None
                    and decl.type == "variable_declarator" else None)
                if is_function(factory):
                    inner = _returned_function(factory)
                    if inner is not None:
                        return self.classify_function(inner, f"middleware {full}(...)", evidence)
                    return []
            if binding is not None and binding.module and not is_benign_name(names[-1] if names else "") \
                    and not is_router_name(names[-1] if names else ""):
                return [("auth", unknown(f"middleware {full}(...) not visible", evidence))]
            return []
        return []

    def classify_function(self, func, label: str, evidence) -> list[tuple[str, Facet]]:
        params = params_of(func)
        if len(params) >= 4 and params[0][0] in ERROR_PARAM_NAMES:
            return []
        found: list[tuple[str, Facet]] = []
        mechanism, _ = auth_check(func)
        if mechanism:
            found.append(("auth", present(f"{label} ({mechanism})", evidence)))
        if _consumes_rate_limiter(func):
            found.append(("rate_limit", present(f"{label} (rate limiter)", evidence)))
        if _reads_body(func):
            mechanism, _ = body_validation(func)
            if mechanism:
                found.append(("validation", present(f"{label} ({mechanism})", evidence)))
        if not any(name == "auth" for name, _ in found) and mentions_identity(func):
            found.append(("auth", unknown(f"{label} may authenticate", evidence)))
        return found

    def _imported(self, binding, name: str, evidence) -> list[tuple[str, Facet]]:
        if binding.package:
            kind = self._package_kind(binding.spec, binding.name, None)
            if kind:
                return [_facet_for(kind, name, evidence)]
            return []
        if is_benign_name(name) or is_router_name(name):
            return []
        return [("auth", unknown(f"middleware {name} not visible", evidence))]

    def _package(self, binding, member: str, full: str, node, evidence) -> list[tuple[str, Facet]]:
        kind = self._package_kind(binding.spec, member or binding.name, node)
        if kind == "none":
            return []
        if kind == "auth-optional":
            return [("auth", unknown(f"{full or binding.spec}(...) with credentials optional", evidence))]
        if kind:
            return [_facet_for(kind, full or binding.spec, evidence, node)]
        if binding.spec == "express-validator" or binding.spec.startswith("express-validator/"):
            return [("validation", present(f"express-validator {full}", evidence))]
        name_based = name_kind(full) if member not in ("initialize", "session") else ""
        if name_based in ("auth", "auth?", "rate", "validation"):
            return [_facet_for(name_based, full, evidence, node)]
        return []

    def _package_kind(self, spec: str, member: str, node) -> str:
        if spec in AUTH_PACKAGES:
            allowed = AUTH_PACKAGES[spec]
            if allowed is not None and member not in allowed and member != "default":
                return "none" if spec == "passport" else ""
            if node is not None and node.type == "call_expression":
                options = object_pairs(arguments_of(node)[0]) if arguments_of(node) else {}
                if spec == "express-jwt" and _is_false(options.get("credentialsRequired")):
                    return "auth-optional"
                if spec == "express-openid-connect" and member in ("auth", "default") \
                        and _is_false(options.get("authRequired")):
                    return "none"
            return "auth"
        if spec in RATE_PACKAGES:
            return "rate"
        if spec in VALIDATION_PACKAGES:
            return "validation"
        return ""

    # ------------------------------------------------------------ exports

    def _exports(self) -> None:
        """Alias mounts: `export default router`, `module.exports = router`, `export { r as users }`."""
        view = self.view
        for node in view.root.named_children if view.root is not None else ():
            if node.type == "export_statement":
                self._export_statement(node)
            elif node.type == "expression_statement":
                inner = node.named_children[0] if node.named_children else None
                if inner is not None and inner.type == "assignment_expression":
                    self._export_assignment(inner)

    def _alias(self, exported: str, target: str, at) -> None:
        parent = f"{self.view.module}:{exported}"
        if target and parent != target:
            self.builder.mounts.append(Mount(parent, target, "", self.view.location(at), alias=True))

    def _export_statement(self, node) -> None:
        view = self.view
        source = string_value(node.child_by_field_name("source"))
        value = node.child_by_field_name("value")
        declaration = node.child_by_field_name("declaration")
        is_default = any(c.type == "default" for c in node.children)
        if is_default and value is not None:
            target = self._local_symbol(value)
            if target:
                self._alias("default", target, node)
            return
        if is_default and declaration is not None and declaration.type in (
                "function_declaration", "generator_function_declaration", "class_declaration"):
            name = declaration.child_by_field_name("name")
            if name is not None:
                self._alias("default", f"{view.module}:{text_of(name)}", node)
            return
        for clause in (c for c in node.named_children if c.type == "export_clause"):
            module = _relative_module(source, view) if source else ""
            for spec in (s for s in clause.named_children if s.type == "export_specifier"):
                name_node = spec.child_by_field_name("name")
                alias_node = spec.child_by_field_name("alias")
                name = text_of(name_node)
                exported = text_of(alias_node) if alias_node is not None else name
                if source:
                    if module:
                        self._alias(exported, f"{module}:{name}", node)
                elif name_node is not None:
                    target = self._local_symbol(name_node)
                    if target and target != f"{view.module}:{exported}":
                        self._alias(exported, target, node)

    def _export_assignment(self, node) -> None:
        exported = _export_target(node.child_by_field_name("left"))
        if not exported:
            return
        value = unwrap(node.child_by_field_name("right"))
        if value is None:
            return
        if exported == "default" and value.type == "object":
            for key, item in object_pairs(value).items():
                if key == "...":
                    continue
                target = self._local_symbol(item)
                if target and target != f"{self.view.module}:{key}":
                    self._alias(key, target, node)
            return
        target = self._local_symbol(value)
        if target:
            self._alias(exported, target, node)

    def _local_symbol(self, node) -> str:
        """The symbol id an exported expression stands for (a router, a function, an import)."""
        view = self.view
        node = unwrap(node)
        if node is None:
            return ""
        if is_function(node):
            return function_symbol(node, view)
        if node.type in ("identifier", "shorthand_property_identifier"):
            name = text_of(node)
            decl = view.lookup(name, node)
            if decl is not None and decl.type == "variable_declarator":
                value = unwrap(decl.child_by_field_name("value"))
                if self.constructed(_chain_bottom(value)) is not None:
                    return self._object_id(decl, name)
                binding = view.binding(name, node)
                if binding is not None and binding.module:
                    return binding.symbol
                return f"{view.module}:{name}"
            if decl is not None:
                return f"{view.module}:{name}"
            binding = view.binding(name, node)
            return binding.symbol if binding is not None and binding.module else ""
        if node.type == "call_expression":
            spec = required_spec(node)
            if spec is not None:
                module = _relative_module(spec, view)
                return f"{module}:default" if module else ""
            function = callee(node)
            if function is not None and function.type == "identifier" and text_of(function) in ("fp", "fastifyPlugin"):
                args = arguments_of(node)
                return self._local_symbol(args[0]) if args else ""
        if node.type == "member_expression":
            names = member_names(node)
            if len(names) == 2 and names[0] != "this":
                binding = view.binding(names[0], node)
                if binding is not None and binding.module and binding.name in ("*", "default"):
                    return f"{binding.module}:{names[1]}"
            if len(names) == 2:
                decl = view.lookup(names[0], node)
                value = unwrap(decl.child_by_field_name("value")) if decl is not None \
                    and decl.type == "variable_declarator" else None
                if value is not None and value.type == "new_expression":
                    return self._callee_symbol(callee(value), value) or ""
        return ""


# ---------------------------------------------------------------- facet decisions

def _first(chain, name: str, state: FacetState = FacetState.PRESENT) -> Facet | None:
    for facet_name, facet in chain:
        if facet_name == name and facet.state is state:
            return facet
    return None


def _auth(chain, func, location, view) -> Facet:
    found = _first(chain, "auth")
    if found is not None:
        return found
    if func is not None:
        mechanism, node = auth_check(func)
        if mechanism:
            return present(mechanism, view.location(node))
    found = _first(chain, "auth", FacetState.UNKNOWN)
    if found is not None:
        return found
    return absent("", location)


def _validation(chain, func, names, location, view) -> Facet:
    found = _first(chain, "validation")
    if found is not None:
        return found
    if func is None:
        return unknown("handler not visible")
    reads = body_reads(func, names)
    if reads:
        mechanism, node = body_validation(func)
        if mechanism:
            return present(mechanism, view.location(node))
        return absent(f"{names[0]}.body without a schema", view.location(reads[0]))
    if passes_request(func, names):
        return unknown("request passed to another function", location)
    return present("no body", location)


def _pagination(chain, func, names, method, path, view) -> Facet:
    if method != "GET":
        return unknown("not a GET")
    found = _first(chain, "pagination")
    if found is not None:
        return found
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


def _facet_for(kind: str, name: str, evidence, node=None) -> tuple[str, Facet]:
    called = node is not None and node.type in ("call_expression", "new_expression")
    label = f"{name}(...)" if called and not name.endswith(")") else name
    if kind == "auth?":
        return "auth", unknown(f"{label} (may only load the user)", evidence)
    facet = {"auth": "auth", "rate": "rate_limit", "validation": "validation", "page": "pagination"}[kind]
    if facet == "auth" and set(words(name)) & {"optional", "maybe", "soft", "try", "attempt"}:
        return facet, unknown(f"{label} (optional)", evidence)
    return facet, present(label, evidence)


def _fastify_style(func) -> bool:
    """`async (request, reply) => ...`: a Fastify handler, which awaits its promise itself."""
    params = params_of(func)
    return len(params) >= 2 and "reply" in words(params[1][0])


def _consumes_rate_limiter(func) -> bool:
    for node in walk_local(body_of(func)):
        if node.type == "call_expression":
            receiver, method = call_parts(node)
            if method in ("consume", "penalty", "check") and receiver is not None \
                    and set(words(".".join(member_names(receiver)))) & {"limiter", "rate", "ratelimiter",
                                                                        "throttle", "throttler"}:
                return True
    return False


def _reads_body(func) -> bool:
    return bool(body_reads(func, request_names(func)))


def _is_false(node) -> bool:
    node = unwrap(node)
    return node is not None and node.type == "false"


def _flatten(args, depth: int = 0) -> list:
    """Route arguments with arrays (and `...spread` arrays) flattened; a spread that cannot be
    resolved stays as the spread node (an opaque middleware)."""
    flat = []
    for arg in args:
        node = unwrap(arg)
        if node is not None and node.type == "array":
            if depth < 8:
                flat.extend(_flatten([c for c in node.named_children if c.type != "comment"], depth + 1))
        elif node is not None and node.type == "spread_element":
            inner = [c for c in node.named_children if c.type != "comment"]
            target = unwrap(inner[0]) if inner else None
            resolved = _local_array(target)
            if resolved is not None and depth < 8:
                flat.extend(_flatten([resolved], depth + 1))
            elif target is not None:
                flat.append(node)
        elif node is not None:
            flat.append(arg)
    return flat


def _local_array(node):
    """The array literal a local `const x = [...]` holds, or None."""
    if node is None or node.type != "identifier":
        return None
    name = text_of(node)
    scope = node
    while True:
        scope = scope_of(scope)
        if scope is None:
            return None
        for child in walk_local(scope if scope.type == "program" else body_of(scope)):
            if child.type == "variable_declarator" and text_of(child.child_by_field_name("name")) == name:
                value = unwrap(child.child_by_field_name("value"))
                return value if value is not None and value.type == "array" else None
        if scope.type == "program":
            return None


def _is_data_call(value) -> bool:
    _, method = call_parts(value)
    return method in ("stringify", "parse", "from", "entries", "assign", "keys", "values") \
        or (callee(value) is not None and text_of(callee(value)) in ("FormData", "URLSearchParams"))


def _covers(prefix: str, path: str) -> bool:
    if prefix in ("", "/", "*"):
        return True
    prefix = prefix.rstrip("/")
    return path == prefix or path.startswith(prefix + "/")


def _router_ish(name: str) -> bool:
    tokens = set(words(name))
    return bool(tokens & ROUTER_PARAM_WORDS) or is_router_name(name)


def _router_type(annotation: str) -> bool:
    return any(t in annotation for t in ("Router", "Express", "Application", "FastifyInstance",
                                         "FastifyPluginAsync", "FastifyPluginCallback"))


def _is_param(name: str, at) -> bool:
    func = at
    while True:
        func = scope_of(func)
        if func is None or func.type == "program":
            return False
        if func.type == "class_body":
            continue
        if any(p == name for p, _ in params_of(func)):
            return True


def _relative_module(spec: str, view: FileView) -> str:
    return resolve_module(spec, view.path)


def _export_target(left) -> str:
    names = member_names(left)
    if names == ["module", "exports"]:
        return "default"
    if len(names) == 3 and names[:2] == ["module", "exports"]:
        return names[2]
    if len(names) == 2 and names[0] == "exports":
        return names[1]
    return ""


def _chain_bottom(node):
    """`Router().use(a).use(b)` -> the `Router()` call at the bottom of a registration chain."""
    current = node
    for _ in range(64):
        if current is None or current.type != "call_expression":
            return current
        function = callee(current)
        if function is None or function.type != "member_expression" \
                or text_of(function.child_by_field_name("property")) not in CHAINABLE:
            return current
        current = unwrap(function.child_by_field_name("object"))
    return current


def _route_base(receiver):
    """(the `.route(path)` call, its owner) at the bottom of a `.get(...).post(...)` chain."""
    current = unwrap(receiver)
    for _ in range(16):
        if current is None or current.type != "call_expression":
            return None
        function = callee(current)
        if function is None or function.type != "member_expression":
            return None
        method = text_of(function.child_by_field_name("property"))
        if method == "route":
            return current, function.child_by_field_name("object")
        if method not in HTTP_VERBS:
            return None
        current = unwrap(function.child_by_field_name("object"))
    return None


def _verb_node(call):
    function = callee(call)
    if function is not None and function.type == "member_expression":
        prop = function.child_by_field_name("property")
        if prop is not None:
            return prop
    return call



def _returned_function(factory):
    body = body_of(factory)
    if body is not None and body.type != "statement_block":
        inner = unwrap(body)
        return inner if is_function(inner) else None
    for node in walk_local(body):
        if node.type == "return_statement":
            values = [unwrap(c) for c in node.named_children if c.type != "comment"]
            if values and is_function(values[0]):
                return values[0]
    return None


def _chain_root_call(node):
    """`body('email').isEmail().trim()` -> the `body('email')` call at the bottom of the chain."""
    current = node
    for _ in range(32):
        function = callee(current)
        if function is None or function.type != "member_expression":
            return current
        inner = unwrap(function.child_by_field_name("object"))
        if inner is None or inner.type != "call_expression":
            return current
        current = inner
    return current


def unprotected_await(func):
    """The first `await` of a function body that no try/catch (or `.catch(...)`) covers."""
    for node in walk_local(body_of(func)):
        if node.type != "await_expression":
            continue
        inner = unwrap(node.named_children[0]) if node.named_children else None
        if inner is not None and inner.type == "call_expression" and call_parts(inner)[1] == "catch":
            continue
        if not _inside_try(node, func):
            return node
    return None


def _inside_try(node, func) -> bool:
    current = node
    while current is not None and current is not func and current.id != func.id:
        parent = current.parent
        if parent is None:
            return False
        if parent.type == "try_statement" and parent.child_by_field_name("handler") is not None:
            body = parent.child_by_field_name("body")
            if body is not None and body.id == current.id:
                return True
        current = parent
    return False


__all__ = ["EXPRESS", "FASTIFY", "Handler", "Ref", "RouterScanner", "unprotected_await"]
