"""
## What it does
Flags a function that makes two or more database writes that can both run, with no transaction
in sight. Writes are ORM and SQL mutations: Prisma `prisma.x.create/update/upsert/delete(...Many)`,
TypeORM repositories and managers (`repo.save/insert/update/delete/remove`), Sequelize and
Mongoose models (`User.create/update/destroy/bulkCreate/updateOne/...`, `await doc.save()`), the
MongoDB driver (`insertOne`, `updateMany`, ...), knex builders (`knex('t').insert(...)`) and SQL
(`pool.query('INSERT|UPDATE|DELETE ...')`). A function is left alone when it opens or joins a
transaction anywhere (`prisma.$transaction`, `sequelize.transaction`,
`dataSource.transaction`/`queryRunner.startTransaction`, `knex.transaction`,
`session.withTransaction`/`startSession`, pg-promise `db.tx`, `query('BEGIN')`, a
`@Transactional()` method) or runs inside a transaction callback. Writes on mutually exclusive
paths (`if`/`else` branches, `switch` cases, `try` and its `catch`, a branch that returns) are not
counted together.

## Why it matters
Without a transaction each write commits on its own. When the second one fails (a constraint, a
deadlock, a crash, a timeout between the two) the first stays: an order without its line items, a
debit without its credit, a user without a profile. These half-done states are rare, invisible in
tests and expensive to find and repair in production data.

## Example
    import { PrismaClient } from '@prisma/client';

    const prisma = new PrismaClient();

    export async function transfer(fromId: string, toId: string, amount: number) {
      await prisma.account.update({ where: { id: fromId }, data: { balance: { decrement: amount } } });
      await prisma.account.update({ where: { id: toId }, data: { balance: { increment: amount } } });
    }

## Use instead
    import { PrismaClient } from '@prisma/client';

    const prisma = new PrismaClient();

    export async function transfer(fromId: string, toId: string, amount: number) {
      await prisma.$transaction([
        prisma.account.update({ where: { id: fromId }, data: { balance: { decrement: amount } } }),
        prisma.account.update({ where: { id: toId }, data: { balance: { increment: amount } } }),
      ]);
    }

## Known limitations
Writes made by helpers of the project (`await this.users.createProfile(...)`) are not counted,
and a transaction opened by a caller (a `cls-hooked` namespace, a `tx` handed in as a parameter
under another name) is not seen: a function that receives the transaction handle as a parameter
named `tx`, `trx`, `transaction`, `manager` or `session` is trusted. Two independent writes that
need no atomicity (an audit log line) are still reported: MEDIUM confidence. MongoDB transactions
need a replica set; the finding still holds.
"""
from __future__ import annotations

from prodcheck.facts.extractors.js_common import body_of, params_of, walk_local
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import walk
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.data_helpers import (
    TRANSACTION_DECORATORS, file_writes, in_transaction, method_decorators, server_file, transaction_call, write_label,
)

FUNCTIONS = ("function_declaration", "function_expression", "function", "arrow_function", "method_definition",
             "generator_function_declaration")
TX_PARAMS = frozenset({"tx", "trx", "transaction", "t", "manager", "entityManager", "session", "em", "client",
                       "queryRunner", "conn", "connection"})
TERMINATORS = frozenset({"return_statement", "throw_statement", "break_statement", "continue_statement"})
BRANCHES = frozenset({"if_statement", "switch_body", "try_statement", "ternary_expression"})


def check(func, ctx):
    if not server_file(ctx) or len(file_writes(ctx)) < 2:
        return
    body = body_of(func)
    if body is None or body.type != "statement_block":
        return
    writes = [n for n in walk_local(body) if n.type == "call_expression" and write_label(n, ctx)]
    if len(writes) < 2:
        return
    if func.type == "method_definition" and set(method_decorators(func)) & TRANSACTION_DECORATORS:
        return
    if any(name in TX_PARAMS for name, _ in params_of(func)):
        return
    if any(n.type == "call_expression" and transaction_call(n) for n in walk(body)):
        return
    if in_transaction(writes[0], ctx) is not None:
        return
    pair = _together(writes, func)
    if pair is None:
        return
    first, second = pair
    labels = [write_label(first, ctx), write_label(second, ctx)]
    mongo = all(_mongo(label) for label in labels)
    count = len(writes)
    yield ctx.finding(
        RULE, second,
        f"{count} database writes in one function without a transaction (`{labels[0]}` on line "
        f"{first.start_point[0] + 1}, then `{labels[1]}`): a failure in between leaves partial state",
        related=(first,), confidence=Confidence.LOW if mongo else None)


def _mongo(label: str) -> bool:
    return label.endswith((".save", ".insertOne", ".updateOne", ".deleteOne", ".insertMany", ".updateMany",
                           ".deleteMany", ".findOneAndUpdate", ".findByIdAndUpdate", ".findByIdAndDelete"))


def _together(writes: list, func):
    """The first two writes that can run one after the other, or None."""
    for i, first in enumerate(writes):
        for second in writes[i + 1:]:
            if not _exclusive(first, second, func):
                return first, second
    return None


def _ancestors(node, stop) -> list:
    found = []
    current = node
    while current is not None and current.id != stop.id:
        found.append(current)
        current = current.parent
    return found


def _exclusive(first, second, func) -> bool:
    up_first = _ancestors(first, func)
    up_second = _ancestors(second, func)
    second_ids = {n.id for n in up_second}
    lca_index = next((i for i, n in enumerate(up_first) if n.id in second_ids), None)
    if lca_index is None or lca_index == 0:
        return False
    lca = up_first[lca_index]
    child_first = up_first[lca_index - 1]
    position = next(i for i, n in enumerate(up_second) if n.id == lca.id)
    if position == 0:
        return False
    child_second = up_second[position - 1]
    if lca.type in BRANCHES and child_first.id != child_second.id:
        if lca.type == "try_statement":
            kinds = {child_first.type, child_second.type}
            return "catch_clause" in kinds and "finally_clause" not in kinds
        if lca.type == "if_statement":
            condition = lca.child_by_field_name("condition")
            return condition is None or condition.id not in (child_first.id, child_second.id)
        if lca.type == "ternary_expression":
            condition = lca.child_by_field_name("condition")
            return condition is None or condition.id not in (child_first.id, child_second.id)
        return True
    for block in up_first[:lca_index]:
        if block.type not in ("statement_block", "switch_case"):
            continue
        after = False
        for statement in block.named_children:
            if statement.start_byte <= first.start_byte < statement.end_byte:
                after = True
                continue
            if after and statement.type in TERMINATORS:
                return True
    return False


RULE = NodeRule(
    id="JS-DATA-002", slug="multi-write-without-transaction", area=Area.DATA,
    title="Several database writes without a transaction",
    fix="Wrap the writes in one transaction: `prisma.$transaction(async (tx) => { ... })`, "
        "`sequelize.transaction(async (t) => ...)`, `dataSource.transaction(async (manager) => ...)`, "
        "`knex.transaction(async (trx) => ...)`, or `BEGIN`/`COMMIT` on one pooled client.",
    rows=("DATA-08",), doc=__doc__, confidence=Confidence.MEDIUM,
    example_path="transfer.ts", visits=FUNCTIONS, check=check,
    coverage="partial", coverage_note="ORM/SQL writes in one function; writes in helpers are not followed",
)
