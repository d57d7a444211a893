"""
## What it does
Flags credentials of a known format committed in any text file: AWS access key ids and secret
keys, PEM private key blocks, GitHub, GitLab, Slack, Stripe live, SendGrid, OpenAI, Anthropic, npm
and Google API keys, Slack webhooks, Twilio keys (next to a Twilio name), JSON Web Tokens assigned
to a secret-ish name, and database or service URLs with an inline password. The finding's snippet
shows the credential masked.

## Why it matters
Everyone who can read the repository, its forks, CI logs and every laptop that cloned it can use a
committed key, and it stays in the git history after the line is deleted. Leaked cloud and payment
keys are found by scrapers within minutes of a push.

## Example
    import stripe

    stripe.api_key = "sk_live_51PrOd\x43hEcKfIxTuRe7Q2w9ZmLpXv4TnRb8Ks"

## Use instead
    import os

    import stripe

    stripe.api_key = os.environ["STRIPE_API_KEY"]

## Known limitations
Documentation (Markdown) is scanned only for the formats that are unambiguous on their own (prefixed
provider keys, complete PEM blocks); test files are not scanned for PEM blocks, JWTs or credential
URLs, which are almost always throwaway test material there. Documented example keys (AWS's
`...EXAMPLE`, `xxxx`, repeated characters, `sk_test_`) are ignored on purpose. Twilio account SIDs
(`AC...`) are identifiers, not credentials, and are not reported.
"""
# The Example's key is spelled with a \x escape in this source: the rendered documentation shows
# the key, while this file (scanned when prodcheck reviews itself) holds no key-shaped literal.
from __future__ import annotations

from prodcheck.model import Area, Confidence, Stride
from prodcheck.rules.base import FileRule
from prodcheck.rules.generic.secrets.patterns import find_known_secrets, masked_line

# Dockerfiles have their own secrets rules; whole key files are GEN-SEC-103's.
SKIPPED_LANGUAGES = frozenset({"dockerfile", "pem", "gosum"})
SKIPPED_KINDS = frozenset({"lockfile"})
DOCUMENTATION_KINDS = frozenset({"docs", "standards"})


def check(file, ctx):
    if file.language in SKIPPED_LANGUAGES or file.kind in SKIPPED_KINDS or not file.text:
        return
    in_tests = file.kind == "test"
    secrets = find_known_secrets(file.text, in_docs=file.kind in DOCUMENTATION_KINDS
                                 or file.language == "markdown", in_tests=in_tests)
    spans = [(secret.start, secret.end) for secret in secrets]
    for secret in secrets:
        yield ctx.finding(RULE, (secret.line, secret.column), f"hardcoded {secret.kind}",
                          confidence=Confidence.MEDIUM if in_tests else secret.confidence,
                          snippet=masked_line(file.text, secret.line, spans))


RULE = FileRule(
    id="GEN-SEC-101", slug="hardcoded-secret", area=Area.SEC,
    title="Credential of a known format committed to the repository",
    fix="Revoke and rotate the credential, then load it from the environment or a secret manager.",
    rows=("SEC-12",), doc=__doc__, confidence=Confidence.HIGH,
    cwe=("CWE-798",), stride=(Stride.SPOOFING, Stride.INFORMATION_DISCLOSURE),
    example_path="billing.py", check=check,
)
