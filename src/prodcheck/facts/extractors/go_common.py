"""Static helpers shared by the Go route extractor and the Go rules (tree-sitter).

Nothing here runs or builds the scanned code; every function takes tree-sitter nodes and tolerates
missing fields and ERROR nodes (it answers "don't know" rather than raising).

- `module_of("internal/users/routes.go", "users") == "internal.users"`: a Go package is its
  directory, so a route symbol id reads "internal.users:Register@0"; a file at the scan root is
  named by its package clause;
- `GoFile.of(path, root)`: one file's imports (local name -> import path, blank imports kept
  apart), package-level functions, methods, struct types, string constants and variables; and its
  per-file indexes, built once from the file's node list and shared by every extractor and rule:
  `nodes_of(type)`, `parent`, `enclosing_function`, `local_nodes(func, type)`, `walk_local`, and
  the memoised `call_parts`/`arguments`/`qualified_call`/`handler_framework` of each node
  (`go_file(parsed)` gives the file's one view; `view.text(node)` slices the parsed bytes);
- syntax helpers (`call_parts`, `selector_names`, `arguments_of`, `params_of`, `walk_local`,
  `local_value`, `string_of`, `composite_fields`, ...);
- name heuristics (`words`, `middleware_kind`) and the handler shapes of net/http, gin, echo and
  fiber (`handler_framework`).
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from prodcheck.facts.extractors.go_basics import default_package_name
from prodcheck.facts.extractors.python_common import name_tokens
from prodcheck.facts.extractors.python_handlers import name_role
from prodcheck.model import Location
from prodcheck.parsing.treesitter import descendants, preorder, string_value, text_of

FUNCTION_TYPES = frozenset({"function_declaration", "method_declaration", "func_literal"})
STRING_TYPES = frozenset({"interpreted_string_literal", "raw_string_literal"})
MAX_DEPTH = 32


@functools.lru_cache(maxsize=8192)
def words(name: str) -> tuple[str, ...]:
    """`name_tokens`, memoised: rules ask for the words of the same few names on every call."""
    return name_tokens(name)


# ---------------------------------------------------------------- files and imports

def module_of(path: str, package: str = "") -> str:
    """The dotted package directory of a Go file; the package clause's name at the scan root."""
    parent = PurePosixPath(path).parent
    parts = [p for p in parent.parts if p not in ("", ".")]
    return ".".join(parts) if parts else (package or "main")


def import_module(import_path: str) -> str:
    """The module part of a symbol that names a package by its import path: its directory name
    (`github.com/acme/shop/internal/users` -> `users`), which `facts/routes.py` matches by suffix
    against the dotted directories of the scanned files."""
    parts = [p for p in import_path.split("/") if p]
    return parts[-1] if parts else import_path


