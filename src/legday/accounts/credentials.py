"""Passwords, API tokens and session ids: what is kept of them at rest.

* A password is kept as an argon2id hash (argon2-cffi), with the parameters of RFC 9106's
  second recommended option (:data:`PASSWORD_PARAMETERS`, docs/server.md). A hash made with
  other parameters is re-made at the next successful login.
* An API token or a session cookie is 32 random bytes (``secrets``), shown once; only its
  SHA-256 is stored. A slow hash protects guessable secrets; 256 random bits are not
  guessable, so a fast hash suffices and keeps every request's lookup one index probe.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from legday.errors import ConfigError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = [
    "TOKEN_BYTES",
    "TOKEN_PREFIX",
    "Passwords",
    "new_secret",
    "secret_hash",
]

#: Random bytes in a token or a session id (256 bits; OWASP Session Management Cheat Sheet asks
#: for at least 64 bits of entropy).
TOKEN_BYTES = 32
#: What an API token starts with, so a leaked one is recognised (by secret scanners too).
TOKEN_PREFIX = "lgd_"


def new_secret(prefix: str = "") -> str:
    """A new random token: ``prefix`` and :data:`TOKEN_BYTES` random bytes, URL-safe."""
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


def secret_hash(secret: str) -> str:
    """What is stored of a token or session id: its SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _hasher(cheap: bool) -> PasswordHasher:
    try:
        from argon2 import PasswordHasher, profiles
    except ImportError as exc:  # the server's extra
        raise ConfigError("accounts need argon2-cffi: pip install 'legday[server]'") from exc
    # RFC 9106 section 4, second recommended option: argon2id, t=3, p=4, m=64 MiB, 16-byte
    # salt, 32-byte tag. CHEAPEST (t=1, m=8 KiB) is for tests only: it protects nothing.
    return PasswordHasher.from_parameters(
        profiles.CHEAPEST if cheap else profiles.RFC_9106_LOW_MEMORY
    )


@dataclass
class Passwords:
    """Hashes and checks passwords with argon2id. ``cheap=True`` (tests only) uses the
    cheapest parameters argon2-cffi knows."""

    cheap: bool = False

    def __post_init__(self) -> None:
        self._argon = _hasher(self.cheap)
        self._decoy: str | None = None

    def _decoy_hash(self) -> str:
        """Checked when the login name is unknown, so that both answers take as long."""
        if self._decoy is None:
            self._decoy = self._argon.hash(new_secret())
        return self._decoy

    def hash(self, password: str) -> str:
        return self._argon.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored`` (None: an unknown user, checked against a
        decoy so that the answer takes as long)."""
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return self._argon.verify(stored or self._decoy_hash(), password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._argon.check_needs_rehash(stored)
