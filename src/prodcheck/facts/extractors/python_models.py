"""Python data models and outbound calls for the inventory.

Models: Django `models.Model` subclasses, SQLAlchemy declarative classes (`Base`, `DeclarativeBase`,
`declarative_base()`), SQLModel tables (`table=True`), and pydantic request/response schemas
(`BaseModel`). Fields are the class-level assignments and annotations that build columns.
External calls: HTTP clients, database drivers, caches, queues and cloud SDKs, by qualified name.

For the code-aware migration rules, each Django, SQLAlchemy and SQLModel table model also gives a
`model-columns` signal (`SIGNAL_MODEL_COLUMNS`, on the class line) whose detail is JSON: the kind,
the class name, its bases, the app directory and label (Django), the table it maps to (Django:
`Meta.db_table` or `<app_label>_<model>`; SQLAlchemy: `__tablename__`; SQLModel: the lower-case
class name unless `__tablename__`), `Meta` flags (abstract, proxy, managed), whether the class is
defined at module level, every class-level name, and the fields that are database fields as
`[name, column, line, field class]` (column "" for a many-to-many field).
"""
from __future__ import annotations

import ast
import json
from pathlib import PurePosixPath

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors.python_common import module_nodes_of, qualified_name
from prodcheck.facts.extractors.python_handlers import module_view
from prodcheck.facts.model import Signal
from prodcheck.model import DataModel, ExternalCall, Location, ModelField

DJANGO_BASES = ("django.db.models.Model", "models.Model")
PYDANTIC_BASES = ("pydantic.BaseModel", "pydantic.main.BaseModel")
SQLMODEL_BASES = ("sqlmodel.SQLModel",)
COLUMN_CALLS = ("Column", "mapped_column", "relationship", "Field", "ForeignKey")

# qualified-name prefix -> (kind, target label)
EXTERNAL = (
    ("requests.", "http"), ("httpx.", "http"), ("urllib.request.urlopen", "http"), ("aiohttp.", "http"),
    ("urllib3.", "http"), ("psycopg2.connect", "db"), ("psycopg.connect", "db"), ("asyncpg.", "db"),
    ("pymysql.connect", "db"), ("MySQLdb.connect", "db"), ("sqlite3.connect", "db"),
    ("sqlalchemy.create_engine", "db"), ("sqlalchemy.ext.asyncio.create_async_engine", "db"),
    ("pymongo.MongoClient", "db"), ("motor.", "db"), ("redis.", "cache"), ("pymemcache.", "cache"),
    ("boto3.client", "third-party"), ("boto3.resource", "third-party"), ("stripe.", "third-party"),
    ("twilio.", "third-party"), ("sendgrid.", "third-party"), ("openai.", "third-party"),
    ("anthropic.", "third-party"), ("kafka.", "queue"), ("aiokafka.", "queue"), ("pika.", "queue"),
    ("smtplib.SMTP", "third-party"),
)
_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "urlopen",
                         "send", "stream"})


def extract(parsed, builder) -> None:
    tree: ast.Module = parsed.tree
    imports = module_view(parsed).imports
    sqlalchemy_bases = _declarative_bases(tree, imports)
    for node in module_nodes_of(parsed, ast.ClassDef, ast.Call):
        if isinstance(node, ast.ClassDef):
            kind = _model_kind(node, imports, sqlalchemy_bases)
            if kind:
                builder.models.append(_model(node, kind, parsed.path))
                detail = model_columns(node, kind, parsed.path)
                if detail is not None:
                    detail["top_level"] = node in tree.body
                    builder.signals.append(Signal(SIGNAL_MODEL_COLUMNS, Location.at(
                        parsed.path, node.lineno, node.col_offset + 1), json.dumps(detail, sort_keys=True)))
        elif isinstance(node, ast.Call):
            call = _external_call(node, imports, parsed.path)
            if call is not None:
                builder.external_calls.append(call)


def _declarative_bases(tree: ast.Module, imports: dict[str, str]) -> set[str]:
    bases = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            if qualified_name(node.value.func, imports).endswith("declarative_base"):
                bases.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ClassDef):
            names = {qualified_name(b, imports) for b in node.bases}
            if any(n.endswith(("DeclarativeBase", "DeclarativeBaseNoMeta")) for n in names):
                bases.add(node.name)
    return bases


