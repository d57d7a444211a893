"""Which database engine a migration set runs on, where the repository says it.

The lock and rewrite rules speak of PostgreSQL; a MySQL or SQLite migration set only gets the
dialect-independent checks. `engine_of(parsed)` answers for the migration in `parsed`, from the
configuration files on disk around it (read as text, never imported or run), searched from the
migration's directory up to the scan root, nearest directory first. Precedence:

1. the migration tool's own configuration for this set:
   - Prisma: `migration_lock.toml` in the migrations directory, then `datasource { provider = ... }`
     of `schema.prisma`;
   - Alembic: `sqlalchemy.url` in `alembic.ini`, then URL schemes in the script directory's `env.py`;
   - Django: `DATABASES[...]["ENGINE"]` in settings modules (`<pkg>/settings.py`,
     `<pkg>/settings/*.py`);
   - knex: `client:` in `knexfile.{js,ts,cjs,mjs}`; TypeORM: `type:` in `ormconfig.*`,
     `data-source.ts` and friends; Sequelize: `"dialect"` in `config/config.json`,
     `config/database.js`;
   - Flyway (and the SQL tools that keep no configuration): `flyway.url=jdbc:<engine>:` in
     `flyway.conf` / `flyway.toml`;
2. any other of those configuration files (a repository with one ORM config and SQL migrations);
3. as a last hint, the database images of `docker-compose` / `compose` files, only when they name
   one engine family.

A value that a line takes from the environment first (`os.environ.get("DB_ENGINE", "...sqlite3")`)
is a fallback, not the engine, and is ignored. A configuration naming several engines (a knexfile
with SQLite for development and PostgreSQL in production) counts as PostgreSQL when PostgreSQL is
one of them (the lock rules matter where the migration meets production data), then MySQL, SQL
Server, Oracle, and SQLite last. Nothing found: the engine is unknown, and unknown is treated as
PostgreSQL (the behaviour before engines were detected).
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import PurePosixPath

POSTGRESQL = "postgresql"
MYSQL = "mysql"
SQLITE = "sqlite"
MSSQL = "mssql"
ORACLE = "oracle"
# Engines on which the PostgreSQL lock and rewrite rules apply ("" = unknown, assumed PostgreSQL).
POSTGRES_LIKE = frozenset({POSTGRESQL, ""})

SIGNAL_ENGINE = "migration-engine"     # detail: "<engine> (<where it was read>)"

MAX_CONFIG_BYTES = 256 * 1024
MAX_LEVELS = 8
MAX_CHILDREN = 200

_ALIASES = {
    "pg": POSTGRESQL, "postgres": POSTGRESQL, "postgresql": POSTGRESQL, "postgis": POSTGRESQL,
    "pgnative": POSTGRESQL, "pg-native": POSTGRESQL, "postgresql_psycopg2": POSTGRESQL,
    "postgresql_psycopg": POSTGRESQL, "aurora-postgres": POSTGRESQL, "aurora-postgresql": POSTGRESQL,
    "timescaledb": POSTGRESQL,
    "mysql": MYSQL, "mysql2": MYSQL, "mariadb": MYSQL, "aurora-mysql": MYSQL, "aurora-data-api": MYSQL,
    "sqlite": SQLITE, "sqlite3": SQLITE, "better-sqlite3": SQLITE, "sqljs": SQLITE, "capacitor": SQLITE,
    "cordova": SQLITE, "expo": SQLITE, "react-native": SQLITE, "nativescript": SQLITE, "libsql": SQLITE,
    "mssql": MSSQL, "sqlserver": MSSQL, "tedious": MSSQL,
    "oracle": ORACLE, "oracledb": ORACLE,
}

_KNEXFILES = tuple(f"knexfile.{ext}" for ext in ("js", "ts", "cjs", "mjs"))
_TYPEORM_FILES = ("ormconfig.json", "ormconfig.js", "ormconfig.ts", "ormconfig.yml", "ormconfig.yaml",
                  "data-source.ts", "data-source.js", "src/data-source.ts", "src/data-source.js",
                  "src/db/data-source.ts", "src/database/data-source.ts", "typeorm.config.ts",
                  "src/typeorm.config.ts", "src/config/typeorm.config.ts")
_SEQUELIZE_FILES = ("config/config.json", "config/config.js", "config/database.js", "config/database.json",
                    "src/config/config.json", "src/config/database.js", "db/config.json")
_FLYWAY_FILES = ("flyway.conf", "conf/flyway.conf", "flyway.toml")
_PRISMA_FILES = ("schema.prisma", "prisma/schema.prisma")
_COMPOSE_FILES = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")

_KNEX_CLIENT = re.compile(r"""\bclient\s*:\s*['"`]([\w.-]+)['"`]""")
_TYPEORM_TYPE = re.compile(r"""["']?\btype["']?\s*:\s*['"`]?([\w-]+)""")
_SEQUELIZE_DIALECT = re.compile(r"""["']?\bdialect["']?\s*:\s*['"`]([\w-]+)['"`]""")
_URL_SCHEME = re.compile(r"""\b(postgresql|postgres|mysql|mariadb|sqlite|mssql|oracle|cockroachdb)(?:\+\w+)?://""")
_JDBC = re.compile(r"jdbc:([\w-]+):")
_INI_URL = re.compile(r"^\s*sqlalchemy\.url\s*=\s*([\w-]+)(?:\+\w+)?:", re.M)
_PROVIDER = re.compile(r"""\bprovider\s*=\s*["']([\w-]+)["']""")
_DATASOURCE = re.compile(r"datasource\s+\w+\s*\{([^}]*)\}", re.S)
_DJANGO_ENGINE = re.compile(r"""['"]django(?:\.contrib\.gis)?\.db\.backends\.(\w+)['"]""")
_IMAGE = re.compile(r"""^\s*image\s*:\s*['"]?([^\s'"#]+)""", re.M)


