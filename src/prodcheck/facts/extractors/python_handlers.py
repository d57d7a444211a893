"""What a Python request handler shows statically, shared by the FastAPI and Flask extractors.

- `ModuleView`: one file's module name, imports, string constants, and its module-level
  functions, classes and assignments.
- Name heuristics: `name_role("get_current_user") == "auth"`, `"RateLimiter" -> "rate"`,
  `"get_db" -> "infra"`; "" when the name says nothing.
- `explicit_auth_check(func)`: an authentication check written in a function body
  (`current_user.is_authenticated`, `verify_jwt_in_request()`, `abort(401)`, a raised 401/403, a
  read of the `Authorization` header).
- `collection_return(func, view)`: does the handler return a collection read from a data source
  (`.all()`, a queryset, a comprehension over one, `jsonify([...])`, a declared list response)?
- `pagination_evidence(func)`, `schema_validation(func, view)`, `raw_body_reads(func, names)`.

Nothing here decides a facet on its own; the framework modules combine these answers.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from prodcheck.facts.extractors.python_common import (
    call_chain, const_str, dotted, import_map, is_package_init, keyword, last_name, module_name,
    name_tokens, qualified_name, string_constants, template_str, walk_local,
)
from prodcheck.model import Facet, FacetState, Location

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef

AUTH_WORDS = frozenset({
    "auth", "authn", "authz", "authenticate", "authenticated", "authentication", "authorize",
    "authorized", "authorization", "authorise", "authorised", "jwt", "oauth", "oauth2", "oidc",
    "permission", "permissions", "perm", "perms", "admin", "superuser", "staff", "principal",
    "bearer", "credentials", "apikey", "login", "token", "role", "roles", "scopes", "acl", "rbac",
    "guard", "protected", "secured", "signature", "hmac", "authenticator",
})
AUTH_PAIRS = frozenset({
    ("current", "user"), ("get", "user"), ("active", "user"), ("api", "key"), ("logged", "in"),
    ("session", "user"), ("request", "user"), ("auth", "user"), ("verify", "user"),
    ("current", "account"), ("current", "member"), ("current", "identity"),
})
AUTH_VERBS = frozenset({"require", "requires", "ensure", "must", "check", "verify", "only", "is", "has"})
AUTH_VERB_OBJECTS = frozenset({
    "user", "users", "login", "owner", "ownership", "member", "admin", "role", "roles", "scope",
    "scopes", "access", "account", "identity", "signed", "verified", "session",
})
NOT_AUTH_AFTER_REQUIRE = frozenset({"json", "body", "fields", "field", "params", "args", "content",
                                    "form", "data", "https", "ssl", "feature", "flag", "version", "http",
                                    "methods", "method", "get", "post", "safe", "ajax", "csrf"})
RATE_WORDS = frozenset({"rate", "ratelimit", "ratelimiter", "limiter", "throttle", "throttling",
                        "throttler", "throttled"})
INFRA_WORDS = frozenset({
    "db", "database", "session", "sessions", "sessionmaker", "conn", "connection", "settings",
    "config", "configuration", "cfg", "cache", "redis", "client", "logger", "log", "http", "httpx",
    "repo", "repository", "repositories", "service", "services", "uow", "engine", "queue", "storage",
    "s3", "bucket", "pagination", "paginator", "paginate", "pager", "params", "parameters", "query",
    "filter", "filters", "sort", "sorting", "ordering", "background", "tasks", "locale", "language",
    "lang", "i18n", "tracer", "tracing", "metrics", "producer", "publisher", "mongo", "elastic",
    "templates", "template", "common", "dao", "crud", "kafka", "rabbit", "broker", "celery",
    "mailer", "email", "notifier", "clock", "now", "uuid", "id", "generator", "factory",
})
PAGINATION_NAMES = frozenset({
    "limit", "offset", "page", "per_page", "perpage", "page_size", "pagesize", "size", "cursor",
    "skip", "take", "after", "before", "start", "page_number", "page_num", "max_results",
    "starting_after", "ending_before", "next_token", "page_token", "continuation_token",
})
SCALAR_TYPES = frozenset({
    "int", "str", "float", "bool", "bytes", "UUID", "uuid", "date", "datetime", "time", "timedelta",
    "Decimal", "EmailStr", "HttpUrl", "AnyUrl", "constr", "conint", "confloat", "PositiveInt",
    "NonNegativeInt", "Literal", "Optional", "Union", "Annotated", "list", "List", "set", "Set",
    "tuple", "Tuple", "Sequence", "SecretStr", "Json", "Path", "IPv4Address", "IPv6Address",
})
UNTYPED_BODY_TYPES = frozenset({"dict", "Dict", "Any", "Mapping", "MutableMapping", "object",
                                "JSONType", "JsonDict", "Json"})
AUTH_CALLS = frozenset({
    "verify_jwt_in_request", "get_jwt_identity", "get_jwt", "get_current_user", "verify_id_token",
    "verify_token", "decode_token", "check_auth", "authenticate_request", "require_auth",
    "current_identity", "validate_token", "verify_api_key", "check_api_key",
})
AUTH_EXCEPTIONS = frozenset({
    "Unauthorized", "Forbidden", "PermissionDenied", "NotAuthenticated", "AuthenticationFailed",
    "HTTPUnauthorized", "HTTPForbidden", "Unauthenticated", "AuthError", "AuthenticationError",
    "AuthorizationError", "UnauthorizedError", "ForbiddenError", "InvalidTokenError",
})
AUTH_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "x-auth-token", "x-access-token",
                          "api_key", "x-api-token", "apikey"})
COLLECTION_TERMINALS = frozenset({"all", "fetchall", "scalars_all", "to_list", "fetchmany"})
DJANGO_COLLECTION_METHODS = frozenset({"all", "filter", "exclude", "order_by", "values", "values_list",
                                       "select_related", "prefetch_related", "annotate", "distinct",
                                       "only", "defer", "using", "reverse", "none"})
SINGLE_RESULT_METHODS = frozenset({"get", "first", "last", "one", "one_or_none", "scalar", "scalar_one",
                                   "scalar_one_or_none", "count", "exists", "get_or_404",
                                   "first_or_404", "one_or_404", "aggregate", "fetchone", "latest",
                                   "earliest", "find_one", "fetchrow", "fetchval"})
DATA_SOURCE_WORDS = frozenset({"objects", "query", "session", "db", "cursor", "collection", "table",
                               "repo", "repository", "crud", "dao", "store", "conn", "connection"})


@dataclass(frozen=True, slots=True)
class Constructed:
    """An app or router object built by a framework constructor (`FastAPI()`, `Blueprint(...)`)."""
    framework: str
    kind: str                                   # app, router, api, namespace
    prefix: str = ""                            # the object's own path prefix
    prefix_is_default: bool = False             # a registration's prefix replaces it (Flask)
    facets: tuple[tuple[str, Facet], ...] = ()  # what it applies to every route below it


@dataclass(frozen=True, slots=True)
class RouteSpec:
    """One registration read from a decorator or call: methods and the path as written."""
    methods: tuple[str, ...]
    path: str
    call: ast.Call


@dataclass(frozen=True)
class ModuleView:
    """One Python file as the route extractors read it."""
    path: str
    module: str
    tree: ast.Module
    imports: Mapping[str, str]
    constants: Mapping[str, str]
    functions: Mapping[str, FunctionNode]
    classes: Mapping[str, ast.ClassDef]
    assigns: Mapping[str, ast.expr] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, path: str, tree: ast.Module) -> ModuleView:
        module = module_name(path)
        functions: dict[str, FunctionNode] = {}
        classes: dict[str, ast.ClassDef] = {}
        assigns: dict[str, ast.expr] = {}
        for node in _module_statements(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[node.name] = node
            elif isinstance(node, ast.ClassDef):
                classes[node.name] = node
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigns[target.id] = node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
                assigns[node.target.id] = node.value
        return cls(path, module, tree,
                   MappingProxyType(import_map(tree, module, is_package_init(path))),
                   MappingProxyType(string_constants(tree)), MappingProxyType(functions),
                   MappingProxyType(classes), MappingProxyType(assigns))

    def qualified(self, node: ast.AST | None) -> str:
        return qualified_name(node, self.imports)

    def location(self, node: ast.AST) -> Location:
        return Location.at(self.path, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1)

    def imports_module(self, *prefixes: str) -> bool:
        return any(v == p or v.startswith(p + ".") for v in self.imports.values() for p in prefixes)

    def string(self, node: ast.AST | None) -> str | None:
        return const_str(node, self.constants)

    def prefix(self, node: ast.AST | None) -> str:
        """A mount prefix: unknown names stay visible (`{settings.API_V1_STR}`)."""
        text = (template_str(node, self.constants) or "") if node is not None else ""
        return "/" + text if text.startswith("{") else text


def _module_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Module-level statements, including those inside module-level if/try blocks."""
    stack = list(reversed(tree.body))
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try)) or type(stmt).__name__ == "TryStar":
            blocks = [stmt.body, getattr(stmt, "orelse", []), getattr(stmt, "finalbody", [])]
            blocks.extend(h.body for h in getattr(stmt, "handlers", []))
            for block in reversed(blocks):
                stack.extend(reversed(block))


