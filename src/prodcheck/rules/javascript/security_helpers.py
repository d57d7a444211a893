"""Helpers for the JavaScript/TypeScript security and reliability rules of pack A (tree-sitter).

- `mentions(ctx, needle)`: a memoised "does the file's text contain it" gate;
- `bound_to(ctx, name, at, packages)`: does the local `name` import one of `packages`;
- `fs_call(call, ctx)`: the Node `fs` function a call names (`fs.chmod`, `fsp.writeFile`,
  destructured `chmodSync`), "" otherwise;
- `from_configuration(node)`: a value read from configuration (`process.env.X`, `config.get()`,
  `configService.get()`, a `config.*`/`settings.*` member, a ternary on `NODE_ENV`);
- `orm_writes(call, ctx)`: the values an ORM/query-builder write takes (Mongoose, Sequelize,
  TypeORM, Prisma, Knex, `Object.assign` onto a loaded record);
- `validated(call)`: a schema check of the request in the handler, or validation middleware on
  its route; `nest_body_param(name, call)`: how a NestJS `@Body()` parameter is typed;
- `enclosing_handler(node)`: the route handler around a node (`(req, res)`, `(request, reply)`, a
  NestJS controller method).
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    body_of, body_validation, call_parts, callee, enclosing_function, is_function, member_names,
    name_kind, object_pairs, param_type, params_of, unwrap, walk_local, words,
)
from prodcheck.parsing.treesitter import string_value, text_of
from prodcheck.rules.javascript.helpers import view

FS_PACKAGES = frozenset({"fs", "node:fs", "fs/promises", "node:fs/promises", "fs-extra", "graceful-fs",
                         "mz/fs", "fs-extra/esm"})
CONFIG_WORDS = frozenset({"config", "configuration", "settings", "env", "options", "opts", "conf",
                          "cfg", "environment", "secure", "is", "production", "prod"})


def mentions(ctx, needle: str) -> bool:
    """Does the file's text contain `needle` (memoised per file: a cheap gate before a lookup)?"""
    key = ("js.mentions", needle)
    found = ctx.data.get(key)
    if found is None:
        found = ctx.data[key] = needle in ctx.file.text
    return found


def bound_to(ctx, name: str, at, packages) -> bool:
    binding = view(ctx).binding(name, at)
    return binding is not None and binding.spec in packages


def fs_call(call, ctx) -> str:
    """`fs.chmodSync(...)`, `fs.promises.chmod(...)`, `fsp.chmod(...)`, `chmod(...)` (imported from
    fs): the function name; "" when the call does not provably reach `fs`."""
    receiver, method = view(ctx).call_parts(call)
    if not method:
        return ""
    if receiver is None:
        function = callee(call)
        if function is None or function.type != "identifier":
            return ""
        binding = view(ctx).binding(method, call)
        return binding.name if binding is not None and binding.spec in FS_PACKAGES else ""
    names = view(ctx).member_names(receiver)
    if not names:
        return ""
    if len(names) == 2 and names[1] == "promises":
        names = names[:1]
    if len(names) == 1 and bound_to(ctx, names[0], call, FS_PACKAGES):
        return method
    return ""


def from_configuration(node) -> bool:
    """A value that comes from configuration rather than a literal decision in the code."""
    node = unwrap(node)
    if node is None:
        return False
    if node.type in ("ternary_expression", "binary_expression"):
        return True               # `isProd ? ... : ...`, `env === 'production'`: decided at deploy time
    if node.type == "unary_expression" and "!" in text_of(node)[:2]:
        return from_configuration(node.named_children[0] if node.named_children else None)
    if node.type in ("member_expression", "subscript_expression", "call_expression", "identifier"):
        parts = member_names(node)
        if parts[:2] == ["process", "env"]:
            return True
        tokens = set(words(" ".join(parts))) if parts else set(words(text_of(node)))
        if tokens & CONFIG_WORDS:
            return True
        if node.type == "call_expression":
            _, method = call_parts(node)
            return method in ("get", "getOrThrow", "getBoolean", "getBool", "has")
    return False


# ---------------------------------------------------------------- ORM writes