@dataclass
class GoFile:
    """One Go file as the extractors and rules read it."""
    path: str
    root: object
    package: str = ""
    module: str = ""
    imports: dict[str, str] = field(default_factory=dict)            # local name -> import path
    blank_imports: list[tuple[str, object]] = field(default_factory=list)
    functions: dict[str, object] = field(default_factory=dict)       # name -> function_declaration
    methods: dict[tuple[str, str], object] = field(default_factory=dict)  # (type, name) -> decl
    structs: dict[str, object] = field(default_factory=dict)         # name -> struct_type
    consts: dict[str, str] = field(default_factory=dict)             # package-level string constants
    package_vars: dict[str, object] = field(default_factory=dict)    # name -> value expression
    source: bytes | None = field(default=None, repr=False)           # the parsed bytes, for `text`
    _declared: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)
    _blocks: dict[int, dict] = field(default_factory=dict, repr=False)
    preorder: Callable[[], object] | None = field(default=None, repr=False)  # -> treesitter.Preorder
    _nodes: list | None = field(default=None, repr=False)             # every node, in source order
    _depths: list[int] | None = field(default=None, repr=False)
    _types: list[str] | None = field(default=None, repr=False)
    _order: dict[int, int] | None = field(default=None, repr=False)   # node id -> index in _nodes
    _positions: dict[str, list[int]] = field(default_factory=dict, repr=False)   # type -> indexes in _nodes
    _by_type: dict = field(default_factory=dict, repr=False)           # type(s) -> nodes, memoised
    _parents: dict[int, object] | None = field(default=None, repr=False)   # node id -> parent node
    _calls: dict[int, tuple] = field(default_factory=dict, repr=False)     # call id -> call_parts
    _arguments: dict[int, list] = field(default_factory=dict, repr=False)  # call id -> arguments_of
    _qualified: dict[int, tuple[str, str]] = field(default_factory=dict, repr=False)
    _enclosing: dict[int, object] = field(default_factory=dict, repr=False)
    _outermost: dict[int, object] = field(default_factory=dict, repr=False)
    _frameworks: dict[int, str] = field(default_factory=dict, repr=False)  # function id -> framework
    _local_names: frozenset[str] | None = field(default=None, repr=False)
    _owned: dict[str, dict[int, list]] = field(default_factory=dict, repr=False)  # type -> function id -> nodes

    @classmethod
    def of(cls, path: str, root, source: bytes | None = None, preorder: Callable[[], object] | None = None) -> GoFile:
        view = cls(path, root, source=source, preorder=preorder)
        if root is not None:
            view._index()
        view.module = module_of(path, view.package)
        return view

    def _index(self) -> None:
        for node in self.root.named_children:
            kind = node.type
            if kind == "package_clause":
                self.package = next((self.text(c) for c in node.named_children
                                     if c.type == "package_identifier"), "")
            elif kind == "import_declaration":
                for spec in descendants(node, "import_spec"):
                    self._import(spec)
            elif kind == "function_declaration":
                name = self.text(node.child_by_field_name("name"))
                if name:
                    self.functions[name] = node
            elif kind == "method_declaration":
                name = self.text(node.child_by_field_name("name"))
                owner = receiver_type(node)
                if name:
                    self.methods[(owner, name)] = node
            elif kind == "type_declaration":
                for spec in node.named_children:
                    if spec.type == "type_spec":
                        body = spec.child_by_field_name("type")
                        if body is not None and body.type == "struct_type":
                            self.structs[self.text(spec.child_by_field_name("name"))] = body
            elif kind in ("const_declaration", "var_declaration"):
                for spec in descendants(node, "const_spec", "var_spec"):
                    self._value_spec(spec, kind == "const_declaration")

    def _import(self, spec) -> None:
        path = string_value(spec.child_by_field_name("path"))
        if not path:
            return
        alias = spec.child_by_field_name("name")
        local = self.text(alias) if alias is not None else default_package_name(path)
        if local == "_":
            self.blank_imports.append((path, spec))
        elif local != ".":
            self.imports[local] = path

    def _value_spec(self, spec, constant: bool) -> None:
        names = [c for c in spec.children_by_field_name("name") if c.type == "identifier"]
        value = spec.child_by_field_name("value")
        values = [v for v in value.named_children if v.type != "comment"] if value is not None else []
        for index, name in enumerate(names):
            if index >= len(values):
                break
            key = self.text(name)
            literal = string_value(values[index])
            if literal is not None:
                self.consts[key] = literal
            if not constant:
                self.package_vars[key] = values[index]

    # ------------------------------------------------------------ lookups

    def package_path(self, node) -> str:
        """The import path an identifier names when it is a package (not shadowed locally)."""
        if node is None:
            return ""
        kind = node.type
        if kind != "identifier" and kind != "package_identifier":
            return ""
        name = self.text(node)
        path = self.imports.get(name, "")
        if path and kind == "identifier" and self.shadowed(name, node):
            return ""
        return path

    def shadowed(self, name: str, at) -> bool:
        """Is `name` declared (anywhere) in a function enclosing `at`? Memoised per function."""
        if self.root is not None and name not in self.local_names():
            return False                     # declared by no function of the file
        func = self.enclosing_function(at)
        while func is not None:
            names = self._declared.get(func.id)
            if names is None:
                names = self._declared[func.id] = declared_names(func, self)
            if name in names:
                return True
            func = self.enclosing_function(func)
        return False

    def local_names(self) -> frozenset[str]:
        """A superset of the names `declared_names` finds in any function of the file: every name
        a parameter, `:=`, range clause, `var` or `const` spec declares, wherever it stands."""
        if self._local_names is None:
            text = self.text
            names: set[str] = set()
            for node in self.nodes_of("parameter_declaration", "variadic_parameter_declaration",
                                      "var_spec", "const_spec"):
                names.update(text(n) for n in node.children_by_field_name("name"))
            for node in self.nodes_of("short_var_declaration", "range_clause"):
                left = node.child_by_field_name("left")
                if left is not None:
                    names.update(text(c) for c in left.named_children if c.type == "identifier")
            self._local_names = frozenset(names)
        return self._local_names

    # ------------------------------------------------------------ per-file views of the tree

    def text(self, node) -> str:
        """The source text of a node (empty for None), sliced from the file's bytes."""
        if node is None:
            return ""
        if self.source is None:
            return text_of(node)
        return self.source[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def _walk_once(self) -> None:
        if self.preorder is not None:           # the file's shared node list (`treesitter.preorder`)
            listed = self.preorder()
            nodes, types, self._depths = listed.nodes, listed.types, listed.depths
            self._types = types
        else:
            nodes, types = [], []
            stack = [self.root] if self.root is not None else []
            while stack:
                node = stack.pop()
                nodes.append(node)
                types.append(node.type)
                children = node.children
                if children:
                    stack.extend(children[::-1])
        positions: dict[str, list[int]] = {}
        positions_of = positions.get
        for index, kind in enumerate(types):
            same = positions_of(kind)
            if same is None:
                positions[kind] = [index]
            else:
                same.append(index)
        self._nodes, self._positions = nodes, positions

    def nodes_of(self, *types: str) -> list:
        """Every node of these types in the file, in source order (the order of a depth-first
        walk). One walk per file, shared by every extractor and rule."""
        if self._nodes is None:
            self._walk_once()
        key = types[0] if len(types) == 1 else types
        found = self._by_type.get(key)
        if found is None:
            nodes = self._nodes
            indexes = self._positions.get(key, []) if len(types) == 1 \
                else sorted(i for kind in types for i in self._positions.get(kind, ()))
            found = self._by_type[key] = [nodes[i] for i in indexes]
        return found

    def walk_local(self, node, into_literals: bool = True) -> Iterator:
        """`walk_local(node, into_literals)` read from the file's node list: the nodes under `node`
        in source order, without asking tree-sitter for each node's children again."""
        if node is None:
            return
        if self._nodes is None:
            self._walk_once()
        if self._depths is None:                 # no depth-annotated list: walk the tree itself
            yield from walk_local(node, into_literals)
            return
        if self._order is None:
            self._order = {current.id: index for index, current in enumerate(self._nodes)}
        start = self._order.get(node.id)
        if start is None:
            yield from walk_local(node, into_literals)
            return
        nodes, types, depths = self._nodes, self._types, self._depths
        top = depths[start]
        index, end = start + 1, len(nodes)
        while index < end and depths[index] > top:
            yield nodes[index]
            if types[index] == "func_literal" and not into_literals:
                inner = depths[index]
                index += 1
                while index < end and depths[index] > inner:
                    index += 1
                continue
            index += 1

    def scattered_nodes_of(self, *types: str) -> list:
        """`nodes_of` for node types that never nest in one another (`import_spec`,
        `package_clause`), found by a tree-sitter query instead of a walk in Python: for a file
        that needs nothing else, the tree is never materialised node by node."""
        if self._nodes is not None or self.root is None:
            return self.nodes_of(*types)
        from tree_sitter import QueryCursor
        captures = QueryCursor(_type_query(types)).captures(self.root)
        return sorted((node for found in captures.values() for node in found), key=_start_byte)

    def parent(self, node):
        """`node.parent` from a per-file map: tree-sitter answers `.parent` by descending from the
        root again on every call."""
        parents = self._parents
        if parents is None:
            if self._nodes is None:
                self._walk_once()
            parents = self._parents = {}
            if self._depths is not None:         # in a depth-first list, a node's parent is the
                last_at_depth: list = []         # last node seen one level up
                for current, depth in zip(self._nodes, self._depths):
                    if depth < len(last_at_depth):
                        last_at_depth[depth] = current
                    else:
                        last_at_depth.append(current)
                    if depth:
                        parents[current.id] = last_at_depth[depth - 1]
            else:
                for current in self._nodes:
                    for child in current.children:
                        parents[child.id] = current
        return parents.get(node.id)

    def enclosing_function(self, node):
        """`enclosing_function(node)`, memoised per node."""
        if node is None:
            return None
        key = node.id
        if key in self._enclosing:
            return self._enclosing[key]
        current = self.parent(node)
        while current is not None and current.type not in FUNCTION_TYPES:
            current = self.parent(current)
        self._enclosing[key] = current
        return current

    def outermost_function(self, node):
        """`outermost_function(node)`, memoised per node."""
        if node is None:
            return None
        key = node.id
        if key in self._outermost:
            return self._outermost[key]
        current = node
        found = None
        while current is not None:
            kind = current.type
            if kind == "function_declaration" or kind == "method_declaration":
                found = current
                break
            if kind == "func_literal":
                found = current
            current = self.parent(current)
        self._outermost[key] = found
        return found

    def calls_in(self, func) -> list:
        """The calls of `func`'s body outside nested `func` literals, in source order: what
        `walk_local(body_of(func), into_literals=False)` yields of type call_expression."""
        return self.local_nodes(func, "call_expression")

    def local_nodes(self, func, kind: str) -> list:
        """The nodes of type `kind` in `func`'s body outside nested `func` literals, in source
        order (those `walk_local(body_of(func), into_literals=False)` yields)."""
        body = body_of(func)
        if body is None:
            return []
        grouped = self._owned.get(kind)
        if grouped is None:
            grouped = self._owned[kind] = {}
            for node in self.nodes_of(kind):
                owner = self.enclosing_function(node)
                if owner is not None:
                    grouped.setdefault(owner.id, []).append(node)
        start, end = body.start_byte, body.end_byte
        return [node for node in grouped.get(func.id, ())
                if start <= node.start_byte and node.end_byte <= end]

    def arguments(self, call) -> list:
        """`arguments_of(call)`, memoised per call (a shared list: read it, do not change it)."""
        if call is None:
            return []
        key = call.id
        found = self._arguments.get(key)
        if found is None:
            found = self._arguments[key] = arguments_of(call)
        return found

    def call_parts(self, call) -> tuple[object | None, str]:
        """`call_parts(call)`, memoised per call."""
        if call is None:
            return None, ""
        key = call.id
        found = self._calls.get(key)
        if found is None:
            found = self._calls[key] = call_parts(call, self)
        return found

    def qualified_call(self, call) -> tuple[str, str]:
        """`qualified_call(call, view)`, memoised per call."""
        if call is None:
            return "", ""
        key = call.id
        found = self._qualified.get(key)
        if found is None:
            operand, name = self.call_parts(call)
            found = self._qualified[key] = ("", name) if operand is None \
                else (self.package_path(unparen(operand)), name)
        return found

    def handler_framework(self, func) -> str:
        """`handler_framework(func, view)`, memoised per function."""
        if func is None:
            return ""
        key = func.id
        found = self._frameworks.get(key)
        if found is None:
            found = self._frameworks[key] = handler_framework(func, self)
        return found

    def imports_any(self, *prefixes: str) -> bool:
        paths = [*self.imports.values(), *(p for p, _ in self.blank_imports)]
        return any(p == x or p.startswith(x + "/") for p in paths for x in prefixes)

    def local_name_of(self, *prefixes: str) -> list[str]:
        """The local names bound to imports of these paths (or their subpackages)."""
        return [local for local, p in self.imports.items()
                if any(p == x or p.startswith(x + "/") for x in prefixes)]

    def location(self, node) -> Location:
        start = node.start_point
        return Location.at(self.path, start[0] + 1, start[1] + 1)

    def method_named(self, name: str, owner: str = ""):
        if owner:
            return self.methods.get((owner, name))
        found = [decl for (_, method), decl in self.methods.items() if method == name]
        return found[0] if len(found) == 1 else None


@functools.cache
def _type_query(types: tuple[str, ...]):
    """A compiled query capturing every node of these types (compiled once per process)."""
    from tree_sitter import Query
    from prodcheck.parsing.treesitter import language
    return Query(language("go"), " ".join(f"({kind}) @node" for kind in types))


def _start_byte(node) -> int:
    return node.start_byte


def receiver_type(method) -> str:
    """`func (s *Server) routes()` -> "Server" (type parameters dropped)."""
    receiver = method.child_by_field_name("receiver") if method is not None else None
    if receiver is None:
        return ""
    for param in receiver.named_children:
        if param.type == "parameter_declaration":
            return base_type_name(param.child_by_field_name("type"))
    return ""


def base_type_name(node) -> str:
    """`*pkg.Type[T]` -> "Type"; "" when the node names no type."""
    for _ in range(MAX_DEPTH):
        if node is None:
            return ""
        if node.type in ("pointer_type", "parenthesized_type"):
            node = node.named_children[0] if node.named_children else None
            continue
        if node.type == "generic_type":
            node = node.child_by_field_name("type")
            continue
        if node.type == "qualified_type":
            return text_of(node.child_by_field_name("name"))
        if node.type == "type_identifier":
            return text_of(node)
        return ""
    return ""


def type_ref(node, view: GoFile) -> tuple[str, str]:
    """(import path, type name) of `*pkg.Type`, `pkg.Type` ("" path for a local type)."""
    for _ in range(MAX_DEPTH):
        if node is None:
            return "", ""
        if node.type in ("pointer_type", "parenthesized_type"):
            node = node.named_children[0] if node.named_children else None
            continue
        if node.type == "generic_type":
            node = node.child_by_field_name("type")
            continue
        if node.type == "qualified_type":
            package = view.text(node.child_by_field_name("package"))
            return view.imports.get(package, ""), view.text(node.child_by_field_name("name"))
        if node.type == "type_identifier":
            return "", view.text(node)
        return "", ""
    return "", ""


# ---------------------------------------------------------------- syntax helpers

def unparen(node):
    if node is None or node.type != "parenthesized_expression":
        return node
    for _ in range(MAX_DEPTH):
        if node is None or node.type != "parenthesized_expression":
            return node
        inner = [c for c in node.named_children if c.type != "comment"]
        node = inner[0] if inner else None
    return node


def arguments_of(call) -> list:
    if call is None or call.type != "call_expression":
        return []
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type != "comment"]


