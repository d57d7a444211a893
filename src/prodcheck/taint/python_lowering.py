"""Lower a Python module (stdlib `ast`, never imported) to taint IR `FunctionSummary`s.

Every function and method, and the module body as the pseudo-function `<module>`, becomes an
ordered list of steps over local names:

- expressions reduce to `Expr` (request sources, local names read, ids of call sites whose results
  flow in); every call is a `CallSite` step emitted before the statement that uses it, nested calls
  first, with its callee qualified through the file's imports;
- names are in SSA form (`x`, `x#2`, ...: no IR local is defined twice), so the engine's strong
  updates stay exact: the arms of an `if`/`try`/`match` start from the same versions and join into
  a new one; a loop head joins the version before the loop with the one the body ends with (defined
  later in the steps, which the engine's second pass carries round); an arm that leaves (return,
  raise, continue, break, `abort()`) does not reach the join; a guard such as
  `if x not in ALLOWED: abort(400)` or `if x.isdigit():` makes `x` a constant where it holds;
- `self.attr = v` in a method is a field of its own (`self.attr`); other attribute and item stores
  (`obj.attr = v`, `d["k"] = v`) are weak updates of the base name;
- request data enters as `SourceRef`s: Flask/Quart `request.*`, Django/DRF `request.*` on a view's
  `request` parameter (or `self.request`), Starlette `Request` parameters, and the parameters of
  FastAPI and Flask route handlers (`param_sources`).

The lowering decides nothing about sinks or sanitizers: those are data in `taint/specs/python.toml`.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from prodcheck.facts.extractors.python_common import child_nodes
from prodcheck.model import Location, Position
from prodcheck.taint.ir import (
    CONSTANT, EMPTY, Assign, CallSite, Expr, FunctionSummary, Return, SourceRef, Step, merge,
)

MODULE_FUNCTION = "<module>"

FRAMEWORK_OF_MODULE = {
    "flask": "flask", "quart": "flask", "werkzeug": "flask",
    "django": "django", "rest_framework": "django", "ninja": "django",
    "fastapi": "fastapi", "starlette": "fastapi",
}
FLASK_REQUEST_PROXIES = frozenset({"flask.request", "quart.request"})

# attribute of a request object -> source kind (the union over Flask, Django/DRF and Starlette)
REQUEST_ATTRIBUTES = {
    "args": "query", "values": "query", "GET": "query", "query_params": "query",
    "form": "form", "POST": "form",
    "json": "body", "get_json": "body", "data": "body", "get_data": "body", "body": "body",
    "stream": "body",
    "cookies": "cookie", "COOKIES": "cookie",
    "headers": "header", "META": "header",
    "files": "file", "FILES": "file",
    "view_args": "path", "path_params": "path",
    "full_path": "query", "query_string": "query",
}
# `request.path` / `get_full_path()` are not sources: the router only dispatches here for paths
# its patterns match, and the path parameters themselves are sources. `request.url` is not either:
# `redirect(request.url)` (back to the same page) is the documented Flask idiom.
# `request.args.get("n", type=int)`: werkzeug converts (and drops invalid values)
CONVERTING_TYPES = frozenset({"int", "float", "bool", "uuid.UUID", "decimal.Decimal"})

# a string built on a fixed origin ("/users/{x}", "https://api.example.com/v1/{x}") is lowered
# through this pseudo-callee; the spec makes it clean for the kinds whose danger is the origin
FIXED_ORIGIN_CALLEE = "<fixed-origin-url>"
FIXED_ORIGIN = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.\-]*://[^/?#\s{}%]+[/?#]|/[^/\\{}%]|[?#])")
# validators whose truth proves a URL is safe to redirect to (`url_has_allowed_host_and_scheme`,
# a project's own `is_safe_url`)
URL_VALIDATOR = re.compile(r"^(?=\w*(?:url|redirect|host))\w*(?:safe|allow|trusted|whitelist)\w*$")
# predicates that prove a string is harmless (digits, letters) when they guard a branch
SAFE_STRING_PREDICATES = frozenset({"isdigit", "isdecimal", "isnumeric", "isalnum", "isalpha",
                                    "isidentifier"})
TERMINATING_CALLS = frozenset({"flask.abort", "quart.abort", "werkzeug.exceptions.abort", "abort",
                               "sys.exit", "os._exit", "exit"})
# methods of pathlib.Path that return a Path: keeps `Path(x).resolve().read_text()` typed
PATH_RETURNING = frozenset({"resolve", "absolute", "joinpath", "with_name", "with_suffix",
                            "with_stem", "expanduser", "relative_to"})

ROUTE_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace",
                           "route", "api_route", "websocket"})
FASTAPI_MARKERS = {"Query": "query", "Path": "path", "Body": "body", "Form": "form",
                   "File": "file", "UploadFile": "file", "Header": "header", "Cookie": "cookie"}
FASTAPI_NOT_DATA = frozenset({
    "Depends", "Security", "Request", "WebSocket", "HTTPConnection", "BackgroundTasks", "Response",
    "Session", "AsyncSession", "SecurityScopes", "Connection", "AsyncConnection", "Engine",
    "AsyncEngine", "Redis", "HTTPAuthorizationCredentials", "HTTPBasicCredentials",
    "OAuth2PasswordRequestForm",
})
REQUEST_TYPES = frozenset({"Request", "HttpRequest", "WebSocket", "HTTPConnection", "ASGIRequest",
                           "WSGIRequest"})
SAFE_TYPES = frozenset({
    "int", "float", "bool", "complex", "UUID", "UUID1", "UUID3", "UUID4", "UUID5", "date",
    "datetime", "time", "timedelta", "Decimal", "PositiveInt", "NegativeInt", "NonNegativeInt",
    "NonPositiveInt", "PositiveFloat", "NegativeFloat", "NonNegativeFloat", "NonPositiveFloat",
    "StrictInt", "StrictFloat", "StrictBool", "conint", "confloat", "condecimal", "Literal",
    "None", "NoneType", "IPv4Address", "IPv6Address", "IPvAnyAddress",
})
CONTAINER_TYPES = frozenset({"Optional", "Union", "List", "list", "Set", "set", "FrozenSet",
                             "frozenset", "Sequence", "Tuple", "tuple", "Iterable"})
FLASK_SAFE_CONVERTERS = frozenset({"int", "float", "uuid"})
DJANGO_VIEW_BASES = ("View", "ViewSet", "APIView", "ViewSetMixin", "Mixin")
# methods a class-based view dispatches a request to (their extra parameters are URL captures)
DJANGO_HANDLER_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace",
                                    "list", "retrieve", "create", "update", "partial_update", "destroy"})
# an anchored pattern of letters, digits, `_`, `-`, classes of those, quantifiers and groups
SAFE_REGEX = re.compile(r"^\^?(?:[A-Za-z0-9_\- ]|\\[dw]|\[(?:[A-Za-z0-9_\-]|\\[dw])+\]|[+*?]"
                        r"|\{\d+(?:,\d*)?\}|[()|])+(?:\$|\\Z)?$")


# ---------------------------------------------------------------------------------------------
# module context: what the whole file tells every function


@dataclass(frozen=True, slots=True)
class ModuleContext:
    path: str
    module: str                          # dotted module name ("app.db"; "" for a root __init__)
    package: str                         # the package relative imports resolve against
    imports: dict[str, str]              # local alias -> qualified target
    module_aliases: frozenset[str]       # aliases bound by `import x` (certainly modules)
    local_roots: frozenset[str]          # first segments of this project's own modules
    frameworks: frozenset[str]           # flask, django, fastapi
    functions: frozenset[str]            # module-level function names
    classes: dict[str, frozenset[str]]   # module-level class name -> its classmethods
    constants: frozenset[str]            # module-level names bound once to a literal
    global_types: dict[str, str]         # module-level name -> constructor ("requests.Session")

    def qualify(self, name: str) -> str:
        return f"{self.module}.{name}" if self.module else name


def module_name(path: str) -> tuple[str, bool]:
    """`app/db.py` -> ("app.db", False); `app/__init__.py` -> ("app", True)."""
    pure = PurePosixPath(path)
    parts = list(pure.with_suffix("").parts)
    is_package = bool(parts) and parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


def import_root_module(path: str, abspath: str) -> tuple[str, bool]:
    """The module name Python gives a file: a file inside a regular package is named from the
    topmost directory that still has an `__init__.py` (`netbox/dcim/views.py` -> `dcim.views`
    when `netbox/` itself is no package; `src/pkg/mod.py` -> `pkg.mod`). A file whose directory
    is no package keeps its path from the scan root (`module_name`). Only file existence is read."""
    relative = PurePosixPath(path)
    directory = Path(abspath).parent
    if not (directory / "__init__.py").is_file():
        return module_name(path)
    depth = 0
    parents = relative.parts[:-1]
    while depth < len(parents) - 1 and (directory.parents[depth] / "__init__.py").is_file():
        depth += 1
    start = len(parents) - depth - 1
    return module_name(PurePosixPath(*relative.parts[start:]).as_posix())


def resolve_relative(package: str, module: str | None, level: int) -> str:
    """`from ..x import y` inside package `a.b.c`: level 2 -> `a.b.x`."""
    base = package.split(".") if package else []
    if level > 1:
        base = base[: max(0, len(base) - (level - 1))]
    if module:
        base = [*base, *module.split(".")]
    return ".".join(base)


def build_context(tree: ast.Module, path: str, named: tuple[str, bool] | None = None) -> ModuleContext:
    module, is_package = named or module_name(path)
    package = module if is_package else module.rpartition(".")[0]
    imports: dict[str, str] = {}
    module_aliases: set[str] = set()
    roots = {module.split(".")[0]} if module else set()
    for node in _all_statements(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                    module_aliases.add(alias.asname)
                else:
                    head = alias.name.split(".")[0]
                    imports[head] = head
                    module_aliases.add(head)
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(package, node.module, node.level) if node.level else (node.module or "")
            if node.level and base:
                roots.add(base.split(".")[0])
            for alias in node.names:
                if alias.name != "*":
                    imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
    frameworks = frozenset(FRAMEWORK_OF_MODULE[t.split(".")[0]] for t in imports.values()
                           if t.split(".")[0] in FRAMEWORK_OF_MODULE)
    functions = frozenset(n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
    classes = {n.name: _classmethods(n) for n in tree.body if isinstance(n, ast.ClassDef)}
    partial = ModuleContext(path, module, package, imports, frozenset(module_aliases), frozenset(roots),
                            frameworks, functions, classes, frozenset(), {})
    return ModuleContext(path, module, package, imports, frozenset(module_aliases), frozenset(roots),
                         frameworks, functions, classes, _module_constants(tree),
                         _constructed_types(_walk_scope(tree.body), partial))


def _classmethods(cls: ast.ClassDef) -> frozenset[str]:
    return frozenset(n.name for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and any(_annotation_name(d) == "classmethod" for d in n.decorator_list))


def _module_constants(tree: ast.Module) -> frozenset[str]:
    counts: dict[str, int] = {}
    literal: set[str] = set()
    for stmt in tree.body:
        for target, value in _simple_assignments(stmt):
            counts[target] = counts.get(target, 0) + 1
            if value is not None and _is_literal(value):
                literal.add(target)
    return frozenset(name for name in literal if counts[name] == 1)


def _simple_assignments(stmt: ast.stmt) -> Iterator[tuple[str, ast.expr | None]]:
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            for name in _target_names(target):
                yield name, stmt.value if isinstance(target, ast.Name) else None
    elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        yield stmt.target.id, stmt.value
    elif isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        yield stmt.target.id, None


def _is_literal(node: ast.expr) -> bool:
    """A literal built of constants only: `{"a": 1}`, `("x", "y")`, `frozenset({...})`."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_is_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _is_literal(k) for k in node.keys) and \
            all(_is_literal(v) for v in node.values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id in ("frozenset", "set", "tuple", "dict"):
        return not node.keywords and all(_is_literal(a) for a in node.args)
    if isinstance(node, ast.UnaryOp):
        return _is_literal(node.operand)
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) and _is_literal(node.right)
    return False


