"""Known credential formats as data, the scanner that finds them in a text, and masking.

Each `KeyFormat` is a pattern whose group `secret` is the credential, plus a `locate` function
that confirms a match (not a documented example, not a placeholder, context present) and returns
the credential's span. Formats are listed most specific first: when two overlap, the first wins.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from prodcheck.model import Confidence
from prodcheck.rules.generic.secrets.heuristics import is_placeholder, is_secret_name, shannon_entropy

Span = tuple[int, int]

FAKE_KEY_MARKERS = ("example", "xxxx", "****", "...", "fake", "dummy", "sample", "your", "test",
                    "placeholder", "redacted", "0123456789", "1234567890", "abcdefghij")
MIN_KEY_ENTROPY = 3.0
_REPEATED_RUN = re.compile(r"(.)\1{5,}")


def is_fake_key(value: str) -> bool:
    """A well-formed key that announces itself as fake (AWS's `...EXAMPLE`, `xxxx`, `000000`)."""
    lowered = value.lower()
    return (any(marker in lowered for marker in FAKE_KEY_MARKERS) or bool(_REPEATED_RUN.search(value))
            or shannon_entropy(value) < MIN_KEY_ENTROPY)


def _line_bounds(text: str, position: int) -> Span:
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return start, (len(text) if end < 0 else end)


# --- confirmers: (match, text) -> span of the credential, or None ------------------------------

def _random_key(match: re.Match, text: str) -> Span | None:
    return None if is_fake_key(match.group("secret")) else match.span("secret")


_TWILIO_CONTEXT_LINES = 2


def _twilio_key(match: re.Match, text: str) -> Span | None:
    start, end = _line_bounds(text, match.start())
    for _ in range(_TWILIO_CONTEXT_LINES):
        start = text.rfind("\n", 0, max(start - 1, 0)) + 1
    if "twilio" not in text[start:end].lower():
        return None
    return _random_key(match, text)


_ASSIGNED_TO = re.compile(
    r"(?P<name>[A-Za-z_][\w.-]*)[\"'\]]*\s*(?::=|=|:)\s*(?:[rbu]?[\"'`])?\s*"
    r"(?:(?:Bearer|JWT|Token)\s+)?$", re.I)
# jwt.io's sample token, reprinted in countless tutorials.
DOCUMENTED_JWT_SIGNATURES = frozenset({"SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"})


def _decodes_to_jwt_header(segment: str) -> bool:
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, binascii.Error):
        return False
    return isinstance(header, dict) and "alg" in header and str(header["alg"]).lower() != "none"


def _jwt_assigned_to_secret_name(match: re.Match, text: str) -> Span | None:
    start, _ = _line_bounds(text, match.start())
    assignment = _ASSIGNED_TO.search(text[start:match.start()])
    if not assignment or not is_secret_name(assignment.group("name")):
        return None
    if (match.group("signature") in DOCUMENTED_JWT_SIGNATURES
            or not _decodes_to_jwt_header(match.group("header"))):
        return None
    return match.span("secret")


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "[::1]", "host.docker.internal"})
PLACEHOLDER_HOSTS = frozenset({"host", "hostname", "server", "domain", "example", "db-host", "dbhost"})
# Well-known default passwords of local databases and brokers: dev setups, not leaks.
DEFAULT_PASSWORDS = frozenset({
    "postgres", "postgresql", "mysql", "mariadb", "mongo", "mongodb", "redis", "rabbitmq", "guest",
    "root", "admin", "pass", "password", "passwd", "secret", "test", "dev", "local", "changeme",
    "example", "default", "pw", "pwd", "sa", "docker", "app", "user",
})
DATABASE_SCHEMES = frozenset({
    "postgres", "postgresql", "postgis", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis",
    "rediss", "amqp", "amqps", "mssql", "sqlserver", "oracle", "cockroachdb", "clickhouse",
})
SERVICE_SCHEMES = frozenset({"http", "https", "ftp", "ftps", "sftp", "smtp", "smtps", "ldap", "ldaps"})
_ENV_STYLE = re.compile(r"[A-Z][A-Z0-9_]*")
_SCHEME_BEFORE = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*)$")
SCHEME_LOOKBACK = 40


