"""Static helpers shared by the JavaScript/TypeScript route extractors and rules (tree-sitter).

Nothing here runs or imports the scanned code; every function takes tree-sitter nodes and tolerates
missing fields and ERROR nodes (it answers "don't know" rather than raising).

- `module_of("src/routes/users.ts") == "src.routes.users"`; an `index` file is its directory, so a
  route symbol id reads "src.routes.users:router" like the Python extractor's;
- `resolve_module(spec, importer)` turns `./routes/users` (relative) or `@/routes/users` (a path
  alias) into such a module, "" for a package;
- `FileView.of(parsed)`: one file's imports (`Binding`s), module-level string constants,
  functions and values, with scope-aware lookup of local declarations;
- syntax helpers (`unwrap`, `call_parts`, `member_names`, `params_of`, `walk_local`, ...);
- name heuristics (`middleware_role`) and handler analysis (`auth_check`, `body_reads`,
  `body_validation`, `pagination_evidence`, `collection_result`).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from prodcheck.facts.extractors.python_common import name_tokens
from prodcheck.facts.extractors.python_handlers import PAGINATION_NAMES, RATE_WORDS, name_role
from prodcheck.model import Facet, FacetState, Location
from prodcheck.parsing.treesitter import Preorder, preorder, preorder_of, string_value, text_of

JS_SUFFIXES = (".d.ts", ".tsx", ".ts", ".mts", ".cts", ".jsx", ".js", ".mjs", ".cjs")
PATH_ALIASES = ("@/", "~/", "#/", "@src/", "src/", "@app/")
FUNCTION_TYPES = frozenset({
    "function_declaration", "function_expression", "function", "arrow_function",
    "generator_function_declaration", "generator_function", "method_definition",
})
WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression",
                      "non_null_expression", "type_assertion", "await_expression"})
SCOPE_TYPES = FUNCTION_TYPES | {"program", "class_body"}
_OPAQUE_TYPES = FUNCTION_TYPES | {"class_declaration", "class"}     # what `walk_local` does not enter
# node type -> the `FileView` list that indexes it
_INDEXED = {"call_expression": "calls", "new_expression": "calls", **dict.fromkeys(FUNCTION_TYPES, "functions"),
            "class_declaration": "classes", "abstract_class_declaration": "classes", "class": "classes",
            "object": "objects"}
_DECLARING = frozenset({"import_statement", "variable_declarator", "function_declaration",
                        "generator_function_declaration", "class_declaration", "abstract_class_declaration"})
HTTP_VERBS = ("get", "post", "put", "patch", "delete", "options", "head", "all")
MAX_DEPTH = 48                    # bound on the recursive helpers (long `+` chains, nesting)
_PARAM = re.compile(r":([A-Za-z_$][A-Za-z0-9_$]*)(?:\([^)]*\))?[?*+]?")


# ---------------------------------------------------------------- modules and imports

def module_of(path: str) -> str:
    """The dotted module of a JS/TS file: extension dropped, `index` is its directory."""
    pure = PurePosixPath(path)
    parts = list(pure.parts)
    if not parts:
        return ""
    last = parts[-1]
    for suffix in JS_SUFFIXES:
        if last.endswith(suffix):
            last = last[: -len(suffix)]
            break
    parts[-1] = last
    if parts[-1] == "index" and len(parts) > 1:
        parts.pop()
    return ".".join(p for p in parts if p not in ("", "."))


def resolve_module(spec: str, importer: str) -> str:
    """The module a specifier names: a relative path or a path alias; "" for a package."""
    if not spec:
        return ""
    for suffix in JS_SUFFIXES:
        if spec.endswith(suffix) and not spec.endswith("/" + suffix):
            spec = spec[: -len(suffix)]
            break
    if spec.startswith(("./", "../")) or spec in (".", ".."):
        base = PurePosixPath(importer).parent
        parts = [p for p in base.parts if p not in ("", ".")]
        for piece in spec.split("/"):
            if piece in ("", "."):
                continue
            if piece == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(piece)
        return module_of("/".join(parts) + ".js") if parts else ""
    for alias in PATH_ALIASES:
        if spec.startswith(alias) and len(spec) > len(alias):
            rest = spec[len(alias):] if alias != "src/" else spec
            return module_of(rest + ".js")
    return ""


@dataclass(frozen=True, slots=True)
class Binding:
    """What a local name imports: `spec` as written, `module` when it is a file of the project,
    `name` the exported name ("default" for a default import or a CommonJS require, "*")."""
    spec: str
    module: str
    name: str

    @property
    def symbol(self) -> str:
        return f"{self.module}:{self.name}" if self.module else ""

    @property
    def package(self) -> str:
        return "" if self.module else self.spec


@dataclass
class FileView:
    """One JS/TS file as the extractors read it."""
    path: str
    module: str
    root: object
    imports: dict[str, Binding] = field(default_factory=dict)
    consts: dict[str, str] = field(default_factory=dict)
    declarations: dict[tuple[int, str], object] = field(default_factory=dict)  # (scope id, name) -> node
    packages: set[str] = field(default_factory=set)
    calls: list = field(default_factory=list)        # call and `new` expressions, in source order
    functions: list = field(default_factory=list)    # function nodes, in source order
    classes: list = field(default_factory=list)      # class declarations and expressions
    objects: list = field(default_factory=list)      # object literals
    parts: dict = field(default_factory=dict, repr=False)   # call node -> its `call_parts`
    args: dict = field(default_factory=dict, repr=False)    # call node -> its `arguments_of`
    chains: dict = field(default_factory=dict, repr=False)  # node -> its `member_names`
    outer: dict = field(default_factory=dict, repr=False)   # scope node -> the scope around it

    @classmethod
    def of(cls, path: str, root, listed: Preorder | None = None) -> FileView:
        """The view of the tree under `root`; `listed` is its `Preorder` when the caller has it."""
        view = cls(path, module_of(path), root)
        if root is not None:
            view._index(listed or preorder_of(root))
        return view

    def _index(self, listed: Preorder) -> None:
        nodes, types = listed.nodes, listed.types
        found = {"calls": self.calls, "functions": self.functions, "classes": self.classes, "objects": self.objects}
        for position in [i for i, kind in enumerate(types) if kind in _INDEXED]:
            kind = types[position]
            node = nodes[position]
            found[_INDEXED[kind]].append(node)
            if kind == "call_expression":
                spec = required_spec(node)
                if spec is not None:
                    self.packages.add(spec)
        for node, kind in self._declaration_order(listed):
            if kind == "import_statement":
                self._import(node)
            elif kind == "variable_declarator":
                self._declarator(node)
            else:
                name = node.child_by_field_name("name")
                if name is not None:
                    self.declarations[(scope_of(node).id, text_of(name))] = node

    def _declaration_order(self, listed: Preorder) -> Iterator[tuple[object, str]]:
        """The declarations and imports (node, type) in the order they are recorded: a later record
        of a name replaces an earlier one, and the order is depth first with the last child first,
        so the first of two declarations of a name in a scope is kept. In a tree without syntax
        errors no declaration or import holds another one of the same scope, so the reversed
        `Preorder` keeps the same ones; a broken tree may nest anything, and is walked."""
        if not self.root.has_error:
            nodes, types = listed.nodes, listed.types
            for position in reversed([i for i, kind in enumerate(types) if kind in _DECLARING]):
                yield nodes[position], types[position]
            return
        stack = [self.root]
        while stack:
            node = stack.pop()
            kind = node.type
            if kind in _DECLARING:
                yield node, kind
            if node.child_count:
                stack.extend(node.children)

    def _import(self, node) -> None:
        spec = string_value(node.child_by_field_name("source"))
        if spec is None:
            for child in node.named_children:
                if child.type == "import_require_clause":
                    spec = string_value(child.child_by_field_name("source"))
                    names = [c for c in child.named_children if c.type == "identifier"]
                    if spec is not None and names:
                        self._bind(text_of(names[0]), spec, "default")
            if spec is not None:
                self.packages.add(spec)
            return
        self.packages.add(spec)
        for clause in (c for c in node.named_children if c.type == "import_clause"):
            for part in clause.named_children:
                if part.type == "identifier":
                    self._bind(text_of(part), spec, "default")
                elif part.type == "namespace_import":
                    for ident in part.named_children:
                        self._bind(text_of(ident), spec, "*")
                elif part.type == "named_imports":
                    for item in part.named_children:
                        if item.type != "import_specifier":
                            continue
                        name = text_of(item.child_by_field_name("name"))
                        alias = item.child_by_field_name("alias")
                        self._bind(text_of(alias) if alias is not None else name, spec, name)

    def _declarator(self, node) -> None:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None:
            return
        scope = scope_of(node)
        required = _required_binding(value)
        if name.type == "identifier":
            key = text_of(name)
            self.declarations[(scope.id, key)] = node
            if required is not None and scope.type == "program":
                spec, exported = required
                self._bind(key, spec, exported)
            if scope.type == "program" and value is not None:
                literal = string_of(value, self.consts)
                if literal is not None and _is_const(node):
                    self.consts[key] = literal
        elif name.type == "object_pattern":
            for part in name.named_children:
                local, exported = _pattern_names(part)
                if not local:
                    continue
                self.declarations[(scope.id, local)] = node
                if required is not None and scope.type == "program":
                    spec, base = required
                    self._bind(local, spec, exported if base == "default" else base)

    def _bind(self, local: str, spec: str, name: str) -> None:
        if local:
            self.imports[local] = Binding(spec, resolve_module(spec, self.path), name)

    # ------------------------------------------------------------ lookups

    def lookup(self, name: str, at) -> object | None:
        """The declaration (variable declarator, function or class) that `name` refers to at `at`."""
        scope = scope_of(at) if at is not None else self.root
        while scope is not None:
            found = self.declarations.get((scope.id, name))
            if found is not None:
                return found
            if scope.type == "program":
                return None
            scope = self.outer_scope(scope)
        return None

    def outer_scope(self, scope):
        """`scope_of(scope)`, memoised: every lookup climbs the same few scopes."""
        if scope in self.outer:
            return self.outer[scope]
        found = self.outer[scope] = scope_of(scope)
        return found

    def value_of(self, name: str, at):
        """The initial value of a local variable (or the function declaration of that name)."""
        found = self.lookup(name, at)
        if found is None:
            return None
        if found.type == "variable_declarator":
            target = found.child_by_field_name("name")
            if target is None or target.type != "identifier":
                return None
            return found.child_by_field_name("value")
        return found

    def binding(self, name: str, at=None) -> Binding | None:
        """The import of `name`, unless a local declaration shadows it."""
        found = self.imports.get(name)
        if found is None:
            return None
        if at is not None:
            local = self.lookup(name, at)
            if local is not None and local.type == "variable_declarator" and _required_binding(
                    local.child_by_field_name("value")) is None and scope_of(local).type != "program":
                return None
        return found

    def call_parts(self, call) -> tuple[object | None, str]:
        """`call_parts(call)`, memoised: most rules start from it on every call of the file."""
        found = self.parts.get(call)
        if found is None:
            found = self.parts[call] = call_parts(call)
        return found

    def arguments(self, call) -> list:
        """`arguments_of(call)` (a fresh list), memoised like `call_parts`."""
        found = self.args.get(call)
        if found is None:
            found = self.args[call] = arguments_of(call)
        return list(found)

    def member_names(self, node) -> list[str]:
        """`member_names(node)` (a fresh list), memoised like `call_parts`."""
        if node is None:
            return []
        found = self.chains.get(node)
        if found is None:
            found = self.chains[node] = member_names(node)
        return list(found)

    def binds(self, name: str, *packages: str) -> bool:
        found = self.imports.get(name)
        return found is not None and found.spec in packages

    def imports_any(self, *prefixes: str) -> bool:
        return any(p == x or p.startswith(x + "/") for p in self.packages for x in prefixes)

    def location(self, node) -> Location:
        start = node.start_point
        return Location.at(self.path, start[0] + 1, start[1] + 1)


def required_spec(call) -> str | None:
    """`require("m")` or `import("m")`: the specifier, when it is a plain string."""
    if call is None or call.type != "call_expression":
        return None
    function = call.child_by_field_name("function")
    if function is None or not (function.type == "import"
                                or function.type == "identifier" and text_of(function) == "require"):
        return None
    args = arguments_of(call)
    return string_value(args[0]) if args else None


def _required_binding(value) -> tuple[str, str] | None:
    """(spec, exported name) for `require("m")`, `require("m").x`, `await import("m")`."""
    value = unwrap(value)
    if value is None:
        return None
    if value.type == "member_expression":
        inner = unwrap(value.child_by_field_name("object"))
        spec = required_spec(inner)
        if spec is not None:
            return spec, text_of(value.child_by_field_name("property"))
        return None
    spec = required_spec(value)
    return (spec, "default") if spec is not None else None


def _pattern_names(part) -> tuple[str, str]:
    """(local, exported) for one element of a destructuring pattern."""
    if part.type == "shorthand_property_identifier_pattern":
        return text_of(part), text_of(part)
    if part.type == "pair_pattern":
        key = part.child_by_field_name("key")
        value = part.child_by_field_name("value")
        if value is not None and value.type == "assignment_pattern":
            value = value.child_by_field_name("left")
        if value is not None and value.type == "identifier":
            return text_of(value), string_value(key) or text_of(key)
    if part.type == "object_assignment_pattern":
        left = part.child_by_field_name("left")
        if left is not None and left.type == "shorthand_property_identifier_pattern":
            return text_of(left), text_of(left)
    return "", ""


def _is_const(declarator) -> bool:
    parent = declarator.parent
    if parent is None or parent.type != "lexical_declaration":
        return False
    kind = parent.child_by_field_name("kind")
    return kind is not None and text_of(kind) == "const"


# ---------------------------------------------------------------- syntax helpers

def unwrap(node):
    """The expression inside parentheses, `await`, `as T`, `x!`, `<T>x`, `satisfies T`."""
    if node is None or node.type not in WRAPPERS:      # the usual case, without setting up the loop
        return node
    for _ in range(16):
        if node is None or node.type not in WRAPPERS:
            return node
        inner = [c for c in node.named_children if _is_wrapped_value(c.type)]
        node = inner[0] if inner else None
    return node


def _is_wrapped_value(kind: str) -> bool:
    """A child of a wrapper that is the wrapped expression, not a type or a comment."""
    return kind not in ("type_arguments", "comment", "type_identifier", "predefined_type") \
        and not kind.endswith("_type")


def arguments_of(call) -> list:
    """The argument nodes of a call or `new` expression (comments dropped)."""
    if call is None:
        return []
    args = call.child_by_field_name("arguments")
    if args is None or args.type != "arguments":
        return []
    return [a for a in args.named_children if a.type != "comment"]


def call_parts(call) -> tuple[object | None, str]:
    """(receiver, method) of `receiver.method(...)`; (None, name) of `name(...)`; (None, "")."""
    if call is None:
        return None, ""
    kind = call.type
    if kind == "call_expression":
        function = call.child_by_field_name("function")
    elif kind == "new_expression":
        function = call.child_by_field_name("constructor")
    else:
        return None, ""
    if function is None:
        return None, ""
    function_kind = function.type
    if function_kind in WRAPPERS:
        function = unwrap(function)
        if function is None:
            return None, ""
        function_kind = function.type
    if function_kind == "member_expression":
        return function.child_by_field_name("object"), text_of(function.child_by_field_name("property"))
    if function_kind == "identifier":
        return None, text_of(function)
    return None, ""


def callee(call):
    if call is None:
        return None
    return unwrap(call.child_by_field_name("function" if call.type == "call_expression" else "constructor"))


def member_names(node) -> list[str]:
    """`a.b.c` -> ["a", "b", "c"]; `this.x` -> ["this", "x"]; calls in the chain are skipped
    (`a.b().c` -> ["a", "b", "c"]); [] when the chain has no identifier root."""
    parts: list[str] = []
    current = unwrap(node)
    for _ in range(64):
        if current is None:
            return []
        kind = current.type
        if kind == "member_expression":
            parts.append(text_of(current.child_by_field_name("property")))
            current = unwrap(current.child_by_field_name("object"))
        elif kind == "subscript_expression":
            key = string_value(current.child_by_field_name("index"))
            if key is None:
                return []
            parts.append(key)
            current = unwrap(current.child_by_field_name("object"))
        elif kind == "call_expression":
            current = unwrap(current.child_by_field_name("function"))
        elif kind in ("identifier", "this", "property_identifier", "shorthand_property_identifier"):
            parts.append(text_of(current))
            return list(reversed(parts))
        else:
            return []
    return []


def root_identifier(node):
    """The identifier a member/call chain starts from, or None."""
    current = unwrap(node)
    for _ in range(64):
        if current is None:
            return None
        kind = current.type
        if kind == "identifier":
            return current
        if kind in ("member_expression", "subscript_expression"):
            current = unwrap(current.child_by_field_name("object"))
        elif kind == "call_expression":
            current = unwrap(current.child_by_field_name("function"))
        else:
            return None
    return None


def is_function(node) -> bool:
    return node is not None and node.type in FUNCTION_TYPES


def is_async(func) -> bool:
    return func is not None and any(c.type == "async" for c in func.children)


def params_of(func) -> list[tuple[str, object]]:
    """(name, parameter node) for each parameter; name "" for a destructuring pattern."""
    if func is None:
        return []
    single = func.child_by_field_name("parameter")
    if single is not None:
        return [(text_of(single) if single.type == "identifier" else "", single)]
    params = func.child_by_field_name("parameters")
    if params is None:
        return []
    found = []
    for param in params.named_children:
        if param.type == "comment":
            continue
        target = param
        if param.type in ("required_parameter", "optional_parameter"):
            target = param.child_by_field_name("pattern") or param
        if target.type == "assignment_pattern":
            target = target.child_by_field_name("left") or target
        if target.type == "this":
            continue
        found.append((text_of(target) if target.type == "identifier" else "", param))
    return found


def param_type(param) -> str:
    """The type annotation text of a TypeScript parameter ("" when none)."""
    if param is None:
        return ""
    annotation = param.child_by_field_name("type")
    return text_of(annotation).lstrip(":").strip() if annotation is not None else ""


def body_of(func):
    return func.child_by_field_name("body") if func is not None else None


def scope_of(node):
    """The nearest enclosing function, class body or program of `node` (not `node` itself); the
    outermost node when a broken tree has no program root; None only for the root itself."""
    current = node.parent if node is not None else None
    last = current
    while current is not None and current.type not in SCOPE_TYPES:
        last = current
        current = current.parent
    return current if current is not None else last


def enclosing_function(node):
    current = node.parent if node is not None else None
    while current is not None and current.type not in FUNCTION_TYPES:
        current = current.parent
    return current


def walk_local(node) -> Iterator:
    """Every node below `node`, without entering nested functions or classes (those nodes
    themselves are yielded)."""
    if node is None:
        return
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        yield current
        if current.type in _OPAQUE_TYPES:
            continue
        children = current.children
        if children:
            stack.extend(reversed(children))


def object_pairs(node) -> dict[str, object]:
    """Key -> value node of an object literal (shorthand properties map to themselves);
    `...spread` entries are kept under the key "...". Non-objects give {}."""
    node = unwrap(node)
    if node is None or node.type != "object":
        return {}
    found: dict[str, object] = {}
    for member in node.named_children:
        if member.type == "pair":
            key = member.child_by_field_name("key")
            name = string_value(key) if key is not None and key.type == "string" else text_of(key)
            value = member.child_by_field_name("value")
            if name and value is not None:
                found[name] = value
        elif member.type == "shorthand_property_identifier":
            found[text_of(member)] = member
        elif member.type == "method_definition":
            found[text_of(member.child_by_field_name("name"))] = member
        elif member.type == "spread_element":
            found["..."] = member
    return found


def resolve_object(node, view: FileView):
    """An object literal, directly or through a local `const options = {...}`."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type in ("identifier", "shorthand_property_identifier"):
        value = view.value_of(text_of(node), node)
        return unwrap(value) if value is not None and unwrap(value) is not None \
            and unwrap(value).type == "object" else None
    return node if node.type == "object" else None


