"""Command line: parse arguments -> api.scan -> reporters -> exit code. No analysis logic here.

Exit codes (stable):
    0  scan finished; nothing at or above --fail-on
    1  scan finished; findings at or above --fail-on (default high: the verdict is not PASS)
    2  usage or configuration error
    3  internal error
"""
from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from prodcheck import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
SEVERITIES = ("critical", "high", "medium", "low")
EXTENSIONS = {".json": "json", ".md": "md", ".markdown": "md", ".sarif": "sarif", ".html": "html",
              ".htm": "html", ".txt": "text", ".log": "text", ".xml": "junit"}


def _format_choices() -> list[str]:
    from prodcheck.report import FORMATS
    return sorted(FORMATS)


def _report_options(command):
    """`-f/--format`, `-o/--output` (paired) and `--fail-on`, as `scan` and `migrations` take them."""
    command = click.option("--fail-on", type=click.Choice(SEVERITIES, case_sensitive=False), default=None,
                           help="Exit 1 when findings reach this severity (default: high).")(command)
    command = click.option("-o", "--output", "outputs", multiple=True, type=click.Path(dir_okay=False),
                           help="Write the report of the matching -f here ('-' is standard output).")(command)
    return click.option("-f", "--format", "formats", multiple=True, type=click.Choice(_format_choices()),
                        help="Report format; repeat it, pairing each with an -o (default: terminal).")(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="prodcheck")
def main() -> None:
    """prodcheck: is this backend ready for production? Evidence, scores, a verdict."""


@main.command()
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=True, dir_okay=True))
@_report_options
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=None, help="Worker processes (0: all cores).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=False), default=None,
              help="Configuration file (default: .prodcheck.toml or pyproject.toml in PATH).")
@click.option("--select", multiple=True, help="Run only these rules (id, slug or area); repeatable.")
@click.option("--disable", multiple=True, help="Do not run these rules (id, slug or area); repeatable.")
@click.option("--profile", type=click.Choice(["default", "startup", "enterprise"]), default=None)
@click.option("--baseline", "baseline", default=None, help="Baseline file (default: .prodcheck-baseline.json).")
@click.option("--timings", is_flag=True, help="Include stage timings in the JSON report.")
@click.option("--no-cache", is_flag=True, help="Analyse every file again; do not read or write the cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Cache directory (default: $PRODCHECK_CACHE_DIR, else ~/.cache/prodcheck); must be "
                   "outside the scanned tree.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but the requested reports.")
@click.option("--verbose", "-v", is_flag=True, help="Show diagnostics and tracebacks.")
def scan(path, formats, outputs, fail_on, jobs, config_path, select, disable, profile, baseline,
         timings, no_cache, cache_dir, quiet, verbose):
    """Scan PATH (default: the current directory) and report."""
    from prodcheck.config import ConfigError, merge

    try:
        config = _config(path, config_path, fail_on=fail_on, jobs=jobs, select=select, disable=disable,
                         profile=profile, baseline=baseline)
        config = merge(config, cache_dir=_cache_dir(no_cache, cache_dir))
        pairs = _pairs(formats, outputs)
    except (ConfigError, click.UsageError) as exc:
        _die_usage(str(exc))
    except Exception as exc:  # exit 3, not an uncaught traceback whose exit code 1 means "findings"
        _die_internal(exc, verbose)
    _scan_report_exit(Path(path), config, pairs, timings, quiet, verbose)