def call_parts(call, view: GoFile | None = None) -> tuple[object | None, str]:
    """(operand, name) of `operand.name(...)`; (None, name) of `name(...)`; (None, "").
    `view.call_parts(call)` is the memoised form."""
    if call is None or call.type != "call_expression":
        return None, ""
    function = unparen(call.child_by_field_name("function"))
    if function is None:
        return None, ""
    text = view.text if view is not None else text_of
    kind = function.type
    if kind == "selector_expression":
        return function.child_by_field_name("operand"), text(function.child_by_field_name("field"))
    if kind == "identifier":
        return None, text(function)
    if kind == "generic_type":               # f[T](...)
        return None, text(function.child_by_field_name("type"))
    return None, ""


def assignment_pairs(node) -> list[tuple]:
    """(target, value) of each position of an `assignment_statement`: `a, b = x, y`."""
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    targets = left.named_children if left is not None else []
    values = right.named_children if right is not None else []
    return list(zip(targets, values))


def selector_names(node, view: GoFile | None = None) -> list[str]:
    """`a.b.c` -> ["a", "b", "c"]; calls in the chain are skipped (`a.b().c` -> ["a", "b", "c"]);
    [] when the chain has no identifier root."""
    text = view.text if view is not None else text_of
    parts: list[str] = []
    current = unparen(node)
    for _ in range(MAX_DEPTH):
        if current is None:
            return []
        kind = current.type
        if kind == "selector_expression":
            parts.append(text(current.child_by_field_name("field")))
            current = unparen(current.child_by_field_name("operand"))
        elif kind == "call_expression":
            current = unparen(current.child_by_field_name("function"))
        elif kind == "identifier" or kind == "package_identifier":
            parts.append(text(current))
            return list(reversed(parts))
        elif kind == "unary_expression" or kind == "index_expression":
            current = unparen(current.child_by_field_name("operand"))
        else:
            return []
    return []


