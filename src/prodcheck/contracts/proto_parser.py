"""A small reader for Protocol Buffers `.proto` files: the part of the language that makes a contract.

Read: `syntax`/`edition`, `package`, `import`, messages (nested), enums, fields (label, type, name,
number, the options `deprecated`, `json_name` and `default`), `oneof`, `map<K, V>`, proto2 groups,
`reserved` numbers, ranges and names, and services with their rpcs (`stream` on either side).
Skipped (read past, never interpreted): option statements and values, `extensions`, `extend`
blocks. Type names are resolved to fully qualified names with protobuf's scoping rules against
the definitions of the same file; a name defined elsewhere (an import) stays as written.

Nothing is compiled or executed, and protoc is never run. Malformed input raises ProtoSyntaxError
with the line; the reader never recurses deeper than MAX_NESTING.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_NESTING = 64
MAX_FIELD_NUMBER = 536_870_911
SCALARS = frozenset({"double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
                     "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes"})
_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\f\v]+) | (?P<newline>\n) | (?P<line_comment>//[^\n]*) | (?P<block_comment>/\*.*?\*/)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<number>(?:0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)[fF]?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<symbol>[{}()\[\]<>;,=:.+\-/])
""", re.VERBOSE | re.DOTALL)


class ProtoSyntaxError(ValueError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message, self.line = message, line


@dataclass(frozen=True)
class Token:
    kind: str          # ident, number, string, symbol, eof
    text: str
    line: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    line, position = 1, 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            if text.startswith("/*", position):
                raise ProtoSyntaxError("unterminated comment", line)
            if text[position] in "\"'":
                raise ProtoSyntaxError("unterminated string", line)
            raise ProtoSyntaxError(f"unexpected character {text[position]!r}", line)
        kind, value = match.lastgroup, match.group()
        if kind == "symbol" and text.startswith("/*", position):
            raise ProtoSyntaxError("unterminated comment", line)
        if kind in ("ident", "number", "string", "symbol"):
            tokens.append(Token(kind, value, line))
        line += value.count("\n")
        position = match.end()
    tokens.append(Token("eof", "", line))
    return tokens


# --------------------------------------------------------------------------- the model

@dataclass
class ProtoField:
    name: str
    number: int
    type: str                  # a scalar, a fully qualified name (no leading dot), or map<K, V>
    label: str                 # "optional", "required", "repeated" or "" (no label)
    line: int
    oneof: str = ""
    options: dict[str, str] = field(default_factory=dict)     # deprecated, json_name, default
    raw_type: str = ""

    @property
    def deprecated(self) -> bool:
        return self.options.get("deprecated") == "true"


@dataclass
class Reserved:
    ranges: list[tuple[int, int]] = field(default_factory=list)     # inclusive
    names: set[str] = field(default_factory=set)

    def has_number(self, number: int) -> bool:
        return any(low <= number <= high for low, high in self.ranges)


@dataclass
class ProtoMessage:
    name: str                  # fully qualified
    line: int
    fields: list[ProtoField] = field(default_factory=list)
    reserved: Reserved = field(default_factory=Reserved)
    oneofs: list[str] = field(default_factory=list)


@dataclass
class ProtoEnumValue:
    name: str
    number: int
    line: int
    deprecated: bool = False


@dataclass
class ProtoEnum:
    name: str
    line: int
    values: list[ProtoEnumValue] = field(default_factory=list)
    reserved: Reserved = field(default_factory=Reserved)


@dataclass
class ProtoRpc:
    name: str
    request: str
    response: str
    client_streaming: bool
    server_streaming: bool
    line: int
    deprecated: bool = False


@dataclass
class ProtoService:
    name: str
    line: int
    rpcs: list[ProtoRpc] = field(default_factory=list)


@dataclass
class ProtoFile:
    path: str
    syntax: str = "proto2"     # proto2, proto3 or editions
    edition: str = ""
    package: str = ""
    package_line: int = 0
    imports: list[str] = field(default_factory=list)
    messages: list[ProtoMessage] = field(default_factory=list)    # nested ones too, by full name
    enums: list[ProtoEnum] = field(default_factory=list)
    services: list[ProtoService] = field(default_factory=list)
    references: list = field(default_factory=list)    # (scope, field or rpc, attribute) not yet resolved


# --------------------------------------------------------------------------- the parser

class _Parser:
    def __init__(self, path: str, text: str):
        self.tokens = tokenize(text)
        self.index = 0
        self.file = ProtoFile(path)
        self.pending = self.file.references

    # tokens
    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def next(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != "eof":
            self.index += 1
        return token

    def at(self, text: str) -> bool:
        return self.token.kind in ("symbol", "ident") and self.token.text == text

    def accept(self, text: str) -> bool:
        if self.at(text):
            self.index += 1
            return True
        return False

    def expect(self, text: str) -> Token:
        if not self.at(text):
            self.fail(f"expected {text!r}")
        return self.next()

    def fail(self, message: str):
        token = self.token
        found = "end of file" if token.kind == "eof" else repr(token.text)
        raise ProtoSyntaxError(f"{message}, found {found}", token.line)

    def ident(self) -> str:
        if self.token.kind != "ident":
            self.fail("expected a name")
        return self.next().text

    def full_ident(self) -> str:
        parts = [self.ident()]
        while self.accept("."):
            parts.append(self.ident())
        return ".".join(parts)

    def type_name(self) -> str:
        lead = "." if self.accept(".") else ""
        return lead + self.full_ident()

    def string(self) -> str:
        if self.token.kind != "string":
            self.fail("expected a string")
        parts = []
        while self.token.kind == "string":
            parts.append(self.next().text[1:-1])
        return "".join(parts)

    def integer(self) -> int:
        negative = self.accept("-")
        token = self.token
        if token.kind != "number":
            self.fail("expected a number")
        self.next()
        text = token.text
        try:
            if text.lower().startswith("0x"):
                value = int(text, 16)
            elif len(text) > 1 and text.startswith("0") and text.isdigit():
                value = int(text, 8)
            else:
                value = int(text)
        except ValueError:
            raise ProtoSyntaxError(f"expected an integer, found {text!r}", token.line) from None
        return -value if negative else value

    def skip_statement(self) -> None:
        """Past the next `;` at this level, or past a balanced `{...}` block."""
        depth = 0
        while True:
            token = self.next()
            if token.kind == "eof":
                raise ProtoSyntaxError("unexpected end of file", token.line)
            if token.kind == "symbol":
                if token.text in "{[(":
                    depth += 1
                elif token.text in "}])":
                    depth -= 1
                    if depth < 0:
                        raise ProtoSyntaxError(f"unbalanced {token.text!r}", token.line)
                    if depth == 0 and token.text == "}":
                        self.accept(";")
                        return
                elif token.text == ";" and depth == 0:
                    return

    def option_value(self) -> str:
        """A constant, or a message literal (read past and returned as "{...}")."""
        if self.at("{"):
            depth = 0
            while True:
                token = self.next()
                if token.kind == "eof":
                    raise ProtoSyntaxError("unexpected end of file in an option value", token.line)
                if token.text == "{" and token.kind == "symbol":
                    depth += 1
                elif token.text == "}" and token.kind == "symbol":
                    depth -= 1
                    if depth == 0:
                        return "{...}"
        sign = "-" if self.accept("-") else ""
        self.accept("+")
        token = self.token
        if token.kind == "string":
            return self.string()
        if token.kind in ("number", "ident"):
            self.next()
            return sign + token.text
        self.fail("expected an option value")

    def option_name(self) -> str:
        parts = []
        while True:
            if self.accept("("):
                parts.append("(" + self.type_name() + ")")
                self.expect(")")
            else:
                parts.append(self.ident())
            if not self.accept("."):
                return ".".join(parts)

    def field_options(self) -> dict[str, str]:
        options: dict[str, str] = {}
        if not self.accept("["):
            return options
        while True:
            name = self.option_name()
            self.expect("=")
            options[name] = self.option_value()
            if self.accept("]"):
                return options
            self.expect(",")

    # file level
    def parse(self) -> ProtoFile:
        first = True
        while self.token.kind != "eof":
            token = self.token
            if self.accept(";"):
                continue
            if token.text in ("syntax", "edition") and token.kind == "ident" and first:
                self.next()
                self.expect("=")
                value = self.string()
                self.expect(";")
                if token.text == "syntax":
                    self.file.syntax = value
                else:
                    self.file.syntax, self.file.edition = "editions", value
            elif self.accept("package"):
                self.file.package_line = token.line
                self.file.package = self.full_ident()
                self.expect(";")
            elif self.accept("import"):
                if self.token.kind == "ident" and self.token.text in ("weak", "public", "option"):
                    self.next()
                self.file.imports.append(self.string())
                self.expect(";")
            elif self.accept("option"):
                self.skip_statement()
            elif self.accept("message"):
                self.message(self.file.package, token.line, 0)
            elif self.accept("enum"):
                self.enum(self.file.package, token.line)
            elif self.accept("service"):
                self.service(token.line)
            elif self.accept("extend"):
                self.skip_statement()
            else:
                self.fail("expected a declaration")
            first = False
        return self.file

    def qualify(self, scope: str, name: str) -> str:
        return f"{scope}.{name}" if scope else name

    def message(self, scope: str, line: int, depth: int, name: str = "") -> ProtoMessage:
        if depth > MAX_NESTING:
            raise ProtoSyntaxError("messages nested too deeply", line)
        name = name or self.ident()
        message = ProtoMessage(self.qualify(scope, name), line)
        self.file.messages.append(message)
        self.expect("{")
        self.message_body(message, depth, oneof="")
        return message

    def message_body(self, message: ProtoMessage, depth: int, oneof: str) -> None:
        while not self.accept("}"):
            token = self.token
            if token.kind == "eof":
                self.fail("expected '}'")
            if self.accept(";"):
                continue
            keyword = token.text if token.kind == "ident" else ""
            following = self.tokens[self.index + 1] if self.index + 1 < len(self.tokens) else token
            after = self.tokens[self.index + 2] if self.index + 2 < len(self.tokens) else following
            declaration = following.kind == "ident" and after.text != "="
            if keyword == "option" and following.text != "=":
                self.next()
                self.skip_statement()
            elif keyword == "message" and declaration and not oneof:
                self.next()
                self.message(message.name, token.line, depth + 1)
            elif keyword == "enum" and declaration and not oneof:
                self.next()
                self.enum(message.name, token.line)
            elif keyword in ("extensions", "extend") and not oneof and (
                    following.kind == "number" or declaration):
                self.next()
                self.skip_statement()
            elif keyword == "reserved" and not oneof and (
                    following.kind in ("number", "string") or following.kind == "ident" and after.text != "="):
                self.next()
                self.reserved(message.reserved)
            elif keyword == "oneof" and following.kind == "ident" and not oneof:
                self.next()
                group = self.ident()
                message.oneofs.append(group)
                self.expect("{")
                self.message_body(message, depth, oneof=group)
            else:
                self.field(message, depth, oneof)

    def field(self, message: ProtoMessage, depth: int, oneof: str) -> None:
        line = self.token.line
        label = ""
        if self.token.kind == "ident" and self.token.text in ("optional", "required", "repeated"):
            following = self.tokens[self.index + 1]
            if following.kind == "ident" or following.text == ".":
                label = self.next().text
        if self.at("map") and self.tokens[self.index + 1].text == "<":
            self.next()
            self.expect("<")
            key = self.type_name()
            self.expect(",")
            value = self.type_name()
            self.expect(">")
            raw = f"map<{key}, {value}>"
        else:
            raw = self.type_name()
        if raw == "group" and self.token.kind == "ident":
            group_name = self.ident()
            self.expect("=")
            number = self.integer()
            options = self.field_options()
            self.message(message.name, line, depth + 1, name=group_name)
            item = ProtoField(group_name.lower(), number, self.qualify(message.name, group_name), label, line, oneof,
                              options, group_name)
            message.fields.append(item)
            return
        name = self.ident()
        self.expect("=")
        number = self.integer()
        options = self.field_options()
        self.expect(";")
        if not 1 <= number <= MAX_FIELD_NUMBER:
            raise ProtoSyntaxError(f"field number {number} of {name!r} is out of range", line)
        item = ProtoField(name, number, raw, label, line, oneof, options, raw)
        message.fields.append(item)
        self.pending.append((message.name, item, "type"))

    def reserved(self, into: Reserved) -> None:
        while True:
            if self.token.kind == "string":
                into.names.add(self.string())
            elif self.token.kind == "ident":
                into.names.add(self.ident())
            else:
                low = self.integer()
                high = low
                if self.accept("to"):
                    high = MAX_FIELD_NUMBER if self.accept("max") else self.integer()
                into.ranges.append((low, high))
            if self.accept(";"):
                return
            self.expect(",")

    def enum(self, scope: str, line: int) -> None:
        enum = ProtoEnum(self.qualify(scope, self.ident()), line)
        self.file.enums.append(enum)
        self.expect("{")
        while not self.accept("}"):
            token = self.token
            if token.kind == "eof":
                self.fail("expected '}'")
            if self.accept(";"):
                continue
            following = self.tokens[self.index + 1]
            if token.text == "option" and following.text != "=":
                self.next()
                self.skip_statement()
            elif token.text == "reserved" and following.text != "=":
                self.next()
                self.reserved(enum.reserved)
            else:
                name = self.ident()
                self.expect("=")
                number = self.integer()
                options = self.field_options()
                self.expect(";")
                enum.values.append(ProtoEnumValue(name, number, token.line, options.get("deprecated") == "true"))

    def service(self, line: int) -> None:
        service = ProtoService(self.qualify(self.file.package, self.ident()), line)
        self.file.services.append(service)
        self.expect("{")
        while not self.accept("}"):
            token = self.token
            if token.kind == "eof":
                self.fail("expected '}'")
            if self.accept(";"):
                continue
            if self.accept("option"):
                self.skip_statement()
                continue
            if not self.accept("rpc"):
                self.fail("expected 'rpc'")
            name = self.ident()
            self.expect("(")
            client = self.stream()
            request = self.type_name()
            self.expect(")")
            self.expect("returns")
            self.expect("(")
            server = self.stream()
            response = self.type_name()
            self.expect(")")
            rpc = ProtoRpc(name, request, response, client, server, token.line)
            if self.accept("{"):
                while not self.accept("}"):
                    if self.token.kind == "eof":
                        self.fail("expected '}'")
                    if self.accept(";"):
                        continue
                    self.expect("option")
                    option = self.option_name()
                    self.expect("=")
                    value = self.option_value()
                    self.expect(";")
                    if option == "deprecated" and value == "true":
                        rpc.deprecated = True
                self.accept(";")
            else:
                self.expect(";")
            service.rpcs.append(rpc)
            self.pending.append((self.file.package, rpc, "request"))
            self.pending.append((self.file.package, rpc, "response"))

    def stream(self) -> bool:
        following = self.tokens[self.index + 1]
        if self.at("stream") and (following.kind == "ident" or following.text == "."):
            self.next()
            return True
        return False



def resolve_types(files: list[ProtoFile]) -> None:
    """Rewrite the type names the files' fields and rpcs use to fully qualified names, against the
    definitions of all of `files` (one revision: a name imported from a sibling file resolves too)."""
    known = {m.name for f in files for m in f.messages} | {e.name for f in files for e in f.enums}
    prefixes = {".".join(name.split(".")[:size]) for name in known for size in range(1, name.count(".") + 1)}
    for proto in files:
        for scope, holder, attribute in proto.references:
            written = getattr(holder, attribute)
            if written.startswith("map<"):
                key, _, value = written[4:-1].partition(", ")
                setattr(holder, attribute, f"map<{key}, {resolve_name(value, scope, known, prefixes)}>")
            else:
                setattr(holder, attribute, resolve_name(written, scope, known, prefixes))
        proto.references = []


def resolve_name(written: str, scope: str, known: set[str], prefixes: set[str]) -> str:
    """The fully qualified name `written` refers to from `scope` (protobuf's rule: the innermost scope
    where the first component is defined), or `written` itself (no leading dot) when the file does
    not define it."""
    if written in SCALARS:
        return written
    if written.startswith("."):
        return written[1:]
    first = written.split(".", 1)[0]
    parts = scope.split(".") if scope else []
    for size in range(len(parts), -1, -1):
        prefix = ".".join(parts[:size])
        candidate = f"{prefix}.{first}" if prefix else first
        if candidate in known or candidate in prefixes:
            return f"{prefix}.{written}" if prefix else written
    return written


def parse_proto(path: str, text: str) -> ProtoFile:
    """The file's contract model, type names as written until resolve_types; raises ProtoSyntaxError
    (with the line) on malformed input."""
    return _Parser(path, text.removeprefix("\ufeff")).parse()
