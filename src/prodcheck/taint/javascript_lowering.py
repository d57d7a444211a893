"""Lower a JavaScript/TypeScript file (a tree-sitter tree, never run) to taint IR `FunctionSummary`s.

Every function declaration, function-valued `const`, class method, object-literal method,
`exports.x = function`, `this.x = function` inside a constructor function, and the module body
as the pseudo-function `<module>`, becomes an ordered list of steps over local names (the shape
`python_lowering.py` produces):

- expressions reduce to `Expr` (request sources, local names read, ids of call sites whose results
  flow in); every call is a `CallSite` step emitted before the statement that uses it, nested calls
  first, with its callee qualified through the file's imports: `child_process.exec`, `fs.readFile`,
  `axios.get`, a default import is its module (`escape-html`), a project module's function is its
  module path plus its name (`src.services.users.find`, `src.users.service.UsersService.find`
  through a constructor-injected or `new`-built instance), so calls across modules resolve; globals
  are bare (`eval`, `RegExp`); `util.promisify(exec)` keeps `exec`; a method on a receiver of
  unknown type is `.name`;
- a function passed inline as an argument (`app.get('/x', (req, res) => {...})`, `.then(r => ...)`,
  `rows.map(x => ...)`) is lowered in place, as a branch that may or may not run: it reads the
  enclosing function's variables (closures), its parameters take the receiver's taint and its
  return values flow into the call's result. A request handler given inline runs later: what it
  writes to enclosing variables is not seen by the code after it, and it reads copies of enclosing
  containers so that a propagator filling one while handling a request stays inside the handler;
- names are in SSA form (`x`, `x#2`, ...), so the engine's strong updates stay exact; branches join
  into new versions; a loop head joins the version before the loop with the one its body ends with;
  a branch that leaves (return, throw, break, continue) does not reach the join; a guard such as
  `if (!ALLOWED.includes(x)) return ...`, `x === 'asc' || x === 'desc'`, `/^\\d+$/.test(x)`,
  `validator.isInt(x)` or `typeof x === 'number'` makes `x` a constant where it holds. The request
  and response parameters of inline handlers keep their plain names (`req`, `res`: they carry no
  taint themselves), so the spec's `receiver_names` match `res.send`;
- request data enters as `SourceRef`s: `req.query/params/body/headers/cookies/files` (also through
  destructuring, `({ body }, res) =>`), `req.get()/header()/param()` on a request parameter
  (`(req, res)` handlers, `req` parameters, `Request`-typed parameters, Fastify `(request, reply)`,
  route callbacks), and NestJS handler parameters decorated `@Query()`, `@Param()`, `@Body()`,
  `@Headers()` (`param_sources`; a `Parse*Pipe` or a `number`/`boolean` type makes them safe;
  `@Req()` is a request object);
- a few shapes become pseudo-calls the spec cleans: a string on a fixed origin (`"/users/" + id`,
  `${BASE_URL}/items/${id}`, `{ hostname: 'api.example.com', path }`) -> `<fixed-origin-url>`; an
  object literal or the whole `req.body` given to `send()` -> `<json-response>`; find options with a
  `where` key (SQL ORMs) -> `<orm-find-options>`; `s.replace(/[...]/g, '\\$&')` ->
  `<regex-escaped>`. Options objects are also read as literal keyword arguments
  (`{ shell: true }` -> `shell="true"`) for the spec's conditions; tagged templates
  (sql`...${x}`) pass their values as arguments after a constant first one.

Not followed: values stored on `this` by one method and read by another, closures of named nested
functions (only inline callbacks see the enclosing variables), dynamic property names, and callbacks
stored and called later. The lowering decides nothing about sinks or sanitizers: those are data in
`taint/specs/javascript.toml`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from prodcheck.facts.extractors.js_common import (
    FUNCTION_TYPES, Binding, FileView, arguments_of, string_of, unwrap,
)
from prodcheck.model import Location, Position
from prodcheck.parsing import treesitter
from prodcheck.taint.ir import (
    CONSTANT, EMPTY, Assign, CallSite, Expr, FunctionSummary, Return, SourceRef, Step, merge,
)

MODULE_FUNCTION = "<module>"
MAX_NESTING = 200                  # statements nested deeper are skipped, not crashed on

REQUEST_MEMBERS = {
    "query": "query", "params": "path", "body": "body", "headers": "header", "cookies": "cookie",
    "signedCookies": "cookie", "files": "file", "file": "file", "rawBody": "body",
}
REQUEST_METHODS = {"get": "header", "header": "header", "param": "query"}
RESPONSE_PARAM_NAMES = frozenset({"res", "response", "resp", "reply", "rep", "_res", "_reply", "_response"})
REQUEST_PARAM_NAMES = frozenset({"req", "request", "_req", "_request"})
REQUEST_TYPE = re.compile(r"(?:^|\.)(?:Request|FastifyRequest|IncomingMessage|NextApiRequest|NextRequest)\b")
NEST_SOURCE_DECORATORS = {"Query": "query", "Param": "path", "Body": "body", "Headers": "header",
                          "Cookies": "cookie", "UploadedFile": "file", "UploadedFiles": "file"}
NEST_REQUEST_DECORATORS = frozenset({"Req", "Request"})
NEST_SAFE_PIPES = frozenset({"ParseIntPipe", "ParseFloatPipe", "ParseBoolPipe", "ParseUUIDPipe",
                             "ParseEnumPipe"})
SAFE_PARAM_TYPES = frozenset({"number", "boolean", "bigint", "Date"})
GLOBAL_OBJECTS = frozenset({"Object", "JSON", "Math", "Number", "String", "Array", "Promise", "Buffer",
                            "Date", "Reflect", "URL", "URLSearchParams", "Boolean", "Symbol", "Map",
                            "Set", "BigInt", "Intl", "crypto", "console", "process", "path", "fs",
                            "DOMPurify", "validator"})
NUMERIC_OPERATORS = frozenset({"-", "*", "/", "%", "**", "|", "&", "^", "<<", ">>", ">>>"})
COMPARISON_OPERATORS = frozenset({"===", "!==", "==", "!=", "<", ">", "<=", ">=", "instanceof", "in"})
SAFE_PREDICATES = frozenset({"isInt", "isNumeric", "isUUID", "isAlphanumeric", "isAlpha", "isMongoId",
                             "isInteger", "isSafeInteger", "isFinite", "isBoolean", "isHexadecimal",
                             "isDecimal", "isFloat", "isPort"})
TERMINATING_CALLS = frozenset({"process.exit"})
PROMISIFIERS = frozenset({"promisify", "util.promisify"})
# an anchored pattern of letters, digits, `_`, `-`, classes of those, quantifiers and groups
SAFE_REGEX = re.compile(r"^\^(?:[A-Za-z0-9_\- ]|\\[dw]|\[(?:[A-Za-z0-9_\-]|\\[dw])+\]|[+*?]"
                        r"|\{\d+(?:,\d*)?\}|[()|])+\$$")
DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})
CLASS_TYPES = frozenset({"class_declaration", "abstract_class_declaration", "class"})
_SCOPE_BOUNDARIES = FUNCTION_TYPES | CLASS_TYPES          # what `_walk_scope` does not enter
INLINE_PARENTS = frozenset({"arguments"})
# a string built on a fixed origin ("/users/" + x, "https://api.example.com/v1/" + x) is lowered
# through this pseudo-callee; the spec makes it clean for the kinds whose danger is the origin
FIXED_ORIGIN_CALLEE = "<fixed-origin-url>"
FIXED_ORIGIN = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.\-]*://[^/?#\s{}%$]+[/?#]|/[^/\\{}%$]|[?#])")


# the text of the file being lowered and the byte offset of its root node (`node.text` would
# re-read the file through the parser's reader for every node)
_SOURCE: list[tuple[bytes, int]] = []


def text_of(node) -> str:
    if node is None:
        return ""
    if _SOURCE:
        data, offset = _SOURCE[-1]
        return data[node.start_byte - offset:node.end_byte - offset].decode("utf-8", errors="replace")
    return treesitter.text_of(node)


def string_value(node) -> str | None:
    """A plain string literal's value (see `treesitter.string_value`), read from `_SOURCE`."""
    if node is None:
        return None
    if node.type == "string":
        pieces = []
        for child in node.named_children:
            raw = text_of(child)
            pieces.append(raw[1:] if child.type == "escape_sequence" and len(raw) == 2 else raw)
        return "".join(pieces)
    if node.type == "template_string":
        if any(c.type == "template_substitution" for c in node.named_children):
            return None
        return text_of(node)[1:-1]
    return None


def location(path: str, node) -> Location:
    start, end = node.start_point, node.end_point
    return Location(path, Position(start[0] + 1, start[1] + 1), Position(end[0] + 1, end[1] + 1))


def _named(node) -> list:
    return [c for c in node.named_children if c.type != "comment"] if node is not None else []


def _field(node, name: str):
    return None if node is None else node.child_by_field_name(name)


# ---------------------------------------------------------------------------------------------
# the file: what every function sees


@dataclass(slots=True)
class ClassInfo:
    qualname: str
    methods: frozenset[str]
    static: frozenset[str]
    fields: dict[str, str]              # this.<field> -> qualified class of its value