def qualified_call(call, view: GoFile) -> tuple[str, str]:
    """(import path, name) of a package-level call `pkg.Name(...)`, else ("", name or "")."""
    return view.qualified_call(call)


def is_package_call(call, view: GoFile, paths: tuple[str, ...], names=None) -> bool:
    path, name = qualified_call(call, view)
    return bool(path) and path in paths and (names is None or name in names)


def enclosing_function(node):
    current = node.parent if node is not None else None
    while current is not None:
        if current.type in FUNCTION_TYPES:
            return current
        current = current.parent
    return None


def outermost_function(node):
    """The top-level function or method declaration that holds `node`."""
    current = node
    found = None
    while current is not None:
        if current.type in ("function_declaration", "method_declaration"):
            return current
        if current.type == "func_literal":
            found = current
        current = current.parent
    return found


def function_name(func) -> str:
    if func is None or func.type == "func_literal":
        return ""
    return text_of(func.child_by_field_name("name"))


def body_of(func):
    return func.child_by_field_name("body") if func is not None else None


def params_of(func) -> list[tuple[str, object]]:
    """(name, type node) for every parameter; unnamed parameters get ""."""
    params = func.child_by_field_name("parameters") if func is not None else None
    found: list[tuple[str, object]] = []
    if params is None:
        return found
    for decl in params.named_children:
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        kind = decl.child_by_field_name("type")
        names = [c for c in decl.children_by_field_name("name") if c.type == "identifier"]
        if not names:
            found.append(("", kind))
        for name in names:
            found.append((text_of(name), kind))
    return found


