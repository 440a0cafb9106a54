"""Who is calling: bearer JWTs as an OIDC provider issues them, verified against a configured
key set. RS256 with a JWKS (a file, or the provider's URL); HS256 with a shared secret only for
local development (`clinidex token` mints those).

Only the algorithms of the configured keys are accepted, so a token signed with HS256 using a
public RSA key as the secret (the classic algorithm-confusion forgery) never verifies.
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import jwt

from clinidex.settings import Settings


class Role(StrEnum):
    records_staff = "records_staff"
    clinician = "clinician"
    compliance = "compliance"
    admin = "admin"


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[Role]

    @property
    def role(self) -> str:
        """The roles as one audit-friendly string."""
        return ",".join(sorted(self.roles)) or "none"


class AuthError(Exception):
    """A missing, expired, forged or otherwise unusable token (401). The message names the
    problem, never the token."""


class NotConfigured(AuthError):
    pass


class Verifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._jwks_client: jwt.PyJWKClient | None = None
        self._jwks: jwt.PyJWKSet | None = None
        if settings.auth_jwks_url:
            self._jwks_client = jwt.PyJWKClient(settings.auth_jwks_url, cache_keys=True, lifespan=300)
        elif settings.auth_jwks_path:
            self._jwks = jwt.PyJWKSet.from_dict(json.loads(Path(settings.auth_jwks_path).read_text()))
        elif not settings.auth_hs256_secret:
            raise NotConfigured("no token keys are configured")

    def _key(self, token: str) -> tuple[object, list[str]]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise AuthError("the token is malformed") from exc
        if self._jwks_client is not None:
            try:
                return self._jwks_client.get_signing_key_from_jwt(token).key, ["RS256"]
            except jwt.PyJWTError as exc:
                raise AuthError("the token is signed by an unknown key") from exc
        if self._jwks is not None:
            kid = header.get("kid")
            keys = [k for k in self._jwks.keys if kid is None or k.key_id == kid]
            if not keys:
                raise AuthError("the token is signed by an unknown key")
            return keys[0].key, ["RS256"]
        return self.settings.auth_hs256_secret, ["HS256"]

    def verify(self, token: str) -> Principal:
        key, algorithms = self._key(token)
        options = {"require": ["exp", "sub"]}
        try:
            claims = jwt.decode(token, key, algorithms=algorithms, audience=self.settings.auth_audience,
                                issuer=self.settings.auth_issuer, options=options, leeway=30)
        except jwt.ExpiredSignatureError as exc:
            raise AuthError("the token has expired") from exc
        except jwt.PyJWTError as exc:
            raise AuthError(f"the token is not valid ({type(exc).__name__})") from exc
        return Principal(subject=str(claims["sub"]), roles=roles_from(claims, self.settings.auth_roles_claim))


def roles_from(claims: dict, path: str) -> frozenset[Role]:
    """The roles claim at a dotted path ("roles", or Keycloak's "realm_access.roles"); names
    that are not Clinidex roles are ignored."""
    value: object = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        value = value.split()
    known = {r.value for r in Role}
    return frozenset(Role(v) for v in (value or []) if isinstance(v, str) and v in known)


_verifiers: dict[int, Verifier] = {}


def verifier(settings: Settings) -> Verifier:
    """The process's verifier for these settings. With no keys configured (the embedded
    default on one machine) a development secret is made once under the data folder, and
    `clinidex token` mints tokens with it: the API is never open, even on a laptop."""
    found = _verifiers.get(id(settings))
    if found is None:
        try:
            found = Verifier(settings)
        except NotConfigured:
            found = Verifier(settings.model_copy(update={"auth_hs256_secret": development_secret(settings)}))
        _verifiers[id(settings)] = found
    return found


def development_secret(settings: Settings) -> str:
    if settings.auth_hs256_secret:
        return settings.auth_hs256_secret
    path = settings.data_dir / "auth-dev-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created readable by its owner only, before the secret is written into it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def mint(secret: str, subject: str, roles: list[str], minutes: int = 60, *, audience: str | None = None,
         issuer: str | None = None) -> str:
    """A development token (HS256). Production tokens come from the site's identity provider."""
    import time

    now = int(time.time())
    claims = {"sub": subject, "roles": roles, "iat": now, "exp": now + minutes * 60}
    if audience:
        claims["aud"] = audience
    if issuer:
        claims["iss"] = issuer
    return jwt.encode(claims, secret, algorithm="HS256")
