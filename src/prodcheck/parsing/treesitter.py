"""JavaScript, TypeScript (and TSX) and Go through tree-sitter.

One immutable `Language` object per grammar is loaded once per process (the grammars are compiled
wheels, nothing is downloaded); a `Parser` is cheap and made per file. The result is a
`tree_sitter.Tree`: extractors and rules walk `tree.root_node`.

tree-sitter recovers from syntax errors, so a broken file still yields a tree: the first ERROR or
MISSING node becomes a `syntax-error` diagnostic and the tree is kept. A file that takes longer than
`PARSE_BUDGET_SECONDS` (pathological nesting, generated code) is abandoned through the parser's
progress callback and becomes a `parse-timeout` diagnostic.
"""
from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prodcheck.model import Diagnostic

PARSE_BUDGET_SECONDS = 5.0
READ_CHUNK = 1024                 # bytes handed to tree-sitter per read callback (also per `node.text`)

GRAMMARS = ("javascript", "typescript", "tsx", "go")
_DISPLAY = {"javascript": "JavaScript", "typescript": "TypeScript", "tsx": "TSX", "go": "Go"}


class ParseTimeout(Exception):
    """The parser ran out of its time budget."""


@functools.cache
def language(grammar: str):
    """The tree-sitter `Language` of a grammar name; immutable, loaded once per process."""
    from tree_sitter import Language
    if grammar == "javascript":
        import tree_sitter_javascript as module
        return Language(module.language())
    if grammar == "typescript":
        import tree_sitter_typescript as module
        return Language(module.language_typescript())
    if grammar == "tsx":
        import tree_sitter_typescript as module
        return Language(module.language_tsx())
    if grammar == "go":
        import tree_sitter_go as module
        return Language(module.language())
    raise ValueError(f"no tree-sitter grammar for {grammar!r}")


def grammar_for(path: str, language_name: str) -> str | None:
    """Which grammar reads a file: TSX by extension, JSX is part of the JavaScript grammar."""
    if language_name == "typescript":
        return "tsx" if path.lower().endswith(".tsx") else "typescript"
    if language_name in ("javascript", "go"):
        return language_name
    return None


def parse_source(text: str | bytes, grammar: str, budget: float | None = None):
    """Parse `text` with `grammar`; raises `ParseTimeout` when the budget (seconds, default
    `PARSE_BUDGET_SECONDS`) runs out."""
    from tree_sitter import Parser
    data = text.encode("utf-8", errors="surrogatepass") if isinstance(text, str) else text
    parser = Parser(language(grammar))
    deadline = time.monotonic() + (PARSE_BUDGET_SECONDS if budget is None else budget)
    try:
        tree = parser.parse(_reader(data), progress_callback=_out_of_time(deadline))
    except ValueError as exc:            # the binding reports a cancelled parse this way
        raise ParseTimeout(str(exc)) from exc
    if tree is None:
        raise ParseTimeout("the parser returned no tree")
    return tree


def _over_bytes(tree, data: bytes, grammar: str):
    """The same tree, re-rooted on `data` itself instead of the read callback.

    A tree parsed from a callback answers every `node.text` by calling back into Python chunk by
    chunk (about 2 µs a node); a tree parsed from bytes slices them (about 0.4 µs), and extractors
    ask for the text of hundreds of thousands of nodes. Parsing bytes ignores the progress callback,
    so the budgeted parse comes first and this second parse only reuses its tree (no edits: about 1%
    of a full parse). Only clean trees are re-rooted: error recovery may differ on reuse."""
    from tree_sitter import Parser
    if tree.root_node.has_error:
        return tree
    try:
        reparsed = Parser(language(grammar)).parse(data, old_tree=tree)
    except (MemoryError, RecursionError, ValueError):
        return tree
    return reparsed if reparsed is not None else tree


def _reader(data: bytes) -> Callable:
    """Bounded slices: the tree keeps the callback to answer `node.text`, so each call stays cheap."""
    def read(offset: int, _point) -> bytes:
        return data[offset:offset + READ_CHUNK]
    return read


def _out_of_time(deadline: float) -> Callable[[int, bool], bool]:
    def progress(_offset: int, _has_error: bool) -> bool:
        return time.monotonic() > deadline
    return progress