def result_types(func) -> list[object]:
    result = func.child_by_field_name("result") if func is not None else None
    if result is None:
        return []
    if result.type == "parameter_list":
        types = []
        for decl in result.named_children:
            if decl.type != "parameter_declaration":
                continue
            kind = decl.child_by_field_name("type")
            names = [c for c in decl.children_by_field_name("name") if c.type == "identifier"]
            types.extend([kind] * max(1, len(names)))
        return types
    return [result]


def walk_local(node, into_literals: bool = True) -> Iterator:
    """Nodes under `node` in source order; nested `func` literals are skipped unless
    `into_literals` (declarations never nest in Go)."""
    if node is None:
        return
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        yield current
        if current.type == "func_literal" and not into_literals:
            continue
        if current.child_count:
            stack.extend(reversed(current.children))


def statements_of(block) -> list:
    """The statements of a block (the grammar may wrap them in a `statement_list`)."""
    if block is None:
        return []
    found = []
    for child in block.named_children:
        if child.type == "statement_list":
            found.extend(c for c in child.named_children if c.type != "comment")
        elif child.type != "comment":
            found.append(child)
    return found


def has_comment(block) -> bool:
    if block is None:
        return False
    return any(c.type == "comment" for c in walk_local(block))


# ---------------------------------------------------------------- values

def local_declaration(name: str, at, view: GoFile | None = None):
    """The declaration binding `name` where `at` stands, by Go's block scoping: a `:=` or `var`
    earlier in an enclosing block (or `case` clause), an `if`/`for`/`switch` initializer or range
    clause, a parameter, receiver or named result of an enclosing function (literals included);
    None when the name is not declared locally (a package-level name or an import). The node
    returned is the `short_var_declaration`, `var_spec`, `range_clause` or `parameter_list`.
    Pass the file's `view` to memoise the per-block indexes."""
    current = at
    for _ in range(4096):
        parent = current.parent if current is not None else None
        if parent is None:
            return None
        kind = parent.type
        if kind in FUNCTION_TYPES:
            found = _declared_params(parent, name)
            if found is not None:
                return found
            if kind != "func_literal":
                return None
        elif kind in SCOPE_LISTS:
            found = None
            for position, decl in _block_index(parent, view).get(name, ()):
                if position < current.start_byte:
                    found = decl
            if found is not None:
                return found
        elif kind in ("if_statement", "expression_switch_statement", "type_switch_statement", "for_statement"):
            found = _clause_declaration(parent, name, current)
            if found is not None:
                return found
        current = parent
    return None


SCOPE_LISTS = frozenset({"statement_list", "block", "expression_case", "default_case", "type_case",
                         "communication_case"})


def _declared_params(func, name: str):
    for pname, _ in params_of(func):
        if pname == name:
            return func.child_by_field_name("parameters")
    for part in ("receiver", "result"):
        node = func.child_by_field_name(part) if func.type == "method_declaration" or part == "result" else None
        if node is not None and node.type == "parameter_list":
            for decl in node.named_children:
                if any(text_of(n) == name for n in decl.children_by_field_name("name")):
                    return node
    return None


