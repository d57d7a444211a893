"""Orders of the signed-in user: list (paginated), read, place, delete."""
from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from psycopg2.extensions import connection as Connection

from app.auth import CurrentUser, current_user
from app.db import get_db
from app.repositories import orders as orders_repo
from app.schemas import MAX_PAGE_SIZE, OrderIn, OrderOut, OrderPage, OrderStatus, Page
from app.services import orders as orders_service

router = APIRouter()


@router.get("", response_model=OrderPage)
def list_orders(
    limit: int = Query(default=20, ge=1, le=MAX_PAGE_SIZE),
    offset: int = Query(default=0, ge=0, le=10_000),
    order_status: OrderStatus | None = Query(default=None, alias="status"),
    user: CurrentUser = Depends(current_user),
    conn: Connection = Depends(get_db),
) -> OrderPage:
    items = orders_repo.list_for_user(conn, user.id, order_status, limit, offset)
    return OrderPage(items=items, page=Page(limit=limit, offset=offset))  # ok: GEN-API-101


@router.get("/{order_id}", response_model=OrderOut)
def get_order(order_id: int, user: CurrentUser = Depends(current_user),
              conn: Connection = Depends(get_db)) -> OrderOut:
    return orders_service.get_order(conn, user.id, order_id)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=OrderOut)
def create_order(  # ok: GEN-SEC-120
    order: OrderIn,
    request: Request,
    response: Response,
    idempotency_key: str = Header(alias="Idempotency-Key", min_length=8, max_length=64),
    user: CurrentUser = Depends(current_user),
    conn: Connection = Depends(get_db),
) -> OrderOut:
    placed = orders_service.place_order(conn, request.app.state.payments, user.id, order,
                                        idempotency_key)
    response.headers["Location"] = f"{request.url.path}/{placed['id']}"
    return placed


@router.delete("/{order_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_order(order_id: int, user: CurrentUser = Depends(current_user),  # ok: GEN-SEC-120
                 conn: Connection = Depends(get_db)) -> Response:
    orders_repo.delete_for_user(conn, user.id, order_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
