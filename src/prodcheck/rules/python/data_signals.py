"""Per-file detection behind the Python data-layer and API project rules, run by the
`python-data-signals` extractor (`facts/extractors/python_data_signals.py`) and recorded as
signals (`Signal(name, location, detail)`) that the project rules join across files:

| signal | detail | read by |
|---|---|---|
| `py-multi-write` | "orm|function|message" | PY-DATA-002 |
| `py-django-atomic-requests` | "" | PY-DATA-002 |
| `py-request-id` | mechanism | PY-OBS-003 |
| `py-web-service` | framework (Django settings with `ROOT_URLCONF`) | PY-OBS-003 |
| `py-throttle-default` | mechanism | PY-SEC-035 |
| `py-rate-limit-library` | module | PY-SEC-035 |
| `py-query-field` | "orm|Model|field|fields filtered together" | PY-DATA-009 |
| `py-unindexed-field` | "orm|Model|field" | PY-DATA-009 |
| `py-model-index` | "Model|a,b,c" (the index's columns, in order) | PY-DATA-009 |
| `py-serializer-all-fields` | "Serializer|Model|all or exclude|excluded fields" | PY-API-003 |
| `py-response-secret-field` | "Schema|field" | PY-API-003 |
"""
from __future__ import annotations

import ast
import re

from prodcheck.facts.extractors.python_common import (
    call_chain, const_str, const_str_list, dotted, keyword, last_name, module_nodes_of,
)
from prodcheck.facts.extractors.python_handlers import module_view
from prodcheck.facts.model import Signal
from prodcheck.model import Location
from prodcheck.rules.python.helpers import qualified

REQUEST_ID_MODULES = ("asgi_correlation_id", "django_guid", "request_id", "log_request_id", "flask_request_id",
                      "flask_request_id_header", "correlation_id", "fastapi_request_id", "asgi_request_id",
                      "starlette_context", "opentelemetry.instrumentation", "ddtrace", "django_request_id",
                      "request_id_middleware", "fastapi_correlation_id", "aws_xray_sdk")
REQUEST_ID_HEADERS = re.compile(
    r"^(?:http_)?(?:x[-_])?(?:request|correlation|trace|amzn[-_]trace)[-_]id$|^traceparent$|^x-cloud-trace-context$",
    re.I)
REQUEST_ID_KEYS = frozenset({"request_id", "correlation_id", "requestid", "correlationid"})
RATE_LIMIT_MODULES = ("slowapi", "flask_limiter", "django_ratelimit", "ratelimit", "fastapi_limiter",
                      "limits", "rest_framework.throttling", "fastapi_rate_limiter", "starlette_ratelimit",
                      "aiolimiter", "django_axes", "axes", "ratelimiter", "fastapi_throttle")
SETTINGS_RATE_MIDDLEWARE = ("django_ratelimit", "ratelimit", "axes.")
DJANGO_LOOKUPS = frozenset({"exact", "in", "gt", "gte", "lt", "lte", "range", "startswith", "date"})
DJANGO_QUERY_METHODS = frozenset({"filter", "exclude", "get", "aget", "get_or_create", "aget_or_create",
                                  "update_or_create", "aupdate_or_create", "order_by"})
DJANGO_INDEXED_TYPES = frozenset({"ForeignKey", "OneToOneField", "SlugField", "AutoField", "BigAutoField",
                                  "SmallAutoField", "ParentalKey", "TreeForeignKey", "UUIDAutoField"})
DJANGO_LOW_CARDINALITY = frozenset({"BooleanField", "NullBooleanField"})
NOT_COLUMNS = frozenset({"ManyToManyField", "GenericRelation", "GenericForeignKey", "ParentalManyToManyField",
                         "TaggableManager"})
SQLALCHEMY_LOW_CARDINALITY = frozenset({"Boolean", "bool", "Enum"})
FILTERING = frozenset({"filter", "exclude", "filter_by", "where", "get"})
SQL_COMPARE = (ast.Eq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.Is)
SECRET_FIELDS = frozenset({"password", "hashed_password", "password_hash", "passwd", "pwd_hash", "pass_hash",
                           "salt", "otp_secret", "totp_secret", "mfa_secret", "two_factor_secret",
                           "password_digest", "encrypted_password"})