def _block_index(block, view: GoFile | None) -> dict[str, list]:
    memo = view._blocks if view is not None else None
    if memo is not None and block.id in memo:
        return memo[block.id]
    text = view.text if view is not None else text_of
    index: dict[str, list] = {}
    for statement in block.named_children:
        if statement.type == "short_var_declaration":
            left = statement.child_by_field_name("left")
            for target in (left.named_children if left is not None else []):
                if target.type == "identifier":
                    index.setdefault(text(target), []).append((statement.start_byte, statement))
        elif statement.type == "var_declaration":
            for spec in descendants(statement, "var_spec"):
                for target in spec.children_by_field_name("name"):
                    index.setdefault(text(target), []).append((statement.start_byte, spec))
    if memo is not None:
        memo[block.id] = index
    return index


def _clause_declaration(statement, name: str, current):
    """A name declared by `if x := ...;`, `switch v := x.(type)`, `for i := 0; ...` or a range."""
    candidates = []
    initializer = statement.child_by_field_name("initializer")
    if initializer is not None:
        candidates.append(initializer)
    if statement.type == "type_switch_statement":
        alias = statement.child_by_field_name("alias")
        if alias is not None and any(text_of(c) == name for c in ([alias] + list(alias.named_children))):
            return statement
    for child in statement.named_children:
        if child.type in ("for_clause", "range_clause"):
            clause_init = child.child_by_field_name("initializer") if child.type == "for_clause" else child
            if clause_init is not None:
                candidates.append(clause_init)
    for node in candidates:
        if node.id == current.id:
            continue
        if node.type in ("short_var_declaration", "range_clause"):
            left = node.child_by_field_name("left")
            if left is not None and any(c.type == "identifier" and text_of(c) == name for c in left.named_children):
                return node
    return None


DECLARING = ("short_var_declaration", "range_clause", "var_spec", "const_spec")


def declared_names(func, view: GoFile | None = None) -> frozenset[str]:
    """Every name a function declares: parameters, receiver, results, `:=`, `var`, range. With the
    file's `view`, the declarations come from its per-function index instead of a walk."""
    text = view.text if view is not None else text_of
    names = {name for name, _ in params_of(func) if name}
    for part in ("receiver", "result"):
        node = func.child_by_field_name(part)
        if node is not None and node.type == "parameter_list":
            for decl in node.named_children:
                names.update(text(n) for n in decl.children_by_field_name("name"))
    if view is None:
        declarations = [n for n in walk_local(body_of(func), into_literals=False) if n.type in DECLARING]
    else:
        declarations = [n for kind in DECLARING for n in view.local_nodes(func, kind)]
    for node in declarations:
        if node.type in ("short_var_declaration", "range_clause"):
            left = node.child_by_field_name("left")
            if left is not None:
                names.update(text(c) for c in left.named_children if c.type == "identifier")
        else:
            names.update(text(n) for n in node.children_by_field_name("name"))
    return frozenset(names)


def declared_value(decl, name: str):
    """The initial value bound to `name` by a `:=`/`var` declaration, or None."""
    if decl is None:
        return None
    if decl.type == "short_var_declaration":
        left = decl.child_by_field_name("left")
        right = decl.child_by_field_name("right")
        return _paired(left.named_children if left is not None else [], right, name)
    if decl.type == "var_spec":
        names = list(decl.children_by_field_name("name"))
        return _paired(names, decl.child_by_field_name("value"), name)
    return None


def declared_type(decl, name: str):
    """The type node of a `var x T` or a parameter `x T`, or None."""
    if decl is None:
        return None
    if decl.type == "var_spec" and any(text_of(n) == name for n in decl.children_by_field_name("name")):
        return decl.child_by_field_name("type")
    if decl.type == "parameter_list":
        for child in decl.named_children:
            if any(text_of(n) == name for n in child.children_by_field_name("name")):
                return child.child_by_field_name("type")
    return None


def _paired(names: list, values_node, name: str):
    if values_node is None:
        return None
    values = [v for v in values_node.named_children if v.type != "comment"] \
        if values_node.type == "expression_list" else [values_node]
    names = [n for n in names if n.type == "identifier"]
    if len(values) == 1 and len(names) > 1 and values[0].type == "call_expression":
        # `v, err := f()`: every name comes from the one call
        return values[0] if any(text_of(n) == name for n in names) else None
    if len(values) != len(names):
        return None
    for target, value in zip(names, values):
        if text_of(target) == name:
            return value
    return None


def local_value(name: str, at, view: GoFile | None = None):
    """The expression a local variable was initialised with (None: a parameter, unknown)."""
    decl = local_declaration(name, at, view)
    return declared_value(decl, name)


def assignments_to(name: str, func) -> list:
    """The values assigned to `name` with `=` anywhere in `func`'s body."""
    found = []
    for node in walk_local(body_of(func)):
        if node.type == "assignment_statement":
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            value = _paired(left.named_children if left is not None else [], right, name)
            if value is not None:
                found.append(value)
    return found


