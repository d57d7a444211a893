"""
## What it does
Flags network I/O to another service made while a database transaction is open:
- HTTP calls (`axios.*`, `got`, `fetch`, `superagent`, `http.request`, NestJS
  `this.httpService.post(...)`);
- message publication (`producer.send`, `channel.publish`/`sendToQueue`, `sns.publish`,
  `transporter.sendMail`, `eventBus.publish`, ...);

inside a transaction callback (`prisma.$transaction(async (tx) => ...)`,
`sequelize.transaction(async (t) => ...)`, `dataSource.transaction(...)`,
`knex.transaction(...)`, `session.withTransaction(...)`, pg-promise `db.tx(...)`), a
`@Transactional()` method, or between `queryRunner.startTransaction()` /
`client.query('BEGIN')` and the commit.

## Why it matters
A transaction holds its row locks and a pooled connection until it commits. An HTTP call inside it
stretches that from milliseconds to the upstream's latency, or to forever without a timeout: other
requests touching the same rows queue behind the lock, the pool drains, and a slow payment
provider becomes a database outage. The side effect is not transactional either: if the
transaction rolls back after the call, the email was sent or the card was charged anyway.

## Example
    import axios from 'axios';
    import { PrismaClient } from '@prisma/client';

    const prisma = new PrismaClient();

    export async function placeOrder(userId: string, total: number) {
      return prisma.$transaction(async (tx) => {
        const order = await tx.order.create({ data: { userId, total } });
        await axios.post('https://payments.example.com/charges', { orderId: order.id, total }, { timeout: 5000 });
        return order;
      });
    }

## Use instead
    import axios from 'axios';
    import { PrismaClient } from '@prisma/client';

    const prisma = new PrismaClient();

    export async function placeOrder(userId: string, total: number) {
      const order = await prisma.$transaction(async (tx) => {
        return tx.order.create({ data: { userId, total, status: 'pending' } });
      });
      await axios.post('https://payments.example.com/charges', { orderId: order.id, total }, { timeout: 5000 });
      return order;
    }

## Known limitations
Calls hidden in helpers of the project (`await this.payments.charge(...)`) are not followed; a
transaction opened in a caller and continued in a callee is not seen. Publishing through a
transactional outbox table is the fix and is not reported.
"""
from __future__ import annotations

from prodcheck.model import Area, Confidence
from prodcheck.rules.base import NodeRule
from prodcheck.rules.javascript.data_helpers import (
    has_transactions, in_transaction, outbound_label, server_file,
)


def check(call, ctx):
    if not server_file(ctx) or not has_transactions(ctx):
        return
    label = outbound_label(call, ctx)
    if not label:
        return
    opened = in_transaction(call, ctx)
    if opened is None:
        return
    line = opened.start_point[0] + 1
    yield ctx.finding(
        RULE, call, f"`{label}` runs inside the transaction opened on line {line}: its locks and connection "
                    f"are held for the whole network call",
        related=(opened,))


RULE = NodeRule(
    id="JS-DATA-011", slug="external-call-in-transaction", area=Area.DATA,
    title="Network call inside a database transaction",
    fix="Move the HTTP call or message out of the transaction: commit first and call afterwards (or "
        "call first and store the result), and use a transactional outbox for messages that must "
        "follow the commit.",
    rows=("DATA-10",), doc=__doc__, confidence=Confidence.HIGH,
    example_path="orders.ts", visits=("call_expression",), check=check,
    coverage="partial", coverage_note="HTTP and publish calls lexically inside a transaction of the same function",
)
