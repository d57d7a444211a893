"""
## What it does
Flags XML parsers configured to resolve external entities or fetch external DTDs:
- lxml `etree.XMLParser(resolve_entities=True)` (also `XMLPullParser`, `iterparse`,
  `objectify.makeparser`);
- lxml parsers given `no_network=False` together with `load_dtd=True` or `dtd_validation=True`
  (the DTD, and what it references, is fetched over the network);
- SAX and `xml.dom.pulldom` parsers with `setFeature(feature_external_ges, True)` or
  `feature_external_pes` switched on.

## Why it matters
An external entity (`<!ENTITY x SYSTEM "file:///etc/passwd">`) makes the parser read a local file
or an internal URL and paste it into the document, which the application then stores or echoes:
file disclosure and server-side request forgery from a single upload. Recent lxml (5.0+) and the
standard library no longer resolve external entities by default, so a parser that does has been
switched on by hand.

## Example
    from lxml import etree


    def parse_invoice(payload: bytes):
        parser = etree.XMLParser(resolve_entities=True)
        return etree.fromstring(payload, parser)

## Use instead
    from lxml import etree


    def parse_invoice(payload: bytes):
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        return etree.fromstring(payload, parser)

## Known limitations
Only explicit opt-ins written as literals are reported, wherever the parser is used: the rule
does not follow where the parsed document comes from. lxml before 5.0 resolved external entities
with its default parser (`etree.fromstring(data)`); that default is not reported because the
installed lxml version is not known here. Entity-expansion bombs ("billion laughs"), which
`xml.etree`, `minidom` and `xmlrpc` accept with old Expat builds, are not this rule's subject;
`defusedxml` prevents both.
"""
from __future__ import annotations

import ast

from prodcheck.facts.extractors.python_common import argument, const_str, keyword
from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import NodeRule
from prodcheck.rules.python.helpers import qualified

LXML_PARSERS = frozenset({
    "lxml.etree.XMLParser", "lxml.etree.XMLPullParser", "lxml.etree.ETCompatXMLParser",
    "lxml.etree.iterparse", "lxml.objectify.makeparser", "lxml.etree.XMLTreeBuilder",
})
PARSER_NAMES = frozenset(name.rsplit(".", 1)[-1] for name in LXML_PARSERS)
SAX_FEATURES = {
    "xml.sax.handler.feature_external_ges": "external general entities",
    "xml.sax.handler.feature_external_pes": "external parameter entities",
}
SAX_FEATURE_URIS = {
    "http://xml.org/sax/features/external-general-entities": "external general entities",
    "http://xml.org/sax/features/external-parameter-entities": "external parameter entities",
}


def check(call: ast.Call, ctx):
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if last == "setFeature":
        yield from _sax_feature(call, ctx)
    elif last in PARSER_NAMES and qualified(ctx, func) in LXML_PARSERS:
        yield from _lxml_parser(call, last, ctx)


def _lxml_parser(call: ast.Call, name: str, ctx):
    resolve = keyword(call, "resolve_entities")
    if _is_true(resolve):
        yield ctx.finding(RULE, call, f"`{name}(resolve_entities=True)` expands external entities: a "
                                      "document can read local files or internal URLs")
        return
    network = keyword(call, "no_network")
    if _is_false(network) and (_is_true(keyword(call, "load_dtd")) or _is_true(keyword(call, "dtd_validation"))):
        yield ctx.finding(RULE, call, f"`{name}(no_network=False, load_dtd=True)` fetches the external DTD a "
                                      "document names")


def _sax_feature(call: ast.Call, ctx):
    feature = argument(call, 0, "name")
    state = argument(call, 1, "state")
    if feature is None or not _is_true(state):
        return
    what = SAX_FEATURES.get(qualified(ctx, feature)) or SAX_FEATURE_URIS.get(const_str(feature) or "")
    if what:
        yield ctx.finding(RULE, call, f"the SAX parser is told to resolve {what}")


def _is_true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True or \
        isinstance(node, ast.Constant) and type(node.value) is int and node.value == 1


def _is_false(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and (node.value is False or type(node.value) is int and node.value == 0)


RULE = NodeRule(
    id="PY-SEC-012", slug="xml-external-entities", area=Area.SEC,
    title="XML parser resolves external entities",
    fix="Leave external entities off (`XMLParser(resolve_entities=False, no_network=True)`, no "
        "`feature_external_ges`), or parse untrusted XML with `defusedxml`.",
    rows=("SEC-10",), doc=__doc__, confidence=Confidence.HIGH, cwe=("CWE-611",),
    stride=(Stride.INFORMATION_DISCLOSURE, Stride.DENIAL_OF_SERVICE), example_path="invoices.py",
    coverage="partial",
    coverage_note="explicit opt-ins to external entities; default parsers of old lxml and entity bombs are "
                  "not reported",
    visits=(ast.Call,), check=check,
)
