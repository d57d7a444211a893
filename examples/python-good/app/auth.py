"""Passwords hashed with Argon2id; bearer tokens are HS256 JWTs with a pinned algorithm, audience
and expiry."""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from fastapi import Depends
from fastapi.security import OAuth2PasswordBearer

from app.errors import Unauthorized
from app.settings import Settings, get_settings

ALGORITHM = "HS256"
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/users/login")
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))   # verified against when no account matches


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password: str, password_hash: str | None) -> bool:
    """Constant work whether or not the account exists: no account enumeration by timing."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except VerificationError:
        return False


@dataclass(frozen=True)
class CurrentUser:
    id: int


def issue_token(user_id: int, settings: Settings) -> str:
    now = datetime.now(timezone.utc)
    claims = {
        "sub": str(user_id),
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + timedelta(minutes=settings.jwt_ttl_minutes),
    }
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=ALGORITHM)


def current_user(token: str = Depends(oauth2_scheme),
                 settings: Settings = Depends(get_settings)) -> CurrentUser:
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret.get_secret_value(),
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            options={"require": ["exp", "iat", "sub", "aud"]},
        )
    except jwt.InvalidTokenError:
        raise Unauthorized("invalid or expired token", headers={"WWW-Authenticate": "Bearer"}) from None
    return CurrentUser(id=int(claims["sub"]))
