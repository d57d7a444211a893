"""
## What it does
Flags a `defer` statement directly inside the body of a `for` loop (not inside a `func` literal
called in the loop): `for _, p := range paths { f, _ := os.Open(p); defer f.Close() }`,
`defer rows.Close()`, `defer resp.Body.Close()`, `defer cancel()` or `defer tx.Rollback()` per
iteration.

`defer mu.Unlock()` / `RUnlock()` is not reported: locking a set of mutexes in a loop and
releasing them all when the function returns is a deliberate pattern. Neither is a deferred
`func` literal that releases nothing (no `Close`, `Release`, `Rollback`, `Stop`, `cancel`, ...
call): that is logic deliberately postponed to the end of the function.

## Why it matters
A deferred call runs when the surrounding function returns, not at the end of the iteration.
Every iteration keeps its file, result set, response body, connection or context timer until the
loop is over: a loop over a few thousand items exhausts file descriptors or the connection pool,
and a long-running loop (a worker, a batch import) never releases anything at all.

## Example
    package importer

    import (
    	"bufio"
    	"os"
    )

    func CountLines(paths []string) (int, error) {
    	total := 0
    	for _, p := range paths {
    		f, err := os.Open(p)
    		if err != nil {
    			return 0, err
    		}
    		defer f.Close()
    		s := bufio.NewScanner(f)
    		for s.Scan() {
    			total++
    		}
    	}
    	return total, nil
    }

## Use instead
    package importer

    import (
    	"bufio"
    	"os"
    )

    func CountLines(paths []string) (int, error) {
    	total := 0
    	for _, p := range paths {
    		n, err := countFile(p)
    		if err != nil {
    			return 0, err
    		}
    		total += n
    	}
    	return total, nil
    }

    func countFile(path string) (int, error) {
    	f, err := os.Open(path)
    	if err != nil {
    		return 0, err
    	}
    	defer f.Close()
    	n := 0
    	s := bufio.NewScanner(f)
    	for s.Scan() {
    		n++
    	}
    	return n, s.Err()
    }

A resource the loop keeps for after it (`files = append(files, f)`, `readers[name] = f`, then
`io.MultiReader(files...)`) must stay open until the function ends and is not reported either.
A `defer` followed in its block by an unconditional `return` (`default: defer res.Body.Close();
return nil, err`) runs once and is not reported either.

## Known limitations
A loop that always returns during its first iteration, in a later block, is reported although
its `defer` runs only once.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import FUNCTION_TYPES, call_parts, unparen, walk_local
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import generated_or_tool, view

LOCK_RELEASES = frozenset({"Unlock", "RUnlock"})
RELEASES = frozenset({"Close", "Release", "Rollback", "Stop", "Free", "Remove", "RemoveAll", "Finish", "End",
                      "Done", "Cancel", "Shutdown"})


def check(statement, ctx):
    file_view = view(ctx)
    if generated_or_tool(ctx):
        return
    call = next((unparen(c) for c in statement.named_children if c.type != "comment"), None)
    if call is None or call.type != "call_expression":
        return
    if file_view.call_parts(call)[1] in LOCK_RELEASES:
        return
    function = unparen(call.child_by_field_name("function"))
    if function is not None and function.type == "func_literal" and not _releases(function):
        return
    loop = _loop_of(statement)
    if loop is None or _returns_next(statement) or _collected(call, loop):
        return
    shown = " ".join(file_view.text(call).split())
    shown = shown if len(shown) <= 40 else "..."
    yield ctx.finding(RULE, statement, f"`defer {shown}` inside the loop on line {loop.start_point[0] + 1} runs "
                                       f"only when the function returns: each iteration's resource stays "
                                       f"open until then", related=(loop,))


def _returns_next(statement) -> bool:
    """`defer res.Body.Close(); return nil, err`: the function returns right after, in the same
    block, so the deferred call runs at the end of this iteration anyway."""
    parent = statement.parent
    if parent is None:
        return False
    later = [c for c in parent.named_children if c.start_byte > statement.end_byte and c.type != "comment"]
    return bool(later) and later[-1].type == "return_statement" and not any(
        c.type in ("for_statement", "if_statement", "expression_switch_statement", "select_statement")
        for c in later[:-1])


def _collected(call, loop) -> bool:
    """`defer f.Close()` where the loop keeps `f` for after the loop (`files = append(files, f)`,
    `readers[name] = f`): every resource must stay open until the function ends, on purpose."""
    operand = unparen(call_parts(call)[0])
    if operand is None or operand.type != "identifier":
        return False
    name = text_of(operand)
    for node in walk_local(loop.child_by_field_name("body")):
        if node.type != "identifier" or text_of(node) != name:
            continue
        parent = node.parent
        if parent is None:
            continue
        if parent.type == "argument_list" and parent.parent is not None \
                and call_parts(parent.parent)[1] == "append":
            return True
        if parent.type in ("literal_element", "keyed_element"):
            return True
        if parent.type == "expression_list" and parent.parent is not None \
                and parent.parent.type == "assignment_statement":
            left = parent.parent.child_by_field_name("left")
            if left is not None and any(c.type in ("index_expression", "selector_expression")
                                        for c in left.named_children):
                return True
    return False


def _releases(literal) -> bool:
    """A deferred `func` literal that releases something (`f.Close()`, `cancel()`), as opposed to
    logic deliberately postponed to the end of the function."""
    for node in walk_local(literal.child_by_field_name("body")):
        if node.type == "call_expression":
            name = call_parts(node)[1]
            if name in RELEASES or (call_parts(node)[0] is None and name.lower().startswith("cancel")):
                return True
    return False


def _loop_of(node):
    current = node.parent
    while current is not None and current.type not in FUNCTION_TYPES:
        if current.type == "for_statement":
            return current
        current = current.parent
    return None


RULE = NodeRule(
    id="GO-REL-015", slug="defer-in-loop", area=Area.REL,
    title="`defer` inside a loop",
    fix="Move the loop body into its own function (or a `func` literal called per iteration) so the "
        "deferred call runs at the end of each iteration, or close the resource explicitly.",
    rows=("DATA-07",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-772",),
    example_path="main.go", visits=("defer_statement",), check=check,
)