RESPONSE_SUFFIXES = ("Out", "Response", "Public", "Read", "Detail", "View", "Output", "Resource")
SERIALIZER_BASES = frozenset({"ModelSerializer", "HyperlinkedModelSerializer"})


def file_signals(ctx) -> list[Signal]:
    from prodcheck.rules.python.data.multi_write_without_transaction import file_signals as multi_writes
    tree = ctx.file.tree
    if tree is None:
        return []
    found: list[Signal] = []
    found.extend(multi_writes(ctx))
    found.extend(_settings(ctx))
    found.extend(_imports(ctx))
    view = module_view(ctx.file)
    for node in module_nodes_of(ctx.file, ast.Call, ast.Constant, ast.ClassDef):
        if isinstance(node, ast.Call):
            found.extend(_call_signals(ctx, node))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 40 \
                and REQUEST_ID_HEADERS.match(node.value):
            found.append(Signal("py-request-id", _loc(ctx, node), f"reads or sets the `{node.value}` header"))
        elif isinstance(node, ast.ClassDef):
            found.extend(_class_signals(ctx, node, view))
    return found


def _loc(ctx, node: ast.AST) -> Location:
    return Location.at(ctx.path, node.lineno, node.col_offset + 1)


# ---------------------------------------------------------------- settings and imports

def _settings(ctx) -> list[Signal]:
    found = []
    view = module_view(ctx.file)
    databases = view.assigns.get("DATABASES")
    if isinstance(databases, ast.Dict):
        for value in databases.values:
            if isinstance(value, ast.Dict) and _dict_true(value, "ATOMIC_REQUESTS"):
                found.append(Signal("py-django-atomic-requests", _loc(ctx, value)))
    for stmt in view.tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and stmt.value.value is True:
            for target in stmt.targets:
                if isinstance(target, ast.Subscript) and const_str(target.slice) == "ATOMIC_REQUESTS" \
                        and "DATABASES" in dotted(_subscript_root(target)):
                    found.append(Signal("py-django-atomic-requests", _loc(ctx, stmt)))
    framework = view.assigns.get("REST_FRAMEWORK")
    if isinstance(framework, ast.Dict):
        for key, value in zip(framework.keys, framework.values):
            if const_str(key) == "DEFAULT_THROTTLE_CLASSES" and isinstance(value, (ast.List, ast.Tuple)) and value.elts:
                found.append(Signal("py-throttle-default", _loc(ctx, value), "DRF DEFAULT_THROTTLE_CLASSES"))
    middleware = const_str_list(view.assigns.get("MIDDLEWARE"), view.constants) or []
    where = view.assigns.get("MIDDLEWARE")
    for item in middleware:
        if item.startswith(tuple(m + "." for m in REQUEST_ID_MODULES)) or "requestid" in item.lower().replace("_", "") \
                or "correlation" in item.lower():
            found.append(Signal("py-request-id", _loc(ctx, where), f"middleware {item}"))
        if item.startswith(SETTINGS_RATE_MIDDLEWARE):
            found.append(Signal("py-throttle-default", _loc(ctx, where), f"middleware {item}"))
    if "ROOT_URLCONF" in view.assigns:
        found.append(Signal("py-web-service", _loc(ctx, view.assigns["ROOT_URLCONF"]), "django"))
    return found


def _subscript_root(node: ast.AST) -> ast.AST:
    while isinstance(node, ast.Subscript):
        node = node.value
    return node


def _dict_true(node: ast.Dict, key: str) -> bool:
    return any(const_str(k) == key and isinstance(v, ast.Constant) and v.value is True
               for k, v in zip(node.keys, node.values))


