r"""
## What it does
Flags `regexp.MustCompile`, `regexp.Compile` (and the POSIX variants) with a constant pattern
inside a function body, where the compiled expression is only used locally: stored in a local
variable or used on the spot (`regexp.MustCompile(p).MatchString(s)`). Compiling in `init`,
`main`, in a `sync.Once`, into a package-level variable or a struct field (a constructor), or
returning it from a function is not reported; neither are patterns built at run time nor test
files.

## Why it matters
Compiling a regular expression parses the pattern and builds its automaton, typically tens of
microseconds and several allocations, far more than matching a short string. Done inside a
request handler, a validator or a loop, it repeats on every call for a result that never changes,
and the garbage it leaves adds GC pressure under load. A `*regexp.Regexp` is safe for concurrent
use, so one package-level value serves every goroutine.

## Example
    package validate

    import "regexp"

    func Email(s string) bool {
    	re := regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[a-z]{2,}$`)
    	return re.MatchString(s)
    }

## Use instead
    package validate

    import "regexp"

    var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[a-z]{2,}$`)

    func Email(s string) bool {
    	return emailPattern.MatchString(s)
    }

## Known limitations
Whether the enclosing function is called often is not known: a helper run once at startup that
compiles into a local variable is reported too (at MEDIUM confidence outside handlers and loops).
Patterns from constants of another file are treated as run-time values and not reported.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import call_parts, function_name, local_declaration, string_of
from prodcheck.model import Area, Confidence, Severity
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import call_target, generated_or_tool, view
from prodcheck.rules.go.security_helpers import enclosing_handler, loop_ancestor, test_support

COMPILERS = frozenset({"MustCompile", "Compile", "MustCompilePOSIX", "CompilePOSIX"})
SETUP_FUNCTIONS = frozenset({"init", "main"})
ONCE_CALLS = frozenset({"Do", "OnceFunc", "OnceValue", "OnceValues"})


def check(call, ctx):
    file_view = view(ctx)
    path, name = call_target(call, ctx)
    if path != "regexp" or name not in COMPILERS or generated_or_tool(ctx) or test_support(ctx):
        return
    args = file_view.arguments(call)
    if len(args) != 1 or string_of(args[0], file_view.consts, call, file_view) is None:
        return
    func = file_view.enclosing_function(call)
    if func is None or function_name(file_view.outermost_function(call)) in SETUP_FUNCTIONS or _in_once(call):
        return
    if not _used_locally(call):
        return
    handler, _ = enclosing_handler(call, ctx)
    loop = loop_ancestor(call, func)
    if loop is not None:
        where, confidence = "inside a loop", Confidence.HIGH
    elif handler is not None:
        where, confidence = "in a request handler, on every request", Confidence.HIGH
    else:
        fname = function_name(func) or "a function literal"
        where, confidence = f"in `{fname}`, on every call", Confidence.MEDIUM
    yield ctx.finding(RULE, call, f"constant pattern compiled {where} (`regexp.{name}`): compile it once "
                                  f"into a package-level variable", confidence=confidence)


def _in_once(call) -> bool:
    """Inside a func literal passed to `once.Do(...)` / `sync.OnceValue(...)`."""
    current = call.parent
    while current is not None:
        if current.type == "func_literal":
            holder = current.parent
            if holder is not None and holder.type == "argument_list" and holder.parent is not None:
                _, name = call_parts(holder.parent)
                if name in ONCE_CALLS:
                    return True
        if current.type in ("function_declaration", "method_declaration"):
            return False
        current = current.parent
    return False


def _used_locally(call) -> bool:
    parent = call.parent
    if parent is None:
        return False
    if parent.type == "selector_expression":                  # regexp.MustCompile(p).MatchString(s)
        return True
    if parent.type == "expression_list":
        holder = parent.parent
        if holder is not None and holder.type == "short_var_declaration":
            return True
        if holder is not None and holder.type == "var_spec":
            return True
        if holder is not None and holder.type == "assignment_statement":
            left = holder.child_by_field_name("left")
            targets = list(left.named_children) if left is not None else []
            return bool(targets) and all(t.type == "identifier" and _is_local(t) for t in targets
                                         if text_of(t) != "_")
    return False


def _is_local(target) -> bool:
    return local_declaration(text_of(target), target) is not None


RULE = NodeRule(
    id="GO-PERF-005", slug="regex-compiled-per-call", area=Area.PERF,
    title="Regular expression compiled on every call",
    fix="Move the pattern to a package-level `var name = regexp.MustCompile(...)` and reuse it; "
        "`*regexp.Regexp` is safe for concurrent use.",
    rows=("PERF-05",), doc=__doc__, confidence=Confidence.HIGH,
    severity=Severity.LOW,
    severity_note="wasted CPU and allocations per call, rarely the bottleneck on its own",
    example_path="validate.go", visits=("call_expression",), check=check,
)