def string_of(node, consts: dict[str, str] | None = None, at=None, view: GoFile | None = None) -> str | None:
    """The value of a string literal, a constant, or a `+` concatenation of them."""
    node = unparen(node)
    if node is None:
        return None
    literal = string_value(node)
    if literal is not None:
        return literal
    text = view.text if view is not None else text_of
    if node.type == "identifier":
        name = text(node)
        if at is not None:
            decl = local_declaration(name, at, view)
            if decl is not None:
                value = declared_value(decl, name)
                if value is not None and value.id != node.id:
                    return string_of(value, consts, None, view)
                return None
        return (consts or {}).get(name)
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) == "+":
        left = string_of(node.child_by_field_name("left"), consts, at, view)
        right = string_of(node.child_by_field_name("right"), consts, at, view)
        if left is not None and right is not None:
            return left + right
    return None


def composite_fields(node) -> dict[str, object]:
    """Keyed elements of a composite literal `T{Key: value}` (also through `&`): key -> value."""
    node = unparen(node)
    if node is not None and node.type == "unary_expression":
        node = unparen(node.child_by_field_name("operand"))
    if node is None or node.type != "composite_literal":
        return {}
    body = node.child_by_field_name("body")
    found: dict[str, object] = {}
    if body is None:
        return found
    for element in body.named_children:
        if element.type != "keyed_element":
            continue
        key = element.child_by_field_name("key")
        value = element.child_by_field_name("value")
        if key is None:
            parts = [c for c in element.named_children if c.type != "comment"]
            key, value = (parts[0], parts[1]) if len(parts) == 2 else (None, None)
        key_node = _element(key)
        if key_node is not None:
            found[text_of(key_node)] = _element(value)
    return found


def _element(node):
    if node is not None and node.type == "literal_element":
        inner = [c for c in node.named_children if c.type != "comment"]
        return inner[0] if inner else None
    return node


def element_value(node):
    """The expression a composite literal's element holds (through `literal_element` wrapping and
    parentheses), or None."""
    return unparen(_element(node))


def composite_type(node, view: GoFile) -> tuple[str, str]:
    """(import path, type name) of a composite literal `pkg.T{...}` / `&pkg.T{...}`."""
    node = unparen(node)
    if node is not None and node.type == "unary_expression":
        node = unparen(node.child_by_field_name("operand"))
    if node is None or node.type != "composite_literal":
        return "", ""
    return type_ref(node.child_by_field_name("type"), view)


def is_true(node) -> bool:
    node = unparen(node)
    return node is not None and node.type == "true"


# ---------------------------------------------------------------- handlers

HANDLER_PARAMS = {
    ("net/http", "ResponseWriter"): "net/http",
    ("github.com/gin-gonic/gin", "Context"): "gin",
    ("github.com/labstack/echo/v4", "Context"): "echo",
    ("github.com/labstack/echo", "Context"): "echo",
    ("github.com/gofiber/fiber/v2", "Ctx"): "fiber",
    ("github.com/gofiber/fiber/v3", "Ctx"): "fiber",
    ("github.com/gofiber/fiber", "Ctx"): "fiber",
}


def handler_framework(func, view: GoFile) -> str:
    """The framework whose request handler signature `func` has, or ""."""
    for _, kind in params_of(func):
        path, name = type_ref(kind, view)
        found = HANDLER_PARAMS.get((path, name))
        if found:
            return found
    return ""


def handler_params(func, view: GoFile) -> dict[str, str]:
    """Parameter name -> role ("writer", "request", "context") of a handler."""
    roles: dict[str, str] = {}
    for name, kind in params_of(func):
        path, type_name = type_ref(kind, view)
        if (path, type_name) == ("net/http", "ResponseWriter"):
            roles[name] = "writer"
        elif (path, type_name) == ("net/http", "Request"):
            roles[name] = "request"
        elif HANDLER_PARAMS.get((path, type_name)):
            roles[name] = "context"
    return roles


# ---------------------------------------------------------------- names

AUTH_NAMES = frozenset({
    "auth", "jwt", "jwtauth", "basicauth", "keyauth", "requirelogin", "authenticate", "authenticator",
    "verifier", "authorize", "authmiddleware", "jwtmiddleware", "protect", "protected", "guard",
    "requireauth", "isauthenticated", "mustauth", "ensureauth", "checkauth", "verifytoken",
    "validatetoken", "bearer", "apikey", "oauth", "casbin", "rbac", "acl", "authz", "authn",
})
BENIGN_WORDS = frozenset({
    "logger", "log", "logging", "recovery", "recoverer", "recover", "cors", "gzip", "compress",
    "request", "id", "requestid", "real", "ip", "realip", "timeout", "heartbeat", "strip", "slashes",
    "clean", "path", "no", "cache", "nocache", "metrics", "prometheus", "tracing", "trace", "otel",
    "sentry", "secure", "headers", "header", "helmet", "static", "body", "limit", "size", "etag",
    "content", "type", "charset", "profiler", "pprof", "redirect", "https", "trailing", "slash",
    "method", "override", "decompress", "throttle", "middleware", "mw", "context", "ctx", "json",
    "error", "errors", "handler", "i18n", "locale", "db", "tx", "database", "set", "with", "value",
    "favicon", "swagger", "docs", "default", "new", "config", "instrument", "instrumentation",
    "monitor", "latency", "timing", "observability", "telemetry", "tracer", "server", "version",
    "app", "env", "csrf", "gin", "echo", "fiber", "chi", "negroni", "handlers", "func", "content",
    "encoding", "cleanup", "access", "lang", "language", "otelgin", "otelecho", "otelhttp",
    "session", "sessions", "store", "cookie", "render", "url", "format", "allow", "compression",
    "ginzap", "zap", "zerolog", "logrus", "slog", "sloggin", "ginlogrus", "serve", "requestlogger",
})