# ---------------------------------------------------------------- names

def name_role(name: str) -> str:
    """"auth", "rate", "infra" or "" for an identifier (a dependency, decorator or hook name)."""
    words = name_tokens(name)
    if not words:
        return ""
    if words[-1] in ("form", "schema", "payload", "body"):
        return ""
    if _auth_words(words):
        return "auth"
    if RATE_WORDS & set(words) or ("rate" in words and "limit" in words):
        return "rate"
    if INFRA_WORDS & set(words):
        return "infra"
    return ""


def _auth_words(words: tuple[str, ...]) -> bool:
    if AUTH_WORDS & set(words):
        return True
    if any(pair in AUTH_PAIRS for pair in zip(words, words[1:])):
        return True
    if words[0] in ("require", "requires") and len(words) > 1:
        return not NOT_AUTH_AFTER_REQUIRE & set(words[1:])
    if words[-1] == "required" and len(words) > 1:
        return not NOT_AUTH_AFTER_REQUIRE & set(words[:-1])
    return words[0] in AUTH_VERBS and bool(AUTH_VERB_OBJECTS & set(words[1:]))


def looks_like_auth(name: str) -> bool:
    return name_role(name) == "auth"


# ---------------------------------------------------------------- explicit checks

def status_code_of(node: ast.AST | None) -> int | None:
    """401 for `401`, `status.HTTP_401_UNAUTHORIZED`, `HTTPStatus.UNAUTHORIZED(.value)`."""
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    name = last_name(node) if isinstance(node, (ast.Attribute, ast.Name)) else ""
    if name.startswith("HTTP_") and name[5:8].isdigit():
        return int(name[5:8])
    return {"UNAUTHORIZED": 401, "FORBIDDEN": 403}.get(name)