def string_of(node, consts: dict[str, str] | None = None, fields: dict[str, str] | None = None,
              depth: int = 0) -> str | None:
    """A string known statically: a literal, a template whose substitutions are known constants
    (module `const`s, `this.<field>` string fields), or a `+` of those."""
    node = unwrap(node)
    if node is None or depth > MAX_DEPTH:
        return None
    kind = node.type
    if kind == "string":
        return string_value(node)
    if kind == "template_string":
        pieces = []
        for child in node.named_children:
            if child.type == "string_fragment":
                pieces.append(text_of(child))
            elif child.type == "escape_sequence":
                pieces.append(text_of(child)[1:])
            elif child.type == "template_substitution":
                inner = [c for c in child.named_children if c.type != "comment"]
                value = string_of(inner[0], consts, fields, depth + 1) if inner else None
                if value is None:
                    return None
                pieces.append(value)
        return "".join(pieces)
    if kind == "identifier" and consts and text_of(node) in consts:
        return consts[text_of(node)]
    if kind == "member_expression" and fields:
        names = member_names(node)
        if len(names) == 2 and names[0] == "this" and names[1] in fields:
            return fields[names[1]]
    if kind == "binary_expression":
        operator = node.child_by_field_name("operator")
        if operator is not None and text_of(operator) == "+":
            left = string_of(node.child_by_field_name("left"), consts, fields, depth + 1)
            right = string_of(node.child_by_field_name("right"), consts, fields, depth + 1)
            if left is not None and right is not None:
                return left + right
    return None