def _target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _target_names(element)
    elif isinstance(target, ast.Starred):
        yield from _target_names(target.value)


def _base_name(target: ast.expr) -> str | None:
    """`d["k"]`, `obj.attr.x`, `a[0].b` -> the base name a weak update writes to."""
    while isinstance(target, (ast.Attribute, ast.Subscript)):
        target = target.value
    return target.id if isinstance(target, ast.Name) else None


def _constructed_types(statements: list[ast.stmt], ctx: ModuleContext,
                       known: dict[str, str] | None = None) -> dict[str, str]:
    """Names assigned only from a class constructor (`s = requests.Session()`) -> the class;
    `statements` are a scope's (`_walk_scope`)."""
    seen: dict[str, str | None] = {}
    for stmt in statements:
        pairs: list[tuple[str, ast.expr | None]] = []
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = stmt.value if not isinstance(stmt, ast.AugAssign) else None
            for target in targets:
                simple = isinstance(target, ast.Name)
                pairs.extend((n, value if simple else None) for n in _target_names(target))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    simple = isinstance(item.optional_vars, ast.Name)
                    pairs.extend((n, item.context_expr if simple else None)
                                 for n in _target_names(item.optional_vars))
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            pairs.extend((n, None) for n in _target_names(stmt.target))
        for name, value in pairs:
            kind = _static_type(value, ctx, known or {}) if value is not None else None
            seen[name] = kind if name not in seen or seen[name] == kind else None
    return {name: kind for name, kind in seen.items() if kind}


def _static_type(node: ast.expr, ctx: ModuleContext, known: Mapping[str, str]) -> str | None:
    """The class an expression certainly builds: `requests.Session()`, `Path(x) / y`."""
    if isinstance(node, ast.Await):
        return _static_type(node.value, ctx, known)
    if isinstance(node, ast.Name):
        return known.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left = _static_type(node.left, ctx, known)
        return left if left and left.startswith("pathlib.") else None
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in PATH_RETURNING:
            inner = _static_type(func.value, ctx, known)
            return inner if inner and inner.startswith("pathlib.") else None
        name = _dotted_import(func, ctx)
        if name and "." in name and name.rsplit(".", 1)[1][:1].isupper():
            return name
    return None