def _scan_report_exit(path: Path, config, pairs, timings: bool, quiet: bool, verbose: bool):
    """Scan, write the reports, exit by `--fail-on`: what `scan` and `migrations` share."""
    from prodcheck.config import ConfigError
    from prodcheck.score import fails

    try:
        report = _run_scan(path, config, quiet)
    except ConfigError as exc:
        _die_usage(str(exc))
    except KeyboardInterrupt:
        _interrupted()
    except Exception as exc:  # exit 3 with a clear message instead of a raw traceback
        _die_internal(exc, verbose)
    try:
        _write_reports(report, pairs, timings, quiet)
    except Exception as exc:  # a reporter bug is an internal error (exit 3), not a finding
        _die_internal(exc, verbose)
    if not quiet and verbose and report.diagnostics:
        for d in report.diagnostics:
            click.echo(f"diagnostic {d.kind}: {d.path}{':' + str(d.line) if d.line else ''}: {d.message}", err=True)
    sys.exit(EXIT_FINDINGS if fails(report.findings, config.fail_on) else EXIT_OK)


def _cache_dir(no_cache: bool, given: str | None) -> str:
    if no_cache:
        return ""
    from prodcheck.cache import default_cache_dir
    return given or os.environ.get("PRODCHECK_CACHE_DIR") or str(default_cache_dir())


def _config(path, config_path, **overrides):
    from prodcheck.config import ConfigError, load_config, merge
    from prodcheck.model import Severity
    from prodcheck.rules.catalog import load_catalog

    config = load_config(Path(path), Path(config_path) if config_path else None)
    fail_on = Severity.parse(overrides["fail_on"]) if overrides["fail_on"] else None
    config = merge(config, fail_on=fail_on, jobs=overrides["jobs"], only=tuple(overrides["select"]),
                   profile=overrides["profile"], baseline=overrides["baseline"])
    if overrides["disable"]:
        config = merge(config, disable=config.disable + tuple(overrides["disable"]))
    load_catalog().select(config)      # unknown selectors fail here, as a usage error
    if config.baseline and not config.baseline.strip():
        raise ConfigError("baseline path is empty")
    return config


def _pairs(formats, outputs) -> list[tuple[str, str]]:
    formats, outputs = list(formats), list(outputs)
    if len(outputs) > len(formats):
        for extra in outputs[len(formats):]:
            fmt = EXTENSIONS.get(Path(extra).suffix.lower())
            if fmt is None:
                raise click.UsageError(f"cannot tell the format of {extra!r}; give -f before it")
            formats.append(fmt)
    if not formats:
        return [("terminal", "-")]
    pairs = [(fmt, outputs[i] if i < len(outputs) else "-") for i, fmt in enumerate(formats)]
    if sum(1 for _, out in pairs if out == "-") > 1:
        raise click.UsageError("only one report can go to standard output; give the others an -o FILE")
    return pairs


def _run_scan(path: Path, config, quiet: bool):
    from prodcheck import api

    if quiet or not sys.stderr.isatty() or os.environ.get("CI"):
        return api.scan(path, config)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), transient=True,
                  console=_stderr_console()) as bar:
        task = bar.add_task("scan", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return api.scan(path, config, progress)


def _stderr_console():
    from rich.console import Console
    return Console(stderr=True)


def _write_reports(report, pairs, timings: bool, quiet: bool) -> None:
    from prodcheck.report import RenderOptions, render

    for fmt, out in pairs:
        color = out == "-" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        text = render(report, fmt, RenderOptions(timings=timings, color=color))
        if out == "-":
            if not (quiet and fmt == "terminal"):
                click.echo(text, nl=False)
        else:
            try:
                Path(out).write_text(text, encoding="utf-8")
            except OSError as exc:
                _die_usage(f"cannot write {out}: {exc.strerror}")
            if not quiet:
                click.echo(f"wrote {fmt} report to {out}", err=True)


@main.command("migrations")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=True, dir_okay=True))
@_report_options
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=False), default=None)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but the requested reports.")
@click.option("--verbose", "-v", is_flag=True, help="Show diagnostics and tracebacks.")
def migrations_command(path, formats, outputs, fail_on, config_path, quiet, verbose):
    """Review the database migrations under PATH only (SQL files, Django and Alembic migrations):
    locks, rewrites, reversibility, constraints, types. Fast enough for a pre-merge hook."""
    from dataclasses import replace

    from prodcheck.config import ConfigError
    from prodcheck.pipeline import MIGRATIONS_FOCUS
    from prodcheck.rules.catalog import load_catalog

    try:
        config = _config(path, config_path, fail_on=fail_on, jobs=None, select=(), disable=(), profile=None,
                         baseline=None)
        migration_rules = tuple(r.id for r in load_catalog().select(config) if r.id.startswith("MIG-"))
        config = replace(config, only=migration_rules, focus=MIGRATIONS_FOCUS)
        pairs = _pairs(formats, outputs)
    except (ConfigError, click.UsageError) as exc:
        _die_usage(str(exc))
    _scan_report_exit(Path(path), config, pairs, False, quiet, verbose)


