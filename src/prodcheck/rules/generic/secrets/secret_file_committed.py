"""
## What it does
Flags a secrets file present in the scanned tree (so not ignored by `.gitignore`): a `.env`,
`.env.production`, `prod.env`, ... that holds a value for at least one secret-ish key (or a
credential of a known format, such as a database URL with a password), or a private
key file (`*.pem`, `*.key`, `id_rsa`, `id_ed25519`, ...) that holds a PEM private key. Template
files (`.env.example`, `.env.sample`, `.env.template`, `.env.dist`) and test env files are fine.
The finding points at the first secret line, with its value masked.

## Why it matters
A committed `.env` or key file puts every credential it holds into the repository history, and a
file that is tracked once keeps being committed with fresh secrets on every change. Such files
belong in `.gitignore`, with a committed `.env.example` listing the keys without values.

## Example
    DEBUG=false
    DATABASE_URL=postgres://app@db.internal:5432/app
    DB_PASSWORD=Zq8!rT2mWx7v

## Use instead
    ==> .gitignore <==
    .env*
    !.env.example

    ==> .env.example <==
    DEBUG=false
    DATABASE_URL=postgres://app@db.internal:5432/app
    DB_PASSWORD=

## Known limitations
Presence in the tree is taken as "tracked": a scan of a working copy that holds an untracked `.env`
not listed in `.gitignore` reports it too (it is one `git add .` away from being committed).
Files in test directories are skipped, and so are service-account JSON files (GEN-SEC-101 reports
the private key inside them).
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.envfile import EnvEntry, parse_env
from prodcheck.rules.base import FileRule
from prodcheck.rules.generic.secrets.heuristics import is_placeholder, is_secret_name, is_template_file
from prodcheck.rules.generic.secrets.patterns import (
    PRIVATE_KEY_BLOCK, find_known_secrets, mask_spans, masked_line, scan_formats,
)

TEST_ENV_MARKERS = frozenset({"test", "testing", "tests"})


def check(file, ctx):
    if file.kind == "test" or not file.text or is_template_file(file.path):
        return
    name = PurePosixPath(file.path).name
    if file.language == "env":
        yield from _env_file(file, name, ctx)
    elif file.language == "pem":
        yield from _key_file(file, name, ctx)


def _env_file(file, name: str, ctx):
    if set(re.split(r"[._-]", name.lower())) & TEST_ENV_MARKERS:
        return
    entries = file.tree if isinstance(file.tree, list) else parse_env(file.text)
    for entry in entries:
        if not isinstance(entry, EnvEntry):
            continue
        value = _unquoted(entry.value)
        if (is_secret_name(entry.key) and not is_placeholder(value)) or find_known_secrets(value):
            yield ctx.finding(RULE, entry.line, f"`{name}` is committed with a value for `{entry.key}`",
                              snippet=_masked_entry(file.line(entry.line), value))
            return


def _unquoted(value: str) -> str:
    """The value as dotenv reads it: `KEY= # note` is empty, `KEY="v" # note` is `v`."""
    text = value.strip()
    if text.startswith("#"):
        return ""
    if len(text) >= 2 and text[0] in "\"'" and text[0] in text[1:]:
        return text[1:text.index(text[0], 1)]
    return text


def _masked_entry(line: str, value: str) -> str:
    start = line.find(value, line.find("=") + 1)
    return mask_spans(line, [(start, start + len(value))]) if value and start >= 0 else line


def _key_file(file, name: str, ctx):
    blocks = scan_formats((PRIVATE_KEY_BLOCK,), file.text)
    if blocks:
        first = blocks[0]
        yield ctx.finding(RULE, first.line, f"private key file `{name}` is committed",
                          snippet=masked_line(file.text, first.line, [(first.start, first.end)]))


RULE = FileRule(
    id="GEN-SEC-103", slug="secret-file-committed", area=Area.SEC,
    title="Secrets file (.env, private key) committed to the repository",
    fix="Remove the file from git (`git rm --cached`), add it to `.gitignore`, rotate its secrets "
        "and commit a value-less `.env.example` instead.",
    rows=("SEC-13",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-538",), stride=(Stride.INFORMATION_DISCLOSURE,),
    example_path=".env.production", file_languages=("env", "pem"), check=check,
)
