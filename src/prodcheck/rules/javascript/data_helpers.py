"""Helpers for the JavaScript/TypeScript data, performance and API rules (per-file, tree-sitter).

- `request_index(ctx)`: the functions of a file that run per request: route handlers registered in
  the file (Express/Fastify `x.get('/p', fn)`, `x.route('/p').get(fn)`, Fastify
  `x.route({ method, url, handler })`), NestJS controller and resolver methods, Next.js
  `export async function GET(...)` route handlers, functions shaped like handlers
  (`(req, res)`, typed `Request`/`Response`/`FastifyRequest`), NestJS `@Injectable()` service
  methods, and the functions of the file those call; each with its HTTP verb when known (NestJS
  scheduled, event and queue methods are kept apart as "background");
- `request_function(node, ctx)`: the request-path function `node` runs in (or None);
- `write_label(call, ctx)`: a short label when a call writes to a database (ORM or SQL), else "";
- `transaction_call(call)`: a call that opens a transaction or runs a callback in one;
- `in_transaction(node, ctx)`: the transaction `node` runs inside (a transaction callback, a
  `@Transactional()` method, or the span between `startTransaction()`/`BEGIN` and the commit);
- `outbound_label(call, ctx)`: an HTTP call or a message publication (network I/O), else "".

Everything is computed from the syntax tree of one file and memoised in `ctx.data`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from prodcheck.facts.extractors.js_common import (
    FUNCTION_TYPES, arguments_of, body_of, call_parts, callee, class_member, is_function, member_names,
    object_pairs, param_type, params_of, string_of, unwrap, walk_local, words,
)
from prodcheck.facts.extractors.js_common import typed_repository as js_typed_repository
from prodcheck.facts.extractors.js_nestjs import decorator_name
from prodcheck.parsing.treesitter import string_value, text_of, walk
from prodcheck.rules.javascript.helpers import is_frontend, is_tooling_path, view

ROUTE_VERBS = frozenset({"get", "post", "put", "patch", "delete", "options", "head", "all"})
NEST_VERBS = {"Get": "GET", "Post": "POST", "Put": "PUT", "Patch": "PATCH", "Delete": "DELETE",
              "All": "ALL", "Options": "OPTIONS", "Head": "HEAD", "Search": "SEARCH"}
NEXT_VERBS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
CLIENT_PACKAGES = frozenset({"axios", "got", "node-fetch", "superagent", "supertest", "ky", "needle",
                             "undici", "request", "cross-fetch", "isomorphic-fetch", "@nestjs/axios"})
REQUEST_TYPES = re.compile(r"^(express\.)?(Request|FastifyRequest|NextRequest|IncomingMessage|Req)\b")
RESPONSE_TYPES = re.compile(r"^(express\.)?(Response|FastifyReply|ServerResponse|NextResponse|Res)\b")
REQUEST_NAMES = frozenset({"req", "request", "_req", "_request"})
RESPONSE_NAMES = frozenset({"res", "response", "reply", "_res", "_reply", "resp"})
LIFECYCLE = frozenset({"constructor", "onModuleInit", "onModuleDestroy", "onApplicationBootstrap",
                       "onApplicationShutdown", "beforeApplicationShutdown", "configure", "register",
                       "forRoot", "forRootAsync", "forFeature", "registerAsync", "useFactory"})
BACKGROUND_DECORATORS = frozenset({"Cron", "Interval", "Timeout", "OnEvent", "Process", "OnQueueActive",
                                   "OnQueueCompleted", "OnQueueFailed", "OnWorkerEvent"})
MAX_CALL_DEPTH = 6


@dataclass
class RequestIndex:
    """func node id -> (kind, verb). kind: handler | nest | next | shaped | service | called |
    background (a NestJS `@Cron()`/`@Interval()`/`@OnEvent()`/queue method: off the request path,
    but on the event loop)."""
    functions: dict[int, tuple[str, str]] = field(default_factory=dict)
    nodes: dict[int, object] = field(default_factory=dict)

    def add(self, func, kind: str, verb: str = "") -> bool:
        if func is None or func.id in self.functions:
            return False
        self.functions[func.id] = (kind, verb)
        self.nodes[func.id] = func
        return True


def server_file(ctx) -> bool:
    """Server code worth checking: not a test, a script or tool, nor browser code."""
    key = "js.data.server-file"
    if key not in ctx.data:
        ctx.data[key] = ctx.file.kind == "source" and not is_tooling_path(ctx.path) and not is_frontend(ctx)
    return ctx.data[key]


def request_index(ctx) -> RequestIndex:
    found = ctx.data.get("js.data.request-index")
    if found is None:
        found = _build_index(ctx)
        ctx.data["js.data.request-index"] = found
    return found


def request_function(node, ctx):
    """(function, kind, verb) of the innermost enclosing request-path function of `node`, or None.
    A function defined inside a request-path function (a callback) runs per request too."""
    index = request_index(ctx)
    if not index.functions:
        return None
    current = node.parent if node is not None else None
    while current is not None:
        if current.type in FUNCTION_TYPES and current.id in index.functions:
            kind, verb = index.functions[current.id]
            return current, kind, verb
        current = current.parent
    return None


def handler_verb(func, ctx) -> str:
    """The HTTP verb a route handler function serves ("" when not a route handler or unknown)."""
    found = request_index(ctx).functions.get(func.id)
    return found[1] if found is not None else ""


def _build_index(ctx) -> RequestIndex:
    index = RequestIndex()
    if ctx.file.tree is None:
        return index
    v = view(ctx)
    for call in v.calls:
        if call.type == "call_expression":
            _registration(call, ctx, index)
    for cls in v.classes:
        _nest_class(cls, index)
    next_route = PurePosixPath(ctx.path).stem in ("route",)
    for func in v.functions:
        if func.id in index.functions:
            continue
        name = func.child_by_field_name("name")
        if next_route and func.type == "function_declaration" and name is not None \
                and text_of(name) in NEXT_VERBS and func.parent is not None \
                and func.parent.type == "export_statement":
            index.add(func, "next", text_of(name))
        elif _handler_shaped(func):
            index.add(func, "shaped")
    _close_over_calls(ctx, index)
    return index


def _registration(call, ctx, index: RequestIndex) -> None:
    receiver, method = view(ctx).call_parts(call)
    if receiver is None:
        return
    args = view(ctx).arguments(call)
    if method == "route" and len(args) == 1 and unwrap(args[0]) is not None \
            and unwrap(args[0]).type == "object":
        pairs = object_pairs(args[0])
        if "handler" not in pairs or not ({"url", "path"} & set(pairs)):
            return
        verbs = _verbs(pairs.get("method"))
        func = _function_of(pairs["handler"], ctx, 0)
        if func is not None:
            index.add(func, "handler", verbs)
        return
    if method not in ROUTE_VERBS or not args:
        return
    if _client_receiver(receiver, ctx):
        return
    first = unwrap(args[0])
    if first is not None and _path_like(first, ctx):
        handlers = args[1:]
    elif _route_chain(receiver):
        handlers = args
    else:
        return
    funcs = [_function_of(arg, ctx, 0) for arg in handlers]
    if not any(f is not None for f in funcs) and not any(_opaque_handler(a) for a in handlers):
        return
    verb = method.upper()
    for position, func in enumerate(funcs):
        if func is not None:
            index.add(func, "handler", verb if position == len(funcs) - 1 else "")


def _path_like(node, ctx) -> bool:
    if node.type == "array":
        return all(_path_like(unwrap(e), ctx) for e in node.named_children if e.type != "comment") \
            and bool(node.named_children)
    if node.type == "regex":
        return True
    value = string_of(node, view(ctx).consts)
    return value is not None and (value.startswith("/") or value in ("*", ""))


def _route_chain(receiver) -> bool:
    """`router.route('/p').get(...)` (also further `.post(...)` links of the same chain)."""
    current = unwrap(receiver)
    for _ in range(12):
        if current is None or current.type != "call_expression":
            return False
        _, method = call_parts(current)
        if method == "route":
            args = arguments_of(current)
            return len(args) == 1 and string_value(args[0]) is not None
        if method not in ROUTE_VERBS:
            return False
        inner = callee(current)
        current = unwrap(inner.child_by_field_name("object")) if inner is not None \
            and inner.type == "member_expression" else None
    return False


def _client_receiver(receiver, ctx) -> bool:
    names = view(ctx).member_names(receiver)
    if not names:
        inner = unwrap(receiver)
        if inner is not None and inner.type == "call_expression":
            function = callee(inner)
            if function is not None and function.type == "identifier":
                binding = view(ctx).binding(text_of(function), inner)
                return binding is not None and binding.spec in CLIENT_PACKAGES
        return False
    binding = view(ctx).binding(names[0], receiver)
    if binding is not None and binding.spec in CLIENT_PACKAGES:
        return True
    tokens = set(words(" ".join(names)))
    return bool(tokens & {"http", "axios", "client", "fetch", "fetcher", "cache", "redis", "map", "params",
                          "headers", "query", "store", "storage", "config", "settings"})


def _opaque_handler(arg) -> bool:
    node = unwrap(arg)
    return node is not None and node.type in ("identifier", "member_expression")


def _verbs(node) -> str:
    values = []
    node = unwrap(node)
    if node is None:
        return ""
    if node.type == "array":
        values = [string_value(e) or "" for e in node.named_children]
    else:
        values = [string_value(node) or ""]
    values = [v.upper() for v in values if v]
    return ",".join(values)


def _function_of(arg, ctx, depth: int):
    """The function behind a handler argument: inline, a local function, a wrapper's argument,
    or `this.method` of the enclosing class."""
    node = unwrap(arg)
    if node is None or depth > 3:
        return None
    if is_function(node):
        return node
    v = view(ctx)
    if node.type == "identifier":
        decl = v.lookup(text_of(node), node)
        if decl is None:
            return None
        if decl.type in ("function_declaration", "generator_function_declaration"):
            return decl
        if decl.type == "variable_declarator":
            return _function_of(decl.child_by_field_name("value"), ctx, depth + 1)
        return None
    if node.type == "call_expression":
        for inner in view(ctx).arguments(node):
            found = _function_of(inner, ctx, depth + 1)
            if found is not None:
                return found
        return None
    if node.type == "member_expression":
        names = view(ctx).member_names(node)
        if len(names) == 2 and names[0] == "this":
            return class_member(node, names[1])
        return None
    return None


def class_decorator_names(cls) -> set[str]:
    found = [c for c in cls.children if c.type == "decorator"]
    parent = cls.parent
    if parent is not None and parent.type == "export_statement":
        found += [c for c in parent.children if c.type == "decorator"]
    return {decorator_name(d) for d in found}


def method_decorators(method) -> list[str]:
    """Decorator names of a class method (TypeScript keeps them as preceding siblings)."""
    names = [decorator_name(c) for c in method.children if c.type == "decorator"]
    sibling = method.prev_named_sibling
    while sibling is not None and sibling.type == "decorator":
        names.append(decorator_name(sibling))
        sibling = sibling.prev_named_sibling
    return names


def _nest_class(cls, index: RequestIndex) -> None:
    decorators = class_decorator_names(cls)
    controller = bool(decorators & {"Controller", "Resolver", "WebSocketGateway"})
    service = "Injectable" in decorators
    if not (controller or service):
        return
    body = cls.child_by_field_name("body")
    if body is None:
        return
    for member in body.named_children:
        if member.type != "method_definition":
            continue
        name = text_of(member.child_by_field_name("name"))
        if name in LIFECYCLE:
            continue
        decorators = method_decorators(member)
        verbs = [NEST_VERBS[d] for d in decorators if d in NEST_VERBS]
        if set(decorators) & BACKGROUND_DECORATORS:
            index.add(member, "background", "")
        elif verbs:
            index.add(member, "nest", verbs[0])
        elif controller:
            index.add(member, "nest", "")
        else:
            index.add(member, "service", "")


def _handler_shaped(func) -> bool:
    params = params_of(func)
    if len(params) < 2:
        return False
    (first, p1), (second, p2) = params[0], params[1]
    request = first in REQUEST_NAMES or bool(REQUEST_TYPES.match(param_type(p1)))
    response = second in RESPONSE_NAMES or bool(RESPONSE_TYPES.match(param_type(p2)))
    if not (request and response):
        return False
    return not (len(params) >= 4 and params[0][0] in ("err", "error"))


def _close_over_calls(ctx, index: RequestIndex) -> None:
    """Add the functions of this file that request-path functions call (transitively)."""
    v = view(ctx)
    pending = [f for f in index.nodes.values() if index.functions[f.id][0] != "background"]
    for _ in range(MAX_CALL_DEPTH):
        following = []
        for func in pending:
            for node in walk(body_of(func)) if body_of(func) is not None else ():
                if node.type != "call_expression":
                    continue
                function = callee(node)
                target = None
                if function is not None and function.type == "identifier":
                    decl = v.lookup(text_of(function), node)
                    if decl is not None and decl.type == "function_declaration":
                        target = decl
                    elif decl is not None and decl.type == "variable_declarator":
                        value = unwrap(decl.child_by_field_name("value"))
                        target = value if is_function(value) else None
                elif function is not None and function.type == "member_expression":
                    names = view(ctx).member_names(function)
                    if len(names) == 2 and names[0] == "this":
                        target = class_member(function, names[1])
                if target is not None and index.add(target, "called", ""):
                    following.append(target)
        if not following:
            return
        pending = following


def cached_result(call, ctx) -> bool:
    """The result is kept for later requests: `x ??= readFileSync(...)`, or assigned to a module
    variable or a `this.` field."""
    current = call.parent
    for _ in range(6):
        if current is None:
            return False
        if current.type == "augmented_assignment_expression":
            return True
        if current.type == "assignment_expression":
            left = unwrap(current.child_by_field_name("left"))
            if left is None:
                return False
            if left.type == "member_expression":
                return view(ctx).member_names(left)[:1] == ["this"]
            if left.type == "identifier":
                decl = view(ctx).lookup(text_of(left), left)
                return decl is not None and _module_level(decl)
            return False
        if current.type in ("expression_statement", "statement_block", "variable_declarator", "arguments"):
            return False
        current = current.parent
    return False


def _module_level(decl) -> bool:
    current = decl.parent
    while current is not None:
        if current.type == "program":
            return True
        if current.type in ("statement_block", "class_body") or "function" in current.type:
            return False
        current = current.parent
    return False


# ---------------------------------------------------------------- database writes

PRISMA_WRITES = frozenset({"create", "createMany", "createManyAndReturn", "update", "updateMany",
                           "updateManyAndReturn", "upsert", "delete", "deleteMany", "executeRaw",
                           "$executeRaw", "$executeRawUnsafe"})
REPO_WRITES = frozenset({"save", "insert", "update", "delete", "remove", "softDelete", "softRemove",
                         "upsert", "increment", "decrement", "restore", "create"})
MODEL_WRITES = frozenset({"create", "bulkCreate", "update", "destroy", "upsert", "insertMany", "updateOne",
                          "updateMany", "deleteOne", "deleteMany", "findOneAndUpdate", "findByIdAndUpdate",
                          "findOneAndDelete", "findByIdAndDelete", "findOneAndRemove", "findByIdAndRemove",
                          "replaceOne", "findOneAndReplace", "bulkWrite", "increment", "decrement",
                          "truncate", "restore"})
MONGO_WRITES = frozenset({"insertOne", "insertMany", "updateOne", "updateMany", "deleteOne", "deleteMany",
                          "replaceOne", "findOneAndUpdate", "findOneAndDelete", "findOneAndReplace",
                          "bulkWrite"})
KNEX_WRITES = frozenset({"insert", "update", "del", "delete", "upsert", "merge", "increment", "decrement",
                         "truncate"})
SQL_METHODS = frozenset({"query", "execute", "none", "one", "oneOrNone", "many", "manyOrNone", "any",
                         "result", "run", "exec", "$executeRaw", "$executeRawUnsafe", "executeRaw"})
DB_WORDS = frozenset({"prisma", "tx", "trx", "db", "database", "orm", "prismaservice", "transaction",
                      "manager", "em", "entitymanager", "datasource", "knex", "sequelize", "client"})
PRISMA_WORDS = DB_WORDS - {"client", "manager", "em", "entitymanager", "datasource"}
REPO_WORDS = frozenset({"repository", "repo", "manager", "em", "entitymanager", "datasource"})
NOT_MODELS = frozenset({"Array", "Object", "Promise", "JSON", "Math", "Date", "Number", "String", "Map",
                        "Set", "Reflect", "Buffer", "URL", "Intl", "Symbol", "BigInt", "Error", "RegExp",
                        "Atomics", "WeakMap", "WeakSet", "Proxy", "Crypto", "Stripe", "Redis"})
KNEX_ROOTS = frozenset({"knex", "db", "trx", "database", "tx", "pg", "sql"})
REPOSITORY_TYPES = re.compile(r"^(Repository|MongoRepository|TreeRepository|EntityRepository|Model|"
                              r"Collection|ModelStatic|ModelCtor|EntityManager|PrismaService|PrismaClient)\b")
WRITE_SQL = re.compile(r"^\s*(insert|update|delete|upsert|merge|replace)\b", re.I)


def sql_text(node) -> str | None:
    node = unwrap(node)
    if node is None:
        return None
    value = string_of(node)
    if value is not None:
        return value
    if node.type == "template_string":
        return text_of(node).strip("`")
    return None


def sql_argument(call) -> str | None:
    """The SQL text a query call runs: its first argument, or a tagged template (`$executeRaw`...)."""
    args = arguments_of(call)
    if args:
        first = unwrap(args[0])
        if first is not None and first.type == "object":
            return sql_text(object_pairs(first).get("text") or object_pairs(first).get("sql"))
        return sql_text(first)
    template = call.child_by_field_name("arguments")
    if template is not None and template.type == "template_string":
        return text_of(template).strip("`")
    return None


def file_writes(ctx) -> list:
    """The database write calls of the file, in source order (memoised)."""
    found = ctx.data.get("js.data.writes")
    if found is None:
        found = [c for c in view(ctx).calls if c.type == "call_expression" and write_label(c, ctx)]
        ctx.data["js.data.writes"] = found
    return found


def has_transactions(ctx) -> bool:
    """Does the file open a transaction anywhere (memoised)?"""
    found = ctx.data.get("js.data.has-tx")
    if found is None:
        found = any(c.type == "call_expression" and transaction_call(c) for c in view(ctx).calls) or any(
            c.type == "method_definition" and set(method_decorators(c)) & TRANSACTION_DECORATORS
            for c in view(ctx).functions)
        ctx.data["js.data.has-tx"] = found
    return found


def write_label(call, ctx) -> str:
    """A label for a call that writes to a database, or ""."""
    if call is None or call.type != "call_expression":
        return ""
    key = ("js.data.write", call.id)
    found = ctx.data.get(key)
    if found is None:
        found = _write_label(call, ctx)
        ctx.data[key] = found
    return found


def _write_label(call, ctx) -> str:
    receiver, method = view(ctx).call_parts(call)
    if receiver is None or not method:
        return ""
    names = view(ctx).member_names(receiver)
    if method in SQL_METHODS:
        sql = sql_argument(call)
        if sql is not None and WRITE_SQL.match(sql):
            label = ".".join(names[-2:]) if names else "query"
            return f"{label}.{method}('{sql.split()[0].upper()} ...')"
        return ""
    if method in MONGO_WRITES and names and not _request_rooted(names):
        return f"{'.'.join(names[-2:])}.{method}"
    if method in PRISMA_WRITES and len(names) >= 2 and names[-1][:1].islower():
        base = names[:-1]
        if base and base[0] == "this":
            base = base[1:]
        if base and set(words(" ".join(base))) & PRISMA_WORDS:
            return f"{'.'.join(names[-2:])}.{method}"
    if method in REPO_WRITES and names:
        last = names[-1]
        if set(words(last)) & REPO_WORDS or "getRepository" in chain_methods(receiver) \
                or (len(names) == 2 and names[0] == "this" and typed_repository(receiver, last)):
            return f"{last}.{method}"
    if method in MODEL_WRITES and len(names) == 1 and names[0][:1].isupper() and names[0] not in NOT_MODELS \
            and names[0] != names[0].upper() and _model_call_args(call) and _awaited(call):
        return f"{names[0]}.{method}"
    if method in MODEL_WRITES and len(names) == 2 and names[0] in ("models", "db") and names[1][:1].isupper():
        return f"{names[1]}.{method}"
    if method in KNEX_WRITES:
        root = _knex_root(receiver)
        if root:
            return f"{root}.{method}"
    if method == "save" and names and len(view(ctx).arguments(call)) <= 1 and _awaited(call) \
            and not _request_rooted(names) and names[-1] not in ("session", "cookie", "cache", "file", "image",
                                                                 "canvas", "workbook", "doc", "pdf"):
        return f"{names[-1]}.save"
    return ""


def _request_rooted(names: list[str]) -> bool:
    return names[0] in ("req", "request", "ctx", "res", "reply", "this") and len(names) > 1 \
        and names[1] in ("session", "cookies", "body", "query", "params", "headers", "app", "log")


def _model_call_args(call) -> bool:
    """`User.create({...})`, `Order.update({...}, { where })`: model calls take objects or ids;
    `Class.create()` factories with no argument are not database writes."""
    args = arguments_of(call)
    return bool(args) and unwrap(args[0]) is not None and unwrap(args[0]).type in (
        "object", "array", "identifier", "member_expression", "string", "number", "template_string")


def _awaited(call) -> bool:
    """The promise is awaited, returned, or gathered (`Promise.all([...])`): a synchronous factory
    such as a domain entity's `Order.create(props)` is none of these."""
    parent = call.parent
    while parent is not None and parent.type in ("parenthesized_expression", "as_expression",
                                                   "non_null_expression"):
        parent = parent.parent
    if parent is None:
        return False
    if parent.type in ("await_expression", "return_statement", "arrow_function"):
        return True
    if parent.type == "array" and parent.parent is not None and parent.parent.type == "arguments":
        _, method = call_parts(parent.parent.parent)
        return method in ("all", "allSettled", "$transaction", "race", "any")
    return False