@dataclass(slots=True)
class FileContext:
    path: str
    module: str
    view: FileView
    imports: dict[str, Binding]
    functions: dict[str, str] = field(default_factory=dict)     # module-level name -> qualname
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    objects: dict[str, frozenset[str]] = field(default_factory=dict)   # module-level object literal
    constants: set[str] = field(default_factory=set)            # module-level literal constants
    types: dict[str, str] = field(default_factory=dict)         # module-level name -> class qualname
    promisified: dict[str, object] = field(default_factory=dict)  # name -> the promisified callee node
    summaries: list[FunctionSummary] = field(default_factory=list)

    def qualify(self, name: str) -> str:
        return f"{self.module}.{name}" if self.module else name

    def class_qualname(self, type_name: str) -> str | None:
        """A type annotation or constructor name -> the qualified class, if it is this project's."""
        head = type_name.split("<", 1)[0].strip()
        if not head or not re.fullmatch(r"[A-Za-z_$][\w$]*", head):
            return None
        if head in self.classes:
            return self.classes[head].qualname
        binding = self.imports.get(head)
        if binding is not None and binding.module:
            return f"{binding.module}.{head if binding.name in ('default', '*') else binding.name}"
        return None

    def import_callee(self, name: str, members: list[str]) -> str | None:
        binding = self.imports.get(name)
        if binding is None:
            return None
        if binding.module:
            if binding.name in ("default", "*"):
                return ".".join([binding.module, *members]) if members else f"{binding.module}.default"
            return ".".join([binding.module, binding.name, *members])
        base = binding.spec if binding.name in ("default", "*") else f"{binding.spec}.{binding.name}"
        return ".".join([base, *members])


def build_context(path: str, root, view: FileView | None = None) -> FileContext:
    view = view or FileView.of(path, root)
    ctx = FileContext(path, view.module, view, dict(view.imports))
    for stmt in _named(root):
        node = stmt
        if node.type == "export_statement":
            inner = _field(node, "declaration")
            node = inner if inner is not None else node
        if node.type in ("function_declaration", "generator_function_declaration"):
            name = _field(node, "name")
            if name is not None:
                ctx.functions[text_of(name)] = ctx.qualify(text_of(name))
        elif node.type in CLASS_TYPES:
            name = _field(node, "name")
            if name is not None:
                ctx.classes[text_of(name)] = ClassInfo(ctx.qualify(text_of(name)), frozenset(), frozenset(), {})
        elif node.type in DECLARATIONS:
            for declarator in _named(node):
                _module_declarator(declarator, ctx)
    for stmt in _named(root):
        node = stmt
        if node.type == "export_statement":
            inner = _field(node, "declaration")
            node = inner if inner is not None else node
        if node.type in CLASS_TYPES:
            name = _field(node, "name")
            if name is not None:
                ctx.classes[text_of(name)] = _class_info(node, ctx.qualify(text_of(name)), ctx)
    return ctx


def _module_declarator(declarator, ctx: FileContext) -> None:
    if declarator.type != "variable_declarator":
        return
    name = _field(declarator, "name")
    value = unwrap(_field(declarator, "value"))
    if name is None or name.type != "identifier" or value is None:
        return
    key = text_of(name)
    if value.type in FUNCTION_TYPES:
        ctx.functions[key] = ctx.qualify(key)
    elif value.type == "object":
        ctx.objects[key] = frozenset(n for n, v in _object_functions(value))
    elif value.type == "class":
        ctx.classes[key] = _class_info(value, ctx.qualify(key), ctx)
    elif value.type == "new_expression":
        constructor = unwrap(_field(value, "constructor"))
        if constructor is not None and constructor.type == "identifier":
            kind = ctx.class_qualname(text_of(constructor))
            if kind:
                ctx.types[key] = kind
    elif value.type == "call_expression":
        function = unwrap(_field(value, "function"))
        args = arguments_of(value)
        if function is not None and text_of(function) in PROMISIFIERS and len(args) == 1:
            ctx.promisified[key] = args[0]
    if _is_literal(value) and _is_const(declarator):
        ctx.constants.add(key)


def _is_const(declarator) -> bool:
    parent = declarator.parent
    return parent is not None and parent.type == "lexical_declaration" and \
        text_of(_field(parent, "kind")) == "const"


def _is_literal(node, depth: int = 0) -> bool:
    """A value built of literals only: `['a', 'b']`, `{a: 1}`, `new Set(['x'])`, `Object.freeze([...])`."""
    node = unwrap(node)
    if node is None or depth > 8:
        return False
    kind = node.type
    if kind in ("string", "number", "true", "false", "null", "undefined", "regex"):
        return True
    if kind == "template_string":
        return string_value(node) is not None
    if kind == "array":
        return all(_is_literal(e, depth + 1) for e in _named(node))
    if kind == "object":
        for member in _named(node):
            if member.type != "pair" or not _is_literal(_field(member, "value"), depth + 1):
                return False
        return True
    if kind in ("new_expression", "call_expression"):
        function = unwrap(_field(node, "constructor" if kind == "new_expression" else "function"))
        if text_of(function) in ("Set", "Map", "Object.freeze", "Array.of", "Object.values", "Object.keys"):
            return all(_is_literal(a, depth + 1) for a in arguments_of(node))
    if kind == "unary_expression":
        return _is_literal(_field(node, "argument"), depth + 1)
    return False


def _object_functions(obj) -> Iterator[tuple[str, object]]:
    """(name, function node) for the methods and function-valued properties of an object literal."""
    for member in _named(obj):
        if member.type == "method_definition":
            name = _field(member, "name")
            if name is not None:
                yield text_of(name), member
        elif member.type == "pair":
            key = _field(member, "key")
            value = unwrap(_field(member, "value"))
            if key is not None and value is not None and value.type in FUNCTION_TYPES:
                yield (string_value(key) if key.type == "string" else text_of(key)), value


def _class_body(cls):
    return _field(cls, "body")


def _class_info(cls, qualname: str, ctx: FileContext) -> ClassInfo:
    methods, static, fields = set(), set(), {}
    for member in _named(_class_body(cls)):
        if member.type == "method_definition":
            name = text_of(_field(member, "name"))
            methods.add(name)
            if any(c.type == "static" for c in member.children):
                static.add(name)
            if name == "constructor":
                for param in _named(_field(member, "parameters")):
                    if param.type in ("required_parameter", "optional_parameter") and any(
                            c.type == "accessibility_modifier" or c.type == "readonly" for c in param.children):
                        pattern = _field(param, "pattern")
                        kind = ctx.class_qualname(_type_text(param))
                        if pattern is not None and kind:
                            fields[text_of(pattern)] = kind
        elif member.type in ("public_field_definition", "field_definition"):
            name = _field(member, "name") or _field(member, "property")
            kind = ctx.class_qualname(_type_text(member))
            value = unwrap(_field(member, "value"))
            if kind is None and value is not None and value.type == "new_expression":
                kind = ctx.class_qualname(text_of(_field(value, "constructor")))
            if name is not None and kind:
                fields[text_of(name)] = kind
    return ClassInfo(qualname, frozenset(methods), frozenset(static), fields)


def _type_text(node) -> str:
    annotation = _field(node, "type")
    return text_of(annotation).lstrip(":").strip() if annotation is not None else ""


# ---------------------------------------------------------------------------------------------
# the lowering of one function

State = dict[str, str]              # source name -> its current version (an IR local name)


@dataclass(slots=True)
class _Frame:
    """A function lowered in place (an inline callback): its return values; for a request handler
    (`isolated`), the state it started from: it reads copies of the enclosing variables, so what a
    propagator stores into them while handling a request stays inside the handler."""
    returns: list[Expr] = field(default_factory=list)
    isolated: State | None = None
    node: object = None


@dataclass(slots=True)
class _LoopFrame:
    breaks: list[State] = field(default_factory=list)
    continues: list[State] = field(default_factory=list)


@dataclass(slots=True)
class _Scope:
    ctx: FileContext
    qualname: str
    class_info: ClassInfo | None = None
    steps: list[Step] = field(default_factory=list)
    next_id: int = 0
    current: State = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    requests: set[str] = field(default_factory=set)        # IR versions that are request objects
    outer_requests: frozenset[str] = frozenset()          # request params of enclosing functions
    nested: dict[str, str] = field(default_factory=dict)  # nested function name -> qualname
    types: dict[str, str] = field(default_factory=dict)   # local name -> class qualname
    frames: list[_Frame] = field(default_factory=list)
    loops: list[_LoopFrame] = field(default_factory=list)
    pending: list[tuple[object, str, ClassInfo | None]] = field(default_factory=list)
    isolation: _Frame | None = None                      # the innermost request handler lowered in place
    closures: dict[str, Expr] = field(default_factory=dict)  # nested function without parameters -> returns
    depth: int = 0