def _scheme_parts(text: str, position: int) -> frozenset[str]:
    """The scheme ending at `position` and its `+` parts: `git+https` -> {git+https, git, https}."""
    match = _SCHEME_BEFORE.search(text, max(0, position - SCHEME_LOOKBACK), position)
    if not match:
        return frozenset()
    scheme = match.group(1).lower()
    return frozenset({scheme, *scheme.split("+")})


def _url_password(match: re.Match, text: str) -> Span | None:
    password, user = match.group("secret"), match.group("user")
    host = match.group("host").lower()
    if (is_placeholder(password) or password.lower() in DEFAULT_PASSWORDS or password == user
            or _ENV_STYLE.fullmatch(password) or password.startswith(("$", "%", ":")) or password.isdigit()):
        return None
    if host in LOOPBACK_HOSTS or host.startswith("127.") or host in PLACEHOLDER_HOSTS \
            or "example" in host or is_placeholder(host):
        return None
    return match.span("secret")


def _database_url_password(match: re.Match, text: str) -> Span | None:
    return _url_password(match, text) if _scheme_parts(text, match.start()) & DATABASE_SCHEMES else None


def _service_url_password(match: re.Match, text: str) -> Span | None:
    return _url_password(match, text) if _scheme_parts(text, match.start()) & SERVICE_SCHEMES else None


_PEM_HEADER_FIELD = re.compile(r"^(?:Proc-Type|DEK-Info|Version|Comment|Hash):", re.I)
_PEM_LINE_BREAK = re.compile(r"\\r\\n|\\n|\n")      # real newlines and the `\n` escapes of a string
_BASE64_PIECE = re.compile(r"[A-Za-z0-9+/=]{4,}")
_PIECE_NOISE = " \t\"'`,+;()\\[]"
# A trailing comment on a line of the block; base64 holds no whitespace and may start with `//`.
_PIECE_COMMENT = re.compile(r"(?:(?:^|\s)(?:#|<!--)|\s//|^//(?=\s|$)).*$")
ELISION_MARKERS = ("...", "\u2026", "<", "xxxx", "redacted", "snip", "truncated", "your")
PEM_BODY_WINDOW = 12_000
MIN_PEM_BODY = 60
MIN_PEM_LINE = 40
MIN_PEM_ENTROPY = 4.0


def _pem_lines(text: str, start: int, end: int):
    """(offset, text) of each line of a key block, whether written as lines or inside one string."""
    cursor = start
    for line_break in _PEM_LINE_BREAK.finditer(text, start, end):
        yield cursor, text[cursor:line_break.start()]
        cursor = line_break.end()
    yield cursor, text[cursor:end]


def _pem_body(match: re.Match, text: str) -> Span | None:
    """The base64 body right after the header, unless it is missing, elided (`...`) or filler."""
    pieces: list[str] = []
    body_start = body_end = -1
    for offset, raw in _pem_lines(text, match.end(), min(len(text), match.end() + PEM_BODY_WINDOW)):
        piece = _PIECE_COMMENT.sub("", raw).strip(_PIECE_NOISE)
        if not piece or _PEM_HEADER_FIELD.match(piece):
            continue
        if not _BASE64_PIECE.fullmatch(piece):
            if any(marker in piece.lower() for marker in ELISION_MARKERS):
                return None          # `MIIE...`: an abridged key in an example
            break                    # the footer, or code after a header mentioned in a string
        body_start = offset + raw.index(piece) if body_start < 0 else body_start
        body_end = offset + raw.index(piece) + len(piece)
        pieces.append(piece)
    body = "".join(pieces)
    if (len(body) < MIN_PEM_BODY or max((len(p) for p in pieces), default=0) < MIN_PEM_LINE
            or shannon_entropy(body) < MIN_PEM_ENTROPY):
        return None
    return body_start, body_end


# --- the table --------------------------------------------------------------------------------

Locate = Callable[[re.Match, str], Span | None]


@dataclass(frozen=True, slots=True)
class KeyFormat:
    kind: str                           # names the secret in the finding's message
    pattern: re.Pattern[str]            # group `secret` is the credential
    triggers: tuple[str, ...]           # the text must contain one of these (a cheap pre-filter)
    locate: Locate = _random_key
    in_docs: bool = True                # also reported in documentation (Markdown)
    in_tests: bool = True               # also reported in test files
    confidence: Confidence = Confidence.HIGH


