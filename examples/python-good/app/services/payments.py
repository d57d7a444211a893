"""Charges through the payment provider's HTTP API.

Every call has a timeout and an Idempotency-Key, so a transient failure (connection error,
timeout, 429, 5xx) is retried a bounded number of times with jittered exponential backoff
without ever charging twice.
"""
import requests
import structlog
from structlog.contextvars import get_contextvars
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from app.errors import PaymentDeclined, UpstreamUnavailable
from app.settings import Settings

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
log = structlog.get_logger(__name__)


class TransientPaymentError(Exception):
    pass


class PaymentsClient:
    def __init__(self, settings: Settings) -> None:
        self._charges_url = f"{settings.stripe_base_url}/charges"
        self._api_key = settings.stripe_api_key
        self._timeout = settings.payments_timeout_s

    def charge(self, amount_cents: int, currency: str, source: str, idempotency_key: str) -> str:
        """Charge and return the provider's payment id."""
        try:
            response = self._post_charge(amount_cents, currency, source, idempotency_key)
        except TransientPaymentError as exc:
            log.warning("payment provider unavailable", error=str(exc))
            raise UpstreamUnavailable("the payment provider is unavailable, retry later") from exc
        if response.status_code == 402:
            raise PaymentDeclined("the payment was declined")
        response.raise_for_status()
        return response.json()["id"]

    @retry(retry=retry_if_exception_type(TransientPaymentError), stop=stop_after_attempt(3),
           wait=wait_random_exponential(multiplier=0.2, max=2), reraise=True)
    def _post_charge(self, amount_cents: int, currency: str, source: str,
                     idempotency_key: str) -> requests.Response:
        try:
            response = requests.post(  # ok: PY-REL-001
                self._charges_url,
                data={"amount": amount_cents, "currency": currency, "source": source},
                auth=(self._api_key.get_secret_value(), ""),
                headers={"Idempotency-Key": idempotency_key,
                         "X-Request-ID": get_contextvars().get("request_id", "")},
                timeout=self._timeout,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise TransientPaymentError(type(exc).__name__) from exc
        if response.status_code in RETRYABLE_STATUS:
            raise TransientPaymentError(f"HTTP {response.status_code}")
        return response