class FunctionLowerer:
    """Turns one function body into ordered IR steps (a new instance per function)."""

    def __init__(self, scope: _Scope) -> None:
        self.s = scope
        self._last_loc = Location(scope.ctx.path, Position(1), Position(1))

    # -- versions -----------------------------------------------------------------------------

    def version(self, name: str) -> str:
        count = self.s.versions.get(name, 0) + 1
        self.s.versions[name] = count
        return name if count == 1 else f"{name}#{count}"

    def define(self, name: str, value: Expr, loc: Location, plain: bool = False) -> str:
        target = name if plain else self.version(name)
        self.s.steps.append(Assign(target, value, loc))
        self.s.current[name] = target
        return target

    def read(self, name: str) -> Expr:
        s = self.s
        version = s.current.get(name)
        if not version:
            return EMPTY
        frame = s.isolation
        if frame is not None and frame.isolated.get(name) == version and name != "this" and \
                self.is_container(name, frame.node):
            copy = self.version(name)
            s.steps.append(Assign(copy, Expr(names=(version,)), self.loc_unknown()))
            if version in s.requests:
                s.requests.add(copy)
            s.current[name] = copy
            version = copy
        return Expr(names=(version,))

    def is_container(self, name: str, at) -> bool:
        """Is `name` (declared outside the handler `at`) a mutable container: an object or array
        literal, a `new Map()`/`new Set()`, or a `let`/`var` variable?"""
        found = self.s.ctx.view.lookup(name, at)
        if found is None or found.type != "variable_declarator":
            return False
        value = unwrap(_field(found, "value"))
        if value is None or not _is_const(found):
            return True
        if value.type == "object":
            return True
        if value.type == "array":
            return not _is_literal(value)     # a literal allow-list is read, not filled
        return value.type == "new_expression" and not _is_literal(value) and \
            text_of(_field(value, "constructor")) in ("Map", "Set", "Array", "Object", "WeakMap")

    def loc_unknown(self) -> Location:
        return self._last_loc

    def join(self, states: list[State], loc: Location) -> State:
        names = sorted(set().union(*states)) if states else []
        joined: State = {}
        for name in names:
            versions = tuple(dict.fromkeys(state[name] for state in states if name in state))
            if len(versions) == 1 and all(name in state for state in states):
                joined[name] = versions[0]
            else:
                target = self.version(name)
                self.s.steps.append(Assign(target, Expr(names=versions), loc))
                if all(v in self.s.requests for v in versions):
                    self.s.requests.add(target)
                joined[name] = target
        return joined

    def loc(self, node) -> Location:
        return location(self.s.ctx.path, node)

    # -- parameters -----------------------------------------------------------------------------

    def bind_params(self, func, value: Expr, *, inline: bool) -> list[str]:
        """Define the parameters of `func` (an inline callback's take `value`); return their names."""
        names = []
        params = _params(func)
        response_like = len(params) >= 2 and _param_name(params[1]) in RESPONSE_PARAM_NAMES
        for index, param in enumerate(params):
            pattern = _field(param, "pattern") if param.type in ("required_parameter", "optional_parameter") else param
            if index == 0 and pattern is not None and pattern.type == "object_pattern" and \
                    (response_like or _is_route_callback(func)):
                # `({ query, body }, res) => ...`: the request's members themselves
                names.extend(self.request_pattern(pattern))
                continue
            for name in _pattern_names(param):
                names.append(name)
                # the request and response parameters of inline handlers keep their plain names
                # (`res`, not `res#3`), so the spec's receiver names (`res.send`) match them; they
                # carry no taint of their own (request data enters through their members)
                plain = name in RESPONSE_PARAM_NAMES or name in REQUEST_PARAM_NAMES
                version = self.define(name, value if not plain else EMPTY, self.loc(param), plain) \
                    if inline else self._param_version(name)
                self.s.requests.discard(version)
                if name == _param_name(param) and self.is_request_param(param, name, response_like, func, index):
                    self.s.requests.add(version)
        return names

    def request_pattern(self, pattern) -> list[str]:
        names = []
        for part in _named(pattern):
            key = value = None
            if part.type == "shorthand_property_identifier_pattern":
                key, value = text_of(part), part
            elif part.type == "pair_pattern":
                key, value = text_of(_field(part, "key")), _field(part, "value")
            elif part.type == "object_assignment_pattern":
                value = _field(part, "left")
                key = text_of(value)
            kind = REQUEST_MEMBERS.get(key or "")
            for name in _pattern_names(value):
                names.append(name)
                source = Expr(sources=(SourceRef(kind, self.loc(part), f"req.{key}"),)) if kind else EMPTY
                self.define(name, source, self.loc(part))
        return names

    def _param_version(self, name: str) -> str:
        version = self.version(name)
        self.s.current[name] = version
        return version

    def is_request_param(self, param, name: str, response_like: bool, func, index: int) -> bool:
        if REQUEST_TYPE.search(_type_text(param)):
            return True
        if _nest_decorator(param) in NEST_REQUEST_DECORATORS:
            return True
        if index:
            return False
        if name in ("req", "_req"):
            return True
        return name in REQUEST_PARAM_NAMES and (response_like or _is_route_callback(func))

    # -- statements ---------------------------------------------------------------------------

    def block(self, nodes: Iterable) -> None:
        for stmt in nodes:
            if stmt.type == "comment":
                continue
            try:
                self.statement(stmt)
            except RecursionError:
                continue           # a statement nested too deep is skipped, the function is kept

    def statement(self, stmt) -> None:
        s = self.s
        if s.depth > MAX_NESTING:
            return
        s.depth += 1
        try:
            self._statement(stmt)
        finally:
            s.depth -= 1

    def _statement(self, stmt) -> None:
        kind = stmt.type
        s = self.s
        if kind == "expression_statement":
            for child in _named(stmt):
                self.expr(child)
        elif kind in DECLARATIONS:
            for declarator in _named(stmt):
                if declarator.type == "variable_declarator":
                    self.declarator(declarator)
        elif kind == "return_statement":
            values = _named(stmt)
            value = self.expr(values[0]) if values else CONSTANT
            if s.frames:
                s.frames[-1].returns.append(value)
            else:
                s.steps.append(Return(value, self.loc(stmt)))
        elif kind == "statement_block":
            self.block(stmt.named_children)
        elif kind == "if_statement":
            self.if_statement(stmt)
        elif kind in ("for_statement", "for_in_statement", "while_statement", "do_statement"):
            self.loop(stmt)
        elif kind == "try_statement":
            self.try_statement(stmt)
        elif kind == "switch_statement":
            self.switch_statement(stmt)
        elif kind == "throw_statement":
            for child in _named(stmt):
                self.expr(child)
        elif kind in ("function_declaration", "generator_function_declaration"):
            name = _field(stmt, "name")
            if name is not None and self.closure(text_of(name), stmt):
                return
            if name is not None:
                qualname = s.nested.get(text_of(name)) or f"{s.qualname}.{text_of(name)}"
                s.pending.append((stmt, qualname, None))
        elif kind in CLASS_TYPES:
            self.class_node(stmt)
        elif kind == "export_statement":
            self.export_statement(stmt)
        elif kind == "labeled_statement":
            body = _field(stmt, "body")
            if body is not None:
                self.statement(body)
        # import, break, continue, empty, debugger: no data flow (break/continue: see `leaves`)

    def declarator(self, declarator) -> None:
        target = _field(declarator, "name")
        value_node = _field(declarator, "value")
        if target is None:
            return
        if value_node is None:
            if target.type == "identifier":
                self.define(text_of(target), CONSTANT, self.loc(declarator))
            return
        inner = unwrap(value_node)
        if _is_import_value(inner) and all(n in self.s.ctx.imports for n in _pattern_names(target)):
            return               # `const x = require('m')`: resolved through the file's imports
        if inner is not None and inner.type in FUNCTION_TYPES and target.type == "identifier" and \
                self.closure(text_of(target), inner):
            return
        if inner is not None and inner.type in FUNCTION_TYPES and target.type == "identifier":
            name = text_of(target)
            qualname = self.s.nested.get(name) or f"{self.s.qualname}.{name}"
            self.s.pending.append((inner, qualname, None))
            self.define(name, EMPTY, self.loc(declarator))
            return
        if inner is not None and inner.type == "new_expression" and target.type == "identifier":
            kind = self.s.ctx.class_qualname(text_of(_field(inner, "constructor")))
            if kind:
                self.s.types[text_of(target)] = kind
        elif target.type == "identifier" and REQUEST_TYPE.search(_type_text(declarator)) is None:
            kind = self.s.ctx.class_qualname(_type_text(declarator))
            if kind:
                self.s.types[text_of(target)] = kind
        value = self.expr(value_node)
        self.assign(target, value, self.loc(declarator), value_node)

    def assign(self, target, value: Expr, loc: Location, value_node=None) -> None:
        kind = target.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            self.define(text_of(target), value, loc)
            if value_node is not None and self.is_request_expr(value_node):
                self.s.requests.add(self.s.current[text_of(target)])
        elif kind == "object_pattern":
            for part in _named(target):
                if part.type == "shorthand_property_identifier_pattern":
                    self.define(text_of(part), self.refine(value, text_of(part)), loc)
                elif part.type == "pair_pattern":
                    inner = _field(part, "value")
                    key = _field(part, "key")
                    if inner is not None and inner.type == "assignment_pattern":
                        self.expr(_field(inner, "right"))
                        inner = _field(inner, "left")
                    if inner is not None:
                        self.assign(inner, self.refine(value, text_of(key)), loc)
                elif part.type == "object_assignment_pattern":
                    left = _field(part, "left")
                    self.expr(_field(part, "right"))
                    if left is not None:
                        self.define(text_of(left), self.refine(value, text_of(left)), loc)
                elif part.type == "rest_pattern":
                    for child in _named(part):
                        self.assign(child, value, loc)
        elif kind == "array_pattern":
            for part in _named(target):
                self.assign(part, value, loc)
        elif kind in ("assignment_pattern",):
            left = _field(target, "left")
            default = self.expr(_field(target, "right"))
            if left is not None:
                self.assign(left, merge([value, default]), loc)
        elif kind == "rest_pattern":
            for child in _named(target):
                self.assign(child, value, loc)
        elif kind in ("member_expression", "subscript_expression"):
            if kind == "subscript_expression":
                self.expr(_field(target, "index"))
            names = _member_chain(target)
            if len(names) == 2 and names[0] == "this":
                self.define(f"this.{names[1]}", value, loc)
                return
            base = _root_name(target)
            if base is None:
                self.expr(_field(target, "object"))
            elif base in self.s.current and base != "this":
                # a weak update: `o.x = v` / `d[k] = v` keeps what `o` / `d` held
                self.define(base, merge([self.read(base), value]), loc)
        elif kind in ("parenthesized_expression", "non_null_expression", "as_expression"):
            inner = unwrap(target)
            if inner is not None and inner is not target:
                self.assign(inner, value, loc)

    def closure(self, name: str, func) -> bool:
        """A nested function without parameters (`const criteria = () => ({ $where: ... })`) reads
        the enclosing variables: it is lowered in place where it is defined, and a call `name()`
        yields what it returns. Module-level functions keep their own summaries."""
        s = self.s
        if s.qualname == s.ctx.qualify(MODULE_FUNCTION) or _params(func):
            return False
        returns = self.inline(func, EMPTY)
        s.closures[name] = merge(returns) if returns else EMPTY
        self.define(name, EMPTY, self.loc(func))
        return True

    def refine(self, value: Expr, key: str) -> Expr:
        """`const { id } = req.query`: the source reads `req.query.id`."""
        if len(value.sources) == 1 and not value.names and not value.calls:
            source = value.sources[0]
            if source.description.count(".") == 1:
                return Expr(sources=(SourceRef(source.kind, source.location, f"{source.description}.{key}"),))
        return value

    def class_node(self, cls) -> str:
        name = _field(cls, "name")
        prefix = f"{self.s.qualname}.{text_of(name)}" if name is not None else \
            f"{self.s.qualname}.<class@{cls.start_point[0] + 1}>"
        info = _class_info(cls, prefix, self.s.ctx)
        for member in _named(_class_body(cls)):
            if member.type == "method_definition":
                self.s.pending.append((member, f"{prefix}.{text_of(_field(member, 'name'))}", info))
        return prefix

    def export_statement(self, stmt) -> None:
        declaration = _field(stmt, "declaration")
        if declaration is not None:
            self.statement(declaration)
            return
        value = _field(stmt, "value")
        if value is not None:
            inner = unwrap(value)
            if inner is not None and inner.type in FUNCTION_TYPES:
                self.s.pending.append((inner, self.s.ctx.qualify("default"), None))
            else:
                self.expr(value)

    # -- control flow -------------------------------------------------------------------------

    def apply_facts(self, names: set[str], loc: Location) -> None:
        for name in sorted(names):
            if name in self.s.current:
                self.define(name, CONSTANT, loc)

    def branch_run(self, start: State, facts: set[str], body, loc: Location) -> State | None:
        s = self.s
        s.current = dict(start)
        self.apply_facts(facts, loc)
        if body is not None:
            self.statement(body)
            if self.leaves(body):
                return None
        return dict(s.current)

    def if_statement(self, stmt) -> None:
        condition = _field(stmt, "condition")
        self.expr(condition)
        loc = self.loc(stmt)
        start = dict(self.s.current)
        alternative = _field(stmt, "alternative")
        if alternative is not None and alternative.type == "else_clause":
            inner = _named(alternative)
            alternative = inner[0] if inner else None
        exits = []
        for body, positive in ((_field(stmt, "consequence"), True), (alternative, False)):
            end = self.branch_run(start, self.guard_facts(condition, positive), body, loc)
            if end is not None:
                exits.append(end)
        self.s.current = self.join(exits, loc) if exits else start

    def leaves(self, body) -> bool:
        """Does the statement not fall through? `break`/`continue` hand their state to the loop."""
        last = body
        while last is not None and last.type == "statement_block":
            children = _named(last)
            last = children[-1] if children else None
        if last is None:
            return False
        kind = last.type
        if kind in ("return_statement", "throw_statement"):
            return True
        if kind in ("break_statement", "continue_statement"):
            if self.s.loops and not _field(last, "label"):
                frame = self.s.loops[-1]
                (frame.continues if kind == "continue_statement" else frame.breaks).append(dict(self.s.current))
            return True
        if kind == "expression_statement":
            inner = _named(last)
            call = unwrap(inner[0]) if inner else None
            return call is not None and call.type == "call_expression" and \
                text_of(_field(call, "function")) in TERMINATING_CALLS
        if kind == "if_statement":
            alternative = _field(last, "alternative")
            if alternative is None:
                return False
            inner = _named(alternative)
            return _always_leaves(_field(last, "consequence")) and bool(inner) and _always_leaves(inner[0])
        return False

    def loop(self, stmt) -> None:
        s = self.s
        loc = self.loc(stmt)
        kind = stmt.type
        body = _field(stmt, "body")
        iterated = EMPTY
        if kind == "for_statement":
            init = _field(stmt, "initializer")
            if init is not None:
                self.statement(init) if init.type in DECLARATIONS else self.expr(init)
        elif kind == "for_in_statement":
            iterated = self.expr(_field(stmt, "right"))
            if text_of(_field(stmt, "operator")) == "in":
                iterated = CONSTANT            # the keys of an object
        left = _field(stmt, "left") if kind == "for_in_statement" else None
        names = sorted(_assigned_names(body) | (set(_pattern_names(left)) if left is not None else set()))
        names = [n for n in names if n in s.current or (left is not None and n in _pattern_names(left))]
        ends = {name: self.version(name) for name in names}
        for name in names:
            before = s.current.get(name)
            self.define(name, Expr(names=(before, ends[name]) if before else (ends[name],)), loc)
        head = dict(s.current)
        frame = _LoopFrame()
        s.loops.append(frame)
        try:
            if left is not None:
                target = left
                if target.type in DECLARATIONS:
                    inner = _named(target)
                    target = _field(inner[0], "name") if inner else None
                if target is not None:
                    self.assign(target, iterated, loc)
            condition = _field(stmt, "condition")
            if condition is not None:
                self.expr(condition)
            if body is not None:
                self.statement(body)
            increment = _field(stmt, "increment")
            if increment is not None:
                self.expr(increment)
            around = ([] if body is not None and self.leaves(body) else [dict(s.current)]) + frame.continues
        finally:
            s.loops.pop()
        for name in names:
            versions = tuple(dict.fromkeys(state[name] for state in around if name in state))
            s.steps.append(Assign(ends[name], Expr(names=versions) if versions else EMPTY, loc))
        s.current = self.join([dict(head), *frame.breaks], loc)

    def try_statement(self, stmt) -> None:
        s = self.s
        loc = self.loc(stmt)
        before = dict(s.current)
        body = _field(stmt, "body")
        if body is not None:
            self.statement(body)
        after = dict(s.current)
        exits = [] if body is not None and self.leaves(body) else [dict(after)]
        handler = _field(stmt, "handler")
        if handler is not None:
            s.current = self.join([before, after], loc)
            parameter = _field(handler, "parameter")
            for name in _pattern_names(parameter) if parameter is not None else []:
                self.define(name, EMPTY, self.loc(handler))
            handler_body = _field(handler, "body")
            if handler_body is not None:
                self.statement(handler_body)
                if not self.leaves(handler_body):
                    exits.append(dict(s.current))
        s.current = self.join(exits, loc) if exits else after
        finalizer = _field(stmt, "finalizer")
        if finalizer is not None:
            self.block(_named(finalizer))

    def switch_statement(self, stmt) -> None:
        s = self.s
        loc = self.loc(stmt)
        self.expr(_field(stmt, "value"))
        start = dict(s.current)
        exits: list[State] = []
        has_default = False
        frame = _LoopFrame()
        s.loops.append(frame)
        try:
            for case in _named(_field(stmt, "body")):
                if case.type == "switch_default":
                    has_default = True
                s.current = dict(start)
                value = _field(case, "value")
                if value is not None:
                    self.expr(value)
                body = [c for c in _named(case) if c is not value]
                self.block(body)
                if not body or not self.leaves(body[-1]):
                    exits.append(dict(s.current))
        finally:
            s.loops.pop()
        exits.extend(frame.breaks)
        if not has_default:
            exits.append(start)
        s.current = self.join(exits, loc) if exits else start

    # -- guards -------------------------------------------------------------------------------

    def guard_facts(self, test, positive: bool) -> set[str]:
        """Local names that hold only harmless values when `test` is `positive` (truthy)."""
        test = unwrap(test)
        if test is None:
            return set()
        kind = test.type
        if kind == "unary_expression" and text_of(_field(test, "operator")) == "!":
            return self.guard_facts(_field(test, "argument"), not positive)
        if kind == "binary_expression":
            operator = text_of(_field(test, "operator"))
            left, right = _field(test, "left"), _field(test, "right")
            if operator in ("&&", "||"):
                facts = [self.guard_facts(left, positive), self.guard_facts(right, positive)]
                if (operator == "&&") == positive:
                    return facts[0] | facts[1]
                return facts[0] & facts[1]
            if operator in ("===", "==") and positive or operator in ("!==", "!=") and not positive:
                sides = [unwrap(left), unwrap(right)]
                for side, other in ((sides[0], sides[1]), (sides[1], sides[0])):
                    if side is not None and side.type == "unary_expression" and \
                            text_of(_field(side, "operator")) == "typeof":
                        if other is not None and string_value(other) in ("number", "boolean"):
                            return self.subjects(_field(side, "argument"))
                        return set()
                for subject, other in ((sides[0], sides[1]), (sides[1], sides[0])):
                    if other is not None and other.type in ("string", "number", "true", "false"):
                        return self.subjects(subject)
            return set()
        if kind == "call_expression" and positive:
            return self.call_facts(test)
        return set()

    def call_facts(self, test) -> set[str]:
        function = unwrap(_field(test, "function"))
        args = arguments_of(test)
        if function is None or not args:
            return set()
        if function.type == "member_expression":
            method = text_of(_field(function, "property"))
            owner = unwrap(_field(function, "object"))
            if method in ("includes", "has") and self.is_fixed_collection(owner):
                return self.subjects(args[0])
            if method == "test" and owner is not None and owner.type == "regex":
                pattern = text_of(_field(owner, "pattern"))
                if SAFE_REGEX.match(pattern):
                    return self.subjects(args[0])
            if method in SAFE_PREDICATES:
                return self.subjects(args[0])
        elif function.type == "identifier" and text_of(function) in SAFE_PREDICATES:
            return self.subjects(args[0])
        return set()

    def subjects(self, node) -> set[str]:
        node = unwrap(node)
        if node is None:
            return set()
        if node.type == "identifier":
            return {text_of(node)} if text_of(node) in self.s.current else set()
        if node.type == "call_expression":
            function = unwrap(_field(node, "function"))
            if function is not None and function.type == "member_expression" and \
                    text_of(_field(function, "property")) in ("toLowerCase", "toUpperCase", "trim") \
                    and not arguments_of(node):
                return self.subjects(_field(function, "object"))
        return set()

    def is_fixed_collection(self, node) -> bool:
        if node is None:
            return False
        if _is_literal(node):
            return True
        if node.type == "identifier":
            name = text_of(node)
            version = self.s.current.get(name)
            at_module = self.s.qualname == self.s.ctx.qualify(MODULE_FUNCTION)
            if version is not None and not (at_module and version == name):
                return False
            return name in self.s.ctx.constants or name.replace("_", "").isupper()
        if node.type == "member_expression":
            prop = text_of(_field(node, "property"))
            root = _root_name(node)
            return prop.replace("_", "").isupper() and (root is None or root not in self.s.current)
        return False

    # -- expressions --------------------------------------------------------------------------

    def expr(self, node) -> Expr:
        if node is None:
            return EMPTY
        method = _EXPRESSIONS.get(node.type)
        if method is not None:
            return method(self, node)
        return merge([self.expr(child) for child in _named(node)])

    def expr_identifier(self, node) -> Expr:
        name = text_of(node)
        if name == "undefined":
            return CONSTANT
        return self.read(name)

    expr_shorthand_property_identifier = expr_identifier

    def expr_this(self, node) -> Expr:
        return self.read("this")

    def _constant(self, node) -> Expr:
        return CONSTANT

    expr_string = expr_number = expr_true = expr_false = expr_null = expr_undefined = _constant
    expr_regex = expr_update_expression = expr_comment = _constant

    def expr_template_string(self, node) -> Expr:
        parts = [self.expr(_named(child)[0]) for child in node.named_children
                 if child.type == "template_substitution" and _named(child)]
        return self.fixed_origin(node, merge(parts)) if parts else CONSTANT

    def expr_member_expression(self, node) -> Expr:
        source = self.source_of(node)
        if source is not None:
            return Expr(sources=(source,))
        obj = _field(node, "object")
        if obj is not None:
            if obj.type == "this":
                own = f"this.{text_of(_field(node, 'property'))}"
                if own in self.s.current:
                    return self.read(own)
            elif obj.type == "member_expression" and text_of(obj) == "process.env" and "process" not in self.s.current:
                return EMPTY
        return self.expr(obj)

    def expr_subscript_expression(self, node) -> Expr:
        source = self.source_of(node)
        if source is not None:
            return Expr(sources=(source,))
        base = self.expr(_field(node, "object"))
        self.expr(_field(node, "index"))
        return base

    def expr_binary_expression(self, node) -> Expr:
        operator = text_of(_field(node, "operator"))
        operands = []
        current = node
        while current is not None and current.type == "binary_expression" and \
                text_of(_field(current, "operator")) == operator:
            operands.append(_field(current, "right"))
            current = unwrap(_field(current, "left"))
        operands.append(current)
        values = [self.expr(o) for o in reversed(operands)]
        if operator in COMPARISON_OPERATORS or operator in NUMERIC_OPERATORS:
            return CONSTANT
        if operator == "+":
            return self.fixed_origin(node, merge(values))
        return merge(values)

    def expr_unary_expression(self, node) -> Expr:
        self.expr(_field(node, "argument"))
        return CONSTANT          # !x, typeof x, -x, +x, ~x, void x, delete x: no text from x

    def expr_ternary_expression(self, node) -> Expr:
        self.expr(_field(node, "condition"))
        return merge([self.expr(_field(node, "consequence")), self.expr(_field(node, "alternative"))])

    def expr_assignment_expression(self, node) -> Expr:
        right = _field(node, "right")
        inner = unwrap(right)
        left = _field(node, "left")
        if inner is not None and inner.type in FUNCTION_TYPES:
            self.function_value(inner, left)
            return EMPTY
        value = self.expr(right)
        if left is not None:
            self.assign(left, value, self.loc(node), right)
        return value

    def expr_augmented_assignment_expression(self, node) -> Expr:
        left = _field(node, "left")
        value = self.expr(_field(node, "right"))
        operator = text_of(_field(node, "operator"))
        if operator.rstrip("=") in NUMERIC_OPERATORS:
            value = CONSTANT
        old = self.expr(left) if left is not None and left.type == "identifier" else EMPTY
        merged = merge([old, value])
        if left is not None:
            self.assign(left, merged, self.loc(node))
        return merged

    def expr_object(self, node) -> Expr:
        parts = []
        for member in _named(node):
            if member.type == "pair":
                key = _field(member, "key")
                if key is not None and key.type == "computed_property_name":
                    self.expr(key)
                value = _field(member, "value")
                inner = unwrap(value)
                if inner is not None and inner.type in FUNCTION_TYPES:
                    self.pending_anonymous(inner)
                    continue
                parts.append(self.expr(value))
            elif member.type == "shorthand_property_identifier":
                parts.append(self.read(text_of(member)))
            elif member.type == "spread_element":
                parts.extend(self.expr(c) for c in _named(member))
            elif member.type == "method_definition":
                self.pending_anonymous(member)
        return merge(parts) if parts else CONSTANT

    def expr_array(self, node) -> Expr:
        parts = [self.expr(child) for child in _named(node)]
        return merge(parts) if parts else CONSTANT

    def expr_spread_element(self, node) -> Expr:
        return merge(self.expr(child) for child in _named(node))

    def expr_sequence_expression(self, node) -> Expr:
        value = EMPTY
        for child in _named(node):
            value = self.expr(child)
        return value

    def expr_parenthesized_expression(self, node) -> Expr:
        children = [c for c in _named(node) if not c.type.endswith("_annotation")]
        return self.expr(children[-1]) if children else EMPTY

    def expr_await_expression(self, node) -> Expr:
        return merge(self.expr(child) for child in _named(node))

    def _first_child(self, node) -> Expr:
        children = _named(node)
        return self.expr(children[0]) if children else EMPTY

    expr_as_expression = expr_non_null_expression = expr_satisfies_expression = _first_child
    expr_type_assertion = _first_child

    def expr_arrow_function(self, node) -> Expr:
        self.pending_anonymous(node)
        return EMPTY

    expr_function_expression = expr_function = expr_generator_function = expr_arrow_function

    def expr_class(self, node) -> Expr:
        self.class_node(node)
        return EMPTY

    def expr_call_expression(self, node) -> Expr:
        return self.call(node)

    def expr_new_expression(self, node) -> Expr:
        return self.call(node)

    def expr_yield_expression(self, node) -> Expr:
        value = merge(self.expr(child) for child in _named(node))
        if not self.s.frames:
            self.s.steps.append(Return(value, self.loc(node)))
        return EMPTY

    def pending_anonymous(self, func) -> None:
        self.s.pending.append((func, f"{self.s.qualname}.<function@{func.start_point[0] + 1}>", None))

    def function_value(self, func, target) -> None:
        """`exports.find = function ...`, `module.exports = (req, res) => ...`: a named summary."""
        names = _member_chain(target) if target is not None else []
        ctx = self.s.ctx
        at_module = self.s.qualname == ctx.qualify(MODULE_FUNCTION) and not self.s.frames
        if at_module and names == ["module", "exports"]:
            self.s.pending.append((func, ctx.qualify("default"), None))
        elif at_module and len(names) == 3 and names[:2] == ["module", "exports"]:
            self.s.pending.append((func, ctx.qualify(names[2]), None))
        elif at_module and len(names) == 2 and names[0] == "exports":
            self.s.pending.append((func, ctx.qualify(names[1]), None))
        elif len(names) == 1:
            self.s.pending.append((func, self.s.nested.get(names[0]) or f"{self.s.qualname}.{names[0]}", None))
        elif len(names) == 2 and names[0] == "this" and not at_module and self.s.class_info is None:
            # `function UsersDAO(db) { this.find = (id) => ... }`: a method of a constructor function
            self.s.pending.append((func, f"{self.s.qualname}.{names[1]}", None))
        else:
            self.pending_anonymous(func)

    # -- sources --------------------------------------------------------------------------------

    def is_request_name(self, name: str) -> bool:
        version = self.s.current.get(name)
        if version is not None:
            return version in self.s.requests
        return name in self.s.outer_requests

    def is_request_expr(self, node) -> bool:
        node = unwrap(node)
        return node is not None and node.type == "identifier" and self.is_request_name(text_of(node))

    def source_of(self, node) -> SourceRef | None:
        """`req.query`, `req.body.name`, `req.params['id']`, `request.headers.host` -> a source."""
        chain: list[str] = []
        current = node
        for _ in range(8):
            if current is None or current.type not in ("member_expression", "subscript_expression"):
                break
            obj = unwrap(_field(current, "object"))
            if current.type == "member_expression":
                key = text_of(_field(current, "property"))
            else:
                key = string_value(_field(current, "index")) or "[]"
            if obj is not None and obj.type == "identifier" and self.is_request_name(text_of(obj)):
                kind = REQUEST_MEMBERS.get(key)
                if kind is None:
                    return None
                rest = [k for k in reversed(chain) if k != "[]"][:1]
                description = ".".join([text_of(obj), key, *rest])
                return SourceRef(kind, self.loc(current), description)
            chain.append(key)
            current = obj
        return None

    # -- calls ----------------------------------------------------------------------------------

    def call(self, node) -> Expr:
        s = self.s
        is_new = node.type == "new_expression"
        function = unwrap(_field(node, "constructor" if is_new else "function"))
        if function is None:
            return EMPTY
        if function.type == "import" or function.type == "identifier" and text_of(function) == "require":
            return EMPTY
        if function.type == "identifier" and text_of(function) in s.closures:
            for arg in arguments_of(node):
                self.expr(arg)
            return s.closures[text_of(function)]
        arguments = _field(node, "arguments")
        direct_source = self.direct_source(function)
        callee, receiver = self.callee(function)
        arg_nodes = arguments_of(node) if arguments is not None and arguments.type == "arguments" else []
        tagged = arguments is not None and arguments.type == "template_string"
        args: list[Expr] = []
        literal_args: list[tuple[int, str]] = []
        literal_kwargs: list[tuple[str, str]] = []
        returns: list[Expr] = []
        if tagged:
            # sql`... ${x}`: the template's strings are the first argument, its values bound apart
            args.append(CONSTANT)
            args.extend(self.expr(_named(c)[0]) for c in arguments.named_children
                        if c.type == "template_substitution" and _named(c))
        for index, arg in enumerate(arg_nodes):
            inner = unwrap(arg)
            if inner is not None and inner.type in FUNCTION_TYPES:
                returns.extend(self.inline(inner, receiver or EMPTY))
                args.append(EMPTY)
                continue
            value = self.expr(arg)
            if callee.rsplit(".", 1)[-1] == "send" and not value.constant and not value.is_empty and \
                    inner is not None and (inner.type in ("object", "array") or self.is_whole_container(inner)):
                # an object (a literal, or the parsed `req.body` / `req.query` itself) is sent as JSON
                value = self.pseudo_call("<json-response>", value, arg)
            args.append(value)
            text = string_of(arg, self.s.ctx.view.consts)
            if text is None and inner is not None and inner.type == "array":
                words = []
                for element in _named(inner):
                    word = string_value(element)
                    if word is None:
                        break
                    words.append(word)
                text = " ".join(words) if words else None
            if text is not None:
                literal_args.append((index, text))
            if inner is not None and inner.type == "object":
                options = self.option_literals(inner)
                literal_kwargs.extend(options)
                if any(key in ("host", "hostname") and literal != "<expression>" for key, literal in options) \
                        and not value.constant and not value.is_empty:
                    # http.request({ host: 'api.example.com', path: '/items/' + id }): a fixed host
                    args[-1] = value = self.pseudo_call(FIXED_ORIGIN_CALLEE, value, arg)
                if any(key == "where" for key, _ in options) and not value.constant and not value.is_empty:
                    # `{ where: {...} }`: the find options of an SQL ORM (Sequelize, TypeORM,
                    # Prisma), not a MongoDB filter
                    args[-1] = self.pseudo_call("<orm-find-options>", value, arg)
        if function.type not in ("member_expression", "identifier"):
            receiver = self.expr(function) if receiver is None else receiver
        call_id = s.next_id
        s.next_id += 1
        s.steps.append(CallSite(call_id, callee, tuple(args), self.loc(node), receiver=receiver,
                                literal_args=tuple(literal_args), literal_kwargs=tuple(literal_kwargs)))
        result = Expr(calls=(call_id,))
        if callee.rsplit(".", 1)[-1] in ("replace", "replaceAll") and len(arg_nodes) == 2 and \
                string_value(unwrap(arg_nodes[1])) == "\\$&":
            # s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'): the usual hand-written regex escape
            return self.pseudo_call("<regex-escaped>", result, node)
        if direct_source is not None:
            result = merge([result, Expr(sources=(direct_source,))])
        if returns:
            result = merge([result, *returns])
        return result

    def is_whole_container(self, node) -> bool:
        """`req.body`, `req.query`, `req.params` themselves (parsed objects), not one of their fields."""
        if node.type != "member_expression":
            return False
        source = self.source_of(node)
        return source is not None and source.description.count(".") == 1 and \
            source.kind in ("body", "query", "path")

    def option_literals(self, obj) -> list[tuple[str, str]]:
        """An options object read like keyword arguments: `{ shell: true, root: dir }` ->
        ("shell", "true"), ("root", "<expression>") (for the spec's literal conditions)."""
        found = []
        for member in _named(obj):
            if member.type == "pair":
                key = _field(member, "key")
                name = string_value(key) if key is not None and key.type == "string" else text_of(key)
                value = unwrap(_field(member, "value"))
                if value is None:
                    continue
                literal = string_value(value) if value.type in ("string", "template_string") else \
                    text_of(value) if value.type in ("true", "false", "number", "null") else "<expression>"
                found.append((name, literal if literal is not None else "<expression>"))
            elif member.type == "shorthand_property_identifier":
                found.append((text_of(member), "<expression>"))
        return found

    def fixed_origin(self, node, value: Expr) -> Expr:
        """A URL built on a fixed origin ("/users/" + id, `https://api.example.com/v1/${id}`,
        `${BASE_URL}/users/${id}` with a module constant or configuration) cannot change the host it
        goes to: its value passes through the pseudo-call the spec cleans for ssrf and redirect."""
        if value.constant or value.is_empty:
            return value
        parts = _string_parts(node)
        if not parts:
            return value
        first = parts[0]
        fixed = False
        if isinstance(first, str):
            fixed = bool(FIXED_ORIGIN.match(first))
        elif len(parts) > 1 and isinstance(parts[1], str) and parts[1].startswith(("/", "?")):
            fixed = self.is_configuration(first)
        return self.pseudo_call(FIXED_ORIGIN_CALLEE, value, node) if fixed else value

    def module_constant_name(self, name: str) -> bool:
        ctx = self.s.ctx
        return (name in ctx.constants or name in ctx.view.consts) and \
            self.s.qualname == ctx.qualify(MODULE_FUNCTION) and self.s.current.get(name) == name

    def module_constant(self, name: str) -> bool:
        """A module-level `const` bound to a literal, not shadowed here."""
        ctx = self.s.ctx
        if name not in ctx.constants and name not in ctx.view.consts:
            return False
        version = self.s.current.get(name)
        return version is None or (version == name and self.s.qualname == ctx.qualify(MODULE_FUNCTION))

    def is_configuration(self, node) -> bool:
        """A module-level constant, `process.env.X`, or a `config.x` / `this.baseUrl` style value."""
        node = unwrap(node)
        if node is None:
            return False
        names = _member_chain(node)
        if not names:
            return False
        if names[:2] == ["process", "env"]:
            return True
        if names[0] == "this":
            return len(names) == 2 and f"this.{names[1]}" not in self.s.current
        if self.module_constant(names[0]):
            return True
        if names[0] in self.s.current:
            return False
        return names[0] in self.s.ctx.imports or names[0].replace("_", "").isupper()

    def pseudo_call(self, callee: str, value: Expr, node) -> Expr:
        s = self.s
        call_id = s.next_id
        s.next_id += 1
        s.steps.append(CallSite(call_id, callee, (value,), self.loc(node)))
        return Expr(calls=(call_id,))

    def direct_source(self, function) -> SourceRef | None:
        """`req.get('x')`, `req.header('x')`, `req.param('x')`."""
        if function.type != "member_expression":
            return None
        obj = unwrap(_field(function, "object"))
        method = text_of(_field(function, "property"))
        if method in REQUEST_METHODS and obj is not None and obj.type == "identifier" and \
                self.is_request_name(text_of(obj)):
            return SourceRef(REQUEST_METHODS[method], self.loc(function.parent or function),
                             f"{text_of(obj)}.{method}()")
        return None

    def inline(self, func, value: Expr) -> list[Expr]:
        """Lower a callback in place: a branch that may not run; returns its return values."""
        s = self.s
        loc = self.loc(func)
        start = dict(s.current)
        handler = _is_route_callback(func) or _is_handler_shape(func)
        frame = _Frame(isolated=start if handler else None, node=func)
        self._last_loc = loc
        s.frames.append(frame)
        loops, s.loops = s.loops, []
        isolation = s.isolation
        if handler:
            s.isolation = frame
        try:
            own = set(self.bind_params(func, value, inline=True))
            body = _field(func, "body")
            if body is not None:
                if body.type == "statement_block":
                    own |= _declared_names(body)
                    self.statement(body)
                else:
                    frame.returns.append(self.expr(body))
        finally:
            s.frames.pop()
            s.loops = loops
            s.isolation = isolation
        if handler:
            # a request handler runs later, once per request: what it writes to the enclosing
            # function's variables is not seen by the code that follows its registration
            s.current = start
            return []
        end = {name: version for name, version in s.current.items() if name not in own or name in start}
        for name in own:
            if name in start:
                end[name] = start[name]
        s.current = self.join([start, end], loc)
        return frame.returns

    def callee(self, function) -> tuple[str, Expr | None]:
        """The qualified callee of a call and the receiver a method is called on."""
        s = self.s
        ctx = s.ctx
        if function.type == "identifier":
            return self.function_callee(text_of(function)), None
        if function.type != "member_expression":
            return ".__call__", None
        method = text_of(_field(function, "property"))
        obj = unwrap(_field(function, "object"))
        names = _member_chain(function)
        if obj is None:
            return f".{method}", None
        if obj.type == "this":
            info = s.class_info
            if info is not None and method in info.methods:
                return f"{info.qualname}.{method}", self.read("this")
            return f".{method}", self.read("this")
        if obj.type == "member_expression" and len(names) == 3 and names[0] == "this" and s.class_info:
            kind = s.class_info.fields.get(names[1])
            if kind:
                return f"{kind}.{method}", self.expr(obj)
        if names and names[0] not in s.current:
            root = names[0]
            if root in ctx.imports and len(names) >= 2:
                qualified = ctx.import_callee(root, names[1:])
                if qualified:
                    return qualified, None
            if len(names) == 2 and root in ctx.classes and root not in ctx.imports:
                return f"{ctx.classes[root].qualname}.{method}", None
            if len(names) == 2 and root in ctx.objects and method in ctx.objects[root]:
                return f"{ctx.qualify(root)}.{method}", None
            if len(names) == 2 and root in ctx.types:
                return f"{ctx.types[root]}.{method}", EMPTY
            if root in GLOBAL_OBJECTS and (ctx.view.root.id, root) not in ctx.view.declarations \
                    and root not in ctx.functions:
                return ".".join(names), None
        if obj.type == "call_expression":
            required = _required(obj)
            if required:
                return f"{required}.{method}", None
        if len(names) == 2 and names[0] in s.types:
            return f"{s.types[names[0]]}.{method}", self.read(names[0])
        receiver = self.expr(obj)
        root = _root_name(obj)
        if root is not None and obj.type != "identifier" and root in s.current:
            receiver = merge([receiver, self.read(root)])
        if obj.type == "member_expression" and 2 <= len(names) - 1 <= 3:
            # `this.db.execute()`, `ctx.pool.query()`: the receiver's dotted name (never defined,
            # so it adds no taint) lets the spec's receiver names and the messages read it
            receiver = merge([Expr(names=(".".join(names[:-1]),)), receiver])
        return f".{method}", receiver

    def function_callee(self, name: str) -> str:
        s = self.s
        ctx = s.ctx
        if name in s.nested:
            return s.nested[name]
        at_module = s.qualname == ctx.qualify(MODULE_FUNCTION)
        if name in s.current and not (at_module and s.current[name] == name and name in ctx.promisified):
            return name
        if name in ctx.promisified:
            node = unwrap(ctx.promisified[name])
            if node is not None and node.type in ("identifier", "member_expression"):
                inner, _ = self.callee(node)
                return inner
        if name in ctx.imports:
            return ctx.import_callee(name, []) or name
        if name in ctx.functions:
            return ctx.functions[name]
        if name in ctx.classes:
            return ctx.classes[name].qualname
        return name