class _ScopeTypes(Mapping[str, str]):
    """The types a scope sees: its own, then the module's for the names it does not bind. A view,
    not a copy per method call (a copy made a module of thousands of statements quadratic)."""
    __slots__ = ("_own", "_bound", "_module")

    def __init__(self, own: Mapping[str, str], bound: frozenset[str], module: Mapping[str, str]) -> None:
        self._own, self._bound, self._module = own, bound, module

    def __getitem__(self, name: str) -> str:
        if name in self._own:
            return self._own[name]
        if name in self._bound:
            raise KeyError(name)
        return self._module[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._own
        yield from (n for n in self._module if n not in self._own and n not in self._bound)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _dotted_import(node: ast.expr, ctx: ModuleContext) -> str | None:
    """`os.path.join` -> "os.path.join" when its head is an import; else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in ctx.imports:
        return None
    return ".".join([ctx.imports[node.id], *reversed(parts)])


def _all_statements(body: Iterable[ast.stmt]) -> list[ast.stmt]:
    """Every statement of the module, inside functions and classes too (expressions not visited),
    in source order."""
    return _statements(body, _ALL_STATEMENT_BLOCKS)


def _statements(body: Iterable[ast.stmt], blocks_of: Mapping[type, tuple[str, ...]]) -> list[ast.stmt]:
    """The statements of `body` and, depth first in source order, of the blocks `blocks_of` names
    for each statement class (with the `handlers` and `cases` of any statement listed there)."""
    found: list[ast.stmt] = []
    stack = list(reversed(list(body)))
    while stack:
        stmt = stack.pop()
        found.append(stmt)
        blocks = blocks_of.get(type(stmt))
        if blocks is None:
            continue
        children: list[ast.stmt] = []
        for name in blocks:
            children.extend(getattr(stmt, name, None) or ())
        for handler in getattr(stmt, "handlers", None) or []:
            children.extend(handler.body)
        for case in getattr(stmt, "cases", None) or []:
            children.extend(case.body)
        stack.extend(reversed(children))
    return found


def _walk_scope(body: Iterable[ast.stmt]) -> list[ast.stmt]:
    """Statements of one scope, nested blocks included, nested functions and classes excluded
    (in source order)."""
    return _statements(body, _STATEMENT_BLOCKS)


def _node_classes() -> list[type]:
    classes, work = [], [ast.AST]
    while work:
        cls = work.pop()
        classes.append(cls)
        work.extend(cls.__subclasses__())
    return classes


# statement class -> its fields holding nested statements ("handlers" and "cases" are read apart);
# none for definitions, whose bodies are scopes of their own
_STATEMENT_BLOCKS: dict[type, tuple[str, ...]] = {
    cls: tuple(name for name in ("body", "orelse", "finalbody") if name in cls._fields)
    for cls in _node_classes()
    if issubclass(cls, ast.stmt) and cls not in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    and any(name in cls._fields for name in ("body", "orelse", "finalbody", "handlers", "cases"))
}
_ALL_STATEMENT_BLOCKS: dict[type, tuple[str, ...]] = {
    **_STATEMENT_BLOCKS, ast.FunctionDef: ("body",), ast.AsyncFunctionDef: ("body",), ast.ClassDef: ("body",),
}
# fields that never hold a node a scope walk needs: strings and other scalars (lists of strings
# among them), and the context (Load/Store/Del) and operator singletons, which carry no names
_SCALAR_FIELDS = frozenset({"ctx", "op", "ops", "id", "attr", "arg", "names", "asname", "module",
                            "level", "kind", "conversion", "simple", "is_async", "type_comment",
                            "tag", "rest", "kwd_attrs", "lineno"})
_SCOPE_WALK_SKIPPED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
# node class -> the fields a scope walk descends into
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(name for name in cls._fields if name not in _SCALAR_FIELDS)
    for cls in _node_classes() if cls not in _SCOPE_WALK_SKIPPED
}
_CHILD_FIELDS[ast.Constant] = ()
_CHILD_FIELDS[ast.MatchSingleton] = ()


def _scope_nodes(body: Iterable[ast.stmt], wanted: frozenset[type]) -> list[ast.AST]:
    """The nodes of one scope (nested function, class and lambda bodies excluded) whose class is
    `wanted`."""
    found: list[ast.AST] = []
    stack: list = list(body)
    push, extend, pop = stack.append, stack.extend, stack.pop
    child_fields = _CHILD_FIELDS
    while stack:
        node = pop()
        if node is None:          # `Dict.keys` for `**x`, absent defaults, optional fields
            continue
        kind = type(node)
        if kind in wanted:
            found.append(node)
        fields = child_fields.get(kind)
        if fields is None:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                extend(node.decorator_list)
                extend(node.args.defaults)
                extend(node.args.kw_defaults)
            elif isinstance(node, ast.ClassDef):
                extend(node.decorator_list)
                extend(node.bases)
            elif isinstance(node, ast.AST) and not isinstance(node, ast.Lambda):
                extend(child_nodes(node))
            continue
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                extend(value)
            elif isinstance(value, ast.AST):
                push(value)
    return found


# the nodes `scope_names` and `assigned_names` read (the others are only walked through)
_BINDING_NODES = frozenset({
    ast.Name, ast.Attribute, ast.Subscript, ast.Assign, ast.AnnAssign, ast.Global, ast.Nonlocal,
    ast.ExceptHandler, ast.MatchAs, ast.MatchStar, ast.MatchMapping, ast.If, ast.While, ast.Assert,
})


def assigned_names(body: Iterable[ast.stmt]) -> set[str]:
    """Names a block binds or updates (weak updates of `d[k] = v` count for `d`)."""
    names: set[str] = set()
    for node in _scope_nodes(body, _BINDING_NODES):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, ast.Store):
            base = _base_name(node)
            if base:
                names.add(base)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                names.add(f"{node.value.id}.{node.attr}")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        elif isinstance(node, (ast.If, ast.While, ast.Assert)):
            names.update(n.id for n in ast.walk(node.test) if isinstance(n, ast.Name))
    return names


@dataclass(frozen=True, slots=True)
class ScopeNames:
    locals: frozenset[str]               # parameters and the names the scope binds
    definitions: dict[str, ast.expr]     # names bound exactly once by `name = value`, and the value


def scope_names(params: Iterable[str], body: list[ast.stmt]) -> ScopeNames:
    """One walk over a scope: its local names (minus `global`/`nonlocal` declarations) and the
    names it assigns exactly once."""
    stored = set(params)
    declared_global: set[str] = set()
    counts: dict[str, int] = {}
    values: dict[str, ast.expr] = {}
    for node in _scope_nodes(body, _BINDING_NODES):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Store):
                stored.add(node.id)
                counts[node.id] = counts.get(node.id, 0) + 1
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            base = _base_name(node) if isinstance(node.ctx, ast.Store) else None
            if base:
                stored.add(base)
        elif isinstance(node, ast.Assign):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                values[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign):
            if isinstance(node.target, ast.Name) and node.value is not None:
                values[node.target.id] = node.value
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared_global.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            stored.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            stored.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            stored.add(node.rest)
    definitions = {name: value for name, value in values.items() if counts.get(name) == 1}
    return ScopeNames(frozenset(stored - declared_global), definitions)


def location(path: str, node: ast.AST) -> Location:
    line = getattr(node, "lineno", 1) or 1
    column = (getattr(node, "col_offset", 0) or 0) + 1
    end_line = getattr(node, "end_lineno", None) or line
    end_col = getattr(node, "end_col_offset", None)
    end = Position(end_line, end_col + 1 if end_col is not None else column)
    return Location(path, Position(line, column), end)


# ---------------------------------------------------------------------------------------------
# handlers: which parameters carry request data


@dataclass(frozen=True, slots=True)
class HandlerInfo:
    is_handler: bool = False
    param_sources: tuple[tuple[str, SourceRef], ...] = ()
    request_params: frozenset[str] = frozenset()
    framework: str = ""


def handler_info(fn: ast.FunctionDef | ast.AsyncFunctionDef, params: list[ast.arg],
                 ctx: ModuleContext, class_bases: tuple[str, ...] | None) -> HandlerInfo:
    request_params = frozenset(p.arg for p in params if _is_request_param(p, ctx))
    route = _route_template(fn, ctx)
    if route is not None and "fastapi" in ctx.frameworks:
        return HandlerInfo(True, _fastapi_sources(fn, params, route, ctx), request_params, "fastapi")
    if route is not None and "flask" in ctx.frameworks:
        return HandlerInfo(True, _flask_sources(params, route, ctx.path), request_params, "flask")
    if "fastapi" in ctx.frameworks:
        # a dependency (`def verify(x_token: Annotated[str, Header()])`) reads request data too
        marked = _fastapi_sources(fn, params, "", ctx, explicit_only=True)
        if marked:
            return HandlerInfo(True, marked, request_params, "fastapi")
    if "django" in ctx.frameworks and params and params[0].arg == "request":
        view = _is_django_view(fn, ctx, class_bases)
        extra = tuple((p.arg, SourceRef("path", location(ctx.path, p), p.arg))
                      for p in params[1:] if view and not _annotation_is_safe(p.annotation, ctx))
        return HandlerInfo(view, extra, request_params | {"request"}, "django" if view else "")
    return HandlerInfo(False, (), request_params)


def _is_request_param(param: ast.arg, ctx: ModuleContext) -> bool:
    annotation = _annotation_name(param.annotation)
    if annotation in REQUEST_TYPES:
        return True
    return param.arg == "request" and param.annotation is None and \
        bool(ctx.frameworks & {"django", "fastapi"})


def _annotation_name(node: ast.expr | None) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.rsplit(".", 1)[-1].split("[")[0]
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript):
        return _annotation_name(node.value)
    return ""


def _route_template(fn: ast.FunctionDef | ast.AsyncFunctionDef, ctx: ModuleContext) -> str | None:
    """The path of a `@app.get("/x/{id}")` / `@bp.route("/x/<name>")` decorator ("" if not literal)."""
    for decorator in fn.decorator_list:
        if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
            continue
        if decorator.func.attr not in ROUTE_METHODS:
            continue
        if isinstance(decorator.func.value, ast.Name) and decorator.func.value.id in ctx.module_aliases:
            continue              # `requests.get(...)` used as a decorator is no route
        named = [k.value for k in decorator.keywords if k.arg in ("path", "rule")]
        candidates = [*decorator.args[:1], *named]
        for candidate in candidates:
            if isinstance(candidate, ast.Constant) and isinstance(candidate.value, str):
                return candidate.value
        return ""
    return None


def _flask_sources(params: list[ast.arg], rule: str, path: str) -> tuple[tuple[str, SourceRef], ...]:
    converters: dict[str, str] = {}
    for match in re.finditer(r"<(?:([a-zA-Z_]\w*)(?:\([^)]*\))?:)?([a-zA-Z_]\w*)>", rule):
        converters[match.group(2)] = match.group(1) or "string"
    return tuple((p.arg, SourceRef("path", location(path, p), p.arg))
                 for p in params if p.arg in converters and converters[p.arg] not in FLASK_SAFE_CONVERTERS)


def _fastapi_sources(fn: ast.FunctionDef | ast.AsyncFunctionDef, params: list[ast.arg], route: str,
                     ctx: ModuleContext, explicit_only: bool = False) -> tuple[tuple[str, SourceRef], ...]:
    """Handler parameters that carry request data; with `explicit_only`, only those declared with
    `Query()`, `Header()`, `Body()`... (a dependency's parameters)."""
    path_params = set(re.findall(r"{([a-zA-Z_]\w*)(?::[^}]*)?}", route))
    defaults = _param_defaults(fn)
    found = []
    for param in params:
        kind = _fastapi_param_kind(param, defaults.get(param.arg), path_params, ctx, explicit_only)
        if kind:
            found.append((param.arg, SourceRef(kind, location(ctx.path, param), param.arg)))
    return tuple(found)


def _param_defaults(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
    args = fn.args
    positional = args.posonlyargs + args.args
    defaults = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults):]], args.defaults))
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    return defaults


