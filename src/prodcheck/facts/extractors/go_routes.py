"""Go endpoint inventory: net/http (`http.HandleFunc`, `ServeMux`, Go 1.22 method patterns), gin,
echo, chi, fiber and gorilla/mux routes, groups, sub-routers, mounts and the four facets.

Router objects are made by the frameworks' constructors (`gin.Default()`, `echo.New()`,
`chi.NewRouter()`, `fiber.New()`, `mux.NewRouter()`, `http.NewServeMux()`), or reach a function
as a parameter typed like a router (`*gin.RouterGroup`, `chi.Router`, `*echo.Group`, ...), a
struct field (`s.router`), or a call of a function that returns one. Groups (`r.Group("/v1",
mw...)`, chi `r.Route`/`r.Group`/`r.With`, fiber `app.Route`, gorilla
`r.PathPrefix("/x").Subrouter()`) are resolved inside the file: a route is recorded against the
root object of its group chain with the group's prefix already joined. Symbol ids follow the
other extractors ("module:name", the module being the package directory, see `go_common.py`):
a local router is "pkg:Func.var", a router a function builds and returns is "pkg:Func", a router
parameter is "pkg:Func@0" (a method's "pkg:Type.Method@0"), a struct field "pkg:Type.field".
Passing a router to a function (`users.Register(v1.Group("/users"))`, `h.Routes(api)`) is a
`Mount` of the callee's parameter under the group's prefix, with the middleware in force at the
call; returning a group from a function mounts the function's symbol.

Middleware order follows each framework: gin and fiber `Use` applies to what is registered after
it in the same function (fiber `Use("/prefix", mw)` only below the prefix), echo, chi and
gorilla middleware to every route of the object; wrapping a router (`http.ListenAndServe(addr,
authMiddleware(r))`) counts like a `Use`.

Facets:
- auth: PRESENT for an auth-looking middleware in the chain (`AuthMiddleware()`, `JWT`,
  `RequireLogin`, `jwtauth.Verifier/Authenticator`, echo `middleware.JWT/KeyAuth/BasicAuth`,
  `gin.BasicAuth`, a middleware of this file whose body checks credentials) or an explicit check
  in a visible handler; UNKNOWN when an unseen middleware could authenticate, or the router comes
  from elsewhere (a method parameter, an imported router, a field set in another file); ABSENT
  otherwise.
- validation / pagination: from the handler's body when it is visible in this file (see
  `go_handlers.py`), else UNKNOWN.
- rate_limit: PRESENT for tollbooth, `golang.org/x/time/rate` middleware of this file,
  ulule/limiter, `httprate`, echo `middleware.RateLimiter`, fiber `limiter.New`; else UNKNOWN.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors.go_common import (
    GoFile, arguments_of, assignment_pairs, body_of, call_parts, composite_fields, composite_type, declared_type,
    declared_value, function_name, go_file, handler_framework, import_module, local_declaration,
    middleware_kind, params_of, receiver_type, result_types, string_of, type_ref, unparen, words,
    wraps_with,
)
from prodcheck.facts.extractors.go_handlers import (
    absent, auth_check, body_validation, pagination, present, unknown,
)
from prodcheck.facts.model import Mount, Route
from prodcheck.facts.routes import join_path
from prodcheck.model import Endpoint, Facet, FacetState

FRAMEWORK_PATHS = {
    "github.com/gin-gonic/gin": "gin",
    "github.com/labstack/echo": "echo",
    "github.com/go-chi/chi": "chi",
    "github.com/gofiber/fiber": "fiber",
    "github.com/gorilla/mux": "gorilla",
    "net/http": "net/http",
}
CONSTRUCTORS = {
    "gin": frozenset({"Default", "New"}), "echo": frozenset({"New"}),
    "chi": frozenset({"NewRouter", "NewMux"}), "fiber": frozenset({"New"}),
    "gorilla": frozenset({"NewRouter"}), "net/http": frozenset({"NewServeMux"}),
}
ROUTER_TYPES = {
    "gin": frozenset({"Engine", "RouterGroup", "IRouter", "IRoutes"}), "echo": frozenset({"Echo", "Group"}),
    "chi": frozenset({"Router", "Mux"}), "fiber": frozenset({"App", "Router", "Group"}),
    "gorilla": frozenset({"Router"}), "net/http": frozenset({"ServeMux"}),
}
UPPER_VERBS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE"})
TITLE_VERBS = {v.title(): v for v in UPPER_VERBS}
ORDERED = frozenset({"gin", "fiber"})            # Use applies only to later registrations
USES = {"gin": frozenset({"Use"}), "echo": frozenset({"Use", "Pre"}), "chi": frozenset({"Use"}),
        "fiber": frozenset({"Use"}), "gorilla": frozenset({"Use"}), "net/http": frozenset()}
ROUTERISH_WORDS = frozenset({"router", "routes", "routing", "mux", "engine", "echo", "gin", "fiber", "chi",
                             "app", "api", "handler", "handlers", "server", "http"})
ROUTER_BUILDER_WORDS = frozenset({"routes", "router", "mux", "handler", "api", "server", "app"})
UNSEEN_KINDS = frozenset({"imported", "method-param", "method-built", "field-unseen", "literal-param"})
HTTP_WRAPPERS = {"HandlerFunc": 0, "StripPrefix": 1, "TimeoutHandler": 0, "MaxBytesHandler": 0,
                 "AllowQuerySemicolons": 0}
MAX_HANDLER_DEPTH = 6
BUILTINS = frozenset({"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make",
                      "max", "min", "new", "panic", "print", "println", "real", "recover"})


def framework_of(path: str) -> str:
    """The router framework of an import path (`/vN` suffixes dropped), or ""."""
    parts = path.split("/")
    if len(parts) > 1 and re.fullmatch(r"v\d+", parts[-1]):
        path = "/".join(parts[:-1])
    return FRAMEWORK_PATHS.get(path, "")


# ---------------------------------------------------------------- paths

def normalise_path(path: str) -> str:
    """`/users/:id`, `/users/{id:[0-9]+}`, `/files/*filepath`, `/items/{id...}` -> `{id}` forms;
    Go 1.22's `{$}` end anchor is dropped."""
    out: list[str] = []
    i = 0
    n = len(path)
    while i < n:
        ch = path[i]
        at_segment = i == 0 or path[i - 1] == "/"
        if ch == "{":
            depth, j = 0, i
            while j < n:
                if path[j] == "{":
                    depth += 1
                elif path[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            inner = path[i + 1:j]
            name = re.split(r"[:.]", inner, maxsplit=1)[0].strip()
            if name and name != "$":
                out.append("{" + name + "}")
            i = j + 1
            continue
        if ch in ":*" and at_segment:
            match = re.match(r"[A-Za-z_][A-Za-z0-9_]*", path[i + 1:])
            if match:
                out.append("{" + match.group(0) + "}")
                i += 1 + len(match.group(0))
                continue
        out.append(ch)
        i += 1
    result = "".join(out)
    if result.endswith("/") and len(result) > 1 and path.endswith("{$}"):
        result = result.rstrip("/") or "/"
    return result


def split_pattern(pattern: str) -> tuple[str, str]:
    """(method or "ANY", path) of a net/http pattern: `"GET /items/{id}"`, `"example.com/x"`."""
    text = pattern.strip()
    method = "ANY"
    head, _, rest = text.partition(" ")
    if rest and head.isupper() and head.isalpha():
        method, text = head, rest.strip()
    if not text.startswith("/") and "/" in text:
        text = text[text.index("/"):]
    return method, text


def ends_with_param(path: str) -> bool:
    last = path.rstrip("/").rpartition("/")[2]
    return last.startswith("{")


# ---------------------------------------------------------------- model

@dataclass(eq=False)
class Use:
    position: int
    scope: int
    prefix: str | None
    facets: tuple
    opaque: str


@dataclass(eq=False)
class Ref:
    """A router object routes are registered on: its root symbol and the prefix and middleware
    of the group chain that leads to it."""
    root: str
    framework: str
    kind: str                         # app | group | param | method-param | imported | factory | field | ...
    prefix: str = ""
    parent: Ref | None = None
    facets: tuple = ()
    opaque: str = ""
    position: int = 0
    scope: int = 0
    uses: list = field(default_factory=list)
    path: str | None = None           # gorilla route builder: Path/PathPrefix so far
    methods: tuple[str, ...] = ()     # gorilla route builder: Methods so far
    builder: bool = False             # a gorilla *Route, not a router

    def top(self) -> Ref:
        ref = self
        for _ in range(64):
            if ref.parent is None:
                return ref
            ref = ref.parent
        return ref


@dataclass
class Handler:
    func: object | None
    name: str
    facets: list = field(default_factory=list)
    opaque: str = ""
    router: Ref | None = None         # the handler is itself a router (a mount)
    strip: str = ""                   # the prefix an `http.StripPrefix` around it removes


@dataclass
class PendingRoute:
    ref: Ref
    method: str
    path: str
    handler: Handler
    facets: list
    opaque: str
    position: int
    scope: int
    at: object


@dataclass
class PendingMount:
    ref: Ref
    child: str
    prefix: str
    position: int
    scope: int
    at: object
    facets: list = field(default_factory=list)
    guard: bool = False


# ---------------------------------------------------------------- the scanner

class GoRouteScanner:
    def __init__(self, view: GoFile, builder) -> None:
        self.view = view
        self.builder = builder
        self.globals: dict[str, Ref] = {}
        self.fields: dict[str, Ref] = {}
        self.handled: set[int] = set()
        self.routes: list[PendingRoute] = []
        self.mounts: list[PendingMount] = []
        self.frameworks = sorted({framework_of(p) for p in view.imports.values()} - {"", "net/http"})

    # ------------------------------------------------------------ driving

    def scan(self) -> None:
        root = self.view.root
        if root is None:
            return
        self._prebind_fields()
        for node in root.named_children:
            if node.type == "var_declaration":
                self._visit(node, {}, None, self.view.module)
        for node in root.named_children:
            if node.type in ("function_declaration", "method_declaration"):
                self._function(node)
        self._emit()

    def _function(self, func) -> None:
        name = function_name(func)
        owner = receiver_type(func) if func.type == "method_declaration" else ""
        symbol = f"{self.view.module}:{owner + '.' if owner else ''}{name}"
        env: dict[str, Ref] = {}
        for index, (pname, kind) in enumerate(params_of(func)):
            fw = self._router_type(kind)
            if pname and fw:
                env[pname] = Ref(f"{symbol}@{index}", fw, "method-param" if owner else "param",
                                 scope=func.id)
        returned = _returned_names(func, self.view)
        self._visit(body_of(func), env, func, symbol, returned)

    def _prebind_fields(self) -> None:
        """Struct fields that hold a router made in this file: `s.router = gin.New()`,
        `&Server{router: chi.NewRouter()}`."""
        for node in self.view.nodes_of("assignment_statement", "composite_literal"):
            if node.type == "assignment_statement":
                for target, value in assignment_pairs(node):
                    if target.type == "selector_expression":
                        key = self._field_key(target)
                        made = self._constructed(value)
                        if key and made:
                            self.fields.setdefault(key, Ref(f"{self.view.module}:{key}", made, "field"))
            elif node.type == "composite_literal":
                _, type_name = type_ref(node.child_by_field_name("type"), self.view)
                if not type_name or type_name not in self.view.structs:
                    continue
                for key, value in composite_fields(node).items():
                    made = self._constructed(value)
                    if made:
                        name = f"{type_name}.{key}"
                        self.fields.setdefault(name, Ref(f"{self.view.module}:{name}", made, "field"))

    def _constructed(self, value) -> str:
        value = unparen(value)
        if value is None or value.type != "call_expression":
            return ""
        operand, name = self.view.call_parts(value)
        path = self.view.package_path(unparen(operand)) if operand is not None else ""
        fw = framework_of(path)
        return fw if fw and name in CONSTRUCTORS.get(fw, ()) else ""

    # ------------------------------------------------------------ the walk

    def _visit(self, node, env: dict, func, symbol: str, returned: frozenset = frozenset()) -> None:
        if node is None:
            return
        stack = [node]
        while stack:
            current = stack.pop()
            kind = current.type
            if kind == "func_literal":
                if current.id in self.handled:
                    continue
                inner = dict(env)
                for index, (pname, ptype) in enumerate(params_of(current)):
                    fw = self._router_type(ptype)
                    if pname and fw:
                        inner[pname] = Ref(f"{symbol}.<func@{current.start_point[0] + 1}>@{index}", fw,
                                           "literal-param", scope=current.id)
                    elif pname:
                        inner.pop(pname, None)          # `func(w http.ResponseWriter, r *http.Request)`
                self._visit(body_of(current), inner, func, symbol, frozenset())
                continue
            if kind in ("short_var_declaration", "assignment_statement", "var_spec"):
                right = current.child_by_field_name("right" if kind != "var_spec" else "value")
                if right is not None:
                    self._visit(right, env, func, symbol, returned)
                self._bind(current, env, func, symbol, returned)
                continue
            if kind == "return_statement" and func is not None:
                self._returned(current, env, func, symbol)
            if kind == "call_expression":
                try:
                    self._call(current, env, func, symbol)
                except (AttributeError, TypeError, ValueError, IndexError):
                    pass
            children = current.children
            if children:
                stack.extend(children[::-1])

    def _bind(self, node, env: dict, func, symbol: str, returned: frozenset) -> None:
        if node.type == "var_spec":
            names = [n for n in node.children_by_field_name("name") if n.type == "identifier"]
            value_node = node.child_by_field_name("value")
            values = value_node.named_children if value_node is not None else []
            kind = node.child_by_field_name("type")
            if not values and kind is not None:
                return
        else:
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            names = left.named_children if left is not None else []
            values = right.named_children if right is not None else []
        if len(names) != len(values):
            return
        for target, value in zip(names, values):
            if target.type == "identifier":
                name = self.view.text(target)
                if name == "_":
                    continue
                if func is None or (node.type == "assignment_statement" and name not in env
                                    and not self.view.shadowed(name, node)):
                    hint = f"{self.view.module}:{name}"
                elif name in returned:
                    hint = symbol
                else:
                    hint = f"{symbol}.{name}"
                ref = self._evaluate(value, env, hint)
                if ref is None:
                    if func is not None and node.type != "assignment_statement":
                        env.pop(name, None)             # a new variable shadows the router
                    continue
                if func is None or hint == f"{self.view.module}:{name}":
                    self.globals[name] = ref
                else:
                    env[name] = ref
            elif target.type == "selector_expression":
                key = self._field_key(target)
                if key and key not in self.fields:
                    ref = self._evaluate(value, env, f"{self.view.module}:{key}")
                    if ref is not None:
                        self.fields[key] = ref

    def _returned(self, node, env: dict, func, symbol: str) -> None:
        if not any(self._router_type(t) for t in result_types(func)):
            return
        values = [c for c in node.named_children if c.type != "comment"]
        if values and values[0].type == "expression_list":
            values = [c for c in values[0].named_children if c.type != "comment"]
        for value in values[:1]:
            ref = self._evaluate(value, env, symbol)
            if ref is None:
                continue
            top = ref.top()
            if top.root == symbol and ref is top:
                if func.type == "method_declaration" and ref.kind == "app":
                    ref.kind = "method-built"     # mounted through a receiver: often not resolvable
                self.mounts.append(PendingMount(ref, symbol, "", node.start_byte, func.id, node, guard=True))
            elif top.root and top.root != symbol:
                self.mounts.append(PendingMount(ref, symbol, ref.prefix, node.start_byte, func.id, node))

    # ------------------------------------------------------------ values

    def _evaluate(self, expr, env: dict, hint: str = "", depth: int = 0) -> Ref | None:
        expr = unparen(expr)
        if expr is None or depth > 16:
            return None
        kind = expr.type
        if kind == "identifier":
            name = self.view.text(expr)
            found = env.get(name)
            if found is not None:
                return found
            if name in self.globals and not self.view.shadowed(name, expr):
                return self.globals[name]
            return None
        if kind == "selector_expression":
            operand = unparen(expr.child_by_field_name("operand"))
            if operand is not None and operand.type == "identifier" and self.view.package_path(operand):
                return None
            key = self._field_key(expr)
            if not key:
                return None
            found = self.fields.get(key)
            if found is None:
                fw = self._field_router_type(key)
                if fw:
                    found = Ref(f"{self.view.module}:{key}", fw, "field-unseen")
                    self.fields[key] = found
            return found
        if kind == "unary_expression" and self.view.text(expr.child_by_field_name("operator")) == "&":
            return self._evaluate(expr.child_by_field_name("operand"), env, hint, depth + 1)
        if kind == "call_expression":
            return self._call_value(expr, env, hint, depth)
        return None

    def _call_value(self, call, env: dict, hint: str, depth: int) -> Ref | None:
        operand, name = self.view.call_parts(call)
        if operand is None:
            func = self.view.functions.get(name)
            if func is not None and local_declaration(name, call, self.view) is None:
                fw = next((self._router_type(t) for t in result_types(func) if self._router_type(t)), "")
                if fw:
                    return Ref(f"{self.view.module}:{name}", fw, "factory")
            return None
        operand = unparen(operand)
        path = self.view.package_path(operand) if operand.type == "identifier" else ""
        if path:
            fw = framework_of(path)
            if fw and name in CONSTRUCTORS.get(fw, ()):
                root = hint or f"{self.view.module}:<{fw}@{call.start_point[0] + 1}>"
                return Ref(root, fw, "app", position=call.start_byte, scope=_scope_id(call))
            if not fw and self.frameworks and set(words(name)) & ROUTERISH_WORDS - {"handler", "handlers",
                                                                                    "server", "http", "api"}:
                return Ref(f"{import_module(path)}:{name}", self.frameworks[0], "imported")
            return None
        base = self._evaluate(operand, env, "", depth + 1)
        if base is None:
            return None
        return self._derive(base, name, call, env)

    def _derive(self, base: Ref, method: str, call, env: dict) -> Ref | None:
        fw = base.framework
        args = self.view.arguments(call)
        position, scope = call.start_byte, _scope_id(call)
        if base.builder:
            if method == "Subrouter" and fw == "gorilla":
                return Ref(base.root, fw, "group", prefix=base.path or base.prefix, parent=base.parent,
                           position=position, scope=scope)
            if method in ("Path", "PathPrefix") and args:
                value = self._string(args[0], call)
                if value is None:
                    return None
                return Ref(base.root, fw, "group", prefix=base.prefix, parent=base.parent,
                           path=join_path(base.prefix, normalise_path(value)), methods=base.methods,
                           builder=True, position=position, scope=scope)
            if method == "Methods":
                return Ref(base.root, fw, "group", prefix=base.prefix, parent=base.parent, path=base.path,
                           methods=base.methods + tuple(self._methods(args, call)), builder=True,
                           position=position, scope=scope)
            if method in ("Host", "Schemes", "Headers", "Queries", "Name", "MatcherFunc", "HeadersRegexp"):
                return base
            return None
        if fw in ("gin", "echo", "fiber") and method == "Group" and args:
            prefix = self._string(args[0], call)
            if prefix is None:
                return None
            extra = args[1:]
            facets, opaque = self._classify_all(extra)
            return Ref(base.root, fw, "group", prefix=join_path(base.prefix, normalise_path(prefix)),
                       parent=base, facets=tuple(facets), opaque=opaque, position=position, scope=scope)
        if fw == "chi" and method == "With":
            facets, opaque = self._classify_all(args)
            return Ref(base.root, fw, "group", prefix=base.prefix, parent=base, facets=tuple(facets),
                       opaque=opaque, position=position, scope=scope)
        if (fw == "chi" and method in ("Route", "Group")) or (fw == "fiber" and method == "Route"):
            return self._subrouter(base, method, call, env)
        if fw == "gorilla" and method in ("PathPrefix", "Path", "Methods", "Host", "NewRoute", "Schemes",
                                          "Headers", "Queries", "MatcherFunc", "Name"):
            path = None
            if method in ("PathPrefix", "Path") and args:
                value = self._string(args[0], call)
                if value is None:
                    return None
                path = join_path(base.prefix, normalise_path(value))
            methods = tuple(self._methods(args, call)) if method == "Methods" else ()
            return Ref(base.root, fw, "group", prefix=base.prefix, parent=base, path=path, methods=methods,
                       builder=True, position=position, scope=scope)
        return None

    def _subrouter(self, base: Ref, method: str, call, env: dict) -> Ref | None:
        """chi `r.Route("/x", func(r chi.Router) {...})`, `r.Group(func(r chi.Router) {...})`,
        fiber `app.Route("/x", func(r fiber.Router) {...})`: the function runs on a sub-router."""
        args = self.view.arguments(call)
        if method == "Route":
            if not args:
                return None
            prefix = self._string(args[0], call)
            if prefix is None:
                return None
            fn = args[1] if len(args) > 1 else None
        else:
            prefix = ""
            fn = args[0] if args else None
        group = Ref(base.root, base.framework, "group", prefix=join_path(base.prefix, normalise_path(prefix))
                    if prefix else base.prefix, parent=base, position=call.start_byte, scope=_scope_id(call))
        fn = unparen(fn)
        if fn is not None and fn.type == "func_literal" and fn.id not in self.handled:
            self.handled.add(fn.id)
            params = params_of(fn)
            inner = dict(env)
            for pname, _ in params[1:]:
                inner.pop(pname, None)
            if params and params[0][0]:
                inner[params[0][0]] = group
            func = _outer(fn)
            symbol = self._symbol_of(func)
            self._visit(body_of(fn), inner, func, symbol)
        elif fn is not None and fn.type in ("identifier", "selector_expression"):
            child = self._callee_symbol(fn, call)
            if child:
                self.mounts.append(PendingMount(group, f"{child}@0", group.prefix, call.start_byte,
                                                _scope_id(call), call))
        return group

    # ------------------------------------------------------------ calls

    def _call(self, call, env: dict, func, symbol: str) -> None:
        operand, name = self.view.call_parts(call)
        if operand is None:
            self._passing(call, env, name, None)
            return
        operand = unparen(operand)
        path = self.view.package_path(operand) if operand.type == "identifier" else ""
        if path == "net/http" and name in ("HandleFunc", "Handle"):
            default = Ref(f"{self.view.module}:http.DefaultServeMux", "net/http", "app")
            self._nethttp(default, call, env)
            return
        if path:
            self._passing(call, env, name, path)
            return
        base = self._evaluate(operand, env)
        if base is None:
            self._passing(call, env, name, None, operand)
            return
        self._registration(base, name, call, env)

    def _registration(self, base: Ref, name: str, call, env: dict) -> None:
        fw = base.framework
        args = self.view.arguments(call)
        if base.builder:
            if fw == "gorilla" and name in ("HandlerFunc", "Handler") and args:
                handler = self.handler(args[0], call, env, fw)
                path = base.path if base.path is not None else base.prefix or "/"
                self._route_or_mount(base.parent or base, base.methods or ("ANY",), path, handler, [], "",
                                     call, prefix_mount=True)
            return
        if name in USES.get(fw, ()):
            self._use(base, call, args)
            return
        if (fw == "chi" and name in ("Route", "Group")) or (fw == "fiber" and name == "Route"):
            self._subrouter(base, name, call, env)
            return
        if fw == "net/http" or fw == "gorilla" and name in ("HandleFunc", "Handle"):
            if fw == "gorilla":
                self._gorilla(base, call, name, args, env)
            else:
                self._nethttp(base, call, env)
            return
        methods, path_arg, handler_args, mw_args = self._verb_args(fw, name, args, call)
        if not methods or path_arg is None:
            if fw == "chi" and name == "Mount" and len(args) >= 2:
                prefix = self._string(args[0], call)
                if prefix is not None:
                    self._mount(base, normalise_path(prefix), args[1], call, env)
            elif fw == "fiber" and name == "Mount" and len(args) >= 2:
                prefix = self._string(args[0], call)
                child = self._evaluate(args[1], env)
                if prefix is not None and child is not None and child.root:
                    self.mounts.append(PendingMount(base, child.root, join_path(base.prefix, normalise_path(prefix)),
                                                    call.start_byte, _scope_id(call), call))
            return
        route_path = self._string(path_arg, call)
        if route_path is None:
            return
        mw_facets, opaque = self._classify_all(mw_args)
        handler_node = handler_args[0] if handler_args else None
        if handler_node is None:
            return
        handler = self.handler(handler_node, call, env, fw)
        self._route_or_mount(base, tuple(methods), normalise_path(route_path), handler, mw_facets, opaque, call,
                             verb=_verb_node(call))

    def _verb_args(self, fw: str, name: str, args: list, call):
        """(methods, path node, [handler node], middleware nodes) of a route registration."""
        if fw in ("gin", "echo", "fiber"):
            verb = name.upper() if fw != "fiber" else TITLE_VERBS.get(name, "")
            if fw in ("gin", "echo") and name not in UPPER_VERBS and name not in ("Any", "Handle", "Match", "Add"):
                return [], None, [], []
            if fw == "fiber" and not verb and name not in ("All", "Add"):
                return [], None, [], []
            if name in ("Any", "All"):
                methods, rest = ["ANY"], args
            elif name in ("Handle", "Add"):
                if not args:
                    return [], None, [], []
                methods, rest = self._methods(args[:1], call), args[1:]
            elif name == "Match":
                if not args:
                    return [], None, [], []
                methods, rest = self._methods(args[:1], call), args[1:]
            else:
                methods, rest = [verb], args
            if len(rest) < 2:
                return [], None, [], []
            path, handlers = rest[0], rest[1:]
            if fw == "echo":
                return methods, path, handlers[:1], handlers[1:]
            return methods, path, handlers[-1:], handlers[:-1]
        if fw == "chi":
            if name in TITLE_VERBS and len(args) >= 2:
                return [TITLE_VERBS[name]], args[0], args[1:2], []
            if name in ("Handle", "HandleFunc") and len(args) >= 2:
                return ["ANY"], args[0], args[1:2], []
            if name in ("Method", "MethodFunc") and len(args) >= 3:
                return self._methods(args[:1], call), args[1], args[2:3], []
        return [], None, [], []

    def _mount(self, base: Ref, prefix: str, expr, call, env: dict) -> None:
        """chi `r.Mount("/x", sub)`: a router of this file, or the symbol of the function that
        builds it (`users.Routes()`, `h.Routes()`, `users.NewHandler(db).Routes()`)."""
        handler = self.handler(expr, call, env, base.framework)
        child = handler.router.root if handler.router is not None else self._built_by(expr, call)
        if child and base.root:
            self.mounts.append(PendingMount(base, child, join_path(base.prefix, _strip_wildcard(prefix)),
                                            call.start_byte, _scope_id(call), call,
                                            facets=list(handler.facets)))

    def _built_by(self, expr, at) -> str:
        node = unparen(expr)
        if node is None or node.type != "call_expression":
            return ""
        operand, name = self.view.call_parts(node)
        if operand is None:
            return f"{self.view.module}:{name}" if name and name not in BUILTINS \
                and not self.view.shadowed(name, at) else ""
        operand = unparen(operand)
        if operand.type == "identifier":
            path = self.view.package_path(operand)
            if path:
                return "" if _library(path) else f"{import_module(path)}:{name}"
            owner = self._receiver_symbol(operand, at)
            return f"{owner}.{name}" if owner else ""
        if operand.type == "selector_expression":             # `a.Accounts.router()`
            owner = self._field_type(operand, at)
            return f"{owner}.{name}" if owner else ""
        if operand.type in ("composite_literal", "unary_expression"):
            path, type_name = composite_type(operand, self.view)
            if type_name:
                return f"{import_module(path) if path else self.view.module}:{type_name}.{name}"
        if operand.type == "call_expression":
            inner_operand, inner = self.view.call_parts(operand)
            inner_operand = unparen(inner_operand)
            if inner.startswith("New") and len(inner) > 3:
                if inner_operand is None:
                    return f"{self.view.module}:{inner[3:]}.{name}"
                path = self.view.package_path(inner_operand) if inner_operand.type == "identifier" else ""
                if path:
                    return f"{import_module(path)}:{inner[3:]}.{name}"
        return ""

    def _gorilla(self, base: Ref, call, name: str, args: list, env: dict) -> None:
        if len(args) < 2:
            return
        path = self._string(args[0], call)
        if path is None:
            return
        methods = self._chained_methods(call)
        handler = self.handler(args[1], call, env, "gorilla")
        self._route_or_mount(base, tuple(methods) or ("ANY",), normalise_path(path), handler, [], "", call,
                             verb=_verb_node(call))

    def _nethttp(self, base: Ref, call, env: dict) -> None:
        args = self.view.arguments(call)
        if len(args) < 2:
            return
        pattern = self._string(args[0], call)
        if pattern is None:
            return
        method, path = split_pattern(pattern)
        handler = self.handler(args[1], call, env, "net/http")
        child = handler.router.root if handler.router is not None else ""
        if not child and self.view.text(_verb_node(call)) == "Handle" and handler.func is None:
            built = self._built_by(_unwrapped(args[1]), call)
            if built and set(words(built.rpartition(".")[2].rpartition(":")[2])) & ROUTER_BUILDER_WORDS:
                child = built
        if child:
            self.mounts.append(PendingMount(base, child, join_path(base.prefix, handler.strip),
                                            call.start_byte, _scope_id(call), call,
                                            facets=list(handler.facets)))
            return
        self._route_or_mount(base, (method,), normalise_path(path), handler, [], "", call, verb=_verb_node(call))

    def _route_or_mount(self, base: Ref, methods, path: str, handler: Handler, facets: list, opaque: str, call,
                        prefix_mount: bool = False, verb=None) -> None:
        if handler.router is not None:
            child = handler.router
            if child.root and base.root:
                prefix = join_path(base.prefix, _strip_wildcard(path)) if prefix_mount else base.prefix
                self.mounts.append(PendingMount(base, child.root, prefix, call.start_byte, _scope_id(call),
                                                call, facets=list(handler.facets) + list(facets)))
            return
        full = join_path(base.prefix, path) if base.prefix else path
        for method in methods:
            self.routes.append(PendingRoute(base, method.upper(), full, handler, list(facets) + handler.facets,
                                            opaque or handler.opaque, call.start_byte, _scope_id(call),
                                            verb if verb is not None else call))

    def _use(self, base: Ref, call, args: list) -> None:
        prefix = None
        if base.framework == "fiber" and args:
            first = self._string(args[0], call)
            if first is not None:
                prefix, args = normalise_path(first), args[1:]
        facets, opaque = self._classify_all(args)
        if facets or opaque:
            base.uses.append(Use(call.start_byte, _scope_id(call), prefix, tuple(facets), opaque))

    def _passing(self, call, env: dict, name: str, path: str | None, operand=None) -> None:
        """A router handed to a function: a middleware wrapping it, or the function's parameter."""
        args = self.view.arguments(call)
        refs = []
        for index, arg in enumerate(args):
            node = unparen(arg)
            if node is None or node.type not in ("identifier", "selector_expression", "call_expression",
                                                 "unary_expression"):
                continue
            ref = self._evaluate(node, env)
            if ref is not None and not ref.builder:
                refs.append((index, ref))
        if not refs:
            return
        label = f"{self.view.text(operand)}.{name}" if operand is not None else (
            f"{import_module(path)}.{name}" if path else name)
        kind = wraps_with(label)
        if kind:
            facet = _facet(kind, label, self.view.location(call))
            for _, ref in refs:
                ref.uses.append(Use(call.start_byte, _scope_id(call), None, (facet,), ""))
            return
        if path in ("net/http",) or framework_of(path or ""):
            return
        if path:
            child = f"{import_module(path)}:{name}"
        elif operand is None:
            if not name or name in BUILTINS or self.view.shadowed(name, call):
                return
            child = f"{self.view.module}:{name}"
        else:
            owner = self._receiver_symbol(operand, call)
            if not owner:
                return
            child = f"{owner}.{name}"
        for index, ref in refs:
            if ref.root:
                self.mounts.append(PendingMount(ref, f"{child}@{index}", ref.prefix, call.start_byte,
                                                _scope_id(call), call))

    # ------------------------------------------------------------ handlers and middleware

    def handler(self, expr, at, env: dict, fw: str, depth: int = 0) -> Handler:
        view = self.view
        node = unparen(expr)
        if node is None or depth > MAX_HANDLER_DEPTH:
            return Handler(None, "<unknown>")
        kind = node.type
        if kind == "func_literal":
            return Handler(node, "<anonymous>")
        if kind == "identifier":
            name = self.view.text(node)
            ref = self._evaluate(node, env)
            if ref is not None:
                return Handler(None, name, router=ref)
            decl = local_declaration(name, node, self.view)
            if decl is not None:
                value = unparen(declared_value(decl, name))
                if value is not None and value.type == "func_literal":
                    return Handler(value, name)
                if value is not None and value.type == "call_expression" and depth < MAX_HANDLER_DEPTH:
                    inner = self.handler(value, at, env, fw, depth + 1)
                    return Handler(inner.func, name, inner.facets, inner.opaque, inner.router)
                return Handler(None, name)
            return Handler(view.functions.get(name), name)
        if kind == "selector_expression":
            ref = self._evaluate(node, env)
            if ref is not None:
                return Handler(None, self.view.text(node), router=ref)
            operand = unparen(node.child_by_field_name("operand"))
            method = self.view.text(node.child_by_field_name("field"))
            if operand is not None and operand.type == "identifier" and view.package_path(operand):
                return Handler(None, self.view.text(node))
            owner = self._receiver_type(operand, node)
            found = view.method_named(method, owner) if owner else view.method_named(method)
            return Handler(found, self.view.text(node))
        if kind == "call_expression":
            return self._call_handler(node, at, env, fw, depth)
        return Handler(None, self.view.text(node)[:60] or "<unknown>")

    def _call_handler(self, node, at, env: dict, fw: str, depth: int) -> Handler:
        view = self.view
        operand, name = self.view.call_parts(node)
        args = self.view.arguments(node)
        path = view.package_path(unparen(operand)) if operand is not None and unparen(operand).type == "identifier" else ""
        router = self._evaluate(node, env)
        if router is not None and not router.builder:
            return Handler(None, self.view.text(node)[:60], router=router)
        if path == "net/http" and name in HTTP_WRAPPERS and len(args) > HTTP_WRAPPERS[name]:
            inner = self.handler(args[HTTP_WRAPPERS[name]], at, env, fw, depth + 1)
            if name == "StripPrefix":
                prefix = self._string(args[0], at)
                inner.strip = normalise_path(prefix).rstrip("/") if prefix else ""
            return inner
        if name in ("Then", "ThenFunc") and operand is not None and args:
            chain = unparen(operand)
            facets, opaque = self._classify_all(self.view.arguments(chain) if chain.type == "call_expression" else [])
            inner = self.handler(args[0], at, env, fw, depth + 1)
            return Handler(inner.func, inner.name, facets + inner.facets, opaque or inner.opaque, inner.router)
        label = self.view.text(node.child_by_field_name("function"))
        kind = middleware_kind(label)
        wrapped = [a for a in args if self._handler_like(unparen(a), depth)] \
            if fw in ("net/http", "chi", "gorilla") else []
        if wrapped and (kind in ("auth", "rate", "validation", "benign") or self._is_middleware_func(node)):
            inner = self.handler(wrapped[-1], at, env, fw, depth + 1)
            facets, opaque = self._classify_all([node.child_by_field_name("function")], called=node)
            return Handler(inner.func, inner.name, facets + inner.facets, opaque or inner.opaque, inner.router)
        # a handler factory: `h.List(db)`, `handlers.ListItems(svc)`
        func = None
        if operand is None:
            func = view.functions.get(name)
        elif path == "":
            owner = self._receiver_type(unparen(operand), node)
            func = view.method_named(name, owner) if owner else view.method_named(name)
        return Handler(func, label or "<call>")

    def _handler_like(self, node, depth: int = 0) -> bool:
        """Is an argument a handler (so the call wraps it), rather than a dependency that a
        handler factory takes (`db`, `svc`)?"""
        if node is None or depth > MAX_HANDLER_DEPTH:
            return False
        if node.type == "func_literal":
            return True
        if node.type == "call_expression":
            operand, name = self.view.call_parts(node)
            if name in ("HandlerFunc", "Handler", "HandleFunc"):
                return True
            return any(self._handler_like(unparen(a), depth + 1) for a in self.view.arguments(node))
        if node.type == "identifier":
            name = self.view.text(node)
            decl = local_declaration(name, node, self.view)
            if decl is None:
                func = self.view.functions.get(name)
                return func is not None and bool(handler_framework(func, self.view))
            kind = declared_type(decl, name)
            if kind is not None:
                return "Handler" in self.view.text(kind)
            value = unparen(declared_value(decl, name))
            return value is not None and (value.type == "func_literal"
                                          or value.type == "call_expression" and "Handler" in self.view.text(value))
        if node.type == "selector_expression":
            operand = unparen(node.child_by_field_name("operand"))
            if operand is not None and operand.type == "identifier" and self.view.package_path(operand):
                return self.view.text(node.child_by_field_name("field"))[:1].isupper()
            method = self.view.method_named(self.view.text(node.child_by_field_name("field")))
            return method is not None and bool(handler_framework(method, self.view))
        return False

    def _is_middleware_func(self, call) -> bool:
        """A call of a function of this file that takes a handler and returns one."""
        operand, name = self.view.call_parts(call)
        func = self.view.functions.get(name) if operand is None else None
        if func is None:
            return False
        params = [self.view.text(t) for _, t in params_of(func)]
        results = [self.view.text(t) for t in result_types(func)]
        return any("Handler" in p for p in params) and any("Handler" in r for r in results)

    def _classify_all(self, nodes, called=None) -> tuple[list, str]:
        facets: list = []
        opaque = ""
        for node in nodes:
            if node is None:
                continue
            kind, label, evidence = self._classify(node, called)
            if kind in ("auth", "rate", "validation", "page"):
                facets.append(_facet(kind, label, self.view.location(evidence)))
            elif kind == "" and not opaque:
                opaque = label
        return facets, opaque

    def _classify(self, node, called=None, depth: int = 0) -> tuple[str, str, object]:
        """(kind, label, node): kind "auth", "rate", "validation", "benign" or "" (unknown)."""
        node = unparen(node)
        if node is None:
            return "benign", "", called
        target = node
        args = []
        if node.type == "call_expression":
            target = unparen(node.child_by_field_name("function"))
            args = self.view.arguments(node)
        label = self.view.text(target) if target is not None else ""
        if target is not None and target.type == "func_literal":
            return self._body_kind(target, "<anonymous>"), "<anonymous middleware>", node
        kind = middleware_kind(label)
        path = ""
        if target is not None and target.type == "selector_expression":
            operand = unparen(target.child_by_field_name("operand"))
            path = self.view.package_path(operand) if operand is not None and operand.type == "identifier" else ""
        if kind in ("", "benign") and path:
            if "ulule/limiter" in path or "tollbooth" in path or "httprate" in path \
                    or path.endswith("/middleware/limiter"):
                kind = "rate"
            elif path.endswith(("/middleware/basicauth", "/middleware/keyauth")) or "jwtauth" in path \
                    or "gin-jwt" in path or "echo-jwt" in path or "contrib/jwt" in path:
                kind = "auth"
        if kind == "" and depth < 2:
            for arg in args:
                inner = unparen(arg)
                if inner is not None and inner.type in ("call_expression", "identifier", "selector_expression"):
                    inner_kind, _, _ = self._classify(inner, None, depth + 1)
                    if inner_kind in ("auth", "rate"):
                        return inner_kind, label, node
        if kind in ("auth", "rate", "validation", "page"):
            return kind, label, node
        func = None
        if target is not None and target.type == "identifier":
            func = self.view.functions.get(self.view.text(target))
            if func is None:
                decl = local_declaration(self.view.text(target), target, self.view)
                value = unparen(declared_value(decl, self.view.text(target))) if decl is not None else None
                func = value if value is not None and value.type == "func_literal" else None
        elif target is not None and target.type == "selector_expression" and not path:
            operand = unparen(target.child_by_field_name("operand"))
            owner = self._receiver_type(operand, target) if operand is not None else ""
            method = self.view.text(target.child_by_field_name("field"))
            func = self.view.method_named(method, owner) if owner else self.view.method_named(method)
        if func is not None:
            found = self._body_kind(func, label)
            if found:
                return found, label, node
            return "benign", label, node
        return kind, label, node

    def _body_kind(self, func, label: str) -> str:
        mechanism, _ = auth_check(func, self.view)
        if mechanism:
            return "auth"
        text = self.view.text(body_of(func))
        if "NewLimiter" in text or ".Allow()" in text and "limit" in text.lower():
            return "rate"
        return "benign" if func is not None else ""

    # ------------------------------------------------------------ emit

    def _emit(self) -> None:
        view = self.view
        for pending in self.routes:
            ref = pending.ref
            chain, opaque = self.chain(ref, pending.position, pending.scope, pending.path)
            chain = chain + pending.facets
            opaque = opaque or pending.opaque
            handler = pending.handler
            func = handler.func
            facets = {"auth": None, "validation": None, "pagination": None, "rate_limit": None}
            for name, facet in chain:
                if name in facets and facets[name] is None and facet.state is FacetState.PRESENT:
                    facets[name] = facet
            if facets["auth"] is None and func is not None:
                mechanism, node = auth_check(func, view)
                if mechanism:
                    facets["auth"] = present(mechanism, view.location(node))
            if facets["auth"] is None:
                top = ref.top()
                if opaque:
                    facets["auth"] = unknown(f"{opaque} (not visible)")
                elif top.kind in UNSEEN_KINDS:
                    facets["auth"] = unknown("router built elsewhere")
                else:
                    facets["auth"] = absent("", None)
            if facets["validation"] is None:
                facets["validation"] = body_validation(func, view) if func is not None else unknown()
            if facets["pagination"] is None:
                if func is not None and pending.method == "GET" and not ends_with_param(pending.path):
                    facets["pagination"] = pagination(func, view)
                else:
                    facets["pagination"] = unknown()
            if facets["rate_limit"] is None:
                facets["rate_limit"] = unknown()
            endpoint = Endpoint(pending.method, pending.path or "/", handler.name, view.location(pending.at),
                                ref.framework, **facets)
            self.builder.routes.append(Route(ref.root, endpoint))
        for pending in self.mounts:
            chain, opaque = self.chain(pending.ref, pending.position, pending.scope, pending.prefix)
            facets = [(n, f) for n, f in chain + pending.facets if f.state is FacetState.PRESENT]
            if opaque and not any(n == "auth" for n, _ in facets):
                facets.append(("auth", unknown(f"{opaque} (not visible)")))
            if pending.guard:
                if facets:
                    self.builder.mounts.append(Mount("", pending.child, "", view.location(pending.at),
                                                     tuple(facets)))
                continue
            parent = pending.ref.root
            if not parent or parent == pending.child:
                continue
            self.builder.mounts.append(Mount(parent, pending.child, pending.prefix, view.location(pending.at),
                                             tuple(facets)))

    def chain(self, ref: Ref, position: int, scope: int, path: str) -> tuple[list, str]:
        facets: list = []
        opaque = ""
        current: Ref | None = ref
        for _ in range(64):
            if current is None:
                break
            ordered = current.framework in ORDERED
            for use in current.uses:
                if ordered and use.scope == scope and use.position >= position:
                    continue
                if use.prefix is not None and not _covers(join_path(current.prefix, use.prefix), path):
                    continue
                facets.extend(use.facets)
                opaque = opaque or use.opaque
            facets.extend(current.facets)
            opaque = opaque or current.opaque
            if current.framework != "fiber":       # fiber's Use is a stack entry: route order counts
                position, scope = current.position, current.scope
            current = current.parent
        return facets, opaque

    # ------------------------------------------------------------ helpers

    def _string(self, node, at) -> str | None:
        return string_of(node, self.view.consts, at, self.view)

    def _methods(self, args: list, at) -> list[str]:
        found: list[str] = []
        for arg in args:
            node = unparen(arg)
            if node is None:
                continue
            if node.type == "composite_literal":
                body = node.child_by_field_name("body")
                items = [c for c in (body.named_children if body is not None else [])]
                items = [c.named_children[0] if c.type == "literal_element" and c.named_children else c
                         for c in items]
                found.extend(self._methods(items, at))
                continue
            value = self._string(node, at)
            if value is None and node.type == "selector_expression":
                field_name = self.view.text(node.child_by_field_name("field"))
                if field_name.startswith("Method"):
                    value = field_name[len("Method"):]
            if value:
                found.append(value.upper())
        return found

    def _chained_methods(self, call) -> list[str]:
        """gorilla `r.HandleFunc(...).Methods("GET", "POST").Name("x")`."""
        found: list[str] = []
        current = call
        for _ in range(16):
            parent = current.parent
            if parent is None or parent.type != "selector_expression":
                break
            outer = parent.parent
            if outer is None or outer.type != "call_expression":
                break
            name = self.view.text(parent.child_by_field_name("field"))
            if name == "Methods":
                found.extend(self._methods(self.view.arguments(outer), outer))
            current = outer
        return found

    def _router_type(self, type_node) -> str:
        path, name = type_ref(type_node, self.view)
        fw = framework_of(path)
        return fw if fw and name in ROUTER_TYPES.get(fw, ()) else ""

    def _field_key(self, selector) -> str:
        """"Type.field" for `x.field` when x's type is known (a receiver, a parameter, a local)."""
        operand = unparen(selector.child_by_field_name("operand"))
        name = self.view.text(selector.child_by_field_name("field"))
        if operand is None or operand.type != "identifier" or not name:
            return ""
        owner = self._receiver_type(operand, selector)
        return f"{owner}.{name}" if owner else ""

    def _field_router_type(self, key: str) -> str:
        owner, _, name = key.partition(".")
        struct = self.view.structs.get(owner)
        if struct is None:
            return ""
        for node in self.view.walk_local(struct):
            if node.type == "field_declaration" and any(
                    self.view.text(n) == name for n in node.children_by_field_name("name")):
                return self._router_type(node.child_by_field_name("type"))
        return ""

    def _receiver_type(self, operand, at) -> str:
        """The local type name of an identifier: a receiver, a parameter, `x := &T{}`, `x := NewT()`."""
        if operand is None or operand.type != "identifier":
            return ""
        name = self.view.text(operand)
        decl = local_declaration(name, at, self.view)
        if decl is None:
            return ""
        kind = declared_type(decl, name)
        if kind is None and decl.type == "parameter_list" and decl.parent is not None \
                and decl.parent.type == "method_declaration":
            return receiver_type(decl.parent)
        if kind is not None:
            path, type_name = type_ref(kind, self.view)
            return "" if path else type_name
        value = unparen(declared_value(decl, name))
        path, type_name = composite_type(value, self.view)
        if type_name and not path:
            return type_name
        if value is not None and value.type == "call_expression":
            callee_operand, callee = self.view.call_parts(value)
            if callee_operand is None and callee.startswith("New") and len(callee) > 3:
                return callee[3:]
        return ""

    def _receiver_symbol(self, operand, at) -> str:
        """"pkg:Type" of a method call's receiver, when its type can be read."""
        if operand is None or operand.type != "identifier":
            return ""
        name = self.view.text(operand)
        decl = local_declaration(name, at, self.view)
        if decl is None:
            return ""
        kind = declared_type(decl, name)
        if kind is not None:
            path, type_name = type_ref(kind, self.view)
            if decl.type == "parameter_list" and decl.parent is not None \
                    and decl.parent.type == "method_declaration" and not type_name:
                return f"{self.view.module}:{receiver_type(decl.parent)}"
            if not type_name:
                return ""
            return f"{import_module(path) if path else self.view.module}:{type_name}"
        if decl.type == "parameter_list" and decl.parent is not None and decl.parent.type == "method_declaration":
            return f"{self.view.module}:{receiver_type(decl.parent)}"
        value = unparen(declared_value(decl, name))
        path, type_name = composite_type(value, self.view)
        if type_name:
            return f"{import_module(path) if path else self.view.module}:{type_name}"
        if value is not None and value.type == "call_expression":
            callee_operand, callee = self.view.call_parts(value)
            callee_operand = unparen(callee_operand)
            package = self.view.package_path(callee_operand) if callee_operand is not None \
                and callee_operand.type == "identifier" else ""
            if callee.startswith("New") and len(callee) > 3:
                module = import_module(package) if package else (self.view.module if callee_operand is None else "")
                if module:
                    return f"{module}:{callee[3:]}"
        return ""

    def _field_type(self, selector, at) -> str:
        """"pkg:Type" of a struct field `x.f`, when x's struct is declared in this file."""
        holder = unparen(selector.child_by_field_name("operand"))
        name = self.view.text(selector.child_by_field_name("field"))
        owner = self._receiver_type(holder, at) if holder is not None else ""
        struct = self.view.structs.get(owner)
        if struct is None:
            return ""
        for node in self.view.walk_local(struct):
            if node.type == "field_declaration" and any(
                    self.view.text(n) == name for n in node.children_by_field_name("name")):
                path, type_name = type_ref(node.child_by_field_name("type"), self.view)
                if not type_name or _library(path):
                    return ""
                return f"{import_module(path) if path else self.view.module}:{type_name}"
        return ""

    def _callee_symbol(self, fn, at) -> str:
        fn = unparen(fn)
        if fn.type == "identifier":
            name = self.view.text(fn)
            return f"{self.view.module}:{name}" if name in self.view.functions else ""
        operand = unparen(fn.child_by_field_name("operand"))
        name = self.view.text(fn.child_by_field_name("field"))
        path = self.view.package_path(operand) if operand is not None and operand.type == "identifier" else ""
        if path:
            return f"{import_module(path)}:{name}"
        owner = self._receiver_symbol(operand, at)
        return f"{owner}.{name}" if owner else ""

    def _symbol_of(self, func) -> str:
        if func is None:
            return self.view.module
        name = function_name(func)
        owner = receiver_type(func) if func.type == "method_declaration" else ""
        return f"{self.view.module}:{owner + '.' if owner else ''}{name}"


# ---------------------------------------------------------------- small helpers

def _facet(kind: str, label: str, evidence) -> tuple[str, Facet]:
    name = {"auth": "auth", "rate": "rate_limit", "validation": "validation", "page": "pagination"}[kind]
    return name, present(label, evidence)


def _scope_id(node) -> int:
    func = node
    found = None
    while func is not None:
        if func.type in ("function_declaration", "method_declaration", "func_literal"):
            found = func
            if func.type != "func_literal":
                break
        func = func.parent
    return found.id if found is not None else 0


def _outer(node):
    current = node.parent
    while current is not None:
        if current.type in ("function_declaration", "method_declaration"):
            return current
        current = current.parent
    return None


def _returned_names(func, view: GoFile) -> frozenset[str]:
    names = set()
    for node in view.local_nodes(func, "return_statement"):
        for child in node.named_children:
            values = child.named_children if child.type == "expression_list" else [child]
            for value in values[:1]:
                if value.type == "identifier":
                    names.add(view.text(value))
    return frozenset(names)


def _verb_node(call):
    function = call.child_by_field_name("function")
    if function is not None and function.type == "selector_expression":
        field_node = function.child_by_field_name("field")
        if field_node is not None:
            return field_node
    return call


def _library(path: str) -> bool:
    """The standard library or a router framework: never a symbol of the scanned project."""
    return bool(path) and ("." not in path.split("/", 1)[0] or bool(framework_of(path)))


def _unwrapped(expr):
    """The handler inside `http.StripPrefix("/x", h)`."""
    node = unparen(expr)
    for _ in range(MAX_HANDLER_DEPTH):
        if node is None or node.type != "call_expression":
            return node
        _, name = call_parts(node)
        args = arguments_of(node)
        if name in HTTP_WRAPPERS and len(args) > HTTP_WRAPPERS[name]:
            node = unparen(args[HTTP_WRAPPERS[name]])
            continue
        return node
    return node


def _strip_wildcard(path: str) -> str:
    for suffix in ("/*", "*"):
        if path.endswith(suffix):
            return path[: -len(suffix)] or "/"
    return path


def _covers(prefix: str, path: str) -> bool:
    if prefix in ("", "/", "*"):
        return True
    prefix = prefix.rstrip("/")
    return path == prefix or path.startswith(prefix + "/")


def extract(parsed, builder) -> None:
    view = go_file(parsed)
    if not any(framework_of(p) for p in view.imports.values()):
        return
    GoRouteScanner(view, builder).scan()


EXTRACTOR = Extractor("go-routes", extract, languages=("go",), kinds=("source",))

__all__ = ["EXTRACTOR", "GoRouteScanner", "extract", "framework_of", "normalise_path", "split_pattern"]
