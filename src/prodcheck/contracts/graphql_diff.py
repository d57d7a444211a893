"""Compare two versions of a GraphQL schema (SDL) and classify every change for the API's clients.

A side is one schema made of every SDL file given for it (`*.graphql`, `*.graphqls`, `*.gql`): type
definitions and `extend` clauses are merged by type name, whichever file they are in, so a schema
split over several files compares as a whole and a type moved between files is no change. Files
that hold only operations (client queries and fragments) add nothing. Files are parsed with
graphql-core's SDL parser; nothing is executed, and names a file refers to but does not define
(custom directives, types from elsewhere) are fine.

Variance decides whether a changed type breaks clients:
- output fields (of object and interface types) may become stricter: `String` -> `String!` is safe
  (clients that handled null still work), `String!` -> `String` is not;
- inputs (arguments and input-object fields) may become looser: `ID!` -> `ID` is safe (a value that
  was accepted is still accepted, also through variables), `ID` -> `ID!` is not;
- the named type itself and the list structure must stay the same in both directions.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from prodcheck.contracts.openapi_diff import SpecChange

SDL_SUFFIXES = (".graphql", ".graphqls", ".gql")
METHOD = "GraphQL"
MAX_SDL_BYTES = 8 * 1024 * 1024
EXECUTABLE_LOCATIONS = frozenset({"QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION",
                                  "FRAGMENT_SPREAD", "INLINE_FRAGMENT", "VARIABLE_DEFINITION"})
OPERATIONS = ("query", "mutation", "subscription")


# --------------------------------------------------------------------------- the model

@dataclass(frozen=True)
class Where:
    file: str
    line: int


@dataclass(frozen=True)
class TypeRef:
    """A wrapped type: `kind` is "named", "list" or "non_null"."""
    kind: str
    name: str = ""
    of: TypeRef | None = None

    def __str__(self) -> str:
        if self.kind == "named":
            return self.name
        if self.kind == "list":
            return f"[{self.of}]"
        return f"{self.of}!"


@dataclass
class InputValue:
    """An argument or an input-object field."""
    name: str
    type: TypeRef
    default: str | None
    deprecated: str | None
    where: Where


@dataclass
class Field:
    name: str
    type: TypeRef
    args: dict[str, InputValue]
    deprecated: str | None
    where: Where


@dataclass
class TypeDef:
    name: str
    kind: str                  # object, interface, union, enum, input, scalar
    where: Where
    fields: dict[str, Field] = field(default_factory=dict)             # object, interface
    inputs: dict[str, InputValue] = field(default_factory=dict)        # input object
    interfaces: dict[str, Where] = field(default_factory=dict)
    members: dict[str, Where] = field(default_factory=dict)            # union
    values: dict[str, tuple[Where, str | None]] = field(default_factory=dict)   # enum: where, deprecation
    defined: bool = False      # seen as a definition, not only as `extend`


@dataclass
class Directive:
    name: str
    locations: frozenset[str]
    where: Where


@dataclass
class Schema:
    types: dict[str, TypeDef] = field(default_factory=dict)
    directives: dict[str, Directive] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)         # operation -> type name, when declared
    files: list[str] = field(default_factory=list)              # the SDL files that define something
    problems: list[tuple[str, int, str]] = field(default_factory=list)
    broken: bool = False                                        # a file did not parse

    def root(self, operation: str) -> str | None:
        if self.roots:
            return self.roots.get(operation)
        default = operation.capitalize()
        return default if default in self.types else None


# --------------------------------------------------------------------------- loading

def is_sdl_path(path: str) -> bool:
    return path.lower().endswith(SDL_SUFFIXES)


def load_schema(documents: list[tuple[str, str]]) -> Schema:
    """One schema from the SDL texts `documents` ((path, text), in a stable order). A file that does not
    parse is a problem and marks the schema broken (it is then incomplete: callers do not compare it)."""
    from graphql import GraphQLError, Source, parse
    schema = Schema()
    for path, text in sorted(documents):
        try:
            document = parse(Source(text, path), no_location=False)
        except GraphQLError as exc:
            line = exc.locations[0].line if exc.locations else 0
            schema.problems.append((path, line, f"GraphQL syntax error: {exc.message}"))
            schema.broken = True
            continue
        except RecursionError:
            schema.problems.append((path, 0, "GraphQL document nested too deeply to read"))
            schema.broken = True
            continue
        if _add_document(schema, path, document):
            schema.files.append(path)
    return schema


def _where(node, path: str) -> Where:
    loc = getattr(node, "loc", None)
    if loc is None or loc.source is None:
        return Where(path, 0)
    return Where(path, loc.source.get_location(loc.start).line)


def _type_ref(node) -> TypeRef:
    from graphql.language import ListTypeNode, NonNullTypeNode
    if isinstance(node, NonNullTypeNode):
        return TypeRef("non_null", of=_type_ref(node.type))
    if isinstance(node, ListTypeNode):
        return TypeRef("list", of=_type_ref(node.type))
    return TypeRef("named", node.name.value)


def _deprecation(node) -> str | None:
    """The deprecation reason ("" without one), or None when not deprecated."""
    from graphql.language import StringValueNode
    for directive in getattr(node, "directives", None) or ():
        if directive.name.value == "deprecated":
            for argument in directive.arguments or ():
                if argument.name.value == "reason" and isinstance(argument.value, StringValueNode):
                    return argument.value.value
            return ""
    return None


def _input_value(node, path: str) -> InputValue:
    from graphql import print_ast
    default = print_ast(node.default_value) if node.default_value is not None else None
    return InputValue(node.name.value, _type_ref(node.type), default, _deprecation(node), _where(node, path))


_KINDS = {
    "ObjectTypeDefinitionNode": "object", "ObjectTypeExtensionNode": "object",
    "InterfaceTypeDefinitionNode": "interface", "InterfaceTypeExtensionNode": "interface",
    "UnionTypeDefinitionNode": "union", "UnionTypeExtensionNode": "union",
    "EnumTypeDefinitionNode": "enum", "EnumTypeExtensionNode": "enum",
    "InputObjectTypeDefinitionNode": "input", "InputObjectTypeExtensionNode": "input",
    "ScalarTypeDefinitionNode": "scalar", "ScalarTypeExtensionNode": "scalar",
}


def _add_document(schema: Schema, path: str, document) -> bool:
    from graphql.language import DirectiveDefinitionNode, SchemaDefinitionNode, SchemaExtensionNode
    found = False
    for node in document.definitions:
        name = type(node).__name__
        if isinstance(node, (SchemaDefinitionNode, SchemaExtensionNode)):
            found = True
            for operation in node.operation_types or ():
                schema.roots[operation.operation.value] = operation.type.name.value
        elif isinstance(node, DirectiveDefinitionNode):
            found = True
            schema.directives[node.name.value] = Directive(
                node.name.value, frozenset(loc.value for loc in node.locations), _where(node, path))
        elif name in _KINDS:
            found = True
            _add_type(schema, path, node, _KINDS[name], name.endswith("DefinitionNode"))
    return found


def _add_type(schema: Schema, path: str, node, kind: str, definition: bool) -> None:
    type_name = node.name.value
    current = schema.types.get(type_name)
    if current is None:
        current = schema.types[type_name] = TypeDef(type_name, kind, _where(node, path))
    elif current.kind != kind:
        schema.problems.append((path, _where(node, path).line,
                                f"`{type_name}` is defined as {kind} here but as {current.kind} in "
                                f"{current.where.file}; the first definition is kept"))
        return
    if definition and not current.defined:
        current.defined, current.where = True, _where(node, path)
    for item in getattr(node, "fields", None) or ():
        if kind == "input":
            current.inputs.setdefault(item.name.value, _input_value(item, path))
        else:
            args = {arg.name.value: _input_value(arg, path) for arg in item.arguments or ()}
            current.fields.setdefault(item.name.value, Field(item.name.value, _type_ref(item.type), args,
                                                             _deprecation(item), _where(item, path)))
    for interface in getattr(node, "interfaces", None) or ():
        current.interfaces.setdefault(interface.name.value, _where(interface, path))
    for member in getattr(node, "types", None) or ():
        current.members.setdefault(member.name.value, _where(member, path))
    for value in getattr(node, "values", None) or ():
        current.values.setdefault(value.name.value, (_where(value, path), _deprecation(value)))


# --------------------------------------------------------------------------- variance

def safe_output_change(old: TypeRef, new: TypeRef) -> bool:
    """A client that read `old` can read `new`: the same type, possibly with non-null added anywhere."""
    if old.kind == "non_null":
        return new.kind == "non_null" and safe_output_change(old.of, new.of)
    if new.kind == "non_null":
        return safe_output_change(old, new.of)
    if old.kind == "list":
        return new.kind == "list" and safe_output_change(old.of, new.of)
    return new.kind == "named" and old.name == new.name


def safe_input_change(old: TypeRef, new: TypeRef) -> bool:
    """Every value (and variable) a client could send for `old` is valid for `new`: the same type,
    possibly with non-null removed anywhere."""
    if old.kind == "non_null":
        return safe_input_change(old.of, new.of if new.kind == "non_null" else new)
    if new.kind == "non_null":
        return False
    if old.kind == "list":
        return new.kind == "list" and safe_input_change(old.of, new.of)
    return new.kind == "named" and old.name == new.name


# --------------------------------------------------------------------------- notes

NOTES = {
    "type-removed": "Queries and fragments that name this type fail validation: keep the type until no "
                    "client selects it, and remove it in a major version.",
    "type-kind-changed": "Fragments and generated clients built for the old kind break: add a new type and "
                         "deprecate the old one instead.",
    "field-removed": "Queries selecting this field fail validation: mark it `@deprecated(reason: ...)`, wait "
                     "until no client selects it (field usage metrics), then remove it.",
    "field-type-changed": "Clients parsing the old type break: add a new field with the new type and deprecate "
                          "the old one.",
    "argument-removed": "Queries passing this argument fail validation: keep accepting it (deprecated, ignored "
                        "or mapped) for a release.",
    "new-required-argument": "Existing queries do not pass it and fail validation: give it a default value or "
                             "make it nullable.",
    "argument-type-changed": "Queries passing the old type (literals or variables) fail validation: add a new "
                             "argument and deprecate the old one.",
    "enum-value-removed": "Queries sending the value fail, and clients matching on it never see it again: "
                          "deprecate the value first and remove it once unused.",
    "new-required-input-field": "Existing clients do not send this field and fail validation: give it a default "
                                "value or make it nullable.",
    "input-field-removed": "Clients still sending the field fail validation: keep it (deprecated, ignored) for "
                           "a release.",
    "input-field-type-changed": "Clients sending the old type fail validation: add a new field and deprecate "
                                "the old one.",
    "union-member-removed": "Fragments on this member inside the union no longer match (or fail validation): "
                            "keep the member until clients stop selecting it.",
    "interface-removed": "Fragments on the interface no longer match this type and queries through the "
                         "interface lose its objects: keep implementing it for a release.",
    "directive-removed": "Queries using the directive fail validation: keep it until clients stop using it.",
    "directive-location-removed": "Queries using the directive at that location fail validation.",
    "root-type-changed": "Operations of this kind are now resolved on another type: check every client query.",
}
NON_BREAKING_NOTE = "Additive or relaxing: existing clients are unaffected."
ENUM_ADDED_NOTE = ("Not breaking for tolerant clients; clients that switch exhaustively over the values "
                   "(generated enums, TypeScript unions) need an update to handle the new value.")
DEPRECATED_NOTE = "Tell clients the replacement and the removal date; field usage metrics show who still uses it."
DEFAULT_NOTE = ("Not breaking for validation, but clients that omit the value now get different behaviour: "
                "check they expect the new default.")
STRICTER_OUTPUT_NOTE = "An output may become stricter: clients that handled null (or null items) still work."
LOOSER_INPUT_NOTE = "An input may become looser: every value that was accepted still is; the resolver must handle null."


# --------------------------------------------------------------------------- comparing

class _Diff:
    def __init__(self, old: Schema, new: Schema):
        self.old, self.new = old, new
        self.found: list[SpecChange] = []

    def add(self, kind: str, path: str, breaking: bool, detail: str, where: Where, at_base: bool = False,
            note: str = "") -> None:
        note = note or (NOTES.get(kind, NON_BREAKING_NOTE) if breaking else NON_BREAKING_NOTE)
        self.found.append(SpecChange(kind, METHOD, path, breaking, detail, note, where.file, where.line, at_base))

    def run(self) -> list[SpecChange]:
        pairs = self.roots()
        paired_old = {old for old, _ in pairs}
        paired_new = {new for _, new in pairs}
        for name in sorted(self.old.types.keys() - self.new.types.keys() - paired_old):
            before = self.old.types[name]
            self.add("type-removed", name, True, f"{before.kind} type `{name}` removed", before.where, True)
        for name in sorted(self.new.types.keys() - self.old.types.keys() - paired_new):
            after = self.new.types[name]
            self.add("type-added", name, False, f"{after.kind} type `{name}` added", after.where)
        same = [(n, n) for n in sorted(self.old.types.keys() & self.new.types.keys())
                if n not in paired_old and n not in paired_new]
        for old_name, new_name in pairs + same:
            self.compare_type(self.old.types[old_name], self.new.types[new_name])
        self.directives()
        return sorted(self.found, key=lambda c: (not c.breaking, c.path, c.kind, c.detail))

    def roots(self) -> list[tuple[str, str]]:
        """Root types whose name changed, compared with each other (clients do not name the root type
        in their operations, only in fragments)."""
        pairs = []
        for operation in OPERATIONS:
            was, now = self.old.root(operation), self.new.root(operation)
            if was is None or now is None or was == now:
                continue
            if now not in self.new.types:
                continue
            if was in self.old.types and was not in self.new.types and now not in self.old.types:
                self.add("root-type-renamed", now, False, f"the {operation} root type `{was}` renamed to `{now}`",
                         self.new.types[now].where,
                         note=f"Operations are unaffected; fragments and `__typename` checks on `{was}` break.")
                pairs.append((was, now))
            else:
                self.add("root-type-changed", operation, True,
                         f"the {operation} root type changed from `{was}` to `{now}`", self.new.types[now].where)
        return pairs

    def compare_type(self, before: TypeDef, after: TypeDef) -> None:
        name = after.name
        if before.kind != after.kind:
            self.add("type-kind-changed", name, True, f"`{name}` changed from {before.kind} to {after.kind} type",
                     after.where)
            return
        if after.kind in ("object", "interface"):
            self.fields(before, after)
            for interface in sorted(before.interfaces.keys() - after.interfaces.keys()):
                self.add("interface-removed", name, True, f"`{name}` no longer implements `{interface}`",
                         after.where)
            for interface in sorted(after.interfaces.keys() - before.interfaces.keys()):
                self.add("interface-added", name, False, f"`{name}` now implements `{interface}`",
                         after.interfaces[interface])
        elif after.kind == "union":
            for member in sorted(before.members.keys() - after.members.keys()):
                self.add("union-member-removed", name, True, f"`{member}` removed from union `{name}`", after.where)
            for member in sorted(after.members.keys() - before.members.keys()):
                self.add("union-member-added", name, False, f"`{member}` added to union `{name}`",
                         after.members[member],
                         note="Clients that switch exhaustively over `__typename` need a case for the new member.")
        elif after.kind == "enum":
            self.enum_values(before, after)
        elif after.kind == "input":
            self.input_fields(before, after)

    def fields(self, before: TypeDef, after: TypeDef) -> None:
        for name in sorted(before.fields.keys() - after.fields.keys()):
            old = before.fields[name]
            was = " (it was deprecated)" if old.deprecated is not None else ""
            note = NOTES["field-removed"]
            if old.deprecated is not None:
                note = "It was deprecated: confirm in field usage metrics that no client still selects it."
            self.add("field-removed", f"{after.name}.{name}", True, f"field `{after.name}.{name}` removed{was}",
                     old.where, True, note)
        for name in sorted(after.fields.keys() - before.fields.keys()):
            new = after.fields[name]
            self.add("field-added", f"{after.name}.{name}", False, f"field `{after.name}.{name}: {new.type}` added",
                     new.where)
        for name in sorted(before.fields.keys() & after.fields.keys()):
            old, new = before.fields[name], after.fields[name]
            path = f"{after.name}.{name}"
            if old.type != new.type:
                if safe_output_change(old.type, new.type):
                    self.add("field-type-narrowed", path, False, f"`{path}`: {old.type} -> {new.type}", new.where,
                             note=STRICTER_OUTPUT_NOTE)
                else:
                    self.add("field-type-changed", path, True, f"`{path}`: {old.type} -> {new.type}", new.where)
            if new.deprecated is not None and old.deprecated is None:
                reason = f": {new.deprecated}" if new.deprecated else ""
                self.add("field-deprecated", path, False, f"`{path}` deprecated{reason}", new.where,
                         note=DEPRECATED_NOTE)
            self.arguments(path, old, new)

    def arguments(self, path: str, old: Field, new: Field) -> None:
        for name in sorted(old.args.keys() - new.args.keys()):
            self.add("argument-removed", f"{path}({name}:)", True, f"argument `{name}` removed from `{path}`",
                     old.args[name].where, True)
        for name in sorted(new.args.keys() - old.args.keys()):
            arg = new.args[name]
            if arg.type.kind == "non_null" and arg.default is None:
                self.add("new-required-argument", f"{path}({name}:)", True,
                         f"new required argument `{name}: {arg.type}` on `{path}`", arg.where)
            else:
                self.add("new-optional-argument", f"{path}({name}:)", False,
                         f"new optional argument `{name}: {arg.type}` on `{path}`", arg.where)
        for name in sorted(old.args.keys() & new.args.keys()):
            self.input_value("argument", f"{path}({name}:)", old.args[name], new.args[name])

    def input_value(self, what: str, path: str, old: InputValue, new: InputValue) -> None:
        if old.type != new.type:
            if safe_input_change(old.type, new.type):
                self.add(f"{what}-type-widened", path, False, f"`{path}`: {old.type} -> {new.type}", new.where,
                         note=LOOSER_INPUT_NOTE)
            else:
                tail = ""
                if new.type.kind == "non_null" and old.type.kind != "non_null" and new.default is not None:
                    tail = " (has a default: only clients that send null explicitly break)"
                self.add(f"{what}-type-changed", path, True, f"`{path}`: {old.type} -> {new.type}{tail}", new.where)
        if old.default != new.default:
            if new.default is None:
                detail = f"`{path}`: default value {old.default} removed"
                breaking = new.type.kind == "non_null"
            else:
                detail = f"`{path}`: default value {old.default or 'none'} -> {new.default}"
                breaking = False
            if breaking:
                self.add(f"{what}-default-removed", path, True, detail + " (now required)", new.where,
                         note="Clients that omitted it fail validation: keep the default.")
            else:
                self.add(f"{what}-default-changed", path, False, detail, new.where, note=DEFAULT_NOTE)
        if new.deprecated is not None and old.deprecated is None:
            self.add(f"{what}-deprecated", path, False, f"`{path}` deprecated", new.where, note=DEPRECATED_NOTE)

    def enum_values(self, before: TypeDef, after: TypeDef) -> None:
        name = after.name
        for value in sorted(before.values.keys() - after.values.keys()):
            where, deprecated = before.values[value]
            was = " (it was deprecated)" if deprecated is not None else ""
            self.add("enum-value-removed", f"{name}.{value}", True, f"enum value `{name}.{value}` removed{was}",
                     where, True)
        for value in sorted(after.values.keys() - before.values.keys()):
            self.add("enum-value-added", f"{name}.{value}", False, f"enum value `{name}.{value}` added",
                     after.values[value][0], note=ENUM_ADDED_NOTE)
        for value in sorted(before.values.keys() & after.values.keys()):
            (where, deprecated), was = after.values[value], before.values[value][1]
            if deprecated is not None and was is None:
                self.add("enum-value-deprecated", f"{name}.{value}", False, f"enum value `{name}.{value}` deprecated",
                         where, note=DEPRECATED_NOTE)

    def input_fields(self, before: TypeDef, after: TypeDef) -> None:
        for name in sorted(before.inputs.keys() - after.inputs.keys()):
            self.add("input-field-removed", f"{after.name}.{name}", True, f"input field `{after.name}.{name}` removed",
                     before.inputs[name].where, True)
        for name in sorted(after.inputs.keys() - before.inputs.keys()):
            item = after.inputs[name]
            path = f"{after.name}.{name}"
            if item.type.kind == "non_null" and item.default is None:
                self.add("new-required-input-field", path, True, f"new required input field `{path}: {item.type}`",
                         item.where)
            else:
                self.add("input-field-added", path, False, f"new optional input field `{path}: {item.type}`",
                         item.where)
        for name in sorted(before.inputs.keys() & after.inputs.keys()):
            self.input_value("input-field", f"{after.name}.{name}", before.inputs[name], after.inputs[name])

    def directives(self) -> None:
        for name in sorted(self.old.directives.keys() - self.new.directives.keys()):
            old = self.old.directives[name]
            if old.locations & EXECUTABLE_LOCATIONS:
                self.add("directive-removed", f"@{name}", True, f"directive `@{name}` removed", old.where, True)
        for name in sorted(self.old.directives.keys() & self.new.directives.keys()):
            old, new = self.old.directives[name], self.new.directives[name]
            gone = sorted((old.locations - new.locations) & EXECUTABLE_LOCATIONS)
            if gone:
                self.add("directive-location-removed", f"@{name}", True,
                         f"directive `@{name}` no longer allowed on {', '.join(gone)}", new.where)


def diff_schemas(old: Schema, new: Schema) -> list[SpecChange]:
    """Every change between the two schemas, breaking first. Nothing when either side is broken
    (a file did not parse: its types would look removed)."""
    if old.broken or new.broken:
        return []
    return _Diff(old, new).run()