def _fastapi_param_kind(param: ast.arg, default: ast.expr | None, path_params: set[str],
                        ctx: ModuleContext, explicit_only: bool = False) -> str:
    annotation = param.annotation
    markers = [default] if default is not None else []
    if isinstance(annotation, ast.Subscript) and _annotation_name(annotation.value) == "Annotated":
        parts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        annotation = parts[0] if parts else None
        markers.extend(parts[1:])
    marker_names = [_annotation_name(m.func) for m in markers if isinstance(m, ast.Call)]
    if any(name in FASTAPI_NOT_DATA for name in marker_names):
        return ""
    declared = _annotation_name(_without_none(annotation))
    if declared in FASTAPI_NOT_DATA or declared in REQUEST_TYPES:
        return ""
    if param.arg in ("self", "cls") or _annotation_is_safe(annotation, ctx):
        return ""
    for name in marker_names:
        if name in FASTAPI_MARKERS:
            return FASTAPI_MARKERS[name]
    if explicit_only:
        return ""
    if _annotation_name(_without_none(annotation)) == "UploadFile":
        return "file"
    if param.arg in path_params:
        return "path"
    if _annotation_name(_without_none(annotation)) in ("", "str", "bytes", "Any", "list", "List", "set",
                                                      "Set", "tuple", "Tuple", "Sequence", "EmailStr",
                                                      "HttpUrl", "AnyHttpUrl", "AnyUrl", "SecretStr"):
        return "query"
    return "body"            # a pydantic model


def _without_none(node: ast.expr | None) -> ast.expr | None:
    """`X | None`, `Optional[X]`, `Union[X, None]` -> X."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        for side in (node.left, node.right):
            if not (isinstance(side, ast.Constant) and side.value is None):
                return _without_none(side)
    if isinstance(node, ast.Subscript) and _annotation_name(node.value) in ("Optional", "Union"):
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        for element in inner:
            if not (isinstance(element, ast.Constant) and element.value is None):
                return _without_none(element)
    return node


def _annotation_is_safe(node: ast.expr | None, ctx: ModuleContext) -> bool:
    """Does the annotation let only harmless values in (int, UUID, Literal[...], Optional[int])?"""
    if node is None:
        return False
    if isinstance(node, ast.Constant):
        if node.value is None:
            return True
        if isinstance(node.value, str):
            try:
                return _annotation_is_safe(ast.parse(node.value, mode="eval").body, ctx)
            except SyntaxError:
                return False
        return False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _annotation_is_safe(node.left, ctx) and _annotation_is_safe(node.right, ctx)
    if isinstance(node, ast.Subscript):
        head = _annotation_name(node.value)
        if head == "Literal":
            return True
        if head == "Annotated":
            parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            inner = parts[0] if parts else None
            return _annotation_is_safe(inner, ctx)
        if head in CONTAINER_TYPES:
            inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return all(_annotation_is_safe(e, ctx) or (isinstance(e, ast.Constant) and e.value is Ellipsis)
                       for e in inner)
        return False
    if isinstance(node, ast.Call):
        return _annotation_name(node.func) in SAFE_TYPES
    return _annotation_name(node) in SAFE_TYPES


def _is_django_view(fn: ast.FunctionDef | ast.AsyncFunctionDef, ctx: ModuleContext,
                    class_bases: tuple[str, ...] | None) -> bool:
    if class_bases is not None:
        handler = fn.name in DJANGO_HANDLER_METHODS or any(
            _annotation_name(d.func if isinstance(d, ast.Call) else d) == "action" for d in fn.decorator_list)
        return handler and any(base.endswith(DJANGO_VIEW_BASES) for base in class_bases)
    decorators = {_annotation_name(d.func if isinstance(d, ast.Call) else d) for d in fn.decorator_list}
    if decorators & {"api_view", "require_http_methods", "require_GET", "require_POST", "require_safe",
                     "csrf_exempt", "login_required", "permission_required"}:
        return True
    stem = PurePosixPath(ctx.path).stem
    parents = PurePosixPath(ctx.path).parts[:-1]
    return stem.startswith(("views", "api")) or "views" in parents


# ---------------------------------------------------------------------------------------------
# guards: facts a branch condition proves


@dataclass(frozen=True, slots=True)
class GuardEnv:
    ctx: ModuleContext
    locals: frozenset[str]
    definitions: dict[str, ast.expr]     # local name -> the value of its only assignment


def guard_facts(test: ast.expr, positive: bool, env: GuardEnv) -> set[str]:
    """Local names that hold only harmless values when `test` is `positive` (truthy)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return guard_facts(test.operand, not positive, env)
    if isinstance(test, ast.BoolOp):
        conjunctive = isinstance(test.op, ast.And) == positive
        if not conjunctive:
            return set()
        return set().union(*(guard_facts(v, positive, env) for v in test.values))
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        op, right = test.ops[0], test.comparators[0]
        if isinstance(op, ast.In) and positive or isinstance(op, ast.NotIn) and not positive:
            return _subjects(test.left, env) if _is_fixed_collection(right, env) else set()
        if isinstance(op, ast.Eq) and positive or isinstance(op, ast.NotEq) and not positive:
            constant = isinstance(right, ast.Constant) and right.value is not None
            return _subjects(test.left, env) if constant else set()
        return set()
    if isinstance(test, ast.Attribute) and not positive and test.attr in ("netloc", "hostname"):
        return _subjects(test, env)          # `if urlparse(url).netloc: abort()`: a relative URL
    if isinstance(test, ast.Call) and positive:
        return _call_facts(test, env)
    return set()


def _call_facts(test: ast.Call, env: GuardEnv) -> set[str]:
    func = test.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in env.locals:
        if func.attr in SAFE_STRING_PREDICATES and not test.args:
            return {func.value.id}
        if func.attr in ("startswith", "is_relative_to") and _is_normalised(func.value.id, env):
            return {func.value.id}
    name = _callee_name(func, env.ctx)
    subject = test.args[0] if test.args else next((k.value for k in test.keywords if k.arg == "url"), None)
    if name and URL_VALIDATOR.match(name.rsplit(".", 1)[-1]) and isinstance(subject, ast.Name) \
            and subject.id in env.locals:
        return {subject.id}
    if name in ("re.fullmatch", "re.match") and len(test.args) >= 2:
        pattern, subject = test.args[0], test.args[1]
        if (isinstance(subject, ast.Name) and subject.id in env.locals and isinstance(pattern, ast.Constant)
                and isinstance(pattern.value, str) and _safe_pattern(pattern.value, name == "re.fullmatch")):
            return {subject.id}
    return set()


def _callee_name(func: ast.expr, ctx: ModuleContext) -> str | None:
    if isinstance(func, ast.Attribute):
        return _dotted_import(func, ctx)
    if isinstance(func, ast.Name):
        return ctx.imports.get(func.id, func.id)
    return None


def _subjects(node: ast.expr, env: GuardEnv) -> set[str]:
    """The local names a fact about `node` is a fact about: `x`, `x.lower()`,
    `urlparse(x).hostname`, `parsed.netloc` (with `parsed = urlparse(x)`)."""
    if isinstance(node, ast.Name):
        return {node.id} if node.id in env.locals else set()
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.args \
            and node.func.attr in ("lower", "upper", "casefold", "strip"):
        return _subjects(node.func.value, env)
    if isinstance(node, ast.Attribute) and node.attr in ("hostname", "netloc"):
        inner = node.value
        if isinstance(inner, ast.Name) and inner.id in env.definitions:
            parsed = _parsed_url_of(env.definitions[inner.id], env)
            return {inner.id, parsed} if parsed else set()
        parsed = _parsed_url_of(inner, env)
        return {parsed} if parsed else set()
    return set()


