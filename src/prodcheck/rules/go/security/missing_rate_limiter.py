"""
## What it does
Flags the credential endpoints of a Go service (login, sign-in, register/sign-up, password reset
and change, OTP/MFA verification, token issuance: found in the route inventory by their path,
for a state-changing method) when nothing in the service limits request rates: no limiter
middleware on the route (tollbooth, ulule/limiter, `httprate`, echo `middleware.RateLimiter`,
fiber `limiter`, a middleware built on `golang.org/x/time/rate`) and no rate-limiting library or
limiter middleware anywhere in the service's code (`golang.org/x/time/rate`, go-redis
`redis_rate`, sethvargo/go-limiter, throttled, a `RateLimit(...)` middleware of its own). One
finding per endpoint.

## Why it matters
Without a limit, an attacker tries thousands of passwords per minute against one account (or one
common password against every account), enumerates which e-mail addresses are registered,
brute-forces six-digit OTP codes (a million guesses is minutes of traffic) and floods
registration or password-reset mail (CWE-307, CWE-770). A per-IP and per-account limit on these
few endpoints stops all of this at almost no cost.

## Example
    package main

    import (
    	"net/http"

    	"github.com/gin-gonic/gin"
    )

    func login(c *gin.Context) {
    	c.Status(http.StatusNoContent)
    }

    func main() {
    	r := gin.New()
    	r.POST("/api/auth/login", login)
    	r.Run(":8080")
    }

    ==> go.mod <==
    module example.com/auth

    go 1.22

## Use instead
    package main

    import (
    	"net/http"
    	"time"

    	"github.com/gin-gonic/gin"
    	"golang.org/x/time/rate"
    )

    func limit(l *rate.Limiter) gin.HandlerFunc {
    	return func(c *gin.Context) {
    		if !l.Allow() {
    			c.AbortWithStatus(http.StatusTooManyRequests)
    			return
    		}
    		c.Next()
    	}
    }

    func login(c *gin.Context) {
    	c.Status(http.StatusNoContent)
    }

    func main() {
    	r := gin.New()
    	r.POST("/api/auth/login", limit(rate.NewLimiter(rate.Every(time.Second), 5)), login)
    	r.Run(":8080")
    }

    ==> go.mod <==
    module example.com/auth

    go 1.22

## Known limitations
Rate limits enforced in front of the service (API gateway, ingress annotations, a WAF) are not
visible to a source scan, hence the MEDIUM severity. Any rate limiter in the service silences
the rule for all its endpoints: whether it wraps the credential routes, and whether it keys by
account as well as by IP or uses a store shared by the replicas, is not checked. Credential
endpoints with unusual paths (`/api/v1/session` as login is recognised, `/api/v1/enter` is not)
are missed.
"""
from __future__ import annotations

from prodcheck.facts.extractors.go_common import words
from prodcheck.facts.stack import service_of
from prodcheck.model import Area, Confidence, FacetState, Severity, Stride
from prodcheck.rules.base import ProjectRule
from prodcheck.rules.go.helpers import go_groups

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CREDENTIAL_WORDS = frozenset({"login", "signin", "logon", "register", "registration", "signup", "password",
                              "passwd", "forgot", "otp", "mfa", "2fa", "totp", "authenticate", "passcode"})
JOINED = frozenset({"signin", "signup", "login", "logon", "resetpassword", "forgotpassword", "verifyotp",
                    "twofactor", "changepassword"})
TOKEN_CONTEXT = frozenset({"auth", "oauth", "oauth2", "token", "tokens"})


def credential_path(path: str) -> str:
    """The kind of credential endpoint a path names ("" when none)."""
    segments = [s for s in path.lower().split("/") if s and not s.startswith((":", "{", "*"))]
    tokens: set[str] = set()
    for segment in segments:
        parts = words(segment)
        tokens.update(parts)
        joined = "".join(parts)
        if joined in JOINED:
            tokens.add(joined)
    if tokens & CREDENTIAL_WORDS or tokens & JOINED:
        return "credential"
    if segments and segments[-1] == "token" and (len(segments) == 1 or set(segments[:-1]) & TOKEN_CONTEXT):
        return "token"
    if segments and segments[-1] in ("session", "sessions") and len(segments) <= 3:   # POST /sessions: log in
        return "session"
    return ""


def check(project, ctx):
    groups = go_groups(project)
    limited = {key for key, files in groups.items()
               if any(s.name == "go-rate-limiter" for f in files for s in f.signals)}
    for endpoint in project.inventory.endpoints:
        if not endpoint.location.path.endswith(".go") or endpoint.method.upper() in SAFE_METHODS:
            continue
        if endpoint.rate_limit.state is FacetState.PRESENT or not credential_path(endpoint.path):
            continue
        key = service_of(endpoint.location.path, project.stack)
        if not key or key in limited:
            continue
        yield ctx.finding(RULE, endpoint.location,
                          f"`{endpoint.method} {endpoint.path}` accepts credentials with no rate limit in the "
                          f"service: brute force and credential stuffing are unthrottled",
                          symbol=endpoint.handler)


RULE = ProjectRule(
    id="GO-SEC-035", slug="missing-rate-limiter", area=Area.SEC,
    title="Credential endpoint without rate limiting",
    fix="Put a per-IP and per-account limiter in front of login, registration, password-reset and OTP routes "
        "(`httprate.LimitByIP`, tollbooth, ulule/limiter with a Redis store, or a `golang.org/x/time/rate` "
        "middleware) and answer 429 when it trips.",
    rows=("SEC-32", "SEC-31"), doc=__doc__, confidence=Confidence.MEDIUM,
    severity=Severity.MEDIUM,
    severity_note="the limit may be enforced at the edge (gateway, ingress, WAF), which a source scan cannot see",
    cwe=("CWE-307",), stride=(Stride.SPOOFING, Stride.DENIAL_OF_SERVICE),
    example_path="main.go", needs_languages=("go",), check=check,
    coverage="partial", coverage_note="credential endpoints only; general quotas and shared stores are not checked",
)
