"""
## What it does
Flags ORM writes that take the raw request body, so the client chooses which columns are
written:
- Mongoose/Sequelize: `Model.create(req.body)`, `new Model(req.body)`, `Model.update(req.body, ...)`,
  `findByIdAndUpdate(id, req.body)`, `findOneAndUpdate(filter, req.body)`, `updateOne`,
  `upsert`, `bulkCreate`, `insertMany`, `instance.set(req.body)`/`instance.update(req.body)`;
- TypeORM: `repo.save(req.body)`, `repo.create(req.body)`, `repo.insert(...)`, `repo.update(id, req.body)`,
  `repo.merge(entity, req.body)`, `manager.save(Entity, req.body)`;
- Prisma: `prisma.user.create({ data: req.body })`, `update({ where, data: req.body })`, `upsert`,
  `createMany`, `updateMany`;
- Knex: `knex('users').insert(req.body)`/`.update(req.body)`;
- `Object.assign(entity, req.body)` (and lodash `_.merge`/`_.assign`/`_.extend`) on a record read from
  the database or saved afterwards;
- the same with `{ ...req.body, ... }`, or a local variable that is `req.body`.

"Raw" means `req.body` (`request.body`, `ctx.request.body`) or, in NestJS, a `@Body()` parameter
with no DTO class (untyped, `any`, `object`, `Record<...>`, `Partial<Entity>`, an inline type).
Not reported: a handler that validates the body with a schema (`schema.parse(req.body)`,
`Joi.validate`, `validationResult(req)`, `plainToInstance`, ...) or sits behind validation middleware
on its route (`celebrate(...)`, `validate(schema)`), Fastify routes with a `schema` (Ajv's
`removeAdditional`/`additionalProperties: false` drop unknown keys), and NestJS bodies typed with
a DTO class (whitelisted by `ValidationPipe({ whitelist: true })`).

## Why it matters
A user who adds `"role": "admin"`, `"isVerified": true`, `"balance": 1e6` or `"ownerId": "<other
user>"` to a profile update gets those columns written: privilege escalation and data tampering
with a single request, in code that looks correct for the fields the form sends (CWE-915).

## Example
    import express from 'express';
    import { User } from './models/user';

    const router = express.Router();

    router.put('/me', async (req, res) => {
      const user = await User.findByIdAndUpdate(req.user.id, req.body, { new: true });
      res.json(user);
    });

## Use instead
    import express from 'express';
    import { User } from './models/user';

    const router = express.Router();

    router.put('/me', async (req, res) => {
      const { name, bio } = req.body;
      const user = await User.findByIdAndUpdate(req.user.id, { name, bio }, { new: true });
      res.json(user);
    });

## Known limitations
Whether `ValidationPipe` really has `whitelist: true` is not checked: a DTO class is trusted. A
validation call anywhere in the handler is trusted even if the raw body (not the parsed result) is
written afterwards, and a Fastify route schema is trusted without checking that it rejects or
removes additional properties. The body passed through a service method
(`this.users.create(req.body)`) is not followed into the service.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import unwrap
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.helpers import is_frontend, view
from prodcheck.rules.javascript.security_helpers import nest_body_param, orm_writes, validated

REQUEST_NAMES = frozenset({"req", "request", "ctx", "_req"})


def check(call, ctx):
    if is_frontend(ctx):
        return
    for written, label in orm_writes(call, ctx):
        if _raw_body(written, call, ctx):
            if validated(call):
                return
            yield ctx.finding(RULE, call, f"{label} writes the raw request body: the client picks the columns")
            return


def _raw_body(node, call, ctx, depth: int = 0) -> bool:
    node = unwrap(node)
    if node is None or depth > 3:
        return False
    if node.type == "object":
        return any(child.type == "spread_element" and _raw_body(child.named_children[0] if child.named_children
                                                                else None, call, ctx, depth + 1)
                   for child in node.named_children)
    names = view(ctx).member_names(node) if node.type in ("member_expression", "subscript_expression") else []
    if names:
        if len(names) == 2 and names[0] in REQUEST_NAMES and names[1] == "body":
            return True
        if names[-2:] == ["request", "body"] and len(names) == 3 and names[0] == "ctx":
            return True
        return False
    if node.type == "identifier":
        name = text_of(node)
        decl = view(ctx).lookup(name, node)
        if decl is None:
            return nest_body_param(name, call) == "raw"
        if decl.type == "variable_declarator":
            target = decl.child_by_field_name("name")
            if target is not None and target.type == "identifier":
                return _raw_body(decl.child_by_field_name("value"), call, ctx, depth + 1)
            return False
        return False
    return False


RULE = NodeRule(
    id="JS-SEC-030", slug="mass-assignment", area=Area.SEC,
    title="Raw request body written to the database",
    fix="Copy the fields the client may set (`const { name, bio } = req.body`), or validate with a "
        "schema that strips unknown keys (zod `parse` result, Joi with `stripUnknown`, a NestJS DTO "
        "with `ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })`) and write the result.",
    rows=("SEC-02",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-915",), stride=(Stride.TAMPERING, Stride.ELEVATION_OF_PRIVILEGE),
    example_path="users.js", visits=("call_expression", "new_expression"), check=check,
)