@main.command("rules")
@click.option("--coverage", is_flag=True, help="Write docs/coverage.md: checklist rows per language.")
@click.option("--output", "-o", default="docs/coverage.md", show_default=True,
              help="Where --coverage writes.")
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as JSON.")
def rules_command(coverage, output, as_json):
    """List every rule: id, area, severity, title."""
    from prodcheck.rules.catalog import load_catalog

    catalog = load_catalog()
    if coverage:
        from prodcheck.coverage import render_coverage
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(render_coverage(catalog), encoding="utf-8")
        click.echo(f"wrote {output}")
        return
    if as_json:
        import json
        click.echo(json.dumps([{"id": r.id, "slug": r.slug, "area": r.area.value,
                                "severity": r.default_severity.value, "confidence": r.confidence.value,
                                "title": r.title, "checklist": list(r.rows), "cwe": list(r.cwe)}
                               for r in catalog.rules], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(catalog.rules)} rules", show_lines=False)
    for column in ("id", "slug", "area", "severity", "title"):
        table.add_column(column)
    for rule in catalog.rules:
        table.add_row(rule.id, rule.slug, rule.area.value, rule.default_severity.value, rule.title)
    Console(width=max(120, Console().width)).print(table)


@main.command()
@click.argument("rule")
def explain(rule):
    """Explain RULE (id or slug): what, why, example, fix."""
    from prodcheck.rules.catalog import load_catalog

    matches = [r for r in load_catalog().rules if r.id == rule.upper() or r.slug == rule.lower()]
    if not matches:
        _die_usage(f"no rule {rule!r}; `prodcheck rules` lists them")
    for r in matches:
        click.echo(f"{r.id}  {r.slug}\n{r.title}\n")
        click.echo(f"Area: {r.area.value} ({r.area.title})   Severity: {r.default_severity.value}   "
                   f"Confidence: {r.confidence.value}")
        if r.cwe:
            click.echo(f"CWE: {', '.join(r.cwe)}")
        if r.stride:
            click.echo(f"STRIDE: {', '.join(s.value for s in r.stride)}")
        click.echo(f"Checklist: {', '.join(r.rows)}")
        if r.severity_note:
            click.echo(f"Severity note: {r.severity_note}")
        for heading in ("What it does", "Why it matters", "Example", "Use instead", "Known limitations"):
            body = r.doc_section(heading)
            if body:
                click.echo(f"\n## {heading}\n{body}")
        click.echo(f"\nFix: {r.fix}\n")


@main.group()
def baseline():
    """Accept the current findings so later scans only report new ones."""


@baseline.command("write")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False))
@click.option("--output", "-o", default=None, help="Baseline file (default: PATH/.prodcheck-baseline.json).")
@click.option("--config", "config_path", default=None, type=click.Path(dir_okay=False))
def baseline_write(path, output, config_path):
    """Write the fingerprints of every current finding to the baseline file."""
    from dataclasses import replace

    from prodcheck import api
    from prodcheck.config import ConfigError, load_config
    from prodcheck.suppress import DEFAULT_BASELINE, render_baseline

    try:
        config = load_config(Path(path), Path(config_path) if config_path else None)
        target = Path(output) if output else Path(path) / (config.baseline or DEFAULT_BASELINE)
        report = api.scan(Path(path), replace(config, use_baseline=False))
    except ConfigError as exc:
        _die_usage(str(exc))
    except Exception as exc:
        _die_internal(exc, False)
    accepted = list(report.findings)
    target.write_text(render_baseline(accepted), encoding="utf-8")
    click.echo(f"wrote {len(accepted)} findings to {target}")