MAX_CALL_DEPTH = 2


def explicit_auth_check(func: ast.AST, view: ModuleView, depth: int = 0,
                        seen: frozenset[str] = frozenset()) -> tuple[str, ast.AST | None]:
    """(mechanism, node) of an authentication check written in the body, or in a function of
    this file that the body calls (two calls deep), or ("", None). A test that lets anonymous
    callers through (`if current_user.is_authenticated: personalise()`) is not one;
    `if not current_user.is_authenticated:` and `if user.is_anonymous:` are."""
    found = _own_auth_check(func, view)
    if found[0] or depth >= MAX_CALL_DEPTH:
        return found
    for node in walk_local(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in seen:
            callee = view.functions.get(node.func.id)
            if callee is not None and callee is not func:
                mechanism, _ = explicit_auth_check(callee, view, depth + 1, seen | {node.func.id})
                if mechanism:
                    return f"{mechanism} in {node.func.id}()", node
    return "", None


def _own_auth_check(func: ast.AST, view: ModuleView) -> tuple[str, ast.AST | None]:
    for node in walk_local(func):
        if isinstance(node, (ast.If, ast.IfExp, ast.While)):
            found = _denies_anonymous(node.test)
            if found:
                return found, node
        if isinstance(node, ast.Call):
            permission = _permission_call(node)
            if permission:
                return permission, node
            found = _auth_call(node, view)
            if found:
                return found, node
        elif isinstance(node, ast.Raise) and _raises_auth_error(node.exc):
            return "raises 401/403", node
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) >= 2:
            if status_code_of(node.value.elts[1]) in (401, 403):
                return "returns 401/403", node
        header = _auth_header_read(node)
        if header:
            return f"reads the {header} header", node
    return "", None