def _imports(ctx) -> list[Signal]:
    found = []
    for stmt in module_nodes_of(ctx.file, ast.Import, ast.ImportFrom):
        if isinstance(stmt, ast.Import):
            modules = [a.name for a in stmt.names]
        elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
            modules = [stmt.module]
        else:
            continue
        for module in modules:
            if _under(module, REQUEST_ID_MODULES):
                found.append(Signal("py-request-id", _loc(ctx, stmt), f"imports {module}"))
            if _under(module, RATE_LIMIT_MODULES):
                found.append(Signal("py-rate-limit-library", _loc(ctx, stmt), module))
    return found


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


# ---------------------------------------------------------------- calls

def _call_signals(ctx, call: ast.Call) -> list[Signal]:
    found = []
    func = call.func
    name = last_name(func)
    if name in ("bind_contextvars", "bind", "contextualize", "set_tag", "set_attribute") and \
            any(k.arg and k.arg.lower() in REQUEST_ID_KEYS for k in call.keywords):
        found.append(Signal("py-request-id", _loc(ctx, call), f"binds a request id in `{name}()`"))
    if name == "ContextVar" and call.args and (const_str(call.args[0]) or "").lower() in REQUEST_ID_KEYS:
        found.append(Signal("py-request-id", _loc(ctx, call), "request id context variable"))
    if name == "Limiter" and (keyword(call, "default_limits") is not None
                              or keyword(call, "application_limits") is not None):
        found.append(Signal("py-throttle-default", _loc(ctx, call), "limiter default limits"))
    if name == "add_middleware" and call.args \
            and last_name(call.args[0]) in ("SlowAPIMiddleware", "SlowAPIASGIMiddleware"):
        found.append(Signal("py-throttle-default", _loc(ctx, call), last_name(call.args[0])))
    if name == "Index" and len(call.args) >= 2 and isinstance(call.args[1], ast.Attribute) \
            and isinstance(call.args[1].value, ast.Name):
        columns = [a.attr for a in call.args[1:] if isinstance(a, ast.Attribute)]
        found.append(Signal("py-model-index", _loc(ctx, call), f"{call.args[1].value.id}|{','.join(columns)}"))
    found.extend(_query_fields(ctx, call))
    return found


def _query_fields(ctx, call: ast.Call) -> list[Signal]:
    func = call.func
    found = []
    resolved = qualified(ctx, func)
    if resolved in ("django.shortcuts.get_object_or_404", "django.shortcuts.aget_object_or_404") and call.args \
            and isinstance(call.args[0], ast.Name):
        return [s for s in (_django_keyword(ctx, call, call.args[0].id, k) for k in call.keywords) if s]
    if not isinstance(func, ast.Attribute):
        return []
    method = func.attr
    chain = call_chain(func.value)
    if method in DJANGO_QUERY_METHODS and "objects" in chain:
        index = chain.index("objects")
        model = chain[index - 1] if index else ""
        if not model[:1].isupper():
            return []
        if method == "order_by":
            if set(chain[index + 1:]) & FILTERING:
                return []                     # the filter's fields are the ones to index
            fields = [t.lstrip("-") for t in (const_str(a) for a in call.args) if t and t != "?" and "__" not in t]
            return [Signal("py-query-field", _loc(ctx, call), f"django|{model}|{f}|{','.join(fields)}")
                    for f in fields if f not in ("pk", "id")]
        return [s for s in (_django_keyword(ctx, call, model, k) for k in call.keywords) if s]
    if method == "filter_by":
        model = _sqlalchemy_model(func.value)
        if model:
            together = ",".join(k.arg for k in call.keywords if k.arg)
            found.extend(Signal("py-query-field", _loc(ctx, call), f"sqlalchemy|{model}|{k.arg}|{together}")
                         for k in call.keywords if k.arg and k.arg != "id")
        return found
    if method in ("filter", "where", "order_by") and "objects" not in chain:
        if method == "order_by" and set(chain) & FILTERING:
            return []
        columns = [c for c in ((_compared_column(a) if method != "order_by" else _ordered_column(a))
                               for a in _conjuncts(call.args)) if c]
        together = ",".join(c[1] for c in columns)
        found.extend(Signal("py-query-field", _loc(ctx, call), f"sqlalchemy|{model}|{field}|{together}")
                     for model, field in columns if field != "id")
    return found