# method -> index of the argument that carries the written values
MODEL_WRITES = {"create": 0, "insertMany": 0, "bulkCreate": 0, "build": 0, "upsert": 0, "insert": 0,
                "save": 0, "findByIdAndUpdate": 1, "findOneAndUpdate": 1, "updateOne": 1, "updateMany": 1,
                "replaceOne": 1, "findOneAndReplace": 1, "findByIdAndReplace": 1}
PRISMA_WRITES = frozenset({"create", "update", "upsert", "createMany", "updateMany", "createManyAndReturn"})
REPOSITORY_WORDS = frozenset({"repository", "repo", "model", "models", "collection", "manager", "entity", "dao",
                              "table", "db", "orm", "prisma", "knex", "mongoose", "sequelize", "em"})
NOT_REPOSITORY = frozenset({"service", "services", "controller", "client", "api", "handler", "cache", "queue",
                            "bus", "emitter", "logger", "log", "stripe", "mailer", "producer", "http", "axios",
                            "validator", "schema", "form", "store", "router", "app"})
NOT_MODELS = frozenset({"URLSearchParams", "URL", "Error", "Map", "Set", "Date", "Buffer", "Blob", "FormData",
                        "Response", "Request", "Headers", "Promise", "Array", "Object", "WeakMap", "Proxy",
                        "TypeError", "RangeError", "Event", "CustomEvent", "HttpException", "Intl"})
READS = frozenset({"findOne", "findById", "findByPk", "findOneBy", "findUnique", "findFirst", "findOneOrFail",
                   "findUniqueOrThrow", "findFirstOrThrow", "preload", "findOneByOrFail"})
LODASH = frozenset({"lodash", "underscore", "lodash/merge", "lodash/assign", "lodash/extend", "lodash-es"})
WRITE_METHODS = frozenset({"create", "insertMany", "bulkCreate", "build", "upsert", "insert", "save",
                           "findByIdAndUpdate", "findOneAndUpdate", "updateOne", "updateMany", "replaceOne",
                           "findOneAndReplace", "findByIdAndReplace", "update", "merge", "set", "assign", "extend",
                           "assignIn", "mergeWith", "createMany", "createManyAndReturn"})
ORM_PACKAGES = ("mongoose", "sequelize", "typeorm", "@prisma/client", "knex", "objection", "@mikro-orm",
                "sequelize-typescript", "@nestjs/mongoose", "@nestjs/typeorm", "@nestjs/sequelize", "drizzle-orm")


def orm_writes(call, ctx) -> list[tuple[object, str]]:
    """(written value, label) pairs when `call` writes to a database through an ORM or a query
    builder: the argument(s) carrying the written values. `Object.assign(entity, a, b)` (and lodash
    `merge`/`assign`/`extend`) on a record read from the database or saved afterwards gives each
    source. [] when the call is not such a write. Memoised per call (several rules ask)."""
    receiver, method = view(ctx).call_parts(call)
    if call.type == "call_expression" and method not in WRITE_METHODS:
        return []
    memo = ctx.data.setdefault("js.orm_writes", {})
    found = memo.get(call.id)
    if found is None:
        found = memo[call.id] = _orm_writes(call, receiver, method, ctx)
    return found


def _orm_writes(call, receiver, method: str, ctx) -> list[tuple[object, str]]:
    args = view(ctx).arguments(call)
    if not args:
        return []
    if call.type == "new_expression":
        return [(args[0], f"new {text_of(callee(call))}(...)")] if _model_constructor(call, ctx) else []
    if method in ("assign", "merge", "extend", "assignIn", "mergeWith") and receiver is not None \
            and len(args) >= 2:
        names = view(ctx).member_names(receiver)
        binding = view(ctx).binding(names[0], call) if len(names) == 1 else None
        lodash = binding is not None and binding.spec in LODASH
        if (names == ["Object"] and method == "assign" or lodash) and _persisted_target(args[0], call, ctx):
            return [(extra, f"`{'.'.join(names)}.{method}(entity, ...)`") for extra in args[1:]]
        return []
    if receiver is None:
        return []
    if method in PRISMA_WRITES and _prisma(receiver):
        pairs = object_pairs(args[0])
        return [(pairs[key], f"prisma `{method}({{ {key} }})`") for key in ("data", "create", "update")
                if key in pairs]
    if method in MODEL_WRITES and _repository(receiver, method, ctx):
        index = MODEL_WRITES[method]
        if method == "save" and len(args) >= 2:
            index = 1                                    # manager.save(Entity, values)
        return [(args[index], f"`.{method}()`")] if len(args) > index else []
    if method in ("update", "merge") and _repository(receiver, method, ctx):
        # Sequelize `Model.update(values, { where })`; TypeORM `repo.update(id, values)`, `merge(entity, values)`
        index = 0 if method == "update" and _sequelize_update(args) else 1
        return [(args[index], f"`.{method}()`")] if len(args) > index else []
    if method in ("set", "update") and len(args) == 1 and _record(receiver, call, ctx):
        return [(args[0], f"`.{method}()` on a loaded record")]
    return []