def _string_parts(node) -> list:
    """The leading pieces of a string being built: literal text as `str`, other parts as nodes
    (`"/a/" + x` -> ["/a/", x]; `${base}/v1/${x}` -> [base, "/v1/", x])."""
    node = unwrap(node)
    if node is None:
        return []
    if node.type == "template_string":
        parts: list = []
        for child in node.named_children:
            if child.type in ("string_fragment", "escape_sequence"):
                if parts and isinstance(parts[-1], str):
                    parts[-1] += text_of(child)
                else:
                    parts.append(text_of(child))
            elif child.type == "template_substitution":
                inner = _named(child)
                if inner:
                    parts.append(inner[0])
            if len(parts) >= 2:
                break
        return parts
    if node.type == "binary_expression" and text_of(_field(node, "operator")) == "+":
        left = _string_parts(_field(node, "left"))
        if len(left) >= 2:
            return left
        right = unwrap(_field(node, "right"))
        piece = string_value(right) if right is not None else None
        return left + [piece if piece is not None else right]
    literal = string_value(node)
    return [literal] if literal is not None else [node]


_EXPRESSIONS = {name[len("expr_"):]: getattr(FunctionLowerer, name)
                for name in dir(FunctionLowerer) if name.startswith("expr_")}


def _always_leaves(node) -> bool:
    last = node
    while last is not None and last.type == "statement_block":
        children = _named(last)
        last = children[-1] if children else None
    return last is not None and last.type in ("return_statement", "throw_statement")


