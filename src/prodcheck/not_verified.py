"""What a static scan cannot verify, listed in every report so a PASS never claims too much."""
from __future__ import annotations

from prodcheck.checklist import PRIMARY_KIND_NAMES, ROWS, STATIC_KINDS
from prodcheck.model import NotVerified

RUNTIME_TARGETS = (
    NotVerified("API response time p95 <= 200 ms, p99 <= 500 ms (seed 003)",
                "needs load against a running service; measure with k6 or Locust"),
    NotVerified("Database query p95 <= 100 ms (seed 003)",
                "needs pg_stat_statements or slow-query logs of a live database"),
    NotVerified("Cache hit rate >= 80 % (seed 003)", "needs the live cache's statistics (Redis INFO stats)"),
    NotVerified("Error rate < 0.1 % (seed 003)", "needs production metrics or a load test"),
    NotVerified("Availability 99.9 % (<= 8.76 h/year) or 99.99 % (<= 52.6 min/year) (seed 003)",
                "needs SLO monitoring over time"),
)


def not_verified() -> tuple[NotVerified, ...]:
    rows = tuple(
        NotVerified(f"{row.id}: {row.title}",
                    f"needs {PRIMARY_KIND_NAMES[row.primary_kind]}; prompt for the human reviewer"
                    if row.primary_kind == "J" else
                    f"needs {PRIMARY_KIND_NAMES[row.primary_kind]}, which a static scan does not do")
        for row in ROWS if row.primary_kind not in STATIC_KINDS
    )
    return RUNTIME_TARGETS + rows
