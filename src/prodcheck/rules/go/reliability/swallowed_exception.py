"""
## What it does
Flags errors that are thrown away where they matter:
- an empty `if err != nil { }` block (no statement and no comment explaining it);
- `_ = f(...)` where `f` returns only an error: well-known calls (`json.Unmarshal`,
  `tx.Commit()`, `rows.Scan(...)`, gin `c.ShouldBindJSON(&v)`, `bcrypt.CompareHashAndPassword`,
  `os.Remove`, ...) or a function of the same file declared to return just `error`;
- a value kept and its error dropped with `_`: `n, _ := strconv.Atoi(s)`, `rows, _ :=
  db.Query(...)`, `body, _ := io.ReadAll(r.Body)`, `t, _ := time.Parse(...)`, or a function of the
  same file whose last result is an `error`;
- a statement that calls one of the well-known error-only functions above and ignores the result
  (`json.Unmarshal(data, &v)` on its own line, `db.QueryRow(...).Scan(&id)`).

`defer x.Close()`, `_ = x.Close()`, rollbacks, `os.Remove` cleanups and writes to an
`http.ResponseWriter` are left alone: their errors are conventionally not actionable. Code
generators (`//go:build ignore`) and generated files are not checked.

## Why it matters
An ignored error turns a failure into wrong data: `strconv.Atoi` returns 0 for "abc", a failed
`Scan` leaves zero values that are then saved, an ignored `Commit` error loses the write while
the caller reports success, and an ignored `CompareHashAndPassword` error lets every password in.
Nothing is logged, so the bug surfaces far away from its cause.

## Example
    package orders

    import (
    	"net/http"
    	"strconv"
    )

    func pageSize(r *http.Request) int {
    	size, _ := strconv.Atoi(r.URL.Query().Get("size"))
    	return size
    }

## Use instead
    package orders

    import (
    	"net/http"
    	"strconv"
    )

    func pageSize(r *http.Request) int {
    	size, err := strconv.Atoi(r.URL.Query().Get("size"))
    	if err != nil || size <= 0 || size > 100 {
    		return 50
    	}
    	return size
    }

## Known limitations
Only the listed library calls and functions declared in the same file are known to return
errors: an ignored error from any other call is not reported (use errcheck for exhaustive
coverage). An `if err != nil` block that only logs at debug level is not reported.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import (
    has_comment, result_types, selector_names, statements_of, unparen, words,
)
from prodcheck.model import Area, Confidence
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import generated_or_tool, package_of, view

ERROR_ONLY = {
    "encoding/json": frozenset({"Unmarshal"}), "encoding/xml": frozenset({"Unmarshal"}),
    "gopkg.in/yaml.v2": frozenset({"Unmarshal"}), "gopkg.in/yaml.v3": frozenset({"Unmarshal"}),
    "sigs.k8s.io/yaml": frozenset({"Unmarshal"}), "google.golang.org/protobuf/proto": frozenset({"Unmarshal"}),
    "os": frozenset({"MkdirAll", "WriteFile", "Rename"}),
    "io/ioutil": frozenset({"WriteFile"}),
    "golang.org/x/crypto/bcrypt": frozenset({"CompareHashAndPassword"}),
}
ERROR_ONLY_METHODS = frozenset({"Commit", "Scan", "ShouldBindJSON", "ShouldBind", "ShouldBindWith",
                                "ShouldBindQuery", "ShouldBindUri", "BindJSON", "BodyParser", "Ping",
                                "PingContext", "StructScan", "MapScan"})
VALUE_AND_ERROR = {
    "strconv": frozenset({"Atoi", "ParseInt", "ParseUint", "ParseFloat", "ParseBool", "Unquote"}),
    "time": frozenset({"Parse", "ParseDuration", "ParseInLocation", "LoadLocation"}),
    "net/url": frozenset({"Parse", "ParseQuery", "ParseRequestURI", "QueryUnescape", "PathUnescape"}),
    "io": frozenset({"ReadAll"}), "io/ioutil": frozenset({"ReadAll", "ReadFile"}),
    "os": frozenset({"ReadFile", "Open", "OpenFile", "Create"}),
    "github.com/google/uuid": frozenset({"Parse"}), "github.com/gofrs/uuid": frozenset({"FromString"}),
    "golang.org/x/crypto/bcrypt": frozenset({"GenerateFromPassword"}),
}
VALUE_AND_ERROR_METHODS = frozenset({"Query", "QueryContext", "Exec", "ExecContext", "Prepare", "PrepareContext",
                                     "Begin", "BeginTx", "Queryx", "QueryxContext", "DecodeString"})


def check(node, ctx):
    if generated_or_tool(ctx):
        return
    kind = node.type
    if kind == "if_statement":
        yield from _empty_if(node, ctx)
    elif kind in ("assignment_statement", "short_var_declaration"):
        yield from _blank(node, ctx)
    elif kind == "var_spec":
        yield from _blank(node, ctx)
    elif kind == "expression_statement":
        call = unparen(node.named_children[0]) if node.named_children else None
        if call is not None and call.type == "call_expression":
            label = _error_only(call, ctx, local=False)
            if label:
                yield ctx.finding(RULE, call, f"the error returned by `{label}` is ignored")


def _empty_if(node, ctx):
    file_view = view(ctx)
    condition = unparen(node.child_by_field_name("condition"))
    if condition is None or condition.type != "binary_expression":
        return
    if file_view.text(condition.child_by_field_name("operator")) != "!=":
        return
    left = file_view.text(condition.child_by_field_name("left"))
    right = file_view.text(condition.child_by_field_name("right"))
    if right != "nil" or not (left == "err" or left.lower().endswith("err")):
        return
    body = node.child_by_field_name("consequence")
    if body is None or statements_of(body) or has_comment(body):
        return
    yield ctx.finding(RULE, node, f"`if {left} != nil {{}}` is empty: the error is swallowed")


def _blank(node, ctx):
    file_view = view(ctx)
    if node.type == "var_spec":
        names = list(node.children_by_field_name("name"))
        value = node.child_by_field_name("value")
    else:
        left = node.child_by_field_name("left")
        names = list(left.named_children) if left is not None else []
        value = node.child_by_field_name("right")
    values = [v for v in value.named_children if v.type != "comment"] if value is not None else []
    if len(values) != 1 or not names or file_view.text(names[-1]) != "_":
        return
    call = unparen(values[0])
    if call is None or call.type != "call_expression":
        return
    if len(names) == 1:
        label = _error_only(call, ctx)
        if label:
            yield ctx.finding(RULE, node, f"`_ = {label}(...)` discards its error")
        return
    if all(file_view.text(n) == "_" for n in names):
        return
    label = _value_and_error(call, ctx, len(names))
    if label:
        kept = ", ".join(file_view.text(n) for n in names)
        operator = "=" if node.type == "assignment_statement" else ":="
        yield ctx.finding(RULE, node, f"`{kept} {operator} {label}(...)` drops the error: the value may be a "
                                      f"zero value")


def _error_only(call, ctx, local: bool = True) -> str:
    """The label of a call known to return only an error (same-file functions only when `local`:
    an explicit `_ =`)."""
    file_view = view(ctx)
    operand, name = file_view.call_parts(call)
    operand = unparen(operand)
    if operand is None:
        func = file_view.functions.get(name) if local else None
        if func is not None and [file_view.text(t) for t in result_types(func)] == ["error"]:
            return name
        return ""
    package = package_of(operand, ctx)
    if package:
        return f"{file_view.text(operand)}.{name}" if name in ERROR_ONLY.get(package, ()) else ""
    if name in ERROR_ONLY_METHODS:
        if name in ("Ping", "PingContext") and not _dbish(operand):
            return ""
        if name in ("Scan", "StructScan", "MapScan") and not file_view.arguments(call):
            return ""
        return f"{_short(operand)}.{name}"
    if name == "Decode" and operand.type == "call_expression" and file_view.call_parts(operand)[1] == "NewDecoder":
        return "Decoder.Decode"
    return ""


def _value_and_error(call, ctx, count: int) -> str:
    file_view = view(ctx)
    operand, name = file_view.call_parts(call)
    operand = unparen(operand)
    if operand is None:
        func = file_view.functions.get(name)
        results = [file_view.text(t) for t in result_types(func)] if func is not None else []
        if len(results) == count and results[-1] == "error":
            return name
        return ""
    package = package_of(operand, ctx)
    if package:
        return f"{file_view.text(operand)}.{name}" if name in VALUE_AND_ERROR.get(package, ()) else ""
    if name in VALUE_AND_ERROR_METHODS and count == 2:
        if name in ("Query", "QueryContext", "Exec", "ExecContext", "Prepare", "PrepareContext", "Begin",
                    "BeginTx", "Queryx", "QueryxContext") and not _dbish(operand):
            return ""
        return f"{_short(operand)}.{name}"
    return ""


DB_WORDS = frozenset({"db", "tx", "conn", "pool", "sql", "database", "stmt", "client", "pg", "mysql",
                      "sqlx", "store", "repo", "dbx", "txn", "dbconn", "res", "result"})


def _dbish(operand) -> bool:
    names = selector_names(operand)
    return any(set(words(n)) & DB_WORDS for n in names)


def _short(operand) -> str:
    text = text_of(operand)
    return text if len(text) <= 40 else text[:37] + "..."


RULE = NodeRule(
    id="GO-REL-003", slug="swallowed-exception", area=Area.REL,
    title="Error ignored",
    fix="Handle the error: return it wrapped with context (`fmt.Errorf(\"...: %w\", err)`), answer the "
        "request with an error status, or log it with the failing input; never continue with the zero value.",
    rows=("REL-15",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-390",),
    example_path="main.go",
    visits=("if_statement", "assignment_statement", "short_var_declaration", "var_spec", "expression_statement"),
    check=check, coverage="partial",
    coverage_note="well-known error-returning calls and same-file functions; not an exhaustive errcheck",
)
