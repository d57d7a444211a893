"""
## What it does
Flags values thrown or rejected that are not `Error` objects and so carry no stack trace:
`throw 'message'`, `` throw `template` ``, `throw 404`, `throw { status: 400, message }`,
`throw ['a']`, a `throw` of a local constant holding such a literal, and the same values passed to
`Promise.reject(...)` or to the `reject` callback of a `new Promise((resolve, reject) => ...)`
executor.

## Why it matters
Only `Error` objects record where they were created. A thrown string or plain object reaches the
error handler, the logger and the error tracker without a stack, without a `name` and without a
`cause`: the log line says "Not found" and nobody can tell which of forty call sites produced it.
Error middleware that checks `err instanceof Error` (or reads `err.stack`/`err.message`)
mishandles it, and `catch (e)` code that expects `e.message` crashes on `undefined`.

## Example
    export async function findUser(repo, id) {
      const user = await repo.findOne(id);
      if (!user) {
        throw { status: 404, message: 'user not found' };
      }
      return user;
    }

## Use instead
    class NotFoundError extends Error {
      constructor(message) {
        super(message);
        this.name = 'NotFoundError';
        this.status = 404;
      }
    }

    export async function findUser(repo, id) {
      const user = await repo.findOne(id);
      if (!user) {
        throw new NotFoundError('user not found');
      }
      return user;
    }

## Known limitations
Only literals (directly or through a local `const`) are reported: a variable or call result whose
value is not known statically is trusted to be an `Error`. Test files are not checked.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    callee, enclosing_function, member_names, params_of, unwrap,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import view

LITERALS = {"string": "a string", "template_string": "a template string", "number": "a number",
            "object": "a plain object", "array": "an array", "true": "a boolean", "false": "a boolean",
            "null": "`null`", "undefined": "`undefined`"}


def check(node, ctx):
    if node.type == "throw_statement":
        values = [c for c in node.named_children if c.type != "comment"]
        what = _literal(values[0], ctx) if values else ""
        if what:
            yield ctx.finding(RULE, node, f"throws {what}, not an `Error`: no stack trace")
        return
    receiver, method = view(ctx).call_parts(node)
    args = view(ctx).arguments(node)
    if not args or node.type != "call_expression":
        return
    if method == "reject" and receiver is not None and view(ctx).member_names(receiver) == ["Promise"]:
        what = _literal(args[0], ctx)
        if what:
            yield ctx.finding(RULE, node, f"`Promise.reject` with {what}, not an `Error`: no stack trace")
        return
    function = callee(node)
    if receiver is None and function is not None and function.type == "identifier" \
            and _executor_reject(function, text_of(function)):
        what = _literal(args[0], ctx)
        if what:
            yield ctx.finding(RULE, node, f"`{text_of(function)}()` rejects with {what}, not an `Error`: "
                                          f"no stack trace")


def _literal(node, ctx, depth: int = 0) -> str:
    node = unwrap(node)
    if node is None or depth > 2:
        return ""
    if node.type in LITERALS:
        return LITERALS[node.type]
    if node.type == "identifier":
        if text_of(node) == "undefined":
            return LITERALS["undefined"]
        value = view(ctx).value_of(text_of(node), node)
        found = view(ctx).lookup(text_of(node), node)
        if value is None or found is None or found.type != "variable_declarator" \
                or found.parent is None or text_of(found.parent).split(None, 1)[0] != "const":
            return ""
        value = unwrap(value)
        if value is not None and value.type in ("string", "template_string", "number", "object", "array"):
            return LITERALS[value.type]
    return ""


def _executor_reject(function, name: str) -> bool:
    """Is `name` the second parameter of an enclosing `new Promise((resolve, reject) => ...)`?"""
    func = enclosing_function(function)
    for _ in range(8):
        if func is None:
            return False
        params = params_of(func)
        names = [p for p, _ in params]
        if name in names:
            if names.index(name) != 1:
                return False
            holder = func.parent
            if holder is not None and holder.type == "arguments":
                holder = holder.parent
            return holder is not None and holder.type == "new_expression" \
                and member_names(holder.child_by_field_name("constructor")) == ["Promise"]
        func = enclosing_function(func)
    return False


RULE = NodeRule(
    id="JS-REL-009", slug="non-error-thrown", area=Area.REL,
    title="Non-Error value thrown or rejected",
    fix="Throw (and reject with) `Error` objects: `throw new Error('...')`, or a subclass of `Error` "
        "carrying the status code and details as properties.",
    rows=("REL-16",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="users.js", visits=("throw_statement", "call_expression"), check=check,
)
