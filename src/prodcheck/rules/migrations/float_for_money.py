"""
## What it does
Flags columns whose name says money (`price`, `amount`, `cost`, `total`, `balance`, `fee`, `tax`,
`salary`...) declared with a binary floating-point type: SQL `real`, `double precision`, `float`;
Django `FloatField`; Alembic `sa.Float` / `sa.REAL`. Names that also say count, rate or ratio
(`total_count`, `tax_rate`) are left alone.

## Why it matters
Binary floats cannot hold most decimal fractions exactly: 0.1 + 0.2 is 0.30000000000000004, sums
of many prices drift by cents, and equality checks on amounts fail. Money belongs in `numeric`
with a fixed scale (or integer cents).

## Example
    ALTER TABLE orders ADD COLUMN total_price double precision;

## Use instead
    ALTER TABLE orders ADD COLUMN total_price numeric(12, 2);
"""
from __future__ import annotations

from prodcheck.facts.extractors.python_common import name_tokens
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import FileRule
from prodcheck.rules.migrations.common import MIGRATION_LANGUAGES, qualified, up_ops

FLOAT_TYPES = frozenset({"float4", "float8", "float", "real", "double", "FloatField"})
MONEY_WORDS = frozenset({
    "price", "prices", "amount", "amounts", "cost", "costs", "total", "subtotal", "balance", "fee", "fees",
    "tax", "salary", "wage", "revenue", "payment", "payout", "refund", "discount", "charge", "budget",
    "money", "cents", "usd", "eur", "gbp",
})
NOT_MONEY_WORDS = frozenset({"count", "qty", "quantity", "rate", "ratio", "percent", "percentage", "pct",
                             "weight", "score", "items", "number", "num", "factor"})


def check(file, ctx):
    for op in up_ops(file, ctx, "add-column", "alter-type"):
        base = op.new_type.partition("(")[0].replace("[]", "")
        if base not in FLOAT_TYPES or not is_money(op.column):
            continue
        message = (f"{qualified(op.table, op.column)} holds money in a binary floating-point type ({op.new_type}): "
                   "decimal amounts are rounded and sums drift")
        yield ctx.finding(RULE, op.line, message)


def is_money(column: str) -> bool:
    words = set(name_tokens(column))
    return bool(words & MONEY_WORDS) and not words & NOT_MONEY_WORDS


RULE = FileRule(
    id="MIG-DATA-217", slug="float-for-money", area=Area.DATA,
    title="Money stored in a floating-point column",
    fix="Use `numeric(p, s)` with a fixed scale (Django `DecimalField`, SQLAlchemy `Numeric`) or integer cents.",
    rows=("DATA-13",), doc=__doc__, confidence=Confidence.HIGH,
    coverage="partial", coverage_note="JSON in TEXT, bigint keys and normalisation are not checked.",
    example_path="migrations/0018_total_price.sql", file_languages=MIGRATION_LANGUAGES, check=check,
)