def _is_import_value(node) -> bool:
    """`require('m')`, `require('m').x`, `await import('m')`."""
    node = unwrap(node)
    if node is not None and node.type == "member_expression":
        node = unwrap(_field(node, "object"))
    if node is None or node.type != "call_expression":
        return False
    function = unwrap(_field(node, "function"))
    return function is not None and (function.type == "import" or text_of(function) == "require")


def _required(call) -> str | None:
    function = unwrap(_field(call, "function"))
    if function is not None and function.type == "identifier" and text_of(function) == "require":
        args = arguments_of(call)
        return string_value(args[0]) if args else None
    return None


def _member_chain(node) -> list[str]:
    parts: list[str] = []
    current = unwrap(node)
    for _ in range(32):
        if current is None:
            return []
        if current.type == "member_expression":
            parts.append(text_of(_field(current, "property")))
            current = unwrap(_field(current, "object"))
        elif current.type in ("identifier", "this"):
            parts.append(text_of(current))
            return list(reversed(parts))
        else:
            return []
    return []


def _root_name(node) -> str | None:
    current = unwrap(node)
    for _ in range(32):
        if current is None:
            return None
        if current.type == "identifier":
            return text_of(current)
        if current.type == "this":
            return "this"
        if current.type in ("member_expression", "subscript_expression"):
            current = unwrap(_field(current, "object"))
        elif current.type == "call_expression":
            current = unwrap(_field(current, "function"))
        else:
            return None
    return None


