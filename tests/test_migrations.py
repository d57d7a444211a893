"""Migration reading: pglast parsing with lines, the inventory entry of each migration style,
diagnostics per migration set, rollback plans, fix diffs, and robustness on odd input."""
from __future__ import annotations

import random
import textwrap
from pathlib import Path

import pytest

from harness import run
from prodcheck.discovery.classify import SourceFile, classify
from prodcheck.facts.extractors.migration_model import decode_columns, encode_columns, migration_set
from prodcheck.facts.model import FileFacts
from prodcheck.parsing.sql import PARSE_ERROR_KIND, parse_script
from prodcheck.config import Config
from prodcheck.pipeline import analyse_file, scan
from prodcheck.rules.catalog import load_catalog
from prodcheck.rules.migrations.column_type_change_rewrites_table import rewrites
from prodcheck.rules.migrations.foreign_key_without_index import covers

MIG_RULES = tuple(r.id for r in load_catalog().rules if r.id.startswith("MIG-"))


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def facts_of(root: Path, name: str, rule_ids: tuple[str, ...] = ()) -> tuple[FileFacts, list]:
    target = root / name
    language, kind = classify(name)
    result = analyse_file(SourceFile(name, str(target), language, kind, target.stat().st_size), rule_ids)
    errors = [d for d in result.diagnostics if d.kind in ("extractor-error", "rule-error")]
    assert not errors, errors
    return result.facts, list(result.findings)


def only_migration(facts: FileFacts):
    assert len(facts.migrations) == 1, facts.migrations
    return facts.migrations[0]


# ---------------------------------------------------------------------------------------------
# Parsing


def test_pglast_imports_and_parses_postgresql() -> None:
    import pglast
    assert pglast.parse_sql("CREATE INDEX CONCURRENTLY i ON t (a)")


def test_statements_keep_the_line_of_their_first_token() -> None:
    script = parse_script("-- héllo\n/* c */ CREATE INDEX i ON t (a);\n\nALTER TABLE t\n  ADD COLUMN b int;\n")
    assert [(s.line, s.end_line, type(s.node).__name__) for s in script.statements] == [
        (2, 2, "IndexStmt"), (4, 5, "AlterTableStmt")]
    assert script.statements[0].text == "CREATE INDEX i ON t (a)"
    assert [c.line for c in script.comments] == [1, 2]
    assert not script.errors


def test_an_unreadable_statement_loses_only_itself() -> None:
    script = parse_script("CREATE TABLE a (id int);\nselec 1;\nCREATE TABLE ${schema}.b (id int);\nDROP TABLE c;\n")
    assert [s.line for s in script.statements] == [1, 4]
    assert [e.line for e in script.errors] == [2, 3]


@pytest.mark.parametrize("text", ["", "-- only a comment", "select 'unterminated", ";;;", "\x00\x01", "$$", "(((("])
def test_odd_sql_never_raises(text: str) -> None:
    script = parse_script(text)
    assert isinstance(script.statements, tuple)


def test_first_line_offsets_embedded_sql() -> None:
    script = parse_script("\nCREATE INDEX i ON t (a);", first_line=10)
    assert script.statements[0].line == 11


def test_unparseable_sql_gives_one_diagnostic_per_migration_set(tmp_path: Path) -> None:
    mysql = "CREATE TABLE `users` (`id` int NOT NULL AUTO_INCREMENT, PRIMARY KEY (`id`)) ENGINE=InnoDB;\n"
    write(tmp_path, {
        "db/migrations/0001_users.sql": mysql,
        "db/migrations/0002_orders.sql": mysql.replace("users", "orders"),
        "db/migrations/0003_items.sql": mysql.replace("users", "items"),
        "prisma/migrations/20240101_init/migration.sql": mysql,
        "prisma/migrations/20240102_more/migration.sql": mysql,
        "db/migrations/0004_ok.sql": "CREATE INDEX CONCURRENTLY i ON t (a);\n",
    })
    report = run(tmp_path)
    parse_errors = sorted(d.path for d in report.diagnostics if d.kind == PARSE_ERROR_KIND)
    assert parse_errors == ["db/migrations", "prisma/migrations"]
    assert not [d for d in report.diagnostics if d.kind in ("extractor-error", "rule-error")]


# ---------------------------------------------------------------------------------------------
# Inventory entries, per style


def test_golang_migrate_entry_with_down_file(tmp_path: Path) -> None:
    write(tmp_path, {
        "migrations/000003_add_email.up.sql": "ALTER TABLE users ADD COLUMN email text;\n"
                                              "ALTER TABLE users DROP COLUMN legacy;\n",
        "migrations/000003_add_email.down.sql": "ALTER TABLE users DROP COLUMN email;\n",
    })
    migration = only_migration(facts_of(tmp_path, "migrations/000003_add_email.up.sql")[0])
    assert (migration.id, migration.style, migration.order, migration.reversible) == \
        ("000003_add_email", "golang-migrate", 3, True)
    assert migration.operations == ("add-column users.email", "drop-column users.legacy")
    assert "000003_add_email.down.sql" in migration.rollback and "users.legacy is not restored" in migration.rollback
    down, _ = facts_of(tmp_path, "migrations/000003_add_email.down.sql")
    assert down.migrations == ()


def test_golang_migrate_without_down_file_is_irreversible(tmp_path: Path) -> None:
    write(tmp_path, {"migrations/000004_x.up.sql": "CREATE TABLE x (id int);\n"})
    migration = only_migration(facts_of(tmp_path, "migrations/000004_x.up.sql")[0])
    assert migration.reversible is False and "no down migration" in migration.rollback


@pytest.mark.parametrize(("name", "style", "ident", "order", "reversible"), [
    ("db/migration/V2_1__add_index.sql", "flyway", "V2_1__add_index", 2, False),
    ("prisma/migrations/20240105120000_init/migration.sql", "prisma", "20240105120000_init", 20240105120000, False),
    ("migrations/0007_plain.sql", "sql", "0007_plain", 7, None),
])
def test_sql_styles(tmp_path: Path, name: str, style: str, ident: str, order: int, reversible) -> None:
    write(tmp_path, {name: "CREATE INDEX CONCURRENTLY i ON t (a);\n"})
    migration = only_migration(facts_of(tmp_path, name)[0])
    assert (migration.style, migration.id, migration.order, migration.reversible) == (style, ident, order, reversible)
    assert migration.operations == ("create-index t(a)",)
    assert migration.rollback