def strings_of(node, consts=None, fields=None) -> list[str] | None:
    """A string or an array of strings, else None."""
    node = unwrap(node)
    if node is not None and node.type == "array":
        values = [string_of(e, consts, fields) for e in node.named_children if e.type != "comment"]
        return None if not values or any(v is None for v in values) else [v for v in values if v is not None]
    value = string_of(node, consts, fields)
    return [value] if value is not None else None


def normalise_path(path: str) -> str:
    """`/users/:id(\\d+)?` -> `/users/{id}`."""
    return _PARAM.sub(lambda m: "{" + m.group(1) + "}", path)


def ends_with_param(path: str) -> bool:
    last = path.rstrip("/").rpartition("/")[2]
    return last.startswith((":", "{"))


def join_prefix(prefix: str, path: str) -> str:
    """Join two path pieces the way routers do (`/api` + `/users` -> `/api/users`)."""
    prefix = prefix.strip()
    if not prefix or prefix == "/":
        return path if path.startswith("/") or not path else "/" + path
    if not prefix.startswith("/"):
        prefix = "/" + prefix
    if not path or path == "/":
        return prefix.rstrip("/") or "/"
    return prefix.rstrip("/") + "/" + path.lstrip("/")


def number_of(node, depth: int = 0) -> float | None:
    """A number known statically: a literal, or `*`, `+`, `-`, `/`, `**` of literals."""
    node = unwrap(node)
    if node is None or depth > MAX_DEPTH:
        return None
    if node.type == "number":
        raw = text_of(node).replace("_", "")
        try:
            return float(int(raw, 0)) if raw[:2].lower() in ("0x", "0o", "0b") else float(raw)
        except ValueError:
            return None
    if node.type == "binary_expression":
        left = number_of(node.child_by_field_name("left"), depth + 1)
        right = number_of(node.child_by_field_name("right"), depth + 1)
        operator = text_of(node.child_by_field_name("operator"))
        if left is None or right is None:
            return None
        if operator == "*":
            return left * right
        if operator == "+":
            return left + right
        if operator == "-":
            return left - right
        if operator == "/" and right:
            return left / right
        if operator == "**" and abs(right) < 64:
            return left ** right
    if node.type == "identifier" and text_of(node) == "Infinity":
        return float("inf")
    return None


