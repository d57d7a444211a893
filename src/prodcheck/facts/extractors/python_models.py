"""Python data models and outbound calls for the inventory.

Models: Django `models.Model` subclasses, SQLAlchemy declarative classes (`Base`, `DeclarativeBase`,
`declarative_base()`), SQLModel tables (`table=True`), and pydantic request/response schemas
(`BaseModel`). Fields are the class-level assignments and annotations that build columns.
External calls: HTTP clients, database drivers, caches, queues and cloud SDKs, by qualified name.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extract import Extractor
from prodcheck.facts.extractors.python_common import module_nodes, qualified_name
from prodcheck.facts.extractors.python_handlers import module_view
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
    for node in module_nodes(parsed):
        if isinstance(node, ast.ClassDef):
            kind = _model_kind(node, imports, sqlalchemy_bases)
            if kind:
                builder.models.append(_model(node, kind, parsed.path))
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