_END = r"(?![A-Za-z0-9_-])"
# Starts with the literal `://` so the regex engine can skip ahead; the scheme is checked after.
_URL_CREDENTIALS = re.compile(r"://(?P<user>[^\s:@/'\"`<>{}$]*):(?P<secret>[^\s@/'\"`]+)@"
                              r"(?P<host>[^\s/:'\"`?#,;]+)")

KEY_FORMATS: tuple[KeyFormat, ...] = (
    KeyFormat("private key (PEM block)",
              re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
              ("PRIVATE KEY",), _pem_body, in_tests=False),
    KeyFormat("AWS access key id",
              re.compile(r"(?<![A-Z0-9])(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Z0-9])"),
              ("AKIA", "ASIA", "ABIA", "ACCA")),
    KeyFormat("AWS secret access key",
              re.compile(r"(?i:aws[\w.-]{0,30}secret|secret[_.-]?access[_.-]?key)[\w.-]{0,30}[\"']?\s*"
                         r"(?::=|=>|=|:)\s*[\"']?(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"),
              ("ecret", "ECRET"), in_docs=False),
    KeyFormat("GitHub token", re.compile(r"\b(?P<secret>gh[pousr]_[A-Za-z0-9]{36,255})" + _END),
              ("ghp_", "gho_", "ghu_", "ghs_", "ghr_")),
    KeyFormat("GitHub fine-grained token",
              re.compile(r"\b(?P<secret>github_pat_[A-Za-z0-9_]{60,255})" + _END), ("github_pat_",)),
    KeyFormat("GitLab token", re.compile(r"\b(?P<secret>glpat-[A-Za-z0-9_-]{20,})" + _END), ("glpat-",)),
    KeyFormat("Slack token", re.compile(r"\b(?P<secret>xox[baprs]-[0-9]{6,}-[0-9A-Za-z-]{10,})" + _END),
              ("xox",)),
    KeyFormat("Slack webhook URL",
              re.compile(r"https://hooks\.slack\.com/(?:services|workflows|triggers)/"
                         r"(?P<secret>T[A-Z0-9]{6,}/[AB][A-Z0-9]{6,}/[A-Za-z0-9]{16,})"),
              ("hooks.slack.com",)),
    KeyFormat("Stripe live secret key",
              re.compile(r"\b(?P<secret>(?:sk|rk)_live_[0-9A-Za-z]{20,})" + _END), ("_live_",)),
    KeyFormat("Stripe webhook signing secret",
              re.compile(r"\b(?P<secret>whsec_[0-9A-Za-z]{32,})" + _END), ("whsec_",)),
    KeyFormat("SendGrid API key",
              re.compile(r"\b(?P<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})" + _END), ("SG.",)),
    KeyFormat("Anthropic API key",
              re.compile(r"\b(?P<secret>sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,})" + _END), ("sk-ant-",)),
    KeyFormat("OpenAI API key",
              re.compile(r"\b(?P<secret>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}"
                         r"|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-[A-Za-z0-9]{48})" + _END), ("sk-",)),
    KeyFormat("npm access token", re.compile(r"\b(?P<secret>npm_[A-Za-z0-9]{36})" + _END), ("npm_",)),
    KeyFormat("Google API key", re.compile(r"\b(?P<secret>AIza[0-9A-Za-z_-]{35})" + _END), ("AIza",),
              confidence=Confidence.MEDIUM),
    KeyFormat("Twilio API key", re.compile(r"\b(?P<secret>SK[0-9a-fA-F]{32})\b"), ("SK",), _twilio_key,
              in_docs=False, in_tests=False),
    KeyFormat("Twilio auth token",
              re.compile(r"(?i:twilio[\w.-]{0,20}(?:auth|token|secret)[\w.-]{0,20})[\"']?\s*(?::=|=|:)\s*"
                         r"[\"']?(?P<secret>[0-9a-f]{32})\b"),
              ("wilio", "WILIO"), in_docs=False, in_tests=False),
    KeyFormat("JSON Web Token",
              re.compile(r"\b(?P<secret>(?P<header>eyJ[A-Za-z0-9_-]{10,})\.eyJ[A-Za-z0-9_-]{10,}\."
                         r"(?P<signature>[A-Za-z0-9_-]{16,}))" + _END),
              ("eyJ",), _jwt_assigned_to_secret_name, in_docs=False, in_tests=False,
              confidence=Confidence.MEDIUM),
    KeyFormat("database URL with an inline password", _URL_CREDENTIALS, ("://",), _database_url_password,
              in_docs=False, in_tests=False),
    KeyFormat("URL with an inline password", _URL_CREDENTIALS, ("://",), _service_url_password,
              in_docs=False, in_tests=False),
)