def validated(call) -> bool:
    """Is the request input of the handler around `call` checked by a schema: a validation call in
    an enclosing function (`schema.parse(req.body)`, `validationResult(req)`, ...), validation
    middleware next to the handler in its route registration (`celebrate(...)`, `validate(schema)`),
    or a Fastify route `schema` (`fastify.post(path, { schema }, handler)`, `route({ schema, handler })`)?"""
    func = enclosing_function(call)
    while func is not None:
        mechanism, _ = body_validation(func)
        if mechanism:
            return True
        holder = func.parent
        if holder is not None and holder.type == "pair" and "schema" in object_pairs(holder.parent):
            return True                               # fastify.route({ schema, handler })
        if holder is not None and holder.type == "arguments":
            for sibling in holder.named_children:
                if sibling == func or is_function(sibling):
                    continue
                if "schema" in object_pairs(sibling):
                    return True                       # fastify.post(path, { schema }, handler)
                target = unwrap(sibling)
                label = ".".join(member_names(callee(target) if target is not None
                                              and target.type == "call_expression" else target))
                if label and name_kind(label) == "validation":
                    return True
        func = enclosing_function(func)
    return False


def nest_body_param(name: str, call) -> str:
    """For a name of a NestJS `@Body()` parameter of the method around `call`: "raw" (no DTO class:
    untyped, `any`, `object`, `Record`, `Partial<...>`, an inline type), "dto" (a class), "field"
    (`@Body('name')`); "" when it is not one."""
    func = enclosing_function(call)
    if not name or func is None or func.type != "method_definition":
        return ""
    for own, param in params_of(func):
        if own != name:
            continue
        decorators = [text_of(c) for c in param.children if c.type == "decorator"]
        body = [d for d in decorators if d.startswith("@Body(")]
        if not body:
            return ""
        if not body[0].replace(" ", "").endswith("()"):
            return "field"
        annotation = param_type(param)
        if not annotation:
            return "raw"
        base = annotation.split("<", 1)[0].strip()
        if base in ("any", "object", "Object", "Record", "Partial", "unknown") or annotation.startswith("{"):
            return "raw"
        return "dto"
    return ""


def _model_constructor(call, ctx) -> bool:
    function = callee(call)
    if function is None or function.type != "identifier":
        return False
    name = text_of(function)
    if not name[:1].isupper() or name in NOT_MODELS or set(words(name)) & NOT_REPOSITORY:
        return False
    v = view(ctx)
    binding = v.binding(name, call)
    if binding is not None:
        return bool(binding.module) and v.imports_any(*ORM_PACKAGES) or _model_module(binding.module)
    value = unwrap(v.value_of(name, call))
    if value is not None and value.type == "call_expression":
        _, method = view(ctx).call_parts(value)
        return method in ("model", "define")
    return False


def _model_module(module: str) -> bool:
    parts = module.split(".")
    return any(p in ("models", "model", "entities", "entity", "schemas") for p in parts) or \
        bool(parts) and parts[-1].endswith((".model", "Model", ".entity"))


def _prisma(receiver) -> bool:
    names = member_names(receiver)
    return len(names) >= 2 and ("prisma" in names[0].lower() or names[0] in ("this", "tx", "db")
                                and ("prisma" in " ".join(names).lower() or names[0] == "tx"))


