"""Accounts: registration and login are public (and rate-limited); the profile is not."""
from fastapi import APIRouter, Depends, Request, Response, status
from psycopg2.extensions import connection as Connection

from app.auth import CurrentUser, check_password, current_user, hash_password, issue_token
from app.db import get_db
from app.errors import NotFound, Unauthorized
from app.ratelimit import limiter
from app.repositories import users as users_repo
from app.schemas import Credentials, Token, UserOut
from app.settings import Settings, get_settings

router = APIRouter()


@router.post("/register", status_code=status.HTTP_201_CREATED, response_model=UserOut)
@limiter.limit("5/minute")
def register(request: Request, response: Response, credentials: Credentials,  # ok: GEN-SEC-120
             conn: Connection = Depends(get_db)) -> UserOut:
    return users_repo.insert(conn, credentials.email, hash_password(credentials.password))


@router.post("/login", response_model=Token)
@limiter.limit("10/minute")
def login(request: Request, response: Response, credentials: Credentials,  # ok: GEN-SEC-120
          conn: Connection = Depends(get_db), settings: Settings = Depends(get_settings)) -> Token:
    user_id, password_hash = users_repo.find_credentials(conn, credentials.email) or (None, None)
    if not check_password(credentials.password, password_hash):
        raise Unauthorized("invalid email or password", headers={"WWW-Authenticate": "Bearer"})
    return Token(access_token=issue_token(user_id, settings),
                 expires_in=settings.jwt_ttl_minutes * 60)


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser = Depends(current_user), conn: Connection = Depends(get_db)) -> UserOut:
    profile = users_repo.get(conn, user.id)
    if profile is None:
        raise NotFound("user not found")
    return profile
