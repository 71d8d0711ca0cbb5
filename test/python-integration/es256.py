"""The few JOSE parts a FAPI 2.0 client needs, for Python's standard library, which has
no JOSE and no elliptic curves: a P-256 key pair, ES256 signatures (ECDSA over P-256
with SHA-256, signature r || s, RFC 7518 §3.4), compact JWS, base64url and the JWK
thumbprint (RFC 7638). Written for integration.py (not vendored from elsewhere); plain
integer arithmetic, not constant-time, so for test keys like the sandbox's only.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any

# P-256 (secp256r1), FIPS 186-4 D.1.2.3
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
A = P - 3
B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
G = (
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _add(p1: Any, p2: Any) -> Any:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if p1 == p2:
        slope = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) % P
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (slope * slope - x1 - x2) % P
    return (x3, (slope * (x1 - x3) - y1) % P)


def _mul(k: int, point: Any) -> Any:
    result = None
    addend = point
    while k:
        if k & 1:
            result = _add(result, addend)
        addend = _add(addend, addend)
        k >>= 1
    return result


class P256Key:
    """A P-256 private key: `d`, and its public point."""

    def __init__(self, d: int | None = None) -> None:
        self.d = d if d is not None else 1 + secrets.randbelow(N - 1)
        self.x, self.y = _mul(self.d, G)

    def public_jwk(self) -> dict[str, str]:
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(self.x.to_bytes(32, "big")),
            "y": b64url(self.y.to_bytes(32, "big")),
        }

    def thumbprint(self) -> str:
        """RFC 7638: SHA-256 of the required members, in lexical order, no whitespace."""
        jwk = self.public_jwk()
        canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"))
        return b64url(hashlib.sha256(canonical.encode()).digest())

    def sign(self, message: bytes) -> bytes:
        """ES256: 64 bytes, r || s."""
        z = int.from_bytes(hashlib.sha256(message).digest(), "big")
        while True:
            k = 1 + secrets.randbelow(N - 1)
            point = _mul(k, G)
            r = point[0] % N
            if r == 0:
                continue
            s = pow(k, -1, N) * (z + r * self.d) % N
            if s != 0:
                return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def jws(key: P256Key, header: dict[str, Any], claims: dict[str, Any]) -> str:
    """A compact JWS (a signed JWT) with ES256."""
    signing_input = (
        b64url(json.dumps({"alg": "ES256", **header}, separators=(",", ":")).encode())
        + "."
        + b64url(json.dumps(claims, separators=(",", ":")).encode())
    )
    return signing_input + "." + b64url(key.sign(signing_input.encode("ascii")))