def chain_methods(node) -> list[str]:
    """The methods called along a receiver chain, outermost first: `db.collection('x').find` ->
    ["collection"] for the receiver `db.collection('x')`."""
    found = []
    current = unwrap(node)
    for _ in range(16):
        if current is None:
            break
        if current.type == "call_expression":
            _, method = call_parts(current)
            found.append(method)
            current = callee(current)
        elif current.type == "member_expression":
            current = unwrap(current.child_by_field_name("object"))
        else:
            break
    return found


def _knex_root(receiver) -> str:
    """`knex('users')...`, `db('users').where(...)`, `trx('t')`: the query builder root name."""
    current = unwrap(receiver)
    for _ in range(16):
        if current is None:
            return ""
        if current.type == "call_expression":
            function = callee(current)
            if function is not None and function.type == "identifier" and text_of(function) in KNEX_ROOTS:
                args = arguments_of(current)
                if len(args) == 1 and string_value(args[0]) is not None:
                    return f"{text_of(function)}('{string_value(args[0])}')"
                return ""
            if function is not None and function.type == "member_expression":
                names = member_names(function)
                if len(names) == 2 and names[0] in ("knex", "trx", "db") and names[1] in ("table", "from", "into"):
                    return f"{names[0]}.{names[1]}"
                current = unwrap(function.child_by_field_name("object"))
                continue
            return ""
        if current.type == "member_expression":
            current = unwrap(current.child_by_field_name("object"))
            continue
        return ""
    return ""