def _model_kind(node: ast.ClassDef, imports: dict[str, str], sqlalchemy_bases: set[str]) -> str:
    for base in node.bases:
        name = qualified_name(base, imports)
        if name in DJANGO_BASES or name.endswith(".models.Model") and name.startswith("django"):
            return "django"
        if name in SQLMODEL_BASES and any(k.arg == "table" for k in node.keywords):
            return "sqlmodel"
        if isinstance(base, ast.Name) and base.id in sqlalchemy_bases or name.endswith(".Base") and \
                any(_is_column(stmt) for stmt in node.body):
            return "sqlalchemy"
        if name in PYDANTIC_BASES:
            return "pydantic"
    return ""


def _is_column(stmt: ast.stmt) -> bool:
    value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
    return isinstance(value, ast.Call) and _call_name(value.func) in COLUMN_CALLS


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _model(node: ast.ClassDef, kind: str, path: str) -> DataModel:
    fields = []
    table = ""
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            if name == "__tablename__" and isinstance(stmt.value, ast.Constant):
                table = str(stmt.value.value)
            elif isinstance(stmt.value, ast.Call) and not name.startswith("_"):
                fields.append(ModelField(name, _call_name(stmt.value.func), stmt.lineno,
                                         _field_attributes(stmt.value)))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and \
                not stmt.target.id.startswith("_"):
            type_text = ast.unparse(stmt.annotation) if stmt.annotation is not None else ""
            attributes = _field_attributes(stmt.value) if isinstance(stmt.value, ast.Call) else ()
            fields.append(ModelField(stmt.target.id, type_text[:80], stmt.lineno, attributes))
    return DataModel(node.name, kind, Location.at(path, node.lineno, node.col_offset + 1), table, tuple(fields))


def _field_attributes(call: ast.Call) -> tuple[str, ...]:
    attributes = []
    for keyword in call.keywords:
        if keyword.arg and isinstance(keyword.value, ast.Constant):
            attributes.append(f"{keyword.arg}={keyword.value.value!r}")
    for arg in call.args:
        if isinstance(arg, ast.Call) and _call_name(arg.func) == "ForeignKey":
            attributes.append("foreign-key")
        elif isinstance(arg, ast.Name) and _call_name(call.func) == "ForeignKey":
            attributes.append(f"references={arg.id}")
    return tuple(sorted(attributes))


SIGNAL_MODEL_COLUMNS = "model-columns"
# Django field classes that make no column of their own table (many-to-many: a join table).
DJANGO_M2M_FIELDS = frozenset({"ManyToManyField", "ParentalManyToManyField"})
DJANGO_FOREIGN_KEYS = frozenset({"ForeignKey", "OneToOneField", "ParentalKey"})
# Names ending in "Field" that are descriptors, not model fields (no migration creates them).
DJANGO_NOT_FIELDS = frozenset({"ImageSpecField"})


def model_columns(node: ast.ClassDef, kind: str, path: str) -> dict | None:
    """What the `model-columns` signal says about a table model (None for other kinds)."""
    if kind == "django":
        return _django_columns(node, path)
    if kind in ("sqlalchemy", "sqlmodel"):
        return _sqlalchemy_columns(node, kind)
    return None


