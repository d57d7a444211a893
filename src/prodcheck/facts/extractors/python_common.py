"""Static helpers shared by the Python extractors and rules: module names, import resolution,
qualified names, constants and keyword checks. Pure functions over `ast` nodes; nothing here
imports or runs the scanned code.

- `module_name("app/api/users.py") == "app.api.users"` (a package's `__init__.py` is the package);
- `import_map(tree, module, is_package)` maps every local name bound by an import (at any depth) to
  the dotted name it stands for, relative imports included;
- `qualified_name(node, imports)` reads `requests.get`, `sa.orm.Session().query` or `users.router`
  through that map; a call inside the chain is kept as `()` (`"requests.Session().get"`).
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePosixPath

_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def module_nodes(parsed) -> list[ast.AST]:
    """Every node of the file's module in `ast.walk` order (breadth first), walked once per parsed
    file and shared by the extractors and rules that scan the whole module (a full `ast.walk` costs
    as much as parsing: doing it once instead of once per consumer is most of the per-file time)."""
    nodes = parsed.memo.get("python.nodes")
    if nodes is None:
        _walk_module(parsed)
        nodes = parsed.memo["python.nodes"]
    return nodes


def module_nodes_of(parsed, *node_types: type) -> list[ast.AST]:
    """The nodes of `module_nodes` whose class is one of `node_types`, in the same order, memoised
    per file and set of classes: most whole-module scans look at one or two kinds of node among
    hundreds of thousands. `node_types` are concrete node classes (what `ast.parse` makes: no
    subclass of them ever appears), so the class is compared, not `isinstance`."""
    key = ("python.nodes_of", node_types)
    found = parsed.memo.get(key)
    if found is None:
        if len(node_types) == 1:
            found = _nodes_by_type(parsed).get(node_types[0], [])
        else:
            wanted = frozenset(node_types)
            found = [node for node in module_nodes(parsed) if type(node) in wanted]
        parsed.memo[key] = found
    return found


def _nodes_by_type(parsed) -> dict[type, list[ast.AST]]:
    by_type = parsed.memo.get("python.nodes_by_type")
    if by_type is None:
        by_type = {}
        for node in module_nodes(parsed):
            group = by_type.get(type(node))
            if group is None:
                by_type[type(node)] = [node]
            else:
                group.append(node)
        parsed.memo["python.nodes_by_type"] = by_type
    return by_type


def module_preorder(parsed) -> list[ast.AST]:
    """Every node of the file's module depth first, parents before children and children in field
    order (the order of a recursive visit); built by the same walk as `module_nodes`."""
    nodes = parsed.memo.get("python.preorder")
    if nodes is None:
        _walk_module(parsed)
        nodes = parsed.memo["python.preorder"]
    return nodes


def module_parents(parsed) -> dict[int, ast.AST]:
    """`id(node)` -> its parent node, for every node of the module (built by the same walk)."""
    parents = parsed.memo.get("python.parents")
    if parents is None:
        _walk_module(parsed)
        parents = parsed.memo["python.parents"]
    return parents


# Fields that `ast.parse` only ever fills with identifiers, numbers or constants, never with nodes:
# skipping them is what makes `child_nodes` cheaper than `ast.iter_child_nodes`.
_NEVER_NODES = frozenset({"id", "attr", "name", "arg", "asname", "module", "level", "kind", "conversion",
                          "is_async", "type_comment", "tag", "lineno"})
_NODE_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(field for field in cls._fields
               if field not in _NEVER_NODES and not (cls is ast.Constant and field == "value"))
    for cls in vars(ast).values() if isinstance(cls, type) and issubclass(cls, ast.AST)
}


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes(node)` as a list, faster: the fields that can hold nodes are looked up
    once per node class (the generic version reads every field and yields through two generators)."""
    children: list[ast.AST] = []
    fields = _NODE_FIELDS.get(type(node))
    for name in node._fields if fields is None else fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            children.append(value)
        elif isinstance(value, list):
            children.extend(item for item in value if isinstance(item, ast.AST))
    return children


def walk(node: ast.AST) -> list[ast.AST]:
    """`list(ast.walk(node))` (breadth first, the same order), faster: see `child_nodes`."""
    nodes = [node]
    for current in nodes:          # a list iterator also visits the items appended meanwhile
        nodes.extend(child_nodes(current))
    return nodes


def _walk_module(parsed) -> None:
    """One depth-first walk giving the preorder, the breadth-first order (the preorder stably
    grouped by depth is exactly `ast.walk`'s order) and the parent map (filled in breadth-first
    order, so that a node object shared by several parents, such as `ast.Load()`, maps to the
    parent `ast.walk` meets last)."""
    tree = parsed.tree
    preorder: list[ast.AST] = []
    level_nodes: list[list[ast.AST]] = []
    level_parents: list[list[ast.AST | None]] = []
    stack: list[tuple[ast.AST, ast.AST | None, int]] = [(tree, None, 0)] if tree is not None else []
    node_fields = _NODE_FIELDS
    while stack:
        node, parent, depth = stack.pop()
        preorder.append(node)
        if depth < len(level_nodes):
            level_nodes[depth].append(node)
            level_parents[depth].append(parent)
        else:
            level_nodes.append([node])
            level_parents.append([parent])
        children: list[ast.AST] = []      # `child_nodes(node)`, inlined: this loop visits every node
        fields = node_fields.get(type(node))
        for name in node._fields if fields is None else fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                children.append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        children.append(item)
        if children:
            depth += 1
            for child in reversed(children):
                stack.append((child, node, depth))
    nodes = [node for level in level_nodes for node in level]
    parents = dict(zip(map(id, nodes[1:]), [parent for level in level_parents[1:] for parent in level]))
    parsed.memo["python.nodes"] = nodes
    parsed.memo["python.preorder"] = preorder
    parsed.memo["python.parents"] = parents