@dataclass(frozen=True, slots=True)
class Engine:
    name: str = ""          # postgresql, mysql, sqlite, mssql, oracle; "" = unknown
    evidence: str = ""      # where it was read: "knexfile.js `client`"

    @property
    def postgres_like(self) -> bool:
        return self.name in POSTGRES_LIKE

    def describe(self) -> str:
        return f"{self.name} ({self.evidence})" if self.evidence else self.name


UNKNOWN = Engine()


def normalise(word: str) -> str:
    """`pg`, `mysql2`, `better-sqlite3`, `cockroachdb` -> an engine name ("" when unknown)."""
    word = word.strip().lower()
    if word in _ALIASES:
        return _ALIASES[word]
    if word.startswith(("postgres", "pg")):
        return POSTGRESQL
    if word.startswith(("mysql", "maria")):
        return MYSQL
    if word.startswith("sqlite"):
        return SQLITE
    return ""


def engine_of(parsed, style: str) -> Engine:
    """The engine of the migration set `parsed` belongs to (memoised on the parsed file)."""
    key = "migration.engine"
    if key not in parsed.memo:
        parsed.memo[key] = detect(parsed.source.abspath, parsed.path, style)
    return parsed.memo[key]


def detect(abspath: str, path: str, style: str) -> Engine:
    """Walk from the migration's directory up to the scan root (the part of `abspath` above the
    relative `path`), at most MAX_LEVELS directories; never raises."""
    try:
        return _detect(abspath, path, style)
    except (OSError, ValueError, RecursionError):
        return UNKNOWN


def _detect(abspath: str, path: str, style: str) -> Engine:
    directory = os.path.dirname(os.path.abspath(abspath))
    depth = max(len(PurePosixPath(path).parts) - 1, 0)
    levels = [directory]
    for _ in range(min(depth, MAX_LEVELS)):
        directory = os.path.dirname(directory)
        levels.append(directory)
    own: list[Engine] = []
    other: list[Engine] = []
    compose: list[Engine] = []
    root = levels[-1]
    for level in levels:
        configs, images = _evidence(level, root)
        for tool, found in configs:
            (own if tool == _tool_of(style) else other).append(found)
        compose.extend(images)
    for found in (own, other):
        if found:
            return found[0]
    families = {e.name for e in compose}
    if len(families) == 1:
        return compose[0]
    return UNKNOWN


_LEVELS: dict[tuple[str, str, int], tuple[tuple, tuple]] = {}


def _evidence(level: str, root: str) -> tuple[tuple, tuple]:
    """The configurations and compose images of one directory, memoised for the worker process
    (every migration of a set asks about the same directories)."""
    try:
        stamp = os.stat(level).st_mtime_ns
    except OSError:
        return (), ()
    key = (level, root, stamp)
    if key not in _LEVELS:
        if len(_LEVELS) > 1024:
            _LEVELS.clear()
        _LEVELS[key] = (tuple(_configs_in(level, root)), tuple(_compose_in(level)))
    return _LEVELS[key]


def _tool_of(style: str) -> str:
    if style in ("flyway", "golang-migrate", "dbmate", "goose", "sql-migrate", "sql"):
        return "flyway"
    return style