SETUP_WORDS = frozenset({"register", "routes", "route", "router", "routers", "setup", "init", "mount", "add",
                         "configure", "install", "attach", "bind", "build", "create", "handlers", "endpoints"})


def wraps_with(name: str) -> str:
    """"auth" or "rate" when a call named `name` wraps a router or handler in such a middleware
    (`authMiddleware(mux)`, `jwtMiddleware.Handler(h)`), not when it registers routes on it
    (`auth.RegisterRoutes(r)`)."""
    kind = middleware_kind(name)
    if kind not in ("auth", "rate"):
        return ""
    last = name.rsplit(".", 1)[-1]
    return "" if set(words(last)) & SETUP_WORDS else kind


@functools.lru_cache(maxsize=4096)
def middleware_kind(name: str) -> str:
    """"auth", "rate", "validation", "benign" or "" (unknown) for a middleware's name as written
    (`users.AuthMiddleware`, `middleware.JWT`, `jwtauth.Verifier`, `mw.RequireLogin`)."""
    if not name:
        return ""
    parts = [p for p in name.replace("(", ".").replace(")", "").split(".") if p]
    tokens = words(name)
    token_set = set(tokens)
    last = parts[-1] if parts else name
    last_tokens = words(last)
    if {"rate", "limit"} <= token_set or token_set & {"ratelimit", "ratelimiter", "limiter", "tollbooth",
                                                       "httprate", "throttled"}:
        return "rate"
    if last_tokens and last_tokens[0] in ("limit", "limiter") and len(parts) > 1 \
            and set(words(parts[0])) & {"httprate", "tollbooth", "limiter", "ratelimit"}:
        return "rate"
    joined = "".join(last_tokens)
    if joined in AUTH_NAMES or "".join(tokens) in AUTH_NAMES:
        return "auth"
    if set(last_tokens) & {"auth", "jwt", "authenticate", "authenticated", "authentication", "authorize",
                           "authorization", "authenticator", "login", "oauth", "oauth2", "oidc",
                           "bearer", "apikey", "authz", "authn", "casbin", "rbac", "permission",
                           "permissions", "role", "roles", "keyauth", "basicauth", "jwtauth"}:
        return "auth"
    if len(parts) > 1 and set(words(parts[0])) & {"auth", "jwt", "jwtauth", "jwtware", "keyauth",
                                                   "basicauth", "echojwt", "oauth", "authz", "authn"}:
        if not set(last_tokens) & {"new", "context", "from", "token", "claims", "get"} \
                or last_tokens == ["new"] or last in ("New", "Verifier", "Authenticator"):
            return "auth"
    if name_role(last) == "auth" and not set(last_tokens) & {"optional", "maybe", "soft", "try"}:
        return "auth"
    if set(last_tokens) & {"validate", "validator", "validation", "validated"}:
        return "validation"
    if set(last_tokens) & {"paginate", "pagination", "paginated", "paginator", "pager"}:
        return "page"
    if token_set and token_set <= BENIGN_WORDS:
        return "benign"
    if set(last_tokens) & {"logger", "logging", "recovery", "recoverer", "cors", "gzip", "requestid",
                           "timeout", "metrics", "prometheus", "tracing", "sentry", "secure", "compress",
                           "realip", "heartbeat", "nocache", "pprof", "profiler", "otel", "instrument"}:
        return "benign"
    return ""


__all__ = [
    "GoFile", "arguments_of", "assignments_to", "base_type_name", "body_of", "call_parts",
    "composite_fields", "composite_type", "declared_type", "declared_value", "enclosing_function",
    "function_name", "handler_framework", "handler_params", "has_comment", "import_module",
    "is_package_call", "is_true", "wraps_with", "declared_names", "local_declaration", "local_value", "middleware_kind", "module_of",
    "outermost_function", "params_of", "qualified_call", "receiver_type", "result_types",
    "selector_names", "statements_of", "string_of", "type_ref", "unparen", "walk_local", "words",
]


def go_file(parsed) -> GoFile:
    """The file's `GoFile`, built once per parsed file and shared by every extractor and rule
    (memoised in `parsed.memo`, which rules see as `ctx.data`)."""
    view = parsed.memo.get("go.view")
    if view is None:
        tree = parsed.tree
        view = parsed.memo["go.view"] = GoFile.of(parsed.path, tree.root_node if tree is not None else None,
                                                  source_bytes(parsed), functools.partial(preorder, parsed))
    return view


def source_bytes(parsed) -> bytes:
    """The bytes tree-sitter parsed (the text encoded as `parse_source` encodes it), once per file."""
    source = parsed.memo.get("go.source-bytes")
    if source is None:
        source = parsed.memo["go.source-bytes"] = parsed.text.encode("utf-8", errors="surrogatepass")
    return source
