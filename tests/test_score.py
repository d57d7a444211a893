"""Scores, verdict, profiles and the --fail-on decision."""
from __future__ import annotations

from prodcheck.model import Area, Confidence, Finding, Location, Severity, Verdict
from prodcheck.score import apply_profile, fails, score, verdict


def _finding(severity: Severity, confidence: Confidence = Confidence.HIGH, area: Area = Area.SEC) -> Finding:
    return Finding("GEN-SEC-101", area, severity, confidence, "m", Location.at("a.py", 1))


def test_verdict_rules() -> None:
    assert verdict([]) is Verdict.PASS
    assert verdict([_finding(Severity.MEDIUM), _finding(Severity.LOW)]) is Verdict.PASS
    assert verdict([_finding(Severity.HIGH, Confidence.LOW)]) is Verdict.PASS
    assert verdict([_finding(Severity.HIGH, Confidence.MEDIUM)]) is Verdict.NEEDS_FIX
    assert verdict([_finding(Severity.CRITICAL, Confidence.LOW)]) is Verdict.NEEDS_FIX
    assert verdict([_finding(Severity.CRITICAL, Confidence.MEDIUM)]) is Verdict.BLOCKED
    assert verdict([_finding(Severity.HIGH), _finding(Severity.CRITICAL)]) is Verdict.BLOCKED


def test_review_words() -> None:
    assert Verdict.PASS.review_word == "LGTM"
    assert Verdict.NEEDS_FIX.review_word == "BLOCK"
    assert Verdict.BLOCKED.review_word == "BLOCK"


def test_fail_on_agrees_with_verdict_by_default() -> None:
    for findings in ([], [_finding(Severity.HIGH, Confidence.LOW)], [_finding(Severity.HIGH)],
                     [_finding(Severity.CRITICAL, Confidence.LOW)], [_finding(Severity.MEDIUM)]):
        assert fails(findings, Severity.HIGH) == (verdict(findings) is not Verdict.PASS)
    assert not fails([_finding(Severity.HIGH)], Severity.CRITICAL)
    assert fails([_finding(Severity.MEDIUM)], Severity.MEDIUM)
    assert not fails([_finding(Severity.LOW)], Severity.MEDIUM)


def test_scores_known_values_and_na() -> None:
    scores = score([_finding(Severity.CRITICAL)], {Area.SEC, Area.OPS}, code_lines=500)
    assert scores.of(Area.SEC).score == 3.3
    assert scores.of(Area.OPS).score == 10.0
    assert scores.of(Area.PERF).score is None
    assert scores.overall == round((3.3 + 10.0) / 2, 1)
    assert score([_finding(Severity.HIGH)], {Area.SEC}, 0).of(Area.SEC).score == 5.0
    assert score([_finding(Severity.MEDIUM)], {Area.SEC}, 0).of(Area.SEC).score == 7.3
    assert score([_finding(Severity.LOW)], {Area.SEC}, 0).of(Area.SEC).score == 8.9


def test_scores_normalise_by_size_and_weigh_confidence() -> None:
    small = score([_finding(Severity.HIGH)], {Area.SEC}, 1_000).of(Area.SEC).score
    big = score([_finding(Severity.HIGH)], {Area.SEC}, 100_000).of(Area.SEC).score
    unsure = score([_finding(Severity.HIGH, Confidence.LOW)], {Area.SEC}, 1_000).of(Area.SEC).score
    assert small < big and small < unsure


def test_scores_never_change_the_verdict() -> None:
    findings = [_finding(Severity.CRITICAL)]
    assert verdict(findings) is Verdict.BLOCKED
    assert score(findings, {Area.SEC}, 10_000_000).of(Area.SEC).score > 9


def test_profiles_shift_documented_areas_only() -> None:
    findings = [_finding(Severity.HIGH, area=Area.OBS), _finding(Severity.CRITICAL, area=Area.SEC),
                _finding(Severity.MEDIUM, area=Area.OPS), _finding(Severity.LOW, area=Area.TEST)]
    startup = [f.severity for f in apply_profile(findings, "startup")]
    enterprise = [f.severity for f in apply_profile(findings, "enterprise")]
    assert startup == [Severity.MEDIUM, Severity.CRITICAL, Severity.MEDIUM, Severity.LOW]
    assert enterprise == [Severity.HIGH, Severity.CRITICAL, Severity.HIGH, Severity.LOW]
    assert [f.severity for f in apply_profile(findings, "default")] == [f.severity for f in findings]
