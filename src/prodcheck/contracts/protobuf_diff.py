"""Compare two versions of a set of Protocol Buffers files and classify every change for the
clients of the messages and services they define.

Definitions are matched by fully qualified name across all the files of a side, so a message moved
to another file is no change; a file whose package changed is compared with its earlier self.
Fields are matched by number (the wire identity), then by name.

The wire format decides what breaks: a field's number and wire type are its contract. A removed
field whose number is not `reserved` can be reused later with another meaning (old data and old
clients then decode garbage), so it is breaking; removed with the number reserved, it is not.
Type changes inside one of the wire-compatible groups protobuf documents (int32/uint32/int64/
uint64/bool; sint32/sint64; fixed32/sfixed32; fixed64/sfixed64; string/bytes; an enum and the
int32/uint32/int64/uint64 integers) decode on both sides and are reported non-breaking with a
note, as are renames (the wire carries numbers), which still break the JSON mapping and generated
code.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from prodcheck.contracts.openapi_diff import SpecChange
from prodcheck.contracts.proto_parser import (
    SCALARS, ProtoEnum, ProtoField, ProtoFile, ProtoMessage, ProtoService, ProtoSyntaxError, parse_proto,
    resolve_types,
)

PROTO_SUFFIXES = (".proto",)
METHOD = "proto"
WIRE_GROUPS = (frozenset({"int32", "uint32", "int64", "uint64", "bool"}), frozenset({"sint32", "sint64"}),
               frozenset({"fixed32", "sfixed32"}), frozenset({"fixed64", "sfixed64"}),
               frozenset({"string", "bytes"}))
ENUM_COMPATIBLE = frozenset({"int32", "uint32", "int64", "uint64"})
LENGTH_DELIMITED = frozenset({"string", "bytes"})


@dataclass
class ProtoSide:
    files: dict[str, ProtoFile] = field(default_factory=dict)
    problems: list[tuple[str, int, str]] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)        # files that did not parse

    def messages(self) -> dict[str, list[tuple[str, ProtoMessage]]]:
        return _index(self.files, "messages")

    def enums(self) -> dict[str, list[tuple[str, ProtoEnum]]]:
        return _index(self.files, "enums")

    def services(self) -> dict[str, list[tuple[str, ProtoService]]]:
        return _index(self.files, "services")


def _index(files: dict[str, ProtoFile], attribute: str) -> dict:
    found: dict[str, list] = {}
    for path in sorted(files):
        for item in getattr(files[path], attribute):
            found.setdefault(item.name, []).append((path, item))
    return found


def is_proto_path(path: str) -> bool:
    return path.lower().endswith(PROTO_SUFFIXES)


def load_protos(documents: list[tuple[str, str]]) -> ProtoSide:
    """The files `documents` ((path, text)) of one revision, type names resolved across them. A file
    that does not parse is a problem and is left out of the comparison."""
    side = ProtoSide()
    for path, text in sorted(documents):
        try:
            side.files[path] = parse_proto(path, text)
        except ProtoSyntaxError as exc:
            side.problems.append((path, exc.line, f"protobuf syntax error: {exc.message}"))
            side.broken.add(path)
        except RecursionError:
            side.problems.append((path, 0, "protobuf file nested too deeply to read"))
            side.broken.add(path)
    resolve_types(list(side.files.values()))
    return side


# --------------------------------------------------------------------------- notes

NOTES = {
    "message-removed": "Clients and stored data that use the message break when regenerated: deprecate it "
                       "(`option deprecated = true;`) and remove it in a new package version.",
    "enum-removed": "Clients that reference the enum break when regenerated: deprecate it and remove it in a new "
                    "package version.",
    "service-removed": "Clients calling the service get UNIMPLEMENTED: keep it until its traffic is gone.",
    "rpc-removed": "Clients calling the method get UNIMPLEMENTED: deprecate it (`option deprecated = true;`) and "
                   "remove it when its traffic is gone.",
    "rpc-request-type-changed": "Clients built with the old request type send messages the server decodes with "
                                "another schema: add a new method instead.",
    "rpc-response-type-changed": "Clients decode the response with the old type: add a new method instead.",
    "rpc-streaming-changed": "Clients built for the old streaming mode cannot call the method: add a new method.",
    "field-removed": "The number can later be reused with another meaning, and old clients would misread it: "
                     "add `reserved <number>;` and `reserved \"<name>\";` for it.",
    "field-number-changed": "Old clients and stored data use the old number: the value is silently lost in "
                            "both directions. Keep the number; to move, add a new field and deprecate the old one.",
    "field-number-reused": "Old clients and stored data decode this number with the old field's meaning: use a "
                           "new number and reserve the old one.",
    "field-type-changed": "Old clients decode the field with the old wire type and get garbage or drop it: add "
                          "a new field with the new type and deprecate the old one.",
    "field-label-changed": "Singular and repeated (or required) are not interchangeable for this type: add a "
                           "new field instead.",
    "field-oneof-changed": "Moving fields out of a oneof or into an existing one loses data when old and new "
                           "clients exchange messages: add new fields instead.",
    "new-required-field": "Messages from old clients lack it and fail to parse: add it as optional.",
    "reserved-number-reused": "The number was reserved because old clients or stored data give it another "
                              "meaning: use a new number.",
    "enum-value-removed": "Old clients still send or expect the value: keep it (deprecated) or reserve its "
                          "number and name so they are never reused.",
    "enum-value-number-changed": "Old clients and stored data carry the old number: keep numbers stable and "
                                 "add a new value instead.",
    "package-changed": "Every fully qualified name changes: gRPC method paths (`/package.Service/Method`), "
                       "`Any` type URLs and generated import paths break. Publish the new package beside the old.",
}
NON_BREAKING_NOTE = "Additive or compatible: existing clients are unaffected."
RENAME_NOTE = ("Compatible on the wire (it carries numbers), but the JSON mapping and generated code use the "
               "name: JSON clients and code that names the field must change with it.")
COMPATIBLE_TYPE_NOTE = ("Wire-compatible types (protobuf documents this group): values decode on both sides, "
                        "but numbers out of range are truncated, generated code changes type and the JSON "
                        "mapping may change; string/bytes only while the bytes are valid UTF-8.")
RESERVED_NOTE = "Removed with its number reserved: old clients' values are ignored and the number cannot be reused."
DEPRECATED_NOTE = "Tell clients the replacement and the removal date."
ENUM_ADDED_NOTE = ("Old clients see the new value as unknown (an unrecognised number): clients that switch "
                   "exhaustively over the values need an update.")


# --------------------------------------------------------------------------- comparing

class _Diff:
    def __init__(self, old: ProtoSide, new: ProtoSide, scope: set[str] | None):
        self.old, self.new = old, new
        excluded = old.broken | new.broken
        self.old_files = {p: f for p, f in old.files.items() if p not in excluded}
        self.new_files = {p: f for p, f in new.files.items() if p not in excluded}
        self.report_removed = not new.broken
        self.report_added = not old.broken
        self.scope = scope
        self.found: list[SpecChange] = []
        self.packages: dict[str, str] = {}           # old package -> new package, for files that moved
        self.old_enums = set(_index(self.old_files, "enums"))
        self.new_enums = set(_index(self.new_files, "enums"))

    def add(self, kind: str, path: str, breaking: bool, detail: str, file: str, line: int, at_base: bool = False,
            note: str = "") -> None:
        note = note or (NOTES.get(kind, NON_BREAKING_NOTE) if breaking else NON_BREAKING_NOTE)
        self.found.append(SpecChange(kind, METHOD, path, breaking, detail, note, file, line, at_base))

    def in_scope(self, path: str) -> bool:
        return self.scope is None or path in self.scope

    def run(self) -> list[SpecChange]:
        self.file_pairs()
        self.definitions("message", _index(self.old_files, "messages"), _index(self.new_files, "messages"),
                         self.message)
        self.definitions("enum", _index(self.old_files, "enums"), _index(self.new_files, "enums"), self.enum)
        self.definitions("service", _index(self.old_files, "services"), _index(self.new_files, "services"),
                         self.service)
        return sorted(self.found, key=lambda c: (not c.breaking, c.path, c.kind, c.detail))

    def file_pairs(self) -> None:
        pairs = [(p, p) for p in sorted(self.old_files.keys() & self.new_files.keys())]
        if not pairs and len(self.old_files) == 1 and len(self.new_files) == 1:
            pairs = [(next(iter(self.old_files)), next(iter(self.new_files)))]
        for old_path, new_path in pairs:
            before, after = self.old_files[old_path], self.new_files[new_path]
            if before.package != after.package:
                self.packages.setdefault(before.package, after.package)
                if self.in_scope(new_path):
                    self.add("package-changed", after.package or "(no package)", True,
                             f"package `{before.package or '(none)'}` changed to `{after.package or '(none)'}`",
                             new_path, after.package_line or 1)

    def translate(self, name: str) -> str:
        """An old fully qualified name as it would read in the new package of its file."""
        if name in SCALARS or name.startswith("map<"):
            return name
        for old_package, new_package in self.packages.items():
            if not old_package and "." not in name:
                return f"{new_package}.{name}" if new_package else name
            if old_package and (name == old_package or name.startswith(old_package + ".")):
                rest = name[len(old_package):].lstrip(".")
                return f"{new_package}.{rest}" if new_package else rest
        return name

    def definitions(self, what: str, before: dict, after: dict, compare) -> None:
        matched_new: set[int] = set()
        removed: list[str] = []
        for name in sorted(before):
            for old_path, old_def in before[name]:
                candidates = after.get(name) or after.get(self.translate(name)) or []
                match = next(((p, d) for p, d in candidates if p == old_path), None) or (
                    candidates[0] if candidates else None)
                if match is None:
                    if self.report_removed and self.in_scope(old_path) and not any(
                            name.startswith(parent + ".") for parent in removed):
                        self.add(f"{what}-removed", name, True, f"{what} `{name}` removed", old_path, old_def.line,
                                 True)
                    removed.append(name)
                    continue
                matched_new.add(id(match[1]))
                compare(old_path, old_def, match[0], match[1])
        added: list[str] = []
        for name in sorted(after):
            for new_path, new_def in after[name]:
                if id(new_def) in matched_new or not self.report_added or not self.in_scope(new_path) or any(
                        name.startswith(parent + ".") for parent in added):
                    continue
                added.append(name)
                self.add(f"{what}-added", name, False, f"{what} `{name}` added", new_path, new_def.line)

    # types
    def same_type(self, old: str, new: str) -> bool:
        old = self.translate(old)
        if old == new:
            return True
        if old in SCALARS or new in SCALARS or old.startswith("map<") or new.startswith("map<"):
            return False
        # a name resolved on one side only (defined in a file we do not have): compare the tail
        short, long = sorted((old.split("."), new.split(".")), key=len)
        return len(short) < len(long) and long[-len(short):] == short

    def type_compatibility(self, old: str, new: str) -> str:
        """"same", "compatible" (wire-compatible) or "breaking"."""
        if self.same_type(old, new):
            return "same"
        if old.startswith("map<") and new.startswith("map<"):
            old_key, _, old_value = old[4:-1].partition(", ")
            new_key, _, new_value = new[4:-1].partition(", ")
            results = {self.type_compatibility(old_key, new_key), self.type_compatibility(old_value, new_value)}
            return "breaking" if "breaking" in results else ("compatible" if "compatible" in results else "same")
        if any(old in group and new in group for group in WIRE_GROUPS):
            return "compatible"
        old_enum, new_enum = old in self.old_enums, new in self.new_enums
        if old_enum and new in ENUM_COMPATIBLE or new_enum and old in ENUM_COMPATIBLE:
            return "compatible"
        return "breaking"

    # messages
    def message(self, old_path: str, before: ProtoMessage, new_path: str, after: ProtoMessage) -> None:
        name = after.name
        old_by_number = {f.number: f for f in reversed(before.fields)}
        new_by_number = {f.number: f for f in reversed(after.fields)}
        old_by_name = {f.name: f for f in before.fields}
        new_by_name = {f.name: f for f in after.fields}
        moved: set[str] = set()
        for number in sorted(old_by_number.keys() - new_by_number.keys()):
            old = old_by_number[number]
            path = f"{name}.{old.name}"
            now = new_by_name.get(old.name)
            if now is not None and now.number not in old_by_number:
                moved.add(old.name)
                self.add("field-number-changed", path, True, f"field `{path}` renumbered {number} -> {now.number}",
                         new_path, now.line)
            elif after.reserved.has_number(number):
                name_note = "" if old.name in after.reserved.names else (
                    f" Reserve the name too (`reserved \"{old.name}\";`) so JSON clients never see it reused.")
                self.add("field-removed-reserved", path, False, f"field `{path} = {number}` removed, number reserved",
                         old_path, old.line, True, RESERVED_NOTE + name_note)
            else:
                was = " (it was deprecated)" if old.deprecated else ""
                self.add("field-removed", path, True,
                         f"field `{path} = {number}` removed without reserving its number{was}", old_path, old.line,
                         True)
        new_oneofs = set(after.oneofs) - set(before.oneofs)
        joined: dict[str, int] = {}
        for number in sorted(old_by_number.keys() & new_by_number.keys()):
            if new_by_number[number].oneof in new_oneofs and not old_by_number[number].oneof:
                joined[new_by_number[number].oneof] = joined.get(new_by_number[number].oneof, 0) + 1
        for number in sorted(new_by_number.keys() - old_by_number.keys()):
            new = new_by_number[number]
            path = f"{name}.{new.name}"
            if new.name in moved:
                continue
            if before.reserved.has_number(number):
                self.add("reserved-number-reused", path, True,
                         f"field `{path}` uses number {number}, which was reserved", new_path, new.line)
            elif new.label == "required":
                self.add("new-required-field", path, True, f"new required field `{path} = {number}`", new_path,
                         new.line)
            elif new.name in before.reserved.names:
                self.add("reserved-name-reused", path, False, f"field `{path} = {number}` uses a reserved name",
                         new_path, new.line,
                         note="The name was reserved: JSON clients that still send the old field now set this one.")
            else:
                self.add("field-added", path, False, f"field `{path} = {number}` ({new.type}) added", new_path,
                         new.line)
        names = (set(old_by_name), set(new_by_name))
        for number in sorted(old_by_number.keys() & new_by_number.keys()):
            self.field(name, old_by_number[number], new_by_number[number], new_path, joined, new_oneofs, names)

    def field(self, message: str, old: ProtoField, new: ProtoField, new_path: str, joined: dict[str, int],
              new_oneofs: set[str], names: tuple[set[str], set[str]]) -> None:
        path = f"{message}.{new.name}"

        def add(kind: str, breaking: bool, detail: str, note: str = "") -> None:
            self.add(kind, path, breaking, detail, new_path, new.line, False, note)

        compatibility = self.type_compatibility(old.type, new.type)
        if old.name != new.name:
            swapped = new.name in names[0] or old.name in names[1]      # both names live on: numbers moved
            if compatibility == "same" and not swapped:
                add("field-renamed", False, f"field `{message}.{old.name}` renamed to `{new.name}` "
                                           f"(number {new.number})", RENAME_NOTE)
            else:
                add("field-number-reused", True, f"number {new.number} of `{message}` was `{old.name}` "
                                                 f"({old.type}), now `{new.name}` ({new.type})")
                return
        if compatibility == "compatible":
            add("field-type-changed-compatible", False, f"`{path}`: {old.type} -> {new.type} (wire-compatible)",
                COMPATIBLE_TYPE_NOTE)
        elif compatibility == "breaking":
            add("field-type-changed", True, f"`{path}`: {old.type} -> {new.type}")
            return
        self.label(path, old, new, add)
        if old.oneof != new.oneof:
            if not old.oneof and new.oneof in new_oneofs and joined.get(new.oneof, 0) <= 1:
                add("field-moved-into-oneof", False, f"`{path}` moved into the new oneof `{new.oneof}`",
                    "A single field moved into a new oneof is wire-compatible; generated code changes.")
            else:
                was = f"oneof `{old.oneof}`" if old.oneof else "no oneof"
                now = f"oneof `{new.oneof}`" if new.oneof else "no oneof"
                add("field-oneof-changed", True, f"`{path}` moved from {was} to {now}")
        if new.deprecated and not old.deprecated:
            add("field-deprecated", False, f"`{path}` deprecated", DEPRECATED_NOTE)
        if old.options.get("json_name") != new.options.get("json_name"):
            add("field-json-name-changed", False,
                f"`{path}`: json_name {old.options.get('json_name') or '(default)'} -> "
                f"{new.options.get('json_name') or '(default)'}",
                "The binary wire format is unchanged; JSON clients read and write the field under the new name.")
        if old.options.get("default") != new.options.get("default"):
            add("field-default-changed", False,
                f"`{path}`: default {old.options.get('default') or '(none)'} -> "
                f"{new.options.get('default') or '(none)'}",
                "Readers that do not see the field now use another value: old and new clients disagree on "
                "unset fields.")

    def label(self, path: str, old: ProtoField, new: ProtoField, add) -> None:
        if old.label == new.label or old.type.startswith("map<") or new.type.startswith("map<"):
            return
        labels = f"{old.label or '(no label)'} -> {new.label or '(no label)'}"
        if "required" in (old.label, new.label):
            add("field-label-changed", True, f"`{path}`: {labels}",
                "Parsers reject messages where a required field is missing: old or new clients will fail. "
                "Keep the label.")
        elif "repeated" in (old.label, new.label):
            numeric = new.type in SCALARS - LENGTH_DELIMITED or new.type in self.new_enums
            if not numeric:
                add("field-label-changed", False, f"`{path}`: {labels}",
                    "Wire-compatible for strings, bytes and messages (a singular reader keeps the last value or "
                    "merges the messages), but generated code and the JSON mapping change: update clients.")
            else:
                add("field-label-changed", True, f"`{path}`: {labels}")
        else:
            add("field-presence-changed", False, f"`{path}`: {labels}",
                "Wire-compatible: only presence tracking in generated code (has_ methods) changes.")

    # enums
    def enum(self, old_path: str, before: ProtoEnum, new_path: str, after: ProtoEnum) -> None:
        name = after.name
        old_names = {v.name: v for v in before.values}
        new_names = {v.name: v for v in after.values}
        new_numbers: dict[int, list[str]] = {}
        for value in after.values:
            new_numbers.setdefault(value.number, []).append(value.name)
        renamed_to: set[str] = set()
        for value_name in sorted(old_names.keys() - new_names.keys()):
            old = old_names[value_name]
            path = f"{name}.{value_name}"
            fresh = [n for n in new_numbers.get(old.number, []) if n not in old_names and n not in renamed_to]
            still = [n for n in new_numbers.get(old.number, []) if n in old_names]
            if fresh:
                renamed_to.add(fresh[0])
                self.add("enum-value-renamed", path, False, f"enum value `{path}` renamed to `{fresh[0]}` "
                                                            f"(number {old.number})", new_path,
                         new_names[fresh[0]].line, note=RENAME_NOTE)
            elif still:
                self.add("enum-value-alias-removed", path, False,
                         f"enum value `{path}` removed; its number {old.number} remains as `{still[0]}`",
                         old_path, old.line, True, note=RENAME_NOTE)
            elif after.reserved.has_number(old.number):
                self.add("enum-value-removed-reserved", path, False,
                         f"enum value `{path} = {old.number}` removed, number reserved", old_path, old.line, True,
                         note=RESERVED_NOTE + " JSON clients that send the name are rejected.")
            else:
                self.add("enum-value-removed", path, True,
                         f"enum value `{path} = {old.number}` removed without reserving its number", old_path,
                         old.line, True)
        for value_name in sorted(new_names.keys() - old_names.keys()):
            if value_name in renamed_to:
                continue
            new = new_names[value_name]
            path = f"{name}.{value_name}"
            if before.reserved.has_number(new.number):
                self.add("reserved-number-reused", path, True,
                         f"enum value `{path}` uses number {new.number}, which was reserved", new_path, new.line)
            else:
                self.add("enum-value-added", path, False, f"enum value `{path} = {new.number}` added", new_path,
                         new.line, note=ENUM_ADDED_NOTE)
        for value_name in sorted(old_names.keys() & new_names.keys()):
            old, new = old_names[value_name], new_names[value_name]
            path = f"{name}.{value_name}"
            if old.number != new.number:
                self.add("enum-value-number-changed", path, True,
                         f"enum value `{path}`: number {old.number} -> {new.number}", new_path, new.line)
            if new.deprecated and not old.deprecated:
                self.add("enum-value-deprecated", path, False, f"enum value `{path}` deprecated", new_path, new.line,
                         note=DEPRECATED_NOTE)

    # services
    def service(self, old_path: str, before: ProtoService, new_path: str, after: ProtoService) -> None:
        old_rpcs = {r.name: r for r in before.rpcs}
        new_rpcs = {r.name: r for r in after.rpcs}
        for rpc_name in sorted(old_rpcs.keys() - new_rpcs.keys()):
            old = old_rpcs[rpc_name]
            was = " (it was deprecated)" if old.deprecated else ""
            self.add("rpc-removed", f"{after.name}/{rpc_name}", True, f"rpc `{after.name}/{rpc_name}` removed{was}",
                     old_path, old.line, True)
        for rpc_name in sorted(new_rpcs.keys() - old_rpcs.keys()):
            self.add("rpc-added", f"{after.name}/{rpc_name}", False, f"rpc `{after.name}/{rpc_name}` added",
                     new_path, new_rpcs[rpc_name].line)
        for rpc_name in sorted(old_rpcs.keys() & new_rpcs.keys()):
            old, new = old_rpcs[rpc_name], new_rpcs[rpc_name]
            path = f"{after.name}/{rpc_name}"
            if not self.same_type(old.request, new.request):
                self.add("rpc-request-type-changed", path, True, f"`{path}` request {old.request} -> {new.request}",
                         new_path, new.line)
            if not self.same_type(old.response, new.response):
                self.add("rpc-response-type-changed", path, True,
                         f"`{path}` response {old.response} -> {new.response}", new_path, new.line)
            if (old.client_streaming, old.server_streaming) != (new.client_streaming, new.server_streaming):
                self.add("rpc-streaming-changed", path, True,
                         f"`{path}` streaming {_streaming(old)} -> {_streaming(new)}", new_path, new.line)
            if new.deprecated and not old.deprecated:
                self.add("rpc-deprecated", path, False, f"`{path}` deprecated", new_path, new.line,
                         note=DEPRECATED_NOTE)


def _streaming(rpc) -> str:
    return {(False, False): "unary", (True, False): "client streaming", (False, True): "server streaming",
            (True, True): "bidirectional"}[(rpc.client_streaming, rpc.server_streaming)]


def diff_protos(old: ProtoSide, new: ProtoSide, scope: set[str] | None = None) -> list[SpecChange]:
    """Every change between the two sides, breaking first. `scope`: report removed and added
    definitions only for these files (paths present on both sides; a definition found on both sides
    is always compared); None: everything. A file that did not parse on either
    side is left out, and while one does, nothing is reported removed (or added) on its account."""
    return _Diff(old, new, scope).run()