def module_name(path: str) -> str:
    """The dotted module of a file, from its path relative to the scan root."""
    pure = PurePosixPath(path)
    parts = list(pure.parts)
    if not parts:
        return ""
    last = pure.name
    for suffix in (".pyi", ".py"):
        if last.endswith(suffix):
            last = last[: -len(suffix)]
            break
    parts[-1] = last
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(p for p in parts if p not in ("", "."))


def is_package_init(path: str) -> bool:
    return PurePosixPath(path).name in ("__init__.py", "__init__.pyi")


def resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute module of `from <level dots><name> import ...` written in `module`."""
    if level <= 0:
        return name or ""
    package = module if is_package else module.rpartition(".")[0]
    parts = package.split(".") if package else []
    up = level - 1
    if up > len(parts):
        parts = []
    elif up:
        parts = parts[: len(parts) - up]
    if name:
        parts.extend(name.split("."))
    return ".".join(parts)


def import_map(tree: ast.AST, module: str = "", is_package: bool = False) -> dict[str, str]:
    """Local name -> dotted name, for every import in the file. Module-level imports win over
    imports nested in functions when both bind the same name."""
    top: dict[str, str] = {}
    nested: dict[str, str] = {}
    stack: list[tuple[ast.stmt, bool]] = [(s, True) for s in reversed(getattr(tree, "body", []))]
    while stack:
        node, at_top = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for local, name in _bindings(node, module, is_package):
                if at_top:
                    top[local] = name
                else:
                    nested.setdefault(local, name)
            continue
        inner_top = at_top and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        stack.extend((child, inner_top) for child in reversed(list(_child_statements(node))))
    return {**nested, **top}


def _child_statements(node: ast.stmt) -> Iterator[ast.stmt]:
    """The statements directly nested in a compound statement (imports are statements)."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(node, field, None)
        if isinstance(block, list):
            yield from block
    for handler in getattr(node, "handlers", None) or ():
        yield from handler.body
    for case in getattr(node, "cases", None) or ():
        yield from case.body