@main.command("fix")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=True, dir_okay=True))
@click.option("--rule", "rules", multiple=True, required=True,
              help="Apply the mechanical fixes of this rule (id, slug or area); repeatable.")
@click.option("--dry-run", is_flag=True, help="Print the diffs that would be applied; change nothing.")
@click.option("--config", "config_path", default=None, type=click.Path(dir_okay=False))
def fix_command(path, rules, dry_run, config_path):
    """Apply the mechanical fixes (add a timeout, bind a parameter, CONCURRENTLY, ...) of the given
    rules to the files under PATH. Nothing is changed unless this command is run."""
    from dataclasses import replace

    from prodcheck import api
    from prodcheck.config import ConfigError, load_config
    from prodcheck.fixes import apply_fixes
    from prodcheck.rules.catalog import load_catalog

    try:
        config = load_config(Path(path), Path(config_path) if config_path else None)
        selected = [r.id for r in load_catalog().select(replace(config, only=tuple(rules), enable=(), disable=()))]
        report = api.scan(Path(path), replace(config, only=tuple(selected), use_baseline=False))
    except ConfigError as exc:
        _die_usage(str(exc))
    except Exception as exc:
        _die_internal(exc, False)
    root = Path(path).resolve()
    outcomes = apply_fixes(root, list(report.findings), dry_run=dry_run)
    applied = [o for o in outcomes if o.applied]
    for outcome in applied:
        if dry_run:
            click.echo(outcome.finding.fix.diff, nl=False)
    for outcome in outcomes:
        if not outcome.applied and outcome.reason != "no mechanical fix":
            loc = outcome.finding.location
            click.echo(f"skipped {outcome.finding.rule_id} at {loc.path}:{loc.start.line}: {outcome.reason}", err=True)
    manual = sum(1 for o in outcomes if o.reason == "no mechanical fix")
    verb = "would apply" if dry_run else "applied"
    files = len({o.finding.location.path for o in applied})
    click.echo(f"{verb} {len(applied)} fix{'es' if len(applied) != 1 else ''} in {files} file"
               f"{'s' if files != 1 else ''}; {manual} finding{'s' if manual != 1 else ''} need a fix by hand",
               err=True)


def _interrupted():
    """Ctrl-C: the pipeline has already stopped its workers; leave at once with 130 rather than
    let interpreter shutdown wait on executor threads."""
    click.echo("prodcheck: interrupted", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(130)


def _die_usage(message: str):
    click.echo(f"prodcheck: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _die_internal(exc: BaseException, verbose: bool):
    click.echo(f"prodcheck: internal error: {type(exc).__name__}: {exc}", err=True)
    if verbose:
        traceback.print_exc()
    else:
        click.echo("run again with --verbose for the traceback, and please report it", err=True)
    sys.exit(EXIT_INTERNAL)


@main.command("api-diff")
@click.argument("old")
@click.argument("new")
@click.option("-f", "--format", "fmt", type=click.Choice(("terminal", "md", "json")), default="terminal",
              show_default=True)
@click.option("-o", "--output", default="-", type=click.Path(dir_okay=False),
              help="Write the delta here ('-' is standard output).")
def api_diff_command(old, new, fmt, output):
    """Compare two versions of an API contract (OpenAPI/Swagger, GraphQL SDL or protobuf; files,
    directories for GraphQL/protobuf, or git:REF:path) and classify every change as breaking or not.
    Exit 1 when a change is breaking."""
    from prodcheck.contracts.api_diff import ApiDiffError, api_diff
    try:
        text, breaking = api_diff(old, new, fmt, Path.cwd())
    except ApiDiffError as exc:
        _die_usage(str(exc))
    if output == "-":
        click.echo(text, nl=False)
    else:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            _die_usage(f"cannot write {output}: {exc.strerror}")
    sys.exit(EXIT_FINDINGS if breaking else EXIT_OK)


REVIEW_FORMATS = ("md", "github-comment", "json", "terminal")
REVIEW_EXTENSIONS = {".md": "md", ".markdown": "md", ".json": "json", ".txt": "terminal", ".log": "terminal"}


@main.command("review")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, dir_okay=True))
@click.option("--base", required=True, help="Base revision (branch, tag or commit) the change is compared with.")
@click.option("--head", default=None, help="Head revision (default: the working tree, untracked files included).")
@click.option("-f", "--format", "fmt", type=click.Choice(REVIEW_FORMATS), default=None,
              help="md (seed 000's review), github-comment (the same, folded to fit one PR comment), json, "
                   "or terminal (default; or from the -o extension).")
