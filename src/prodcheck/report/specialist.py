"""Markdown review in the "Output Format for Reviews" of seed 003 (checklist part B.3).

- `## 🚨 Critical Issues (N issues found)`: the CRITICAL findings, one item each with **Issue**,
  **Location** (file:line, the endpoint it belongs to, the source of a taint path), **Impact** (the
  rule's "Why it matters"), **Fix** (with the diff when there is one) and **Verification** (how to
  prove the fix: a test or check per area, specialised for some rules, then a prodcheck re-run);
- `## ⚠️ Important Issues (N issues found)`: HIGH and MEDIUM findings grouped by rule, with
  **Issue**, **Details** (every occurrence, capped), **Recommendation** and **Impact**;
- `## 💡 Suggestions (N suggestions)`: LOW findings grouped by rule, with **Opportunity**,
  **Rationale**, **Implementation** and **Trade-offs**;
- `## ✅ Strengths`: only facts the report proves (an inventory fact and the silence of the rule
  that checks it, with counts and a file:line), never a claim from missing data: unknown facets,
  rules that did not run and suppressed findings all withhold a strength;
- `## STRIDE Summary`: the findings under each STRIDE category.

N counts findings. Deterministic; long listings are capped (the JSON report has everything).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from prodcheck.discovery.classify import classify
from prodcheck.facts.public import HEALTH_PATHS
from prodcheck.model import Area, Confidence, Endpoint, FacetState, Finding, Report, Severity
from prodcheck.report.common import fmt_score, priority_key, review_line
from prodcheck.report.markdown import (
    JSON_HINT, code, fenced, fix_text, group_by_rule, more_line, one_line, plural, ref, rule_title,
    scanned_line, sentence, stride_summary,
)
from prodcheck.rules.catalog import Catalog, load_catalog
from prodcheck.rules.generic.inventory.state_changing_endpoint_without_auth import STATE_CHANGING

MAX_CRITICAL = 50
MAX_GROUPS = 30
MAX_OCCURRENCES = 5
MAX_EVIDENCE = 3

SECRET_SLUGS = ("hardcoded-secret", "secret-assignment", "secret-file-committed",
                "dockerfile-secret-in-env-or-arg", "compose-plaintext-secret")
TIMEOUT_SLUG = "http-call-without-timeout"
STRUCTURED_LOGGING = frozenset({"structlog", "python-json-logger", "loguru", "pino", "winston", "bunyan", "zap",
                                "zerolog"})
MONITORING = {"OpenTelemetry": "tracing", "Prometheus": "metrics", "Sentry": "error tracking",
              "Datadog": "APM", "New Relic": "APM"}
HEADER_FRAMEWORKS = frozenset({"Express", "Fastify", "NestJS"})
JS_LANGUAGES = frozenset({"javascript", "typescript"})

VERIFY_BY_AREA = {
    Area.SEC: "add a test that sends the malicious input (or calls without credentials) and expects a 4xx "
              "response or escaped output",
    Area.REL: "run a chaos test with the dependency slowed down or failing and check that the request fails "
              "fast with a clear error and the service recovers",
    Area.DATA: "run the change against a copy of the database with production-like volume and check the "
               "number of queries and the locks it takes (pg_locks)",
    Area.PERF: "load-test the endpoint before and after the change (seed 003 targets: p95 <= 200 ms, "
               "p99 <= 500 ms)",
    Area.OPS: "deploy to a staging environment and check that the setting takes effect there",
    Area.OBS: "trigger the code path in a test and check the structured log, metric or trace it emits",
    Area.API: "add a contract test for the endpoint (status codes, error shape, limits)",
    Area.ARCH: "add a test at the module boundary that fails when the dependency direction regresses",
    Area.QUAL: "run the type checker and linter in CI and keep them green",
    Area.TEST: "check that the new test fails before the fix and passes after it, in CI",
}
VERIFY_MIGRATION = ("run the migration on a copy with production-like volume and watch pg_locks for exclusive "
                    "locks held by it; run the rollback too")
VERIFY_SECRET = ("rotate the credential, check that the old one is rejected, and confirm that a secret scanner "
                 "finds nothing in the tree or the git history")
VERIFY_BY_SLUG = {
    "dockerfile-runs-as-root": "build the image and check that `docker run --rm --entrypoint id IMAGE -u` prints "
                               "a non-zero uid",
    "state-changing-endpoint-without-auth": "add a test that calls the endpoint without credentials and expects "
                                            "401, and with another user's credentials and expects 403",
    "jwt-without-verification": "add a test that sends a token signed with another key, and one with "
                                "`alg: none`, and expects 401 for both",
    "query-in-loop": "add a test that asserts the number of queries stays the same as the number of rows grows",
    **{slug: VERIFY_SECRET for slug in SECRET_SLUGS},
}
TRADE_OFFS = {
    Area.ARCH: "a refactor touches several modules; do it behind tests, one boundary at a time",
    Area.QUAL: "stricter settings surface existing errors that must be fixed once before CI can enforce them",
    Area.API: "a changed contract needs a version or a deprecation period for existing clients",
    Area.REL: "retries and timeouts need tuning against real latencies; too tight fails healthy calls",
    Area.SEC: "tighter limits can reject legitimate requests; size them from real traffic",
    Area.DATA: "schema changes on large tables need an online migration plan",
    Area.PERF: "caching and batching add invalidation and memory costs; measure before and after",
    Area.OBS: "structured logging costs a little setup and log volume; choose levels and sampling deliberately",
    Area.OPS: "a changed image or start command changes deploy behaviour; roll it out through staging",
    Area.TEST: "more tests lengthen CI; keep the slow ones in a separate job",
}


# ---------------------------------------------------------------- shared pieces

def heading(emoji: str, title: str, count_text: str) -> str:
    return f"## {emoji} {title} ({count_text})"


def why(finding: Finding, catalog: Catalog) -> str:
    rule = catalog.get(finding.rule_id)
    text = rule.doc_section("Why it matters") if rule is not None else ""
    return one_line(text) if text else sentence(rule_title(finding, catalog))


def endpoint_index(report: Report) -> dict[tuple[str, int], list[Endpoint]]:
    index: dict[tuple[str, int], list[Endpoint]] = {}
    for endpoint in report.inventory.endpoints:
        index.setdefault((endpoint.location.path, endpoint.location.start.line), []).append(endpoint)
    return index


def route(endpoint: Endpoint) -> str:
    return code(f"{endpoint.method} {endpoint.path}".strip())


def location_text(finding: Finding, endpoints: dict[tuple[str, int], list[Endpoint]]) -> str:
    parts = [code(ref(finding.location))]
    on = [e for loc in (finding.location, *finding.related) for e in endpoints.get((loc.path, loc.start.line), ())]
    if on:
        parts.append("endpoint " + ", ".join(dict.fromkeys(route(e) for e in on)))
    for loc in finding.related[:MAX_OCCURRENCES]:
        parts.append(f"{loc.label or 'related'} {code(ref(loc))}")
    return "; ".join(parts)


def verification(finding: Finding, catalog: Catalog) -> str:
    rule = catalog.get(finding.rule_id)
    slug = rule.slug if rule is not None else ""
    if slug in VERIFY_BY_SLUG:
        how = VERIFY_BY_SLUG[slug]
    elif finding.rule_id.startswith("MIG-"):
        how = VERIFY_MIGRATION
    else:
        how = VERIFY_BY_AREA[finding.area]
    rerun = f"re-run `prodcheck scan --select {finding.rule_id}`: nothing is reported at {code(ref(finding.location))}"
    return f"{how[0].upper()}{how[1:]}; {rerun}."


def item_lines(fields: Sequence[tuple[str, str]]) -> list[str]:
    return [f"- **{name}**: {value}" for name, value in fields if value]


def details(group: list[Finding], endpoints: dict[tuple[str, int], list[Endpoint]]) -> str:
    """One occurrence inline; several as a count, listed by `occurrences`."""
    if len(group) == 1:
        return f"{location_text(group[0], endpoints)}: {sentence(group[0].message)}"
    return f"{plural(len(group), 'occurrence')}:"


def occurrences(group: list[Finding], endpoints: dict[tuple[str, int], list[Endpoint]]) -> list[str]:
    if len(group) == 1:
        return []
    lines = [f"  - {location_text(f, endpoints)}: {one_line(f.message)}" for f in group[:MAX_OCCURRENCES]]
    hidden = len(group) - MAX_OCCURRENCES
    if hidden > 0:
        lines.append(f"  - ... and {hidden} more ({JSON_HINT})")
    return lines


def group_title(group: list[Finding], catalog: Catalog) -> str:
    first = group[0]
    return (f"{first.rule_id}: {one_line(rule_title(first, catalog))} ({first.severity.value}, "
            f"{plural(len(group), 'occurrence')})")


def capped_groups(findings: list[Finding]) -> tuple[list[list[Finding]], int]:
    groups = group_by_rule(findings)
    return groups[:MAX_GROUPS], max(0, len(groups) - MAX_GROUPS)


def hidden_groups_line(hidden: int) -> list[str]:
    return ["", f"... and {plural(hidden, 'more rule')} with findings ({JSON_HINT})."] if hidden else []


# ---------------------------------------------------------------- sections

def title_section(report: Report) -> list[str]:
    return [
        "# Backend Review", "",
        f"Repository: {code(report.root)} · prodcheck {report.tool_version} · profile: {report.profile}", "",
        f"- Production readiness: **{report.verdict.value}** (overall score {fmt_score(report.scores.overall)})",
        f"- Review: {review_line(report)}",
        scanned_line(report),
    ]


def critical_section(report: Report, catalog: Catalog, endpoints) -> list[str]:
    critical = sorted((f for f in report.findings if f.severity is Severity.CRITICAL), key=priority_key)
    lines = [heading("🚨", "Critical Issues", f"{plural(len(critical), 'issue')} found"), ""]
    if not critical:
        return [*lines, "None found."]
    for number, finding in enumerate(critical[:MAX_CRITICAL], start=1):
        issue = f"{one_line(finding.message)} (confidence {finding.confidence.value.lower()}"
        issue += f"; {', '.join(finding.cwe)})" if finding.cwe else ")"
        lines.extend([f"### {number}. {finding.rule_id}: {one_line(rule_title(finding, catalog))}", ""])
        lines.extend(item_lines([("Issue", issue), ("Location", location_text(finding, endpoints)),
                                 ("Impact", why(finding, catalog)), ("Fix", one_line(fix_text(finding, catalog)))]))
        if finding.fix is not None and finding.fix.diff.strip():
            lines.extend(fenced(finding.fix.diff, "diff", indent="  "))
        lines.extend([*item_lines([("Verification", verification(finding, catalog))]), ""])
    lines.extend(more_line(len(critical) - MAX_CRITICAL))
    return lines[:-1] if lines[-1] == "" else lines


def important_section(report: Report, catalog: Catalog, endpoints) -> list[str]:
    important = [f for f in report.findings if f.severity in (Severity.HIGH, Severity.MEDIUM)]
    lines = [heading("⚠️", "Important Issues", f"{plural(len(important), 'issue')} found"), ""]
    if not important:
        return [*lines, "None found."]
    groups, hidden = capped_groups(important)
    for number, group in enumerate(groups, start=1):
        first = group[0]
        lines.extend([f"### {number}. {group_title(group, catalog)}", ""])
        issue = f"{one_line(rule_title(first, catalog))} (confidence {first.confidence.value.lower()})"
        lines.extend(item_lines([("Issue", issue), ("Details", details(group, endpoints))]))
        lines.extend(occurrences(group, endpoints))
        lines.extend(item_lines([("Recommendation", one_line(fix_text(first, catalog))),
                                 ("Impact", why(first, catalog))]))
        lines.append("")
    return [*lines[:-1], *hidden_groups_line(hidden)]


def trade_offs(finding: Finding) -> str:
    text = sentence(TRADE_OFFS[finding.area][0].upper() + TRADE_OFFS[finding.area][1:])
    if finding.confidence is Confidence.LOW:
        text += " The finding has low confidence: confirm it applies before changing the code."
    return text


def suggestions_section(report: Report, catalog: Catalog, endpoints) -> list[str]:
    low = [f for f in report.findings if f.severity is Severity.LOW]
    lines = [heading("💡", "Suggestions", plural(len(low), "suggestion")), ""]
    if not low:
        return [*lines, "None."]
    groups, hidden = capped_groups(low)
    for number, group in enumerate(groups, start=1):
        first = group[0]
        lines.extend([f"### {number}. {group_title(group, catalog)}", ""])
        opportunity = f"{sentence(rule_title(first, catalog))} {details(group, endpoints)}"
        lines.extend(item_lines([("Opportunity", opportunity)]))
        lines.extend(occurrences(group, endpoints))
        lines.extend(item_lines([("Rationale", why(first, catalog)),
                                 ("Implementation", one_line(fix_text(first, catalog))),
                                 ("Trade-offs", trade_offs(first))]))
        lines.append("")
    return [*lines[:-1], *hidden_groups_line(hidden)]


# ---------------------------------------------------------------- strengths

Strength = tuple[str, str]      # (claim, evidence)


def flagged(report: Report, rule_ids: set[str]) -> bool:
    """Any finding, suppressed or not, of these rules."""
    return any(f.rule_id in rule_ids for f in report.findings) or \
        any(s.finding.rule_id in rule_ids for s in report.suppressed)


def silent(report: Report, rule_ids: set[str]) -> bool:
    """Every one of these rules ran and none of them found anything (suppressed findings count)."""
    return bool(rule_ids) and rule_ids <= set(report.rules_run) and not flagged(report, rule_ids)


def ids_of(catalog: Catalog, *slugs: str) -> set[str]:
    return {rule.id for rule in catalog.rules if rule.slug in slugs}


def examples(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MAX_EVIDENCE])
    hidden = len(items) - MAX_EVIDENCE
    return shown + (f" and {hidden} more" if hidden > 0 else "")


def endpoint_evidence(endpoint: Endpoint, mechanism: str = "") -> str:
    how = f" via {code(mechanism)}" if mechanism else ""
    return f"{route(endpoint)} at {code(ref(endpoint.location))}{how}"


def auth_strength(report: Report, catalog: Catalog) -> Strength | None:
    changing = [e for e in report.inventory.endpoints if e.method in STATE_CHANGING]
    guarded = [e for e in changing if e.auth.state is FacetState.PRESENT]
    public = [e for e in changing if e.auth.state is not FacetState.PRESENT and e.public_by_nature]
    if not guarded or len(guarded) + len(public) != len(changing) or flagged(report, {"GEN-SEC-120"}):
        return None
    evidence = (f"{plural(len(changing), 'POST/PUT/PATCH/DELETE endpoint')}, {len(guarded)} authenticated "
                f"({examples([endpoint_evidence(e, e.auth.mechanism) for e in guarded])})")
    if public:
        evidence += f", {len(public)} public by nature ({examples([route(e) for e in public])})"
    return "Every state-changing endpoint requires authentication", evidence


def timeout_strength(report: Report, catalog: Catalog) -> Strength | None:
    calls = [c for c in report.inventory.external_calls if c.kind == "http"]
    rule_ids = {rid for rid in ids_of(catalog, TIMEOUT_SLUG) if rid in report.rules_run}
    if not calls or not rule_ids or flagged(report, ids_of(catalog, TIMEOUT_SLUG)):
        return None
    covered = {language for rid in rule_ids for language in catalog.index[rid].languages}
    if any((classify(c.location.path) or ("", ""))[0] not in covered for c in calls):
        return None
    shown = examples([f"{code(c.target)} at {code(ref(c.location))}" for c in calls])
    return ("Outbound HTTP calls have timeouts",
            f"{plural(len(calls), 'outbound HTTP call')} ({shown}) and no {', '.join(sorted(rule_ids))} finding")


def pagination_strength(report: Report, catalog: Catalog) -> Strength | None:
    gets = [e for e in report.inventory.endpoints if e.method == "GET"]
    paged = [e for e in gets if e.pagination.state is FacetState.PRESENT]
    if not paged or any(e.pagination.state is FacetState.ABSENT for e in gets) \
            or flagged(report, {"GEN-API-101"}):
        return None
    unknown = len(gets) - len(paged)
    tail = f"; for the other {unknown} the scan could not tell" if unknown else ""
    return ("List endpoints are paginated",
            f"{len(paged)} of {plural(len(gets), 'GET endpoint')} take pagination parameters "
            f"({examples([endpoint_evidence(e, e.pagination.mechanism) for e in paged])}) and no GEN-API-101 "
            f"finding{tail}")


def health_strength(report: Report, catalog: Catalog) -> Strength | None:
    health = [e for e in report.inventory.endpoints if e.path and HEALTH_PATHS.search(e.path)]
    if not health or flagged(report, {"GEN-REL-101"}):
        return None
    return "Health endpoint present", examples([endpoint_evidence(e) for e in health])


def non_root_strength(report: Report, catalog: Catalog) -> Strength | None:
    """The report has no file list: a Dockerfile is known only from a finding located in it."""
    locations = [loc for f in (*report.findings, *(s.finding for s in report.suppressed))
                 for loc in (f.location, *f.related)]
    dockerfiles = sorted({loc.path for loc in locations if (classify(loc.path) or ("", ""))[0] == "dockerfile"})
    if not dockerfiles or not silent(report, {"GEN-OPS-101"}):
        return None
    return ("Containers run as non-root",
            f"GEN-OPS-101 found no image running as root in {examples([code(p) for p in dockerfiles])}")


def secrets_strength(report: Report, catalog: Catalog) -> Strength | None:
    rule_ids = ids_of(catalog, *SECRET_SLUGS)
    if not report.files_scanned or not silent(report, rule_ids):
        return None
    return ("No hard-coded secrets found",
            f"the {len(rule_ids)} secret rules ({', '.join(sorted(rule_ids))}) ran over "
            f"{plural(report.files_scanned, 'file')} and found nothing")


def migrations_strength(report: Report, catalog: Catalog) -> Strength | None:
    migrations = report.inventory.migrations
    if not migrations or any(m.reversible is not True for m in migrations):
        return None
    shown = examples([code(m.path) for m in migrations])
    return "Migrations are reversible", f"{plural(len(migrations), 'migration')}, each with a rollback ({shown})"


def components(report: Report, wanted: Callable[[str], bool]) -> list[str]:
    found = []
    for service in report.stack.services:
        for component in service.components:
            if component.category == "observability" and wanted(component.name):
                where = f" ({code(ref(component.evidence[0]))})" if component.evidence else ""
                label = f" ({MONITORING[component.name]})" if component.name in MONITORING else ""
                found.append(f"{component.name}{label} in service {code(service.name)}{where}")
    return found


def logging_strength(report: Report, catalog: Catalog) -> Strength | None:
    found = components(report, lambda name: name in STRUCTURED_LOGGING)
    return ("Structured logging library in use", examples(found)) if found else None


def monitoring_strength(report: Report, catalog: Catalog) -> Strength | None:
    found = components(report, lambda name: name in MONITORING)
    return ("Monitoring instrumentation in place", examples(found)) if found else None


def headers_strength(report: Report, catalog: Catalog) -> Strength | None:
    if not silent(report, {"JS-SEC-031"}):
        return None
    served = []
    for service in report.stack.services:
        frameworks = sorted(HEADER_FRAMEWORKS & set(service.uses("framework")))
        routes = [e for e in report.inventory.endpoints if e.service == service.name
                  and (classify(e.location.path) or ("", ""))[0] in JS_LANGUAGES]
        if frameworks and routes:
            served.append(f"{code(service.name)} ({'/'.join(frameworks)}, {plural(len(routes), 'endpoint')}, "
                          f"e.g. {code(ref(routes[0].location))})")
    if not served:
        return None
    return ("Security headers (helmet or equivalent) applied",
            f"JS-SEC-031 found no app without them in {examples(served)}")


def validation_strength(report: Report, catalog: Catalog) -> Strength | None:
    bodies = [e for e in report.inventory.endpoints if e.method in ("POST", "PUT", "PATCH")]
    if not bodies or any(e.validation.state is not FacetState.PRESENT for e in bodies):
        return None
    return ("Request bodies are validated",
            f"all {plural(len(bodies), 'POST/PUT/PATCH endpoint')} validate their input "
            f"({examples([endpoint_evidence(e, e.validation.mechanism) for e in bodies])})")


def rate_limit_strength(report: Report, catalog: Catalog) -> Strength | None:
    endpoints = report.inventory.endpoints
    if not endpoints or any(e.rate_limit.state is not FacetState.PRESENT for e in endpoints):
        return None
    shown = examples([endpoint_evidence(e, e.rate_limit.mechanism) for e in endpoints])
    return "Every endpoint is rate limited", f"{plural(len(endpoints), 'endpoint')} ({shown})"


def security_strength(report: Report, catalog: Catalog) -> Strength | None:
    area = report.scores.of(Area.SEC)
    ran = [rid for rid in report.rules_run if (rule := catalog.get(rid)) is not None and rule.area is Area.SEC]
    if area.score is None or not ran or any(f.area is Area.SEC for f in (*report.findings,
                                                                       *(s.finding for s in report.suppressed))):
        return None
    return ("No security finding",
            f"none of the {plural(len(ran), 'security rule')} found anything (Security score "
            f"{fmt_score(area.score)})")


STRENGTHS = (auth_strength, validation_strength, secrets_strength, headers_strength, security_strength,
             timeout_strength, pagination_strength, rate_limit_strength, health_strength, non_root_strength,
             migrations_strength, logging_strength, monitoring_strength)


def strengths(report: Report, catalog: Catalog) -> list[Strength]:
    return [found for check in STRENGTHS if (found := check(report, catalog)) is not None]


def strengths_section(report: Report, catalog: Catalog) -> list[str]:
    lines = ["## ✅ Strengths", ""]
    found = strengths(report, catalog)
    if not found:
        return [*lines, "None this scan can prove: a strength is listed only when the report shows it "
                        "(an inventory fact and a rule that ran and found nothing)."]
    return [*lines, *(f"- **{claim}**: {sentence(evidence)}" for claim, evidence in found)]


def stride_section(report: Report, catalog: Catalog) -> list[str]:
    return ["## STRIDE Summary", "", *stride_summary(report.findings, catalog)]


def render(report: Report, options) -> str:
    catalog = load_catalog()
    endpoints = endpoint_index(report)
    sections = [title_section(report), critical_section(report, catalog, endpoints),
                important_section(report, catalog, endpoints), suggestions_section(report, catalog, endpoints),
                strengths_section(report, catalog), stride_section(report, catalog)]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"
