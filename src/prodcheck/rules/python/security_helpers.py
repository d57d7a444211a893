"""Helpers of the Python security, reliability and quality rules of pack B (file modes, temporary
paths, request handlers, discarded results). Pure functions of (node, ctx) on top of
`rules/python/helpers.py` and `ast_helpers.py`; per-file answers are memoised in `ctx.data`.

- `mode_bits(ctx, node)`: the permission bits a mode expression certainly sets (`0o777`,
  `stat.S_IRWXU | stat.S_IWOTH`, `os.stat(p).st_mode | stat.S_IWOTH` -> at least S_IWOTH);
- `temp_path_prefix(ctx, node)`: the shared temporary directory (`/tmp/`) a path expression
  starts with;
- `is_route_handler(ctx, function)`: a Flask/FastAPI/Starlette route function, a Django view or a
  DRF/class-based view method;
- `result_discarded(ctx, call)`: the call's value is dropped (an expression statement, maybe
  awaited);
- `settings_assignments(ctx)`: `NAME -> value` of the upper-case module-level settings.
"""
from __future__ import annotations

import ast
import stat

from prodcheck.facts.extractors.python_common import const_str, dotted, keyword
from prodcheck.rules.python.ast_helpers import ancestors, top_level_values
from prodcheck.rules.python.helpers import imports, parent_of, qualified

__all__ = ["ROUTE_DECORATOR_METHODS", "TEMP_DIRS", "in_function", "is_route_handler", "literal_keyword",
           "mode_bits", "result_discarded", "settings_assignments", "temp_path_prefix"]

STAT_BITS = {f"stat.{name}": getattr(stat, name) for name in (
    "S_ISUID", "S_ISGID", "S_ISVTX", "S_IRWXU", "S_IRUSR", "S_IWUSR", "S_IXUSR", "S_IRWXG", "S_IRGRP",
    "S_IWGRP", "S_IXGRP", "S_IRWXO", "S_IROTH", "S_IWOTH", "S_IXOTH", "S_IREAD", "S_IWRITE", "S_IEXEC")}


