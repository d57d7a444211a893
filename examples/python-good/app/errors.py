"""Application errors and the handlers that turn every error into one response shape.

Clients always get `{"error": {"code": ..., "message": ..., "request_id": ...}}`; internal details
(stack traces, SQL, exception text) go to the log only.
"""
import structlog
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from slowapi.errors import RateLimitExceeded
from starlette.exceptions import HTTPException as StarletteHTTPException

log = structlog.get_logger(__name__)


class AppError(Exception):
    status_code = 500
    code = "internal_error"

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class PaymentDeclined(AppError):
    status_code = 402
    code = "payment_declined"


class UpstreamUnavailable(AppError):
    status_code = 503
    code = "upstream_unavailable"


def _body(request: Request, code: str, message: str, details: object = None) -> dict:
    error = {"code": code, "message": message,
             "request_id": getattr(request.state, "request_id", None)}
    if details is not None:
        error["details"] = details
    return {"error": error}


async def app_error_handler(request: Request, exc: AppError) -> JSONResponse:
    log.info("request failed", code=exc.code, status=exc.status_code)
    return JSONResponse(_body(request, exc.code, exc.message), status_code=exc.status_code,
                        headers=exc.headers)


async def http_error_handler(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return JSONResponse(_body(request, "http_error", str(exc.detail)), status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


async def validation_error_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    details = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
    return JSONResponse(_body(request, "validation_error", "invalid request", details), status_code=422)


async def rate_limit_handler(request: Request, exc: RateLimitExceeded) -> JSONResponse:
    response = JSONResponse(_body(request, "rate_limited", f"rate limit exceeded: {exc.detail}"),
                            status_code=429)
    # Retry-After and X-RateLimit-* headers, as slowapi's own handler sets them
    return request.app.state.limiter._inject_headers(response, request.state.view_rate_limit)


async def unhandled_error_handler(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error")
    return JSONResponse(_body(request, "internal_error", "internal error"), status_code=500)