def _class_names(node: ast.ClassDef) -> list[str]:
    names = []
    for stmt in node.body:
        if isinstance(stmt, ast.Assign):
            names.extend(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.append(stmt.target.id)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(stmt.name)
    return names


def _assigned(stmt: ast.stmt) -> tuple[str, ast.expr | None] | None:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id, stmt.value
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, stmt.value
    return None


def _meta(node: ast.ClassDef) -> dict[str, object]:
    """The literal options of the inner `class Meta` (None for a value that is not a literal;
    `meta_bases` when Meta inherits options from another Meta)."""
    found: dict[str, object] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
            if stmt.bases:
                found["meta_bases"] = None
            for inner in stmt.body:
                pair = _assigned(inner)
                if pair and isinstance(pair[1], ast.Constant):
                    found[pair[0]] = pair[1].value
                elif pair:
                    found[pair[0]] = None      # set, but not to a literal
    return found


def _django_columns(node: ast.ClassDef, path: str) -> dict:
    pure = PurePosixPath(path)
    app_dir = pure.parent.parent if pure.parent.name == "models" else pure.parent
    meta = _meta(node)
    label = meta.get("app_label") if isinstance(meta.get("app_label"), str) else app_dir.name
    table = meta.get("db_table") if isinstance(meta.get("db_table"), str) else f"{label}_{node.name.lower()}"
    fields = []
    for stmt in node.body:
        pair = _assigned(stmt)
        if pair is None or pair[0].startswith("_") or not isinstance(pair[1], ast.Call):
            continue
        name, call = pair
        kind = _call_name(call.func)
        foreign_key = kind in DJANGO_FOREIGN_KEYS or kind.endswith("ForeignKey")
        if kind in DJANGO_NOT_FIELDS or not (kind.endswith("Field") or foreign_key):
            continue
        column = ""
        if kind not in DJANGO_M2M_FIELDS:
            explicit = next((k.value.value for k in call.keywords if k.arg == "db_column"
                             and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)), None)
            column = explicit or (f"{name}_id" if foreign_key else name)
        fields.append([name, column, stmt.lineno, kind])
    return {
        "kind": "django", "model": node.name, "bases": [ast.unparse(b) for b in node.bases],
        "app_dir": app_dir.as_posix(), "app_label": label, "table": table,
        "explicit_app_label": "app_label" in meta, "explicit_table": "db_table" in meta,
        "abstract": meta.get("abstract") is True, "proxy": meta.get("proxy") is True,
        "managed": "managed" not in meta or meta["managed"] is True, "meta_inherits": "meta_bases" in meta,
        "names": _class_names(node), "fields": fields,
    }


def _sqlalchemy_columns(node: ast.ClassDef, kind: str) -> dict | None:
    table = ""
    explicit = False
    for stmt in node.body:
        pair = _assigned(stmt)
        if pair and pair[0] == "__tablename__":
            explicit = True
            if isinstance(pair[1], ast.Constant) and isinstance(pair[1].value, str):
                table = pair[1].value
        elif pair and pair[0] == "__table__":
            return None
    if not explicit and kind == "sqlmodel":
        table = node.name.lower()
    if not table:
        return None
    fields = []
    for stmt in node.body:
        pair = _assigned(stmt)
        if pair is None or pair[0].startswith("_"):
            continue
        name, value = pair
        column = _sqlalchemy_column(stmt, name, value, kind)
        if column:
            fields.append([name, column, stmt.lineno, _call_name(value.func) if isinstance(value, ast.Call) else ""])
    return {"kind": kind, "model": node.name, "bases": [ast.unparse(b) for b in node.bases], "table": table,
            "names": _class_names(node), "fields": fields}


def _sqlalchemy_column(stmt: ast.stmt, name: str, value: ast.expr | None, kind: str) -> str:
    """The column an attribute maps ("" when it maps none or cannot be told)."""
    if isinstance(value, ast.Call):
        called = _call_name(value.func)
        if called in ("Column", "mapped_column") or kind == "sqlmodel" and called == "Field":
            if kind == "sqlmodel" and called == "Field":
                return name
            for keyword in value.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
            first = value.args[0] if value.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                return first.value
            return name
        return ""
    if value is not None or not isinstance(stmt, ast.AnnAssign):
        return ""
    annotation = ast.unparse(stmt.annotation)
    if any(word in annotation for word in ("ClassVar", "list[", "List[", "set[", "Set[", "'", '"')):
        return ""
    if annotation.startswith("Mapped[") or kind == "sqlmodel":
        return name
    return ""


def _external_call(node: ast.Call, imports: dict[str, str], path: str) -> ExternalCall | None:
    name = qualified_name(node.func, imports)
    if not name or "." not in name:
        return None
    for prefix, kind in EXTERNAL:
        if name.startswith(prefix) or name == prefix.rstrip("."):
            if kind == "http" and name.rsplit(".", 1)[-1] not in _HTTP_VERBS:
                return None
            return ExternalCall(kind, name, Location.at(path, node.lineno, node.col_offset + 1))
    return None


EXTRACTOR = Extractor("python-models", extract, languages=("python",), kinds=("source",))
