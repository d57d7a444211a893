"""Run the fact extractors that apply to a parsed file (per-file phase)."""
from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from prodcheck.facts.builder import FactsBuilder
from prodcheck.facts.model import FileFacts
from prodcheck.model import Diagnostic


@dataclass(frozen=True, slots=True)
class Extractor:
    name: str
    extract: Callable[..., None]          # extract(parsed, builder) -> None
    languages: tuple[str, ...] = ()       # empty: every language
    kinds: tuple[str, ...] = ()           # empty: every kind
    needs_tree: bool = True

    def applies_to(self, parsed) -> bool:
        return ((not self.languages or parsed.language in self.languages)
                and (not self.kinds or parsed.kind in self.kinds)
                and (parsed.tree is not None or not self.needs_tree))


@functools.cache
def load_extractors() -> tuple[Extractor, ...]:
    import prodcheck.facts.extractors as package
    found = []
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        declared = getattr(module, "EXTRACTOR", None)
        if isinstance(declared, Extractor):
            found.append(declared)
        found.extend(e for e in getattr(module, "EXTRACTORS", ()) if isinstance(e, Extractor))
    return tuple(sorted(found, key=lambda e: e.name))


def extract_facts(parsed, builder: FactsBuilder) -> list[Diagnostic]:
    """Fill `builder` from `parsed`; an extractor that fails becomes a diagnostic, not a crash."""
    diagnostics = []
    for extractor in load_extractors():
        if not extractor.applies_to(parsed):
            continue
        try:
            extractor.extract(parsed, builder)
        except RecursionError:
            diagnostics.append(Diagnostic(parsed.path, "too-deep",
                                          f"extractor {extractor.name}: nesting too deep"))
        except Exception as exc:  # one broken extractor must not lose the file's other facts
            diagnostics.append(Diagnostic(parsed.path, "extractor-error",
                                          f"extractor {extractor.name} failed: {type(exc).__name__}: {exc}"))
    return diagnostics


__all__ = ["Extractor", "FactsBuilder", "FileFacts", "extract_facts", "load_extractors"]