def is_true(node) -> bool:
    node = unwrap(node)
    return node is not None and node.type == "true"


# ---------------------------------------------------------------- function names

def function_name(func, view: FileView) -> str:
    """The name a function is known by in its module: its own name, the variable or property it
    is assigned to (through wrappers such as `fp(...)` or `asyncHandler(...)`), "default" for a
    default export or `module.exports = ...`; "" when anonymous."""
    if func is None:
        return ""
    own = func.child_by_field_name("name")
    if own is not None and func.type != "method_definition":
        return text_of(own)
    current = func
    for _ in range(8):
        parent = current.parent
        if parent is None:
            return ""
        kind = parent.type
        if kind in WRAPPERS or kind == "arguments":
            current = parent
            continue
        if kind == "call_expression" and current.type == "arguments":
            current = parent
            continue
        if kind == "variable_declarator":
            name = parent.child_by_field_name("name")
            return text_of(name) if name is not None and name.type == "identifier" else ""
        if kind == "assignment_expression":
            return export_name(parent.child_by_field_name("left"))
        if kind == "export_statement":
            return "default"
        if kind == "pair":
            return text_of(parent.child_by_field_name("key"))
        if kind in ("method_definition", "public_field_definition", "field_definition"):
            name = parent.child_by_field_name("name") or parent.child_by_field_name("property")
            return text_of(name)
        if func.type == "method_definition" and own is not None:
            return text_of(own)
        return ""
    return ""


def export_name(target) -> str:
    """`module.exports` -> "default", `module.exports.x`/`exports.x` -> "x", `x` -> "x"."""
    names = member_names(target)
    if names == ["module", "exports"]:
        return "default"
    if len(names) == 3 and names[:2] == ["module", "exports"]:
        return names[2]
    if len(names) == 2 and names[0] == "exports":
        return names[1]
    if len(names) == 1:
        return names[0]
    return ""


def function_symbol(func, view: FileView) -> str:
    name = function_name(func, view)
    if name:
        owner = enclosing_class_name(func)
        if owner and func.type == "method_definition":
            return f"{view.module}:{owner}.{name}"
        return f"{view.module}:{name}"
    return f"{view.module}:<function@{func.start_point[0] + 1}>"


def enclosing_class_name(node) -> str:
    current = node.parent if node is not None else None
    while current is not None:
        if current.type in ("class_declaration", "abstract_class_declaration", "class"):
            name = current.child_by_field_name("name")
            return text_of(name) if name is not None else ""
        current = current.parent
    return ""