def test_dbmate_down_section_is_the_rollback(tmp_path: Path) -> None:
    write(tmp_path, {"db/migrations/20240101000000_notes.sql": """
        -- migrate:up
        ALTER TABLE orders ADD COLUMN notes text;
        -- migrate:down
        ALTER TABLE orders DROP COLUMN notes;
    """})
    facts, findings = facts_of(tmp_path, "db/migrations/20240101000000_notes.sql", MIG_RULES)
    migration = only_migration(facts)
    assert (migration.style, migration.reversible, migration.operations) == \
        ("dbmate", True, ("add-column orders.notes",))
    assert not [f for f in findings if f.rule_id == "MIG-DATA-209"], "the down section is not checked"


def test_goose_and_sql_migrate_markers(tmp_path: Path) -> None:
    write(tmp_path, {
        "sql/001_goose.sql": "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n",
        "sql/002_rubenv.sql": "-- +migrate Up\nCREATE TABLE b (id int);\n",
    })
    goose = only_migration(facts_of(tmp_path, "sql/001_goose.sql")[0])
    rubenv = only_migration(facts_of(tmp_path, "sql/002_rubenv.sql")[0])
    assert (goose.style, goose.reversible) == ("goose", True)
    assert (rubenv.style, rubenv.reversible) == ("sql-migrate", False)


def test_sql_outside_migrations_is_parsed_but_not_a_migration(tmp_path: Path) -> None:
    write(tmp_path, {"queries/report.sql": "CREATE INDEX i ON orders (created_at);\nSELECT 1;\n"})
    facts, findings = facts_of(tmp_path, "queries/report.sql", MIG_RULES)
    assert facts.migrations == () and findings == []


def test_django_entry(tmp_path: Path) -> None:
    write(tmp_path, {"shop/migrations/0005_order_status.py": '''
        from django.db import migrations, models


        class Migration(migrations.Migration):
            dependencies = [("shop", "0004_previous"), ("auth", "0012_alter_user")]
            operations = [
                migrations.AddField("order", "status", models.CharField(max_length=20, default="new")),
                migrations.RunSQL("""
                    CREATE INDEX order_status_idx ON shop_order (status);
                """, reverse_sql="DROP INDEX order_status_idx;"),
                migrations.SeparateDatabaseAndState(
                    database_operations=[migrations.RemoveField("order", "legacy")],
                    state_operations=[migrations.RemoveField("order", "ignored")],
                ),
            ]
    '''})
    facts, findings = facts_of(tmp_path, "shop/migrations/0005_order_status.py", MIG_RULES)
    migration = only_migration(facts)
    assert (migration.id, migration.style, migration.order, migration.reversible) == \
        ("shop.0005_order_status", "django", 5, True)
    assert migration.operations == ("add-column order.status", "create-index shop_order(status)",
                                    "drop-column order.legacy")
    assert migration.rollback.startswith("manage.py migrate shop 0004_previous")
    index = [f for f in findings if f.rule_id == "MIG-DATA-201"]
    assert [f.location.start.line for f in index] == [9], "the statement's own line in the triple-quoted SQL"


def test_django_irreversible_rollback_plan(tmp_path: Path) -> None:
    write(tmp_path, {"shop/migrations/0006_backfill.py": """
        from django.db import migrations


        class Migration(migrations.Migration):
            dependencies = [("shop", "0005_order_status")]
            operations = [migrations.RunPython(lambda apps, editor: None)]
    """})
    migration = only_migration(facts_of(tmp_path, "shop/migrations/0006_backfill.py")[0])
    assert migration.reversible is False and migration.rollback.startswith("irreversible")


def test_alembic_entry(tmp_path: Path) -> None:
    write(tmp_path, {"alembic/versions/4f2a_add_age.py": """
        from alembic import op
        import sqlalchemy as sa

        revision = "4f2a"
        down_revision = "3e1b"


        def upgrade():
            op.add_column("users", sa.Column("age", sa.Integer(), nullable=True))
            op.execute("UPDATE users SET age = 0")


        def downgrade():
            op.drop_column("users", "age")
    """})
    migration = only_migration(facts_of(tmp_path, "alembic/versions/4f2a_add_age.py")[0])
    assert (migration.id, migration.style, migration.reversible) == ("4f2a", "alembic", True)
    assert migration.operations == ("add-column users.age", "dml users")
    assert migration.rollback == "alembic downgrade 3e1b"


def test_alembic_merge_revision_is_reversible(tmp_path: Path) -> None:
    write(tmp_path, {"alembic/versions/5b_merge.py": """
        revision = "5b"
        down_revision = ("4a", "4b")

        def upgrade():
            pass

        def downgrade():
            pass
    """})
    assert only_migration(facts_of(tmp_path, "alembic/versions/5b_merge.py")[0]).reversible is True


def test_alembic_revision_is_recognised_outside_a_migrations_directory(tmp_path: Path) -> None:
    write(tmp_path, {"db/revisions/9a_x.py": """
        revision = "9a"
        down_revision = "8z"

        def upgrade():
            op.drop_table("legacy")
    """})
    facts = facts_of(tmp_path, "db/revisions/9a_x.py")[0]
    migration = only_migration(facts)
    assert migration.reversible is False and [s.detail for s in facts.signals if "downgrade" in s.detail] == \
        ["no downgrade() function"]
    assert "legacy is not restored" in migration.rollback


def test_inventory_orders_migrations_of_a_project(tmp_path: Path) -> None:
    write(tmp_path, {
        "migrations/0002_b.sql": "CREATE TABLE b (id int);\n",
        "migrations/0001_a.sql": "CREATE TABLE a (id int);\n",
        "migrations/0010_c.sql": "CREATE TABLE c (id int);\n",
    })
    report = run(tmp_path, MIG_RULES)
    assert [m.id for m in report.inventory.migrations] == ["0001_a", "0002_b", "0010_c"]


# ---------------------------------------------------------------------------------------------
# Fix diffs


def _finding(tmp_path: Path, name: str, text: str, rule_id: str):
    write(tmp_path, {name: text})
    findings = [f for f in run(tmp_path, (rule_id,)).findings if f.rule_id == rule_id]
    assert len(findings) == 1, findings
    return findings[0]


