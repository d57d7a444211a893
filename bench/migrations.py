#!/usr/bin/env python3
"""Migration rules side by side with squawk: prodcheck's MIG-DATA-2NN rules and squawk-cli scored
on the labeled migration fixtures.

    python bench/migrations.py                    # run both, print the tables and the lists
    python bench/migrations.py --write-results    # also rewrite bench/MIGRATIONS.md
    python bench/migrations.py --reuse            # reuse the last prodcheck reports

The corpus is every fixture under tests/fixtures/rules/MIG-DATA-2*/ plus the SQL migrations of
examples/. Labels are the markers of tests/harness.py (`-- expect: MIG-DATA-201`, `-- ok: ...`).
prodcheck scans each fixture case on its own, like tests/test_rule_fixtures.py; squawk (installed
by bench/run.py's `peers_venv`, same cache) reads every .sql file of the corpus. squawk's rules are
mapped onto prodcheck's (SQUAWK_MAP below) and both tools are scored per prodcheck rule.

Run it with the Python that has prodcheck installed (labels are read with tests/harness.py).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "MIGRATIONS.md"
FIXTURES = REPO / "tests" / "fixtures" / "rules"
EXAMPLES = REPO / "examples"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))

import run as bench_run  # noqa: E402  (bench/run.py: peers_venv, DEFAULT_CACHE, PEERS)

MIG_RULES = tuple(f"MIG-DATA-{n}" for n in range(201, 218))
POSITIVE = ("expect", "todo-expect")
NEGATIVE = ("ok", "todo-ok")

# squawk rule -> (prodcheck rule or None, what squawk checks). Checked against squawk's rule
# documentation (squawkhq.com/docs/<rule>, docs/docs/<rule>.md of sbdchd/squawk) and the rule
# names squawk 2.70.0 reports. None: no prodcheck counterpart (a squawk-only check).
SQUAWK_MAP: dict[str, tuple[str | None, str]] = {
    "require-concurrent-index-creation": ("MIG-DATA-201", "CREATE INDEX without CONCURRENTLY (tables created in the same transaction are exempt)"),
    "ban-concurrent-index-creation-in-transaction": ("MIG-DATA-202", "CREATE INDEX CONCURRENTLY inside a transaction (explicit BEGIN, or every file with --assume-in-transaction)"),
    "adding-required-field": ("MIG-DATA-203", "ADD COLUMN ... NOT NULL without a default"),
    "adding-not-nullable-field": ("MIG-DATA-204", "SET NOT NULL on an existing column (it recommends a NOT VALID CHECK, validated, first)"),
    "constraint-missing-not-valid": ("MIG-DATA-205", "ADD CONSTRAINT (CHECK / FOREIGN KEY) without NOT VALID; VALIDATE in the transaction that added it"),
    "adding-foreign-key-constraint": ("MIG-DATA-205", "a foreign key added to an existing table without NOT VALID"),
    "disallowed-unique-constraint": ("MIG-DATA-206", "ADD UNIQUE constraint not built USING INDEX"),
    "adding-serial-primary-key-field": ("MIG-DATA-206", "ADD PRIMARY KEY not built USING INDEX"),
    "changing-column-type": ("MIG-DATA-207", "any ALTER COLUMN ... TYPE"),
    "renaming-column": ("MIG-DATA-208", "RENAME COLUMN"),
    "renaming-table": ("MIG-DATA-208", "ALTER TABLE ... RENAME TO"),
    "ban-drop-column": ("MIG-DATA-209", "DROP COLUMN"),
    "ban-drop-table": ("MIG-DATA-209", "DROP TABLE"),
    "require-lock-timeout": ("MIG-DATA-210", "a lock-taking statement with no `SET lock_timeout` before it"),
    "require-timeout-settings": ("MIG-DATA-210", "deprecated alias of require-lock-timeout + require-statement-timeout"),
    "prefer-repack": ("MIG-DATA-211", "VACUUM FULL / CLUSTER: use REPACK (CONCURRENTLY); only with --pg-version 19 or later"),
    "require-concurrent-index-deletion": ("MIG-DATA-214", "DROP INDEX without CONCURRENTLY"),
    "adding-field-with-default": ("MIG-DATA-215", "ADD COLUMN with a volatile default (any default before PostgreSQL 11)"),
    "prefer-timestamp-tz": ("MIG-DATA-216", "timestamp without time zone (doc page: prefer-timestamptz)"),
    # squawk-only checks
    "require-statement-timeout": (None, "a slow statement with no `SET statement_timeout` before it"),
    "prefer-robust-stmts": (None, "statements that cannot be re-run (no IF [NOT] EXISTS) outside a transaction"),
    "prefer-bigint-over-int": (None, "int / serial columns (32-bit) instead of bigint"),
    "prefer-bigint-over-smallint": (None, "smallint columns instead of bigint"),
    "prefer-identity": (None, "serial columns instead of identity"),
    "prefer-text-field": (None, "varchar(n) instead of text + CHECK"),
    "ban-char-field": (None, "char(n) columns"),
    "ban-drop-not-null": (None, "DROP NOT NULL (breaks readers that rely on it)"),
    "ban-drop-constraint": (None, "DROP CONSTRAINT"),
    "ban-drop-view": (None, "DROP VIEW"),
    "ban-drop-database": (None, "DROP DATABASE"),
    "renaming-object": (None, "renaming other objects (views, indexes, constraints, enum values ...)"),
    "transaction-nesting": (None, "BEGIN / COMMIT in a file the tool already wraps in a transaction"),
    "ban-uncommitted-transaction": (None, "BEGIN without COMMIT"),
    "ban-truncate-cascade": (None, "TRUNCATE ... CASCADE"),
    "ban-create-domain-with-constraint": (None, "CREATE DOMAIN with a constraint"),
    "ban-alter-domain-with-add-constraint": (None, "ALTER DOMAIN ADD CONSTRAINT"),
    "require-concurrent-reindex": (None, "REINDEX without CONCURRENTLY"),
    "require-concurrent-partition-detach": (None, "DETACH PARTITION without CONCURRENTLY"),
    "require-enum-value-ordering": (None, "ALTER TYPE ADD VALUE without BEFORE/AFTER"),
    "identifier-too-long": (None, "identifiers over 63 bytes"),
}
NO_SQUAWK_COUNTERPART = ("MIG-DATA-212", "MIG-DATA-213", "MIG-DATA-217")

# Findings of squawk on labeled `ok` lines that were read by hand: (path, line, squawk rule) ->
# judgement. Entries that no longer occur are ignored; new ones are listed as "not reviewed".
F = "tests/fixtures/rules/"
JUDGED: dict[tuple[str, int, str], str] = {
    (F + "MIG-DATA-201/dbmate/db/migrations/20240301101500_index_payments.sql", 5, "require-concurrent-index-creation"):
        "prodcheck right: the line is in dbmate's `-- migrate:down` section, a rollback; squawk does not read the sections",
    (F + "MIG-DATA-201/golang-migrate/db/migrations/000004_add_email_index.down.sql", 3, "require-concurrent-index-creation"):
        "prodcheck right: a `.down.sql` rollback that restores the index its up file dropped",
    (F + "MIG-DATA-201/not-a-migration/queries/reporting.sql", 2, "require-concurrent-index-creation"):
        "not a migration (an ad-hoc script): squawk lints whatever file it is given, so this is about file "
        "selection, which prodcheck does itself; not a squawk error as such",
    (F + "MIG-DATA-201/new-table/migrations/0003_invoices.sql", 7, "require-concurrent-index-creation"):
        "squawk wrong: invoices is created above in the same file; squawk only exempts it when it assumes a transaction",
    (F + "MIG-DATA-201/new-table/migrations/0003_invoices.sql", 8, "require-concurrent-index-creation"):
        "squawk wrong: same as line 7",
    (F + "MIG-DATA-202/V4__flyway_alone.sql", 2, "ban-concurrent-index-creation-in-transaction"):
        "squawk wrong for Flyway: a file holding only non-transactional statements runs outside a transaction; "
        "`--assume-in-transaction` is global (a `-- squawk-disable-assume-in-transaction` comment per file would fix it)",
    (F + "MIG-DATA-202/dbmate/db/migrations/20240302090100_index_refunds.sql", 2, "ban-concurrent-index-creation-in-transaction"):
        "squawk wrong: `-- migrate:up transaction:false` opts this file out of dbmate's transaction",
    (F + "MIG-DATA-202/goose/migrations/00013_index_accounts_no_tx.sql", 3, "ban-concurrent-index-creation-in-transaction"):
        "squawk wrong: `-- +goose NO TRANSACTION` opts this file out of goose's transaction",
    (F + "MIG-DATA-203/V6__new_table.sql", 5, "adding-required-field"):
        "squawk wrong: audit_log is created in the same migration, an empty table",
    (F + "MIG-DATA-204/expand-contract/db/migrations/V12__email_not_null.sql", 1, "adding-not-nullable-field"):
        "squawk wrong (cross-file): V10 added `CHECK (email IS NOT NULL) NOT VALID` and V11 validated it, so "
        "PostgreSQL 12+ skips the scan; this is the sequence squawk's own docs recommend, but squawk reads one file at a time",
    (F + "MIG-DATA-204/same-file/migrations/0030_status.sql", 3, "adding-not-nullable-field"):
        "squawk wrong: a valid CHECK (status IS NOT NULL) is added on the line above, so SET NOT NULL does not "
        "scan again (that ADD scans under its lock itself, which both tools report under MIG-DATA-205)",
    (F + "MIG-DATA-204/same-file/migrations/0030_status.sql", 5, "adding-not-nullable-field"):
        "squawk wrong: notes is created on the line above",
    (F + "MIG-DATA-205/plain/migrations/0031_fk_then_validate.sql", 3, "constraint-missing-not-valid"):
        "depends on the runner: if it wraps the file in a transaction (what `--assume-in-transaction` says) the "
        "VALIDATE keeps the ADD's lock and squawk is right; prodcheck reads a bare `migrations/` folder as tool "
        "unknown, no transaction (and flags the Flyway case, V21, the same way squawk does)",
    (F + "MIG-DATA-205/plain/migrations/0031_fk_then_validate.sql", 9, "constraint-missing-not-valid"):
        "squawk wrong: refunds is created in the same file; without the transaction assumption squawk stops tracking it",
    (F + "MIG-DATA-206/V30__unique.sql", 7, "disallowed-unique-constraint"):
        "squawk wrong: teams is created in the same file; only without the transaction assumption",
    (F + "MIG-DATA-207/V40__types.sql", 3, "changing-column-type"):
        "stricter, defensible: timestamp -> timestamptz skips the rewrite on PostgreSQL 12+ only when the "
        "session TimeZone is UTC (prodcheck's documented assumption)",
    (F + "MIG-DATA-207/V40__types.sql", 4, "changing-column-type"):
        "undecidable from the file: free from varchar, a rewrite from most other types; prodcheck assumes the "
        "cheap case and keeps the mirror case (line 8) as a known miss; squawk flags every type change",
    (F + "MIG-DATA-207/V40__types.sql", 5, "changing-column-type"):
        "undecidable from the file: free only when widening a varchar; squawk conservative",
    (F + "MIG-DATA-207/V40__types.sql", 6, "changing-column-type"):
        "undecidable from the file: free only when raising a numeric's precision at the same scale; squawk conservative",
    (F + "MIG-DATA-207/known-types/migrations/0041_widen.sql", 8, "changing-column-type"):
        "squawk wrong: products is created in the same file",
    (F + "MIG-DATA-207/known-types/migrations/0041_widen.sql", 10, "changing-column-type"):
        "squawk wrong: the column was added as varchar(100) on line 9 and widening a varchar does not rewrite "
        "(squawk's own changing-column-type page says so)",
    (F + "MIG-DATA-208/V41__renames.sql", 6, "renaming-column"):
        "squawk stricter: staging_rows is created in the same migration, no deployed client knows the old name",
    (F + "MIG-DATA-208/V41__renames.sql", 7, "renaming-table"):
        "squawk stricter: same table as line 6",
    (F + "MIG-DATA-209/V42__drops.sql", 7, "ban-drop-column"):
        "squawk wrong: tmp_import is created on the line above",
    (F + "MIG-DATA-209/golang-migrate/migrations/000009_create_audit.down.sql", 1, "ban-drop-table"):
        "prodcheck right: a rollback; dropping what the up file created is what a down migration is for",
    (F + "MIG-DATA-210/V52__timeout_after.sql", 1, "require-lock-timeout"):
        "same verdict, other line: both report the file once; squawk at the first statement that waits for "
        "any lock (this CONCURRENTLY build, SHARE UPDATE EXCLUSIVE), prodcheck at the first that blocks reads "
        "or writes (DROP COLUMN, line 2, the `expect`)",
    (F + "MIG-DATA-210/V53__set_config.sql", 2, "require-lock-timeout"):
        "squawk wrong: `SELECT set_config('lock_timeout', '2s', false)` on line 1 sets the timeout; squawk only "
        "recognises `SET`",
    (F + "MIG-DATA-214/V44__drop_indexes.sql", 5, "require-concurrent-index-deletion"):
        "squawk right, the `ok` label is questionable: the index is new, but DROP INDEX still takes ACCESS "
        "EXCLUSIVE on orders and can queue behind a long query, the very risk MIG-DATA-214 describes",
    (F + "MIG-DATA-215/V8__new_table.sql", 5, "adding-field-with-default"):
        "squawk wrong: shipments is created in the same file, there is nothing to rewrite",
    (F + "MIG-DATA-216/golang-migrate/migrations/000020_audit.down.sql", 2, "prefer-timestamp-tz"):
        "prodcheck right: a rollback restoring the old definition",
}

# Hand-written reading of the comparison: (title, text, evidence). The evidence is squawk findings
# ((path, line, squawk rule), with the primary settings) or labels ((path, line, rule)); a note whose
# evidence is gone from a later run is printed with a warning, to be reviewed again.
READING: list[tuple[str, str, list[tuple[str, int, str]]]] = [
    ("MIG-DATA-202 misses Flyway files that mix CONCURRENTLY with transactional statements",
     "Flyway refuses by default (`mixed = false`) a migration holding both non-transactional statements "
     "(CREATE/DROP INDEX CONCURRENTLY) and transactional ones: it stops with an error; with `mixed = true` it runs the whole file "
     "outside a transaction, so the other statements lose their atomicity. prodcheck's model (the 202 docstring, "
     "`_file_transaction` in migration_sql.py) says Flyway runs any file with a CONCURRENTLY statement outside a "
     "transaction, and stays silent on four fixture files that do this. squawk `--assume-in-transaction` flags "
     "them (for its own reason, the outcome is right: the deploy fails). Fix: flag a Flyway file that mixes the "
     "two kinds unless `mixed = true` is configured.",
     [(F + "MIG-DATA-201/V2__index_orders.sql", 7, "ban-concurrent-index-creation-in-transaction"),
      (F + "MIG-DATA-201/V2__index_orders.sql", 9, "ban-concurrent-index-creation-in-transaction"),
      (F + "MIG-DATA-206/V30__unique.sql", 4, "ban-concurrent-index-creation-in-transaction"),
      (F + "MIG-DATA-214/V44__drop_indexes.sql", 4, "ban-concurrent-index-creation-in-transaction"),
      (F + "MIG-DATA-210/V52__timeout_after.sql", 1, "ban-concurrent-index-creation-in-transaction")]),
    ("MIG-DATA-214 exempts an index created earlier in the same migration",
     "`DROP INDEX idx_orders_tmp` after `CREATE INDEX CONCURRENTLY idx_orders_tmp ON orders` still takes "
     "ACCESS EXCLUSIVE on orders, an existing table, and can queue all its traffic behind a long query. squawk "
     "flags it; the fixture labels it `ok`. Fix: keep the exemption only for indexes of tables created in the "
     "migration, and turn the label into `expect`.",
     [(F + "MIG-DATA-214/V44__drop_indexes.sql", 5, "require-concurrent-index-deletion")]),
    ("MIG-DATA-210 treats every CREATE TABLE as lock-free",
     "`CREATE TABLE orders (... shop_id bigint REFERENCES shops (id) ...)` takes a SHARE ROW EXCLUSIVE lock on "
     "shops, an existing table, to install the foreign key's triggers: it blocks writes to shops while it "
     "waits. prodcheck's 210 skips CREATE TABLE (the V50 fixture: \"A new table takes no lock anyone waits "
     "for\"), squawk's require-lock-timeout flags it. squawk flags any CREATE TABLE with a REFERENCES clause, "
     "also when the referenced table is new (examples/python-good line 9), so its hit is partly luck. Fix: count "
     "a REFERENCES to a table not created in the migration as a lock on that table.",
     [(F + "MIG-DATA-213/sql/migrations/0001_schema.sql", 2, "require-lock-timeout")]),
    ("MIG-DATA-210 never reports a plain DROP INDEX",
     "`DROP INDEX idx_orders_legacy_status` takes ACCESS EXCLUSIVE on the index's table (MIG-DATA-214 says so on "
     "the same line), yet V44 gets no MIG-DATA-210: `first_lock_without_timeout` (facts/extractors/migrations.py) "
     "skips ops without a table, and SQL's DROP INDEX names only the index. A migration whose only blocking "
     "statement is a DROP INDEX (or another index-only statement) is never reported. squawk's "
     "require-lock-timeout flags it. Fix: count index ops without a known table as blocking an unnamed table.",
     [(F + "MIG-DATA-214/V44__drop_indexes.sql", 1, "require-lock-timeout")]),
    ("MIG-DATA-207 cannot tell a free type change from a rewrite without the old type",
     "`ALTER COLUMN legacy_code TYPE text` (todo-expect) is a rewrite from int, free from varchar; the file does "
     "not say which. squawk flags every type change, so it finds this one at the price of six `ok` lines. A "
     "project-wide column-type history (earlier migrations) would settle most of them.",
     [(F + "MIG-DATA-207/V40__types.sql", 8, "MIG-DATA-207")]),
]


# Unlabeled squawk findings read by hand (the script explains rollbacks and lock-timeout placement by
# itself): (path, line, squawk rule) -> why prodcheck differs.
UNLABELED_NOTES: dict[tuple[str, int, str], str] = {
    (F + "MIG-DATA-206/V30__unique.sql", 1, "constraint-missing-not-valid"):
        "squawk wrong: PostgreSQL accepts NOT VALID only for CHECK and FOREIGN KEY (and NOT NULL in 18), not for "
        "UNIQUE; prodcheck reports the line as MIG-DATA-206, as does squawk's disallowed-unique-constraint",
    (F + "MIG-DATA-206/V30__unique.sql", 2, "constraint-missing-not-valid"):
        "squawk wrong: NOT VALID does not apply to PRIMARY KEY; the line is MIG-DATA-206 (found by both)",
    (F + "MIG-DATA-213/sql/migrations/0002_indexes.sql", 1, "ban-concurrent-index-creation-in-transaction"):
        "depends on the runner: a bare `migrations/` folder (tool unknown) is not assumed transactional by prodcheck",
    (F + "MIG-DATA-213/sql/migrations/0002_indexes.sql", 2, "ban-concurrent-index-creation-in-transaction"):
        "depends on the runner: a bare `migrations/` folder (tool unknown) is not assumed transactional by prodcheck",
    (F + "MIG-DATA-213/sql/migrations/0002_indexes.sql", 4, "ban-concurrent-index-creation-in-transaction"):
        "depends on the runner: a bare `migrations/` folder (tool unknown) is not assumed transactional by prodcheck",
    (F + "MIG-DATA-213/sql/migrations/0002_indexes.sql", 7, "ban-concurrent-index-creation-in-transaction"):
        "depends on the runner: a bare `migrations/` folder (tool unknown) is not assumed transactional by prodcheck",
    (F + "MIG-DATA-216/V60__events.sql", 10, "changing-column-type"):
        "squawk wrong: events is created in the same file",
    (F + "MIG-DATA-216/V60__events.sql", 9, "require-lock-timeout"):
        "squawk stricter: events is created in the same file",
    (F + "MIG-DATA-217/V61__money.sql", 11, "require-lock-timeout"):
        "squawk stricter: invoices is created in the same file",
    (F + "MIG-DATA-217/V61__money.sql", 13, "changing-column-type"):
        "squawk wrong: invoices is created in the same file",
    ("examples/python-good/db/migrations/20240501120000_create_users_and_orders.sql", 9, "require-lock-timeout"):
        "squawk stricter: orders references users, created above in the same file (squawk flags any CREATE TABLE "
        "with a foreign key); the example is clean by tests/test_examples.py",
    (F + "MIG-DATA-201/new-table/migrations/0003_invoices.sql", 7, "require-lock-timeout"):
        "squawk stricter: an index on a table created above; prodcheck reports the file at line 10 as MIG-DATA-201 "
        "and has no timeout fixture here",
    (F + "MIG-DATA-213/prisma/prisma/migrations/20240101000000_init/migration.sql", 17, "require-lock-timeout"):
        "squawk stricter: both tables are created in the same file",
    (F + "MIG-DATA-207/known-types/migrations/0041_widen.sql", 8, "require-lock-timeout"):
        "squawk stricter: products is created in the same file; prodcheck reports the file's 210 on line 9",
    (F + "MIG-DATA-203/V6__new_table.sql", 5, "require-lock-timeout"):
        "squawk stricter: audit_log is created in the same file",
    (F + "MIG-DATA-215/V8__new_table.sql", 5, "require-lock-timeout"):
        "squawk stricter: shipments is created in the same file",
    (F + "MIG-DATA-201/not-a-migration/queries/reporting.sql", 2, "require-lock-timeout"):
        "not a migration (see the `ok` list)",
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# corpus and labels
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    rule_dir: str          # MIG-DATA-2NN, or "examples"
    path: Path             # the file or directory scanned on its own


@dataclass(frozen=True)
class Label:
    path: str              # repository-relative
    line: int
    rule: str
    kind: str

    @property
    def positive(self) -> bool:
        return self.kind in POSITIVE


@dataclass(frozen=True)
class Hit:
    tool: str
    path: str
    line: int
    end: int
    rule: str | None       # prodcheck rule (for squawk: the mapped one, None when unmapped)
    native: str            # the tool's own rule name
    message: str = ""


def cases() -> list[Case]:
    found = []
    for rule_dir in sorted(FIXTURES.glob("MIG-DATA-2*")):
        for entry in sorted(rule_dir.iterdir()):
            if not entry.name.endswith(".expect.toml"):
                found.append(Case(rule_dir.name, entry))
    for example in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        if any(example.rglob("*.sql")):
            found.append(Case("examples", example))
    return found


def files_of(case: Case) -> list[Path]:
    if case.path.is_file():
        return [case.path]
    return sorted(p for p in case.path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def corpus_sql(all_cases: list[Case]) -> list[Path]:
    out = []
    for case in all_cases:
        out += [p for p in files_of(case) if p.suffix == ".sql"]
    return out


def rel(path: Path) -> str:
    return path.resolve().relative_to(REPO).as_posix()


def read_labels(all_cases: list[Case]) -> list[Label]:
    from harness import read_marks     # tests/harness.py: the markers the test-suite enforces
    labels = set()
    for case in all_cases:
        base = case.path if case.path.is_dir() else case.path.parent
        for mark in read_marks(case.path):
            if mark.rule.startswith("MIG-DATA-2"):
                labels.add(Label(rel(base / mark.path), mark.line, mark.rule, mark.kind))
    return sorted(labels, key=lambda x: (x.path, x.line, x.rule, x.kind))


def framework_of(path: Path) -> str:
    parts = {part.lower() for part in path.parts}
    for name, label in (("alembic", "Alembic"), ("django", "Django"), ("sequelize", "Sequelize"),
                        ("typeorm", "TypeORM"), ("knex", "knex"), ("knex-mysql", "knex")):
        if name in parts:
            return label
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".py":
        return "Django" if "django" in text else "Alembic"
    if "MigrationInterface" in text or "queryRunner" in text:
        return "TypeORM"
    if "queryInterface" in text:
        return "Sequelize"
    return "knex" if "knex" in text else "other"


DOWN_MARKER = re.compile(r"--\s*(migrate:down|\+goose\s+down|\+migrate\s+down)", re.I)
UP_MARKER = re.compile(r"--\s*(migrate:up|\+goose\s+up|\+migrate\s+up)", re.I)


def in_rollback(path: str, line: int) -> bool:
    """A golang-migrate `.down.sql` file, or a line below a dbmate / goose / sql-migrate down marker."""
    if path.endswith(".down.sql"):
        return True
    try:
        lines = (REPO / path).read_text(encoding="utf-8").split("\n")[:line]
    except OSError:
        return False
    down = False
    for text in lines:
        if DOWN_MARKER.search(text):
            down = True
        elif UP_MARKER.search(text):
            down = False
    return down


# --------------------------------------------------------------------------------------------
# SQL statements (for squawk's positions)
# --------------------------------------------------------------------------------------------

def statement_lines(path: Path) -> dict[int, tuple[int, int]]:
    """line -> (first, last) line of the statement it belongs to; a light splitter on `;` that
    skips `--` comments, `/* */` comments, quoted strings and dollar quotes."""
    text = path.read_text(encoding="utf-8", errors="replace")
    spans, start, line, i, n = {}, None, 1, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
            continue
        if text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
            continue
        if ch.isspace():
            i += 1
            continue
        if start is None:
            start = line
        if ch in "'\"":
            j = i + 1
            while j < n and not (text[j] == ch and not text.startswith(ch * 2, j)):
                j += 2 if text.startswith(ch * 2, j) else 1
            line += text.count("\n", i, j)
            i = j + 1
            continue
        dollar = re.match(r"\$[A-Za-z_0-9]*\$", text[i:])
        if dollar:
            tag = dollar.group(0)
            j = text.find(tag, i + len(tag))
            j = n if j < 0 else j + len(tag)
            line += text.count("\n", i, j)
            i = j
            continue
        if ch == ";":
            for ln in range(start, line + 1):
                spans[ln] = (start, line)
            start = None
        i += 1
    if start is not None:
        for ln in range(start, line + 1):
            spans[ln] = (start, line)
    return spans


# --------------------------------------------------------------------------------------------
# the tools
# --------------------------------------------------------------------------------------------

def run_prodcheck(args, all_cases: list[Case], work: Path) -> tuple[list[Hit], dict]:
    out_dir = work / "prodcheck"
    out_dir.mkdir(parents=True, exist_ok=True)
    select = [x for rule in MIG_RULES for x in ("--select", rule)]

    def one(index_case):
        index, case = index_case
        out = out_dir / f"{index:03d}.json"
        if args.reuse and out.is_file():
            return case, out, 0.0, 0, ""
        cmd = [args.prodcheck_python, "-m", "prodcheck", "scan", str(case.path), "--no-cache", "-f", "json",
               "-o", str(out), "--quiet", "--jobs", "1", *select]
        started = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=work)
        return case, out, time.perf_counter() - started, done.returncode, done.stderr

    hits, crashes, seconds = [], [], 0.0
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for case, out, took, code, err in pool.map(one, enumerate(all_cases)):
            seconds += took
            try:
                data = json.loads(out.read_text())
            except (OSError, ValueError):
                crashes.append(f"{rel(case.path)}: exit {code}, no report: {err.strip()[-300:]}")
                continue
            base = case.path if case.path.is_dir() else case.path.parent
            for d in data.get("diagnostics", ()):
                if d.get("kind") in ("rule-error", "extractor-error", "worker-crash"):
                    crashes.append(f"{rel(case.path)}: {d.get('kind')} {d.get('message')}")
            for f in data.get("findings", ()):
                loc = f["location"]
                path = rel(base / loc["path"])
                if case.rule_dir == "examples" and not path.endswith(".sql"):
                    continue
                hits.append(Hit("prodcheck", path, loc["line"], loc.get("end_line") or loc["line"],
                                f["rule_id"], f["rule_id"], f.get("message", "")))
    return hits, {"cases": len(all_cases), "seconds": seconds, "crashes": crashes}


def squawk_cmd(venv: Path, flags: list[str], files: list[Path]) -> list[str]:
    return [str(venv / "bin" / "squawk"), "--reporter", "json", *flags, *(rel(p) for p in files)]


def run_squawk(venv: Path, flags: list[str], files: list[Path]) -> tuple[list[Hit], dict]:
    started = time.perf_counter()
    done = subprocess.run(squawk_cmd(venv, flags, files), capture_output=True, text=True, cwd=REPO)
    took = time.perf_counter() - started
    try:
        items = json.loads(done.stdout or "[]")
    except ValueError:
        raise SystemExit(f"squawk gave no JSON (exit {done.returncode}): {done.stderr[-1000:]}")
    hits, seen, unknown = [], set(), set()
    for item in items:
        name = item["rule_name"]
        if name not in SQUAWK_MAP:
            unknown.add(name)
        mapped = SQUAWK_MAP.get(name, (None, ""))[0]
        # squawk's JSON reporter gives 0-based lines
        start, end = item["line"] + 1, item.get("line_end", item["line"]) + 1
        key = (item["file"], start, name)
        if key in seen:
            continue
        seen.add(key)
        hits.append(Hit("squawk", item["file"], start, end, mapped, name, item.get("message", "")))
    return hits, {"seconds": took, "exit": done.returncode, "unknown": sorted(unknown),
                  "findings": len(items), "stderr": done.stderr.strip()[-500:]}


# --------------------------------------------------------------------------------------------
# scoring
# --------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    tp: set            # positive labels found
    fp: set            # negative labels flagged
    unlabeled: list    # hits of a mapped rule on no label of that rule
    unmapped: list     # squawk hits with no prodcheck counterpart
    matched: dict      # label -> hits


def assign(hits: list[Hit], labels: list[Label], lenient: bool) -> Outcome:
    """prodcheck: the finding's line, exactly as the test-suite. squawk (`lenient`): the reported
    start line first; else a positive label of the same rule in the statement (squawk points at the
    column or clause, a label may sit on the statement's first line). Negatives only ever match on
    the exact start line, so the leniency can only help squawk."""
    by_line: dict[tuple[str, int, str], list[Label]] = defaultdict(list)
    for label in labels:
        by_line[(label.path, label.line, label.rule)].append(label)
    spans_cache: dict[str, dict] = {}
    out = Outcome(set(), set(), [], [], defaultdict(list))
    for hit in hits:
        if hit.rule is None:
            out.unmapped.append(hit)
            continue
        found = by_line.get((hit.path, hit.line, hit.rule), [])
        if not found and lenient and hit.path.endswith(".sql"):
            if hit.path not in spans_cache:
                spans_cache[hit.path] = statement_lines(REPO / hit.path)
            first, last = spans_cache[hit.path].get(hit.line, (hit.line, hit.end))
            last = max(last, hit.end)
            found = [lb for ln in range(first, last + 1) for lb in by_line.get((hit.path, ln, hit.rule), [])
                     if lb.positive]
        if not found:
            out.unlabeled.append(hit)
            continue
        for label in found:
            out.matched[label].append(hit)
            (out.tp if label.positive else out.fp).add(label)
    return out


def ratio(a: int, b: int) -> str:
    return f"{a / b:.0%}" if b else "-"


def rule_rows(labels: list[Label], outcomes: dict[str, Outcome], squawk_rules: dict[str, list[str]]):
    rows = []
    for rule in MIG_RULES:
        pos = [lb for lb in labels if lb.rule == rule and lb.positive]
        neg = [lb for lb in labels if lb.rule == rule and not lb.positive]
        row = [rule, ", ".join(f"`{s}`" for s in squawk_rules.get(rule, ())) or "none", str(len(pos)), str(len(neg))]
        for name, oc in outcomes.items():
            tp = sum(1 for lb in pos if lb in oc.tp)
            fp = sum(1 for lb in neg if lb in oc.fp)
            unl = sum(1 for h in oc.unlabeled if h.rule == rule)
            covered = name == "prodcheck" or rule in squawk_rules
            if not covered:
                row += ["no rule", "", "", "", ""]
                continue
            row += [f"{tp}/{len(pos) - tp}/{fp}", ratio(tp, len(pos)), ratio(tp, tp + fp), str(unl)]
            row.append("")
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------

def source_line(path: str, line: int) -> str:
    try:
        text = (REPO / path).read_text(encoding="utf-8").split("\n")[line - 1]
    except (OSError, IndexError):
        return ""
    return text.strip().replace("|", "\\|")


def machine(args, venv: Path) -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pc = subprocess.run([args.prodcheck_python, "-m", "prodcheck", "--version"], capture_output=True, text=True)
    sq = subprocess.run([str(venv / "bin" / "squawk"), "--version"], capture_output=True, text=True)
    py = subprocess.run([args.prodcheck_python, "-c", "import sys; print(sys.version.split()[0])"],
                        capture_output=True, text=True)
    return [f"- CPU: {cpu}; {os.cpu_count()} cores visible",
            f"- OS: {platform.system()} {platform.release()}; Python {py.stdout.strip()} (prodcheck)",
            f"- prodcheck: {pc.stdout.strip()}",
            f"- squawk: {sq.stdout.strip()} (`squawk-cli` from PyPI, pinned in bench/run.py)"]


def table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    align = align or "|".join(["---"] * len(header))
    return ["| " + " | ".join(header) + " |", "|" + align + "|", *["| " + " | ".join(r) + " |" for r in rows]]


def build_report(args, venv, labels, nonsql, pc_hits, pc_info, squawk_runs, sql_files, all_cases) -> str:
    primary, secondary = squawk_runs[0], squawk_runs[1]
    sql_labels = [lb for lb in labels if lb.path.endswith(".sql")]
    other_labels = [lb for lb in labels if not lb.path.endswith(".sql")]
    pc_sql = [h for h in pc_hits if h.path.endswith(".sql")]
    pc_other = [h for h in pc_hits if not h.path.endswith(".sql")]
    oc_pc = assign(pc_sql, sql_labels, lenient=False)
    oc_sq = assign(primary["hits"], sql_labels, lenient=True)
    oc_sq2 = assign(secondary["hits"], sql_labels, lenient=True)
    oc_pc_other = assign(pc_other, other_labels, lenient=False)
    squawk_rules: dict[str, list[str]] = defaultdict(list)
    for name, (rule, _) in SQUAWK_MAP.items():
        if rule:
            squawk_rules[rule].append(name)
    flags1 = " ".join(primary["flags"]) or "(no flags)"
    flags2 = " ".join(secondary["flags"]) or "(no flags)"

    lines = ["# prodcheck migration rules vs squawk: results", "",
             "Produced by `" + " ".join(["python bench/migrations.py", *args.argv]) + "` on "
             f"{time.strftime('%Y-%m-%d')}. See the \"Migrations benchmark\" section of bench/README.md for "
             "how the corpus, the runs and the matching work.", "", "## Machine and versions", "",
             *machine(args, venv),
             f"- squawk settings: primary `{flags1}`, second run `{flags2}`; no `--pg-version` unless "
             "given (squawk's default gives the same findings as `--pg-version 14.0` on this corpus; "
             "prodcheck without `postgres-version` assumes PostgreSQL 14 or later)",
             f"- prodcheck: {pc_info['cases']} cases scanned one by one (`--no-cache -f json --jobs 1`, the "
             f"17 MIG-DATA-2NN rules selected), {pc_info['seconds']:.0f} s of scans in total; squawk: one "
             f"process over {len(sql_files)} files, {primary['info']['seconds']:.2f} s", ""]

    # corpus
    n_pos = sum(1 for lb in sql_labels if lb.positive)
    n_neg = len(sql_labels) - n_pos
    kinds = Counter(lb.kind for lb in sql_labels)
    lines += ["## Corpus", "",
              f"- **SQL**: {len(sql_files)} `.sql` files ({len({rel(p) for p in sql_files if 'examples/' in rel(p)})} "
              f"under examples/), {len(sql_labels)} labels: {n_pos} positive, {n_neg} negative "
              f"({', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}). squawk and prodcheck both read them.",
              f"- **not SQL** (squawk cannot read them): {sum(nonsql['files'].values())} migration files with labels "
              f"({', '.join(f'{k} {v}' for k, v in sorted(nonsql['files'].items()))}), {len(other_labels)} labels "
              f"({sum(1 for lb in other_labels if lb.positive)} positive), plus {nonsql['support']} support files "
              "without labels (knexfile, alembic env.py).", ""]
    if pc_info["crashes"]:
        lines += ["prodcheck diagnostics: " + "; ".join(pc_info["crashes"][:10]), ""]

    # headline
    def totals(oc, restrict=None):
        pos = [lb for lb in sql_labels if lb.positive and (restrict is None or lb.rule in restrict)]
        neg = [lb for lb in sql_labels if not lb.positive and (restrict is None or lb.rule in restrict)]
        tp = sum(1 for lb in pos if lb in oc.tp)
        fp = sum(1 for lb in neg if lb in oc.fp)
        return tp, len(pos), fp, len(neg)

    covered = set(squawk_rules)
    lines += ["## Headline (SQL labels)", "",
              *table(["tool", "labels scored", "TP / positives", "recall", "FP (`ok` lines flagged)", "precision",
                      "unlabeled findings (mapped rules)", "findings of rules without counterpart"],
                     [["prodcheck", "all 17 rules", "{}/{}".format(*totals(oc_pc)[:2]), ratio(totals(oc_pc)[0], totals(oc_pc)[1]),
                       f"{totals(oc_pc)[2]}/{totals(oc_pc)[3]}", ratio(totals(oc_pc)[0], totals(oc_pc)[0] + totals(oc_pc)[2]),
                       str(len(oc_pc.unlabeled)), "-"],
                      ["prodcheck", "the 14 rules squawk covers", "{}/{}".format(*totals(oc_pc, covered)[:2]),
                       ratio(*totals(oc_pc, covered)[:2]), "{2}/{3}".format(*totals(oc_pc, covered)),
                       ratio(totals(oc_pc, covered)[0], totals(oc_pc, covered)[0] + totals(oc_pc, covered)[2]),
                       str(sum(1 for h in oc_pc.unlabeled if h.rule in covered)), "-"],
                      *[[f"squawk `{' '.join(run['flags']) or 'defaults'}`", "the 14 rules squawk covers",
                         "{}/{}".format(*totals(oc, covered)[:2]), ratio(*totals(oc, covered)[:2]),
                         "{2}/{3}".format(*totals(oc, covered)),
                         ratio(totals(oc, covered)[0], totals(oc, covered)[0] + totals(oc, covered)[2]),
                         str(len(oc.unlabeled)), str(len(oc.unmapped))]
                        for run, oc in ((primary, oc_sq), (secondary, oc_sq2))],
                      [f"squawk `{flags1}`", "all 17 rules", "{}/{}".format(*totals(oc_sq)[:2]),
                       ratio(*totals(oc_sq)[:2]), "{2}/{3}".format(*totals(oc_sq)),
                       ratio(totals(oc_sq)[0], totals(oc_sq)[0] + totals(oc_sq)[2]), "", ""]]),
              "",
              "TP / positives: `expect` (and `todo-expect`) labels found on their line; FP: `ok` (and `todo-ok`) "
              "labels of the same rule flagged. \"the 14 rules squawk covers\": the prodcheck rules that have "
              "a squawk counterpart in the mapping (MIG-DATA-212, 213 and 217 have none; 211 only with "
              "`--pg-version 19`, so it is scored but squawk cannot find it by default).", ""]

    # mapping
    lines += ["## Rule mapping", "", *table(["squawk rule", "prodcheck rule", "what squawk checks"],
              [[f"`{k}`", v[0] or "no prodcheck counterpart", v[1]] for k, v in SQUAWK_MAP.items()]),
              "", "prodcheck rules without a squawk counterpart: " + ", ".join(NO_SQUAWK_COUNTERPART) +
              " (reversibility, foreign key without an index, float for money).", ""]

    # per rule
    header = ["rule", "squawk rules", "+", "-",
              "prodcheck TP/FN/FP", "recall", "precision", "unl.", "",
              "squawk TP/FN/FP", "recall", "precision", "unl.", "",
              "squawk (2nd) TP/FN/FP", "recall", "precision", "unl.", ""]
    rows = rule_rows(sql_labels, {"prodcheck": oc_pc, "squawk": oc_sq, "squawk2": oc_sq2}, squawk_rules)
    rows = [r[:8] + r[9:13] + r[14:18] for r in rows]
    header = header[:8] + header[9:13] + header[14:18]
    lines += ["## Per rule (SQL labels)", "",
              f"squawk = `{flags1}`; squawk (2nd) = `{flags2}`. `+` / `-`: positive / negative labels; "
              "`unl.`: findings of the rule (for squawk: of the mapped squawk rules) on lines with no label "
              "of that rule.", "",
              *table(header, rows, "|".join(["---"] * 2 + ["---:"] * (len(header) - 2))), ""]

    # squawk-only rules
    unmapped = Counter(h.native for h in oc_sq.unmapped)
    example = {}
    for h in oc_sq.unmapped:
        example.setdefault(h.native, h)
    lines += ["## squawk-only checks (no prodcheck counterpart)", "",
              f"Findings of `{flags1}` whose rule has no prodcheck counterpart; not scored.", "",
              *table(["squawk rule", "findings", "example"],
                     [[f"`{k}`", str(v), f"{example[k].path}:{example[k].line} `{source_line(example[k].path, example[k].line)[:90]}`"]
                      for k, v in unmapped.most_common()]), ""]

    # (a) squawk on ok lines
    def ok_flags(oc):
        items = []
        for label in sorted(oc.fp, key=lambda x: (x.path, x.line)):
            for hit in oc.matched[label]:
                items.append((label, hit))
        return items

    lines += ["## (a) squawk flags a labeled `ok` line", "",
              f"With `{flags1}` (the second run's differences follow). The judgement column is a hand "
              "review of the SQL (JUDGED in bench/migrations.py).", ""]
    rows = []
    for label, hit in ok_flags(oc_sq):
        judged = JUDGED.get((label.path, label.line, hit.native), "not reviewed")
        rows.append([f"{label.path}:{label.line}", f"`{hit.native}`", label.rule,
                     f"`{source_line(label.path, label.line)[:110]}`", judged])
    def kind(judgement: str) -> str:
        for prefix, name in (("squawk wrong", "squawk wrong"), ("prodcheck right", "a rollback (prodcheck right)"),
                             ("squawk right", "squawk right, label questionable"),
                             ("same verdict", "same verdict on another line"), ("depends", "depends on the runner"),
                             ("not a migration", "not a migration"), ("not reviewed", "not reviewed")):
            if judgement.startswith(prefix):
                return name
        return "squawk stricter or undecidable from the file"

    counts = Counter(kind(r[-1]) for r in rows)
    lines += [f"{len(rows)} lines. In short: " + "; ".join(f"{n} {k}" for k, n in counts.most_common()) + ".", ""]
    lines += table(["where", "squawk rule", "label", "line", "judgement"], rows) if rows else ["none"]
    extra2 = [(lb, h) for lb, h in ok_flags(oc_sq2) if lb not in oc_sq.fp]
    gone2 = [lb for lb in oc_sq.fp if lb not in oc_sq2.fp]
    lines += ["", f"Only with `{flags2}`: " + ("; ".join(
        f"{lb.path}:{lb.line} `{h.native}` ({JUDGED.get((lb.path, lb.line, h.native), 'not reviewed')})"
        for lb, h in extra2) or "none")
              + f". Only with `{flags1}`: " + ("; ".join(f"{lb.path}:{lb.line}" for lb in gone2) or "none") + ".", ""]

    # (b) squawk finds, prodcheck misses
    gaps = [lb for lb in sql_labels if lb.positive and lb not in oc_pc.tp]
    lines += ["## (b) positive labels squawk finds and prodcheck misses", ""]
    rows = []
    for lb in gaps:
        by1 = ", ".join(sorted({h.native for h in oc_sq.matched.get(lb, [])})) or "-"
        by2 = ", ".join(sorted({h.native for h in oc_sq2.matched.get(lb, [])})) or "-"
        rows.append([f"{lb.path}:{lb.line}", lb.rule, lb.kind, f"`{source_line(lb.path, lb.line)[:100]}`", by1, by2])
    lines += (["Every positive label prodcheck misses, and whether squawk finds it:", "",
               *table(["where", "rule", "label", "line", f"squawk `{flags1}`", f"squawk `{flags2}`"], rows)]
              if rows else ["prodcheck finds every positive SQL label; squawk finds none that prodcheck misses."])
    lines.append("")

    # (c) prodcheck finds, squawk has no rule / misses
    no_rule = [lb for lb in sql_labels if lb.positive and lb in oc_pc.tp and lb.rule not in squawk_rules]
    missed = [lb for lb in sql_labels if lb.positive and lb in oc_pc.tp and lb.rule in squawk_rules
              and lb not in oc_sq.tp and lb not in oc_sq2.tp]
    lines += ["## (c) prodcheck finds what squawk has no rule for", "",
              f"{len(no_rule)} SQL positives of rules squawk has no counterpart for (by default):", ""]
    lines += table(["where", "rule", "line"], [[f"{lb.path}:{lb.line}", lb.rule, f"`{source_line(lb.path, lb.line)[:110]}`"]
                                              for lb in no_rule]) if no_rule else ["none"]
    lines += ["", f"And {len(missed)} SQL positives of rules squawk does have, that neither squawk run finds "
              "(the semantics differ: the rule's reasoning needs more than the statement):", ""]
    lines += table(["where", "rule", "squawk rules", "line"],
                   [[f"{lb.path}:{lb.line}", lb.rule, ", ".join(squawk_rules[lb.rule]), f"`{source_line(lb.path, lb.line)[:100]}`"]
                    for lb in missed]) if missed else ["none"]
    pos_other = [lb for lb in other_labels if lb.positive]
    neg_other = [lb for lb in other_labels if not lb.positive]
    tp_o = sum(1 for lb in pos_other if lb in oc_pc_other.tp)
    fp_o = sum(1 for lb in neg_other if lb in oc_pc_other.fp)
    by_fw = defaultdict(lambda: [0, 0])
    for lb in pos_other:
        fw = nonsql["framework"].get(lb.path, "other")
        by_fw[fw][1] += 1
        by_fw[fw][0] += lb in oc_pc_other.tp
    lines += ["", "Beyond SQL: squawk reads no Django, Alembic, knex, Sequelize or TypeORM migration. On those "
              f"fixtures prodcheck finds {tp_o}/{len(pos_other)} positives ({ratio(tp_o, len(pos_other))}) with "
              f"{fp_o}/{len(neg_other)} `ok` lines flagged: "
              + ", ".join(f"{fw} {a}/{b}" for fw, (a, b) in sorted(by_fw.items())) + ".", ""]

    # unlabeled squawk findings of mapped rules
    def reason(h: Hit) -> str:
        same = any(p.path == h.path and p.line == h.line and p.rule == h.rule for p in pc_sql)
        if same:
            return "prodcheck flags it too"
        if in_rollback(h.path, h.line):
            return "a rollback (down file or section): prodcheck does not check rollbacks"
        if h.rule == "MIG-DATA-210":
            other = [p.line for p in pc_sql if p.path == h.path and p.rule == h.rule]
            if other:
                return f"prodcheck reports this file's 210 at line {other[0]}"
            if re.search(r"\bCONCURRENTLY\b|VALIDATE\s+CONSTRAINT", source_line(h.path, h.line), re.I):
                return ("takes SHARE UPDATE EXCLUSIVE, blocking no reads or writes: prodcheck's 210 does not "
                        "count it")
        for title, _, evidence in READING:
            if (h.path, h.line, h.native) in evidence:
                return f"see \"{title}\" below"
        return UNLABELED_NOTES.get((h.path, h.line, h.native), "not reviewed")

    lines += ["## Unlabeled squawk findings of mapped rules (to review by hand)", "",
              f"`{flags1}`: findings of a squawk rule mapped to a prodcheck rule, on a line with no label of "
              "that rule (often a fixture of another rule, where the statement is there for context). The "
              "last column says why prodcheck differs, from rollback markers, prodcheck's own findings, or a "
              "hand review (UNLABELED_NOTES in the script).", ""]
    unl = sorted(oc_sq.unlabeled, key=lambda x: (x.path, x.line))
    reasons = Counter(reason(h).split(":")[0] if not reason(h).startswith(("see", "prodcheck reports"))
                      else reason(h).split(" at line")[0] for h in unl)
    lines += ["In short: " + "; ".join(f"{n} {k}" for k, n in reasons.most_common()) + ".", ""]
    rows = [[f"{h.path}:{h.line}", f"`{h.native}`", h.rule or "", f"`{source_line(h.path, h.line)[:90]}`", reason(h)]
            for h in unl]
    lines += table(["where", "squawk rule", "mapped", "line", "prodcheck"], rows) if rows else ["none"]
    rows = [[f"{h.path}:{h.line}", h.rule, f"`{source_line(h.path, h.line)[:100]}`"]
            for h in sorted(oc_pc.unlabeled, key=lambda x: (x.path, x.line))]
    lines += ["", "prodcheck's own unlabeled SQL findings (cross-rule: a fixture of one rule flagged by another):", ""]
    lines += table(["where", "rule", "line"], rows) if rows else ["none"]

    # the hand-written reading, with its evidence checked against this run
    squawk_keys = {(h.path, h.line, h.native) for h in primary["hits"]}
    label_keys = {(lb.path, lb.line, lb.rule) for lb in sql_labels}
    lines += ["", "## Reading: what prodcheck should learn from squawk", "",
              "Hand-written from the lists above (READING in the script); each item names its evidence, and is "
              "marked when a later run no longer shows it.", ""]
    for number, (title, text, evidence) in enumerate(READING, 1):
        missing = [e for e in evidence if e not in squawk_keys and e not in label_keys]
        where = ", ".join(f"{e[0].removeprefix(F)}:{e[1]} ({e[2]})" for e in evidence)
        warn = f" **Evidence no longer seen: {len(missing)} of {len(evidence)}; review again.**" if missing else ""
        lines += [f"{number}. **{title}.** {text} Evidence: {where}.{warn}", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=bench_run.DEFAULT_CACHE, help="bench cache (peers venv, work files)")
    parser.add_argument("--jobs", type=int, default=1, help="prodcheck cases scanned at once (each --jobs 1)")
    parser.add_argument("--reuse", action="store_true", help="reuse prodcheck's per-case reports of the last run")
    parser.add_argument("--squawk-pg-version", default="", help="pass --pg-version to squawk (e.g. 14.0, 19.0)")
    parser.add_argument("--prodcheck-python", default=sys.executable, help="the Python with prodcheck")
    parser.add_argument("--write-results", action="store_true", help=f"rewrite {RESULTS}")
    args = parser.parse_args(argv)
    args.argv = [a for a in argv if not a.startswith("/")]
    args.cache = args.cache.expanduser().resolve()
    work = args.cache / "runs" / "migrations"
    work.mkdir(parents=True, exist_ok=True)

    venv = bench_run.peers_venv(args.cache)
    all_cases = cases()
    labels = read_labels(all_cases)
    sql_files = corpus_sql(all_cases)
    nonsql = {"files": Counter(), "support": 0, "framework": {}}
    labeled_paths = {lb.path for lb in labels}
    for case in all_cases:
        if case.rule_dir == "examples":
            continue
        for p in files_of(case):
            if p.suffix == ".sql":
                continue
            if rel(p) in labeled_paths:
                fw = framework_of(p)
                nonsql["files"][fw] += 1
                nonsql["framework"][rel(p)] = fw
            else:
                nonsql["support"] += 1

    log(f"[migrations] {len(all_cases)} cases, {len(sql_files)} SQL files, {len(labels)} labels")
    pg = [f"--pg-version={args.squawk_pg_version}"] if args.squawk_pg_version else []
    squawk_runs = []
    for flags in (["--assume-in-transaction", *pg], [*pg]):
        hits, info = run_squawk(venv, flags, sql_files)
        if info["unknown"]:
            log(f"[migrations] squawk rules missing from SQUAWK_MAP: {', '.join(info['unknown'])}")
        squawk_runs.append({"flags": flags, "hits": hits, "info": info})
        log(f"[migrations] squawk {' '.join(flags) or '(defaults)'}: {info['findings']} findings, "
            f"{info['seconds']:.2f} s, exit {info['exit']}")
    log(f"[migrations] prodcheck: scanning {len(all_cases)} cases with --jobs {args.jobs} per pool")
    pc_hits, pc_info = run_prodcheck(args, all_cases, work)
    log(f"[migrations] prodcheck: {len(pc_hits)} findings, {pc_info['seconds']:.0f} s of scans")
    text = build_report(args, venv, labels, nonsql, pc_hits, pc_info, squawk_runs, sql_files, all_cases)
    print(text)
    if args.write_results:
        RESULTS.write_text(text + "\n")
        log(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