def typed_repository(node, name: str) -> bool:
    """`this.<name>` is a constructor parameter or field typed `Repository<...>`/`Model<...>`/
    `EntityManager`/`PrismaService`."""
    return js_typed_repository(node, name, REPOSITORY_TYPES)


# ---------------------------------------------------------------- transactions

TRANSACTION_METHODS = frozenset({"$transaction", "transaction", "withTransaction", "runInTransaction",
                                 "transactional", "tx", "inTransaction", "startTransaction", "startSession",
                                 "beginTransaction", "begin", "withSession", "serializable"})
TRANSACTION_DECORATORS = frozenset({"Transactional", "Transaction", "UseTransaction", "RunInTransaction"})
BEGIN_SQL = re.compile(r"^\s*(begin|start\s+transaction)\b", re.I)
END_SQL = re.compile(r"^\s*(commit|rollback|end)\b", re.I)
END_METHODS = frozenset({"commitTransaction", "rollbackTransaction", "commit", "rollback", "endSession",
                         "abortTransaction"})


def transaction_call(call) -> str:
    """A label when `call` opens a transaction (or runs its callback in one), else ""."""
    if call is None or call.type != "call_expression":
        return ""
    receiver, method = call_parts(call)
    if method in TRANSACTION_METHODS and receiver is not None:
        if method == "tx" or method == "begin" or method == "serializable":
            names = member_names(receiver)
            if not names or not set(words(" ".join(names))) & (DB_WORDS | {"pg", "sql", "pool", "conn",
                                                                           "connection", "database"}):
                return ""
        return f"{method}()"
    if method in ("query", "execute", "none", "exec", "run") and receiver is not None:
        sql = sql_argument(call)
        if sql is not None and BEGIN_SQL.match(sql):
            return f"{method}('{sql.strip().split()[0].upper()}')"
    if receiver is None and method in ("transaction", "runInTransaction", "withTransaction", "inTransaction"):
        return f"{method}()"
    return ""


