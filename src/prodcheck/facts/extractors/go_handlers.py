"""What a Go request handler's body shows: an explicit credential check, how it reads and
validates the request body, and whether a list it answers with is bounded.

Shared by the route extractor (`go_routes.py`); every function takes the handler's function node
(a declaration, a method or a `func` literal) and the file's `GoFile`, and answers "don't know"
(None, UNKNOWN) rather than raising on odd syntax.

- `auth_check`: the `Authorization` header read, a 401/403 answer, a JWT parse in the body;
- `body_validation`: gin `ShouldBindJSON`/`BindJSON`/`ShouldBind...` into a struct with
  `binding:"..."` tags (gin runs go-playground/validator on them) or any body read followed by an
  explicit validation (`validate.Struct(&v)`, `c.Validate(&v)`, `v.Validate()`): PRESENT;
  `json.NewDecoder(r.Body).Decode(&v)`, echo `c.Bind`, fiber `c.BodyParser` or a gin bind into a
  struct of this file without tags: ABSENT; no body read: UNKNOWN;
- `pagination`: limit/offset/page/cursor query parameters, `.Limit(`/`.Offset(`, an SQL `LIMIT`:
  PRESENT; a GORM `Find(&list)` into a slice, sqlx `Select(&list, ...)`, `db.Query("SELECT ...")`
  without LIMIT or WHERE, a MongoDB `Find(ctx, filter)`: ABSENT; otherwise UNKNOWN.
"""
from __future__ import annotations

import re

from prodcheck.facts.extractors.go_common import (
    GoFile, arguments_of, body_of, call_parts, declared_type, declared_value, handler_params,
    local_declaration, selector_names, string_of, type_ref, unparen, walk_local, words,
)
from prodcheck.model import Facet, FacetState
from prodcheck.parsing.treesitter import string_value, text_of

GIN_BINDS = frozenset({
    "ShouldBindJSON", "ShouldBind", "BindJSON", "Bind", "ShouldBindWith", "BindWith", "MustBindWith",
    "ShouldBindBodyWith", "ShouldBindBodyWithJSON", "ShouldBindXML", "BindXML", "ShouldBindYAML",
    "BindYAML", "ShouldBindTOML", "BindTOML", "ShouldBindQuery", "BindQuery", "ShouldBindUri", "BindUri",
})
BODY_BINDS = GIN_BINDS - {"ShouldBindQuery", "BindQuery", "ShouldBindUri", "BindUri"}
VALIDATE_CALLS = frozenset({"Struct", "StructCtx", "Validate", "ValidateStruct", "ValidateWithContext",
                            "ValidateStructWithContext", "StructPartial", "StructExcept"})
PAGE_PARAMS = frozenset({"page", "limit", "offset", "perpage", "pagesize", "size", "cursor", "after",
                         "before", "skip", "take", "pagenumber", "pagenum", "pagetoken", "nexttoken",
                         "startingafter", "maxresults", "first", "last"})
QUERY_READERS = frozenset({"Query", "DefaultQuery", "GetQuery", "QueryParam", "QueryInt", "FormValue",
                           "Get", "QueryArray", "PostForm", "DefaultPostForm", "QueryParams"})
BOUND_METHODS = frozenset({"Limit", "Offset", "Paginate", "SetLimit", "SetSkip", "Skip", "Take", "Page",
                           "PerPage", "LimitOffset"})
_LIMIT_SQL = re.compile(r"\b(limit|fetch\s+first|top)\b", re.I)
_SELECT_SQL = re.compile(r"^\s*(select|with)\b", re.I)
_WHERE_SQL = re.compile(r"\bwhere\b", re.I)
_BINDING_TAG = re.compile(r'\bbinding:"([^"]*)"')
_VALIDATE_TAG = re.compile(r'\bvalidate:"([^"]*)"')
AUTH_STATUS = frozenset({"StatusUnauthorized", "StatusForbidden", "ErrUnauthorized", "ErrForbidden"})


def present(mechanism: str, evidence=None) -> Facet:
    return Facet(FacetState.PRESENT, mechanism, evidence)


def absent(mechanism: str = "", evidence=None) -> Facet:
    return Facet(FacetState.ABSENT, mechanism, evidence)


def unknown(mechanism: str = "", evidence=None) -> Facet:
    return Facet(FacetState.UNKNOWN, mechanism, evidence)


# ---------------------------------------------------------------- auth

def auth_check(func, view: GoFile) -> tuple[str, object | None]:
    """(mechanism, node) of a credential check written in the handler, or ("", None)."""
    for node in view.walk_local(body_of(func)):
        kind = node.type
        if kind in ("interpreted_string_literal", "raw_string_literal"):
            if (string_value(node) or "").lower() == "authorization":
                return "reads the Authorization header", node
        elif kind == "selector_expression":
            name = view.text(node.child_by_field_name("field"))
            if name in ("StatusUnauthorized", "StatusForbidden") or name in AUTH_STATUS \
                    and view.text(node.child_by_field_name("operand")) in ("echo", "fiber"):
                return "answers 401/403", node
        elif kind == "int_literal" and view.text(node) in ("401", "403") and _in_call(node):
            return "answers 401/403", node
        elif kind == "call_expression":
            operand, name = view.call_parts(node)
            if name in ("Parse", "ParseWithClaims") and operand is not None \
                    and "jwt" in words(view.imports.get(view.text(operand), "")):
                return "parses a JWT", node
    return "", None