def _conjuncts(args: list[ast.expr]) -> list[ast.expr]:
    """`where(a == 1, and_(b == 2, c == 3))` -> the three comparisons."""
    found = []
    for arg in args:
        if isinstance(arg, ast.Call) and last_name(arg.func) == "and_":
            found.extend(_conjuncts(arg.args))
        elif isinstance(arg, ast.BoolOp) and isinstance(arg.op, ast.And):
            found.extend(_conjuncts(arg.values))
        else:
            found.append(arg)
    return found


def _django_keyword(ctx, call: ast.Call, model: str, kw: ast.keyword) -> Signal | None:
    if not kw.arg:
        return None
    parts = kw.arg.split("__")
    field = parts[0]
    if field in ("pk", "id", "defaults") or len(parts) > 2 or len(parts) == 2 and parts[1] not in DJANGO_LOOKUPS:
        return None
    together = ",".join(k.arg.split("__")[0] for k in call.keywords if k.arg)
    return Signal("py-query-field", _loc(ctx, call), f"django|{model}|{field}|{together}")


def _sqlalchemy_model(receiver: ast.AST) -> str:
    """The model of `Model.query`, `session.query(Model)...`, `select(Model)...`."""
    current = receiver
    while True:
        if isinstance(current, ast.Attribute):
            if current.attr == "query" and isinstance(current.value, ast.Name) and current.value.id[:1].isupper():
                return current.value.id
            current = current.value
        elif isinstance(current, ast.Call):
            if last_name(current.func) in ("query", "select") and len(current.args) == 1 \
                    and isinstance(current.args[0], ast.Name) and current.args[0].id[:1].isupper():
                return current.args[0].id
            current = current.func
        else:
            return ""


