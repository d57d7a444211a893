"""Compare two versions of an OpenAPI/Swagger document and classify every change for the clients
of the API: breaking (a client that worked before can fail after) or not, with the reason and
what consumers have to do.

Direction matters. In what clients *send* (parameters, request bodies), narrowing breaks them: a
new required field, a removed enum value, a tighter limit. In what clients *read* (responses),
removing breaks them: a removed field or status code, a field that may now be missing or null, a
changed type. Additions on either side are not breaking (a response enum value added is reported,
not breaking: clients with an exhaustive switch should be told).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from prodcheck.contracts.openapi import Operation, Spec, operations

MAX_SCHEMA_DEPTH = 24
REQUEST, RESPONSE = "request", "response"
_NARROWING_LIMITS = (("maxLength", "lower"), ("minLength", "higher"), ("maximum", "lower"), ("minimum", "higher"),
                     ("maxItems", "lower"), ("minItems", "higher"), ("exclusiveMaximum", "lower"),
                     ("exclusiveMinimum", "higher"))


@dataclass(frozen=True)
class SpecChange:
    kind: str
    method: str
    path: str
    breaking: bool
    detail: str
    note: str
    file: str            # the document (head, or base for what was removed)
    line: int
    at_base: bool = False


NOTES = {
    "endpoint-removed": "Clients calling it get 404 once this ships: keep it for a release marked `deprecated: true` "
                        "(with Deprecation/Sunset headers) and remove it when its traffic is gone.",
    "method-removed": "Clients using this method get 405: move them to the replacement first.",
    "path-parameter-renamed": "Generated clients change their method signatures: regenerate them; the URL "
                              "itself is unchanged.",
    "new-required-parameter": "Existing clients do not send it and will get 400: make it optional with a "
                              "server-side default, or require it only in a new API version.",
    "parameter-became-required": "Clients that omit it will get 400: keep it optional with a default, or "
                                 "version the endpoint.",
    "request-body-became-required": "Clients that send no body will get 400: accept an empty body for a "
                                    "release, or version the endpoint.",
    "new-required-request-property": "Existing clients do not send this field and will be rejected: give it a "
                                     "default and make it optional, or version the endpoint.",
    "request-property-became-required": "Clients that omit the field will be rejected: keep it optional with a "
                                        "default, or version the endpoint.",
    "request-property-removed-strict": "The schema forbids additional properties, so clients still sending "
                                       "the field will be rejected: accept and ignore it for a release.",
    "request-enum-value-removed": "Clients sending the removed value will be rejected: keep accepting it "
                                  "(mapped to its replacement) for a release.",
    "request-constraint-narrowed": "Values that were valid are now rejected: validate stored client data "
                                   "against the new limit and announce it before enforcing.",
    "type-changed": "Clients (de)serialising the old type break: add a new field with the new type and "
                    "deprecate the old one instead of changing it in place.",
    "format-changed": "Clients parsing the old format break: add a new field and deprecate the old one.",
    "request-media-type-removed": "Clients sending this content type get 415: keep accepting it for a release.",
    "response-property-removed": "Clients reading the field break (missing key, null dereference): keep it, "
                                 "mark it `deprecated: true`, and remove it in the next major version.",
    "response-property-renamed": "Clients reading the old name break: return both names for a release, "
                                 "the old one marked deprecated.",
    "response-property-became-optional": "Clients that rely on the field being present break when it is "
                                         "missing: keep returning it, or version the endpoint.",
    "response-property-became-nullable": "Clients that do not expect null break: keep the field non-null or "
                                         "version the endpoint.",
    "response-success-status-removed": "Clients checking for this status code break: keep returning it, or "
                                       "version the endpoint.",
    "response-media-type-removed": "Clients asking for this content type get 406: keep producing it for a release.",
    "auth-added": "Anonymous clients get 401/403: issue them credentials before this ships, or roll it out "
                  "behind a flag that starts in log-only mode.",
}
NON_BREAKING_NOTE = "Additive or relaxing: existing clients are unaffected."
ENUM_ADDED_NOTE = ("Not breaking for tolerant clients; clients that switch exhaustively over the values "
                   "(generated enums) need an update to handle the new value.")


def diff_specs(old: Spec, new: Spec) -> list[SpecChange]:
    """Every change between the two documents, breaking first."""
    before, after = operations(old), operations(new)
    changes: list[SpecChange] = []
    paths_after = {key for _, key in after}
    for key in sorted(before.keys() - after.keys(), key=lambda k: (k[1], k[0])):
        op = before[key]
        kind = "method-removed" if op.key in paths_after else "endpoint-removed"
        what = (f"method {op.method} removed from {op.path}" if kind == "method-removed"
                else f"endpoint {op.method} {op.path} removed")
        if op.deprecated:
            what += " (it was marked deprecated)"
        changes.append(SpecChange(kind, op.method, op.path, True, what, NOTES[kind], old.path, op.line, True))
    for key in sorted(after.keys() - before.keys(), key=lambda k: (k[1], k[0])):
        op = after[key]
        changes.append(SpecChange("endpoint-added", op.method, op.path, False, f"endpoint {op.method} {op.path} added",
                                  NON_BREAKING_NOTE, new.path, op.line))
    for key in sorted(before.keys() & after.keys(), key=lambda k: (k[1], k[0])):
        changes.extend(_OperationDiff(old, new, before[key], after[key]).changes())
    return sorted(changes, key=lambda c: (not c.breaking, c.path, c.method, c.kind, c.detail))


class _OperationDiff:
    def __init__(self, old: Spec, new: Spec, before: Operation, after: Operation):
        self.old, self.new, self.before, self.after = old, new, before, after
        self.found: list[SpecChange] = []

    def add(self, kind: str, breaking: bool, detail: str, line: int = 0, note: str = "", file: str = "") -> None:
        """`file` and `line`: where in the new document the change is (a schema may live in another
        file than the operation); the operation itself when not given."""
        self.found.append(SpecChange(kind, self.after.method, self.after.path, breaking, detail,
                                     note or (NOTES.get(kind, NON_BREAKING_NOTE) if breaking else NON_BREAKING_NOTE),
                                     file or self.after.file, line if file or line else self.after.line))

    def changes(self) -> list[SpecChange]:
        self.parameters()
        self.request_body()
        self.responses()
        self.security()
        if self.after.deprecated and not self.before.deprecated:
            self.add("endpoint-deprecated", False, f"{self.after.method} {self.after.path} marked deprecated",
                     note="Tell consumers the replacement and the removal date.")
        return self.found

    def parameters(self) -> None:
        old, new = self.before.params, self.after.params
        for key in sorted(new.keys() - old.keys()):
            param = new[key]
            if param.required:
                self.add("new-required-parameter", True, f"new required {param.location} parameter `{param.name}`",
                         param.line)
            else:
                self.add("new-optional-parameter", False, f"new optional {param.location} parameter `{param.name}`",
                         param.line)
        for key in sorted(old.keys() - new.keys()):
            param = old[key]
            self.add("parameter-removed", False, f"{param.location} parameter `{param.name}` removed",
                     note="Clients still sending it are ignored; remove it from them when convenient.")
        for key in sorted(old.keys() & new.keys()):
            a, b = old[key], new[key]
            label = f"{b.location} parameter `{b.name}`"
            if a.location == "path" and a.name != b.name:
                self.add("path-parameter-renamed", True, f"path parameter `{a.name}` renamed to `{b.name}`", b.line)
            if b.required and not a.required:
                self.add("parameter-became-required", True, f"{label} became required", b.line)
            _compare(self, a.schema, a.where, b.schema, b.where, REQUEST, label, b.line)

    def request_body(self) -> None:
        a, b = self.before.body, self.after.body
        if b is None:
            return
        if a is None:
            if b.required:
                self.add("request-body-became-required", True, "a required request body was added", b.line)
            return
        if b.required and not a.required:
            self.add("request-body-became-required", True, "the request body became required", b.line)
        for media in sorted(a.content.keys() - b.content.keys()):
            self.add("request-media-type-removed", True, f"request content type `{media}` no longer accepted", b.line)
        for media in sorted(a.content.keys() & b.content.keys()):
            (sa, wa), (sb, wb) = a.content[media], b.content[media]
            _compare(self, sa, wa, sb, wb, REQUEST, "request body", b.line)

    def responses(self) -> None:
        a, b = self.before.responses, self.after.responses
        for status in sorted(a.keys() - b.keys()):
            success = status.startswith("2")
            self.add("response-success-status-removed" if success else "response-status-removed", success,
                     f"response status {status} removed",
                     note="" if success else "Clients handling this error status fall back to their generic handling.")
        for status in sorted(b.keys() - a.keys()):
            self.add("response-status-added", False, f"response status {status} added",
                     note="Clients should handle the new status (errors: their generic error path).")
        for status in sorted(a.keys() & b.keys()):
            for media in sorted(a[status].keys() - b[status].keys()):
                self.add("response-media-type-removed", True, f"response {status} no longer produces `{media}`")
            for media in sorted(a[status].keys() & b[status].keys()):
                (sa, wa), (sb, wb) = a[status][media], b[status][media]
                _compare(self, sa, wa, sb, wb, RESPONSE, f"response {status}", 0)

    def security(self) -> None:
        if not self.before.secured and self.after.secured:
            self.add("auth-added", True, f"authentication required on {self.after.method} {self.after.path}, "
                                         "which was public")
        elif self.before.secured and not self.after.secured:
            self.add("auth-removed", False, f"authentication no longer required on {self.after.method} "
                                            f"{self.after.path}", note="Confirm the endpoint is meant to be public.")


# --------------------------------------------------------------------------- schemas

def _compare(diff: _OperationDiff, old_node, old_file: str, new_node, new_file: str, direction: str,
             label: str, line: int, depth: int = 0, seen: frozenset = frozenset()) -> None:
    old_id, new_id = diff.old.ref_id(old_node, old_file), diff.new.ref_id(new_node, new_file)
    if (old_id, new_id) in seen and (old_id or new_id):
        return
    seen = seen | {(old_id, new_id)}
    old_schema, old_file = diff.old.resolve(old_node, old_file)
    new_schema, new_file = diff.new.resolve(new_node, new_file)
    if not isinstance(old_schema, dict) or not isinstance(new_schema, dict) or depth > MAX_SCHEMA_DEPTH:
        return
    old_schema, new_schema = _flatten(diff.old, old_schema, old_file), _flatten(diff.new, new_schema, new_file)
    line = getattr(new_schema, "line", 0) or line
    add = functools.partial(diff.add, file=new_file)
    old_types, new_types = _types(old_schema), _types(new_schema)
    if old_types and new_types and old_types - {"null"} != new_types - {"null"}:
        if not _widening(old_types, new_types, direction):
            add("type-changed", True, f"{label}: type {_show(old_types)} -> {_show(new_types)}", line)
        return
    if direction == RESPONSE and "null" in new_types - old_types or (
            direction == RESPONSE and new_schema.get("nullable") is True and not old_schema.get("nullable")):
        add("response-property-became-nullable", True, f"{label} may now be null", line)
    old_format, new_format = old_schema.get("format"), new_schema.get("format")
    if old_format and new_format and old_format != new_format:
        add("format-changed", True, f"{label}: format {old_format} -> {new_format}", line)
    _enums(add, old_schema, new_schema, direction, label, line)
    if direction == REQUEST:
        _limits(add, old_schema, new_schema, label, line)
    _properties(diff, add, old_schema, old_file, new_schema, new_file, direction, label, line, depth, seen)
    if isinstance(old_schema.get("items"), dict) and isinstance(new_schema.get("items"), dict):
        _compare(diff, old_schema["items"], old_file, new_schema["items"], new_file, direction,
                 f"{label}[]", line, depth + 1, seen)


def _flatten(spec: Spec, schema: dict, where: str) -> dict:
    """An `allOf` folded into one schema: properties and required lists merged."""
    parts = schema.get("allOf")
    if not isinstance(parts, list):
        return schema
    merged = {k: v for k, v in schema.items() if k != "allOf"}
    properties = dict(merged.get("properties") or {})
    required = list(merged.get("required") or [])
    for part in parts:
        resolved, _ = spec.resolve(part, where)
        if isinstance(resolved, dict):
            properties.update(resolved.get("properties") or {})
            required.extend(resolved.get("required") or [])
            for key in ("type", "additionalProperties"):
                if key in resolved and key not in merged:
                    merged[key] = resolved[key]
    merged["properties"], merged["required"] = properties, required
    return merged


def _types(schema: dict) -> set[str]:
    raw = schema.get("type")
    if isinstance(raw, str):
        types = {raw}
    elif isinstance(raw, list):
        types = {str(t) for t in raw}
    else:
        return set()
    if schema.get("nullable") is True:
        types.add("null")
    return types


def _widening(old: set[str], new: set[str], direction: str) -> bool:
    """integer -> number accepts more (fine in a request); number -> integer returns less (fine in
    a response); a type added to a union is fine in a request."""
    old, new = old - {"null"}, new - {"null"}
    if direction == REQUEST:
        widened = {("integer" if t == "number" else t) for t in new} | new
        return old <= widened
    return new <= ({"integer"} | old if "number" in old else old)


def _show(types: set[str]) -> str:
    return "|".join(sorted(types))


def _enums(add, old: dict, new: dict, direction: str, label: str, line: int) -> None:
    old_values, new_values = old.get("enum"), new.get("enum")
    if not isinstance(old_values, list) or not isinstance(new_values, list):
        if direction == REQUEST and isinstance(new_values, list) and old_values is None and old.get("type"):
            add("request-enum-value-removed", True, f"{label} now only accepts {_values(new_values)}", line,
                     note=NOTES["request-enum-value-removed"])
        return
    removed = [v for v in old_values if v not in new_values]
    added = [v for v in new_values if v not in old_values]
    if removed and direction == REQUEST:
        add("request-enum-value-removed", True, f"{label}: value(s) {_values(removed)} no longer accepted", line)
    elif removed:
        add("response-enum-value-removed", False, f"{label}: value(s) {_values(removed)} no longer returned", line)
    if added and direction == RESPONSE:
        add("response-enum-value-added", False, f"{label}: new value(s) {_values(added)}", line,
                 note=ENUM_ADDED_NOTE)
    elif added:
        add("request-enum-value-added", False, f"{label}: new accepted value(s) {_values(added)}", line)


def _values(values: list) -> str:
    return ", ".join(f"`{v}`" for v in values[:6]) + (" ..." if len(values) > 6 else "")


def _limits(add, old: dict, new: dict, label: str, line: int) -> None:
    for key, tighter in _NARROWING_LIMITS:
        a, b = old.get(key), new.get(key)
        if not isinstance(b, (int, float)) or isinstance(b, bool):
            continue
        if a is None or (isinstance(a, (int, float)) and ((b < a) if tighter == "lower" else (b > a))):
            was = f" (was {a})" if a is not None else ""
            add("request-constraint-narrowed", True, f"{label}: {key} {b}{was}", line)
    if new.get("pattern") and new.get("pattern") != old.get("pattern"):
        add("request-constraint-narrowed", True, f"{label}: pattern `{new['pattern']}`", line)


def _properties(diff, add, old: dict, old_file: str, new: dict, new_file: str, direction: str, label: str,
                line: int, depth: int, seen: frozenset) -> None:
    old_props, new_props = old.get("properties"), new.get("properties")
    if not isinstance(old_props, dict) or not isinstance(new_props, dict):
        return
    old_required = set(old.get("required") or []) if isinstance(old.get("required"), list) else set()
    new_required = set(new.get("required") or []) if isinstance(new.get("required"), list) else set()
    removed = sorted(set(old_props) - set(new_props))
    added = sorted(set(new_props) - set(old_props))
    renamed = _renames(diff, old_props, old_file, new_props, new_file, removed, added)
    for was, now in renamed:
        removed.remove(was)
        added.remove(now)
        line_of = _prop_line(new_props, now, line)
        if direction == RESPONSE:
            add("response-property-renamed", True, f"{label}: field `{was}` renamed to `{now}`", line_of)
        elif now in new_required:
            add("new-required-request-property", True, f"{label}: field `{was}` renamed to `{now}` (required)",
                     line_of)
    for name in added:
        where = f"{label}.{name}"
        if direction == REQUEST and name in new_required:
            add("new-required-request-property", True, f"{where} added as required", _prop_line(new_props, name, line))
        else:
            add(f"{direction}-property-added", False, f"{where} added", _prop_line(new_props, name, line))
    for name in removed:
        where = f"{label}.{name}"
        if direction == RESPONSE:
            add("response-property-removed", True, f"{where} removed", line)
        elif new.get("additionalProperties") is False:
            add("request-property-removed-strict", True, f"{where} removed and additional properties forbidden",
                     line)
        else:
            add("request-property-removed", False, f"{where} removed",
                     line, note="Clients still sending it are ignored.")
    for name in sorted(set(old_props) & set(new_props)):
        where = f"{label}.{name}"
        prop_line = _prop_line(new_props, name, line)
        if direction == REQUEST and name in new_required and name not in old_required:
            add("request-property-became-required", True, f"{where} became required", prop_line)
        if direction == RESPONSE and name in old_required and name not in new_required:
            add("response-property-became-optional", True, f"{where} is no longer always present", prop_line)
        _compare(diff, old_props[name], old_file, new_props[name], new_file, direction, where, prop_line,
                 depth + 1, seen)


def _renames(diff, old_props: dict, old_file: str, new_props: dict, new_file: str,
             removed: list[str], added: list[str]) -> list[tuple[str, str]]:
    """A removed and an added property with the same schema, when that pairing is unambiguous."""
    def signature(spec: Spec, node, where: str):
        resolved, _ = spec.resolve(node, where)
        if not isinstance(resolved, dict):
            return None
        return repr(sorted((k, repr(v)) for k, v in resolved.items() if k not in ("description", "example")))
    old_sigs = {name: signature(diff.old, old_props[name], old_file) for name in removed}
    new_sigs = {name: signature(diff.new, new_props[name], new_file) for name in added}
    pairs = []
    for was, sig in old_sigs.items():
        matches = [now for now, other in new_sigs.items() if sig is not None and other == sig]
        if len(matches) == 1 and [w for w, s in old_sigs.items() if s == sig] == [was]:
            pairs.append((was, matches[0]))
    return pairs


def _prop_line(props, name: str, default: int) -> int:
    line_of = getattr(props, "line_of", None)
    return line_of(name) if line_of else default
