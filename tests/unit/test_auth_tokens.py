"""Token verification: RS256 from a JWKS file, HS256 for development, and every way a token
can be wrong."""
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from api.auth import AuthError, NotConfigured, Role, Verifier, mint, roles_from
from clinidex.settings import Settings


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks_file(tmp_path, key, kid="k1"):
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [{**public, "kid": kid, "use": "sig", "alg": "RS256"}]}))
    return path


def token(key, kid="k1", **claims):
    now = int(time.time())
    body = {"sub": "u1", "roles": ["clinician"], "iat": now, "exp": now + 600, "aud": "clinidex",
            "iss": "https://idp.test"} | claims
    return jwt.encode({k: v for k, v in body.items() if v is not None}, key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def rs(tmp_path):
    key = rsa_key()
    settings = Settings(data_dir=tmp_path, auth_jwks_path=jwks_file(tmp_path, key), auth_audience="clinidex",
                        auth_issuer="https://idp.test")
    return key, Verifier(settings)


def test_rs256_token_from_jwks_file(rs):
    key, verifier = rs
    principal = verifier.verify(token(key, roles=["clinician", "records_staff", "janitor"]))
    assert principal.subject == "u1" and principal.roles == {Role.clinician, Role.records_staff}


@pytest.mark.parametrize("case", ["expired", "other_key", "unknown_kid", "wrong_audience", "wrong_issuer",
                                  "no_exp", "no_sub", "garbage", "hs256_with_public_key", "alg_none"])
def test_bad_tokens_are_refused(rs, case):
    key, verifier = rs
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    bad = {
        "expired": lambda: token(key, exp=int(time.time()) - 120),
        "other_key": lambda: token(rsa_key()),
        "unknown_kid": lambda: token(key, kid="k9"),
        "wrong_audience": lambda: token(key, aud="someone-else"),
        "wrong_issuer": lambda: token(key, iss="https://evil.test"),
        "no_exp": lambda: token(key, exp=None),
        "no_sub": lambda: token(key, sub=None),
        "garbage": lambda: "not.a.token",
        # The algorithm-confusion forgery: HS256 keyed with the public key anyone can fetch.
        "hs256_with_public_key": lambda: _hs_forgery(public_pem),
        "alg_none": lambda: jwt.encode({"sub": "u1", "exp": int(time.time()) + 600}, None, algorithm="none"),
    }[case]()
    with pytest.raises(AuthError):
        verifier.verify(bad)


def _hs_forgery(secret: bytes) -> str:
    import base64
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    body = b64(json.dumps({"sub": "u1", "roles": ["admin"], "exp": int(time.time()) + 600, "aud": "clinidex",
                           "iss": "https://idp.test"}).encode())
    signature = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64(signature)}"


def test_hs256_development_tokens(tmp_path):
    verifier = Verifier(Settings(data_dir=tmp_path, auth_hs256_secret="s" * 32))
    principal = verifier.verify(mint("s" * 32, "dev", ["admin"]))
    assert principal.roles == {Role.admin} and principal.subject == "dev"
    with pytest.raises(AuthError):
        verifier.verify(mint("t" * 32, "dev", ["admin"]))
    with pytest.raises(AuthError):
        verifier.verify(mint("s" * 32, "dev", ["admin"], minutes=-5))


def test_no_keys_configured_is_an_error(tmp_path):
    with pytest.raises(NotConfigured):
        Verifier(Settings(data_dir=tmp_path))


def test_roles_claim_path():
    assert roles_from({"realm_access": {"roles": ["compliance", "x"]}}, "realm_access.roles") == {Role.compliance}
    assert roles_from({"scope": "clinician admin"}, "scope") == {Role.clinician, Role.admin}
    assert roles_from({}, "roles") == frozenset()