def test_concurrently_diff(tmp_path: Path) -> None:
    finding = _finding(tmp_path, "migrations/0001.sql", "SET lock_timeout = '1s';\nCREATE INDEX i ON t (a);\n",
                       "MIG-DATA-201")
    assert finding.fix.diff == ("--- a/migrations/0001.sql\n+++ b/migrations/0001.sql\n@@ -2,1 +2,1 @@\n"
                                "-CREATE INDEX i ON t (a);\n+CREATE INDEX CONCURRENTLY i ON t (a);\n")


def test_not_valid_diff_on_a_multi_line_statement(tmp_path: Path) -> None:
    finding = _finding(tmp_path, "migrations/0001.sql",
                       "ALTER TABLE o ADD CONSTRAINT o_fk\n    FOREIGN KEY (c) REFERENCES c (id);\n", "MIG-DATA-205")
    assert finding.location.start.line == 1
    assert "+    FOREIGN KEY (c) REFERENCES c (id) NOT VALID;" in finding.fix.diff
    assert "@@ -1,2 +1,2 @@" in finding.fix.diff


def test_unique_using_index_diff(tmp_path: Path) -> None:
    finding = _finding(tmp_path, "migrations/0001.sql", "ALTER TABLE u ADD CONSTRAINT u_email_key UNIQUE (email);\n",
                       "MIG-DATA-206")
    assert "+CREATE UNIQUE INDEX CONCURRENTLY u_email_key ON u (email);" in finding.fix.diff
    assert "+ALTER TABLE u ADD CONSTRAINT u_email_key UNIQUE USING INDEX u_email_key;" in finding.fix.diff


def test_lock_timeout_diff_inserts_before_the_statement(tmp_path: Path) -> None:
    finding = _finding(tmp_path, "migrations/0001.sql", "-- note\nALTER TABLE t ADD COLUMN a int;\n", "MIG-DATA-210")
    assert finding.fix.diff.endswith("@@ -2,0 +2,1 @@\n+SET lock_timeout = '5s';\n")


def test_python_fix_text_names_the_framework(tmp_path: Path) -> None:
    finding = _finding(tmp_path, "shop/migrations/0002_idx.py", """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            operations = [migrations.AddIndex("order", models.Index(fields=["a"], name="order_a_idx"))]
    """, "MIG-DATA-201")
    assert "AddIndexConcurrently" in finding.fix.text and not finding.fix.diff


# ---------------------------------------------------------------------------------------------
# Pure helpers


@pytest.mark.parametrize(("old", "new", "using", "expected"), [
    ("int4", "int8", False, True),
    ("", "int8", False, True),
    ("", "text", False, False),
    ("varchar(20)", "varchar(40)", False, False),
    ("varchar(40)", "varchar(20)", False, True),
    ("varchar(40)", "text", False, False),
    ("text", "varchar(40)", False, True),
    ("numeric(10,2)", "numeric(12,2)", False, False),
    ("numeric(10,2)", "numeric(12,4)", False, True),
    ("numeric(10,2)", "numeric", False, False),
    ("timestamp", "timestamptz", False, False),
    ("cidr", "inet", False, False),
    ("int4[]", "int8[]", False, True),
    ("text", "text", True, True),
    ("text", "jsonb", False, True),
])
def test_type_change_rewrites(old: str, new: str, using: bool, expected: bool) -> None:
    assert rewrites(old, new, using) is expected


def test_index_covers_foreign_key_by_leading_columns() -> None:
    assert covers(("a",), ("a",)) and covers(("a", "b"), ("a",)) and covers(("b", "a"), ("a", "b"))
    assert not covers(("b", "a"), ("a",)) and not covers(("a",), ("a", "b")) and not covers(("a",), ())


def test_signal_details_round_trip() -> None:
    assert decode_columns(encode_columns("orders", ("a", "b"), "users")) == ("orders", ("a", "b"), "users")
    assert decode_columns(encode_columns("orders", ("a",))) == ("orders", ("a",), "")


def test_migration_set_of_prisma_is_the_migrations_directory() -> None:
    assert migration_set("prisma/migrations/2024_init/migration.sql") == "prisma/migrations"
    assert migration_set("db/migrations/0001.sql") == "db/migrations"


# ---------------------------------------------------------------------------------------------
# Robustness


ODD_PYTHON = [
    "class Migration(migrations.Migration):\n    operations = 42\n",
    "class Migration(migrations.Migration):\n    operations = [f(), *more, migrations.AddField(), "
    "migrations.AddField(1, 2, 3), migrations.RunSQL(sql_var), migrations.RunSQL([('x', []), 1]), "
    "migrations.AddIndex('m', idx), migrations.AlterUniqueTogether('m', x)]\n",
    "class Migration(migrations.Migration):\n    operations = [migrations.RunSQL('selec 1')]\n",
    "revision = 1\ndown_revision = 2\ndef upgrade():\n    op.add_column()\n    op.create_index()\n"
    "    op.alter_column(type_=x)\n    op.execute(f'x{y}')\n    with op.batch_alter_table() as b:\n"
    "        b.add_column()\n        b.create_index()\n",
    "revision = 'a'\ndown_revision = 'b'\ndef upgrade():\n    op.create_table('t', 1, sa.Column(), "
    "sa.Index(), sa.ForeignKeyConstraint())\n    op.create_foreign_key()\n"
    "    op.create_check_constraint('c', 't', 'selec')\n",
]


@pytest.mark.parametrize("text", ODD_PYTHON)
def test_odd_python_migrations_do_not_break_readers_or_rules(tmp_path: Path, text: str) -> None:
    write(tmp_path, {"app/migrations/0001_odd.py": text})
    facts_of(tmp_path, "app/migrations/0001_odd.py", MIG_RULES)


def test_random_sql_token_soup_never_breaks_rules(tmp_path: Path) -> None:
    words = ["CREATE", "INDEX", "CONCURRENTLY", "ALTER", "TABLE", "t", "ADD", "COLUMN", "c", "int", "NOT",
             "NULL", "DEFAULT", "(", ")", ";", "DROP", "SET", "TYPE", "VALIDATE", "CONSTRAINT", "BEGIN",
             "COMMIT", "REFERENCES", "u", "UNIQUE", "CHECK", "VACUUM", "FULL", "'x'", "$$", "--", ",", "ON"]
    rng = random.Random(5)
    files = {f"migrations/{i:04d}_soup.sql": " ".join(rng.choice(words) for _ in range(80)) for i in range(25)}
    files["migrations/0100_valid.sql"] = ("BEGIN; ALTER TABLE t ADD COLUMN c int NOT NULL, ADD CONSTRAINT k CHECK "
                                          "(c IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT k; COMMIT;")
    write(tmp_path, files)
    report = run(tmp_path, MIG_RULES)
    assert not [d for d in report.diagnostics if d.kind in ("extractor-error", "rule-error", "worker-crash")]


