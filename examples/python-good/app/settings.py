"""Configuration from the environment (prefix ORDERS_), validated once at start-up.

Secrets have no default: the service refuses to start without them instead of running with a
placeholder. `.env.example` lists every variable.
"""
from functools import lru_cache

from pydantic import Field, PostgresDsn, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERS_", extra="ignore")

    database_url: PostgresDsn
    db_pool_min: int = Field(default=2, ge=1)
    db_pool_max: int = Field(default=10, ge=1)
    db_connect_timeout_s: int = Field(default=5, ge=1)
    db_statement_timeout_ms: int = Field(default=5000, ge=100)

    stripe_api_key: SecretStr
    stripe_base_url: str = "https://api.stripe.com/v1"
    payments_timeout_s: float = Field(default=5.0, gt=0)

    jwt_secret: SecretStr = Field(min_length=32)  # ok: GEN-SEC-102
    jwt_audience: str = "orders-api"
    jwt_ttl_minutes: int = Field(default=15, ge=1, le=60)

    cors_origins: list[str] = []
    ratelimit_storage_uri: str = "memory://"
    log_level: str = "INFO"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
