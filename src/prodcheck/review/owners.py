"""CODEOWNERS: who owns a path. GitHub's rules: the first file found among `.github/CODEOWNERS`,
`CODEOWNERS` and `docs/CODEOWNERS` applies; patterns follow gitignore syntax (no `!` negation), paths
are relative to the repository root, `dir/*` owns only the directory's direct children, and the last
matching pattern wins (a pattern with no owners leaves the path unowned)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import pathspec

CODEOWNERS_PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
UNASSIGNED = "unassigned"


@dataclass(frozen=True, slots=True)
class OwnerRule:
    pattern: str
    owners: tuple[str, ...]
    spec: pathspec.GitIgnoreSpec

    def matches(self, path: str) -> bool:
        if not self.spec.match_file(path):
            return False
        if self.pattern.endswith("/*") and not self.pattern.endswith("**/*"):
            # `docs/*` owns docs/a.md but not docs/sub/b.md (gitignore would match both)
            return not any(self.spec.match_file(str(parent)) for parent in PurePosixPath(path).parents
                           if str(parent) != ".")
        return True


def parse_codeowners(text: str) -> tuple[OwnerRule, ...]:
    rules = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith("!"):
            continue
        words = line.replace("\\#", "\0").split("#", 1)[0].split()
        if not words:
            continue
        pattern = words[0].replace("\0", "#")
        owners = tuple(w.replace("\0", "#") for w in words[1:])
        try:
            spec = pathspec.GitIgnoreSpec.from_lines([pattern])
        except (ValueError, TypeError):
            continue
        rules.append(OwnerRule(pattern, owners, spec))
    return tuple(rules)


def owner_of(path: str, rules: tuple[OwnerRule, ...]) -> str:
    """The owners of `path` (relative to the repository root) from the last matching rule."""
    for rule in reversed(rules):
        if rule.matches(path):
            return " ".join(rule.owners) if rule.owners else UNASSIGNED
    return UNASSIGNED
