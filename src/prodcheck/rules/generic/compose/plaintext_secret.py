"""
## What it does
Flags docker compose services whose `environment:` (mapping or list form) gives a secret-looking
variable (`*_PASSWORD`, `*_SECRET`, `*_TOKEN`, `*_API_KEY`, ...) a literal value. Interpolations
(`${DB_PASSWORD}`), empty values and local-development defaults are skipped: well-known ones
(`postgres`, `example`, `changeme`, `mysecretpassword`), a password equal to the user, service or
image name, and short one-word values that do not look generated (`whalehello`). Compose files are
often for local development only, so findings have medium confidence.

## Why it matters
The file is committed: everyone with read access to the repository, its forks and its CI logs has
the credential, and it cannot be rotated without a commit. Real credentials belong in an
untracked `.env` file or in compose/orchestrator secrets.

## Example
    services:
      api:
        build: .
        environment:
          STRIPE_API_KEY: sk_live_51HqLyjWDar\x6atT1zdp7dc
          DATABASE_URL: postgres://db/app

## Use instead
    services:
      api:
        build: .
        environment:
          STRIPE_API_KEY: ${STRIPE_API_KEY}
          DATABASE_URL: postgres://db/app

## Known limitations
Secrets inside URLs (`postgres://user:pass@host`) are left to the generic secret scanners.
"""
# The Example's key is spelled with a \x escape in this source: the rendered documentation shows
# the key, while this file (scanned when prodcheck reviews itself) holds no key-shaped literal.
from __future__ import annotations

import re
from collections.abc import Iterator

from prodcheck.facts.extractors.deployment import compose_services, line_of
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import FileRule
from prodcheck.rules.generic.dockerfile.common import is_literal_secret_value, is_secret_name, masked

DEV_DEFAULTS = frozenset({
    "postgres", "postgresql", "mysql", "mariadb", "mongo", "mongodb", "redis", "rabbitmq", "guest",
    "password", "passwd", "pass", "secret", "root", "admin", "administrator", "user", "test",
    "testing", "dev", "development", "local", "localhost", "example", "sample", "demo", "default",
    "dummy", "foo", "bar", "foobar", "changeme", "changeit", "minioadmin", "keycloak", "sa",
    "123456", "12345678", "qwerty", "password1", "password123", "admin123", "secret123",
    "mysecretpassword", "my-secret-pw", "somewordpress", "wordpress", "p@ssw0rd", "passw0rd",
})
PLACEHOLDER_HINTS = ("password", "secret", "passw0rd", "changeme", "change-me", "change_me", "replace", "your-", "your_", "example",
                     "placeholder", "dummy", "insecure", "not-a-secret", "notasecret", "not_secret",
                     "dev-", "dev_", "local-", "local_", "test-", "test_", "fake", "xxx", "<", "*")


def environment(service: dict) -> Iterator[tuple[str, object, int]]:
    """(name, value, line) for each variable; value None when passed through from the host."""
    env = service.get("environment")
    if isinstance(env, dict):
        yield from _mapping_entries(env, depth=0)
    elif isinstance(env, list):
        item_lines = getattr(env, "item_lines", [])
        for index, item in enumerate(env):
            if isinstance(item, str):
                name, eq, value = item.partition("=")
                line = item_lines[index] if index < len(item_lines) else line_of(service, "environment")
                yield name.strip(), (value if eq else None), line


def _mapping_entries(env: dict, depth: int) -> Iterator[tuple[str, object, int]]:
    for key, value in env.items():
        if key == "<<" and depth < 4:                 # YAML merge of an anchored mapping
            for merged in value if isinstance(value, list) else [value]:
                if isinstance(merged, dict):
                    yield from _mapping_entries(merged, depth + 1)
        elif isinstance(key, str):
            yield key, value, line_of(env, key)


def is_dev_default(name: str, value: str, users: set[str], service_words: set[str]) -> bool:
    lowered = value.strip().lower()
    words = {w.lower() for w in re.split(r"[_\-]", name) if w}
    return (lowered in DEV_DEFAULTS or lowered in words or lowered in users or lowered in service_words
            or any(hint in lowered for hint in PLACEHOLDER_HINTS) or not looks_like_credential(value))


def looks_like_credential(value: str) -> bool:
    """Generated secrets are long or mix character classes; `whalehello` is a demo password."""
    text = value.strip()
    classes = sum(bool(re.search(pattern, text)) for pattern in (r"[a-z]", r"[A-Z]", r"\d", r"[^\w\s]|_"))
    return len(text) >= 20 or (len(text) >= 8 and classes >= 2)


def _words_of(*names: object) -> set[str]:
    """`grafana` for `grafana/grafana:10.4`: a password equal to the product's name is a default."""
    return {w for n in names if isinstance(n, str) for w in re.split(r"[/:@._\-]", n.lower()) if w}


def check(file, ctx):
    seen: set[tuple[int, str]] = set()
    for name_of_service, service in compose_services(file.tree):
        variables = list(environment(service))
        users = {str(v).strip().lower() for n, v, _ in variables
                 if v is not None and re.search(r"USER(NAME)?$", n.upper())}
        service_words = _words_of(name_of_service, service.get("image"))
        for name, value, line in variables:
            literal = str(value).replace("$$", "") if value is not None else None   # `$$` escapes `$`
            if (line, name) in seen or not is_secret_name(name) or not is_literal_secret_value(literal):
                continue
            if is_dev_default(name, str(value), users, service_words):
                continue
            seen.add((line, name))
            text = str(value)
            yield ctx.finding(RULE, line, f"`{name}` is set to a literal value in the compose file",
                              snippet=masked(file.line(line), [text, text.strip()]))


RULE = FileRule(
    id="GEN-SEC-105", slug="compose-plaintext-secret", area=Area.SEC,
    title="Plaintext secret in a compose file",
    fix="Reference the value from the environment (`${NAME}`, kept in an untracked `.env`) or use "
        "compose `secrets:`.",
    rows=("SEC-12",), doc=__doc__, confidence=Confidence.MEDIUM,
    cwe=("CWE-798",), stride=(Stride.INFORMATION_DISCLOSURE,),
    coverage="partial", coverage_note="compose environment only; source code secrets are other rules",
    example_path="docker-compose.yml", file_languages=("yaml",), check=check,
)