def _in_call(node) -> bool:
    parent = node.parent
    return parent is not None and parent.type == "argument_list"


# ---------------------------------------------------------------- validation

def body_validation(func, view: GoFile) -> Facet:
    """The validation facet of a visible handler (see the module docstring)."""
    reads = []                     # (label, target node or None, gin bind)
    validated = ""
    evidence = None
    params = handler_params(func, view)
    contexts = {name for name, role in params.items() if role == "context"}
    requests = {name for name, role in params.items() if role == "request"}
    body_text = view.text(body_of(func))
    raw_body = ".Body" in body_text or "GetRawData" in body_text or ".Body()" in body_text
    for node in view.walk_local(body_of(func)):
        if node.type != "call_expression":
            continue
        operand, name = view.call_parts(node)
        args = view.arguments(node)
        if operand is None:
            if _validation_name(name) and args:
                validated, evidence = f"{name}()", node
            continue
        receiver = selector_names(operand)
        receiver_text = ".".join(receiver)
        if name in BODY_BINDS or name == "BodyParser":
            target = args[0] if args else None
            bare = unparen(target)
            if bare is not None and bare.type == "identifier" and view.text(bare) in contexts | requests:
                # a custom binder handed the whole request: `form.Bind(c)`, `render.Bind(r, &v)`
                if set(words(receiver_text)) & {"validator", "validation", "validated", "form"}:
                    validated, evidence = f"{receiver_text}.{name}(c)", node
                else:
                    reads.append((f"{receiver_text}.{name}(...)", None, False, node))
                continue
            if name == "BodyParser":
                reads.append((f"{receiver_text}.BodyParser", target, False, node))
                continue
            gin = _is_gin(view) and not view.imports_any("github.com/labstack/echo")
            if gin or name == "Bind":
                reads.append((f"{receiver_text}.{name}", target, gin, node))
            continue
        if name == "Decode" and unparen(operand).type == "call_expression":
            inner_operand, inner = call_parts(unparen(operand))
            inner_args = view.arguments(unparen(operand))
            if inner == "NewDecoder" and inner_args and ".Body" in view.text(inner_args[0]):
                reads.append(("json.NewDecoder(r.Body).Decode", args[0] if args else None, False, node))
            continue
        if name == "Unmarshal" and len(args) >= 2 and raw_body \
                and view.imports.get(receiver_text, "") in ("encoding/json", "github.com/goccy/go-json",
                                                             "github.com/json-iterator/go"):
            reads.append(("json.Unmarshal of the body", args[1], False, node))
            continue
        if name in VALIDATE_CALLS and (set(words(receiver_text)) & {"validate", "validator", "validation",
                                                                     "v", "valid", "govalidator"}
                                       or receiver[:1] and receiver[0] in contexts):
            validated, evidence = f"{receiver_text}.{name}()", node
            continue
        if name in ("Validate", "Valid", "IsValid") and not args:
            validated, evidence = f"{receiver_text}.{name}()", node
        elif _validation_name(name) and args and not view.package_path(unparen(operand)):
            validated, evidence = f"{receiver_text}.{name}()", node
    if not reads:
        if validated:
            return present(validated, view.location(evidence))
        return unknown("no body read")
    if validated:
        return present(validated, view.location(evidence))
    label, target, gin, node = reads[0]
    if gin:
        tagged = _binding_tags(target, node, view)
        if tagged is None:
            return unknown(f"{label} into a type defined elsewhere", view.location(node))
        if tagged:
            return present(f"{label} with binding tags", view.location(node))
        return absent(f"{label} into a struct without binding tags", view.location(node))
    if label.endswith("(...)"):
        return unknown(label, view.location(node))
    return absent(f"{label} without validation", view.location(node))


def _validation_name(name: str) -> bool:
    """`validate`, `isRequestValid`, `ValidateInput`; not `ErrValidation` or `invalidRequest`."""
    tokens = words(name)
    return bool(tokens) and tokens[0] not in ("err", "error", "new", "invalid") \
        and bool(set(tokens) & {"valid", "validate", "validation", "validated"})


def _is_gin(view: GoFile) -> bool:
    return view.imports_any("github.com/gin-gonic/gin")


def _binding_tags(target, at, view: GoFile) -> bool | None:
    """True when the bound variable's struct has `binding` tags, False when it has none, None
    when the struct is not visible in this file."""
    struct = _target_struct(target, at, view)
    if struct is None:
        return None
    if struct == "map":
        return False
    for node in view.walk_local(struct):
        if node.type == "raw_string_literal" or node.type == "interpreted_string_literal":
            for match in _BINDING_TAG.finditer(view.text(node)):
                value = match.group(1).strip()
                if value and value not in ("-", "omitempty"):
                    return True
    return False


