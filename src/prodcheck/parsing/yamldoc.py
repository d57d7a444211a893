"""YAML documents with line numbers, loaded safely (no tags that build objects).

Mappings become `YMap` (a dict that knows its line and each key's line), sequences `YList`.
"""
from __future__ import annotations

import yaml

from prodcheck.model import Diagnostic

try:
    _Loader = yaml.CSafeLoader
except AttributeError:      # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_NODES = 200_000


class YMap(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list):
    line: int = 0
    item_lines: list


class _Budget(Exception):
    pass


def parse_yaml(parsed) -> list | None:
    """All documents of the file, or None when it is a template or invalid (with a diagnostic)."""
    text = parsed.text
    if "{{" in text or "{%" in text:
        return None          # Helm / Jinja templates are not YAML until rendered
    try:
        loader = _Loader(text)
        try:
            documents = []
            budget = [MAX_NODES]
            while loader.check_node():
                node = loader.get_node()
                documents.append(_convert(node, loader, budget) if node is not None else None)
            return documents
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        parsed.diagnostics.append(Diagnostic(parsed.path, "syntax-error",
                                             f"invalid YAML: {getattr(exc, 'problem', exc)}",
                                             (mark.line + 1) if mark else 0))
    except (_Budget, RecursionError):
        parsed.diagnostics.append(Diagnostic(parsed.path, "too-complex",
                                             "YAML document too large or too deeply nested (aliases?)"))
    return None


def _convert(node, loader, budget):
    budget[0] -= 1
    if budget[0] < 0:
        raise _Budget
    if isinstance(node, yaml.MappingNode):
        result = YMap()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, budget)
            try:
                hash(key)
            except TypeError:
                key = str(key)
            result[key] = _convert(value_node, loader, budget)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        result = YList(_convert(item, loader, budget) for item in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [item.start_mark.line + 1 for item in node.value]
        return result
    try:
        return loader.construct_object(node, deep=True)
    except Exception:  # a value its tag cannot build (`2020-13-45`, `!!int "abc"`) keeps its text
        return node.value