REAL_WORLD_SQL = """
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE TYPE order_status AS ENUM ('new', 'paid');
ALTER TYPE order_status ADD VALUE 'refunded';
CREATE TABLE measurements (id bigint, at timestamptz NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
ALTER TABLE measurements ATTACH PARTITION measurements_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE ONLY orders ADD CONSTRAINT orders_pk PRIMARY KEY USING INDEX orders_pk_idx;
ALTER TABLE IF EXISTS orders ALTER COLUMN status TYPE order_status USING status::order_status;
CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated_at := now(); RETURN NEW; END;
$$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
DO $$ BEGIN EXECUTE 'CREATE INDEX i ON t (a)'; END $$;
COMMENT ON COLUMN orders.status IS 'lifecycle';
GRANT SELECT ON orders TO reporting;
CREATE MATERIALIZED VIEW daily AS SELECT date_trunc('day', created_at) AS d, count(*) FROM orders GROUP BY 1;
REFRESH MATERIALIZED VIEW CONCURRENTLY daily;
CREATE UNIQUE INDEX CONCURRENTLY daily_d ON daily (d);
INSERT INTO settings (k, v) VALUES ('a', 'b') ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v;
UPDATE orders SET status = 'paid' WHERE id IN (SELECT id FROM orders WHERE status IS NULL LIMIT 1000);
LOCK TABLE orders IN SHARE MODE;
ALTER TABLE orders ALTER COLUMN note SET STATISTICS 500, ALTER COLUMN note SET STORAGE EXTERNAL;
ALTER TABLE orders DISABLE TRIGGER orders_touch;
REINDEX INDEX CONCURRENTLY orders_status_idx;
CLUSTER;
VACUUM FULL;
RESET lock_timeout;
SAVEPOINT s; RELEASE SAVEPOINT s;
"""


def test_real_world_postgresql_never_breaks_readers_or_rules(tmp_path: Path) -> None:
    write(tmp_path, {"migrations/0001_everything.sql": REAL_WORLD_SQL,
                     "migrations/0002_everything.up.sql": REAL_WORLD_SQL,
                     "app/migrations/0003_sql.py": "from django.db import migrations\n\n\n"
                     "class Migration(migrations.Migration):\n"
                     f"    operations = [migrations.RunSQL({REAL_WORLD_SQL!r}, migrations.RunSQL.noop)]\n"})
    report = run(tmp_path, MIG_RULES)
    assert not [d for d in report.diagnostics if d.kind in ("extractor-error", "rule-error", "worker-crash",
                                                            PARSE_ERROR_KIND)]
    assert len(report.inventory.migrations) == 3