def _auth_header_read(node: ast.AST) -> str:
    """`request.headers.get("Authorization")` or `request.headers["X-API-Key"]`: the header."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
            and node.args:
        owner, key = node.func.value, const_str(node.args[0])
    elif isinstance(node, ast.Subscript):
        owner, key = node.value, const_str(node.slice)
    else:
        return ""
    if key and key.lower() in AUTH_HEADERS and last_name(owner) in ("headers", "META", "cookies"):
        return key
    return ""


PERMISSION_METHODS = frozenset({"can", "has_permission", "has_perm", "has_perms", "has_role", "has_roles",
                                "has_any_role", "is_allowed", "check_permission", "check_permissions",
                                "check_object_permissions", "has_scope", "has_scopes"})
IDENTITY_RECEIVER_WORDS = frozenset({"user", "current", "identity", "principal", "account", "member",
                                     "actor", "viewer", "me", "g"})


def _denies_anonymous(test: ast.AST) -> str:
    """The check in an `if` test that stops anonymous (or unprivileged) callers."""
    if isinstance(test, ast.BoolOp):
        return next((found for found in map(_denies_anonymous, test.values) if found), "")
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Attribute):
        attr = test.operand.attr
        if attr in ("is_authenticated", "is_admin", "is_superuser", "is_staff", "is_active"):
            return f"not {dotted(test.operand) or attr} check"
        return ""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Call):
        return _permission_call(test.operand)
    if isinstance(test, ast.Attribute) and test.attr == "is_anonymous":
        return f"{dotted(test) or test.attr} check"
    if isinstance(test, ast.Compare) and isinstance(test.left, ast.Attribute) and test.left.attr == "is_authenticated":
        return f"{dotted(test.left) or 'is_authenticated'} check"
    return ""


def _permission_call(call: ast.Call) -> str:
    """`current_user.can(Permission.WRITE)`, `request.user.has_perm("x")`."""
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in PERMISSION_METHODS:
        return ""
    receiver_words = set(name_tokens(dotted(call.func.value)))
    if receiver_words & IDENTITY_RECEIVER_WORDS:
        return f"{dotted(call.func) or call.func.attr}() permission check"
    return ""


def _auth_call(call: ast.Call, view: ModuleView) -> str:
    name = last_name(call.func)
    qualified = view.qualified(call.func)
    if name in AUTH_CALLS:
        return f"{name}()"
    if qualified in ("jwt.decode", "jose.jwt.decode", "jwt.api_jwt.decode") or name == "decode" and "jwt" in qualified:
        return "jwt.decode()"
    if name == "abort" and call.args and status_code_of(call.args[0]) in (401, 403):
        return f"abort({status_code_of(call.args[0])})"
    return ""


def _raises_auth_error(exc: ast.AST | None) -> bool:
    if isinstance(exc, ast.Call):
        name = last_name(exc.func)
        if name in AUTH_EXCEPTIONS:
            return True
        if name in ("HTTPException", "HTTPError", "StarletteHTTPException", "HttpError"):
            code = keyword(exc, "status_code")
            if code is None and exc.args:
                code = exc.args[0]
            return status_code_of(code) in (401, 403)
        return False
    return last_name(exc) in AUTH_EXCEPTIONS


# ---------------------------------------------------------------- collections and pagination

def returns(func: FunctionNode) -> list[ast.Return]:
    return [n for n in walk_local(func) if isinstance(n, ast.Return) and n.value is not None]


def local_assignments(func: ast.AST) -> dict[str, list[ast.expr]]:
    """Name -> every value assigned to it in the function body (not in nested functions)."""
    found: dict[str, list[ast.expr]] = {}
    for node in walk_local(func):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name) \
                and node.value is not None:
            found.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            found.setdefault(node.target.id, []).append(node.value)
    return found


def collection_return(func: FunctionNode, view: ModuleView, declared_list: bool = False) -> ast.Return | None:
    """The return statement that hands back a collection read from a data source, or None."""
    assigned = local_assignments(func)
    for ret in returns(func):
        kind = _collection_kind(ret.value, assigned, 0)
        if kind == "data" or kind == "call" and declared_list:
            return ret
    return None


def _collection_kind(node: ast.AST | None, assigned: dict, depth: int) -> str:
    """"data": a collection from a data source; "static": a literal collection; "call": the
    result of some call (a collection if the response is declared as a list); "" otherwise."""
    if node is None or depth > 6:
        return ""
    unwrapped = _unwrap_response(node)
    if unwrapped is not node:
        return max((_collection_kind(n, assigned, depth + 1) for n in unwrapped), key=_kind_rank, default="")
    if isinstance(node, ast.Name):
        values = assigned.get(node.id, [])
        kinds = [_collection_kind(v, assigned, depth + 1) for v in values]
        return max(kinds, key=_kind_rank, default="")
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        source = node.generators[0].iter
        inner = _collection_kind(source, assigned, depth + 1)
        return "data" if inner in ("data", "call") and _is_data_source(source, assigned, depth) else \
            ("static" if inner == "static" else "")
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return "static"
    if isinstance(node, ast.Call):
        name = last_name(node.func)
        if name in ("list", "tuple", "sorted", "set") and node.args:
            inner = _collection_kind(node.args[0], assigned, depth + 1)
            return "data" if inner == "data" or _is_data_source(node.args[0], assigned, depth) else inner
        if name in ("dump", "dumps") and _truthy(keyword(node, "many")):
            return "data"
        if name in COLLECTION_TERMINALS and _chain_has_source(node, assigned):
            return "data"
        if name in DJANGO_COLLECTION_METHODS and _is_django_queryset(node):
            return "data"
        if name in ("find", "scan") and isinstance(node.func, ast.Attribute):
            return "data" if _chain_has_source(node, assigned) else "call"
        if name in SINGLE_RESULT_METHODS:
            return ""
        return "call"
    return ""


def _kind_rank(kind: str) -> int:
    return {"data": 3, "call": 2, "static": 1}.get(kind, 0)


def _truthy(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and bool(node.value)


def _unwrap_response(node: ast.AST) -> ast.AST | list[ast.AST]:
    """The payloads of `jsonify(x)`, `(x, 200)`, `{"items": x}`, `JSONResponse(x)`, `x.dict()`."""
    if isinstance(node, ast.Tuple) and node.elts and not isinstance(node.elts[0], ast.Tuple) \
            and len(node.elts) in (2, 3) and status_code_of(node.elts[1]) is not None:
        return [node.elts[0]]
    if isinstance(node, ast.Dict):
        return [v for v in node.values if v is not None]
    if isinstance(node, ast.Call):
        name = last_name(node.func)
        if name in ("jsonify", "make_response", "JSONResponse", "ORJSONResponse", "UJSONResponse",
                    "Response", "dumps", "json_response", "success", "ok", "JsonResponse", "HttpResponse",
                    "render", "TemplateResponse"):
            if not (name == "dumps" and keyword(node, "many") is not None):
                values = [a for a in node.args[:1]] + [k.value for k in node.keywords
                                                      if k.arg in (None, "content", "data", "body")
                                                      or name == "jsonify"]
                return values or node
    return node


def _chain_has_source(call: ast.AST, assigned: dict | None = None, depth: int = 0) -> bool:
    """Does a method chain start from something that looks like a data source? A chain on a
    local name follows that name's assignments."""
    parts = call_chain(call)[::-1]            # the root name last
    for part in parts:
        words = set(name_tokens(part))
        if words & DATA_SOURCE_WORDS or part.endswith(("_set", "_collection")) \
                or part in ("execute", "scalars", "select", "fetch"):
            return True
    if assigned and parts and depth < 4:
        return any(_chain_has_source(v, assigned, depth + 1) for v in assigned.get(parts[-1], ())
                   if isinstance(v, (ast.Call, ast.Await, ast.Attribute)))
    return False


