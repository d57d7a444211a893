"""
## What it does
Flags migrations the tool cannot roll back:
- Django `RunPython` without `reverse_code` and `RunSQL` without `reverse_sql`;
- an Alembic `downgrade()` that is missing, empty (`pass`), or raises (`NotImplementedError`);
- a golang-migrate `N_x.up.sql` without its `N_x.down.sql`, or with an empty one;
- a dbmate, goose or sql-migrate file without a down section, or with an empty one;
- a knex, TypeORM or Sequelize migration whose `down` is missing, empty or only throws.

Forward-only tools (Flyway without undo files, Prisma) are not flagged: their rollback plan in
the inventory says a compensating migration is needed.

## Why it matters
When a release must be rolled back, an irreversible migration blocks `migrate` backwards at the
worst moment, and the rollback turns into a hand-written fix under pressure. Writing the reverse
(or an explicit no-op, when nothing needs undoing) makes the rollback a command.

## Example
    ==> shop/migrations/0005_backfill_totals.py <==
    from django.db import migrations


    def backfill(apps, schema_editor):
        Order = apps.get_model("shop", "Order")
        Order.objects.filter(total__isnull=True).update(total=0)


    class Migration(migrations.Migration):
        dependencies = [("shop", "0004_order_total")]
        operations = [migrations.RunPython(backfill)]

## Use instead
    ==> shop/migrations/0005_backfill_totals.py <==
    from django.db import migrations


    def backfill(apps, schema_editor):
        Order = apps.get_model("shop", "Order")
        Order.objects.filter(total__isnull=True).update(total=0)


    class Migration(migrations.Migration):
        dependencies = [("shop", "0004_order_total")]
        operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
"""
from __future__ import annotations

from prodcheck.facts.extractors.migration_model import SIGNAL_IRREVERSIBLE
from prodcheck.model import Area, Confidence
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.migrations.common import signals_of


def check(project, ctx):
    for _, signal in signals_of(project, SIGNAL_IRREVERSIBLE):
        message = f"{signal.detail}: the migration cannot be rolled back by the tool"
        yield ctx.finding(RULE, signal.location, message)


RULE = ProjectRule(
    id="MIG-DATA-212", slug="irreversible-migration", area=Area.DATA,
    title="Migration cannot be rolled back",
    fix=("Write the reverse step (reverse_code / reverse_sql, downgrade(), a down file), or an explicit no-op "
         "with the rollback plan when nothing can be undone."),
    rows=("MIG-02", "MIG-11"), doc=__doc__, confidence=Confidence.HIGH,
    coverage="partial",
    coverage_note="A down step that does not undo the up step (wrong table, partial undo) is not detected.",
    example_path="shop/migrations/0005_backfill_totals.py", check=check,
)
