"""Last line of defence: no report ever prints a secret value in full.

Every snippet of every finding (and of its related locations) and every suggested diff passes
through `redact`: known credential formats and literals assigned to secret-ish names are masked,
whatever rule flagged the line.
"""
from __future__ import annotations

import re
from dataclasses import replace

from prodcheck.model import Finding, Location
from prodcheck.rules.generic.secrets.heuristics import is_secret_name, looks_like_secret
from prodcheck.rules.generic.secrets.patterns import find_known_secrets, key_shaped_spans, mask

_ASSIGNMENT = re.compile(
    r"""(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)["']?\s*(?::=|=|:)\s*(?:b?["'`](?P<quoted>[^"'`\n]+)["'`]|(?P<bare>[^\s"'`,;]+))""")
# `auth=("admin", "s3cret")`, `HTTPBasicAuth("admin", "s3cret")`: the second literal is a password
_CREDENTIAL_PAIR = re.compile(
    r"""(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*\(|\()\s*[rbu]?["'][^"'\n]*["']\s*,\s*[rbu]?["'](?P<secret>[^"'\n]+)["']""")
PAIR_NAMES = ("auth", "credentials", "basicauth", "login")


def redact(text: str) -> str:
    if not text:
        return text
    spans = [(s.start, s.end) for s in find_known_secrets(text)]
    spans.extend(key_shaped_spans(text))
    for match in _CREDENTIAL_PAIR.finditer(text):
        name = match.group("name").lower().replace("_", "")
        if any(word in name for word in PAIR_NAMES) and looks_like_secret(match.group("secret")):
            spans.append(match.span("secret"))
    for match in _ASSIGNMENT.finditer(text):
        group = "quoted" if match.group("quoted") is not None else "bare"
        value = match.group(group)
        if is_secret_name(match.group("name").rsplit(".", 1)[-1]) and looks_like_secret(value):
            spans.append(match.span(group))
    if not spans:
        return text
    out, cursor = [], 0
    for start, end in sorted(set(spans)):
        if start < cursor:
            continue
        out.append(text[cursor:start])
        out.append(mask(text[start:end]))
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def _location(loc: Location) -> Location:
    cleaned = redact(loc.snippet)
    return loc if cleaned == loc.snippet else replace(loc, snippet=cleaned)


def redact_finding(finding: Finding) -> Finding:
    location = _location(finding.location)
    related = tuple(_location(r) for r in finding.related)
    fix = finding.fix
    if fix is not None and fix.diff:           # a suggested diff quotes the flagged lines too
        cleaned = redact(fix.diff)
        fix = fix if cleaned == fix.diff else replace(fix, diff=cleaned)
    unchanged = location is finding.location and fix is finding.fix
    if unchanged and all(a is b for a, b in zip(related, finding.related)):
        return finding
    return replace(finding, location=location, related=related, fix=fix)