@click.option("-o", "--output", default="-", type=click.Path(dir_okay=False),
              help="Write the review here ('-' is standard output).")
@click.option("--fail-on", type=click.Choice(SEVERITIES, case_sensitive=False), default=None,
              help="Exit 1 when NEW findings reach this severity (default: high, i.e. when the verdict is BLOCK).")
@click.option("--no-cache", is_flag=True, help="Analyse every file again; do not read or write the cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Cache directory shared by the base and head scans (default as for scan).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but the requested review.")
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of internal errors.")
def review_command(path, base, head, fmt, output, fail_on, no_cache, cache_dir, quiet, verbose):
    """Review the change from --base to --head (default: the working tree) of PATH: new findings only,
    scope, API contract delta, risk and rollback, and a verdict (LGTM or BLOCK)."""
    from prodcheck.config import ConfigError, merge
    from prodcheck.review import GitError, review

    try:
        config = _config(path, None, fail_on=fail_on, jobs=None, select=(), disable=(), profile=None, baseline=None)
        config = merge(config, cache_dir=_cache_dir(no_cache, cache_dir))
        fmt = fmt or _review_format(output)
    except (ConfigError, click.UsageError) as exc:
        _die_usage(str(exc))
    try:
        result = review(Path(path), base, head, config)
    except (GitError, ConfigError) as exc:
        _die_usage(str(exc))
    except KeyboardInterrupt:
        _interrupted()
    except Exception as exc:  # exit 3 with a clear message instead of a raw traceback
        _die_internal(exc, verbose)
    try:
        text = _render_review(result, fmt, output == "-" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    except Exception as exc:  # a renderer bug is an internal error (exit 3)
        _die_internal(exc, verbose)
    _write_review(text, fmt, output, quiet)
    from prodcheck.score import fails
    sys.exit(EXIT_FINDINGS if fails(result.delta.new_findings, config.fail_on) else EXIT_OK)


def _review_format(output: str) -> str:
    if output == "-":
        return "terminal"
    fmt = REVIEW_EXTENSIONS.get(Path(output).suffix.lower())
    if fmt is None:
        raise click.UsageError(f"cannot tell the format of {output!r}; give -f md, json or terminal")
    return fmt


def _render_review(result, fmt: str, color: bool) -> str:
    if fmt == "md":
        from prodcheck.report.review_markdown import render_review
        return render_review(result)
    if fmt == "github-comment":
        from prodcheck.report.review_markdown import render_github_comment
        return render_github_comment(result)
    from prodcheck.review.output import render_json, render_terminal
    return render_json(result) if fmt == "json" else render_terminal(result, color=color)


def _write_review(text: str, fmt: str, output: str, quiet: bool) -> None:
    if output == "-":
        if not (quiet and fmt == "terminal"):
            click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        _die_usage(f"cannot write {output}: {exc.strerror}")
    if not quiet:
        click.echo(f"wrote {fmt} review to {output}", err=True)