def _bindings(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> Iterator[tuple[str, str]]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                yield alias.asname, alias.name
            else:
                head = alias.name.split(".")[0]
                yield head, head
        return
    base = resolve_relative(module, is_package, node.level or 0, node.module)
    for alias in node.names:
        if alias.name == "*":
            continue
        yield alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name


def qualified_name(node: ast.AST | None, imports: Mapping[str, str]) -> str:
    """`requests.get`, `flask.Blueprint`, `requests.Session().get`; "" when not a plain chain.
    Iterative: a chain of thousands of calls (`f(1)(1)...`) must not exhaust the stack."""
    parts: list[str | None] = []          # attribute names, None for a call, outermost first
    current = node
    while True:
        if isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        elif isinstance(current, ast.Call):
            parts.append(None)
            current = current.func
        elif isinstance(current, ast.Name):
            break
        else:
            return ""
    pieces = [imports.get(current.id, current.id)]
    for part in reversed(parts):
        pieces.append("()" if part is None else "." + part)
    return "".join(pieces)


def assigned_values(body: Iterable[ast.stmt]) -> dict[str, ast.expr]:
    """`name = value` and `name: T = value` statements of a block (a module's or a class's body):
    name -> value, the last assignment winning."""
    found: dict[str, ast.expr] = {}
    for node in body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            found[node.target.id] = node.value
    return found


def call_chain(node: ast.AST | None, through_subscripts: bool = True) -> list[str]:
    """The names of a call/attribute chain, outermost last: `Order.objects.filter(x).first()` ->
    ["Order", "objects", "filter", "first"]; `await`s (and subscripts, unless told not to) are
    stepped through; the chain stops at anything else (a literal, a lambda)."""
    names: list[str] = []
    current = node
    while True:
        if isinstance(current, ast.Call):
            current = current.func
        elif isinstance(current, ast.Attribute):
            names.append(current.attr)
            current = current.value
        elif isinstance(current, ast.Await) or through_subscripts and isinstance(current, ast.Subscript):
            current = current.value
        else:
            if isinstance(current, ast.Name):
                names.append(current.id)
            names.reverse()
            return names


def dotted(node: ast.AST | None) -> str:
    """The source text of a Name/Attribute chain (`self.session`), or ""."""
    parts: list[str] = []
    current = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return ""
    return ".".join([current.id, *reversed(parts)])


def last_name(node: ast.AST | None) -> str:
    """`c` for `a.b.c`, `f` for `f(...)` or `a.f(...)`, "" otherwise."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def symbol_id(dotted_name: str) -> str:
    """"app.api.users.router" -> "app.api.users:router" (module-qualified symbol id)."""
    module, _, name = dotted_name.rpartition(".")
    return f"{module}:{name}" if module else f":{name}"


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def has_star_kwargs(call: ast.Call) -> bool:
    return any(kw.arg is None for kw in call.keywords)


def may_pass_keyword(call: ast.Call, name: str, position: int | None = None) -> bool:
    """Could this call pass `name`? True for the keyword, a `**kwargs`, or (when the parameter
    is also positional at `position`, 0-based) enough positional arguments or a `*args`."""
    if keyword(call, name) is not None or has_star_kwargs(call):
        return True
    if position is None:
        return False
    if any(isinstance(arg, ast.Starred) for arg in call.args):
        return True
    return len(call.args) > position


def argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    """The argument bound to a parameter that may be given by position or by keyword."""
    value = keyword(call, name)
    if value is not None:
        return value
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    if len(positional) == len(call.args) and position < len(positional):
        return positional[position]
    return None


def is_none(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def const_str(node: ast.AST | None, constants: Mapping[str, str] | None = None) -> str | None:
    """A string known statically: a literal, a module constant, an f-string or `+` of those."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and constants and node.id in constants:
        return constants[node.id]
    if isinstance(node, ast.JoinedStr):
        pieces = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.format_spec is not None or value.conversion not in (-1, None):
                    return None
                inner = const_str(value.value, constants)
            else:
                inner = const_str(value, constants)
            if inner is None:
                return None
            pieces.append(inner)
        return "".join(pieces)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = const_str(node.left, constants), const_str(node.right, constants)
        return left + right if left is not None and right is not None else None
    return None


def template_str(node: ast.AST | None, constants: Mapping[str, str] | None = None) -> str | None:
    """Like `const_str`, but a name that is not a known constant (`settings.API_V1_STR`) stays
    visible as `{settings.API_V1_STR}` instead of making the whole string unknown."""
    known = const_str(node, constants)
    if known is not None:
        return known
    if isinstance(node, (ast.Name, ast.Attribute)):
        text = dotted(node)
        return "{" + text + "}" if text else None
    if isinstance(node, ast.JoinedStr):
        pieces = []
        for value in node.values:
            inner = template_str(value.value if isinstance(value, ast.FormattedValue) else value, constants)
            if inner is None:
                return None
            pieces.append(inner)
        return "".join(pieces)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = template_str(node.left, constants), template_str(node.right, constants)
        return left + right if left is not None and right is not None else None
    return None


def const_str_list(node: ast.AST | None, constants: Mapping[str, str] | None = None) -> list[str] | None:
    """`["GET", "POST"]`, `("GET",)` or `{"GET"}` as a list, or None when not fully literal."""
    if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return None
    values = [const_str(e, constants) for e in node.elts]
    return None if any(v is None for v in values) else [v for v in values if v is not None]


def string_constants(tree: ast.AST) -> dict[str, str]:
    """Module-level `NAME = "text"` assignments (the last one wins)."""
    found: dict[str, str] = {}
    for node in getattr(tree, "body", []):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = const_str(node.value, found)
            if value is not None:
                found[node.targets[0].id] = value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            value = const_str(node.value, found)
            if value is not None:
                found[node.target.id] = value
    return found


def name_tokens(name: str) -> tuple[str, ...]:
    """Lower-case words of an identifier: `getCurrentUser` and `get_current_user` both give
    ("get", "current", "user"); `JWTBearer` gives ("jwt", "bearer")."""
    words: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", name or ""):
        words.extend(w.lower() for w in _CAMEL.findall(chunk))
    return tuple(words)


def iter_child_statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements of a block and of its nested blocks (if/try/with/for/while/match), but not of
    nested functions or classes."""
    stack = list(reversed(list(body)))
    while stack:
        stmt = stack.pop()
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        blocks: list[list[ast.stmt]] = []
        for field in ("body", "orelse", "finalbody"):
            block = getattr(stmt, field, None)
            if isinstance(block, list):
                blocks.append(block)
        for handler in getattr(stmt, "handlers", []) or []:
            blocks.append(handler.body)
        for case in getattr(stmt, "cases", []) or []:
            blocks.append(case.body)
        for block in reversed(blocks):
            stack.extend(reversed(block))


def walk_local(node: ast.AST) -> Iterator[ast.AST]:
    """Every node below `node` without entering nested functions, lambdas or classes."""
    stack = child_nodes(node)
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(child_nodes(current))


__all__ = [
    "argument", "const_str", "const_str_list", "dotted", "has_star_kwargs", "import_map",
    "is_none", "is_package_init", "iter_child_statements", "keyword", "last_name", "may_pass_keyword",
    "module_name", "name_tokens", "qualified_name", "resolve_relative", "string_constants",
    "symbol_id", "template_str", "walk", "walk_local",
]