def mode_bits(ctx, node: ast.AST | None) -> int | None:
    """The bits a mode expression certainly sets, or None when nothing is known. `|` of a known
    and an unknown part keeps the known part (OR only adds bits); other operators give None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, (ast.Attribute, ast.Name)):
        return STAT_BITS.get(qualified(ctx, node))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = mode_bits(ctx, node.left), mode_bits(ctx, node.right)
        if left is None and right is None:
            return None
        return (left or 0) | (right or 0)
    return None


TEMP_DIRS = ("/tmp/", "/var/tmp/", "/dev/shm/")


def temp_path_prefix(ctx, node: ast.AST | None) -> str:
    """"/tmp/" for `"/tmp/report.csv"`, `f"/tmp/{name}.csv"`, `"/tmp/" + name`,
    `os.path.join("/tmp", name)`, `Path("/tmp") / name`; "" otherwise."""
    text = _leading_text(ctx, node, 0)
    if text is None:
        return ""
    for prefix in TEMP_DIRS:
        if text.startswith(prefix) and len(text) >= len(prefix):
            return prefix
    return ""


def _leading_text(ctx, node: ast.AST | None, depth: int) -> str | None:
    """The literal text a path expression starts with (directory joins give a trailing `/`)."""
    if node is None or depth > 4:
        return None
    text = const_str(node)
    if text is not None:
        return text
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
        left = _leading_text(ctx, node.left, depth + 1)
        if left is None:
            return None
        return left if isinstance(node.op, ast.Add) or left.endswith("/") else left + "/"
    if isinstance(node, ast.Call):
        name = qualified(ctx, node.func)
        if name in ("os.path.join", "posixpath.join") and len(node.args) >= 2:
            first = _leading_text(ctx, node.args[0], depth + 1)
            return None if first is None else first.rstrip("/") + "/"
        if name in ("pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath") and node.args:
            first = _leading_text(ctx, node.args[0], depth + 1)
            if first is None:
                return None
            return first if len(node.args) == 1 else first.rstrip("/") + "/"
    return None


ROUTE_DECORATOR_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "route",
                                     "api_route", "websocket", "api_view", "action"})
VIEW_BASE_WORDS = ("View", "ViewSet", "APIView", "Mixin", "Handler", "Resource", "Endpoint")
HANDLER_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "list", "retrieve",
                             "create", "update", "partial_update", "destroy", "dispatch", "perform_create",
                             "perform_update", "perform_destroy", "form_valid"})
WEB_MODULES = ("flask", "fastapi", "starlette", "django", "rest_framework", "quart", "sanic", "aiohttp",
               "litestar", "ninja", "falcon", "tornado")


def is_route_handler(ctx, function: ast.AST | None) -> bool:
    """A function that serves a request: decorated as a route (`@app.get`, `@router.post`,
    `@bp.route`, `@api_view`), a Django function view (first parameter `request` in a module that
    imports Django), or a handler method of a class-based view."""
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    key = ("python.route_handler", id(function))
    found = ctx.data.get(key)
    if found is None:
        found = ctx.data[key] = _route_handler(ctx, function)
    return found


def _imports_modules(ctx) -> tuple[bool, bool]:
    """(imports a web framework, imports Django or DRF): per file, asked for every function."""
    found = ctx.data.get("python.route_handler.imports")
    if found is None:
        targets = imports(ctx).values()
        found = ctx.data["python.route_handler.imports"] = (
            any(target.split(".")[0] in WEB_MODULES for target in targets),
            any(t.startswith(("django", "rest_framework")) for t in targets))
    return found


def _route_handler(ctx, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    web, django = _imports_modules(ctx)
    if not web:
        return False
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        last = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else ""
        if last in ROUTE_DECORATOR_METHODS:
            if isinstance(target, ast.Attribute) and qualified(ctx, target.value) in ("requests", "httpx"):
                continue
            return True
    params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
    parent = parent_of(ctx, function)
    if isinstance(parent, ast.ClassDef):
        bases = [dotted(b) or "" for b in parent.bases]
        return function.name in HANDLER_METHODS and any(b.endswith(VIEW_BASE_WORDS) for b in bases)
    return bool(params) and params[0] == "request" and django


def result_discarded(ctx, call: ast.Call) -> bool:
    """The call is a statement on its own (`create_task(x)`, `await gather(...)`): its value is
    dropped."""
    parent = parent_of(ctx, call)
    if isinstance(parent, ast.Await):
        parent = parent_of(ctx, parent)
    return isinstance(parent, ast.Expr)


def settings_assignments(ctx) -> dict[str, tuple[ast.stmt, ast.expr]]:
    """The last unconditional module-level assignment of each upper-case name."""
    return {name: values[-1] for name, values in top_level_values(ctx).items() if name.isupper() and values}


def in_function(ctx, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The nearest enclosing def (not crossing a class), or None."""
    for parent in ancestors(ctx, node):
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return parent
        if isinstance(parent, ast.ClassDef):
            return None
    return None


def literal_keyword(call: ast.Call, name: str):
    """The literal value of a keyword argument, or None."""
    value = keyword(call, name)
    return value.value if isinstance(value, ast.Constant) else None


# ---------------------------------------------------------------- Django settings (PY-SEC-031)

DJANGO_SETTINGS_SIGNAL = "py-django-settings"
# settings `manage.py check --deploy` warns about whose Django default is insecure
SECURITY_SETTINGS = ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")
SECURITY_MIDDLEWARE = "django.middleware.security.SecurityMiddleware"
CLICKJACKING_MIDDLEWARE = "django.middleware.clickjacking.XFrameOptionsMiddleware"
# settings loaders whose names this file cannot see
OPAQUE_SETTINGS_CALLS = frozenset({"split_settings.tools.include", "globals", "locals", "exec", "vars"})
OPAQUE_SETTINGS_IMPORTS = ("configurations", "split_settings", "dynaconf", "django_configurations")


