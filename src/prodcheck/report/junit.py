"""JUnit XML: one test suite `prodcheck`, one test case per rule that ran.

    <testsuites name="prodcheck" tests=".." failures=".." errors="0" skipped=".." time="..">
      <testsuite name="prodcheck" ...>
        <properties> verdict, review verdict, counts </properties>
        <testcase classname="OPS" name="GEN-OPS-101 Container image runs as root" time="0">
          <failure message="..." type="HIGH">Dockerfile:1: ...</failure>   (one per finding)
        </testcase>

A test case fails when its rule has findings (one `<failure>` each; the rule's suppressed
findings, if any, are listed in its `<system-out>`), is skipped when its rule has only suppressed
findings (one `<skipped>` each), and passes otherwise. Counts are per test case, as JUnit defines
them: `tests` test cases, `failures` failing ones, `skipped` skipped ones, `errors` always 0.
Characters XML 1.0 cannot carry are replaced by U+FFFD. `time` is the scan's duration with
`--timings`, else 0 (the report stays deterministic).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from prodcheck.model import Area, Finding, Report
from prodcheck.report.common import priority_key, severity_counts
from prodcheck.report.markdown import fix_text, ref
from prodcheck.rules.catalog import Catalog, load_catalog

SUITE = "prodcheck"
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", str(text))


def finding_text(finding: Finding, catalog: Catalog) -> str:
    text = f"{ref(finding.location)}: {finding.severity.value} {finding.rule_id}: {finding.message} " \
           f"(confidence {finding.confidence.value.lower()})"
    fix = fix_text(finding, catalog)
    return f"{text}\nFix: {fix}" if fix else text


def element(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
    child = ET.SubElement(parent, tag, {key: xml_text(value) for key, value in attributes.items()})
    if text:
        child.text = xml_text(text)
    return child


def _rule_ids(report: Report) -> list[str]:
    return sorted(set(report.rules_run) | {f.rule_id for f in report.findings}
                  | {s.finding.rule_id for s in report.suppressed})


def _area(rule_id: str, rule, findings: list[Finding]) -> str:
    if rule is not None:
        return rule.area.value
    if findings:
        return findings[0].area.value
    parts = rule_id.split("-")
    return parts[1] if len(parts) == 3 and parts[1] in Area.__members__ else "prodcheck"


def testcase(suite: ET.Element, rule_id: str, findings: list[Finding], silenced: list, catalog: Catalog) -> str:
    """Add the test case of one rule; returns its status: passed, failed or skipped."""
    rule = catalog.get(rule_id)
    name = f"{rule_id} {rule.title}" if rule is not None else rule_id
    case = element(suite, "testcase", classname=_area(rule_id, rule, [*findings, *(s.finding for s in silenced)]),
                   name=name, time="0")
    for finding in sorted(findings, key=priority_key):
        element(case, "failure", finding_text(finding, catalog), message=" ".join(finding.message.split()),
                type=finding.severity.value)
    notes = [f"suppressed ({item.kind}{': ' + item.reason if item.reason else ''}): "
             f"{finding_text(item.finding, catalog)}" for item in silenced]
    if findings:
        if notes:
            element(case, "system-out", "\n".join(notes))
        return "failed"
    for item, note in zip(silenced, notes):
        element(case, "skipped", note, message=f"suppressed ({item.kind}) at {ref(item.finding.location)}")
    return "skipped" if silenced else "passed"


def to_xml(report: Report, timings: bool = False) -> ET.Element:
    catalog = load_catalog()
    findings: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        findings[finding.rule_id].append(finding)
    silenced: dict[str, list] = defaultdict(list)
    for item in report.suppressed:
        silenced[item.finding.rule_id].append(item)
    root = ET.Element("testsuites", {"name": SUITE})
    suite = element(root, "testsuite", name=SUITE)
    properties = element(suite, "properties")
    counts = severity_counts(report.findings)
    for key, value in (("verdict", report.verdict.value), ("review_verdict", report.verdict.review_word),
                       ("findings", str(len(report.findings))), ("suppressed", str(len(report.suppressed))),
                       *((f"findings.{name.lower()}", str(count)) for name, count in counts.items()),
                       ("prodcheck.version", report.tool_version), ("root", report.root)):
        element(properties, "property", name=key, value=value)
    statuses = [testcase(suite, rule_id, findings[rule_id], silenced[rule_id], catalog)
                for rule_id in _rule_ids(report)]
    seconds = f"{report.timings.get('total', 0.0):.3f}" if timings else "0"
    totals = {"tests": str(len(statuses)), "failures": str(statuses.count("failed")), "errors": "0",
              "skipped": str(statuses.count("skipped")), "time": seconds}
    root.attrib.update(totals)
    suite.attrib.update(totals)
    return root


def render(report: Report, options) -> str:
    root = to_xml(report, options.timings)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