def _compared_column(node: ast.AST) -> tuple[str, str] | None:
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], SQL_COMPARE):
        return _column(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in ("in_", "between", "is_"):
        return _column(node.func.value)
    return None


def _ordered_column(node: ast.AST) -> tuple[str, str] | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("desc", "asc"):
        node = node.func.value
    if isinstance(node, ast.Call) and last_name(node.func) in ("desc", "asc") and node.args:
        node = node.args[0]
    return _column(node)


def _column(node: ast.AST) -> tuple[str, str] | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id[:1].isupper() \
            and not node.value.id.isupper() and node.attr[:1].islower() and not node.attr.startswith("_"):
        return node.value.id, node.attr
    return None


# ---------------------------------------------------------------- classes

def _class_signals(ctx, cls: ast.ClassDef, view) -> list[Signal]:
    from prodcheck.facts.extractors.python_models import _declarative_bases, _model_kind
    memo = ctx.file.memo
    bases = memo.get("python.data.orm_bases")
    if bases is None:
        bases = memo["python.data.orm_bases"] = _declarative_bases(view.tree, dict(view.imports))
    kind = _model_kind(cls, view.imports, bases)
    if not kind and any(k.arg == "table" and _true(k.value) for k in cls.keywords) and _pydantic_like(cls, view):
        kind = "sqlmodel"                     # `class Item(ItemBase, table=True)` over a local SQLModel base
    found: list[Signal] = []
    if kind == "django":
        found.extend(_django_model(ctx, cls))
    elif kind in ("sqlalchemy", "sqlmodel"):
        found.extend(_sqlalchemy_model_fields(ctx, cls, kind == "sqlmodel"))
        if kind == "sqlmodel":
            for base in _local_bases(cls, view):
                found.extend(Signal(s.name, s.location, s.detail.replace(f"|{base.name}|", f"|{cls.name}|", 1))
                             for s in _sqlalchemy_model_fields(ctx, base, True))
    elif kind == "pydantic" or _pydantic_like(cls, view):
        found.extend(_response_secrets(ctx, cls, view))
    if any(last_name(b) in SERIALIZER_BASES for b in cls.bases):
        found.extend(_serializer(ctx, cls))
    return found


def _meta(cls: ast.ClassDef) -> ast.ClassDef | None:
    return next((s for s in cls.body if isinstance(s, ast.ClassDef) and s.name == "Meta"), None)


def _assigned(cls: ast.ClassDef, name: str) -> ast.Assign | None:
    return next((s for s in cls.body if isinstance(s, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == name for t in s.targets)), None)


def _django_model(ctx, cls: ast.ClassDef) -> list[Signal]:
    found = []
    meta = _meta(cls)
    if meta is not None:
        if _assigned(meta, "abstract") is not None:
            return []
        for name in ("indexes", "constraints"):
            stmt = _assigned(meta, name)
            for item in (stmt.value.elts if stmt is not None and isinstance(stmt.value, (ast.List, ast.Tuple)) else []):
                if isinstance(item, ast.Call):
                    fields = [f.lstrip("-") for f in const_str_list(keyword(item, "fields")) or []]
                    if fields:
                        found.append(Signal("py-model-index", _loc(ctx, item), f"{cls.name}|{','.join(fields)}"))
        for name in ("index_together", "unique_together"):
            stmt = _assigned(meta, name)
            if stmt is None or not isinstance(stmt.value, (ast.List, ast.Tuple)):
                continue
            groups = stmt.value.elts if stmt.value.elts and isinstance(stmt.value.elts[0], (ast.List, ast.Tuple)) \
                else [stmt.value]
            for group in groups:
                fields = const_str_list(group) if isinstance(group, (ast.List, ast.Tuple)) else None
                if fields:
                    found.append(Signal("py-model-index", _loc(ctx, group), f"{cls.name}|{','.join(fields)}"))
    for stmt in cls.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Call)):
            continue
        field, call = stmt.targets[0].id, stmt.value
        kind = last_name(call.func)
        if not kind.endswith(("Field", "Key")) or kind in NOT_COLUMNS or field.startswith("_"):
            continue
        if kind in DJANGO_LOW_CARDINALITY or keyword(call, "choices") is not None:
            continue
        indexed = any(_true(keyword(call, k)) for k in ("db_index", "unique", "primary_key"))
        if kind in DJANGO_INDEXED_TYPES and not _false(keyword(call, "db_index")):
            indexed = True
        if indexed:
            found.append(Signal("py-model-index", _loc(ctx, stmt), f"{cls.name}|{field}"))
        else:
            found.append(Signal("py-unindexed-field", _loc(ctx, stmt), f"django|{cls.name}|{field}"))
    return found


