"""Helpers shared by the Dockerfile, compose and Kubernetes rules."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import PurePosixPath

from prodcheck.facts.extractors.deployment import DEV_WORDS, parse_from, shipped_stage
from prodcheck.parsing.dockerfile import Instruction

INIT_PROCESSES = frozenset({"tini", "tini-static", "dumb-init", "catatonit"})

# Secret-looking variable names, by their last word(s): DB_PASSWORD, API_TOKEN, AWS_SECRET_ACCESS_KEY.
SECRET_WORDS = frozenset({"PASSWORD", "PASSWD", "PASS", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY",
                          "CREDENTIAL", "CREDENTIALS", "PRIVATEKEY", "SECRETKEY", "ACCESSKEY"})
SECRET_PAIRS = frozenset({("API", "KEY"), ("PRIVATE", "KEY"), ("ACCESS", "KEY"), ("SECRET", "KEY"),
                          ("AUTH", "KEY"), ("SIGNING", "KEY"), ("ENCRYPTION", "KEY"),
                          ("MASTER", "KEY"), ("CLIENT", "KEY"), ("ACCOUNT", "KEY")})
SECRET_NAMES = frozenset({"SECRET_KEY_BASE"})
GLUED_SECRET_SUFFIXES = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY")   # PGPASSWORD, AUTHTOKEN
NOT_SECRET_WORDS = frozenset({"NOTOKEN", "NOSECRET", "NOPASSWORD"})
NOT_SECRET_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null", "0", "1"})
FILE_PATH = re.compile(r"^(/|\./|~/)[\w.\-/]*$")


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    """The instructions of the last build stage (the image that ships)."""
    if not instructions:
        return []
    last = max(i.stage for i in instructions)
    return [i for i in instructions if i.stage == last]


def shipping_stage(instructions: list[Instruction]) -> list[Instruction]:
    """The instructions of the stage that ships: the last one not named for development."""
    stage = shipped_stage(instructions)
    return [] if stage is None else [i for i in instructions if i.stage == stage]


def stage_names(instructions: list[Instruction]) -> set[str]:
    return {parse_from(i.value).alias for i in instructions if i.keyword == "FROM"} - {""}


def unpinned_reason(image: str) -> str:
    """Why an image reference is not pinned ("" when it is pinned by tag or digest)."""
    if "@" in image:
        return ""
    last_segment = image.rsplit("/", 1)[-1]
    if ":" not in last_segment:
        return "has no tag (pulls `latest`)"
    if last_segment.rsplit(":", 1)[1].lower() == "latest":
        return "uses the moving `latest` tag"
    return ""


def last_of(stage: list[Instruction], keyword: str) -> Instruction | None:
    found = [i for i in stage if i.keyword == keyword]
    return found[-1] if found else None


def exec_form(value: str) -> list[str] | None:
    """The words of a JSON-array (exec form) instruction, or None for the shell form."""
    text = value.strip()
    if not text.startswith("["):
        return None
    try:
        words = json.loads(text)
    except ValueError:
        return None
    if isinstance(words, list) and all(isinstance(w, str) for w in words):
        return words
    return None


def looks_like_broken_json(value: str) -> bool:
    """`CMD ['node', 'app.js']`: meant as exec form, but not JSON, so Docker runs it in a shell."""
    text = value.strip()
    return text.startswith("[") and text.endswith("]") and exec_form(text) is None


def shell_words(text: str) -> list[str]:
    """Words of a shell-like string; unbalanced quotes fall back to whitespace splitting."""
    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError:
        return text.split()


def simple_commands(text: str) -> list[list[str]]:
    """A command line cut at `&&`, `||`, `;`, `|` and split into bare words (quotes, brackets and
    commas dropped), so `sh -c "a && b"` and JSON arrays read like plain commands."""
    words_of = re.compile(r"[^\s\"'\[\],;&|()`]+")
    return [words_of.findall(part) for part in re.split(r"&&|\|\||;|\|", text)]


def basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def dev_only_path(path: str) -> bool:
    """A Dockerfile or compose file meant for development or tests (Dockerfile.dev,
    docker-compose.override.yml, .devcontainer/...)."""
    pure = PurePosixPath(path.lower())
    if any(part in DEV_WORDS for part in pure.parts[:-1]):
        return True
    words = re.split(r"[.\-_]", pure.name)
    return any(word in DEV_WORDS for word in words)


def is_secret_name(name: str) -> bool:
    upper = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).upper()
    if upper in SECRET_NAMES:
        return True
    words = [w for w in re.split(r"[_\-.]", upper) if w]
    if not words:
        return False
    last = words[-1]
    return (last in SECRET_WORDS or tuple(words[-2:]) in SECRET_PAIRS
            or last.endswith(GLUED_SECRET_SUFFIXES) and last not in NOT_SECRET_WORDS)


def is_literal_secret_value(value: object) -> bool:
    """A value written out in the file, as opposed to a reference, a flag or a file path
    (`/run/secrets/db_password`, `GOOGLE_APPLICATION_CREDENTIALS=/app/sa.json`)."""
    if value is None or isinstance(value, bool):
        return False
    text = str(value).strip()
    return bool(text) and "$" not in text and text.lower() not in NOT_SECRET_VALUES \
        and not FILE_PATH.match(text)


def physical_line(lines: list[str], ins: Instruction, needle: str | re.Pattern) -> int:
    """The line of a multi-line instruction that holds `needle` (the instruction's line if none)."""
    for number in range(ins.line, min(ins.end_line, len(lines)) + 1):
        text = lines[number - 1]
        if text.lstrip().startswith("#"):
            continue
        if (needle.search(text) if isinstance(needle, re.Pattern) else needle in text):
            return number
    return ins.line


def command_segments(text: str) -> list[list[str]]:
    """A shell command line cut at `&&`, `||`, `;`, `|`, `&` and redirections into word lists,
    quotes respected (`pip install "uvicorn[standard]==0.30.1"` keeps its one word)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        tokens = list(lexer)
    except ValueError:
        tokens = text.split()
    segments: list[list[str]] = [[]]
    for token in tokens:
        if token and set(token) <= set("();<>|&"):
            segments.append([])
        else:
            segments[-1].append(token)
    return [segment for segment in segments if segment]


def masked(text: str, secrets: list[str]) -> str:
    for secret in sorted(set(secrets), key=len, reverse=True):
        if secret:
            text = text.replace(secret, "****")
    return text