def returned_names(func) -> set[str]:
    """Identifiers a function returns (an arrow's expression body counts)."""
    body = body_of(func)
    if body is None:
        return set()
    if body.type != "statement_block":
        inner = unwrap(body)
        return {text_of(inner)} if inner is not None and inner.type == "identifier" else set()
    found = set()
    for node in walk_local(body):
        if node.type == "return_statement":
            values = [c for c in node.named_children if c.type != "comment"]
            value = unwrap(values[0]) if values else None
            if value is not None and value.type == "identifier":
                found.add(text_of(value))
    return found


# ---------------------------------------------------------------- names

AUTH_NAMES = frozenset({
    "expressjwt", "expressJwt", "jwt", "requiresAuth", "auth", "protect", "protected", "protectRoute",
    "ensureLoggedIn", "ensureAuthenticated", "isAuthenticated", "authenticate", "verifyToken",
    "checkJwt", "jwtCheck", "requireAuth", "claimCheck", "requiredScopes", "claimIncludes",
    "claimEquals", "basicAuth", "ClerkExpressRequireAuth", "withAuth", "isLoggedIn", "loggedIn",
    "requireUser", "isAdmin", "adminOnly", "onlyAdmin", "restrictTo", "authorize", "checkAuth",
    "verifyJWT", "verifyJwt", "validateToken", "validateJwt", "jwtAuth", "bearerAuth", "apiKeyAuth",
    "requireApiKey", "verifyApiKey", "guard", "firebaseAuth", "verifyFirebaseToken",
})
NOT_AUTH_NAMES = frozenset({"initialize", "session", "serializeUser", "deserializeUser", "use"})
VALIDATION_WORDS = frozenset({"validate", "validator", "validation", "validated", "validates", "celebrate",
                              "validating"})
PAGE_WORDS = frozenset({"paginate", "pagination", "paginated", "paginator", "pager"})
LOADER_VERBS = frozenset({"current", "load", "attach", "get", "set", "populate", "extract", "decode", "parse",
                          "fetch", "optional", "maybe", "read", "with", "add", "inject", "resolve"})
STRONG_ROUTER_WORDS = frozenset({"router", "routers", "routes", "routing", "controller", "controllers",
                                 "endpoints"})
ROUTER_WORDS = frozenset({"router", "routers", "routes", "route", "routing", "controller", "controllers",
                          "endpoints", "endpoint", "api", "apis", "handlers", "resource", "resources",
                          "module", "plugin", "plugins", "app", "v1", "v2", "v3", "subapp"})
BENIGN_WORDS = frozenset({
    "cors", "helmet", "logger", "log", "logging", "morgan", "request", "requests", "id", "correlation",
    "compression", "compress", "body", "parser", "json", "urlencoded", "static", "cookie", "cookies",
    "error", "errors", "handler", "handlers", "not", "found", "timing", "time", "response", "metrics",
    "prometheus", "trace", "tracing", "tracer", "sentry", "cache", "cached", "etag", "upload", "uploads",
    "multer", "file", "files", "i18n", "locale", "context", "async", "wrap", "wrapper", "catch",
    "middleware", "middlewares", "mw", "setup", "init", "config", "configure", "headers", "header",
    "sanitizer", "xss", "hpp", "timeout", "db", "database", "connect", "connection", "pino", "http",
    "winston", "format", "swagger", "docs", "public", "favicon", "method", "override", "nocache",
    "no", "redirect", "https", "proxy", "trust", "inject", "container", "language", "version",
    "versioning", "health", "healthcheck", "ping", "status", "locals", "view", "views", "render",
    "template", "default", "common", "utils", "util", "helpers", "raw", "text", "express",
    "bodyparser", "cookieparser", "requestlogger", "monitor", "monitoring", "telemetry", "otel",
    "span", "gzip", "size", "limit", "content", "type", "accept", "csrf", "csurf", "flash", "set",
    "locals", "user", "agent", "ip", "real", "client", "query", "params", "method", "methods",
    "before", "after", "global", "globals", "shutdown", "graceful", "domain", "zone", "audit",
    "measure", "duration", "response", "powered", "by", "morgan", "debug", "dev", "prod",
    "success", "converter", "convert", "mongo", "clean", "serve", "setup", "render", "locals",
})
IDENTITY_WORDS = frozenset({"user", "token", "login", "auth", "jwt", "authorization", "bearer", "session",
                            "apikey", "credentials", "identity", "account", "principal"})


def words(name: str) -> tuple[str, ...]:
    return name_tokens(name)


def name_kind(name: str) -> str:
    """"auth", "rate", "validation", "page" or "" from a middleware or decorator name."""
    if not name:
        return ""
    last = name.rsplit(".", 1)[-1]
    if last in NOT_AUTH_NAMES:
        return ""
    tokens = words(name)
    if RATE_WORDS & set(tokens) or {"rate", "limit"} <= set(tokens):
        return "rate"
    if last in AUTH_NAMES or name in AUTH_NAMES:
        return "auth"
    role = name_role(name.replace(".", "_"))
    if VALIDATION_WORDS & set(tokens) and not set(tokens) & IDENTITY_WORDS:
        return "validation"
    if role == "auth" or VALIDATION_WORDS & set(tokens):
        last_tokens = words(last)
        if last_tokens and last_tokens[0] in LOADER_VERBS:
            return "auth?"
        return "auth"
    if PAGE_WORDS & set(tokens):
        return "page"
    return ""


def is_benign_name(name: str) -> bool:
    tokens = set(words(name))
    return bool(tokens) and tokens <= BENIGN_WORDS


def is_router_name(name: str) -> bool:
    """`usersRouter`, `routes`, `apiController`, `v1`; a middleware name (`apiLimiter`,
    `protectRoute`) is not one."""
    last = name.rsplit(".", 1)[-1]
    tokens = set(words(last))
    if tokens & STRONG_ROUTER_WORDS or last.endswith(("Router", "Routes", "Controller")):
        return True
    return bool(tokens & ROUTER_WORDS) and not name_kind(last)


# ---------------------------------------------------------------- handler analysis

STATUS_DENY = (401, 403)
DENY_METHODS = frozenset({"status", "sendStatus", "code", "writeHead"})
AUTH_EXCEPTIONS = frozenset({
    "UnauthorizedException", "ForbiddenException", "UnauthorizedError", "AuthenticationError",
    "ForbiddenError", "AuthorizationError", "NotAuthenticatedError", "Unauthorized", "Forbidden",
    "UnauthenticatedError", "InvalidTokenError", "AuthError",
})
TOKEN_VERIFIERS = frozenset({"verify", "jwtVerify", "verifyIdToken", "verifyAccessToken", "verifyToken",
                             "verifySessionCookie", "verifyJwt", "verifyJWT", "validateToken", "getUser"})