def django_settings_signal(ctx) -> dict | None:
    """What a Django settings module tells PY-SEC-031, as a JSON-able dict, or None when the file is
    not a settings module production may load (development and test settings included)."""
    from prodcheck.facts.extractors.python_common import module_name, resolve_relative
    from prodcheck.rules.python.ast_helpers import settings_module
    kind = settings_module(ctx)
    tree = ctx.file.tree
    if not kind or tree is None:
        return None
    names: set[str] = set()
    stars: list[str] = []
    middleware: dict[str, bool] | None = None
    debug = ""
    opaque = any(t.startswith(OPAQUE_SETTINGS_IMPORTS) for t in imports(ctx).values())
    module = module_name(ctx.path)
    is_package = ctx.path.endswith("__init__.py")
    for stmt in _module_level(tree.body):
        if isinstance(stmt, ast.ImportFrom) and any(a.name == "*" for a in stmt.names):
            stars.append(resolve_relative(module, is_package, stmt.level, stmt.module) if stmt.level
                         else stmt.module or "")
        for target, value in _assignments(stmt):
            if not _empty(value):
                names.add(target)       # `INSTALLED_APPS = []` (django's global defaults) marks nothing
            if target in ("MIDDLEWARE", "MIDDLEWARE_CLASSES"):
                middleware = _middleware_entries(value, middleware)
            if target == "DEBUG" and isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                debug = "true" if _const(value) is True else "false" if _const(value) is False else "dynamic"
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call):
                if qualified(ctx, node.func) in OPAQUE_SETTINGS_CALLS or \
                        isinstance(node.func, ast.Name) and node.func.id == "include" and not node.keywords \
                        and all(isinstance(a, ast.Constant) for a in node.args) and node.args \
                        and str(node.args[0].value).endswith(".py"):
                    opaque = True
                receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
                if isinstance(receiver, ast.Name) and receiver.id in ("MIDDLEWARE", "MIDDLEWARE_CLASSES") \
                        and node.func.attr in ("append", "insert", "extend"):
                    middleware = _middleware_entries(node, middleware or {}, added=True)
    markers = {"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "WSGI_APPLICATION", "DATABASES", "SECRET_KEY"}
    return {
        "module": module, "kind": kind, "names": sorted(names & (set(SECURITY_SETTINGS) | markers)),
        "stars": stars, "middleware": middleware, "debug": debug, "opaque": opaque,
    }


def _module_level(body: list[ast.stmt]):
    """Statements at module level, also inside `if`/`try`/`with` blocks (not functions or classes)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.With)) or type(stmt).__name__ == "TryStar":
            for field in ("body", "orelse", "finalbody"):
                yield from _module_level(getattr(stmt, field, []) or [])
            for handler in getattr(stmt, "handlers", []):
                yield from _module_level(handler.body)


def _assignments(stmt: ast.stmt):
    if isinstance(stmt, ast.Assign):
        for target in stmt.targets:
            for element in (target.elts if isinstance(target, ast.Tuple) else [target]):
                if isinstance(element, ast.Name):
                    yield element.id, stmt.value
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) and isinstance(stmt.target, ast.Name) \
            and stmt.value is not None:
        yield stmt.target.id, stmt.value


def _empty(value: ast.AST) -> bool:
    """`None`, `[]`, `()`, `{}`: a placeholder, not a setting a project chose."""
    if isinstance(value, ast.Constant):
        return value.value is None
    if isinstance(value, (ast.List, ast.Tuple)):
        return not value.elts
    return isinstance(value, ast.Dict) and not value.keys


def _const(node: ast.AST | None):
    return node.value if isinstance(node, ast.Constant) else None


def _middleware_entries(value: ast.AST, known: dict[str, bool] | None, added: bool = False) -> dict[str, bool]:
    found = dict(known or {})
    found.setdefault("security", False)
    found.setdefault("clickjacking", False)
    found.setdefault("dynamic", False)
    literal = False
    for node in ast.walk(value):
        text = const_str(node)
        if text == SECURITY_MIDDLEWARE:
            found["security"] = True
        elif text == CLICKJACKING_MIDDLEWARE:
            found["clickjacking"] = True
        if isinstance(node, (ast.List, ast.Tuple)):
            literal = True
    if not literal and not added:
        found["dynamic"] = True          # built elsewhere (a function, another module's list)
    return found