def _end_call(call) -> bool:
    receiver, method = call_parts(call)
    if method in END_METHODS and receiver is not None:
        return True
    if method in ("query", "execute", "none", "exec", "run") and receiver is not None:
        sql = sql_argument(call)
        return sql is not None and bool(END_SQL.match(sql))
    return False


def in_transaction(node, ctx):
    """The node that opened the transaction `node` runs in, or None: a transaction callback
    (`prisma.$transaction(async (tx) => ...)`), a `@Transactional()` method, or a statement
    between `queryRunner.startTransaction()` / `client.query('BEGIN')` and the commit."""
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            parent = current.parent
            if parent is not None and parent.type == "arguments":
                call = parent.parent
                if transaction_call(call):
                    return call
            if current.type == "method_definition" and set(method_decorators(current)) & TRANSACTION_DECORATORS:
                return current
            opened = _opened_before(current, node, ctx)
            if opened is not None:
                return opened
            if current.type in ("function_declaration", "method_definition"):
                return None
        current = current.parent
    return None


def _opened_before(func, node, ctx):
    """An explicit `startTransaction()`/`BEGIN` in `func`'s own body before `node`, with no
    commit/rollback between them."""
    key = ("js.data.tx-spans", func.id)
    spans = ctx.data.get(key)
    if spans is None:
        events = []
        for inner in walk_local(body_of(func)):
            if inner.type != "call_expression":
                continue
            label = transaction_call(inner)
            _, method = view(ctx).call_parts(inner)
            if label and method in ("startTransaction", "beginTransaction", "begin") or \
                    (label and "'" in label):
                events.append((inner.start_byte, "open", inner))
            elif _end_call(inner):
                events.append((inner.start_byte, "close", inner))
        spans = sorted(events, key=lambda e: e[0])
        ctx.data[key] = spans
    opened = None
    for start, kind, call in spans:
        if start >= node.start_byte:
            break
        if kind == "open":
            opened = call
        elif _same_branch_close(call, node):
            opened = None
    return opened