AUTH_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "x-auth-token", "x-access-token",
                          "apikey", "x-api-token"})
IDENTITY_MEMBERS = frozenset({"user", "userId", "currentUser", "account", "auth", "isAdmin", "admin",
                              "session", "principal", "identity", "isAuthenticated", "loggedIn"})


def status_of(node) -> int | None:
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "number":
        value = number_of(node)
        return int(value) if value is not None else None
    names = member_names(node)
    if names:
        last = names[-1].upper()
        if last in ("UNAUTHORIZED", "HTTP_STATUS_UNAUTHORIZED"):
            return 401
        if last in ("FORBIDDEN", "HTTP_STATUS_FORBIDDEN"):
            return 403
    return None


def auth_check(func) -> tuple[str, object | None]:
    """(mechanism, node) of an authentication check written in a handler or middleware body."""
    for node in walk_local(body_of(func)):
        kind = node.type
        if kind == "call_expression":
            receiver, method = call_parts(node)
            args = arguments_of(node)
            if method in DENY_METHODS and args and status_of(args[0]) in STATUS_DENY:
                return f"responds {status_of(args[0])}", node
            if method in ("isAuthenticated", "isUnauthenticated", "jwtVerify"):
                return f"{method}()", node
            if method in TOKEN_VERIFIERS and receiver is not None:
                names = member_names(receiver)
                if names and (set(words(" ".join(names))) & {"jwt", "auth", "token", "firebase", "jose",
                                                              "admin", "request", "req", "supabase",
                                                              "clerk", "cognito", "verifier", "jwks"}):
                    return f"{'.'.join(names)}.{method}()", node
            if method in ("header", "get") and receiver is not None and args \
                    and (string_value(args[0]) or "").lower() in AUTH_HEADERS \
                    and member_names(receiver)[-1:] in (["req"], ["request"], ["ctx"]):
                return f"reads the {string_value(args[0])} header", node
            if method in ("createError", "createHttpError") and args and status_of(args[0]) in STATUS_DENY:
                return f"{method}({status_of(args[0])})", node
        elif kind == "new_expression":
            _, name = call_parts(node)
            args = arguments_of(node)
            if name in AUTH_EXCEPTIONS:
                return f"throws {name}", node
            if name in ("HttpException", "HttpError", "HTTPError") and len(args) > 1 \
                    and status_of(args[1]) in STATUS_DENY:
                return f"throws {name}({status_of(args[1])})", node
        elif kind in ("member_expression", "subscript_expression"):
            names = member_names(node)
            if len(names) >= 3 and names[-2] == "headers" and names[-1].lower() in AUTH_HEADERS:
                return f"reads the {names[-1]} header", node
        elif kind == "unary_expression" and text_of(node).startswith("!"):
            operand = unwrap(node.child_by_field_name("argument"))
            names = member_names(operand)
            if len(names) >= 2 and names[-1] in IDENTITY_MEMBERS and names[0] in ("req", "request", "ctx"):
                return f"!{'.'.join(names)} check", node
    return "", None


def mentions_identity(func) -> bool:
    for node in walk_local(body_of(func)):
        if node.type in ("identifier", "property_identifier", "shorthand_property_identifier"):
            if set(words(text_of(node))) & IDENTITY_WORDS:
                return True
        elif node.type == "string_fragment" and len(text_of(node)) < 40:
            if set(words(text_of(node))) & IDENTITY_WORDS:
                return True
    return False


def request_names(func) -> tuple[str, ...]:
    params = params_of(func)
    if params and params[0][0]:
        return (params[0][0],)
    return ("req", "request")


def body_reads(func, names: tuple[str, ...]) -> list:
    """`req.body`, `req.body.x`, `const { body } = req` in a handler."""
    found = []
    params = params_of(func)
    if params and not params[0][0]:
        pattern = params[0][1]
        if pattern.type in ("required_parameter", "optional_parameter"):
            pattern = pattern.child_by_field_name("pattern") or pattern
        if pattern.type == "object_pattern" and "body" in {_pattern_names(p)[1] for p in pattern.named_children}:
            found.append(pattern)
    for node in walk_local(body_of(func)):
        if node.type == "member_expression":
            obj = unwrap(node.child_by_field_name("object"))
            if obj is not None and obj.type == "identifier" and text_of(obj) in names \
                    and text_of(node.child_by_field_name("property")) == "body":
                found.append(node)
        elif node.type == "variable_declarator":
            target = node.child_by_field_name("name")
            value = unwrap(node.child_by_field_name("value"))
            if target is not None and target.type == "object_pattern" and value is not None \
                    and value.type == "identifier" and text_of(value) in names \
                    and "body" in {_pattern_names(p)[1] for p in target.named_children}:
                found.append(node)
    return found


SCHEMA_CALLS = frozenset({"parse", "safeParse", "parseAsync", "safeParseAsync", "validate", "validateAsync",
                          "validateSync", "validateOrReject", "validationResult", "matchedData",
                          "plainToInstance", "plainToClass", "Check", "Decode", "assertValid", "is",
                          "cast", "decode"})
NOT_SCHEMA_RECEIVERS = frozenset({"JSON", "qs", "querystring", "url", "URL", "path", "cookie", "Date",
                                  "Number", "yaml", "YAML", "csv", "Papa", "bodyParser", "moment", "dayjs",
                                  "jwt", "jsonwebtoken", "Buffer", "mime", "semver", "toml", "ini", "xml",
                                  "parser", "marked", "dotenv", "new", "Intl", "contentType", "uuid",
                                  "validator", "Math"})


def body_validation(func) -> tuple[str, object | None]:
    """(mechanism, node) of a schema check of the request input inside a handler body."""
    for node in walk_local(body_of(func)):
        if node.type != "call_expression":
            continue
        receiver, method = call_parts(node)
        if method not in SCHEMA_CALLS:
            continue
        names = member_names(receiver) if receiver is not None else []
        if names and names[0] in NOT_SCHEMA_RECEIVERS:
            continue
        if method in ("validationResult", "matchedData", "plainToInstance", "plainToClass",
                      "validateOrReject"):
            return f"{method}()", node
        label = ".".join(names) if names else ("schema" if receiver is not None else method)
        if receiver is None and method in ("parse", "decode", "is", "cast", "Check", "Decode"):
            if not any(_mentions_body(a) for a in arguments_of(node)):
                continue
            return f"{method}()", node
        if receiver is None:
            if method in ("validate", "validateAsync", "validateSync", "assertValid") \
                    and any(_mentions_body(a) for a in arguments_of(node)):
                return f"{method}()", node
            continue
        tokens = set(words(" ".join(names)))
        if tokens & {"schema", "validator", "dto", "input", "body", "payload", "joi", "yup", "zod", "z",
                     "ajv", "struct", "validation", "rules", "value", "type", "types", "model", "request"} \
                or (names and names[-1][:1].isupper()) or receiver.type == "call_expression" \
                or any(_mentions_body(a) for a in arguments_of(node)):
            return f"{label}.{method}()", node
    return "", None


