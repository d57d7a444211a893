"""One vocabulary for schema migrations of every style: SQL files, Django, Alembic.

Each reader (`migration_sql`, `migration_django`, `migration_alembic`) turns a migration file into
a `MigrationFile` whose `ops` are `Op`s named in PostgreSQL terms, so a check such as "index
built without CONCURRENTLY" is one predicate over ops whatever wrote them (`CREATE INDEX`,
`migrations.AddIndex`, `op.create_index`). The lock each op takes is PostgreSQL's (`lock_of`).

Op flags:
- `concurrently`, `unique`, `if-exists`: as written;
- `not-null`, `has-default`, `volatile-default` (a default PostgreSQL evaluates per row: a volatile
  function, `serial`, identity or a stored generated column), `inline` (a constraint written in
  a column definition);
- `not-valid`, `using-index`, `not-null-check` (a `CHECK (col IS NOT NULL)`), `using` (a type
  change with a `USING` conversion);
- `new-table`: the table was created earlier in the same migration, so it holds no rows yet;
- `in-create`: a column or constraint written inside `CREATE TABLE` / `CreateModel`.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field, replace

# Signals the migration extractor emits for the project rules (detail formats in `encode_*`).
SIGNAL_SET_NOT_NULL = "migration-set-not-null"          # detail: "table.column"
SIGNAL_NOT_NULL_CHECK = "migration-not-null-check"      # detail: "table.column constraint valid|not-valid"
SIGNAL_VALIDATE = "migration-validate-constraint"       # detail: "table constraint"
SIGNAL_LOCK_WITHOUT_TIMEOUT = "migration-lock-without-timeout"   # detail: what takes which lock
SIGNAL_TIMEOUT_CONFIGURED = "lock-timeout-configured"   # detail: the setting seen
SIGNAL_IRREVERSIBLE = "migration-irreversible"          # detail: why
SIGNAL_FOREIGN_KEY = "migration-foreign-key"            # detail: "table(a,b)->referenced"
SIGNAL_INDEX = "migration-index"                        # detail: "table(a,b)"
# For the code-aware rules: every up op that adds, creates, drops or renames a column or a table
# (JSON: action, table, column, new, via, existing, revision, previous), and every change a Django
# migration makes to the migration state of its models (JSON: op, model, field, new).
SIGNAL_SCHEMA_OP = "migration-schema-op"
SIGNAL_DJANGO_STATE = "migration-django-state"
SIGNAL_REVISION = "migration-revision"   # JSON: revision, previous (Alembic: the down_revision chain)

ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"
SHARE = "SHARE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"
# Locks that block writes (or reads and writes) on the table while they are held or queued.
BLOCKING_LOCKS = frozenset({ACCESS_EXCLUSIVE, "EXCLUSIVE", SHARE_ROW_EXCLUSIVE, SHARE})

_LOCKS = {
    "create-index": SHARE, "drop-index": ACCESS_EXCLUSIVE, "add-column": ACCESS_EXCLUSIVE,
    "set-not-null": ACCESS_EXCLUSIVE, "validate-constraint": SHARE_UPDATE_EXCLUSIVE,
    "alter-type": ACCESS_EXCLUSIVE, "rename-column": ACCESS_EXCLUSIVE, "rename-table": ACCESS_EXCLUSIVE,
    "drop-column": ACCESS_EXCLUSIVE, "drop-table": ACCESS_EXCLUSIVE, "vacuum-full": ACCESS_EXCLUSIVE,
    "cluster": ACCESS_EXCLUSIVE, "reindex": SHARE, "create-trigger": SHARE_ROW_EXCLUSIVE,
}


@dataclass(frozen=True, slots=True)
class Op:
    """One schema operation. `line` is the statement's (or the call's) first line."""
    action: str          # create-table, add-column, create-index, drop-index, add-constraint,
                         # validate-constraint, set-not-null, alter-type, rename-column, rename-table,
                         # drop-column, drop-table, vacuum-full, cluster, reindex, alter-table,
                         # lock-table, create-trigger, set-timeout, begin, commit, run-python,
                         # run-sql, dml, unparsed-sql, other
    line: int
    end_line: int = 0
    origin: str = "sql"  # sql, django, alembic
    phase: str = "up"    # up, down (a rollback: lock rules skip it)
    table: str = ""
    column: str = ""
    name: str = ""       # index or constraint name; the setting of set-timeout
    columns: tuple[str, ...] = ()
    constraint: str = "" # foreign-key, check, unique, primary-key, exclusion
    references: str = "" # referenced table of a foreign key
    new_name: str = ""
    new_type: str = ""
    old_type: str = ""   # the column's previous type when the migration says it
    default: str = ""    # default expression as written
    lock: str = ""       # an explicit lock (LOCK TABLE mode, ALTER TABLE sub-command)
    flags: frozenset[str] = frozenset()
    transaction: str = ""  # why the op runs inside a transaction block ("" when it does not)
    statement: str = ""  # the SQL statement or a short description of the call
    start: int = -1      # offset of the SQL statement in the file text; -1 when embedded or Python

    def has(self, flag: str) -> bool:
        return flag in self.flags

    @property
    def on_existing_table(self) -> bool:
        return self.phase == "up" and "new-table" not in self.flags and "in-create" not in self.flags


@dataclass(frozen=True, slots=True)
class MigrationFile:
    id: str
    path: str
    style: str           # sql, flyway, golang-migrate, prisma, dbmate, goose, sql-migrate, django, alembic
    order: int = 0
    ops: tuple[Op, ...] = ()
    reversible: bool | None = None
    rollback: str = ""
    irreversible: tuple[tuple[int, str], ...] = ()   # (line, why) where the migration cannot be undone
    transaction: str = ""   # why the whole migration runs in one transaction ("" when it does not)
    notes: tuple[str, ...] = field(default_factory=tuple)
    previous: tuple[str, ...] = ()   # the revisions this one follows, where the tool names them (Alembic)

    @property
    def up_ops(self) -> tuple[Op, ...]:
        return tuple(op for op in self.ops if op.phase == "up")


def lock_of(op: Op) -> str:
    """The table lock PostgreSQL takes for `op` ("" when it takes none worth naming)."""
    if op.lock:
        return op.lock
    if op.action == "create-index" or op.action == "drop-index" or op.action == "reindex":
        return SHARE_UPDATE_EXCLUSIVE if op.has("concurrently") else _LOCKS[op.action]
    if op.action == "add-constraint":
        if op.constraint == "foreign-key" and not op.has("inline"):
            return SHARE_ROW_EXCLUSIVE
        return ACCESS_EXCLUSIVE
    if op.action == "alter-table":
        return ACCESS_EXCLUSIVE
    return _LOCKS.get(op.action, "")


def mark_new_tables(ops: list[Op]) -> list[Op]:
    """Flag ops on a table the same migration created before them (it holds no rows yet)."""
    created: set[str] = set()
    marked = []
    for op in ops:
        key = table_key(op.table)
        if op.phase == "up" and key in created and op.action != "create-table":
            op = replace(op, flags=op.flags | {"new-table"})
        if op.phase == "up" and op.action == "create-table":
            created.add(key)
        elif op.phase == "up" and op.action == "rename-table" and key in created:
            created.add(table_key(op.new_name))
        marked.append(op)
    return marked


def table_key(name: str) -> str:
    """Tables compare without their schema, case-insensitively: `public.Users` ~ `users`."""
    return name.rsplit(".", 1)[-1].strip('"').lower()


def migration_set(path: str) -> str:
    """The directory a migration belongs to: its parent, or above `<name>/migration.sql` (Prisma)."""
    parent = posixpath.dirname(path) or "."
    if posixpath.basename(path).lower() == "migration.sql" and parent != ".":
        parent = posixpath.dirname(parent) or "."
    return parent


def leading_number(text: str) -> int:
    digits = ""
    for ch in text.lstrip("VvRrUu"):
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits else 0


def summary(op: Op) -> str:
    """A short, tool-neutral line for the inventory: `add-column users.email`."""
    target = op.table
    if op.column:
        target = f"{op.table}.{op.column}" if op.table else op.column
    elif op.columns:
        target = f"{op.table}({', '.join(op.columns)})"
    if op.action == "add-constraint":
        return f"add-{op.constraint or 'constraint'} {target}".rstrip()
    if op.action in ("rename-column", "rename-table") and op.new_name:
        return f"{op.action} {target} -> {op.new_name}"
    if op.action == "alter-type" and op.new_type:
        return f"alter-type {target} -> {op.new_type}"
    if op.action == "set-timeout":
        return f"set {op.name}"
    return f"{op.action} {target}".rstrip()


# ---------------------------------------------------------------------------------------------
# Signal details: written by the extractor, read back by the project rules


def encode_columns(table: str, columns: tuple[str, ...], references: str = "") -> str:
    text = f"{table}({','.join(columns)})"
    return f"{text}->{references}" if references else text


def decode_columns(detail: str) -> tuple[str, tuple[str, ...], str]:
    """`"orders(user_id)->users"` -> ("orders", ("user_id",), "users")."""
    head, _, references = detail.partition(")->")
    if not references:
        head = detail.rstrip(")")
    table, _, columns = head.partition("(")
    return table, tuple(c for c in columns.rstrip(")").split(",") if c), references
