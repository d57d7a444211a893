"""
## What it does
Flags request data bound wholesale to a database model (mass assignment):
- `Model(**request.json)`, `Model.objects.create(**request.data)`,
  `Model.objects.filter(...).update(**request.POST.dict())`, `update_or_create(defaults=request.data)`,
  `session.query(Model).filter(...).update(request.get_json())`, where the data is the request body,
  form or query string (`request.json`, `request.get_json()`, `request.form`, `request.POST`,
  `request.data`, `json.loads(request.body)`, `await request.json()`), directly or through a local
  variable;
- `for key, value in <request data>.items(): setattr(obj, key, value)` and
  `obj.__dict__.update(<request data>)`;
- `Model(**payload.dict())` / `model_dump()` (and the `setattr` loop over it) when `payload` is a
  pydantic schema of the same module that declares a privileged field (`is_admin`, `is_staff`,
  `is_superuser`, `role`, `permissions`, ...), unless those fields are excluded.

A model is a Django or SQLAlchemy/SQLModel table class of the module, a class imported from a
`models`/`entities`/`tables` module (schema-like names such as `UserCreate` or `UserSchema` are
not), or the receiver of `.objects`.

## Why it matters
Whatever keys the client sends become columns: `{"is_admin": true}`, `{"owner_id": 1}` or
`{"balance": 10000}` in a profile update is a privilege escalation or a data tampering bug that no
form in the UI would ever send, so it is rarely noticed in testing.

## Example
    from flask import Flask, jsonify, request

    from app.models import User, db

    app = Flask(__name__)

    @app.post("/users")
    def create_user():
        user = User(**request.get_json())
        db.session.add(user)
        db.session.commit()
        return jsonify(id=user.id), 201

## Use instead
    from flask import Flask, jsonify, request

    from app.models import User, db
    from app.schemas import UserCreate

    app = Flask(__name__)

    @app.post("/users")
    def create_user():
        data = UserCreate.model_validate(request.get_json())
        user = User(email=data.email, name=data.name)
        db.session.add(user)
        db.session.commit()
        return jsonify(id=user.id), 201

## Known limitations
Pydantic schemas defined in another module are not read, so `Model(**payload.dict())` is only
reported when the schema is in the same file. DRF serializers and Django forms that list
`fields = "__all__"` are left to the serializer check. Data that is filtered by a helper before
the binding (`clean(request.json)`) is not reported.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import (
    call_chain, const_str, const_str_list, dotted, keyword, last_name, walk_local,
)
from prodcheck.facts.extractors.python_handlers import module_view
from prodcheck.facts.extractors.python_models import _declarative_bases, _model_kind
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.data_helpers import is_test_or_migration, local_values, request_data
from prodcheck.rules.python.helpers import enclosing_function, parent_of

MODEL_MODULES = frozenset({"models", "model", "entities", "entity", "tables", "orm", "db_models", "dbmodels"})
SCHEMA_SUFFIXES = ("Schema", "Create", "Update", "In", "Out", "Base", "Public", "Request", "Response", "Form",
                   "Serializer", "Params", "Input", "Payload", "DTO", "Dto", "Body", "Patch", "Data", "Args",
                   "Query", "Filter", "Read", "Config", "Settings", "Message", "Event", "Command")
PRIVILEGED = frozenset({"is_admin", "is_staff", "is_superuser", "admin", "superuser", "role", "roles",
                        "permissions", "is_verified", "is_active", "verified", "scopes", "groups",
                        "user_permissions", "is_owner", "owner_id", "tenant_id", "account_type", "plan",
                        "balance", "credits", "is_moderator", "privileges", "access_level"})
MANAGER_WRITES = frozenset({"create", "update", "get_or_create", "update_or_create", "acreate", "aupdate",
                            "aget_or_create", "aupdate_or_create"})
DUMPS = frozenset({"dict", "model_dump", "to_dict", "json_dict"})


def check(node: ast.AST, ctx):
    if is_test_or_migration(ctx):
        return
    if isinstance(node, ast.Call):
        yield from _bindings(node, ctx)
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        yield from _setattr_loop(node, ctx)


def _bindings(call: ast.Call, ctx):
    func = call.func
    target = _model_target(call, ctx)
    if target:
        for value in [k.value for k in call.keywords if k.arg is None or k.arg == "defaults"] + \
                     (call.args[:1] if _positional_update(call) else []):
            source = _source(ctx, value)
            if source:
                yield ctx.finding(
                    RULE, call,
                    f"{source} is bound wholesale to {target}: the client chooses which columns are set "
                    f"(e.g. `is_admin`, `owner_id`)")
                return
    if isinstance(func, ast.Attribute) and func.attr == "update" and isinstance(func.value, ast.Attribute) \
            and func.value.attr == "__dict__" and call.args:
        source = _source(ctx, call.args[0])
        if source:
            yield ctx.finding(RULE, call, f"{source} is copied into `{dotted(func.value) or '__dict__'}`: "
                                          f"the client can set any attribute")


def _positional_update(call: ast.Call) -> bool:
    """`session.query(M).filter(...).update(data)`."""
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "update" and len(call.args) == 1 \
        and "query" in call_chain(func.value)


def _model_target(call: ast.Call, ctx) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        chain = call_chain(func.value)
        if func.attr in MANAGER_WRITES and "objects" in chain:
            index = chain.index("objects")
            return f"`{chain[index - 1] if index else 'model'}.objects.{func.attr}()`"
        if func.attr == "update" and _positional_update(call):
            return "a query `.update()`"
        return ""
    if isinstance(func, ast.Name) and _is_model_class(func.id, ctx):
        return f"the model `{func.id}`"
    return ""


def _is_model_class(name: str, ctx) -> bool:
    if not name[:1].isupper() or name.endswith(SCHEMA_SUFFIXES):
        return False
    view = module_view(ctx.file)
    local = view.classes.get(name)
    if local is not None:
        return _model_kind(local, view.imports, _orm_bases(ctx)) in ("django", "sqlalchemy", "sqlmodel")
    origin = view.imports.get(name, "")
    parts = origin.split(".")
    return len(parts) >= 2 and parts[-2] in MODEL_MODULES


def _orm_bases(ctx) -> set[str]:
    memo = ctx.file.memo
    found = memo.get("python.data.orm_bases")
    if found is None:
        view = module_view(ctx.file)
        found = memo["python.data.orm_bases"] = _declarative_bases(view.tree, dict(view.imports))
    return found


def _source(ctx, value: ast.AST) -> str:
    raw = request_data(ctx, value)
    if raw:
        return f"`{raw}`"
    return _privileged_dump(ctx, value)


def _privileged_dump(ctx, value: ast.AST, depth: int = 0) -> str:
    """`payload.dict()` / `payload.model_dump()` of a same-module schema with privileged fields."""
    if isinstance(value, ast.Name) and depth < 2:
        scope = enclosing_function(ctx, value)
        values = local_values(ctx, scope).get(value.id, []) if not isinstance(scope, ast.Module) else []
        return _privileged_dump(ctx, values[0], depth + 1) if len(values) == 1 else ""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in DUMPS):
        return ""
    if keyword(value, "include") is not None:
        return ""
    excluded = set(_names(keyword(value, "exclude")))
    schema = _schema_of(ctx, value.func.value)
    if schema is None:
        return ""
    fields = _field_names(schema) & PRIVILEGED - excluded
    if not fields:
        return ""
    shown = ", ".join(f"`{f}`" for f in sorted(fields)[:3])
    return f"`{dotted(value.func) or 'payload.dict'}()` (schema `{schema.name}` accepts {shown})"


def _names(node: ast.AST | None) -> list[str]:
    if node is None:
        return []
    if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        return [s for s in (const_str(e) for e in node.elts) if s]
    if isinstance(node, ast.Dict):
        return [s for s in (const_str(k) for k in node.keys) if s]
    return const_str_list(node) or []


def _schema_of(ctx, receiver: ast.AST) -> ast.ClassDef | None:
    """The same-module class a parameter is annotated with, or a local built from it."""
    if not isinstance(receiver, ast.Name):
        return None
    view = module_view(ctx.file)
    scope = enclosing_function(ctx, receiver)
    if not isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    args = scope.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        if arg.arg == receiver.id and arg.annotation is not None:
            annotation = arg.annotation
            if isinstance(annotation, ast.Subscript) and last_name(annotation.value) == "Annotated":
                annotation = annotation.slice.elts[0] if isinstance(annotation.slice, ast.Tuple) else annotation.slice
            return view.classes.get(last_name(annotation))
    values = local_values(ctx, scope).get(receiver.id, [])
    if len(values) == 1 and isinstance(values[0], ast.Call):
        func = values[0].func
        if isinstance(func, ast.Attribute) and func.attr in ("model_validate", "parse_obj", "model_validate_json"):
            func = func.value
        return view.classes.get(last_name(func))
    return None


def _field_names(cls: ast.ClassDef) -> set[str]:
    return {s.target.id for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)}


def _setattr_loop(loop: ast.AST, ctx):
    """`for k, v in <data>.items(): setattr(obj, k, v)`."""
    target = loop.target
    if not (isinstance(target, ast.Tuple) and len(target.elts) == 2
            and all(isinstance(e, ast.Name) for e in target.elts)):
        return
    key, val = (e.id for e in target.elts)
    iterable = loop.iter
    if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)
            and iterable.func.attr == "items" and not iterable.args):
        return
    source = _source(ctx, iterable.func.value)
    if not source:
        return
    for node in walk_local(ast.Module(body=loop.body, type_ignores=[])):
        if isinstance(node, ast.Call) and last_name(node.func) == "setattr" and len(node.args) == 3 \
                and isinstance(node.args[1], ast.Name) and node.args[1].id == key \
                and not _guarded(node, key, loop, ctx):
            yield ctx.finding(RULE, node, f"every key of {source} is set on `{dotted(node.args[0]) or 'the object'}`: "
                                          f"the client can set any attribute")
            return


def _guarded(node: ast.AST, key: str, loop: ast.AST, ctx) -> bool:
    """`if key in ALLOWED:` / `if key not in {...}: continue` around or before the setattr."""
    current = parent_of(ctx, node)
    while current is not None and current is not loop:
        if isinstance(current, ast.If) and _tests_key(current.test, key):
            return True
        current = parent_of(ctx, current)
    for stmt in loop.body:
        if isinstance(stmt, ast.If) and _tests_key(stmt.test, key) \
                and any(isinstance(s, (ast.Continue, ast.Raise)) for s in stmt.body):
            return True
    return False


def _tests_key(test: ast.AST, key: str) -> bool:
    for inner in ast.walk(test):
        if isinstance(inner, ast.Compare) and isinstance(inner.left, ast.Name) and inner.left.id == key:
            return True
        if isinstance(inner, ast.Call) and any(isinstance(a, ast.Name) and a.id == key for a in inner.args):
            return True
    return False


RULE = NodeRule(
    id="PY-SEC-030", slug="mass-assignment", area=Area.SEC,
    title="Request data bound wholesale to a model (mass assignment)",
    fix="Validate the body with a schema that lists the writable fields (pydantic, a DRF "
        "serializer, a Django form) and set only those fields on the model.",
    rows=("SEC-02",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-915",),
    stride=(Stride.TAMPERING, Stride.ELEVATION_OF_PRIVILEGE), example_path="app.py",
    coverage="partial",
    coverage_note="DRF/ModelForm `fields = \"__all__\"` and schemas of other modules are not checked",
    visits=(ast.Call, ast.For, ast.AsyncFor), check=check,
)
