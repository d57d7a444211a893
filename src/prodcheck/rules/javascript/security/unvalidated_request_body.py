"""
## What it does
Flags request handlers (Express, Fastify, NestJS) that write fields of the request body to the
database (`User.create({ email: req.body.email })`, `const { name } = req.body; repo.save({ name })`,
`prisma.x.update({ data: { title: body.title } })`, `@Body('email') email` into `repo.insert(...)`)
while nothing checks the body at the boundary: no schema validation in the handler (zod `parse`,
Joi/yup `validate`, `validationResult(req)`, `plainToInstance`/`validateOrReject`, ...), no
validation middleware on the route (`celebrate`, `express-validator` chains named `validate...`,
`validateBody(schema)`), no Fastify route `schema`, no NestJS DTO class, and no hand-written check
(a 400/422 answer, `validator.isEmail(...)`, an early return guarded by a body field). One finding per handler, at its first such write.

Writing the whole `req.body` is JS-SEC-030 (mass assignment) and is not repeated here.

## Why it matters
Without validation the types, sizes and shapes of the fields are whatever the client sends: an
object where a string is expected (`{"email": {"$gt": ""}}` reaches Mongo operators), a 10 MB
"name", a negative quantity, an unparseable date. The ORM stores or rejects them deep in the call
stack with a 500, or worse, stores them and every reader inherits the problem (CWE-20).

## Example
    import express from 'express';
    import { Order } from './models/order';

    const router = express.Router();

    router.post('/orders', async (req, res) => {
      const order = await Order.create({ sku: req.body.sku, quantity: req.body.quantity });
      res.status(201).json(order);
    });

## Use instead
    import express from 'express';
    import { z } from 'zod';
    import { Order } from './models/order';

    const router = express.Router();
    const NewOrder = z.object({ sku: z.string().max(64), quantity: z.number().int().positive() });

    router.post('/orders', async (req, res) => {
      const input = NewOrder.parse(req.body);
      const order = await Order.create({ sku: input.sku, quantity: input.quantity });
      res.status(201).json(order);
    });

## Known limitations
Any 400/422 answer, `validator.isX(...)` call or early-return guard on a body field in the handler
counts as validation, however partial. A body handed to a
service method (`this.orders.create(req.body.sku)`) is not followed into the service. ORM-level
checks (Mongoose schema validators, Sequelize `validate`) are not read, hence MEDIUM confidence.
Whether NestJS's `ValidationPipe` is installed is not checked: a DTO class is trusted.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import (
    arguments_of, body_of, call_parts, status_of, unwrap, walk_local,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import is_frontend, is_tooling_path, view
from prodcheck.rules.javascript.security_helpers import enclosing_handler, nest_body_param, orm_writes, validated

REQUEST_NAMES = frozenset({"req", "request", "ctx", "_req"})
CHECK_STATUSES = frozenset({400, 422})


def check(call, ctx):
    writes = orm_writes(call, ctx)
    if not writes or is_frontend(ctx) or is_tooling_path(ctx.path):
        return
    for written, label in writes:
        field = _body_field(written, call, ctx)
        if not field:
            continue
        func = enclosing_handler(call)
        if func is None or validated(call) or _checks_input(func, call, ctx):
            return
        reported = ctx.data.setdefault("js.sec037.reported", set())
        if func.id in reported:
            return
        reported.add(func.id)
        yield ctx.finding(RULE, call, f"{label} writes `{field}` from the request body with no validation "
                                      f"on the route")
        return


def _body_field(node, call, ctx, depth: int = 0) -> str:
    """The first request-body field inside a written value (not the whole body), or ""."""
    node = unwrap(node)
    if node is None or depth > 2:
        return ""
    candidates = [node, *walk_local(node)]
    for inner in candidates:
        if inner.type in ("member_expression", "subscript_expression"):
            if inner.parent is not None and inner.parent.type in ("member_expression", "subscript_expression") \
                    and inner.parent.child_by_field_name("object") == inner:
                continue
            names = view(ctx).member_names(inner)
            if len(names) >= 3 and names[0] in REQUEST_NAMES and names[1] == "body":
                return ".".join(names)
            if len(names) >= 2 and nest_body_param(names[0], call) == "raw":
                return ".".join(names)
        elif inner.type in ("identifier", "shorthand_property_identifier"):
            name = text_of(inner)
            if inner.type == "identifier" and inner.parent is not None and inner.parent.type == "pair" \
                    and inner.parent.child_by_field_name("key") == inner:
                continue
            if _from_body(name, inner, call, ctx, depth):
                return name
    return ""


def _from_body(name: str, at, call, ctx, depth: int) -> bool:
    decl = view(ctx).lookup(name, at)
    if decl is None:
        return nest_body_param(name, call) == "field"
    if decl.type != "variable_declarator":
        return False
    target = decl.child_by_field_name("name")
    value = unwrap(decl.child_by_field_name("value"))
    if target is None or value is None:
        return False
    names = view(ctx).member_names(value) if value.type in ("member_expression", "subscript_expression") else []
    if target.type == "object_pattern":
        return len(names) == 2 and names[0] in REQUEST_NAMES and names[1] == "body"
    if target.type == "identifier":
        if len(names) >= 3 and names[0] in REQUEST_NAMES and names[1] == "body":
            return True
        if value.type == "object":
            return bool(_body_field(value, call, ctx, depth + 1))
    return False


def _checks_input(func, call, ctx) -> bool:
    """Hand-written validation: a 400/422 answer or a validation exception in the handler, a
    `validator.isX(...)` call (the validator package), or a guard clause on a body field that
    leaves the handler early (`if (!isEmail(req.body.email)) return res.redirect(...)`)."""
    if _answers_bad_request(func):
        return True
    for node in walk_local(body_of(func)):
        if node.type == "call_expression":
            receiver, method = view(ctx).call_parts(node)
            names = view(ctx).member_names(receiver) if receiver is not None else []
            if method.startswith("is") and names and (names[0] == "validator"
                                                      or view(ctx).binds(names[0], "validator")):
                return True
        elif node.type == "if_statement" and node.start_byte < call.start_byte:
            condition = node.child_by_field_name("condition")
            consequence = node.child_by_field_name("consequence")
            if condition is None or consequence is None:
                continue
            leaves = consequence.type in ("return_statement", "throw_statement") or any(
                n.type in ("return_statement", "throw_statement") for n in walk_local(consequence))
            if leaves and _body_field(condition, call, ctx, 0):
                return True
    return False


def _answers_bad_request(func) -> bool:
    for node in walk_local(body_of(func)):
        if node.type != "call_expression":
            continue
        _, method = call_parts(node)
        if method in ("status", "code", "sendStatus", "writeHead"):
            args = arguments_of(node)
            if args and status_of(args[0]) in CHECK_STATUSES:
                return True
    for node in walk_local(body_of(func)):
        if node.type == "new_expression" and text_of(node.child_by_field_name("constructor")) in (
                "BadRequestException", "UnprocessableEntityException", "ValidationError", "BadRequestError"):
            return True
    return False


RULE = NodeRule(
    id="JS-SEC-037", slug="unvalidated-request-body", area=Area.SEC,
    title="Request body fields written to the database without validation",
    fix="Validate the body at the boundary with a schema (zod, Joi/celebrate, yup, express-validator, "
        "a Fastify route `schema`, a NestJS DTO with class-validator) and write the validated values.",
    rows=("SEC-01",), doc=__doc__, confidence=Confidence.MEDIUM,
    cwe=("CWE-20",), stride=(Stride.TAMPERING,),
    example_path="orders.js", visits=("call_expression", "new_expression"), check=check,
)
