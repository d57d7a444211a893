"""Orders service: the FastAPI application, its middleware, error handlers and routers."""
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from prometheus_fastapi_instrumentator import Instrumentator
from slowapi.errors import RateLimitExceeded
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import errors
from app.api import health, orders, users
from app.db import open_pool
from app.logging_setup import configure_logging
from app.middleware import RequestIdMiddleware
from app.ratelimit import limiter
from app.services.payments import PaymentsClient
from app.settings import get_settings

settings = get_settings()
configure_logging(settings.log_level)
log = structlog.get_logger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.db_pool = open_pool(settings)
    app.state.payments = PaymentsClient(settings)
    log.info("orders service started")
    yield
    app.state.db_pool.closeall()
    log.info("orders service stopped")


app = FastAPI(title="orders", version="1.0.0", lifespan=lifespan)  # ok: GEN-REL-101, GEN-TEST-101
app.state.limiter = limiter
app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins,
    allow_methods=["GET", "POST", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
)
app.add_middleware(RequestIdMiddleware)
app.add_exception_handler(errors.AppError, errors.app_error_handler)
app.add_exception_handler(StarletteHTTPException, errors.http_error_handler)
app.add_exception_handler(RequestValidationError, errors.validation_error_handler)
app.add_exception_handler(RateLimitExceeded, errors.rate_limit_handler)
app.add_exception_handler(Exception, errors.unhandled_error_handler)

app.include_router(health.router)
app.include_router(orders.router, prefix="/api/v1/orders", tags=["orders"])
app.include_router(users.router, prefix="/api/v1/users", tags=["users"])
Instrumentator(excluded_handlers=["/healthz", "/readyz", "/metrics"]).instrument(app).expose(
    app, include_in_schema=False)