def test_the_migrations_command_reads_migrations_only_and_finds_what_scan_finds(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys
    files = {
        "app/client.py": "import requests\n\n\ndef f(u):\n    return requests.get(u)\n",
        "db/migrations/000001_users.up.sql": "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
        "db/migrations/000002_email_idx.up.sql": "CREATE INDEX users_email_idx ON users (email);\n",
        "shop/migrations/0001_initial.py": (
            "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
            "    dependencies = []\n    operations = [migrations.RunSQL('UPDATE t SET x = 1')]\n"),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "prodcheck", "migrations", str(tmp_path), "-f", "json", "-q"],
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    focused = json.loads(done.stdout)
    assert focused["summary"]["files"] == 3
    full = scan(tmp_path, Config(use_baseline=False, jobs=1))
    expected = sorted((f.rule_id, f.location.path) for f in full.findings if f.rule_id.startswith("MIG-"))
    assert sorted((f["rule_id"], f["location"]["path"]) for f in focused["findings"]) == expected
    assert {"MIG-DATA-201", "MIG-DATA-212"} <= {rule for rule, _ in expected}


# ---------------------------------------------------------------------------------------------
# knex, TypeORM and Sequelize migrations


def _parsed(root: Path, name: str):
    from prodcheck.parsing import parse
    target = root / name
    language, kind = classify(name)
    return parse(SourceFile(name, str(target), language, kind, target.stat().st_size))


def test_knex_entry_and_ops(tmp_path: Path) -> None:
    write(tmp_path, {"db/migrations/20240101120000_users.js": """
        exports.up = async function (knex) {
          await knex.schema.createTable('teams', (t) => {
            t.increments();
            t.string('name', 80).notNullable();
          });
          await knex.schema.alterTable('users', (t) => {
            t.integer('team_id').references('id').inTable('teams');
            t.index(['team_id']);
            t.dropColumn('legacy');
            t.renameColumn('name', 'full_name');
          });
          await knex.raw('ALTER TABLE users ALTER COLUMN email SET NOT NULL');
        };

        exports.down = async function (knex) {
          await knex.schema.dropTable('teams');
        };
    """})
    migration = only_migration(facts_of(tmp_path, "db/migrations/20240101120000_users.js")[0])
    assert (migration.id, migration.style, migration.order, migration.reversible) == \
        ("20240101120000_users", "knex", 20240101120000, True)
    assert migration.operations == (
        "create-table teams", "add-column users.team_id", "add-foreign-key users.team_id",
        "create-index users(team_id)", "drop-column users.legacy", "rename-column users.name -> full_name",
        "set-not-null users.email")
    assert migration.rollback.startswith("knex migrate:down") and "users.legacy is not restored" in migration.rollback


def test_typeorm_entry_change_column_and_transaction(tmp_path: Path) -> None:
    write(tmp_path, {"src/migration/1700000000000-Change.ts": """
        import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

        export class Change1700000000000 implements MigrationInterface {
            name = "Change1700000000000";

            public async up(queryRunner: QueryRunner): Promise<void> {
                await queryRunner.changeColumn("event", new TableColumn({ name: "id", type: "int", isNullable: true }),
                    new TableColumn({ name: "id", type: "bigint" }));
                await queryRunner.query(`CREATE INDEX CONCURRENTLY "IDX_e" ON "event" ("at")`);
            }

            public async down(queryRunner: QueryRunner): Promise<void> {
                await queryRunner.query(`DROP INDEX "IDX_e"`);
            }
        }
    """})
    facts, findings = facts_of(tmp_path, "src/migration/1700000000000-Change.ts", MIG_RULES)
    migration = only_migration(facts)
    assert (migration.style, migration.order, migration.reversible) == ("typeorm", 1700000000000, True)
    assert migration.operations == ("alter-type event.id -> int8", "set-not-null event.id", "create-index event(at)")
    assert migration.rollback == "typeorm migration:revert"
    assert {f.rule_id for f in findings} >= {"MIG-DATA-207", "MIG-DATA-202"}
    rewrite = next(f for f in findings if f.rule_id == "MIG-DATA-207")
    assert "from int4 to int8" in rewrite.message and "queryRunner.changeColumn()" in rewrite.message


def test_sequelize_entry_and_transaction_callback(tmp_path: Path) -> None:
    write(tmp_path, {"migrations/20240102000000-orders.js": """
        'use strict';
        module.exports = {
          up: async (queryInterface, Sequelize) => {
            await queryInterface.createTable('orders', {
              id: { type: Sequelize.INTEGER, primaryKey: true, autoIncrement: true },
              total: { type: Sequelize.DECIMAL(10, 2), allowNull: false, defaultValue: 0 },
            });
            await queryInterface.sequelize.query('UPDATE carts SET state = 1');
            await queryInterface.changeColumn('carts', 'state', { type: Sequelize.INTEGER, allowNull: false });
          },
          down: async (queryInterface) => {
            await queryInterface.dropTable('orders');
          },
        };
    """})
    migration = only_migration(facts_of(tmp_path, "migrations/20240102000000-orders.js")[0])
    assert (migration.style, migration.reversible) == ("sequelize", True)
    assert migration.operations == ("create-table orders", "dml carts", "alter-table carts.state",
                                    "set-not-null carts.state")
    assert migration.rollback == "sequelize db:migrate:undo"


@pytest.mark.parametrize("text", [
    "exports.up = 1;\n",
    "exports.up = function () {};\nexports.down = function () {};\n",
    "module.exports = { up: async (queryInterface) => { await queryInterface.addColumn(); "
    "await queryInterface.addIndex(); await queryInterface.createTable(); await queryInterface.addConstraint(x); "
    "await queryInterface.sequelize.query(sql); } };\n",
    "exports.up = (knex) => knex.schema.alterTable(name, (t) => { t.string(); t.index(); t.foreign(); "
    "t.specificType('a'); t.increments().alter(); t.dropColumns(); }).createTable();\n",
    "export class X implements MigrationInterface { async up(q) { await q.addColumn(); await q.createTable(); "
    "await q.changeColumn('t', 'a'); await q.createIndex('t', idx); await q.query(`SELECT ${x}`); "
    "await q.createCheckConstraint('t', new TableCheck({ expression: 'selec' })); } }\n",
    "exports.up = async (knex) => { await knex.raw(`CREATE TABLE ${'x'} (`); await knex.raw('ALTER TABLE `t` "
    "ADD INDEX i (a)'); };\nexports.down = async (knex) => { throw new Error('no'); };\n",
    "const up = async (knex) => knex.schema.dropTable('a');\nmodule.exports = { up };\n",
    "exports.up = function (knex) { return knex.schema.createTable('a', (t) => { t.increments( }\n",
])
def test_odd_javascript_migrations_do_not_break_readers_or_rules(tmp_path: Path, text: str) -> None:
    write(tmp_path, {"migrations/20240101_odd.js": text, "src/migration/1700-Odd.ts": text})
    facts_of(tmp_path, "migrations/20240101_odd.js", MIG_RULES)
    facts_of(tmp_path, "src/migration/1700-Odd.ts", MIG_RULES)


def test_javascript_files_that_are_not_migrations_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, {
        "src/routes/up.js": "exports.up = function (req, res) { res.send(req.query.up); };\n",
        "migrations/helpers.js": "module.exports = { up: (n) => n + 1, down: (n) => n - 1 };\n",
        "src/migration/Base.ts": "export class Base { async up(runner) { return runner.run(); } }\n",
        "db/seeders/20240101-demo.js": "module.exports = { up: (queryInterface) => queryInterface.bulkInsert("
                                       "'users', [{ name: 'demo' }]), down: async () => {} };\n",
    })
    for name in ("src/routes/up.js", "migrations/helpers.js", "src/migration/Base.ts", "db/seeders/20240101-demo.js"):
        assert facts_of(tmp_path, name)[0].migrations == ()


def test_unparseable_sql_in_a_javascript_migration_gives_one_diagnostic_per_set(tmp_path: Path) -> None:
    from prodcheck.facts.extractors.migrations import read_migration
    mysql = "exports.up = (knex) => knex.raw('ALTER TABLE `users` ADD INDEX `i` (`a`)');\nexports.down = () => null;\n"
    write(tmp_path, {"knexfile.js": "module.exports = { client: 'mysql2' };\n",
                     "migrations/20240101_a.js": mysql, "migrations/20240102_b.js": mysql})
    seen = set()
    for name in ("migrations/20240101_a.js", "migrations/20240102_b.js"):
        parsed = _parsed(tmp_path, name)
        migration = read_migration(parsed)
        assert migration is not None and migration.ops[0].action == "unparsed-sql"
        seen.update(d for d in parsed.diagnostics if d.kind == PARSE_ERROR_KIND)
    assert len(seen) == 1
    diagnostic = seen.pop()
    assert diagnostic.path == "migrations" and "mysql (knexfile.js `client`)" in diagnostic.message


def test_migration_path_predicate_for_the_migrations_command() -> None:
    from prodcheck.facts.extractors.migration_javascript import is_migration_path
    assert is_migration_path("db/migrations/20240101_a.js") and is_migration_path("src/migration/1700-A.ts")
    assert is_migration_path("migrate/001.cjs")
    assert not is_migration_path("src/routes/users.ts") and not is_migration_path("src/migration/types.d.ts")


# ---------------------------------------------------------------------------------------------
# Database engine of a migration set


