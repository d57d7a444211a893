"""
## What it does
Flags floating promises inside request handlers (Express/Fastify `(req, res)` functions, NestJS
controller methods): a call that provably returns a promise, used as a statement on its own (not
awaited, returned, assigned, passed on, or `.catch()`ed; a `.then(onFulfilled)` without a
rejection handler counts as floating too). A call provably returns a promise when it calls:
- a function or method declared `async` in the same file (`sendWelcomeEmail(user)`,
  `this.audit(...)`);
- `fetch(...)`, `axios`/`got`/`ky` requests, `fs/promises` functions;
- an ORM write (`Model.create`, `repo.save`, `prisma.x.update`, ...).

`void promise` (an explicit "fire and forget") is not reported.

## Why it matters
A promise nobody awaits or catches has nowhere to send its failure: since Node 15 an unhandled
rejection crashes the whole process (every in-flight request with it), and on older runtimes or
with a catch-all handler the error is silently lost. Either way the client got a 200 for work
that never happened, and no log line ties the failure to the request.

## Example
    import express from 'express';
    import { User } from './models/user';

    const router = express.Router();

    async function sendWelcomeEmail(user) {
      await fetch('https://mail.internal/send', { method: 'POST', body: JSON.stringify({ to: user.email }) });
    }

    router.post('/users', async (req, res) => {
      const user = await User.create({ email: req.body.email });
      sendWelcomeEmail(user);
      res.status(201).json(user);
    });

## Use instead
    import express from 'express';
    import { User } from './models/user';

    const router = express.Router();

    async function sendWelcomeEmail(user) {
      await fetch('https://mail.internal/send', { method: 'POST', body: JSON.stringify({ to: user.email }) });
    }

    router.post('/users', async (req, res) => {
      const user = await User.create({ email: req.body.email });
      sendWelcomeEmail(user).catch((err) => req.log.error({ err }, 'welcome email failed'));
      res.status(201).json(user);
    });

## Known limitations
Functions imported from other files are not known to be async, so calls to them are not
reported; neither are promises stored in a variable and never awaited. Floating promises outside
request handlers (jobs, startup code) are left to the process-level crash handler (JS-REL-005).
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    callee, enclosing_class_name, is_async, is_function, unwrap,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import is_frontend, view
from prodcheck.rules.javascript.security_helpers import FS_PACKAGES, enclosing_handler, orm_writes

HTTP_PACKAGES = frozenset({"axios", "got", "ky", "node-fetch", "undici", "superagent"})
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "request", "options"})
PROMISE_FS = frozenset({"fs/promises", "node:fs/promises"})


def check(statement, ctx):
    children = [c for c in statement.named_children if c.type != "comment"]
    if len(children) != 1:
        return
    expression = children[0]
    if expression.type != "call_expression":
        return
    call = expression
    receiver, method = view(ctx).call_parts(call)
    if method == "then" and receiver is not None and len(view(ctx).arguments(call)) == 1:
        call = unwrap(receiver)                       # `p().then(fn)`: rejections still float
        if call is None or call.type != "call_expression":
            return
    elif method in ("then", "catch", "finally"):
        return
    if is_frontend(ctx) or enclosing_handler(statement) is None:
        return
    what = _promise_call(call, ctx)
    if what:
        yield ctx.finding(RULE, statement, f"the promise of {what} is neither awaited nor caught: a failure "
                                           f"crashes the process or is lost")


def _promise_call(call, ctx) -> str:
    receiver, method = view(ctx).call_parts(call)
    function = callee(call)
    if function is None:
        return ""
    v = view(ctx)
    if receiver is None and function.type == "identifier":
        name = text_of(function)
        if name == "fetch" and v.lookup("fetch", call) is None and v.binding("fetch", call) is None:
            return "`fetch()`"
        binding = v.binding(name, call)
        if binding is not None:
            if binding.spec in HTTP_PACKAGES:
                return f"`{name}()`"
            if binding.spec in PROMISE_FS:
                return f"`{name}()` (fs/promises)"
            return ""
        declared = v.lookup(name, call)
        func = declared
        if declared is not None and declared.type == "variable_declarator":
            func = unwrap(declared.child_by_field_name("value"))
        if is_function(func) and is_async(func):
            return f"async `{name}()`"
        return ""
    names = view(ctx).member_names(receiver) if receiver is not None else []
    if names == ["this"]:
        found = _class_method(call, method)
        if found is not None and is_async(found):
            return f"async `this.{method}()`"
        return ""
    if len(names) == 1:
        binding = v.binding(names[0], call)
        if binding is not None and binding.spec in HTTP_PACKAGES and method in HTTP_METHODS:
            return f"`{names[0]}.{method}()`"
        if binding is not None and binding.spec in PROMISE_FS:
            return f"`{names[0]}.{method}()` (fs/promises)"
    if len(names) == 2 and names[1] == "promises":
        binding = v.binding(names[0], call)
        if binding is not None and binding.spec in FS_PACKAGES:
            return f"`{names[0]}.promises.{method}()`"
    if call.type == "call_expression" and method not in ("set", "assign", "merge", "extend", "build") \
            and orm_writes(call, ctx):
        return f"the database write `.{method}()`"
    return ""


def _class_method(call, name: str):
    cls_name = enclosing_class_name(call)
    current = call.parent
    while current is not None and current.type != "class_body":
        current = current.parent
    if current is None or not cls_name:
        return None
    for member in current.named_children:
        if member.type == "method_definition" and text_of(member.child_by_field_name("name")) == name:
            return member
    return None


RULE = NodeRule(
    id="JS-REL-010", slug="background-task-exception-lost", area=Area.REL,
    title="Floating promise in a request handler",
    fix="`await` the call, or when it must run in the background attach a rejection handler that "
        "logs with the request context (`task().catch((err) => req.log.error({ err }, '...'))`).",
    rows=("REL-13",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="users.js", visits=("expression_statement",), check=check,
)
