"""GraphQL SDL and Protocol Buffers contract delta: labeled pairs (one change each, expected kind and
breaking flag, the safe variance cases and the wire-compatible protobuf types included), schemas split
over several files with `extend type`, files that do not parse, and the places the deltas are used
(`prodcheck api-diff`, the review's API Contract Delta)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from prodcheck.contracts.graphql_diff import (
    TypeRef, diff_schemas, load_schema, safe_input_change, safe_output_change,
)
from prodcheck.contracts.proto_parser import ProtoSyntaxError, parse_proto, resolve_types
from prodcheck.contracts.protobuf_diff import diff_protos, load_protos

SDL = '''\
"""The shop."""
type Query {
  orders(status: Status, first: Int = 10): [Order!]!
  order(id: ID!): Order
  search(term: String!): [Result!]!
}

interface Node {
  id: ID!
}

type Order implements Node {
  id: ID!
  total: Float
  note: String
  items: [String]
  legacy: Int @deprecated(reason: "use total")
}

type Refund implements Node {
  id: ID!
}

union Result = Order | Refund

enum Status {
  OPEN
  PAID
}

input NewOrder {
  items: [ID!]!
  coupon: String
  priority: Int = 0
}

type Mutation {
  placeOrder(order: NewOrder!): Order!
}
'''

# (old text, new text) replaced once in SDL; (kind, breaking) expected, None for no change at all.
GRAPHQL_CASES = {
    "type removed": ("type Refund implements Node {\n  id: ID!\n}\n\nunion Result = Order | Refund",
                     "union Result = Order", ("type-removed", True)),
    "type added": ("enum Status {", "type Coupon {\n  code: String\n}\n\nenum Status {", ("type-added", False)),
    "type kind changed": ("type Refund implements Node {\n  id: ID!\n}", "interface Refund {\n  id: ID!\n}",
                          ("type-kind-changed", True)),
    "field removed": ("  note: String\n", "", ("field-removed", True)),
    "deprecated field removed": ('  legacy: Int @deprecated(reason: "use total")\n', "", ("field-removed", True)),
    "field added": ("  note: String\n", "  note: String\n  currency: String\n", ("field-added", False)),
    "field deprecated": ("  note: String\n", '  note: String @deprecated(reason: "gone")\n',
                         ("field-deprecated", False)),
    "output field type changed": ("  note: String\n", "  note: Int\n", ("field-type-changed", True)),
    "output field became nullable": ("  id: ID!\n  total", "  id: ID\n  total", ("field-type-changed", True)),
    "output list became nullable": ("[Order!]!", "[Order!]", ("field-type-changed", True)),
    "output field became non-null (safe)": ("  total: Float\n", "  total: Float!\n", ("field-type-narrowed", False)),
    "output list items became non-null (safe)": ("  items: [String]\n", "  items: [String!]!\n",
                                                 ("field-type-narrowed", False)),
    "output list became a single value": ("  items: [String]\n", "  items: String\n", ("field-type-changed", True)),
    "argument removed": ("orders(status: Status, first: Int = 10)", "orders(first: Int = 10)",
                         ("argument-removed", True)),
    "new required argument": ("order(id: ID!)", "order(id: ID!, tenant: String!)", ("new-required-argument", True)),
    "new non-null argument with a default": ("order(id: ID!)", 'order(id: ID!, tenant: String! = "main")',
                                            ("new-optional-argument", False)),
    "new optional argument": ("order(id: ID!)", "order(id: ID!, tenant: String)", ("new-optional-argument", False)),
    "argument became non-null": ("orders(status: Status,", "orders(status: Status!,", ("argument-type-changed", True)),
    "argument became nullable (safe)": ("order(id: ID!)", "order(id: ID)", ("argument-type-widened", False)),
    "argument type changed": ("search(term: String!)", "search(term: Int!)", ("argument-type-changed", True)),
    "argument default changed": ("first: Int = 10", "first: Int = 50", ("argument-default-changed", False)),
    "enum value removed": ("  OPEN\n  PAID\n", "  OPEN\n", ("enum-value-removed", True)),
    "enum value added": ("  OPEN\n  PAID\n", "  OPEN\n  PAID\n  VOID\n", ("enum-value-added", False)),
    "input field added required": ("  coupon: String\n", "  coupon: String\n  currency: String!\n",
                                   ("new-required-input-field", True)),
    "input field added required with default": ("  coupon: String\n", '  coupon: String\n  currency: String! = "EUR"\n',
                                                ("input-field-added", False)),
    "input field added optional": ("  coupon: String\n", "  coupon: String\n  gift: Boolean\n",
                                   ("input-field-added", False)),
    "input field removed": ("  coupon: String\n", "", ("input-field-removed", True)),
    "input field became nullable (safe)": ("  items: [ID!]!\n", "  items: [ID!]\n", ("input-field-type-widened", False)),
    "input list items became nullable (safe)": ("  items: [ID!]!\n", "  items: [ID]!\n",
                                                ("input-field-type-widened", False)),
    "input field became non-null": ("  coupon: String\n", "  coupon: String!\n", ("input-field-type-changed", True)),
    "input field default changed": ("priority: Int = 0", "priority: Int = 5", ("input-field-default-changed", False)),
    "union member removed": ("union Result = Order | Refund", "union Result = Order", ("union-member-removed", True)),
    "union member added": ("union Result = Order | Refund", "union Result = Order | Refund | Query",
                           ("union-member-added", False)),
    "interface removed": ("type Order implements Node {", "type Order {", ("interface-removed", True)),
    "description only": ('"""The shop."""', '"""The whole shop."""', None),
    "fields reordered": ("  id: ID!\n  total: Float\n", "  total: Float\n  id: ID!\n", None),
}


def graphql_changes(old: str, new: str):
    return diff_schemas(load_schema([("schema.graphql", old)]), load_schema([("schema.graphql", new)]))


@pytest.mark.parametrize("name", sorted(GRAPHQL_CASES))
def test_each_labeled_graphql_change_is_classified(name: str) -> None:
    before, after, expected = GRAPHQL_CASES[name]
    assert SDL.count(before) == 1, before
    found = {(c.kind, c.breaking) for c in graphql_changes(SDL, SDL.replace(before, after))}
    if expected is None:
        assert found == set()
    else:
        assert expected in found, found
        assert {breaking for _, breaking in found} == {expected[1]}, found


def test_graphql_change_records_are_readable_and_located() -> None:
    changes = {c.kind: c for c in graphql_changes(SDL, SDL.replace("orders(status: Status, first",
                                                                   "orders(first").replace("  note: String\n", ""))}
    argument, field = changes["argument-removed"], changes["field-removed"]
    assert (argument.method, argument.path) == ("GraphQL", "Query.orders(status:)")
    assert (argument.file, argument.line, argument.at_base) == ("schema.graphql", 3, True)
    assert (field.path, field.line, field.at_base) == ("Order.note", 15, True)
    assert field.note and "deprecated" in field.note
    deprecated = {c.kind: c for c in graphql_changes(SDL, SDL.replace('  legacy: Int @deprecated(reason: "use total")\n',
                                                                      ""))}["field-removed"]
    assert "it was deprecated" in deprecated.detail


def test_graphql_variance_rules() -> None:
    def t(text: str) -> TypeRef:
        if text.endswith("!"):
            return TypeRef("non_null", of=t(text[:-1]))
        if text.startswith("["):
            return TypeRef("list", of=t(text[1:-1]))
        return TypeRef("named", text)
    safe_out = [("String", "String!"), ("[String]", "[String!]!"), ("[String]!", "[String!]!"), ("[[Int]]", "[[Int!]!]")]
    unsafe_out = [("String!", "String"), ("[String!]", "[String]"), ("String", "Int"), ("String", "[String]"),
                  ("[String]", "String")]
    safe_in = [("String!", "String"), ("[String!]!", "[String]"), ("[ID!]", "[ID]")]
    unsafe_in = [("String", "String!"), ("[String]", "[String!]"), ("String", "[String]"), ("ID", "String")]
    assert all(safe_output_change(t(a), t(b)) for a, b in safe_out)
    assert not any(safe_output_change(t(a), t(b)) for a, b in unsafe_out)
    assert all(safe_input_change(t(a), t(b)) for a, b in safe_in)
    assert not any(safe_input_change(t(a), t(b)) for a, b in unsafe_in)


def test_schema_split_over_files_with_extend_type() -> None:
    query = "type Query {\n  orders: [Order!]!\n}\n"
    orders = "extend type Query {\n  order(id: ID!): Order\n}\n\ntype Order {\n  id: ID!\n  note: String\n}\n"
    client = "query Orders {\n  orders { id }\n}\n"                  # an operation: adds nothing
    old = load_schema([("schema/query.graphql", query), ("schema/orders.graphqls", orders), ("web/q.gql", client)])
    assert set(old.types["Query"].fields) == {"orders", "order"}
    assert old.files == ["schema/orders.graphqls", "schema/query.graphql"]
    # head: the extension moves into the main file and Order.note goes; the move is no change
    new_query = "type Query {\n  orders: [Order!]!\n  order(id: ID!): Order\n}\n"
    new_orders = "type Order {\n  id: ID!\n}\n"
    new = load_schema([("schema/query.graphql", new_query), ("schema/orders.graphqls", new_orders)])
    [change] = diff_schemas(old, new)
    assert (change.kind, change.breaking, change.file, change.line, change.at_base) == (
        "field-removed", True, "schema/orders.graphqls", 7, True)
    # an extension that adds a field is an addition wherever it lives
    extended = load_schema([("a.graphql", query), ("b.graphql", "extend type Query {\n  count: Int\n}\n")])
    [added] = diff_schemas(load_schema([("a.graphql", query)]), extended)
    assert (added.kind, added.file, added.line) == ("field-added", "b.graphql", 2)


def test_graphql_root_type_rename_is_not_a_removal() -> None:
    old = "type Query {\n  a: Int\n}\n"
    new = "schema {\n  query: Root\n}\n\ntype Root {\n  a: Int\n}\n"
    assert {(c.kind, c.breaking) for c in graphql_changes(old, new)} == {("root-type-renamed", False)}


@pytest.mark.parametrize("side", ["old", "new"])
def test_graphql_syntax_error_is_a_problem_not_a_crash(side: str) -> None:
    broken = "type Query {\n  orders: [Order!\n}\n"
    good = load_schema([("schema.graphql", SDL)])
    bad = load_schema([("schema.graphql", broken), ("other.graphql", "type Other { a: Int }")])
    assert bad.broken and bad.problems[0][0] == "schema.graphql" and bad.problems[0][1] == 3
    assert "syntax error" in bad.problems[0][2]
    assert (diff_schemas(good, bad) if side == "new" else diff_schemas(bad, good)) == []


PROTO = '''\
syntax = "proto3";

package shop.v1;

import "google/protobuf/timestamp.proto";

message Order {
  reserved 20;
  reserved "old_code";
  int64 id = 1;
  string note = 2;
  int32 quantity = 3;
  sint32 delta = 4;
  fixed32 checksum = 5;
  fixed64 token = 6;
  string label = 7;
  Status status = 8;
  repeated string tags = 9;
  double price = 10;
  Line line = 11;
  oneof payment {
    string card = 12;
    string voucher = 13;
  }
  map<string, int32> counts = 14;
  google.protobuf.Timestamp placed_at = 15;
  optional string comment = 16;
  message Line {
    string sku = 1;
  }
}

enum Status {
  STATUS_UNSPECIFIED = 0;
  STATUS_OPEN = 1;
  STATUS_PAID = 2;
}

message GetOrderRequest {
  int64 id = 1;
}

service OrderService {
  rpc GetOrder(GetOrderRequest) returns (Order);
  rpc WatchOrders(GetOrderRequest) returns (stream Order);
}
'''

PROTO_CASES = {
    "field removed without reserve": ("  string note = 2;\n", "", ("field-removed", True)),
    "field removed with number reserved": ("  string note = 2;\n", "  reserved 2;\n",
                                           ("field-removed-reserved", False)),
    "field number reused with another name and type": ("  string note = 2;\n", "  int64 owner_id = 2;\n",
                                                       ("field-number-reused", True)),
    "field renumbered": ("  string note = 2;\n", "  string note = 30;\n", ("field-number-changed", True)),
    "field renamed, same number and type": ("  string note = 2;\n", "  string remark = 2;\n",
                                            ("field-renamed", False)),
    "two fields swap their numbers": ("  string note = 2;\n  int32 quantity = 3;\n  sint32 delta = 4;\n"
                                      "  fixed32 checksum = 5;\n  fixed64 token = 6;\n  string label = 7;\n",
                                      "  string label = 2;\n  int32 quantity = 3;\n  sint32 delta = 4;\n"
                                      "  fixed32 checksum = 5;\n  fixed64 token = 6;\n  string note = 7;\n",
                                      ("field-number-reused", True)),
    "field type changed": ("  string note = 2;\n", "  int64 note = 2;\n", ("field-type-changed", True)),
    "int32 -> int64 (wire-compatible)": ("  int32 quantity = 3;\n", "  int64 quantity = 3;\n",
                                         ("field-type-changed-compatible", False)),
    "int32 -> uint32 (wire-compatible)": ("  int32 quantity = 3;\n", "  uint32 quantity = 3;\n",
                                          ("field-type-changed-compatible", False)),
    "int32 -> bool (wire-compatible)": ("  int32 quantity = 3;\n", "  bool quantity = 3;\n",
                                        ("field-type-changed-compatible", False)),
    "int32 -> sint32 (zigzag: not compatible)": ("  int32 quantity = 3;\n", "  sint32 quantity = 3;\n",
                                                 ("field-type-changed", True)),
    "sint32 -> sint64 (wire-compatible)": ("  sint32 delta = 4;\n", "  sint64 delta = 4;\n",
                                           ("field-type-changed-compatible", False)),
    "fixed32 -> sfixed32 (wire-compatible)": ("  fixed32 checksum = 5;\n", "  sfixed32 checksum = 5;\n",
                                              ("field-type-changed-compatible", False)),
    "fixed64 -> sfixed64 (wire-compatible)": ("  fixed64 token = 6;\n", "  sfixed64 token = 6;\n",
                                              ("field-type-changed-compatible", False)),
    "fixed32 -> fixed64 (not compatible)": ("  fixed32 checksum = 5;\n", "  fixed64 checksum = 5;\n",
                                            ("field-type-changed", True)),
    "string -> bytes (wire-compatible)": ("  string label = 7;\n", "  bytes label = 7;\n",
                                          ("field-type-changed-compatible", False)),
    "enum -> int32 (wire-compatible)": ("  Status status = 8;\n", "  int32 status = 8;\n",
                                        ("field-type-changed-compatible", False)),
    "double -> float (not compatible)": ("  double price = 10;\n", "  float price = 10;\n", ("field-type-changed", True)),
    "message type changed": ("  Line line = 11;\n", "  GetOrderRequest line = 11;\n", ("field-type-changed", True)),
    "singular string -> repeated (compatible)": ("  string label = 7;\n", "  repeated string label = 7;\n",
                                                 ("field-label-changed", False)),
    "singular int32 -> repeated (packed: not compatible)": ("  int32 quantity = 3;\n", "  repeated int32 quantity = 3;\n",
                                                            ("field-label-changed", True)),
    "proto3 optional added": ("  string label = 7;\n", "  optional string label = 7;\n",
                              ("field-presence-changed", False)),
    "field moved out of a oneof": ("    string voucher = 13;\n  }\n", "  }\n  string voucher = 13;\n",
                                   ("field-oneof-changed", True)),
    "single field moved into a new oneof": ("  double price = 10;\n", "  oneof amount {\n    double price = 10;\n  }\n",
                                            ("field-moved-into-oneof", False)),
    "field added": ("  string note = 2;\n", "  string note = 2;\n  string currency = 21;\n", ("field-added", False)),
    "field added on a reserved number": ("  string note = 2;\n", "  string note = 2;\n  string currency = 20;\n",
                                         ("reserved-number-reused", True)),
    "field deprecated": ("  string note = 2;\n", "  string note = 2 [deprecated = true];\n",
                         ("field-deprecated", False)),
    "json_name changed": ("  string note = 2;\n", '  string note = 2 [json_name = "remark"];\n',
                          ("field-json-name-changed", False)),
    "map value type changed": ("map<string, int32> counts", "map<string, string> counts", ("field-type-changed", True)),
    "map value int32 -> int64 (wire-compatible)": ("map<string, int32> counts", "map<string, int64> counts",
                                                   ("field-type-changed-compatible", False)),
    "nested message removed": ("  message Line {\n    string sku = 1;\n  }\n", "", ("message-removed", True)),
    "message removed": ("message GetOrderRequest {\n  int64 id = 1;\n}\n", "", ("message-removed", True)),
    "message added": ("enum Status {", "message Refund {\n  int64 id = 1;\n}\n\nenum Status {",
                      ("message-added", False)),
    "enum removed": ("enum Status {\n  STATUS_UNSPECIFIED = 0;\n  STATUS_OPEN = 1;\n  STATUS_PAID = 2;\n}\n", "",
                     ("enum-removed", True)),
    "enum value removed without reserve": ("  STATUS_PAID = 2;\n", "", ("enum-value-removed", True)),
    "enum value removed, number reserved": ("  STATUS_PAID = 2;\n", "  reserved 2;\n",
                                            ("enum-value-removed-reserved", False)),
    "enum value number changed": ("  STATUS_PAID = 2;\n", "  STATUS_PAID = 3;\n", ("enum-value-number-changed", True)),
    "enum value renamed": ("  STATUS_PAID = 2;\n", "  STATUS_SETTLED = 2;\n", ("enum-value-renamed", False)),
    "enum value added": ("  STATUS_PAID = 2;\n", "  STATUS_PAID = 2;\n  STATUS_VOID = 3;\n", ("enum-value-added", False)),
    "rpc removed": ("  rpc GetOrder(GetOrderRequest) returns (Order);\n", "", ("rpc-removed", True)),
    "rpc added": ("  rpc GetOrder(GetOrderRequest) returns (Order);\n",
                  "  rpc GetOrder(GetOrderRequest) returns (Order);\n  rpc Cancel(GetOrderRequest) returns (Order);\n",
                  ("rpc-added", False)),
    "rpc request type changed": ("rpc GetOrder(GetOrderRequest)", "rpc GetOrder(Order)",
                                 ("rpc-request-type-changed", True)),
    "rpc response type changed": ("returns (Order);", "returns (GetOrderRequest);", ("rpc-response-type-changed", True)),
    "rpc streaming changed": ("returns (stream Order)", "returns (Order)", ("rpc-streaming-changed", True)),
    "rpc deprecated": ("  rpc GetOrder(GetOrderRequest) returns (Order);\n",
                       "  rpc GetOrder(GetOrderRequest) returns (Order) {\n    option deprecated = true;\n  }\n",
                       ("rpc-deprecated", False)),
    "package changed": ("package shop.v1;", "package shop.v2;", ("package-changed", True)),
    "fully qualified spelling of the same type": ("  Line line = 11;\n", "  .shop.v1.Order.Line line = 11;\n", None),
    "comments and options only": ('import "google/protobuf/timestamp.proto";\n',
                                  'import "google/protobuf/timestamp.proto";\n\n// Orders.\noption go_package = "x/v1";\n',
                                  None),
}


def proto_changes(old: str, new: str, old_path: str = "shop.proto", new_path: str = "shop.proto"):
    return diff_protos(load_protos([(old_path, old)]), load_protos([(new_path, new)]))


@pytest.mark.parametrize("name", sorted(PROTO_CASES))
def test_each_labeled_protobuf_change_is_classified(name: str) -> None:
    before, after, expected = PROTO_CASES[name]
    assert PROTO.count(before) == 1, before
    found = {(c.kind, c.breaking) for c in proto_changes(PROTO, PROTO.replace(before, after))}
    if expected is None:
        assert found == set()
    else:
        assert expected in found, found
        assert {breaking for _, breaking in found} == {expected[1]}, found


def test_protobuf_change_records_are_readable_and_located() -> None:
    changes = {c.kind: c for c in proto_changes(PROTO, PROTO.replace("  string note = 2;\n", "").replace(
        "  rpc GetOrder(GetOrderRequest) returns (Order);\n", ""))}
    field, rpc = changes["field-removed"], changes["rpc-removed"]
    assert (field.method, field.path, field.file, field.line, field.at_base) == (
        "proto", "shop.v1.Order.note", "shop.proto", 11, True)
    assert "reserved" in field.note
    assert (rpc.path, rpc.line) == ("shop.v1.OrderService/GetOrder", 44)
    package = proto_changes(PROTO, PROTO.replace("package shop.v1;", "package shop.v2;"))
    assert [(c.kind, c.line) for c in package] == [("package-changed", 3)]     # not every message removed


def test_protobuf_definitions_moved_between_files_are_no_change() -> None:
    head, _, tail = PROTO.partition("enum Status {")
    enum = "enum Status {" + tail.partition("}\n")[0] + "}\n"
    rest = tail.partition("}\n")[2]
    split = 'syntax = "proto3";\npackage shop.v1;\n' + enum
    old = load_protos([("shop.proto", PROTO)])
    new = load_protos([("shop.proto", head + rest), ("status.proto", split)])
    assert diff_protos(old, new) == []


@pytest.mark.parametrize("side", ["old", "new"])
def test_protobuf_syntax_error_is_a_problem_not_a_crash(side: str) -> None:
    broken = PROTO.replace("  int32 quantity = 3;\n", "  int32 quantity = ;\n")
    good = load_protos([("shop.proto", PROTO), ("other.proto", "syntax = \"proto3\";\nmessage Other {}\n")])
    bad = load_protos([("shop.proto", broken), ("other.proto", "syntax = \"proto3\";\nmessage Other {}\n")])
    assert bad.broken == {"shop.proto"} and bad.problems == [
        ("shop.proto", 12, "protobuf syntax error: expected a number, found ';'")]
    changes = diff_protos(good, bad) if side == "new" else diff_protos(bad, good)
    assert changes == []           # the broken file's definitions are neither removed nor added


def test_proto_parser_reads_the_contract_subset() -> None:
    text = '''
    syntax = "proto2";
    package a.b;
    import public "other.proto";
    option (custom.opt) = { nested: { x: 1 } list: [1, 2] };
    message Outer {
      option deprecated = true;
      extensions 100 to max;
      reserved 2, 5 to 7, 40 to max;
      reserved "gone";
      optional group Result = 1 { required string url = 2; }
      required int32 count = 3 [default = -1, (v.rules).int32 = { gt: 0 }];
      map<string, Inner> by_key = 4;
      oneof choice { Inner.Deep inner = 8; string text = 9; }
      message Inner { message Deep { } enum Kind { option allow_alias = true; A = 0; B = 0; } }
    }
    extend Outer { optional int32 extra = 100; }
    service S { rpc Chat(stream Outer) returns (stream .a.b.Outer.Inner) { option idempotency_level = NO_SIDE_EFFECTS; } }
    '''
    proto = parse_proto("x.proto", text)
    resolve_types([proto])
    outer = proto.messages[0]
    assert (proto.syntax, proto.package, proto.imports) == ("proto2", "a.b", ["other.proto"])
    assert outer.reserved.ranges == [(2, 2), (5, 7), (40, 536_870_911)] and outer.reserved.names == {"gone"}
    fields = {f.name: (f.number, f.type, f.label, f.oneof) for f in outer.fields}
    assert fields == {"result": (1, "a.b.Outer.Result", "optional", ""), "count": (3, "int32", "required", ""),
                      "by_key": (4, "map<string, a.b.Outer.Inner>", "", ""),
                      "inner": (8, "a.b.Outer.Inner.Deep", "", "choice"), "text": (9, "string", "", "choice")}
    assert [m.name for m in proto.messages] == ["a.b.Outer", "a.b.Outer.Result", "a.b.Outer.Inner",
                                                "a.b.Outer.Inner.Deep"]
    assert [(v.name, v.number) for v in proto.enums[0].values] == [("A", 0), ("B", 0)]
    [rpc] = proto.services[0].rpcs
    assert (rpc.request, rpc.response, rpc.client_streaming, rpc.server_streaming) == (
        "a.b.Outer", "a.b.Outer.Inner", True, True)
    for bad, line in (('syntax = "proto3";\nmessage A {\n  string s = 1;\n', 4), ("message A { int32 x = 0; }", 1),
                      ('message A {\n  string s = "x;\n}', 2), ("/* open", 1), ("message A { oneof { } }", 1)):
        with pytest.raises(ProtoSyntaxError) as raised:
            parse_proto("bad.proto", bad)
        assert raised.value.line == line


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_api_diff(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "prodcheck", "api-diff", *args], cwd=cwd, capture_output=True,
                          text=True)


def test_api_diff_command_on_graphql_and_protobuf(tmp_path: Path) -> None:
    write(tmp_path / "old.graphql", SDL)
    write(tmp_path / "safe.graphql", SDL.replace("  total: Float\n", "  total: Float!\n"))
    write(tmp_path / "broken.graphql", SDL.replace("  note: String\n", ""))
    write(tmp_path / "bad.graphql", "type Query {\n")
    write(tmp_path / "old.proto", PROTO)
    write(tmp_path / "new.proto", PROTO.replace("  string note = 2;\n", ""))
    write(tmp_path / "v1/shop.proto", PROTO)
    write(tmp_path / "v2/shop.proto", PROTO.replace("  int32 quantity = 3;\n", "  int64 quantity = 3;\n"))
    safe = run_api_diff(tmp_path, "old.graphql", "safe.graphql")
    assert safe.returncode == 0, safe.stderr
    assert "0 breaking, 1 non-breaking" in safe.stdout and "GraphQL Order.total" in safe.stdout
    breaking = run_api_diff(tmp_path, "old.graphql", "broken.graphql", "-f", "json")
    assert breaking.returncode == 1, breaking.stderr
    data = json.loads(breaking.stdout)
    assert [(c["change"], c["path"], c["location"]) for c in data["changes"]] == [
        ("field-removed", "Order.note", {"file": "old.graphql", "line": 15, "side": "old"})]
    proto = run_api_diff(tmp_path, "old.proto", "new.proto", "-f", "md")
    assert proto.returncode == 1 and "`proto shop.v1.Order.note`" in proto.stdout
    directories = run_api_diff(tmp_path, "v1", "v2")
    assert directories.returncode == 0 and "field-type-changed-compatible" not in directories.stdout
    assert "shop.v1.Order.quantity: `shop.v1.Order.quantity`: int32 -> int64" in directories.stdout
    for old, new, message in (("old.graphql", "bad.graphql", "bad.graphql:2: GraphQL syntax error"),
                              ("old.graphql", "missing.graphql", "no such file"),
                              ("old.proto", "old.graphql", "not the same kind")):
        failed = run_api_diff(tmp_path, old, new)
        assert failed.returncode == 2 and message in failed.stderr, failed.stderr
    bad_proto = write(tmp_path / "bad.proto", "message A {\n  int32 x = ;\n}\n")
    failed = run_api_diff(tmp_path, "old.proto", bad_proto.name)
    assert failed.returncode == 2 and "bad.proto:2: protobuf syntax error" in failed.stderr


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
                   check=True, capture_output=True)


def test_api_diff_reads_git_revisions(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write(repo / "proto/shop.proto", PROTO)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    write(repo / "proto/shop.proto", PROTO.replace("  STATUS_PAID = 2;\n", ""))
    same = run_api_diff(repo, "git:HEAD:proto/shop.proto", "git:HEAD:proto/shop.proto")
    assert same.returncode == 0, same.stderr
    changed = run_api_diff(repo, "git:HEAD:proto/shop.proto", "proto/shop.proto", "-f", "json")
    assert changed.returncode == 1, changed.stderr
    assert [c["change"] for c in json.loads(changed.stdout)["changes"]] == ["enum-value-removed"]
    tree = run_api_diff(repo, "git:HEAD:proto", "proto")
    assert tree.returncode == 1 and "enum-value-removed" not in tree.stdout and "STATUS_PAID" in tree.stdout


def test_review_reports_graphql_and_protobuf_changes_in_the_contract_delta(tmp_path: Path) -> None:
    from prodcheck.config import Config
    from prodcheck.review import review
    repo = tmp_path / "repo"
    write(repo / "app.py", "print('hi')\n")
    write(repo / "api/schema.graphql", SDL)
    write(repo / "api/orders.graphqls", "extend type Query {\n  count: Int\n}\n")
    write(repo / "proto/shop.proto", PROTO)
    write(repo / "tests/fixtures/fixture.proto", PROTO)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    write(repo / "api/schema.graphql", SDL.replace("order(id: ID!)", "order(id: ID!, tenant: String!)"))
    write(repo / "api/orders.graphqls", "extend type Query {\n  count: Int!\n}\n")
    write(repo / "proto/shop.proto", PROTO.replace("  string note = 2;\n", ""))
    write(repo / "tests/fixtures/fixture.proto", "message Broken {\n")          # test files are not contracts
    result = review(repo, "main", config=Config(use_baseline=False, jobs=1))
    found = sorted((c.source, c.kind, c.breaking, c.method, c.path) for c in result.contract if c.source != "code")
    assert found == [
        ("api/orders.graphqls", "field-type-narrowed", False, "GraphQL", "Query.count"),
        ("api/schema.graphql", "new-required-argument", True, "GraphQL", "Query.order(tenant:)"),
        ("proto/shop.proto", "field-removed", True, "proto", "shop.v1.Order.note"),
    ]
    removed = next(c for c in result.contract if c.kind == "field-removed")
    assert removed.location.path == "proto/shop.proto" and removed.location.label == "line 11 at base"
    assert result.risk.level in ("medium", "high")
    assert not [d for d in result.diagnostics if d.kind == "api-document"]


def test_review_reports_a_schema_that_does_not_parse(tmp_path: Path) -> None:
    from prodcheck.config import Config
    from prodcheck.review import review
    repo = tmp_path / "repo"
    write(repo / "api/schema.graphql", SDL)
    write(repo / "proto/shop.proto", PROTO)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    write(repo / "api/schema.graphql", SDL.replace("type Refund implements Node {", "type Refund implements Node"
                                                   " {{"))
    write(repo / "proto/shop.proto", PROTO.replace("  string note = 2;\n", "  string note = \n"))
    result = review(repo, "main", config=Config(use_baseline=False, jobs=1))
    assert [c for c in result.contract if c.source != "code"] == []
    problems = sorted((d.path, d.line) for d in result.diagnostics if d.kind == "api-document")
    assert problems == [("api/schema.graphql", 20), ("proto/shop.proto", 12)]
    assert all("not compared" in d.message or "left out" in d.message for d in result.diagnostics
               if d.kind == "api-document")


def test_protobuf_scope_limits_removals_and_additions_not_comparisons() -> None:
    old = load_protos([("old/shop.proto", PROTO), ("gone.proto", 'syntax = "proto3";\nmessage Gone {}\n')])
    new = load_protos([("new/shop.proto", PROTO.replace("  string note = 2;\n", "")),
                       ("fresh.proto", 'syntax = "proto3";\nmessage Fresh {}\n')])
    # a file renamed at head is still compared definition by definition; a deleted or new file is not reported
    assert [(c.kind, c.path) for c in diff_protos(old, new, scope=set())] == [("field-removed", "shop.v1.Order.note")]
    assert {c.kind for c in diff_protos(old, new)} == {"field-removed", "message-removed", "message-added"}