@pytest.mark.parametrize(("files", "name", "style", "engine"), [
    ({"prisma/migrations/migration_lock.toml": 'provider = "mysql"\n',
      "prisma/schema.prisma": 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n'},
     "prisma/migrations/20240101_init/migration.sql", "prisma", "mysql"),
    ({"prisma/schema.prisma": 'datasource db {\n  provider = "sqlite"\n}\n'},
     "prisma/migrations/20240101_init/migration.sql", "prisma", "sqlite"),
    ({"alembic.ini": "[alembic]\nsqlalchemy.url = mysql+pymysql://u@h/db\n"},
     "alembic/versions/1a_x.py", "alembic", "mysql"),
    ({"alembic.ini": "[alembic]\nsqlalchemy.url = driver://user:pass@localhost/dbname\n",
      "alembic/env.py": "from alembic import context\nURL = 'postgresql+asyncpg://app@db/app'\n"},
     "alembic/versions/1a_x.py", "alembic", "postgresql"),
    ({"proj/settings.py": 'DATABASES = {"default": {"ENGINE": "django.db.backends.mysql"}}\n'},
     "shop/migrations/0001_initial.py", "django", "mysql"),
    ({"proj/settings/base.py": 'DATABASES = {"default": {\n    "ENGINE": os.environ.get("E", '
      '"django.db.backends.sqlite3"),\n}}\n'},
     "shop/migrations/0001_initial.py", "django", ""),
    ({"knexfile.js": "module.exports = { development: { client: 'sqlite3' }, production: { client: 'pg' } };\n"},
     "migrations/20240101_a.js", "knex", "postgresql"),
    ({"ormconfig.json": '{"type": "mariadb", "host": "db"}\n'}, "src/migration/1700-A.ts", "typeorm", "mysql"),
    ({"src/data-source.ts": "import { DataSource } from 'typeorm';\nexport default new DataSource({ type: "
      "'better-sqlite3', database: 'x' });\n"}, "src/migration/1700-A.ts", "typeorm", "sqlite"),
    ({"config/config.json": '{"development": {"dialect": "sqlite"}, "production": {"dialect": "mysql"}}\n'},
     "migrations/20240101-a.js", "sequelize", "mysql"),
    ({"flyway.conf": "flyway.url=jdbc:mysql://db:3306/app\n"}, "sql/V1__init.sql", "flyway", "mysql"),
    # the tool's own configuration wins over another tool's, however near
    ({"db/knexfile.js": "module.exports = { client: 'mysql' };\n",
      "flyway.conf": "flyway.url=jdbc:postgresql://db/app\n"}, "db/sql/V1__init.sql", "flyway", "postgresql"),
    # docker-compose is a last hint, used only when it names one engine family
    ({"docker-compose.yml": "services:\n  db:\n    image: mysql:8\n"}, "db/migrations/0001.sql", "sql", "mysql"),
    ({"docker-compose.yml": "services:\n  db:\n    image: mysql:8\n  pg:\n    image: postgres:16\n"},
     "db/migrations/0001.sql", "sql", ""),
    ({"settings.py": "nothing here\n"}, "db/migrations/0001.sql", "sql", ""),
])
def test_engine_detection(tmp_path: Path, files: dict, name: str, style: str, engine: str) -> None:
    from prodcheck.facts.extractors.migration_dialect import detect
    write(tmp_path, {**files, name: "-- migration\n"})
    assert detect(str(tmp_path / name), name, style).name == engine


def test_engine_detection_stays_inside_the_scan_root(tmp_path: Path) -> None:
    from prodcheck.facts.extractors.migration_dialect import detect
    write(tmp_path, {"knexfile.js": "module.exports = { client: 'mysql' };\n",
                     "repo/migrations/20240101_a.js": "-- x\n"})
    assert detect(str(tmp_path / "repo/migrations/20240101_a.js"), "migrations/20240101_a.js", "knex").name == ""


def test_mysql_and_sqlite_sets_get_only_dialect_independent_rules(tmp_path: Path) -> None:
    migration = """
        ALTER TABLE orders ADD COLUMN note text NOT NULL;
        CREATE INDEX orders_note_idx ON orders (note);
        ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
        ALTER TABLE orders DROP COLUMN legacy;
    """
    write(tmp_path, {
        "mysql/flyway.conf": "flyway.url=jdbc:mysql://db/app\n",
        "mysql/sql/V1__orders.sql": migration,
        "lite/flyway.conf": "flyway.url=jdbc:sqlite:app.db\n",
        "lite/sql/V1__orders.sql": migration,
        "pg/sql/V1__orders.sql": migration,
    })
    report = run(tmp_path, MIG_RULES)
    by_set: dict[str, set[str]] = {}
    for finding in report.findings:
        by_set.setdefault(finding.location.path.split("/")[0], set()).add(finding.rule_id)
    independent = {"MIG-DATA-209"}
    assert by_set["mysql"] == independent, "InnoDB indexes foreign keys itself: no MIG-DATA-213"
    assert by_set["lite"] == independent | {"MIG-DATA-213"}
    assert by_set["pg"] >= independent | {"MIG-DATA-201", "MIG-DATA-203", "MIG-DATA-205", "MIG-DATA-210",
                                          "MIG-DATA-213"}


# ---------------------------------------------------------------------------------------------
# postgres-version


def test_postgres_version_setting_is_validated() -> None:
    from prodcheck.config import ConfigError, parse_config
    assert parse_config({}).postgres_version == 0
    assert parse_config({"postgres-version": 12}).postgres_version == 12
    for bad in (8, 19, "12", True, 12.0):
        with pytest.raises(ConfigError, match="postgres-version"):
            parse_config({"postgres-version": bad})


def _file_findings(root: Path, name: str, rule_id: str, version: int) -> list:
    from prodcheck.rules.context import FileContext
    rule = load_catalog().index[rule_id]
    parsed = _parsed(root, name)
    return list(rule.check(parsed, FileContext(parsed, postgres_version=version)))


def test_constant_default_rewrites_before_postgresql_11(tmp_path: Path) -> None:
    write(tmp_path, {"migrations/0001_status.sql": "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';\n"
                                                   "ALTER TABLE orders ADD COLUMN note text;\n"})
    assert _file_findings(tmp_path, "migrations/0001_status.sql", "MIG-DATA-215", 0) == []
    assert _file_findings(tmp_path, "migrations/0001_status.sql", "MIG-DATA-215", 11) == []
    old = _file_findings(tmp_path, "migrations/0001_status.sql", "MIG-DATA-215", 10)
    assert [f.location.start.line for f in old] == [1] and "before PostgreSQL 11" in old[0].message


def test_not_null_without_default_advice_before_postgresql_11(tmp_path: Path) -> None:
    write(tmp_path, {"migrations/0001_code.sql": "ALTER TABLE users ADD COLUMN code text NOT NULL;\n"})
    modern = _file_findings(tmp_path, "migrations/0001_code.sql", "MIG-DATA-203", 0)
    old = _file_findings(tmp_path, "migrations/0001_code.sql", "MIG-DATA-203", 10)
    assert len(modern) == len(old) == 1
    assert "constant DEFAULT" in modern[0].fix.text and "nullable" in old[0].fix.text
    assert "PostgreSQL 10" in old[0].message and "PostgreSQL 10" not in modern[0].message


def test_version_dependent_transaction_rules(tmp_path: Path) -> None:
    write(tmp_path, {"migrations/20240101_x.up.sql": """
        CREATE TYPE mood AS ENUM ('sad');
        ALTER TYPE mood ADD VALUE 'happy';
        REINDEX INDEX CONCURRENTLY orders_status_idx;
        ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;
    """})
    name = "migrations/20240101_x.up.sql"
    lines = {v: sorted(f.location.start.line for f in _file_findings(tmp_path, name, "MIG-DATA-202", v))
             for v in (0, 11, 12, 13, 14)}
    # REINDEX CONCURRENTLY in a multi-statement golang-migrate file is a transaction problem on every version
    assert lines[0] == lines[14] == [3, 4]
    assert lines[12] == lines[13] == [3, 4]
    assert lines[11] == [2, 3, 3, 4]
    messages = [f.message for f in _file_findings(tmp_path, name, "MIG-DATA-202", 11)]
    assert any("ADD VALUE" in m and "before PostgreSQL 12" in m for m in messages)
    assert any("REINDEX CONCURRENTLY does not exist before PostgreSQL 12" in m for m in messages)
    assert any("does not exist before PostgreSQL 14" in m for m in _file_findings_messages(tmp_path, name, 13))


def _file_findings_messages(root: Path, name: str, version: int) -> list[str]:
    return [f.message for f in _file_findings(root, name, "MIG-DATA-202", version)]


def test_set_not_null_before_postgresql_12_ignores_the_check(tmp_path: Path) -> None:
    from prodcheck.facts.project import build_project
    from prodcheck.rules.context import ProjectContext
    write(tmp_path, {
        "migrations/0001_check.sql": "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);\n",
        "migrations/0002_not_null.sql": "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n",
    })
    facts = tuple(facts_of(tmp_path, n)[0] for n in ("migrations/0001_check.sql", "migrations/0002_not_null.sql"))
    project = build_project(facts)
    rule = load_catalog().index["MIG-DATA-204"]
    assert list(rule.check(project, ProjectContext(project))) == []
    assert list(rule.check(project, ProjectContext(project, postgres_version=12))) == []
    old = list(rule.check(project, ProjectContext(project, postgres_version=11)))
    assert len(old) == 1 and "PostgreSQL 11" in old[0].message and "NOT VALID" in old[0].fix.text


def test_postgres_version_reaches_the_rules_through_the_scan(tmp_path: Path) -> None:
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "V1__orders.sql").write_text("CREATE TABLE orders (id bigint PRIMARY KEY);\n")
    (tmp_path / "migrations" / "V2__flag.sql").write_text(
        "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN archived boolean DEFAULT false;\n")
    modern = scan(tmp_path, Config(only=("MIG-DATA-215",), use_baseline=False, jobs=1))
    old = scan(tmp_path, Config(only=("MIG-DATA-215",), use_baseline=False, jobs=1, postgres_version=10))
    assert modern.findings == ()
    assert [(f.rule_id, f.location.path) for f in old.findings] == [("MIG-DATA-215", "migrations/V2__flag.sql")]


