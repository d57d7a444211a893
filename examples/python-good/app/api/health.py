"""Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers)."""
import psycopg2
import structlog
from fastapi import APIRouter, Request, Response, status

router = APIRouter(tags=["health"])
log = structlog.get_logger(__name__)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request, response: Response) -> dict[str, str]:
    pool = request.app.state.db_pool
    try:
        conn = pool.getconn()
        try:
            with conn, conn.cursor() as cur:
                cur.execute("SELECT 1")
        finally:
            pool.putconn(conn)
    except psycopg2.Error:
        log.warning("not ready: database unavailable", exc_info=True)
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return {"status": "unavailable"}
    return {"status": "ok"}
