"""Find every rule: walk the `prodcheck.rules` package and read each module's `RULE`.

Importing a rule module changes no state; the catalog is built by reading attributes, sorted by id
and validated (unique ids, one slug per check number across languages).
"""
from __future__ import annotations

import functools
import importlib
import pkgutil
from dataclasses import dataclass

from prodcheck.config import Config, ConfigError
from prodcheck.rules.base import RULE_ID, SLUG, Rule


class CatalogError(Exception):
    """The rule catalog itself is inconsistent: a bug in prodcheck, not in the scanned code."""


@dataclass(frozen=True)
class Catalog:
    rules: tuple[Rule, ...]
    index: dict[str, Rule]

    @classmethod
    def of(cls, rules: list[Rule]) -> Catalog:
        ordered = tuple(sorted(rules, key=lambda r: r.id))
        return cls(ordered, {rule.id: rule for rule in ordered})

    def get(self, rule_id: str) -> Rule | None:
        return self.index.get(rule_id.upper())

    def lookup(self, selector: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.matches(selector))

    def select(self, config: Config) -> tuple[Rule, ...]:
        """The rules a scan runs under `config`; unknown selectors are configuration errors."""
        for selector in (*config.enable, *config.disable, *config.only,
                         *(sel for sel, _ in config.severity)):
            if not self.lookup(selector):
                raise ConfigError(f"unknown rule, slug or area '{selector}'")
        if config.only:
            wanted = {rule.id for sel in config.only for rule in self.lookup(sel)}
            return tuple(rule for rule in self.rules if rule.id in wanted)
        chosen = [rule for rule in self.rules
                  if not config.enable or any(rule.matches(sel) for sel in config.enable)]
        return tuple(rule for rule in chosen if not any(rule.matches(sel) for sel in config.disable))


@functools.cache
def load_catalog() -> Catalog:
    import prodcheck.rules as package
    rules: list[Rule] = []
    for module_info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if module_info.ispkg:
            continue
        module = importlib.import_module(module_info.name)
        declared = getattr(module, "RULE", None)
        if isinstance(declared, Rule):
            rules.append(declared)
        rules.extend(r for r in getattr(module, "RULES", ()) if isinstance(r, Rule))
    rules.sort(key=lambda r: r.id)
    validate(rules)
    return Catalog.of(rules)


def validate(rules: list[Rule]) -> None:
    seen: dict[str, Rule] = {}
    slug_of_number: dict[str, str] = {}
    for rule in rules:
        if not RULE_ID.match(rule.id):
            raise CatalogError(f"{rule.id}: id does not follow <LANG>-<AREA>-<NNN>")
        if rule.id in seen:
            raise CatalogError(f"{rule.id}: declared twice")
        if not SLUG.match(rule.slug):
            raise CatalogError(f"{rule.id}: slug {rule.slug!r} is not kebab-case")
        if rule.id.split("-")[1] != rule.area.value:
            raise CatalogError(f"{rule.id}: id area does not match area {rule.area.value}")
        known = slug_of_number.setdefault(rule.number, rule.slug)
        if known != rule.slug:
            raise CatalogError(f"{rule.id}: {rule.number} is already the check {known!r}; "
                               "the same number must name the same check in every language")
        seen[rule.id] = rule
    numbers_of_slug: dict[str, str] = {}
    for rule in rules:
        if numbers_of_slug.setdefault(rule.slug, rule.number) != rule.number:
            raise CatalogError(f"{rule.id}: slug {rule.slug!r} already has number "
                               f"{numbers_of_slug[rule.slug]}")