@dataclass(frozen=True, slots=True)
class KnownSecret:
    kind: str
    line: int            # 1-based line of the match (the PEM header for key blocks)
    column: int          # 1-based
    start: int           # the credential's span in the whole text
    end: int
    confidence: Confidence


PRIVATE_KEY_BLOCK = KEY_FORMATS[0]


def find_known_secrets(text: str, *, in_docs: bool = False, in_tests: bool = False) -> list[KnownSecret]:
    """Every confirmed credential of a known format in `text`, one per credential, in text order.
    Documentation and test files get only the formats that need no surrounding context."""
    formats = tuple(f for f in KEY_FORMATS if (f.in_docs or not in_docs) and (f.in_tests or not in_tests))
    return scan_formats(formats, text)


def scan_formats(formats: tuple[KeyFormat, ...], text: str) -> list[KnownSecret]:
    taken: list[Span] = []
    found: list[KnownSecret] = []
    for key_format in formats:
        if not any(trigger in text for trigger in key_format.triggers):
            continue
        for match in key_format.pattern.finditer(text):
            span = key_format.locate(match, text)
            if span is None or any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            # Point at the credential itself, unless it starts below the match (a key block's body).
            anchor = span[0] if "\n" not in text[match.start():span[0]] else match.start()
            line_start, _ = _line_bounds(text, anchor)
            found.append(KnownSecret(key_format.kind, text.count("\n", 0, anchor) + 1,
                                     anchor - line_start + 1, span[0], span[1], key_format.confidence))
    return sorted(found, key=lambda s: s.start)


def key_shaped_spans(text: str) -> list[Span]:
    """Spans of every value shaped like a self-identifying key (the formats that need no context),
    fake-looking or not: what a report masks even when no rule would report it."""
    spans = []
    for key_format in KEY_FORMATS:
        if key_format.locate is not _random_key or not any(t in text for t in key_format.triggers):
            continue
        spans.extend(match.span("secret") for match in key_format.pattern.finditer(text))
    return spans


def lines_of(text: str, secrets: list[KnownSecret]) -> frozenset[int]:
    """The 1-based lines the credentials span (a key block covers several)."""
    lines: set[int] = set()
    for secret in secrets:
        first = text.count("\n", 0, secret.start) + 1
        last = first + text.count("\n", secret.start, secret.end)
        lines.update(range(min(first, secret.line), last + 1))
    return frozenset(lines)


# --- masking ----------------------------------------------------------------------------------

MASK = "****"
MAX_VISIBLE = 4


def mask(value: str) -> str:
    """The first characters (at most four, at most a quarter of the value), then `****`."""
    return value[:min(MAX_VISIBLE, len(value) // 4)] + MASK


def mask_spans(line: str, spans: list[Span]) -> str:
    """`line` with every span (in line coordinates, clipped to it) replaced by its mask."""
    result, cursor = [], 0
    for start, end in sorted((max(s, 0), min(e, len(line))) for s, e in spans):
        if end <= start or start < cursor:
            continue
        result.append(line[cursor:start])
        result.append(mask(line[start:end]))
        cursor = end
    result.append(line[cursor:])
    return "".join(result)


def masked_line(text: str, line_number: int, spans: list[Span]) -> str:
    """Line `line_number` (1-based) of `text`, with the given text-coordinate spans masked."""
    lines = text.split("\n")
    if not 0 < line_number <= len(lines):
        return ""
    line_start = sum(len(line) + 1 for line in lines[:line_number - 1])
    line = lines[line_number - 1]
    return mask_spans(line, [(s - line_start, e - line_start) for s, e in spans
                             if s < line_start + len(line) and e > line_start])