def _is_django_queryset(call: ast.Call) -> bool:
    return "objects" in call_chain(call)


def _is_data_source(node: ast.AST, assigned: dict, depth: int) -> bool:
    if isinstance(node, ast.Name):
        return any(_collection_kind(v, assigned, depth + 1) == "data" for v in assigned.get(node.id, []))
    if isinstance(node, (ast.Call, ast.Attribute, ast.Subscript, ast.Await)):
        return _collection_kind(node if isinstance(node, ast.Call) else None, assigned, depth + 1) == "data" \
            or isinstance(node, ast.Call) and _chain_has_source(node, assigned)
    return False


def pagination_evidence(func: ast.AST, arg_readers: tuple[str, ...] = ("args", "query_params", "GET")) -> tuple[str, ast.AST | None]:
    """(mechanism, node) when the body pages or bounds what it reads: `.paginate(`, `.limit(`,
    a slice, `request.args.get("page")`."""
    for node in walk_local(func):
        if isinstance(node, ast.Call):
            name = last_name(node.func)
            if name in ("paginate", "paginate_query", "Paginator", "get_page", "paginated", "apaginate"):
                return f"{name}()", node
            if isinstance(node.func, ast.Attribute) and name in ("limit", "slice", "offset", "take",
                                                                 "fetchmany", "with_limit"):
                return f".{name}()", node
            if isinstance(node.func, ast.Attribute) and name in ("get", "get_all", "getlist") and node.args:
                owner = last_name(node.func.value)
                key = const_str(node.args[0])
                if owner in arg_readers and key and key.lower() in PAGINATION_NAMES:
                    return f"`{key}` query parameter", node
        elif isinstance(node, ast.Subscript):
            if isinstance(node.slice, ast.Slice) and node.slice.upper is not None:
                return "slice", node
            key = const_str(node.slice)
            if key and key.lower() in PAGINATION_NAMES and last_name(node.value) in arg_readers:
                return f"`{key}` query parameter", node
    return "", None


