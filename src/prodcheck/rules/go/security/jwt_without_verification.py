"""
## What it does
Flags JSON Web Tokens accepted without a proper check, with golang-jwt (`github.com/golang-jwt/jwt`
v3-v5) and its predecessors (`dgrijalva/jwt-go`, `form3tech-oss/jwt-go`):
- `ParseUnverified(...)` in a function that never verifies the token afterwards (`Parse`,
  `ParseWithClaims`): the claims are read from an unsigned token;
- a key function that hands back `jwt.UnsafeAllowNoneSignatureType`, which accepts `alg: none`;
- `jwt.WithoutClaimsValidation()` or `jwt.Parser{SkipClaimsValidation: true}`: expiry and
  not-before are never checked;
- (MEDIUM confidence) `jwt.Parse(s, keyFunc)` / `jwt.ParseWithClaims(s, claims, keyFunc)` (or a
  parser's `Parse`) whose key function, visible in the file, never looks at `token.Method` (a type
  assertion such as `t.Method.(*jwt.SigningMethodHMAC)` or `t.Method.Alg()`), when no
  `jwt.WithValidMethods(...)` option pins the algorithms.

## Why it matters
A token whose signature is not verified is just base64: anyone can write one claiming to be any
user (CWE-347). Without expiry checks a leaked token stays valid forever. Not pinning the algorithm
leaves the choice to the attacker's token header; golang-jwt's key-type checks stop the classic
HS256/RS256 confusion, but only as long as every key function returns exactly the right key type.

## Example
    package auth

    import (
    	"errors"

    	"github.com/golang-jwt/jwt/v5"
    )

    func UserID(tokenString string) (string, error) {
    	token, _, err := jwt.NewParser().ParseUnverified(tokenString, jwt.MapClaims{})
    	if err != nil {
    		return "", err
    	}
    	claims, ok := token.Claims.(jwt.MapClaims)
    	if !ok {
    		return "", errors.New("bad claims")
    	}
    	sub, _ := claims["sub"].(string)
    	return sub, nil
    }

## Use instead
    package auth

    import (
    	"errors"
    	"os"

    	"github.com/golang-jwt/jwt/v5"
    )

    func UserID(tokenString string) (string, error) {
    	token, err := jwt.Parse(tokenString, func(t *jwt.Token) (any, error) {
    		return []byte(os.Getenv("JWT_SECRET")), nil
    	}, jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())
    	if err != nil || !token.Valid {
    		return "", errors.New("invalid token")
    	}
    	sub, err := token.Claims.GetSubject()
    	return sub, err
    }

## Known limitations
Key functions defined in another file are not inspected (their parse calls are not reported).
lestrrat-go/jwx and other JWT libraries are not checked; `aud`/`iss` validation is not checked.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import (
    body_of, call_parts, composite_fields, composite_type, is_true, local_value, selector_names, unparen,
    walk_local,
)
from prodcheck.model import Area, Confidence, Stride
from prodcheck.parsing.treesitter import text_of
from prodcheck.rules.base import NodeRule
from prodcheck.rules.go.helpers import package_of, view

JWT_PATHS = ("github.com/golang-jwt/jwt", "github.com/dgrijalva/jwt-go", "github.com/form3tech-oss/jwt-go")
VERIFYING = frozenset({"Parse", "ParseWithClaims"})


def is_jwt(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in JWT_PATHS)


def check(node, ctx):
    file_view = view(ctx)
    if node.type == "composite_literal":
        path, type_name = composite_type(node, file_view)
        if is_jwt(path) and type_name == "Parser" and is_true(composite_fields(node).get("SkipClaimsValidation")):
            yield ctx.finding(RULE, node, "`SkipClaimsValidation: true`: token expiry is never checked")
        return
    operand, name = file_view.call_parts(node)
    operand = unparen(operand)
    if operand is None:
        return
    package = package_of(operand, ctx)
    if is_jwt(package) and name == "WithoutClaimsValidation":
        yield ctx.finding(RULE, node, "`jwt.WithoutClaimsValidation()`: token expiry is never checked")
        return
    if name == "ParseUnverified" and (is_jwt(package) or _jwt_parser(operand, node, ctx) is not None):
        if not _verifies_later(node, ctx):
            yield ctx.finding(RULE, node, "`ParseUnverified` trusts a token whose signature is never checked")
        return
    if name not in VERIFYING:
        return
    options = [] if is_jwt(package) else _jwt_parser(operand, node, ctx)
    if options is None:
        return
    args = file_view.arguments(node)
    key_index = 1 if name == "Parse" else 2
    if len(args) <= key_index:
        return
    options = options + args[key_index + 1:]
    key_func = _key_function(args[key_index], node, ctx)
    if key_func is None:
        return
    if _allows_none(key_func):
        yield ctx.finding(RULE, node, "the key function returns `jwt.UnsafeAllowNoneSignatureType`: "
                                      "unsigned (`alg: none`) tokens are accepted")
        return
    if _pins_methods(options) or _checks_method(key_func):
        return
    yield ctx.finding(RULE, node, "the JWT signing algorithm is not pinned: the key function never checks "
                                  "`token.Method` and no `jwt.WithValidMethods` is given",
                      confidence=Confidence.MEDIUM)


def _jwt_parser(operand, at, ctx):
    """The options of a golang-jwt parser (`jwt.NewParser(opts...)`, `&jwt.Parser{...}`,
    `new(jwt.Parser)`), as a list of nodes; None when the operand is not one."""
    file_view = view(ctx)
    value = operand
    if operand.type == "identifier" and not package_of(operand, ctx):
        value = unparen(local_value(file_view.text(operand), at, file_view))
    if value is None:
        return None
    if value.type == "call_expression":
        inner_operand, inner = file_view.call_parts(value)
        if inner == "NewParser" and is_jwt(package_of(inner_operand, ctx)):
            return list(file_view.arguments(value))
        if inner == "new":
            args = file_view.arguments(value)
            target = unparen(args[0]) if args else None
            if target is not None and target.type == "qualified_type":
                package, type_name = (file_view.text(target.child_by_field_name("package")),
                                      file_view.text(target.child_by_field_name("name")))
            elif target is not None and target.type == "selector_expression":
                package, type_name = (file_view.text(target.child_by_field_name("operand")),
                                      file_view.text(target.child_by_field_name("field")))
            else:
                return None
            return [] if type_name == "Parser" and is_jwt(file_view.imports.get(package, "")) else None
        return None
    path, type_name = composite_type(value, file_view)
    if is_jwt(path) and type_name == "Parser":
        fields = composite_fields(value)
        return [fields["ValidMethods"]] if "ValidMethods" in fields else []
    return None


def _key_function(node, at, ctx):
    file_view = view(ctx)
    node = unparen(node)
    if node is None:
        return None
    if node.type == "func_literal":
        return node
    if node.type == "identifier":
        found = file_view.functions.get(file_view.text(node))
        if found is not None:
            return found
        value = unparen(local_value(file_view.text(node), at, file_view))
        return value if value is not None and value.type == "func_literal" else None
    return None


def _pins_methods(options) -> bool:
    for option in options:
        text = text_of(option)
        if "WithValidMethods" in text or "ValidMethods" in text or option.type == "composite_literal":
            return True
    return False


def _checks_method(func) -> bool:
    for node in walk_local(body_of(func)):
        if node.type == "selector_expression" and text_of(node.child_by_field_name("field")) == "Method":
            return True
        if node.type == "interpreted_string_literal" and text_of(node).strip('"') == "alg":
            return True
        if node.type == "call_expression" and call_parts(node)[1] in ("Alg", "GetSigningMethod"):
            return True
    return False


def _allows_none(func) -> bool:
    return any(node.type == "selector_expression" and selector_names(node)[-1:] == ["UnsafeAllowNoneSignatureType"]
               for node in walk_local(body_of(func)))


def _verifies_later(call, ctx) -> bool:
    file_view = view(ctx)
    func = file_view.enclosing_function(call)
    for node in file_view.walk_local(body_of(func)) if func is not None else ():
        if node.type == "call_expression" and node.id != call.id:
            operand, name = file_view.call_parts(node)
            if name in VERIFYING and operand is not None:
                return True
    return False


RULE = NodeRule(
    id="GO-SEC-022", slug="jwt-without-verification", area=Area.SEC,
    title="JWT trusted without signature verification",
    fix="Parse with `jwt.Parse(token, keyFunc, jwt.WithValidMethods([]string{\"RS256\"}))` (or check "
        "`token.Method` in the key function) and keep claims validation on; never trust `ParseUnverified`.",
    rows=("SEC-23",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-347",),
    stride=(Stride.SPOOFING, Stride.ELEVATION_OF_PRIVILEGE),
    example_path="main.go", visits=("call_expression", "composite_literal"), check=check,
    coverage="partial", coverage_note="golang-jwt and jwt-go; jwx and aud/iss validation are not checked",
)