# ---------------------------------------------------------------------------------------------
# Code-aware checks (MIG-DATA-218, MIG-DATA-219): the facts they read, and whole-project scans


def _signal_details(facts: FileFacts, name: str) -> list[dict]:
    import json
    return [json.loads(s.detail) for s in facts.signals if s.name == name]


def test_django_models_give_their_table_and_columns(tmp_path: Path) -> None:
    write(tmp_path, {"shop/models/order.py": """
        from django.db import models


        class Order(models.Model):
            customer = models.ForeignKey("shop.Customer", on_delete=models.CASCADE)
            total = models.IntegerField(db_column="total_cents")
            tags = models.ManyToManyField("shop.Tag")
            objects = models.Manager()


        class Line(models.Model):
            sku = models.CharField(max_length=20)

            class Meta:
                db_table = "order_lines"
                managed = False
    """})
    facts, _ = facts_of(tmp_path, "shop/models/order.py")
    order, line = _signal_details(facts, "model-columns")
    assert (order["app_dir"], order["table"], order["managed"]) == ("shop", "shop_order", True)
    assert [f[:2] for f in order["fields"]] == [["customer", "customer_id"], ["total", "total_cents"], ["tags", ""]]
    assert "objects" in order["names"]
    assert (line["table"], line["managed"], line["abstract"]) == ("order_lines", False, False)


def test_sqlalchemy_models_give_mapped_column_names(tmp_path: Path) -> None:
    write(tmp_path, {"app/models.py": """
        from sqlalchemy import Column, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


        class Base(DeclarativeBase):
            pass


        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            email_address: Mapped[str] = mapped_column("email", String(200))
            nickname = Column(String)
            posts: Mapped[list["Post"]] = relationship()
            owner: Mapped["User"]
    """})
    facts, _ = facts_of(tmp_path, "app/models.py")
    (user,) = _signal_details(facts, "model-columns")
    assert user["table"] == "users"
    assert [f[:2] for f in user["fields"]] == [["id", "id"], ["email_address", "email"], ["nickname", "nickname"]]


def test_django_state_follows_state_operations_not_database_operations(tmp_path: Path) -> None:
    write(tmp_path, {"shop/migrations/0004_move.py": """
        from django.db import migrations, models


        class Migration(migrations.Migration):
            dependencies = [("shop", "0003_previous")]

            operations = [
                migrations.SeparateDatabaseAndState(
                    state_operations=[migrations.RemoveField(model_name="order", name="legacy")],
                    database_operations=[migrations.RunSQL("SELECT 1", migrations.RunSQL.noop)],
                ),
                migrations.RenameField("order", "note", "remark"),
                migrations.CreateModel(name="Refund", fields=[("id", models.BigAutoField(primary_key=True))]),
            ]
    """})
    facts, _ = facts_of(tmp_path, "shop/migrations/0004_move.py")
    changes = [(d["op"], d["model"], d["field"], d["new"]) for d in _signal_details(facts, "migration-django-state")]
    assert changes == [("remove", "order", "legacy", ""), ("rename", "order", "note", "remark"),
                       ("create", "refund", "", ""), ("add", "refund", "id", "")]
    schema = _signal_details(facts, "migration-schema-op")
    assert [(d["action"], d["table"], d["column"]) for d in schema] == [
        ("rename-column", "order", "note"), ("create-table", "refund", ""), ("add-column", "refund", "id")]