# ---------------------------------------------------------------- validation

SCHEMA_METHODS = frozenset({"model_validate", "model_validate_json", "parse_obj", "parse_raw",
                            "validate_python", "validate_json", "from_dict", "structure", "deserialize"})


def schema_validation(func: ast.AST, view: ModuleView) -> tuple[str, ast.AST | None]:
    """(mechanism, node) of a schema that validates input inside the body."""
    for node in walk_local(func):
        if not isinstance(node, ast.Call):
            continue
        name = last_name(node.func)
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        receiver_name = last_name(receiver) if receiver is not None else ""
        receiver_words = set(name_tokens(receiver_name))
        if name in SCHEMA_METHODS:
            return f"{receiver_name or 'schema'}.{name}()", node
        if name in ("load", "loads", "validate") and receiver is not None \
                and (receiver_words & {"schema", "validator", "form", "serializer", "model"}
                     or receiver_name[:1].isupper()):
            return f"{receiver_name}.{name}()", node
        if name in ("validate_on_submit", "is_valid"):
            return f"{name}()", node
        qualified = view.qualified(node.func)
        if qualified.startswith(("jsonschema.", "cerberus.", "voluptuous.", "schema.", "fastjsonschema.")):
            return qualified, node
        if name and name[:1].isupper() and any(k.arg is None for k in node.keywords) \
                and not name.endswith(("Response", "Error", "Exception")):
            return f"{name}(**...)", node
    return "", None


def raw_body_reads(func: ast.AST, request_names: frozenset[str]) -> list[ast.AST]:
    """`request.get_json()`, `request.json`, `await request.json()`, `request.form`, ..."""
    found = []
    for node in walk_local(func):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in request_names \
                and node.attr in ("json", "get_json", "form", "data", "get_data", "values", "body",
                                  "stream", "files"):
            found.append(node)
    return found


def passes_request(func: ast.AST, request_names: frozenset[str]) -> bool:
    """Does the handler hand the whole request object to another function?"""
    for node in walk_local(func):
        if isinstance(node, ast.Call):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(arg, ast.Name) and arg.id in request_names:
                    return True
    return False


# ---------------------------------------------------------------- building facets

def present(mechanism: str, evidence: Location | None = None) -> Facet:
    return Facet(FacetState.PRESENT, mechanism, evidence)


def absent(mechanism: str = "", evidence: Location | None = None) -> Facet:
    return Facet(FacetState.ABSENT, mechanism, evidence)


def unknown(mechanism: str = "", evidence: Location | None = None) -> Facet:
    return Facet(FacetState.UNKNOWN, mechanism, evidence)


def rate_limit_decorator(decorators: list[ast.expr], view: ModuleView) -> tuple[str, ast.AST | None]:
    """`@limiter.limit("5/minute")`, `@limiter.shared_limit(...)`, `@ratelimit(...)`."""
    for decorator in decorators:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = last_name(target)
        owner = last_name(target.value) if isinstance(target, ast.Attribute) else ""
        if name in ("limit", "shared_limit") and name_role(owner) == "rate":
            return f"@{owner}.{name}", decorator
        if name_role(name) == "rate" and name not in ("exempt",):
            return f"@{name}", decorator
    return "", None


__all__ = [
    "AUTH_WORDS", "Constructed", "FunctionNode", "ModuleView", "RouteSpec", "PAGINATION_NAMES", "SCALAR_TYPES",
    "UNTYPED_BODY_TYPES", "absent", "collection_return", "explicit_auth_check", "local_assignments",
    "looks_like_auth", "name_role", "pagination_evidence", "passes_request", "rate_limit_decorator",
    "present", "raw_body_reads", "returns", "schema_validation", "status_code_of", "unknown",
]


def module_view(parsed) -> ModuleView:
    """The file's `ModuleView`, built once per parsed file and shared by every extractor and rule
    that needs its imports, constants or top-level definitions."""
    view = parsed.memo.get("python.module-view")
    if view is None:
        view = parsed.memo["python.module-view"] = ModuleView.of(parsed.path, parsed.tree)
    return view