def parse_treesitter(parsed):
    """Per-file entry point used by `prodcheck.parsing`: the tree, or None with a diagnostic."""
    grammar = grammar_for(parsed.path, parsed.language)
    if grammar is None:
        return None
    data = parsed.text.encode("utf-8", errors="surrogatepass")
    try:
        tree = parse_source(data, grammar)
    except ParseTimeout:
        parsed.diagnostics.append(Diagnostic(
            parsed.path, "parse-timeout",
            f"{_DISPLAY[grammar]} parse abandoned after {PARSE_BUDGET_SECONDS:g}s; file not analysed"))
        return None
    except (MemoryError, RecursionError):
        parsed.diagnostics.append(Diagnostic(parsed.path, "too-deep",
                                             f"{_DISPLAY[grammar]} file too deeply nested to parse"))
        return None
    root = tree.root_node
    if root.has_error:
        line = first_error_line(root)
        parsed.diagnostics.append(Diagnostic(
            parsed.path, "syntax-error",
            f"{_DISPLAY[grammar]} syntax error near line {line} (recovered; facts may be incomplete)", line))
    return _over_bytes(tree, data, grammar)


def first_error_line(root) -> int:
    """1-based line of the first ERROR or MISSING node, in source order (0 when none)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            return node.start_point[0] + 1
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return 0


def walk(root) -> Iterator:
    """Every node under `root` (included), depth first in source order; iterative."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if node.child_count:
            stack.extend(reversed(node.children))


@dataclass(frozen=True, slots=True)
class Preorder:
    """Every node of a tree in the order of `walk` (depth first, source order), with its type and
    its depth (the root is 0): listed once per file, so the walks over whole files (fact indexes,
    the node-rule dispatch) read lists instead of asking the binding for children and types again."""
    nodes: list
    types: list[str]
    depths: list[int]


def preorder(parsed) -> Preorder:
    """The `Preorder` of a parsed file's tree, memoised in `parsed.memo`."""
    found = parsed.memo.get("ts.preorder")
    if found is None:
        found = parsed.memo["ts.preorder"] = preorder_of(parsed.tree.root_node)
    return found


def preorder_of(root) -> Preorder:
    nodes: list = []
    types: list[str] = []
    depths: list[int] = []
    cursor = root.walk()          # a cursor moves without building each node's list of children
    first_child, next_sibling, up = cursor.goto_first_child, cursor.goto_next_sibling, cursor.goto_parent
    depth = 0
    while True:
        node = cursor.node
        nodes.append(node)
        types.append(node.type)
        depths.append(depth)
        if first_child():
            depth += 1
            continue
        while not next_sibling():
            if depth == 0 or not up():
                return Preorder(nodes, types, depths)
            depth -= 1


def descendants(node, *types: str) -> Iterator:
    """The named nodes of these types under `node` (itself included), in source order, without
    looking inside a node once it matched: the `import_spec`s of an import block."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in types:
            yield current
            continue
        stack.extend(reversed(current.named_children))


def text_of(node) -> str:
    """The source text of a node (empty for None)."""
    if node is None:
        return ""
    raw = node.text
    return raw.decode("utf-8", errors="replace") if raw is not None else ""


def string_value(node) -> str | None:
    """The value of a plain string literal node (JS `string`, Go interpreted/raw string), else None.
    Template strings with substitutions and concatenations are not plain literals."""
    if node is None:
        return None
    kind = node.type
    if kind == "string":
        return "".join(text_of(c) if c.type == "string_fragment" else _escape(c)
                       for c in node.named_children)
    if kind == "template_string":
        if any(c.type == "template_substitution" for c in node.named_children):
            return None
        return text_of(node)[1:-1]
    if kind in ("interpreted_string_literal", "raw_string_literal"):
        return text_of(node)[1:-1]
    return None


def _escape(node) -> str:
    raw = text_of(node)
    return raw[1:] if node.type == "escape_sequence" and len(raw) == 2 else raw


__all__ = ["GRAMMARS", "PARSE_BUDGET_SECONDS", "ParseTimeout", "Preorder", "first_error_line", "grammar_for",
           "language", "parse_source", "parse_treesitter", "preorder", "preorder_of", "string_value", "text_of",
           "walk"]