def _params(func) -> list:
    single = _field(func, "parameter")
    if single is not None:
        return [single]
    params = _field(func, "parameters")
    return [p for p in _named(params)] if params is not None else []


def _param_name(param) -> str:
    target = param
    if param.type in ("required_parameter", "optional_parameter"):
        target = _field(param, "pattern") or param
    if target.type == "assignment_pattern":
        target = _field(target, "left") or target
    return text_of(target) if target.type == "identifier" else ""


def _pattern_names(node) -> list[str]:
    """The names a parameter or binding pattern binds."""
    if node is None:
        return []
    kind = node.type
    if kind in ("identifier", "shorthand_property_identifier_pattern"):
        return [text_of(node)]
    if kind in ("required_parameter", "optional_parameter"):
        return _pattern_names(_field(node, "pattern"))
    if kind == "assignment_pattern":
        return _pattern_names(_field(node, "left"))
    if kind == "object_assignment_pattern":
        return _pattern_names(_field(node, "left"))
    if kind == "pair_pattern":
        return _pattern_names(_field(node, "value"))
    if kind in ("object_pattern", "array_pattern", "rest_pattern"):
        return [n for child in _named(node) for n in _pattern_names(child)]
    if kind in DECLARATIONS:
        return [n for d in _named(node) for n in _pattern_names(_field(d, "name"))]
    return []


