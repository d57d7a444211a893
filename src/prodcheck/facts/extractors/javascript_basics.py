"""JavaScript and TypeScript: imports (ESM, CommonJS, dynamic), and the entry points that make a
directory a service (`app.listen(...)`, `NestFactory.create(...)`, `Bun.serve(...)`, hono's
`serve(...)`, `http.createServer(...).listen(...)`, a Workers/Bun module `export default { fetch }`;
`export default app` of a Hono app is weaker evidence)."""
from __future__ import annotations

from prodcheck.facts.extract import Extractor
from prodcheck.facts.model import Entrypoint, Import
from prodcheck.model import Location
from prodcheck.parsing.treesitter import preorder, string_value, text_of

# Imported modules that make `<x>.listen(...)` a server start, by priority: the first one a file
# imports names the framework of its listen calls.
SERVER_MODULES = (
    ("@nestjs/core", "nestjs"), ("fastify", "fastify"), ("express", "express"), ("koa", "koa"),
    ("@hapi/hapi", "hapi"), ("restify", "restify"), ("hono", "hono"), ("@hono/node-server", "hono"),
    ("http", "node-http"), ("node:http", "node-http"), ("https", "node-http"),
    ("node:https", "node-http"), ("http2", "node-http"), ("node:http2", "node-http"),
)
# Receivers whose `.listen(...)` is a server start even when the file imports no server module.
LISTEN_RECEIVERS = frozenset({"app", "server", "fastify", "httpServer", "httpsServer", "srv", "api"})
RUNTIME_SERVES = {"Bun.serve": "bun", "Deno.serve": "deno"}
NEST_FACTORIES = frozenset({"create", "createMicroservice"})


def extract(parsed, builder) -> None:
    bindings: dict[str, str] = {}          # local name -> module it was imported from
    calls = []
    exports = []                           # `export default <value>` statements
    listed = preorder(parsed)
    for node, kind in zip(listed.nodes, listed.types):
        if kind == "import_statement":
            _import_statement(node, builder, bindings)
        elif kind == "export_statement":
            module = string_value(node.child_by_field_name("source"))
            if module:
                builder.imports.append(Import(module, "", _line(node)))
            elif node.child_by_field_name("value") is not None:
                exports.append(node)
        elif kind == "call_expression":
            module = _required_module(node)
            if module:
                builder.imports.append(Import(module, "", _line(node)))
                _bind_require(node, module, bindings)
            else:
                calls.append(node)
    if parsed.kind != "source":
        return
    framework = _server_framework(builder.imports)
    for call in calls:
        entry = _entrypoint(call, framework, bindings)
        if entry is not None:
            kind, name = entry
            builder.entrypoints.append(Entrypoint(kind, name, _loc(parsed.path, call)))
    hono = any(m == "hono" or m.startswith("hono/") for m in bindings.values())
    for export in exports:
        entry = _default_export(export.child_by_field_name("value"), hono)
        if entry is not None:
            builder.entrypoints.append(Entrypoint(*entry, _loc(parsed.path, export)))


def _import_statement(node, builder, bindings: dict[str, str]) -> None:
    module = string_value(node.child_by_field_name("source"))
    line = _line(node)
    if module is None:                     # TypeScript `import x = require("m")`
        for child in node.named_children:
            if child.type == "import_require_clause":
                module = string_value(child.child_by_field_name("source"))
                names = [c for c in child.named_children if c.type == "identifier"]
                if module and names:
                    bindings[text_of(names[0])] = module
        if module:
            builder.imports.append(Import(module, "", line))
        return
    named = []
    for clause in (c for c in node.named_children if c.type == "import_clause"):
        for part in clause.named_children:
            if part.type == "identifier":                    # default import
                bindings[text_of(part)] = module
            elif part.type == "namespace_import":
                for ident in part.named_children:
                    bindings[text_of(ident)] = module
            elif part.type == "named_imports":
                for spec in part.named_children:
                    if spec.type != "import_specifier":
                        continue
                    name = text_of(spec.child_by_field_name("name"))
                    alias = spec.child_by_field_name("alias")
                    bindings[text_of(alias) if alias is not None else name] = module
                    named.append(name)
    if named:
        builder.imports.extend(Import(module, name, line) for name in named)
    else:
        builder.imports.append(Import(module, "", line))


def _required_module(call) -> str | None:
    """`require("m")` and `import("m")`: the module, when it is a plain string."""
    function = call.child_by_field_name("function")
    if function is None or not (function.type == "import"
                                or function.type == "identifier" and text_of(function) == "require"):
        return None
    arguments = call.child_by_field_name("arguments")
    if arguments is None or not arguments.named_children:
        return None
    return string_value(arguments.named_children[0])


def _bind_require(call, module: str, bindings: dict[str, str]) -> None:
    parent = call.parent
    if parent is not None and parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        if name is not None and name.type == "identifier":
            bindings[text_of(name)] = module
        elif name is not None and name.type == "object_pattern":
            for part in name.named_children:
                if part.type == "shorthand_property_identifier_pattern":
                    bindings[text_of(part)] = module


def _server_framework(imports) -> str:
    modules = {i.module for i in imports}
    for module, framework in SERVER_MODULES:
        if module in modules:
            return framework
    return ""


def _entrypoint(call, framework: str, bindings: dict[str, str]) -> tuple[str, str] | None:
    function = call.child_by_field_name("function")
    if function is None:
        return None
    if function.type == "identifier":
        if text_of(function) == "serve" and bindings.get("serve", "").startswith("@hono/"):
            return "listen", "hono"
        return None
    if function.type != "member_expression":
        return None
    receiver = function.child_by_field_name("object")
    prop = text_of(function.child_by_field_name("property"))
    dotted = f"{text_of(receiver)}.{prop}" if receiver is not None and receiver.type == "identifier" else ""
    if dotted in RUNTIME_SERVES:
        return "listen", RUNTIME_SERVES[dotted]
    if prop in NEST_FACTORIES and dotted.startswith("NestFactory."):
        return "app-object", "nestjs"
    if prop != "listen" or receiver is None:
        return None
    if receiver.type == "call_expression" and _is_create_server(receiver):
        return "listen", framework or "node-http"
    if framework or receiver.type == "identifier" and text_of(receiver) in LISTEN_RECEIVERS:
        return "listen", framework or "node"
    return None


def _default_export(value, hono: bool) -> tuple[str, str] | None:
    """`export default { fetch }` is a Workers/Bun/Deno module entry point; `export default app` in
    a file that builds a Hono app is weaker evidence (it may be a sub-router)."""
    if value.type == "object":
        for member in value.named_children:
            key = {"pair": "key", "method_definition": "name"}.get(member.type)
            name = text_of(member.child_by_field_name(key)) if key else text_of(member)
            if member.type in ("pair", "method_definition", "shorthand_property_identifier") and name == "fetch":
                return "fetch-handler", "hono" if hono else "workers"
        return None
    if value.type == "identifier" and hono:
        return "export-default", "hono"
    return None


def _is_create_server(call) -> bool:
    function = call.child_by_field_name("function")
    if function is None:
        return False
    name = text_of(function.child_by_field_name("property")) if function.type == "member_expression" \
        else text_of(function)
    return name in ("createServer", "createSecureServer", "express", "Koa", "fastify")


def _line(node) -> int:
    return node.start_point[0] + 1


def _loc(path: str, node) -> Location:
    return Location.at(path, node.start_point[0] + 1, node.start_point[1] + 1)


EXTRACTOR = Extractor("javascript-basics", extract, languages=("javascript", "typescript"))
