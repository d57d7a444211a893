"""Helpers for the Python data-layer and API rules (transactions, ORM writes, request handlers).
Pure functions of (node, ctx); per-file views are memoised in `ctx.data` or `parsed.memo`.

- `request_handlers(ctx)`: the request handlers of this file (FastAPI/Flask route decorators,
  Flask view classes, Django function views and Django/DRF view classes) with the HTTP methods
  they answer when the code says so;
- `orm_write(ctx, call)`: a short description when a call writes to the database (Django ORM,
  SQLAlchemy session, DB-API `execute("INSERT ...")`), "" otherwise;
- `transaction_opener(ctx, node)` / `enclosing_transaction(ctx, node)`: `transaction.atomic()`,
  `session.begin()`, `engine.begin()`, `conn.transaction()` blocks and `@transaction.atomic`;
- `request_data(ctx, node)`: does an expression hand over the request's body or form data?
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from prodcheck.facts.extractors import python_django as django
from prodcheck.facts.extractors import python_fastapi as fastapi
from prodcheck.facts.extractors import python_flask as flask
from prodcheck.facts.extractors.python_common import (
    call_chain, const_str, const_str_list, dotted, keyword, last_name, module_nodes_of, name_tokens,
    walk_local,
)
from prodcheck.facts.extractors.python_handlers import module_view
from prodcheck.rules.python.helpers import bound_constructor, parent_of, qualified

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ROUTE_FRAMEWORKS = ("fastapi", "flask", "quart", "apiflask", "flask_restx", "flask_restful", "starlette",
                    "flask_smorest", "flask_openapi3")
DRF_ACTIONS = {"list": "GET", "retrieve": "GET", "create": "POST", "update": "PUT",
               "partial_update": "PATCH", "destroy": "DELETE"}
HTTP_METHOD_NAMES = ("get", "head", "post", "put", "patch", "delete", "options")


@dataclass(frozen=True, slots=True)
class Handler:
    func: FunctionNode
    framework: str                # fastapi, flask, django, drf
    methods: frozenset[str]       # empty: the code does not say which methods it answers
    path: str = ""


def request_handlers(ctx) -> dict[int, Handler]:
    """id(function) -> Handler for the request handlers defined in this file."""
    memo = ctx.file.memo
    found = memo.get("python.data.handlers")
    if found is None:
        found = memo["python.data.handlers"] = _find_handlers(ctx)
    return found


def _find_handlers(ctx) -> dict[int, Handler]:
    tree = ctx.file.tree
    if tree is None:
        return {}
    view = module_view(ctx.file)
    found: dict[int, Handler] = {}
    routes = view.imports_module(*ROUTE_FRAMEWORKS)
    uses_django = view.imports_module("django", "rest_framework")
    for node in module_nodes_of(ctx.file, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
        if routes and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                spec = fastapi.route_spec(decorator, view) if view.imports_module("fastapi", "starlette") \
                    else flask.route_spec(decorator, view)
                if spec is not None:
                    old = found.get(id(node))
                    methods = frozenset(spec.methods) | (old.methods if old else frozenset())
                    found[id(node)] = Handler(node, "fastapi" if view.imports_module("fastapi") else "flask",
                                              methods, spec.path)
        elif isinstance(node, ast.ClassDef):
            if routes and flask.is_view_class(node, view):
                for method, func in flask.view_methods(node, view):
                    if func is not None and func.name.lower() == method.lower():
                        found[id(func)] = Handler(func, "flask", frozenset({method}))
            elif uses_django:
                _django_class(node, view, found)
    if uses_django:
        for func in view.functions.values():
            if id(func) not in found and django._is_function_view(func, view):
                found[id(func)] = Handler(func, "django", _django_function_methods(func, view))
    return found


def _django_class(cls: ast.ClassDef, view, found: dict[int, Handler]) -> None:
    info = django.view_class(cls, view)
    if info is None:
        return
    framework = "drf" if info.kind in ("drf", "viewset") else "django"
    for stmt in cls.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if stmt.name in HTTP_METHOD_NAMES:
            found[id(stmt)] = Handler(stmt, framework, frozenset({stmt.name.upper()}))
        elif info.kind == "viewset" and stmt.name in DRF_ACTIONS:
            found[id(stmt)] = Handler(stmt, framework, frozenset({DRF_ACTIONS[stmt.name]}))
        elif info.kind == "viewset":
            action = next((d for d in stmt.decorator_list if isinstance(d, (ast.Call, ast.Name, ast.Attribute))
                           and last_name(d.func if isinstance(d, ast.Call) else d) == "action"), None)
            if action is not None:
                methods = const_str_list(keyword(action, "methods"), view.constants) \
                    if isinstance(action, ast.Call) and keyword(action, "methods") is not None else ["GET"]
                found[id(stmt)] = Handler(stmt, framework, frozenset(m.upper() for m in methods or []))


def _django_function_methods(func: FunctionNode, view) -> frozenset[str]:
    """The methods a function view is restricted to by a decorator; empty when it answers any."""
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = last_name(target)
        if name in ("require_GET", "require_safe"):
            return frozenset({"GET", "HEAD"})
        if name == "require_POST":
            return frozenset({"POST"})
        if name in ("require_http_methods", "api_view"):
            if not isinstance(decorator, ast.Call):
                return frozenset({"GET"}) if name == "api_view" else frozenset()
            node = decorator.args[0] if decorator.args else keyword(decorator, "http_method_names")
            values = const_str_list(node, view.constants) if node is not None else None
            if values is None:
                return frozenset({"GET"}) if name == "api_view" and node is None else frozenset()
            return frozenset(v.upper() for v in values)
    return frozenset()


def handler_callees(ctx) -> dict[int, Handler]:
    """id(function) -> the handler that calls it, for module-level functions of this file that a
    handler calls by name (one level deep)."""
    memo = ctx.file.memo
    found = memo.get("python.data.callees")
    if found is None:
        found = {}
        functions = module_view(ctx.file).functions
        for handler in request_handlers(ctx).values():
            for node in walk_local(handler.func):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    callee = functions.get(node.func.id)
                    if callee is not None and id(callee) not in request_handlers(ctx):
                        found.setdefault(id(callee), handler)
        memo["python.data.callees"] = found
    return found


# ---------------------------------------------------------------- transactions

TRANSACTION_WORDS = frozenset({"session", "sess", "db", "engine", "conn", "connection", "con", "cnx",
                               "database", "uow", "tx", "transaction", "atomic", "sessionmaker", "pool"})
NOT_DB_WORDS = frozenset({"http", "client", "requests", "httpx", "aiohttp", "api"})


def transaction_opener(ctx, node: ast.AST) -> str:
    """"transaction.atomic()" / "session.begin()" ... when the expression opens a database
    transaction (as a `with` item or a decorator), else ""."""
    call = node if isinstance(node, ast.Call) else None
    target = call.func if call is not None else node
    resolved = qualified(ctx, target)
    if resolved in ("django.db.transaction.atomic", "transaction.atomic"):
        return "transaction.atomic()"
    if not isinstance(target, ast.Attribute):
        return ""
    method = target.attr
    receiver = target.value
    if isinstance(receiver, ast.Call):                 # Session().begin(), sessionmaker()().begin()
        receiver = receiver.func
    words = set(name_tokens(last_name(receiver))) | {last_name(receiver).lower()}
    if method in ("begin", "begin_nested") and call is not None:
        if words & TRANSACTION_WORDS and not words & NOT_DB_WORDS or last_name(receiver)[:1].isupper() \
                and "session" in last_name(receiver).lower():
            return f"{dotted(target) or method}()"
    if method in ("transaction", "atomic") and call is not None and words & TRANSACTION_WORDS \
            and not words & NOT_DB_WORDS:
        return f"{dotted(target) or method}()"
    return ""


def function_transaction(ctx, func: ast.AST) -> tuple[str, ast.AST | None]:
    """(`@transaction.atomic`, decorator) when a decorator runs the function in a transaction."""
    for decorator in getattr(func, "decorator_list", []):
        opener = transaction_opener(ctx, decorator)
        if opener or qualified(ctx, decorator) in ("django.db.transaction.atomic",):
            return opener or "transaction.atomic", decorator
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if qualified(ctx, target) in ("django.db.transaction.atomic", "transaction.atomic") \
                or last_name(target) == "method_decorator" and isinstance(decorator, ast.Call) \
                and decorator.args and qualified(ctx, decorator.args[0]) == "django.db.transaction.atomic":
            return "transaction.atomic", decorator
    return "", None


def enclosing_transaction(ctx, node: ast.AST) -> tuple[str, ast.AST | None]:
    """(opener, block or decorator) of the innermost transaction around `node` within its
    function (the function's own decorators included); ("", None) when there is none."""
    child = node
    current = parent_of(ctx, node)
    while current is not None:
        if isinstance(current, (ast.With, ast.AsyncWith)) and child in current.body:
            for item in current.items:
                opener = transaction_opener(ctx, item.context_expr)
                if opener:
                    return opener, current
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return function_transaction(ctx, current)
        if isinstance(current, (ast.Lambda, ast.ClassDef)):
            return "", None
        child, current = current, parent_of(ctx, current)
    return "", None


# ---------------------------------------------------------------- writes

DJANGO_MANAGER_WRITES = frozenset({"create", "bulk_create", "bulk_update", "update", "delete", "get_or_create",
                                   "update_or_create", "acreate", "abulk_create", "abulk_update", "aupdate",
                                   "adelete", "aget_or_create", "aupdate_or_create"})
QUERYSET_STEPS = frozenset({"filter", "exclude", "all", "select_for_update", "using", "order_by"})
SESSION_WRITES = frozenset({"add", "add_all", "delete", "merge", "bulk_save_objects", "bulk_insert_mappings",
                            "bulk_update_mappings"})
SESSION_WORDS = frozenset({"session", "sess", "db", "dbsession", "uow"})
CURSOR_WORDS = frozenset({"cursor", "cur", "conn", "connection", "con", "cnx", "db", "database", "session",
                          "sess", "pool", "tx", "transaction"})
HTTP_RECEIVERS = ("requests.", "httpx.", "aiohttp.", "urllib3.")
WRITE_SQL = re.compile(r"^\s*(?:with\b.*?\)\s*)?(insert|update|delete|upsert|merge|replace)\b", re.I | re.S)
SQLALCHEMY_WRITE_CONSTRUCTS = frozenset({"insert", "update", "delete"})
SAVE_KEYWORDS = frozenset({"update_fields", "force_insert", "force_update", "using", "commit"})
# Receivers whose `save()`/`delete()` is not a database write.
NOT_MODEL_WORDS = frozenset({"image", "img", "im", "picture", "photo", "thumbnail", "file", "files", "fig",
                             "figure", "plot", "chart", "workbook", "wb", "book", "sheet", "doc", "document",
                             "pdf", "buffer", "buf", "storage", "cache", "redis", "path", "s3", "bucket", "blob",
                             "session", "cookie", "cookies", "model", "estimator", "pipeline", "tokenizer",
                             "checkpoint", "state", "config", "settings", "archive", "zip", "tar", "writer",
                             "canvas", "wav", "audio", "video", "tempfile", "tmp", "temp", "key", "keys",
                             "store", "kv", "memcache", "self"})


def _receiver_words(receiver: ast.AST) -> set[str]:
    return set(name_tokens(last_name(receiver)))


def _http_receiver(ctx, receiver: ast.AST) -> bool:
    made = bound_constructor(ctx, receiver)
    return qualified(ctx, receiver).startswith(HTTP_RECEIVERS) or made.startswith(HTTP_RECEIVERS) \
        or bool(_receiver_words(receiver) & NOT_DB_WORDS)


def sql_write_text(node: ast.AST | None) -> bool:
    """A SQL write: `"INSERT ..."`, `text("UPDATE ...")`, f-strings starting so, or a SQLAlchemy
    `insert(T)`/`update(T)`/`delete(T)` construct."""
    text = const_str(node)
    if text is None and isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        text = str(node.values[0].value)
    if text is None and isinstance(node, ast.Call) and last_name(node.func) == "text" and node.args:
        return sql_write_text(node.args[0])
    if text is not None:
        return bool(WRITE_SQL.match(text))
    if isinstance(node, ast.Call):
        names = call_chain(node)
        return bool(set(names[:3]) & SQLALCHEMY_WRITE_CONSTRUCTS)
    return False


def orm_write(ctx, call: ast.Call) -> str:
    """A description (`Order.objects.create()`, `order.save()`, `session.add()`, `INSERT`) when
    the call writes to the database, else ""."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return ""
    method = func.attr
    receiver = func.value
    names = call_chain(receiver)
    if method in DJANGO_MANAGER_WRITES and "objects" in names:
        index = names.index("objects")
        model = names[index - 1] if index else "objects"
        if method in ("update", "delete") and not (set(names[index + 1:]) & QUERYSET_STEPS or index == len(names) - 1):
            return ""
        return f"`{model}.objects.{method}()`" if index == len(names) - 1 else f"`{model}` queryset `.{method}()`"
    if method in ("update", "delete") and names and names[-1] in ("filter", "exclude") and len(names) >= 3 \
            and names[-2] == "objects":
        return f"`{names[-3]}` queryset `.{method}()`"
    if method in ("save", "asave") and not call.args and not _http_receiver(ctx, receiver) \
            and not _receiver_words(receiver) & NOT_MODEL_WORDS \
            and all(k.arg in SAVE_KEYWORDS for k in call.keywords):
        if any(k.arg == "commit" and isinstance(k.value, ast.Constant) and k.value.value is False
               for k in call.keywords):
            return ""
        return f"`{dotted(receiver) or 'obj'}.{method}()`"
    if method in ("delete", "adelete") and not call.args and not call.keywords \
            and isinstance(receiver, (ast.Name, ast.Attribute)) \
            and not _http_receiver(ctx, receiver) and not _receiver_words(receiver) & NOT_MODEL_WORDS:
        return f"`{dotted(receiver) or 'obj'}.delete()`"
    words = _receiver_words(receiver)
    if method in SESSION_WRITES and words & SESSION_WORDS and call.args and not _http_receiver(ctx, receiver):
        return f"`{dotted(receiver) or 'session'}.{method}()`"
    if method in ("execute", "executemany", "exec_driver_sql") and call.args and words & CURSOR_WORDS \
            and not _http_receiver(ctx, receiver) and sql_write_text(_resolve_name(ctx, call, call.args[0])):
        return f"`{dotted(receiver) or 'cursor'}.{method}()` of a write statement"
    if method in ("update", "delete") and "query" in names and not _http_receiver(ctx, receiver) \
            and (names[0][:1].isupper() and names[1:2] == ["query"] or set(names) & SESSION_WORDS):
        return f"query `.{method}()`"
    return ""


def _resolve_name(ctx, call: ast.Call, node: ast.AST) -> ast.AST:
    """A statement passed by name (`stmt = update(User)...; session.execute(stmt)`): its value
    when the name is assigned once in the function."""
    if not isinstance(node, ast.Name):
        return node
    current = parent_of(ctx, call)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Module)):
        current = parent_of(ctx, current)
    if current is None:
        return node
    values = [n.value for n in walk_local(current) if isinstance(n, ast.Assign)
              and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)]
    return values[0] if len(values) == 1 else node


# ---------------------------------------------------------------- request data

REQUEST_NAMES = frozenset({"request", "req"})
BODY_ATTRIBUTES = frozenset({"json", "form", "data", "POST", "values", "args", "GET", "query_params"})
BODY_METHODS = frozenset({"get_json", "json", "form", "body"})
TO_DICT = frozenset({"dict", "to_dict", "copy", "items"})


def request_data(ctx, node: ast.AST | None, depth: int = 0) -> str:
    """"request.json" when the expression is (a dict made from) the request's body, form or query
    data, following one local assignment; "" otherwise."""
    if node is None or depth > 3:
        return ""
    if isinstance(node, ast.Await):
        return request_data(ctx, node.value, depth)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in TO_DICT and not node.args:
            return request_data(ctx, func.value, depth)
        if isinstance(func, ast.Attribute) and func.attr in BODY_METHODS and _is_request(func.value):
            return f"{dotted(func) or func.attr}()"
        if last_name(func) == "dict" and len(node.args) == 1:
            return request_data(ctx, node.args[0], depth)
        if qualified(ctx, func) in ("json.loads", "orjson.loads", "ujson.loads") and node.args:
            inner = node.args[0]
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "decode":
                inner = inner.func.value
            if isinstance(inner, ast.Attribute) and inner.attr in ("body", "data") and _is_request(inner.value):
                return f"json.loads({dotted(inner)})"
        return ""
    if isinstance(node, ast.Attribute) and node.attr in BODY_ATTRIBUTES and _is_request(node.value):
        return dotted(node) or node.attr
    if isinstance(node, ast.Name):
        scope = parent_of(ctx, node)
        while scope is not None and not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope = parent_of(ctx, scope)
        if scope is None:
            return ""
        values = _local_values(ctx, scope).get(node.id, [])
        if len(values) == 1:
            return request_data(ctx, values[0], depth + 1)
    return ""


def _is_request(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in REQUEST_NAMES or \
        isinstance(node, ast.Attribute) and node.attr == "request" and isinstance(node.value, ast.Name) \
        and node.value.id == "self"


def _local_values(ctx, scope: ast.AST) -> dict[str, list[ast.expr]]:
    memo = ctx.data.setdefault("python.data.local_values", {})
    found = memo.get(id(scope))
    if found is None:
        found = {}
        for inner in walk_local(scope):
            if isinstance(inner, ast.Assign):
                for target in inner.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(target.id, []).append(inner.value)
            elif isinstance(inner, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)) \
                    and isinstance(inner.target, ast.Name) and inner.value is not None:
                found.setdefault(inner.target.id, []).append(inner.value)
            elif isinstance(inner, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)):
                for name in _bound_names(inner):
                    found.setdefault(name, []).append(inner)
        memo[id(scope)] = found
    return found


def _bound_names(node: ast.AST) -> list[str]:
    targets = [node.target] if isinstance(node, (ast.For, ast.AsyncFor)) else \
        [i.optional_vars for i in node.items if i.optional_vars is not None]
    return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]


def local_values(ctx, scope: ast.AST) -> dict[str, list[ast.expr]]:
    """Name -> every value assigned to it in the function (loop and `with` targets map to their
    statement), memoised per function."""
    return _local_values(ctx, scope)


def is_test_or_migration(ctx) -> bool:
    """Memoised: the data rules ask on every call they visit."""
    found = ctx.data.get("python.test_or_migration")
    if found is None:
        from prodcheck.rules.python.ast_helpers import is_migration_module
        found = ctx.data["python.test_or_migration"] = ctx.file.kind in ("test", "migration") \
            or is_migration_module(ctx)
    return found