_ORDER_MODEL = """
    from django.db import models


    class Order(models.Model):
        reference = models.CharField(max_length=40)
"""
_ORDER_INITIAL = """
    from django.db import migrations, models


    class Migration(migrations.Migration):
        initial = True
        dependencies = []

        operations = [
            migrations.CreateModel(
                name="Order",
                fields=[
                    ("id", models.BigAutoField(primary_key=True)),
                    ("reference", models.CharField(max_length=40)),
                    ("legacy_ref", models.CharField(max_length=40, null=True)),
                ],
            ),
        ]
"""


def _code_aware(root: Path) -> list[tuple[str, str, int]]:
    report = scan(root, Config(only=("MIG-DATA-218", "MIG-DATA-219"), use_baseline=False, jobs=1))
    return sorted((f.rule_id, f.location.path, f.location.start.line) for f in report.findings)


def test_expand_then_contract_is_not_reported(tmp_path: Path) -> None:
    write(tmp_path, {
        "shop/__init__.py": "", "shop/migrations/__init__.py": "",
        "shop/models.py": _ORDER_MODEL,
        "shop/migrations/0001_initial.py": _ORDER_INITIAL,
        # release N: the field leaves the model and the state; the column stays
        "shop/migrations/0002_forget_legacy_ref.py": """
            from django.db import migrations


            class Migration(migrations.Migration):
                dependencies = [("shop", "0001_initial")]
                operations = [migrations.SeparateDatabaseAndState(
                    state_operations=[migrations.RemoveField(model_name="order", name="legacy_ref")])]
        """,
        # release N+1: the column goes
        "shop/migrations/0003_drop_legacy_ref.py": """
            from django.db import migrations


            class Migration(migrations.Migration):
                dependencies = [("shop", "0002_forget_legacy_ref")]
                operations = [migrations.SeparateDatabaseAndState(
                    database_operations=[migrations.RemoveField(model_name="order", name="legacy_ref")])]
        """,
    })
    assert _code_aware(tmp_path) == []


def test_contract_shipped_while_the_model_still_maps_the_column(tmp_path: Path) -> None:
    write(tmp_path, {
        "shop/__init__.py": "", "shop/migrations/__init__.py": "",
        "shop/models.py": _ORDER_MODEL + "        legacy_ref = models.CharField(max_length=40, null=True)\n",
        "shop/migrations/0001_initial.py": _ORDER_INITIAL,
        "shop/migrations/0002_drop_legacy_ref.py": """
            from django.db import migrations


            class Migration(migrations.Migration):
                dependencies = [("shop", "0001_initial")]
                operations = [migrations.RemoveField(model_name="order", name="legacy_ref")]
        """,
    })
    assert _code_aware(tmp_path) == [("MIG-DATA-218", "shop/migrations/0002_drop_legacy_ref.py", 6)]


def test_removed_field_without_migration_is_the_reverse_drift(tmp_path: Path) -> None:
    write(tmp_path, {
        "shop/__init__.py": "", "shop/migrations/__init__.py": "",
        "shop/models.py": _ORDER_MODEL,
        "shop/migrations/0001_initial.py": _ORDER_INITIAL,
    })
    assert _code_aware(tmp_path) == [("MIG-DATA-219", "shop/migrations/0001_initial.py", 14)]


def test_alembic_drop_is_ordered_by_down_revision(tmp_path: Path) -> None:
    model = """
        from sqlalchemy import Column, Integer, Text
        from sqlalchemy.orm import declarative_base

        Base = declarative_base()


        class Note(Base):
            __tablename__ = "notes"
            id = Column(Integer, primary_key=True)
            body = Column(Text)
    """
    revision = """
        from alembic import op
        import sqlalchemy as sa

        revision = "{rev}"
        down_revision = {down}


        def upgrade():
            {body}


        def downgrade():
            pass
    """
    files = {
        "app/models.py": model,
        "alembic/versions/ffff_create.py": revision.format(
            rev="ffff", down="None", body='op.create_table("notes", sa.Column("id", sa.Integer()), sa.Column("body", sa.Text()))'),
        "alembic/versions/aaaa_drop.py": revision.format(rev="aaaa", down='"ffff"', body='op.drop_column("notes", "body")'),
    }
    write(tmp_path, files)
    assert _code_aware(tmp_path) == [("MIG-DATA-218", "alembic/versions/aaaa_drop.py", 9)]
    write(tmp_path, {"alembic/versions/bbbb_readd.py": revision.format(
        rev="bbbb", down='"aaaa"', body='op.add_column("notes", sa.Column("body", sa.Text()))')})
    assert _code_aware(tmp_path) == []


@pytest.mark.parametrize("body", [
    "class Meta: db_table = name_from_settings\n    x = models.CharField()",
    "class Meta(Base.Meta):\n        abstract = True",
    "x: models.CharField",
    "__tablename__ = 7",
])
def test_odd_model_bodies_never_raise(tmp_path: Path, body: str) -> None:
    write(tmp_path, {
        "shop/migrations/__init__.py": "",
        "shop/migrations/0001_initial.py": _ORDER_INITIAL,
        "shop/models.py": "from django.db import models\n\n\nclass Order(models.Model):\n    " + body + "\n",
    })
    report = scan(tmp_path, Config(only=("MIG-DATA-218", "MIG-DATA-219"), use_baseline=False, jobs=1))
    assert not [d for d in report.diagnostics if d.kind in ("rule-error", "extractor-error", "worker-crash")]


def test_fields_a_migration_builds_dynamically_are_not_judged(tmp_path: Path) -> None:
    write(tmp_path, {
        "shop/migrations/__init__.py": "",
        "shop/models.py": _ORDER_MODEL,
        "shop/migrations/0001_initial.py": """
            from django.db import migrations, models

            FIELDS = [("id", models.BigAutoField(primary_key=True)), ("reference", models.CharField(max_length=40))]


            class Migration(migrations.Migration):
                initial = True
                dependencies = []
                operations = [migrations.CreateModel(name="Order", fields=FIELDS)]
        """,
    })
    assert _code_aware(tmp_path) == []