def _mentions_body(node) -> bool:
    for inner in [node, *walk_local(node)]:
        if inner.type == "member_expression" and text_of(inner.child_by_field_name("property")) == "body":
            return True
        if inner.type == "identifier" and text_of(inner) in ("body", "payload", "input", "data"):
            return True
    return False


def passes_request(func, names: tuple[str, ...]) -> bool:
    """Does the body hand the whole request object to another function?"""
    for node in walk_local(body_of(func)):
        if node.type == "call_expression":
            for arg in arguments_of(node):
                arg = unwrap(arg)
                if arg is not None and arg.type == "identifier" and text_of(arg) in names:
                    return True
    return False


BOUND_METHODS = frozenset({"limit", "skip", "offset", "take", "paginate", "page", "range", "top",
                           "limitToFirst", "limitToLast", "cursor", "perPage", "forPage", "batchSize"})
_LIMIT_SQL = re.compile(r"\b(limit|fetch\s+first|top)\b", re.I)
_SELECT_SQL = re.compile(r"^\s*(select|with)\b", re.I)
_WHERE_SQL = re.compile(r"\bwhere\b", re.I)


def pagination_evidence(func, names: tuple[str, ...]) -> tuple[str, object | None]:
    """(mechanism, node) when a handler pages or bounds what it reads."""
    page_names = {n.lower().replace("_", "") for n in PAGINATION_NAMES} | {"pagesize", "perpage"}
    for node in walk_local(body_of(func)):
        kind = node.type
        if kind in ("member_expression", "subscript_expression"):
            parts = member_names(node)
            if len(parts) >= 3 and parts[0] in names and parts[1] == "query" \
                    and parts[2].lower().replace("_", "") in page_names:
                return f"`{parts[2]}` query parameter", node
        elif kind == "variable_declarator":
            target = node.child_by_field_name("name")
            value = member_names(node.child_by_field_name("value"))
            if target is not None and target.type == "object_pattern" and len(value) == 2 \
                    and value[0] in names and value[1] == "query":
                for part in target.named_children:
                    local, exported = _pattern_names(part)
                    if exported.lower().replace("_", "") in page_names:
                        return f"`{exported}` query parameter", node
        elif kind == "call_expression":
            receiver, method = call_parts(node)
            if method in BOUND_METHODS and receiver is not None:
                return f".{method}()", node
            for arg in arguments_of(node):
                pairs = object_pairs(arg)
                bound = [k for k in pairs if k in ("take", "skip", "limit", "offset", "cursor", "first", "last")]
                if bound:
                    return f"`{bound[0]}` option", node
        elif kind in ("string", "template_string"):
            raw = text_of(node)
            if _SELECT_SQL.match(raw.strip("`'\"")) and _LIMIT_SQL.search(raw):
                return "SQL LIMIT", node
    return "", None


COLLECTION_METHODS = frozenset({"findMany", "findAll", "findAndCountAll", "findBy", "findAndCount",
                                "getMany", "getRawMany", "toArray", "getManyAndCount", "findAllBy",
                                "listAll", "scan"})
REPOSITORY_WORDS = frozenset({"repository", "repo", "model", "collection", "manager", "entity", "dao",
                              "store", "table", "db", "prisma", "orm"})
SINGLE_METHODS = frozenset({"findOne", "findUnique", "findFirst", "findById", "findByPk", "findOneBy",
                            "findOneOrFail", "findUniqueOrThrow", "findFirstOrThrow", "first", "count",
                            "countDocuments", "exists", "getOne", "getRawOne", "aggregate", "sum", "max",
                            "min", "findOneAndUpdate", "findByIdAndUpdate", "create", "save", "update"})


def collection_call(node) -> object | None:
    """The call reading a whole collection from a data source in an expression, or None."""
    node = unwrap(node)
    if node is None or node.type != "call_expression":
        return None
    receiver, method = call_parts(node)
    if method in SINGLE_METHODS:
        return None
    if any(_passes_paging(a) for a in arguments_of(node)):
        return None
    if method in COLLECTION_METHODS:
        return node if _data_source(receiver, method) else None
    if method in ("find", "select", "where", "orderBy", "sort", "lean", "exec", "populate", "from",
                  "innerJoin", "leftJoin", "order", "then") and receiver is not None:
        args = arguments_of(node)
        if method == "find" and args and is_function(unwrap(args[0])):
            return None
        inner = unwrap(receiver)
        if inner is not None and inner.type == "call_expression":
            found = collection_call(inner)
            if found is not None:
                return node
            _, inner_method = call_parts(inner)
            if method in ("select", "where", "from", "orderBy") and _is_table_call(inner):
                return node
        names = member_names(receiver)
        if method == "find" and names and (names[-1][:1].isupper()
                                          or set(words(names[-1])) & REPOSITORY_WORDS
                                          or names[0] == "this" and len(names) == 2
                                          and typed_repository(receiver, names[1])):
            return node
        if method in ("select",) and names and names[-1] in ("db", "knex", "database", "drizzle"):
            return node
        return None
    if method == "query" and receiver is not None:
        args = arguments_of(node)
        sql = string_of(args[0]) if args else None
        if sql is None and args and unwrap(args[0]) is not None and unwrap(args[0]).type == "template_string":
            sql = text_of(args[0]).strip("`")
        if sql and _SELECT_SQL.match(sql) and not _LIMIT_SQL.search(sql) and not _WHERE_SQL.search(sql):
            return node
        return None
    if _is_table_call(node):
        return node
    return None


PAGING_WORDS = frozenset({"query", "page", "pagination", "paging", "cursor", "limit", "pageable",
                          "paginate", "paginated", "offset"})
DATA_SOURCE_WORDS = REPOSITORY_WORDS | {"knex", "sequelize", "mongoose", "typeorm", "drizzle", "supabase",
                                        "client", "connection", "pool", "models", "schema", "query"}


def _passes_paging(arg) -> bool:
    """An argument that hands the request's query (or paging values) to the call."""
    node = unwrap(arg)
    if node is None:
        return False
    if node.type in ("identifier", "shorthand_property_identifier"):
        return bool(set(words(text_of(node))) & PAGING_WORDS)
    if node.type == "member_expression":
        names = member_names(node)
        return bool(names) and (names[-1] == "query" or bool(set(words(names[-1])) & PAGING_WORDS))
    if node.type == "object":
        return any(_passes_paging(v) or k in ("take", "skip", "limit", "offset", "cursor", "page")
                   for k, v in object_pairs(node).items() if k != "...")
    return False