def _configs_in(level: str, root: str):
    """(tool, engine) for each configuration file found in one directory, tool-specific first."""
    lock = os.path.join(level, "migration_lock.toml")
    text = _read(lock)
    if text and (found := _first(_fixed(_PROVIDER, text))):
        yield "prisma", Engine(found, _where(level, root, "migration_lock.toml", "provider"))
    for name in _PRISMA_FILES:
        text = _read(os.path.join(level, name))
        block = _DATASOURCE.search(text or "")
        if block and (found := _first(_PROVIDER.findall(block.group(1)))):
            yield "prisma", Engine(found, _where(level, root, name, "datasource provider"))
    text = _read(os.path.join(level, "alembic.ini"))
    if text and (found := _first(_fixed(_INI_URL, text))):
        yield "alembic", Engine(found, _where(level, root, "alembic.ini", "sqlalchemy.url"))
    text = _read(os.path.join(level, "env.py"))
    if text and "alembic" in text and (found := _first(_fixed(_URL_SCHEME, text))):
        yield "alembic", Engine(found, _where(level, root, "env.py", "database URL"))
    for settings in _django_settings(level):
        text = _read(settings)
        if text and (found := _first(_fixed(_DJANGO_ENGINE, text))):
            yield "django", Engine(found, _where(level, root, os.path.relpath(settings, level), "ENGINE"))
    for name in _KNEXFILES:
        text = _read(os.path.join(level, name))
        if text and (found := _first(_fixed(_KNEX_CLIENT, text))):
            yield "knex", Engine(found, _where(level, root, name, "client"))
    for name in _TYPEORM_FILES:
        text = _read(os.path.join(level, name))
        if text and ("typeorm" in text.lower() or name.startswith("ormconfig")) \
                and (found := _first(_fixed(_TYPEORM_TYPE, text))):
            yield "typeorm", Engine(found, _where(level, root, name, "type"))
    for name in _SEQUELIZE_FILES:
        text = _read(os.path.join(level, name))
        if text and (found := _first(_fixed(_SEQUELIZE_DIALECT, text))):
            yield "sequelize", Engine(found, _where(level, root, name, "dialect"))
    for name in _FLYWAY_FILES:
        text = _read(os.path.join(level, name))
        if text and (found := _first(_fixed(_JDBC, text))):
            yield "flyway", Engine(found, _where(level, root, name, "url"))


def _compose_in(level: str) -> list[Engine]:
    found = []
    for name in _COMPOSE_FILES:
        text = _read(os.path.join(level, name))
        for image in _IMAGE.findall(text or ""):
            base = image.rsplit("/", 1)[-1].split(":", 1)[0].lower()
            engine = (POSTGRESQL if any(w in base for w in ("postgres", "postgis", "timescale"))
                      else MYSQL if base in ("mysql", "mariadb", "percona", "percona-server") else "")
            if engine:
                found.append(Engine(engine, f"{name} image {image} (a hint only)"))
    return found


def _django_settings(level: str) -> list[str]:
    found = []
    try:
        children = sorted(os.listdir(level))[:MAX_CHILDREN]
    except OSError:
        return found
    for child in children:
        if child.startswith(".") or child in ("node_modules", "venv", ".venv"):
            continue
        base = os.path.join(level, child)
        if child == "settings.py":
            found.append(base)
        single = os.path.join(base, "settings.py")
        if os.path.isfile(single):
            found.append(single)
        package = os.path.join(base, "settings")
        if os.path.isdir(package):
            try:
                found.extend(os.path.join(package, n) for n in sorted(os.listdir(package))[:MAX_CHILDREN]
                             if n.endswith(".py"))
            except OSError:
                pass
    return found


_ENV_LOOKUP = re.compile(r"environ|getenv|process\.env|\benv\(|\$\{")


def _fixed(pattern: re.Pattern, text: str) -> list[str]:
    """Matches of `pattern` not preceded on their line by a read of the environment: in
    `os.environ.get("DB_ENGINE", "...sqlite3")` the literal is only a fallback."""
    found = []
    for match in pattern.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        if not _ENV_LOOKUP.search(text[start:match.start()]):
            found.append(match.group(1))
    return found


_PREFERENCE = (POSTGRESQL, MYSQL, MSSQL, ORACLE, SQLITE)


def _first(words: list[str]) -> str:
    """The engine of a file naming one or more: PostgreSQL when it is one of them, then MySQL, SQL
    Server, Oracle, and SQLite last (a development database next to the production one)."""
    engines = {e for e in (normalise(w) for w in words) if e}
    return next((e for e in _PREFERENCE if e in engines), "")


def _where(level: str, root: str, name: str, what: str) -> str:
    relative = os.path.relpath(os.path.join(level, name), root).replace(os.sep, "/")
    return f"{relative} `{what}`"


_CACHE: dict[tuple[str, int, int], str] = {}


def _read(path: str) -> str:
    """A small regular file's text ("" when absent, too large, or not a regular file)."""
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return ""
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CONFIG_BYTES:
        return ""
    key = (path, info.st_mtime_ns, info.st_size)
    if key not in _CACHE:
        if len(_CACHE) > 512:
            _CACHE.clear()
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                _CACHE[key] = handle.read(MAX_CONFIG_BYTES)
        except OSError:
            _CACHE[key] = ""
    return _CACHE[key]