def _parsed_url_of(node: ast.expr, env: GuardEnv) -> str | None:
    """`urlparse(x)` / `urlsplit(x)` -> "x"."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name) \
            and node.args[0].id in env.locals \
            and _callee_name(node.func, env.ctx) in ("urllib.parse.urlparse", "urllib.parse.urlsplit"):
        return node.args[0].id
    return None


def _is_normalised(name: str, env: GuardEnv) -> bool:
    """Was `name` assigned once from a normalised path (`os.path.realpath(...)`, `.resolve()`)?"""
    value = env.definitions.get(name)
    return value is not None and any(
        isinstance(n, ast.Call) and _last_name(n.func) in ("realpath", "abspath", "normpath", "resolve")
        for n in ast.walk(value))


def _last_name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _safe_pattern(pattern: str, full: bool) -> bool:
    """An anchored pattern of letters, digits, `_` and `-` only: what it accepts cannot inject."""
    anchored = full or pattern.endswith(("$", "\\Z"))
    return anchored and bool(SAFE_REGEX.match(pattern))


def _is_fixed_collection(node: ast.expr, env: GuardEnv) -> bool:
    """A literal collection, a module-level constant or a settings constant (`settings.ALLOWED`)."""
    if _is_literal(node):
        return True
    if isinstance(node, ast.Name):
        return node.id not in env.locals and (node.id in env.ctx.constants or node.id.isupper())
    if isinstance(node, ast.Attribute):
        return node.attr.isupper() and _base_name(node) not in env.locals
    return False


def is_terminating(body: list[ast.stmt], ctx: ModuleContext) -> bool:
    """Does a block always leave (return, raise, continue, break, abort(), sys.exit())?"""
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise, ast.Continue, ast.Break)):
        return True
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        func = last.value.func
        name = _dotted_import(func, ctx) if isinstance(func, ast.Attribute) else \
            (ctx.imports.get(func.id, func.id) if isinstance(func, ast.Name) else None)
        return name in TERMINATING_CALLS
    if isinstance(last, ast.If):
        return bool(last.orelse) and is_terminating(last.body, ctx) and is_terminating(last.orelse, ctx)
    return False


# ---------------------------------------------------------------------------------------------
# the lowering of one function


State = dict[str, str]          # source name -> its current version (an IR local name)


@dataclass(slots=True)
class _LoopFrame:
    breaks: list[State] = field(default_factory=list)       # states at `break`
    continues: list[State] = field(default_factory=list)    # states at `continue`


@dataclass(slots=True)
class _Scope:
    """A function being lowered: its steps so far and the bookkeeping they need.

    Names are in SSA form: the first definition of `x` is the IR local `x`, later ones `x#2`,
    `x#3`...; a join after a branch defines a new version from the versions of its arms, and a loop
    head joins the version before the loop with the one its body ends with (defined later: the
    engine's second pass carries it round the loop). No IR local is ever redefined, so the engine's
    strong updates and its loop carry stay exact."""
    ctx: ModuleContext
    qualname: str
    locals: frozenset[str]
    request_params: frozenset[str]
    class_qualname: str = ""             # "app.views.UserView" for methods
    class_methods: frozenset[str] = frozenset()
    nested: dict[str, str] = field(default_factory=dict)     # nested def name -> qualname
    types: dict[str, str] = field(default_factory=dict)
    django_self_request: bool = False
    steps: list[Step] = field(default_factory=list)
    next_id: int = 0
    current: State = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    aliases: list[dict[str, Expr]] = field(default_factory=list)   # comprehension variables
    loops: list[_LoopFrame] = field(default_factory=list)
    definitions: dict[str, ast.expr] = field(default_factory=dict)
    flask_view: bool = False             # a returned string becomes an HTML response
    self_name: str = ""                  # a method's first parameter: its attributes are fields


class FunctionLowerer:
    """Turns one function body into ordered IR steps (a new instance per function)."""

    def __init__(self, scope: _Scope) -> None:
        self.s = scope

    # -- versions -----------------------------------------------------------------------------

    def version(self, name: str) -> str:
        """A fresh IR local for `name`."""
        count = self.s.versions.get(name, 0) + 1
        self.s.versions[name] = count
        return name if count == 1 else f"{name}#{count}"

    def define(self, name: str, value: Expr, loc: Location, version: str | None = None) -> None:
        target = version or self.version(name)
        self.s.steps.append(Assign(target, value, loc))
        self.s.current[name] = target

    def read(self, name: str) -> Expr:
        version = self.s.current.get(name)
        return Expr(names=(version,)) if version else EMPTY

    def join(self, states: list[State], loc: Location) -> State:
        """The state after paths that ended in `states`: a new version where they disagree."""
        if not states:
            return {}
        # names every path holds in the same version keep it; only the others are looked at
        agreed = states[0].items()
        for state in states[1:]:
            agreed = agreed & state.items()
        joined: State = dict(agreed)
        for name in sorted(set().union(*states).difference(joined)):
            versions = tuple(dict.fromkeys(state[name] for state in states if name in state))
            if len(versions) == 1:
                joined[name] = versions[0]
            else:
                target = self.version(name)
                self.s.steps.append(Assign(target, Expr(names=versions), loc))
                joined[name] = target
        return joined

    # -- statements ---------------------------------------------------------------------------

    def block(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            try:
                self.statement(stmt)
            except RecursionError:
                continue           # a statement nested too deep is skipped, the function is kept

    def statement(self, stmt: ast.stmt) -> None:
        s = self.s
        if type(stmt) in _STATEMENTS_WITHOUT_STEPS:
            return
        if isinstance(stmt, ast.Expr):
            self.expr(stmt.value)
            return
        loc = location(s.ctx.path, stmt)
        if isinstance(stmt, ast.Assign):
            value = self.expr(stmt.value)
            for target in stmt.targets:
                self.assign(target, value, loc)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self.assign(stmt.target, self.expr(stmt.value), loc)
        elif isinstance(stmt, ast.AugAssign):
            value = self.expr(stmt.value)
            old = self.expr(stmt.target) if isinstance(stmt.target, ast.Name) else EMPTY
            self.assign(stmt.target, merge([old, value]), loc)
        elif isinstance(stmt, ast.Return):
            value = self.expr(stmt.value) if stmt.value is not None else CONSTANT
            body = stmt.value.elts[0] if isinstance(stmt.value, ast.Tuple) and stmt.value.elts else stmt.value
            if s.flask_view and body is not None and _builds_string(body) and not value.constant:
                value = self.flask_response(value, body)
            s.steps.append(Return(value, loc))
        elif isinstance(stmt, ast.If):
            self.expr(stmt.test)
            guards = self.guards()
            self.branches([(stmt.body, guard_facts(stmt.test, True, guards), None),
                           (stmt.orelse, guard_facts(stmt.test, False, guards), None)], loc)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            iterated = self.expr(stmt.iter)
            self.loop(stmt, lambda: self.assign(stmt.target, iterated, loc), set())
        elif isinstance(stmt, ast.While):
            self.expr(stmt.test)
            self.loop(stmt, lambda: None, guard_facts(stmt.test, True, self.guards()))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                value = self.expr(item.context_expr)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, value, loc)
            self.block(stmt.body)
        elif isinstance(stmt, (ast.Try, ast.TryStar)):
            self.try_statement(stmt, loc)
        elif isinstance(stmt, ast.Match):
            self.match_statement(stmt, loc)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.definition_header(stmt)
        elif isinstance(stmt, ast.ClassDef):
            for node in [*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords)]:
                self.expr(node)
        elif isinstance(stmt, ast.Assert):
            self.expr(stmt.test)
            if stmt.msg is not None:
                self.expr(stmt.msg)
            self.apply_facts(guard_facts(stmt.test, True, self.guards()), loc)
        elif isinstance(stmt, ast.Raise):
            for node in (stmt.exc, stmt.cause):
                if node is not None:
                    self.expr(node)
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                if not isinstance(target, ast.Name):
                    self.expr(target)
        # Import, Global, Nonlocal, Pass, Break, Continue, TypeAlias: no data flow (see
        # `_STATEMENTS_WITHOUT_STEPS`)

    def flask_response(self, value: Expr, node: ast.expr) -> Expr:
        """Flask turns a string a view returns into `Response(text)`, served as text/html."""
        s = self.s
        call_id = s.next_id
        s.next_id += 1
        s.steps.append(CallSite(call_id, "flask.Response", (value,), location(s.ctx.path, node)))
        return Expr(calls=(call_id,))

    def definition_header(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Decorators and defaults run where the function is defined."""
        defaults = [*fn.args.defaults, *(d for d in fn.args.kw_defaults if d is not None)]
        for node in [*fn.decorator_list, *defaults]:
            self.expr(node)

    def assign(self, target: ast.expr, value: Expr, loc: Location) -> None:
        if isinstance(target, ast.Name):
            self.define(target.id, value, loc)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.assign(element, value, loc)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value, loc)
        elif isinstance(target, ast.Attribute) and self.is_self(target.value):
            # `self.x = v`: a field of its own, so one request value stored on the view does not
            # taint every later use of `self`
            self.define(f"{target.value.id}.{target.attr}", value, loc)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            if isinstance(target, ast.Subscript):
                self.expr(target.slice)
            base = _base_name(target)
            self.evaluate_target_base(target)
            if base and base in self.s.current:
                # a weak update: `d["k"] = v` / `obj.attr = v` keeps what `d` / `obj` held
                self.define(base, merge([self.read(base), value]), loc)

    def is_self(self, node: ast.expr) -> bool:
        return bool(self.s.self_name) and isinstance(node, ast.Name) and node.id == self.s.self_name \
            and not any(node.id in aliases for aliases in self.s.aliases)

    def evaluate_target_base(self, target: ast.Attribute | ast.Subscript) -> None:
        """Calls inside an assignment target (`get_obj().x = v`) still run."""
        node: ast.expr = target.value
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        if not isinstance(node, ast.Name):
            self.expr(node)

    # -- control flow -------------------------------------------------------------------------

    def guards(self) -> GuardEnv:
        return GuardEnv(self.s.ctx, self.s.locals, self.s.definitions)

    def apply_facts(self, names: set[str], loc: Location) -> None:
        """Names a condition proved harmless become a constant where it holds."""
        for name in sorted(names):
            self.define(name, CONSTANT, loc)

    def branches(self, arms: list[tuple[list[ast.stmt], set[str], Callable[[], None] | None]],
                 loc: Location, entry: Callable[[], State] | None = None) -> None:
        """Alternatives that start from one state (or `entry()` for the later ones) and join."""
        s = self.s
        start = dict(s.current)
        exits: list[State] = []
        for body, facts, prelude in arms:
            s.current = dict(start)
            self.apply_facts(facts, loc)
            if prelude is not None:
                prelude()
            self.block(body)
            if not self.leaves(body):
                exits.append(dict(s.current))
        s.current = self.join(exits, loc) if exits else start

    def leaves(self, body: list[ast.stmt]) -> bool:
        """Does the block not fall through? A `break`/`continue` hands its state to the loop."""
        if not is_terminating(body, self.s.ctx):
            return False
        last = body[-1]
        if isinstance(last, (ast.Break, ast.Continue)) and self.s.loops:
            frame = self.s.loops[-1]
            (frame.continues if isinstance(last, ast.Continue) else frame.breaks).append(dict(self.s.current))
        return True

    def loop(self, stmt: ast.For | ast.AsyncFor | ast.While, prelude: Callable[[], None],
             facts: set[str]) -> None:
        """Zero or more iterations. The head joins the state before the loop with the state the body
        ends with (a version defined after the body: the engine carries it round)."""
        s = self.s
        loc = location(s.ctx.path, stmt)
        names = sorted(assigned_names(stmt.body) | set(_target_names(getattr(stmt, "target", ast.Pass())))
                       | facts)
        ends = {name: self.version(name) for name in names}
        for name in names:
            before = s.current.get(name)
            self.define(name, Expr(names=(before, ends[name]) if before else (ends[name],)), loc)
        head = dict(s.current)
        frame = _LoopFrame()
        s.loops.append(frame)
        try:
            prelude()
            self.apply_facts(facts, loc)
            self.block(stmt.body)
            around = ([] if self.leaves(stmt.body) else [dict(s.current)]) + frame.continues
        finally:
            s.loops.pop()
        for name in names:
            versions = tuple(dict.fromkeys(state[name] for state in around if name in state))
            s.steps.append(Assign(ends[name], Expr(names=versions) if versions else EMPTY, loc))
        s.current = dict(head)
        self.block(stmt.orelse)
        s.current = self.join([dict(s.current), *frame.breaks], loc)

    def try_statement(self, stmt: ast.Try | ast.TryStar, loc: Location) -> None:
        """`else` starts where the body ended; a handler from anywhere in it (before or after)."""
        s = self.s
        before = dict(s.current)
        self.block(stmt.body)
        after = dict(s.current)
        exits: list[State] = []
        s.current = dict(after)
        self.block(stmt.orelse)
        if not self.leaves(stmt.orelse or stmt.body):
            exits.append(dict(s.current))
        for handler in stmt.handlers:
            s.current = self.join([before, after], loc)
            if handler.type is not None:
                self.expr(handler.type)
            if handler.name:
                self.define(handler.name, EMPTY, location(s.ctx.path, handler))
            self.block(handler.body)
            if not self.leaves(handler.body):
                exits.append(dict(s.current))
        s.current = self.join(exits, loc) if exits else after
        self.block(stmt.finalbody)

    def match_statement(self, stmt: ast.Match, loc: Location) -> None:
        subject = self.expr(stmt.subject)
        arms: list[tuple[list[ast.stmt], set[str], Callable[[], None] | None]] = []
        for case in stmt.cases:
            def prelude(case: ast.match_case = case) -> None:
                for name in _captures(case.pattern):
                    self.define(name, subject, location(self.s.ctx.path, case.pattern))
                if case.guard is not None:
                    self.expr(case.guard)
            arms.append((case.body, set(), prelude))
        arms.append(([], set(), None))
        self.branches(arms, loc)

    # -- expressions --------------------------------------------------------------------------

    def expr(self, node: ast.expr | None) -> Expr:
        if node is None:
            return EMPTY
        handler = _EXPRESSION_HANDLERS.get(type(node))
        if handler is not None:
            return handler(self, node)
        return merge(self.expr(child) for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr))

    # the containers below merge their parts as the generic rule of `expr` does (same order),
    # without its generator over `ast.iter_child_nodes`
    def expr_List(self, node: ast.List | ast.Tuple | ast.Set) -> Expr:
        return merge([self.expr(element) for element in node.elts])

    expr_Tuple = expr_List
    expr_Set = expr_List

    def expr_Dict(self, node: ast.Dict) -> Expr:
        return merge([*(self.expr(key) for key in node.keys if key is not None),
                      *(self.expr(value) for value in node.values)])

    def expr_Starred(self, node: ast.Starred) -> Expr:
        return merge([self.expr(node.value)])

    def expr_Constant(self, node: ast.Constant) -> Expr:
        return CONSTANT

    def expr_Name(self, node: ast.Name) -> Expr:
        for aliases in reversed(self.s.aliases):
            if node.id in aliases:
                return aliases[node.id]
        return self.read(node.id)

    def expr_Attribute(self, node: ast.Attribute) -> Expr:
        source = self.source_of(node)
        if source is not None:
            return Expr(sources=(source,))
        if self.is_self(node.value) and f"{node.value.id}.{node.attr}" in self.s.current:
            return merge([self.read(f"{node.value.id}.{node.attr}"), self.expr(node.value)])
        return self.expr(node.value)

    def expr_Subscript(self, node: ast.Subscript) -> Expr:
        base = self.expr(node.value)
        self.expr(node.slice)      # calls in the index still run; the index selects, it is no data
        return base

    def expr_BinOp(self, node: ast.BinOp) -> Expr:
        operands: list[ast.expr] = []
        current: ast.expr = node
        while isinstance(current, ast.BinOp):
            operands.append(current.right)
            current = current.left
        operands.append(current)
        operands.reverse()
        value = merge([self.expr(operand) for operand in operands])
        if isinstance(node.op, ast.Mod) and _is_str_constant(node.left):
            return self.fixed_origin(node.left.value.split("%", 1)[0], None, value, node)
        if isinstance(node.op, ast.Add):
            return self.fixed_origin(*_string_prefix(operands), value, node)
        return value

    def expr_BoolOp(self, node: ast.BoolOp) -> Expr:
        return merge([self.expr(value) for value in node.values])

    def expr_Compare(self, node: ast.Compare) -> Expr:
        for child in [node.left, *node.comparators]:
            self.expr(child)
        return CONSTANT            # a bool

    def expr_UnaryOp(self, node: ast.UnaryOp) -> Expr:
        value = self.expr(node.operand)
        return CONSTANT if isinstance(node.op, ast.Not) else value

    def expr_IfExp(self, node: ast.IfExp) -> Expr:
        self.expr(node.test)
        return merge([self.expr(node.body), self.expr(node.orelse)])

    def expr_Lambda(self, node: ast.Lambda) -> Expr:
        return EMPTY

    def expr_NamedExpr(self, node: ast.NamedExpr) -> Expr:
        value = self.expr(node.value)
        self.define(node.target.id, value, location(self.s.ctx.path, node))
        return value

    def expr_Await(self, node: ast.Await) -> Expr:
        return self.expr(node.value)

    def expr_Yield(self, node: ast.Yield) -> Expr:
        if node.value is not None:
            self.s.steps.append(Return(self.expr(node.value), location(self.s.ctx.path, node)))
        return EMPTY

    def expr_YieldFrom(self, node: ast.YieldFrom) -> Expr:
        self.s.steps.append(Return(self.expr(node.value), location(self.s.ctx.path, node)))
        return EMPTY

    def expr_ListComp(self, node: ast.ListComp) -> Expr:
        return self.comprehension(node.generators, [node.elt])

    expr_SetComp = expr_ListComp
    expr_GeneratorExp = expr_ListComp

    def expr_DictComp(self, node: ast.DictComp) -> Expr:
        return self.comprehension(node.generators, [node.key, node.value])

    def comprehension(self, generators: list[ast.comprehension], results: list[ast.expr]) -> Expr:
        aliases: dict[str, Expr] = {}
        self.s.aliases.append(aliases)
        try:
            for generator in generators:
                iterated = self.expr(generator.iter)
                for name in _target_names(generator.target):
                    aliases[name] = iterated
                for condition in generator.ifs:
                    self.expr(condition)
            return merge([self.expr(result) for result in results])
        finally:
            self.s.aliases.pop()

    def expr_Call(self, node: ast.Call) -> Expr:
        return self.call(node)

    # -- sources --------------------------------------------------------------------------------

    def source_of(self, node: ast.Attribute) -> SourceRef | None:
        if self.s.django_self_request and node.attr in ("kwargs", "args") and \
                isinstance(node.value, ast.Name) and node.value.id == "self":
            return SourceRef("path", location(self.s.ctx.path, node), f"self.{node.attr}")
        kind = REQUEST_ATTRIBUTES.get(node.attr)
        if kind is None or not self.is_request_object(node.value):
            return None
        owner = ast.unparse(node.value) if isinstance(node.value, (ast.Name, ast.Attribute)) else "request"
        return SourceRef(kind, location(self.s.ctx.path, node), f"{owner}.{node.attr}")

    def is_request_object(self, node: ast.expr) -> bool:
        s = self.s
        if isinstance(node, ast.Name):
            if any(node.id in aliases for aliases in s.aliases):
                return False
            if node.id in s.request_params:
                return True
            return node.id not in s.locals and s.ctx.imports.get(node.id) in FLASK_REQUEST_PROXIES
        if isinstance(node, ast.Attribute):
            if (s.django_self_request and node.attr == "request" and isinstance(node.value, ast.Name)
                    and node.value.id == "self"):
                return True
            return _dotted_import(node, s.ctx) in FLASK_REQUEST_PROXIES
        return False

    # -- calls ----------------------------------------------------------------------------------

    def call(self, node: ast.Call) -> Expr:
        s = self.s
        func = node.func
        receiver: Expr | None = None
        direct_source: SourceRef | None = None
        if isinstance(func, ast.Attribute):
            direct_source = self.source_of(func)
            callee, receiver = self.method_callee(func)
        elif isinstance(func, ast.Name):
            callee = self.function_callee(func.id)
        else:
            receiver = self.expr(func)
            callee = ".__call__"
        args = tuple(self.expr(arg.value if isinstance(arg, ast.Starred) else arg) for arg in node.args)
        kwargs = tuple((kw.arg or "**", self.expr(kw.value)) for kw in node.keywords)
        literal_args = tuple((i, text) for i, arg in enumerate(node.args)
                             if (text := self.literal_text(arg)) is not None)
        literal_kwargs = tuple((kw.arg, text) for kw in node.keywords
                               if kw.arg and (text := self.literal_text(kw.value)) is not None)
        call_id = s.next_id
        s.next_id += 1
        s.steps.append(CallSite(call_id, callee, args, location(s.ctx.path, node), kwargs,
                                literal_kwargs, receiver, literal_args))
        return self.call_result(node, call_id, callee, receiver, args, kwargs, direct_source, literal_kwargs)

    def call_result(self, node: ast.Call, call_id: int, callee: str, receiver: Expr | None,
                    args: tuple[Expr, ...], kwargs: tuple[tuple[str, Expr], ...],
                    direct_source: SourceRef | None, literal_kwargs: tuple[tuple[str, str], ...]) -> Expr:
        result = Expr(calls=(call_id,))
        method = callee.rsplit(".", 1)[-1]
        if receiver is not None and receiver.sources and self.is_direct_source_receiver(node):
            converted = dict(literal_kwargs).get("type") in CONVERTING_TYPES
            if method in ("get", "getlist", "getone") and converted:
                return CONSTANT
            return merge([result, Expr(sources=receiver.sources)])
        if direct_source is not None:
            return merge([result, Expr(sources=(direct_source,))])
        if self.is_constant_lookup(node):
            return CONSTANT
        if method == "format" and isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Constant) and isinstance(node.func.value.value, str):
            text = node.func.value.value
            return self.fixed_origin(text.split("{", 1)[0], None, result, node)
        return result

    # -- strings on a fixed origin ------------------------------------------------------------

    def fixed_origin(self, prefix: str | None, first: ast.expr | None, value: Expr, node: ast.AST) -> Expr:
        """`value` through the fixed-origin pseudo-call when the string starts with a fixed origin:
        a literal prefix such as "/users/" or "https://api.example.com/", or a module-level or
        settings value followed by a literal "/"."""
        if value.constant or value.is_empty:
            return value
        if first is None:
            fixed = prefix is not None and bool(FIXED_ORIGIN.match(prefix))
        else:
            fixed = prefix is not None and prefix.startswith(("/", "?")) and self.is_global_value(first)
        if not fixed:
            return value
        s = self.s
        call_id = s.next_id
        s.next_id += 1
        s.steps.append(CallSite(call_id, FIXED_ORIGIN_CALLEE, (value,), location(s.ctx.path, node)))
        return Expr(calls=(call_id,))

    def is_global_value(self, node: ast.expr) -> bool:
        """A module-level constant or a settings attribute: never request data."""
        if isinstance(node, ast.FormattedValue):
            node = node.value
        if isinstance(node, ast.Call) and all(_is_literal(a) for a in node.args):
            # os.getenv("API_URL"), os.environ.get("API_URL"), settings.get("api_url")
            node = node.func
        if isinstance(node, ast.Subscript) and not _is_literal(node.slice):
            return False
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
            base = _base_name(node)
            return base is not None and base not in self.s.locals and \
                not any(base in aliases for aliases in self.s.aliases)
        return False

    def expr_JoinedStr(self, node: ast.JoinedStr) -> Expr:
        value = merge([self.expr(part) for part in node.values])
        return self.fixed_origin(*_string_prefix(node.values), value, node)

    def is_direct_source_receiver(self, node: ast.Call) -> bool:
        """`request.args.get(...)`: the method is called on the request attribute itself."""
        func = node.func
        return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and \
            self.source_of(func.value) is not None

    def is_constant_lookup(self, node: ast.Call) -> bool:
        """`ALLOWED_SORTS.get(key, "id")` on a module-level literal mapping yields one of its values."""
        func = node.func
        return (isinstance(func, ast.Attribute) and func.attr == "get" and isinstance(func.value, ast.Name)
                and func.value.id in self.s.ctx.constants and func.value.id not in self.s.locals
                and all(_is_literal(a) for a in node.args[1:]))

    def method_callee(self, func: ast.Attribute) -> tuple[str, Expr | None]:
        s = self.s
        head = func.value
        if self.is_self(head) and s.class_qualname and func.attr in s.class_methods:
            return f"{s.class_qualname}.{func.attr}", self.read(head.id)
        dotted = self.imported_dotted(func)
        if dotted:
            return dotted, None
        if isinstance(head, ast.Name) and head.id not in s.locals and head.id in s.ctx.classes:
            # a classmethod receives the class as `cls` (the engine shifts arguments past it)
            bound = EMPTY if func.attr in s.ctx.classes[head.id] else None
            return f"{s.ctx.qualify(head.id)}.{func.attr}", bound
        receiver = self.expr(head)
        kind = self.receiver_type(head)
        return (f"{kind}.{func.attr}" if kind else f".{func.attr}"), receiver

    def imported_dotted(self, func: ast.Attribute) -> str | None:
        """`os.path.join` -> "os.path.join": the head is an imported module (or a from-import of a
        library). Objects imported from this project (`from app import db`) keep `.method`."""
        s = self.s
        node: ast.expr = func
        depth = 0
        while isinstance(node, ast.Attribute):
            node = node.value
            depth += 1
        if not isinstance(node, ast.Name) or node.id in s.locals or node.id not in s.ctx.imports:
            return None
        if any(node.id in aliases for aliases in s.aliases):
            return None
        target = s.ctx.imports[node.id]
        if node.id not in s.ctx.module_aliases and target.split(".")[0] in s.ctx.local_roots and depth > 1:
            return None
        if target in FLASK_REQUEST_PROXIES:
            return None
        return _dotted_import(func, s.ctx)

    def function_callee(self, name: str) -> str:
        s = self.s
        if any(name in aliases for aliases in s.aliases):
            return name
        if name in s.nested:
            return s.nested[name]
        if name in s.locals:
            return name
        if name in s.ctx.imports:
            return s.ctx.imports[name]
        if name in s.ctx.functions or name in s.ctx.classes:
            return s.ctx.qualify(name)
        return name

    def receiver_type(self, node: ast.expr) -> str | None:
        s = self.s
        return _static_type(node, s.ctx, _ScopeTypes(s.types, s.locals, s.ctx.global_types))

    def literal_text(self, node: ast.expr) -> str | None:
        """A literal argument as text: "True", "sh", "-c", "yaml.SafeLoader", "int"."""
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bytes):
                return value.decode("latin-1")
            return value if isinstance(value, str) else repr(value)
        if isinstance(node, (ast.Name, ast.Attribute)):
            if _base_name(node) in self.s.locals:
                return None
            dotted = _dotted_import(node, self.s.ctx)
            if dotted:
                return dotted
            if isinstance(node, ast.Name) and node.id in ("int", "float", "bool", "str"):
                return node.id
        if isinstance(node, (ast.List, ast.Tuple)):
            # an argument vector: its leading literal words, e.g. ["sh", "-c", cmd] -> "sh -c"
            words = []
            for element in node.elts:
                if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
                    break
                words.append(element.value)
            return " ".join(words) if words else None
        return None