def _repository(receiver, method: str, ctx) -> bool:
    names = view(ctx).member_names(receiver)
    if not names:
        inner = unwrap(receiver)
        if inner is not None and inner.type == "call_expression" and method in ("insert", "update"):
            function = callee(inner)
            args = view(ctx).arguments(inner)
            return function is not None and function.type == "identifier" and text_of(function) in (
                "knex", "db", "trx", "database") and len(args) == 1 and string_value(args[0]) is not None
        return False
    inner = unwrap(receiver)
    if inner is not None and inner.type == "call_expression":
        # knex('users').where(...).update(body)
        function = callee(inner)
        root = view(ctx).member_names(function)
        if root and root[0] in ("knex", "db", "trx") and method in ("insert", "update"):
            return True
        if view(ctx).call_parts(inner)[1] in ("getRepository", "model"):
            return True
        return False
    tokens = set(words(" ".join(n for n in names if n != "this")))
    if tokens & NOT_REPOSITORY:
        return False
    last = names[-1]
    if len(names) == 1 and last[:1].isupper():
        return view(ctx).imports_any(*ORM_PACKAGES) or _imported_model(last, receiver, ctx)
    return bool(tokens & REPOSITORY_WORDS) and method != "build"


def _imported_model(name: str, at, ctx) -> bool:
    binding = view(ctx).binding(name, at)
    if binding is not None and binding.module:
        return _model_module(binding.module)
    value = unwrap(view(ctx).value_of(name, at))
    return value is not None and value.type == "call_expression" \
        and view(ctx).call_parts(value)[1] in ("model", "define")


def _sequelize_update(args) -> bool:
    """`Model.update(values, { where })`: the second argument is an options object with `where`."""
    return len(args) >= 2 and "where" in object_pairs(args[1])


def _record(receiver, call, ctx) -> bool:
    """A local variable holding a record read from the database (`await User.findById(id)`)."""
    node = unwrap(receiver)
    if node is None or node.type != "identifier":
        return False
    value = unwrap(view(ctx).value_of(text_of(node), call))
    if value is None or value.type != "call_expression":
        return False
    _, method = view(ctx).call_parts(value)
    return method in READS


def _persisted_target(target, call, ctx) -> bool:
    node = unwrap(target)
    if node is None or node.type != "identifier":
        return False
    if _record(node, call, ctx):
        return True
    name = text_of(node)
    func = enclosing_function(call)
    for inner in walk_local(body_of(func) if func is not None else ctx.file.tree.root_node):
        if inner.type != "call_expression" or inner.start_byte < call.end_byte:
            continue
        receiver, method = view(ctx).call_parts(inner)
        if method == "save" and receiver is not None and text_of(unwrap(receiver)) == name:
            return True
        if method in ("save", "persist", "persistAndFlush") and any(text_of(unwrap(a)) == name
                                                                   for a in view(ctx).arguments(inner)):
            return True
    return False


# ---------------------------------------------------------------- handlers

def enclosing_handler(node):
    """The outermost function around `node` that looks like a route handler: `(req, res)`
    parameters, a Fastify `(request, reply)` handler, or a method of a NestJS controller."""
    func = enclosing_function(node)
    found = None
    while func is not None:
        if is_route_handler(func):
            found = func
        func = enclosing_function(func)
    return found


def is_route_handler(func) -> bool:
    names = [n.lower() for n, _ in params_of(func)]
    if len(names) >= 2 and names[0].lstrip("_") in ("req", "request", "ctx") \
            and names[1].lstrip("_") in ("res", "response", "reply", "next"):
        return True
    if func.type == "method_definition":
        cls = func.parent.parent if func.parent is not None else None
        decorators = [text_of(c) for c in (cls.children if cls is not None else []) if c.type == "decorator"]
        if cls is not None and cls.parent is not None and cls.parent.type == "export_statement":
            decorators += [text_of(c) for c in cls.parent.children if c.type == "decorator"]
        return any(d.startswith("@Controller") for d in decorators)
    return False


__all__ = ["FS_PACKAGES", "bound_to", "enclosing_handler", "from_configuration", "fs_call", "is_route_handler",
           "mentions", "nest_body_param", "orm_writes", "validated"]