def _target_struct(target, at, view: GoFile):
    node = unparen(target)
    if node is not None and node.type == "unary_expression":
        node = unparen(node.child_by_field_name("operand"))
    if node is None or node.type != "identifier":
        return None
    name = view.text(node)
    decl = local_declaration(name, at, view)
    type_node = declared_type(decl, name)
    if type_node is None:
        value = unparen(declared_value(decl, name))
        if value is not None and value.type == "unary_expression":
            value = unparen(value.child_by_field_name("operand"))
        if value is not None and value.type == "composite_literal":
            type_node = value.child_by_field_name("type")
        elif value is not None and value.type == "call_expression" and view.call_parts(value)[1] == "new":
            args = view.arguments(value)
            type_node = args[0] if args else None
    if type_node is None:
        return None
    if type_node.type == "struct_type":
        return type_node
    if type_node.type == "map_type":
        return "map"
    path, type_name = type_ref(type_node, view)
    if path or not type_name:
        return None
    return view.structs.get(type_name)


# ---------------------------------------------------------------- pagination

def pagination(func, view: GoFile) -> Facet:
    """The pagination facet of a visible GET handler answering on a collection path."""
    evidence = _page_evidence(func)
    if evidence is not None:
        label, node = evidence
        return present(label, view.location(node))
    found = _collection_read(func, view)
    if found is not None:
        label, node = found
        return absent(label, view.location(node))
    return unknown("not a collection")


def _page_evidence(func):
    for node in walk_local(body_of(func)):
        kind = node.type
        if kind == "call_expression":
            operand, name = call_parts(node)
            args = arguments_of(node)
            if name in QUERY_READERS and args:
                key = (string_value(args[0]) or "").lower().replace("_", "").replace("-", "")
                if key in PAGE_PARAMS:
                    return f"`{string_value(args[0])}` query parameter", node
            if name in BOUND_METHODS and operand is not None:
                return f".{name}()", node
            if "paginat" in name.lower():
                return f"{name}()", node
        elif kind in ("interpreted_string_literal", "raw_string_literal"):
            raw = string_value(node) or ""
            if _SELECT_SQL.match(raw) and _LIMIT_SQL.search(raw):
                return "SQL LIMIT", node
    return None


def _collection_read(func, view: GoFile):
    for node in view.walk_local(body_of(func)):
        if node.type != "call_expression":
            continue
        operand, name = view.call_parts(node)
        if operand is None:
            continue
        args = view.arguments(node)
        if name == "Find" and args:
            first = unparen(args[0])
            if first is not None and first.type == "unary_expression" and is_slice_reference(first, node, view):
                return f"Find(&{view.text(first.child_by_field_name('operand'))}) without a limit", node
            if len(args) >= 2 and _looks_like_context(first) and not _single_filter(args[1]):
                return "Find(ctx, filter) without a limit", node
        elif name in ("Select", "SelectContext") and args:
            first = unparen(args[1] if name == "SelectContext" and len(args) > 1 else args[0])
            sql_arg = args[2] if name == "SelectContext" and len(args) > 2 else (args[1] if len(args) > 1 else None)
            sql = string_of(sql_arg, view.consts, node, view) if sql_arg is not None else None
            if first is not None and first.type == "unary_expression" and is_slice_reference(first, node, view) \
                    and sql is not None and _SELECT_SQL.match(sql) and not _LIMIT_SQL.search(sql):
                return "Select of a whole table", node
        elif name in ("Query", "QueryContext", "Queryx", "QueryxContext") and args:
            sql_arg = args[1] if name.endswith("Context") and len(args) > 1 else args[0]
            sql = string_of(sql_arg, view.consts, node, view)
            if sql and _SELECT_SQL.match(sql) and not _LIMIT_SQL.search(sql) and not _WHERE_SQL.search(sql):
                return "SELECT without LIMIT", node
    return None


def is_slice_reference(ref, at, view: GoFile) -> bool:
    """`&list` (a unary expression) where `list` is declared as a slice in scope at `at`
    (`var list []T`, `list := []T{}`, `make([]T, 0)`)."""
    node = unparen(ref.child_by_field_name("operand"))
    if node is None or node.type != "identifier":
        return False
    name = view.text(node)
    decl = local_declaration(name, at, view)
    kind = declared_type(decl, name)
    if kind is not None:
        return kind.type == "slice_type"
    value = unparen(declared_value(decl, name))
    if value is None:
        return False
    if value.type == "composite_literal":
        kind = value.child_by_field_name("type")
        return kind is not None and kind.type == "slice_type"
    if value.type == "call_expression" and view.call_parts(value)[1] == "make":
        args = view.arguments(value)
        return bool(args) and args[0].type == "slice_type"
    return False


def _looks_like_context(node) -> bool:
    if node is None:
        return False
    text = text_of(node)
    return text in ("ctx", "c", "context.Background()", "context.TODO()", "r.Context()", "req.Context()") \
        or text.endswith(".Context()")


def _single_filter(node) -> bool:
    """A MongoDB filter on `_id` selects one document."""
    return '"_id"' in text_of(node)


__all__ = ["absent", "auth_check", "body_validation", "pagination", "present", "unknown"]