def _data_source(receiver, method: str) -> bool:
    """Does a collection call run on something that reads a database (not a service method that
    happens to be called `findAll`)?"""
    names = member_names(receiver) if receiver is not None else []
    if not names:
        return False
    last = names[-1]
    if last[:1].isupper():
        return True
    if method in ("findMany", "getMany", "getRawMany", "getManyAndCount", "toArray") and len(names) >= 2:
        return True
    if method in ("getMany", "getRawMany", "getManyAndCount", "toArray"):
        return True
    tokens = set(words(" ".join(names[1:] if names[0] == "this" else names)))
    if tokens & DATA_SOURCE_WORDS:
        return True
    return names[0] == "this" and len(names) == 2 and typed_repository(receiver, names[1])


REPOSITORY_TYPES = re.compile(r"^(Repository|MongoRepository|TreeRepository|EntityRepository|Model|"
                              r"Collection|ModelStatic|ModelCtor)\b")


def typed_repository(node, name: str, types: re.Pattern = REPOSITORY_TYPES) -> bool:
    """`this.<name>` is a constructor parameter or field typed `Repository<...>`/`Model<...>` (or
    another type `types` matches)."""
    cls = node
    while cls is not None and cls.type != "class_body":
        cls = cls.parent
    if cls is None:
        return False
    for member in cls.named_children:
        if member.type == "method_definition" and text_of(member.child_by_field_name("name")) == "constructor":
            for pname, param in params_of(member):
                if pname == name and types.match(param_type(param)):
                    return True
        elif member.type in ("public_field_definition", "field_definition"):
            key = member.child_by_field_name("name") or member.child_by_field_name("property")
            annotation = member.child_by_field_name("type")
            if text_of(key) == name and annotation is not None \
                    and types.match(text_of(annotation).lstrip(":").strip()):
                return True
    return False


def class_member(node, name: str):
    """The method `name` of the class around `node`, or a field of that name holding a function."""
    cls = node
    while cls is not None and cls.type != "class_body":
        cls = cls.parent
    if cls is None:
        return None
    for member in cls.named_children:
        if member.type == "method_definition" and text_of(member.child_by_field_name("name")) == name:
            return member
        if member.type in ("public_field_definition", "field_definition"):
            key = member.child_by_field_name("name") or member.child_by_field_name("property")
            value = unwrap(member.child_by_field_name("value"))
            if text_of(key) == name and is_function(value):
                return value
    return None


def _is_table_call(call) -> bool:
    """`knex("users")`, `db("users")`: a query builder rooted at a table name."""
    function = callee(call)
    args = arguments_of(call)
    return function is not None and function.type == "identifier" \
        and text_of(function) in ("knex", "db", "trx", "database", "pg", "sql") \
        and len(args) == 1 and string_value(args[0]) is not None


def collection_result(func, names: tuple[str, ...]) -> object | None:
    """The node where a handler answers with a collection from a data source, or None."""
    assigned: dict[str, object] = {}
    for node in walk_local(body_of(func)):
        if node.type == "variable_declarator":
            target = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if target is None or value is None:
                continue
            found = collection_call(value)
            if found is None:
                continue
            if target.type == "identifier":
                assigned[text_of(target)] = found
            elif target.type in ("object_pattern", "array_pattern"):
                for part in target.named_children:
                    local = _pattern_names(part)[0] if target.type == "object_pattern" else text_of(part)
                    if local:
                        assigned[local] = found
    body = body_of(func)
    candidates = []
    if body is not None and body.type != "statement_block":
        candidates.append(body)
    for node in walk_local(body):
        if node.type == "return_statement":
            candidates.extend(c for c in node.named_children if c.type != "comment")
        elif node.type == "call_expression":
            receiver, method = call_parts(node)
            if method in ("json", "send", "jsonp") and receiver is not None:
                candidates.extend(arguments_of(node)[:1])
    for value in candidates:
        found = _collection_value(value, assigned, 0)
        if found is not None:
            return found
    return None


def _collection_value(node, assigned: dict, depth: int):
    node = unwrap(node)
    if node is None or depth > 4:
        return None
    if node.type == "identifier":
        return assigned.get(text_of(node))
    if node.type == "call_expression":
        found = collection_call(node)
        if found is not None:
            return found
        receiver, method = call_parts(node)
        if method in ("json", "send") and receiver is not None:
            args = arguments_of(node)
            return _collection_value(args[0], assigned, depth + 1) if args else None
        if method in ("map", "filter") and receiver is not None:
            return _collection_value(receiver, assigned, depth + 1)
        return None
    if node.type == "object":
        for value in object_pairs(node).values():
            if value.type == "shorthand_property_identifier":
                found = assigned.get(text_of(value))
            else:
                found = _collection_value(value, assigned, depth + 1)
            if found is not None:
                return found
    if node.type == "member_expression" and text_of(node.child_by_field_name("property")) == "rows":
        return _collection_value(node.child_by_field_name("object"), assigned, depth + 1)
    return None


# ---------------------------------------------------------------- facets

def present(mechanism: str, evidence: Location | None = None) -> Facet:
    return Facet(FacetState.PRESENT, mechanism, evidence)


def absent(mechanism: str = "", evidence: Location | None = None) -> Facet:
    return Facet(FacetState.ABSENT, mechanism, evidence)


def unknown(mechanism: str = "", evidence: Location | None = None) -> Facet:
    return Facet(FacetState.UNKNOWN, mechanism, evidence)


__all__ = [
    "Binding", "FileView", "absent", "arguments_of", "auth_check", "body_of", "body_reads",
    "body_validation", "call_parts", "callee", "collection_call", "collection_result",
    "enclosing_function", "ends_with_param", "function_name", "function_symbol", "is_async",
    "is_benign_name", "is_function", "is_router_name", "join_prefix", "member_names", "module_of",
    "name_kind", "normalise_path", "number_of", "object_pairs", "pagination_evidence", "params_of",
    "present", "resolve_module", "resolve_object", "returned_names", "root_identifier", "scope_of",
    "string_of", "strings_of", "unknown", "unwrap", "walk_local", "words",
]


def file_view(parsed) -> FileView:
    """The file's `FileView`, built once per parsed file and shared by every extractor and rule
    (memoised in `parsed.memo`, which rules see as `ctx.data`)."""
    view = parsed.memo.get("js.view")
    if view is None:
        tree = parsed.tree
        view = parsed.memo["js.view"] = FileView.of(parsed.path, tree.root_node if tree is not None else None,
                                                    preorder(parsed) if tree is not None else None)
    return view