# statements that lower to nothing: returned from before their location is even computed
_STATEMENTS_WITHOUT_STEPS = frozenset({ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.Pass,
                                       ast.Break, ast.Continue})

# expression class -> the `expr_<Class>` method that lowers it (looked up once, not per node)
_EXPRESSION_HANDLERS: dict[type, Callable[[FunctionLowerer, ast.expr], Expr]] = {
    getattr(ast, name[len("expr_"):]): getattr(FunctionLowerer, name)
    for name in dir(FunctionLowerer) if name.startswith("expr_") and hasattr(ast, name[len("expr_"):])
}


def _builds_string(node: ast.expr) -> bool:
    """An expression that certainly builds a str: an f-string, a literal concatenated or
    %-formatted, `"...".format(...)`, `"".join(...)`."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        current: ast.expr = node
        while isinstance(current, ast.BinOp):
            if _is_str_literal(current.right):
                return True
            current = current.left
        return _is_str_literal(current)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr in ("format", "join"):
        return _is_str_literal(node.func.value)
    return False


def _is_str_constant(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_str_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or isinstance(node, ast.Constant) and isinstance(node.value, str)


def _string_prefix(parts: list[ast.expr]) -> tuple[str | None, ast.expr | None]:
    """The literal text a concatenation or f-string starts with, and a non-literal first part
    (then the prefix is the literal that follows it)."""
    def literal(node: ast.expr) -> str | None:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None
    if not parts:
        return None, None
    head = literal(parts[0])
    if head is not None:
        return head, None
    if len(parts) > 1 and literal(parts[1]) is not None:
        return literal(parts[1]), parts[0]
    return None, None


def _captures(pattern: ast.pattern) -> list[str]:
    """Names a `case` pattern binds."""
    names = []
    for node in ast.walk(pattern):
        if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.append(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.append(node.rest)
    return names


# ---------------------------------------------------------------------------------------------
# the module: every function, method and the module body


def lower_module(tree: ast.Module, path: str,
                 module: tuple[str, bool] | None = None) -> list[FunctionSummary]:
    """Summaries for every function of a module; `module` is its (dotted name, is a package),
    by default read from `path` (see `module_name`)."""
    ctx = build_context(tree, path, module)
    summaries: list[FunctionSummary] = []
    module_locals = scope_names((), tree.body).locals
    scope = _Scope(ctx, ctx.qualify(MODULE_FUNCTION), module_locals, frozenset(),
                   types=dict(ctx.global_types))
    FunctionLowerer(scope).block(tree.body)
    summaries.append(FunctionSummary(scope.qualname, (), tuple(scope.steps),
                                     Location(path, Position(1), Position(1))))
    summaries.extend(_definitions(_walk_scope(tree.body), ctx, ctx.module, None))
    return summaries


ClassInfo = tuple[str, tuple[str, ...], frozenset[str]]      # qualname, base names, method names


def _definitions(statements: list[ast.stmt], ctx: ModuleContext, prefix: str,
                 class_info: ClassInfo | None) -> Iterator[FunctionSummary]:
    """Summaries for the functions defined in a scope's `statements` (`_walk_scope`), recursively:
    methods, nested functions."""
    for stmt in statements:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            qualname = f"{prefix}.{stmt.name}" if prefix else stmt.name
            try:
                yield from _function(stmt, ctx, qualname, class_info)
            except RecursionError:
                continue
        elif isinstance(stmt, ast.ClassDef):
            qualname = f"{prefix}.{stmt.name}" if prefix else stmt.name
            bases = tuple(_annotation_name(b) for b in stmt.bases)
            methods = frozenset(n.name for n in stmt.body
                                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
            yield from _definitions(_walk_scope(stmt.body), ctx, qualname, (qualname, bases, methods))


def _function(fn: ast.FunctionDef | ast.AsyncFunctionDef, ctx: ModuleContext, qualname: str,
              class_info: ClassInfo | None) -> Iterator[FunctionSummary]:
    args = fn.args
    all_params = [*args.posonlyargs, *args.args, *([args.vararg] if args.vararg else []),
                  *args.kwonlyargs, *([args.kwarg] if args.kwarg else [])]
    is_static = any(_annotation_name(d) == "staticmethod" for d in fn.decorator_list)
    implicit = class_info is not None and not is_static and all_params and \
        all_params[0] in (args.posonlyargs + args.args)[:1]
    params = all_params[1:] if implicit else all_params
    self_name = all_params[0].arg if implicit else ""
    info = handler_info(fn, params, ctx, class_info[1] if class_info else None)
    names = [p.arg for p in all_params]
    scope_info = scope_names(names, fn.body)
    locals_ = scope_info.locals
    statements = _walk_scope(fn.body)
    nested = {n.name: f"{qualname}.{n.name}" for n in statements
              if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    django_view = class_info is not None and "django" in ctx.frameworks and \
        any(b.endswith(DJANGO_VIEW_BASES) for b in class_info[1])
    scope = _Scope(
        ctx, qualname, locals_, info.request_params,
        class_qualname=class_info[0] if class_info else "",
        class_methods=class_info[2] if class_info else frozenset(),
        nested=nested, types=_constructed_types(statements, ctx, _local_types(ctx, locals_)),
        django_self_request=django_view and self_name == "self",
        self_name=self_name,
        current={name: name for name in names}, versions=dict.fromkeys(names, 1),
        definitions=scope_info.definitions,
        flask_view=info.framework == "flask",
    )
    FunctionLowerer(scope).block(fn.body)
    yield FunctionSummary(qualname, tuple(p.arg for p in all_params), tuple(scope.steps),
                          location(ctx.path, fn), info.is_handler, info.param_sources)
    yield from _definitions(statements, ctx, qualname, None)


def _local_types(ctx: ModuleContext, locals_: frozenset[str]) -> dict[str, str]:
    return {name: kind for name, kind in ctx.global_types.items() if name not in locals_}