def _walk_scope(node) -> Iterator:
    """Nodes below `node`, not entering nested functions or classes."""
    stack = list(reversed(node.children)) if node is not None else []
    while stack:
        current = stack.pop()
        yield current
        if current.type in _SCOPE_BOUNDARIES:
            continue
        children = current.children
        if children:
            stack.extend(reversed(children))


def _declared_names(body) -> set[str]:
    names: set[str] = set()
    for node in _walk_scope(body):
        if node.type == "variable_declarator":
            names.update(_pattern_names(_field(node, "name")))
        elif node.type in ("function_declaration", "generator_function_declaration"):
            name = _field(node, "name")
            if name is not None:
                names.add(text_of(name))
    return names


def _assigned_names(body) -> set[str]:
    names: set[str] = set()
    for node in _walk_scope(body):
        kind = node.type
        if kind == "variable_declarator":
            names.update(_pattern_names(_field(node, "name")))
        elif kind in ("assignment_expression", "augmented_assignment_expression"):
            left = _field(node, "left")
            if left is not None and left.type in ("object_pattern", "array_pattern"):
                names.update(_pattern_names(left))
            else:
                root = _root_name(left)
                if root:
                    names.add(root)
                chain = _member_chain(left)
                if len(chain) == 2 and chain[0] == "this":
                    names.add(f"this.{chain[1]}")
        elif kind == "call_expression":
            function = unwrap(_field(node, "function"))
            if function is not None and function.type == "member_expression":
                root = _root_name(function)
                if root:
                    names.add(root)          # a propagator (`.push(x)`) may write into it
    return names


def _nest_decorator(param) -> str:
    for child in param.children:
        if child.type == "decorator":
            inner = _named(child)
            target = inner[0] if inner else None
            if target is not None and target.type == "call_expression":
                target = _field(target, "function")
            return text_of(target).rsplit(".", 1)[-1]
    return ""


def _nest_param_source(param, path: str) -> SourceRef | None:
    for child in param.children:
        if child.type != "decorator":
            continue
        inner = _named(child)
        target = inner[0] if inner else None
        args = arguments_of(target) if target is not None and target.type == "call_expression" else []
        function = _field(target, "function") if target is not None and target.type == "call_expression" else target
        name = text_of(function).rsplit(".", 1)[-1]
        kind = NEST_SOURCE_DECORATORS.get(name)
        if kind is None:
            continue
        if any(text_of(unwrap(a)).split("(")[0].replace("new ", "").strip() in NEST_SAFE_PIPES for a in args):
            return None
        declared = _type_text(param)
        if declared in SAFE_PARAM_TYPES:
            return None
        key = string_value(args[0]) if args else None
        label = f"@{name}({key!r})" if key else f"@{name}()"
        return SourceRef(kind, location(path, param), f"{label} {_param_name(param)}".strip())
    return None


def _is_handler_shape(func) -> bool:
    """`(req, res)`, `(request, reply)`, `(req, res, next)`."""
    params = _params(func)
    return len(params) >= 2 and _param_name(params[0]) in REQUEST_PARAM_NAMES and \
        _param_name(params[1]) in RESPONSE_PARAM_NAMES


def _is_route_callback(func) -> bool:
    """A function given to `x.get(path, ...)`, `x.post(...)`, `x.route(...)`, `fastify.register`..."""
    parent = func.parent
    while parent is not None and parent.type in ("parenthesized_expression",):
        parent = parent.parent
    if parent is None or parent.type not in INLINE_PARENTS:
        return False
    call = parent.parent
    function = unwrap(_field(call, "function")) if call is not None else None
    if function is None or function.type != "member_expression":
        return False
    return text_of(_field(function, "property")) in ("get", "post", "put", "patch", "delete", "all",
                                                      "options", "head", "route", "use", "addHook")


# ---------------------------------------------------------------------------------------------
# the file


def lower_file(root, path: str, view: FileView | None = None) -> list[FunctionSummary]:
    """Summaries for every function of a JS/TS file (a tree-sitter root node)."""
    _SOURCE.append((root.text or b"", root.start_byte))
    try:
        return _lower_file(root, path, view)
    finally:
        _SOURCE.pop()


