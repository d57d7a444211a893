"""The four shapes of rule. A rule is data: a frozen declaration plus a pure `check` function.

- `NodeRule`: visits syntax nodes of one language; every file is walked once for all of them.
- `FileRule`: reads a whole parsed file (Dockerfile, YAML, .env, any text).
- `ProjectRule`: a predicate over the joined facts of the project (services, inventory, stack).
- `TaintRule`: receives the flows the taint engine found into its sink kinds.

Rules emit findings through their context (`ctx.finding`), which builds locations, snippets and
fingerprints; a rule never builds them itself and only ever emits its default severity.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from prodcheck.checklist import ROWS_BY_ID
from prodcheck.model import Area, Confidence, Finding, Severity, Stride

LANGUAGES_BY_PREFIX = {
    "PY": ("python",),
    "JS": ("javascript", "typescript"),
    "GO": ("go",),
    "MIG": ("sql", "python", "javascript", "typescript", "go"),
    "GEN": (),          # language-independent
}
RULE_ID = re.compile(r"^(PY|JS|GO|MIG|GEN)-(ARCH|QUAL|API|REL|SEC|DATA|PERF|OBS|OPS|TEST)-(\d{3})$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    id: str
    slug: str
    area: Area
    title: str
    fix: str
    rows: tuple[str, ...]                 # checklist rows implemented (checklist.md, part A)
    doc: str                              # the module docstring: What / Why / Example / Use instead
    confidence: Confidence = Confidence.HIGH
    severity: Severity | None = None      # None: the checklist table's severity for rows[0]
    severity_note: str = ""               # required when `severity` deviates from the table
    cwe: tuple[str, ...] = ()
    owasp: tuple[str, ...] = ()
    stride: tuple[Stride, ...] = ()
    example_path: str = ""                # file name the docs example is scanned as
    coverage: str = "done"                # done | partial, per checklist row, for docs/coverage.md
    coverage_note: str = ""

    @property
    def prefix(self) -> str:
        return self.id.split("-", 1)[0]

    @property
    def number(self) -> str:
        return self.id.split("-", 1)[1]

    @property
    def languages(self) -> tuple[str, ...]:
        return LANGUAGES_BY_PREFIX[self.prefix]

    @property
    def default_severity(self) -> Severity:
        if self.severity is not None:
            return self.severity
        return ROWS_BY_ID[self.rows[0]].severity

    @property
    def kind(self) -> str:
        return type(self).__name__

    def matches(self, selector: str) -> bool:
        """Does a config or suppression selector (id, slug, area, language prefix) name this rule?"""
        s = selector.strip()
        return s.upper() in (self.id, self.area.value, self.prefix) or s.lower() == self.slug

    def doc_section(self, heading: str) -> str:
        return doc_section(self.doc, heading)


def doc_section(doc: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", doc or "", re.M | re.S)
    return _dedent(match.group(1)) if match else ""


def _dedent(block: str) -> str:
    import textwrap
    return textwrap.dedent(block.strip("\n")).rstrip()


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeRule(Rule):
    visits: tuple                         # ast node classes (Python) or tree-sitter node type names
    check: Callable[..., Iterable[Finding]]
    in_tests: bool = False                # also walk test files (for rules about tests)


@dataclass(frozen=True, slots=True, kw_only=True)
class FileRule(Rule):
    file_languages: tuple[str, ...] = ()  # empty: every text file
    file_kinds: tuple[str, ...] = ()      # empty: every kind
    check: Callable[..., Iterable[Finding]]

    def applies_to(self, language: str, kind: str) -> bool:
        return ((not self.file_languages or language in self.file_languages)
                and (not self.file_kinds or kind in self.file_kinds))


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectRule(Rule):
    check: Callable[..., Iterable[Finding]]
    needs_languages: tuple[str, ...] = ()  # the rule applies when the project has files of these


@dataclass(frozen=True, slots=True, kw_only=True)
class TaintRule(Rule):
    sink_kinds: tuple[str, ...]