def _true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _false(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


COLUMN_FACTORIES = frozenset({"Column", "mapped_column", "Field"})


def _sqlalchemy_model_fields(ctx, cls: ast.ClassDef, sqlmodel: bool) -> list[Signal]:
    found = []
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and stmt.targets[0].id == "__table_args__":
            items = stmt.value.elts if isinstance(stmt.value, ast.Tuple) else [stmt.value]
            for item in items:
                columns = _index_columns(item)
                if columns:
                    found.append(Signal("py-model-index", _loc(ctx, item), f"{cls.name}|{','.join(columns)}"))
            continue
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            field, value, annotation = stmt.targets[0].id, stmt.value, None
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            field, value, annotation = stmt.target.id, stmt.value, stmt.annotation
        else:
            continue
        if field.startswith("_"):
            continue
        if isinstance(value, ast.Call):
            if last_name(value.func) not in COLUMN_FACTORIES:
                continue                      # relationship(), column_property(), ...
            call = value
        elif annotation is None or value is not None and not sqlmodel:
            continue
        else:
            call = None                       # `name: Mapped[str]`, SQLModel `name: str = ""`
        words = set()
        for inner in ast.walk(annotation) if annotation is not None else ():
            if isinstance(inner, (ast.Name, ast.Attribute)):
                words.add(last_name(inner))
        for inner in (call.args if call is not None else []):
            words.add(last_name(inner.func if isinstance(inner, ast.Call) else inner))
        if "relationship" in words or "Relationship" in words or "list" in words or "List" in words:
            continue
        if words & SQLALCHEMY_LOW_CARDINALITY:
            continue
        if call is not None and (any(_true(keyword(call, k)) for k in ("index", "unique", "primary_key"))
                                 or keyword(call, "sa_column") is not None):
            found.append(Signal("py-model-index", _loc(ctx, stmt), f"{cls.name}|{field}"))
            continue
        if call is not None and keyword(call, "choices") is not None:
            continue
        found.append(Signal("py-unindexed-field", _loc(ctx, stmt), f"sqlalchemy|{cls.name}|{field}"))
    return found


def _index_columns(node: ast.AST) -> list[str]:
    if not isinstance(node, ast.Call) \
            or last_name(node.func) not in ("Index", "UniqueConstraint", "PrimaryKeyConstraint"):
        return []
    columns = []
    for arg in node.args[1:] if last_name(node.func) == "Index" else node.args:
        text = const_str(arg)
        name = text if text else (arg.attr if isinstance(arg, ast.Attribute) else "")
        if not name:
            break
        columns.append(name)
    return columns


def _local_bases(cls: ast.ClassDef, view, depth: int = 0) -> list[ast.ClassDef]:
    """The classes of this module that `cls` inherits from, nearest first."""
    found = []
    for base in cls.bases:
        local = view.classes.get(last_name(base)) if isinstance(base, ast.Name) else None
        if local is not None and local is not cls and depth < 4:
            found.append(local)
            found.extend(_local_bases(local, view, depth + 1))
    return found


def _pydantic_like(cls: ast.ClassDef, view, depth: int = 0) -> bool:
    if depth > 3:
        return False
    for base in cls.bases:
        name = last_name(base)
        if name in ("BaseModel", "Schema") or name == "SQLModel" and not any(k.arg == "table" for k in cls.keywords):
            return True
        local = view.classes.get(name)
        if local is not None and local is not cls and _pydantic_like(local, view, depth + 1):
            return True
    return False


def _response_secrets(ctx, cls: ast.ClassDef, view) -> list[Signal]:
    if not (cls.name.endswith(RESPONSE_SUFFIXES) or cls.name in _response_models(ctx, view)):
        return []
    found = []
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id in SECRET_FIELDS \
                and not _excluded_field(stmt.value):
            found.append(Signal("py-response-secret-field", _loc(ctx, stmt), f"{cls.name}|{stmt.target.id}"))
    return found


def _excluded_field(value: ast.AST | None) -> bool:
    """`Field(exclude=True)` / `SecretStr` values are not serialised in clear."""
    return isinstance(value, ast.Call) and _true(keyword(value, "exclude"))


def _response_models(ctx, view) -> set[str]:
    memo = ctx.file.memo
    found = memo.get("python.data.response_models")
    if found is None:
        found = set()
        for node in module_nodes_of(ctx.file, ast.Call):
            if isinstance(node, ast.Call):
                value = keyword(node, "response_model")
                for inner in ast.walk(value) if value is not None else ():
                    if isinstance(inner, ast.Name):
                        found.add(inner.id)
        memo["python.data.response_models"] = found
    return found


def _serializer(ctx, cls: ast.ClassDef) -> list[Signal]:
    meta = _meta(cls)
    if meta is None:
        return []
    model_stmt = _assigned(meta, "model")
    model = last_name(model_stmt.value) if model_stmt is not None else ""
    fields = _assigned(meta, "fields")
    if fields is not None and const_str(fields.value) == "__all__":
        return [Signal("py-serializer-all-fields", _loc(ctx, fields), f"{cls.name}|{model}|all|")]
    exclude = _assigned(meta, "exclude")
    if fields is None and exclude is not None:
        excluded = const_str_list(exclude.value) or []
        detail = f"{cls.name}|{model}|exclude|{','.join(excluded)}"
        return [Signal("py-serializer-all-fields", _loc(ctx, exclude), detail)]
    return []


__all__ = ["file_signals"]