def _lower_file(root, path: str, view: FileView | None) -> list[FunctionSummary]:
    ctx = build_context(path, root, view)
    module_scope = _Scope(ctx, ctx.qualify(MODULE_FUNCTION), types=dict(ctx.types))
    lowerer = FunctionLowerer(module_scope)
    module_scope.nested = dict(ctx.functions)
    _module_statements(lowerer, root, ctx)
    ctx.summaries.append(FunctionSummary(module_scope.qualname, (), tuple(module_scope.steps),
                                         Location(path, Position(1), Position(1))))
    pending = [(f, q, i, (frozenset(), ())) for f, q, i in module_scope.pending]
    seen: set[str] = {module_scope.qualname}
    while pending:
        func, qualname, info, outer = pending.pop()
        if qualname in seen:
            qualname = f"{qualname}@{func.start_point[0] + 1}"
        seen.add(qualname)
        try:
            summary, more = _function(func, qualname, info, ctx, outer)
        except RecursionError:
            continue
        ctx.summaries.append(summary)
        pending.extend(reversed(more))
    ctx.summaries.extend(_aliases(root, ctx, seen))
    return ctx.summaries


def _module_statements(lowerer: FunctionLowerer, root, ctx: FileContext) -> None:
    s = lowerer.s
    for stmt in _named(root):
        node = stmt
        if node.type == "export_statement" and _field(node, "declaration") is not None:
            node = _field(node, "declaration")
        if node.type in ("function_declaration", "generator_function_declaration"):
            name = text_of(_field(node, "name"))
            s.pending.append((node, ctx.qualify(name), None))
            continue
        if node.type in CLASS_TYPES and _field(node, "name") is not None:
            name = text_of(_field(node, "name"))
            info = ctx.classes.get(name) or _class_info(node, ctx.qualify(name), ctx)
            for member in _named(_class_body(node)):
                if member.type == "method_definition":
                    s.pending.append((member, f"{info.qualname}.{text_of(_field(member, 'name'))}", info))
            continue
        if node.type in DECLARATIONS:
            for declarator in _named(node):
                value = unwrap(_field(declarator, "value"))
                name = _field(declarator, "name")
                if value is not None and name is not None and name.type == "identifier":
                    key = text_of(name)
                    if value.type == "object" and key in ctx.objects:
                        for method, func in _object_functions(value):
                            s.pending.append((func, f"{ctx.qualify(key)}.{method}", None))
                    elif value.type == "class" and key in ctx.classes:
                        info = ctx.classes[key]
                        for member in _named(_class_body(value)):
                            if member.type == "method_definition":
                                s.pending.append((member, f"{info.qualname}.{text_of(_field(member, 'name'))}", info))
                        continue
        if node.type == "expression_statement":
            inner = unwrap(_named(node)[0]) if _named(node) else None
            if inner is not None and inner.type == "assignment_expression":
                target = _member_chain(_field(inner, "left"))
                value = unwrap(_field(inner, "right"))
                if target == ["module", "exports"] and value is not None and value.type == "object":
                    for method, func in _object_functions(value):
                        s.pending.append((func, ctx.qualify(method), None))
                    for member in _named(value):
                        if member.type in ("shorthand_property_identifier", "pair", "spread_element"):
                            if member.type == "pair" and unwrap(_field(member, "value")) is not None and \
                                    unwrap(_field(member, "value")).type in FUNCTION_TYPES:
                                continue
                            lowerer.expr(member if member.type != "pair" else _field(member, "value"))
                    continue
        try:
            lowerer.statement(stmt)
        except RecursionError:
            continue


def _function(func, qualname: str, info: ClassInfo | None, ctx: FileContext,
              outer: tuple[frozenset[str], tuple]) -> tuple[FunctionSummary, list]:
    """One function's summary, and the functions defined inside it (still to lower). `outer`: the
    request parameters and the local types of the enclosing functions, which it can read."""
    outer_requests, outer_types = outer
    is_method = func.type == "method_definition"
    static = is_method and any(c.type == "static" for c in func.children)
    scope = _Scope(ctx, qualname, class_info=info if is_method else None,
                   types={**ctx.types, **dict(outer_types)}, outer_requests=outer_requests)
    lowerer = FunctionLowerer(scope)
    params: list[str] = []
    if is_method and not static:
        params.append("this")
        scope.current["this"] = "this"
        scope.versions["this"] = 1
    body = _field(func, "body")
    scope.nested = {name: f"{qualname}.{name}" for name in _nested_functions(body)}
    params.extend(lowerer.bind_params(func, EMPTY, inline=False))
    for param in _params(func):
        for name in _pattern_names(param):
            kind = ctx.class_qualname(_type_text(param))
            if kind and name:
                scope.types[name] = kind
    param_sources = []
    for param in _params(func):
        source = _nest_param_source(param, ctx.path)
        if source is not None:
            for name in _pattern_names(param):
                param_sources.append((name, source))
    # destructured parameters (`({ body }) => ...`, `async ({ query }, res) => ...`) of a request
    if body is not None:
        if body.type == "statement_block":
            lowerer.block(_named(body))
        else:
            value = lowerer.expr(body)
            scope.steps.append(Return(value, location(ctx.path, body)))
    is_handler = bool(param_sources) or any(v in scope.requests for v in params)
    summary = FunctionSummary(qualname, tuple(params), tuple(scope.steps), location(ctx.path, func),
                              is_handler, tuple(param_sources))
    own = frozenset(name for name in params if name in scope.requests)
    inherited = (outer_requests - set(params)) | own
    types = tuple(scope.types.items()) if len(scope.types) != len(ctx.types) else ()
    return summary, [(f, q, i, (inherited, types)) for f, q, i in scope.pending]


def _nested_functions(body) -> set[str]:
    names = set()
    for node in _named(body) if body is not None and body.type == "statement_block" else []:
        if node.type in ("function_declaration", "generator_function_declaration"):
            name = _field(node, "name")
            if name is not None:
                names.add(text_of(name))
        elif node.type in DECLARATIONS:
            for declarator in _named(node):
                value = unwrap(_field(declarator, "value"))
                name = _field(declarator, "name")
                if value is not None and value.type in FUNCTION_TYPES and name is not None and \
                        name.type == "identifier":
                    names.add(text_of(name))
    return names


def _aliases(root, ctx: FileContext, defined: set[str]) -> list[FunctionSummary]:
    """Exported names that stand for another function of the module: `export default f`,
    `module.exports = f`, `module.exports = { name: f }`, `export { f as name }`: a summary that
    calls the function and returns its result, so imports of the exported name resolve."""
    pairs: list[tuple[str, str, object]] = []
    for stmt in _named(root):
        if stmt.type == "export_statement":
            value = unwrap(_field(stmt, "value"))
            if value is not None and value.type == "identifier":
                pairs.append(("default", text_of(value), stmt))
            declaration = _field(stmt, "declaration")
            if declaration is not None and any(c.type == "default" for c in stmt.children) and \
                    declaration.type in ("function_declaration", "generator_function_declaration"):
                name = _field(declaration, "name")
                if name is not None:
                    pairs.append(("default", text_of(name), stmt))
            for clause in (c for c in _named(stmt) if c.type == "export_clause"):
                for item in _named(clause):
                    name = text_of(_field(item, "name"))
                    alias = _field(item, "alias")
                    if alias is not None:
                        pairs.append((text_of(alias), name, item))
        elif stmt.type == "expression_statement":
            inner = unwrap(_named(stmt)[0]) if _named(stmt) else None
            if inner is None or inner.type != "assignment_expression":
                continue
            target = _member_chain(_field(inner, "left"))
            value = unwrap(_field(inner, "right"))
            if value is None:
                continue
            exported = "default" if target == ["module", "exports"] else \
                target[2] if len(target) == 3 and target[:2] == ["module", "exports"] else \
                target[1] if len(target) == 2 and target[0] == "exports" else None
            if exported is None:
                continue
            if value.type == "identifier":
                pairs.append((exported, text_of(value), stmt))
            elif value.type == "object" and exported == "default":
                for member in _named(value):
                    if member.type == "pair":
                        inner_value = unwrap(_field(member, "value"))
                        if inner_value is not None and inner_value.type == "identifier":
                            pairs.append((text_of(_field(member, "key")), text_of(inner_value), member))
    found = []
    by_qualname = {info.qualname: info for info in ctx.classes.values()}
    exported_names = {name: exported for exported, name, _ in pairs}
    for name, kind in ctx.types.items():
        # `const users = new UsersService()` (exported as itself or as the default): its methods
        info = by_qualname.get(kind)
        if info is None:
            continue
        prefixes = [ctx.qualify(name)]
        if exported_names.get(name) == "default":
            prefixes.append(ctx.module)
        for prefix in prefixes:
            for method in sorted(info.methods - info.static - {"constructor"}):
                alias = f"{prefix}.{method}" if prefix else method
                if alias in defined:
                    continue
                defined.add(alias)
                params = tuple(f"arg{i}" for i in range(4))
                loc = location(ctx.path, root)
                call = CallSite(0, f"{kind}.{method}", tuple(Expr(names=(p,)) for p in params), loc,
                                receiver=EMPTY)
                found.append(FunctionSummary(alias, params, (call, Return(Expr(calls=(0,)), loc)), loc))
    for exported, name, node in pairs:
        alias = ctx.qualify(exported)
        target = ctx.functions.get(name)
        if target is None and name in ctx.imports:
            target = ctx.import_callee(name, [])
        if not target or alias in defined or alias == target:
            continue
        defined.add(alias)
        params = tuple(f"arg{i}" for i in range(4))
        loc = location(ctx.path, node)
        call = CallSite(0, target, tuple(Expr(names=(p,)) for p in params), loc)
        found.append(FunctionSummary(alias, params, (call, Return(Expr(calls=(0,)), loc)), loc))
    return found


__all__ = ["MODULE_FUNCTION", "build_context", "lower_file"]
