"""
## What it does
Flags a parameter whose default is a mutable object (`[]`, `{}`, `set()`, `list()`, `dict()`,
`defaultdict(...)`, `OrderedDict()`, `Counter()`, `deque()`, `bytearray()`) when the function
changes it in place (`append`, `extend`, `update`, `add`, `setdefault`, `pop`, `d[k] = v`,
`del d[k]`, `x += ...`), returns or yields it, or stores it on an object (`self.items = items`,
`registry[key] = items`).

## Why it matters
A default is evaluated once, when the `def` runs, and every call that omits the argument shares
that one object. Whatever one call appends is still there for the next: in a service, one
request's data shows up in another user's response, caches grow without bound, and tests pass or
fail depending on their order.

## Example
    def add_to_cart(item, cart=[]):
        cart.append(item)
        return cart

## Use instead
    def add_to_cart(item, cart=None):
        if cart is None:
            cart = []
        cart.append(item)
        return cart

## Known limitations
A default that is only read is not reported. A parameter that the function rebinds anywhere
(`items = list(items)`) is trusted, as is a default passed on to another function that might
change it, or changed through an alias (`tmp = items; tmp.append(x)`). FastAPI route handlers are
skipped (FastAPI copies parameter defaults for every request), and so are `Query([])`-style
markers and pydantic or dataclass field defaults, which are not function defaults.
"""
from __future__ import annotations

import ast

from prodcheck.model import Area, Confidence, Severity
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.helpers import qualified
from prodcheck.rules.python.security_helpers import is_route_handler

MUTABLE_CALLS = frozenset({
    "list", "dict", "set", "bytearray", "builtins.list", "builtins.dict", "builtins.set", "builtins.bytearray",
    "collections.defaultdict", "collections.OrderedDict", "collections.Counter", "collections.deque",
})
MUTATORS = frozenset({
    "append", "extend", "insert", "add", "update", "setdefault", "pop", "popitem", "remove", "discard",
    "clear", "sort", "reverse", "appendleft", "extendleft", "popleft", "rotate", "difference_update",
    "intersection_update", "symmetric_difference_update", "__setitem__", "__delitem__",
})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def check(function: ast.FunctionDef | ast.AsyncFunctionDef, ctx):
    candidates = _mutable_defaults(function, ctx)
    if not candidates or is_route_handler(ctx, function):
        return
    uses = _uses(function, set(candidates))
    for name, default in candidates.items():
        how = uses.get(name)
        if how is None or how == "rebound":
            continue
        shown = ast.unparse(default)
        yield ctx.finding(RULE, default, f"parameter `{name}` defaults to `{shown}`, which every call shares, "
                                         f"and the function {how} it")


def _mutable_defaults(function, ctx) -> dict[str, ast.expr]:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    return {arg.arg: default for arg, default in pairs if _is_mutable(default, ctx)}


def _is_mutable(node: ast.expr, ctx) -> bool:
    if isinstance(node, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
        return True
    return isinstance(node, ast.Call) and qualified(ctx, node.func) in MUTABLE_CALLS


def _uses(function, names: set[str]) -> dict[str, str]:
    """name -> "rebound" (assigned anywhere: trusted), or the first harmful use ("changes",
    "returns", "stores"), for the parameters in `names`."""
    found: dict[str, str] = {}
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, _SCOPES):
            inner = _bound_in(node)
            if names - inner:
                stack.extend(_body_of(node))
            continue
        verdict = _use(node, names)
        if verdict is not None:
            name, how = verdict
            if how == "rebound" or name not in found:
                found[name] = how
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            stack.append(node.value)            # `x += y` changes x in place: no rebinding
        else:
            stack.extend(ast.iter_child_nodes(node))
    return found


def _bound_in(scope: ast.AST) -> set[str]:
    if isinstance(scope, ast.ClassDef):
        return set()
    args = scope.args
    return {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}


def _body_of(scope: ast.AST) -> list[ast.AST]:
    body = scope.body
    return list(body) if isinstance(body, list) else [body]


def _use(node: ast.AST, names: set[str]) -> tuple[str, str] | None:
    if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, (ast.Store, ast.Del)):
        return node.id, "rebound"
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id in names:
        return node.target.id, "changes"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id in names:
            return receiver.id, "changes"
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and target.value.id in names:
                return target.value.id, "changes"
        value = getattr(node, "value", None)
        if isinstance(value, ast.Name) and value.id in names and \
                any(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets):
            return value.id, "stores"
    if isinstance(node, (ast.Return, ast.Yield)) and node.value is not None:
        values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
        for value in values:
            if isinstance(value, ast.Name) and value.id in names:
                return value.id, "returns"
    return None


RULE = NodeRule(
    id="PY-QUAL-003", slug="mutable-default-argument", area=Area.QUAL,
    title="Mutable default argument changed or handed out",
    fix="Default to `None` and create the object inside the function (`if items is None: items = []`).",
    rows=("ARCH-08",), doc=__doc__, confidence=Confidence.HIGH, severity=Severity.MEDIUM,
    severity_note="state shared between calls (and requests) is a correctness and data-leak bug, not the "
                  "dead code of the row's LOW",
    example_path="cart.py", coverage="partial", coverage_note="mutable defaults only",
    visits=(ast.FunctionDef, ast.AsyncFunctionDef), check=check,
)
