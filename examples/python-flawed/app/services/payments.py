"""Charges through the payment provider's HTTP API."""
import requests

from app.config import STRIPE_API_KEY

CHARGES_URL = "https://api.stripe.com/v1/charges"


def charge(amount_cents: int, currency: str, source: str) -> dict:
    response = requests.post(  # expect: PY-REL-001
        CHARGES_URL,
        data={"amount": amount_cents, "currency": currency, "source": source},
        auth=(STRIPE_API_KEY, ""),
    )
    response.raise_for_status()
    return response.json()
