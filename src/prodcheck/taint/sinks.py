"""The one sink-kind table: every language's taint rule for a sink kind shares its check number,
slug and CWE (so PY-SEC-001 and JS-SEC-001 are the same check: SQL injection)."""
from __future__ import annotations

from dataclasses import dataclass

from prodcheck.model import Stride


@dataclass(frozen=True, slots=True)
class SinkKind:
    kind: str
    number: str          # "SEC-001": the rule id is f"{LANG}-{number}"
    slug: str
    cwe: tuple[str, ...]
    title: str
    row: str             # checklist row
    stride: tuple[Stride, ...]


_T, _I, _E, _D = (Stride.TAMPERING, Stride.INFORMATION_DISCLOSURE, Stride.ELEVATION_OF_PRIVILEGE,
                  Stride.DENIAL_OF_SERVICE)

SINK_KINDS: dict[str, SinkKind] = {k.kind: k for k in (
    SinkKind("sql", "SEC-001", "sql-injection", ("CWE-89",), "SQL built from request data", "SEC-03", (_T, _I, _E)),
    SinkKind("command", "SEC-002", "command-injection", ("CWE-78",), "Shell command built from request data", "SEC-05", (_T, _E)),
    SinkKind("path", "SEC-003", "path-traversal", ("CWE-22",), "File path built from request data", "SEC-07", (_I, _T)),
    SinkKind("ssrf", "SEC-004", "server-side-request-forgery", ("CWE-918",), "Outbound request to a URL from request data", "SEC-06", (_I, _E)),
    SinkKind("redirect", "SEC-005", "open-redirect", ("CWE-601",), "Redirect to a URL from request data", "SEC-06", (Stride.SPOOFING,)),
    SinkKind("xss", "SEC-006", "cross-site-scripting", ("CWE-79",), "HTML built from request data without escaping", "SEC-09", (_T, _I)),
    SinkKind("template", "SEC-007", "template-injection", ("CWE-1336",), "Template source taken from request data", "SEC-09", (_T, _E)),
    SinkKind("deserialization", "SEC-008", "unsafe-deserialization", ("CWE-502",), "Unsafe deserialisation of request data", "SEC-08", (_T, _E)),
    SinkKind("code", "SEC-009", "code-injection", ("CWE-95",), "Request data evaluated as code", "SEC-08", (_T, _E)),
    SinkKind("nosql", "SEC-010", "nosql-injection", ("CWE-943",), "Database filter built from request data", "SEC-04", (_T, _I)),
    SinkKind("header", "SEC-011", "header-injection", ("CWE-113",), "Response header built from request data", "SEC-09", (_T,)),
    SinkKind("xxe", "SEC-012", "xml-external-entities", ("CWE-611",), "XML from the request parsed with external entities", "SEC-10", (_I, _D)),
    SinkKind("ldap", "SEC-013", "ldap-injection", ("CWE-90",), "LDAP filter built from request data", "SEC-03", (_T, _I)),
    SinkKind("xpath", "SEC-014", "xpath-injection", ("CWE-643",), "XPath query built from request data", "SEC-03", (_T, _I)),
    SinkKind("prototype", "SEC-015", "prototype-pollution", ("CWE-1321",), "Request data merged into object prototypes", "SEC-11", (_T, _E)),
    SinkKind("redos", "SEC-016", "regex-injection", ("CWE-1333",), "Regular expression built from request data", "SEC-11", (_D,)),
)}