def _same_branch_close(close, node) -> bool:
    """A commit inside a `catch`/`finally` does not end the transaction for the code after it in
    the `try` block; one in the straight-line code does."""
    current = close.parent
    while current is not None and current.type not in FUNCTION_TYPES:
        if current.type in ("catch_clause", "finally_clause"):
            return node.start_byte > current.end_byte
        current = current.parent
    return True


# ---------------------------------------------------------------- outbound network I/O

HTTP_PACKAGES = frozenset({"axios", "got", "node-fetch", "superagent", "ky", "needle", "undici",
                           "cross-fetch", "isomorphic-fetch", "request", "request-promise"})
HTTP_VERB_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request",
                               "fetch", "postForm", "putForm"})
NODE_HTTP = frozenset({"http", "https", "node:http", "node:https"})
PUBLISH_METHODS = frozenset({"publish", "sendToQueue", "sendMessage", "sendMessageBatch", "sendMail",
                             "produce"})
PUBLISH_WORDS = frozenset({"producer", "channel", "publisher", "sns", "sqs", "pubsub", "topic", "broker",
                           "queue", "nats", "kafka", "rabbit", "amqp", "mailer", "transporter", "mail",
                           "webhook", "webhooks"})    # not an in-process event bus (CQRS EventBus)


def outbound_label(call, ctx) -> str:
    """A label when `call` does network I/O to another service (HTTP or a message), else ""."""
    v = view(ctx)
    receiver, method = view(ctx).call_parts(call)
    function = callee(call)
    if function is None:
        return ""
    if receiver is None and function.type == "identifier":
        name = text_of(function)
        binding = v.binding(name, call)
        if binding is not None and binding.spec in HTTP_PACKAGES:
            return f"{name}()"
        if name == "fetch" and binding is None and v.lookup("fetch", call) is None:
            return "fetch()"
        return ""
    if receiver is None:
        return ""
    names = view(ctx).member_names(receiver)
    if not names:
        return ""
    root = names[0]
    binding = v.binding(root, call)
    if binding is not None and binding.spec in HTTP_PACKAGES and method in HTTP_VERB_METHODS | {"stream"}:
        return f"{'.'.join(names)}.{method}()"
    if binding is not None and binding.spec in NODE_HTTP and method in ("request", "get"):
        return f"{root}.{method}()"
    tokens = set(words(" ".join(n for n in names if n != "this")))
    if method in HTTP_VERB_METHODS and tokens & {"http", "httpservice", "axios", "api", "client",
                                                  "httpclient"} and "firstValueFrom" != root:
        if tokens & {"http", "axios", "httpservice", "httpclient"}:
            return f"{'.'.join(names)}.{method}()"
    if method in PUBLISH_METHODS and tokens & PUBLISH_WORDS:
        return f"{'.'.join(names)}.{method}()"
    if method == "send" and tokens & {"producer", "kafka", "sqs", "sns", "queue", "mailer", "transporter"}:
        return f"{'.'.join(names)}.{method}()"
    return ""


__all__ = [
    "RequestIndex", "cached_result", "file_writes", "handler_verb", "has_transactions", "in_transaction", "method_decorators",
    "outbound_label",
    "request_function", "request_index", "server_file", "sql_argument", "transaction_call",
    "typed_repository", "write_label",
]
