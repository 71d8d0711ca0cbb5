#!/usr/bin/env python3
"""A bank-to-chat connector for Bank Sandbox, written from README.md and
docs/integration-guide.md alone. Python 3 standard library only.

It links Summit, the FAPI 2.0 bank, as the guide's "Summit: FAPI 2.0" says: PAR with
PKCE S256, private_key_jwt, DPoP-bound tokens with the bank's nonce, and the iss check.
The standard library has no JOSE, so the ES256 parts (a P-256 key, ECDSA signatures,
compact JWS, base64url, the JWK thumbprint) live in es256.py beside this file, written
for it in plain Python.

It serves the three endpoints of the protocol under one base URL:

    POST {url}/webhooks/bank/{bankId}     bank webhooks (Standard Webhooks)
    POST {url}/webhooks/platform          user messages (X-Hub-Signature-256)
    GET  {url}/oauth/callback/{bankId}    the end of an OAuth link

Configuration (command line wins over the environment):

    --sandbox URL        SANDBOX_URL         default http://127.0.0.1:4545
    --host HOST          INTEGRATION_HOST    default 127.0.0.1
    --port PORT          INTEGRATION_PORT    default 0: a free port
    --public-url URL     INTEGRATION_URL     default http://{host}:{port}; the URL the sandbox knows
    --client-id ID       CLIENT_ID
    --client-secret S    CLIENT_SECRET
    --webhook-secret bank=whsec_...   (repeatable)  WEBHOOK_SECRETS="harbor=whsec_..,meridian=.."
    --app-secret S       PLATFORM_APP_SECRET
    --page-token T       PLATFORM_PAGE_TOKEN
    --admin-key K        SANDBOX_ADMIN_KEY   for GET /sandbox/credentials on a shared sandbox
    --alert-debounce S   ALERT_DEBOUNCE_S    default 1.5: coalesce fraud-alert bursts
    --log-level LEVEL    LOG_LEVEL           default INFO

Whatever credential is not given is read from GET {sandbox}/sandbox/credentials at
start-up (and read again when a signature stops verifying, e.g. after a rotation).
The first line on stdout is `listening on {url}`.
"""

from __future__ import annotations

import argparse
import base64
import collections
import email.utils
import hashlib
import hmac
import json
import logging
import os
import queue
import re
import secrets
import signal
import string
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from es256 import P256Key, b64url, jws

log = logging.getLogger("integration")

TOLERANCE_S = 5 * 60
MAX_BODY = 1024 * 1024
HTTP_TIMEOUT_S = 10.0
SCOPES = "accounts:read balances:read transactions:read transactions.all:read alerts cards:write disputes:write"
PURPOSE = "account_servicing"
STATE_TTL_S = 15 * 60
WINDOW_MS = 23 * 3600 * 1000  # the platform's 24 h window, with room for clocks that disagree
ALERT_MAX_WAIT_S = 2.5  # a debounce that keeps being poked still speaks after this long
DIGIT_RUN = re.compile(r"\d{12,}")
FAPI_BANKS = {"summit"}  # FAPI 2.0 only: PAR, PKCE, private_key_jwt, DPoP, iss
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


# ---------------------------------------------------------------------------
# small helpers


def now() -> float:
    return time.monotonic()


def bank_name(bank_id: str) -> str:
    return {"harbor": "Harbor", "meridian": "Meridian", "pinecrest": "Pinecrest", "summit": "Summit"}.get(
        bank_id, bank_id.capitalize()
    )


def money(m: dict[str, Any] | None) -> str:
    """{"amount": -123456, "currency": "USD"} -> "-$1,234.56"."""
    if not m:
        return "?"
    cents = int(m.get("amount", 0))
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(m.get("currency", "USD"))
    number = f"{cents // 100:,}.{cents % 100:02d}"
    if symbol:
        return f"{sign}{symbol}{number}"
    return f"{sign}{m.get('currency')} {number}"


def letters_token(n: int = 32) -> str:
    """Unguessable and digit-free (a run of 12+ digits in chat is a card-number smell)."""
    alphabet = string.ascii_letters
    return "".join(secrets.choice(alphabet) for _ in range(n))


def parse_retry_after(value: str | None, default: float) -> float:
    if not value:
        return default
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value).timestamp()
            seconds = when - time.time()
        except (TypeError, ValueError):
            return default
    return max(0.0, min(60.0, seconds))


class BoundedSet:
    """A set that forgets its oldest members (dedupe memory)."""

    def __init__(self, limit: int = 200_000) -> None:
        self._items: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def add_if_new(self, key: str) -> bool:
        with self._lock:
            if key in self._items:
                return False
            self._items[key] = None
            if len(self._items) > self._limit:
                self._items.popitem(last=False)
            return True


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8")) if self.body else None
        except (ValueError, UnicodeDecodeError):
            return None

    def code(self) -> str | None:
        """problem+json `code`, or RFC 6749 `error`."""
        doc = self.json()
        if isinstance(doc, dict):
            return doc.get("code") or doc.get("error")
        return None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:  # noqa: D401
        return None


_opener = urllib.request.build_opener(NoRedirect())


def http(
    method: str,
    url: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = HTTP_TIMEOUT_S,
) -> Response:
    """One HTTP exchange. Raises OSError (URLError, timeouts) when nothing answered."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _opener.open(req, timeout=timeout) as res:
            return Response(res.status, {k.lower(): v for k, v in res.headers.items()}, res.read())
    except urllib.error.HTTPError as err:
        data = err.read() if err.fp else b""
        return Response(err.code, {k.lower(): v for k, v in (err.headers or {}).items()}, data)


# ---------------------------------------------------------------------------
# configuration and credentials


@dataclass
class Config:
    sandbox: str
    host: str
    port: int
    public_url: str | None
    admin_key: str | None
    alert_debounce: float
    given: dict[str, Any]


class Credentials:
    """The sandbox credentials, with a rate-limited re-read (rotation, restarts)."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.lock = threading.Lock()
        self.reading = threading.Lock()  # one read of /sandbox/credentials at a time
        self.client_id: str | None = cfg.given.get("client_id")
        self.client_secret: str | None = cfg.given.get("client_secret")
        self.app_secret: str | None = cfg.given.get("app_secret")
        self.page_token: str | None = cfg.given.get("page_token")
        self.webhook_secrets: dict[str, list[str]] = {
            b: [s] for b, s in (cfg.given.get("webhook_secrets") or {}).items()
        }
        self.loaded = self.complete()
        self._last_fetch = 0.0

    def complete(self) -> bool:
        return bool(
            self.client_id and self.client_secret and self.app_secret and self.page_token and self.webhook_secrets
        )

    def fetch(self, timeout: float = 5.0) -> bool:
        headers = {"Accept": "application/json"}
        if self.cfg.admin_key:
            headers["X-Sandbox-Admin-Key"] = self.cfg.admin_key
        try:
            res = http("GET", f"{self.cfg.sandbox}/sandbox/credentials", headers, timeout=timeout)
        except OSError as err:
            log.warning("credentials: sandbox not reachable (%s)", err)
            return False
        doc = res.json()
        if res.status != 200 or not isinstance(doc, dict):
            log.warning("credentials: HTTP %s", res.status)
            return False
        given = self.cfg.given
        with self.lock:
            self.client_id = given.get("client_id") or doc.get("clientId")
            self.client_secret = given.get("client_secret") or doc.get("clientSecret")
            platform = doc.get("platform") or {}
            self.app_secret = given.get("app_secret") or platform.get("appSecret")
            self.page_token = given.get("page_token") or platform.get("pageToken")
            banks: dict[str, list[str]] = {}
            for bank_id, bank in (doc.get("banks") or {}).items():
                keys = [bank.get("webhookSecret"), bank.get("previousWebhookSecret")]
                banks[bank_id] = [k for k in keys if k]
            for bank_id, secret in (given.get("webhook_secrets") or {}).items():
                banks[bank_id] = [secret]
            self.webhook_secrets = banks
            self.loaded = self.complete()
            self._last_fetch = now()
        log.info("credentials loaded (banks: %s)", ", ".join(sorted(self.webhook_secrets)))
        return self.loaded

    def refetch_soon(self, min_interval: float = 3.0) -> bool:
        """Re-read, at most every `min_interval` seconds; True if something was read."""
        given = self.cfg.given
        if all(given.get(k) for k in ("client_id", "client_secret", "app_secret", "page_token", "webhook_secrets")):
            return False  # everything came from the configuration: nothing to learn from the sandbox
        with self.lock:
            recent = now() - self._last_fetch < min_interval
            if not recent:
                self._last_fetch = now()
        if recent:
            # Another request is reading them (a rotation shows on several deliveries at
            # once): wait for that read, then try what it got.
            with self.reading:
                return self.loaded
        with self.reading:
            return self.fetch(timeout=1.5)

    def ensure(self) -> bool:
        return self.loaded or self.refetch_soon(1.0)

    def basic_auth(self) -> str:
        raw = f"{self.client_id}:{self.client_secret}".encode()
        return "Basic " + base64.b64encode(raw).decode()


# ---------------------------------------------------------------------------
# signatures


def verify_bank_webhook(secrets_: list[str], headers: dict[str, str], raw_body: bytes) -> bool:
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    # isascii(): str.isdigit() also accepts digits such as "²" that int() rejects.
    if not msg_id or not timestamp or not signatures or not (timestamp.isascii() and timestamp.isdigit()):
        return False
    if abs(time.time() - int(timestamp)) > TOLERANCE_S:
        return False
    signed = f"{msg_id}.{timestamp}.".encode() + raw_body
    for secret in secrets_:
        try:
            key = base64.b64decode(secret.removeprefix("whsec_"))
        except ValueError:
            continue
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        for candidate in signatures.split(" "):
            version, _, value = candidate.partition(",")
            if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
                return True
    return False


def webhook_timestamp_fresh(headers: dict[str, str]) -> bool:
    ts = headers.get("webhook-timestamp") or ""
    return ts.isascii() and ts.isdigit() and abs(time.time() - int(ts)) <= TOLERANCE_S


def verify_platform_delivery(app_secret: str, header: str | None, raw_body: bytes) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(header.encode(), expected.encode())


# ---------------------------------------------------------------------------
# work queues: one serial lane per user, so each user's events stay in order


class Lanes:
    def __init__(self, workers: int = 8) -> None:
        self._queues: list[queue.Queue[tuple[str, Callable[[], None]] | None]] = []
        for i in range(workers):
            q: queue.Queue[tuple[str, Callable[[], None]] | None] = queue.Queue()
            self._queues.append(q)
            threading.Thread(target=self._run, args=(q,), name=f"lane-{i}", daemon=True).start()

    def submit(self, key: str, what: str, fn: Callable[[], None]) -> None:
        lane = int(hashlib.sha1(key.encode()).hexdigest(), 16) % len(self._queues)
        self._queues[lane].put((what, fn))

    @staticmethod
    def _run(q: queue.Queue[tuple[str, Callable[[], None]] | None]) -> None:
        while True:
            item = q.get()
            if item is None:
                return
            what, fn = item
            try:
                fn()
            except Exception:  # one bad task must not kill the lane
                log.exception("task failed: %s", what)


# ---------------------------------------------------------------------------
# state


@dataclass
class Link:
    user: str
    bank: str
    consent_id: str
    access_token: str
    refresh_token: str
    scopes: set[str]
    lock: threading.Lock = field(default_factory=threading.Lock)
    dpop_key: P256Key | None = None  # FAPI banks: the key the tokens are bound to


@dataclass
class AlertRecord:
    alert: dict[str, Any]
    bank: str
    consent_id: str
    user: str
    seq: int
    told: bool = False


@dataclass
class PendingState:
    user: str
    bank: str
    redirect_uri: str
    expires: float
    code_verifier: str = ""


class LinkEnded(Exception):
    """The consent is over (revoked, expired, unknown after a restart)."""


class BankBusy(Exception):
    """Outage, rate limit or failure: no call until the back-off has passed."""


class PartnershipEnded(Exception):
    pass


class InsufficientScope(Exception):
    pass


class BankError(Exception):
    pass


# ---------------------------------------------------------------------------
# the integration


class Integration:
    def __init__(self, cfg: Config, creds: Credentials) -> None:
        self.cfg = cfg
        self.creds = creds
        self.base_url = ""  # set once the server is bound
        self.lock = threading.RLock()
        self.links: dict[tuple[str, str], Link] = {}
        self.by_consent: dict[str, Link] = {}
        self.states: dict[str, PendingState] = {}
        self.partnership: dict[str, str] = {}  # bank -> terminating | terminated | active
        self.notice_told: set[tuple[str, str]] = set()  # (bank, consent_id)
        self.alerts: dict[str, AlertRecord] = {}
        self.alert_seq = 0
        self.frozen_told: set[tuple[str, str]] = set()  # (consent_id, card_id)
        self.disputes: dict[str, tuple[str, str]] = {}  # dispute id -> (user, merchant)
        self.offered: dict[str, tuple[str, str]] = {}  # transaction id -> (bank, merchant)
        self.blocked_until: dict[str, float] = {}
        self.probed: dict[str, float] = {}  # bank -> when we last asked it whether it is back
        self.failures: dict[str, int] = {}
        self.seen_events = BoundedSet()
        self.seen_mids = BoundedSet()
        self.lanes = Lanes()
        self.debounce: dict[str, tuple[threading.Timer, float]] = {}
        # FAPI: our client key (registered at the bank), and each bank's latest DPoP nonce
        self.client_key = P256Key()
        self.client_kid = "py-" + self.client_key.thumbprint()[:16]
        self.key_registered: set[str] = set()
        self.dpop_nonces: dict[str, str] = {}
        # the messaging platform's rules: the 24 h window, opt-in tokens, a way out to a person
        self.sim_now_ms = 0.0  # the simulation time the latest webhook told us
        self.last_said: dict[str, float] = {}  # user -> when they last wrote (simulation ms)
        self.optin_tokens: dict[str, tuple[str, float]] = {}  # user -> (token, expires at, simulation ms)
        self.not_understood: dict[str, int] = {}  # user -> messages in a row we did not understand

    # -- helpers --------------------------------------------------------------

    def banks(self) -> list[str]:
        return sorted(self.creds.webhook_secrets) or ["harbor", "meridian", "pinecrest"]

    def user_links(self, user: str) -> list[Link]:
        with self.lock:
            return sorted((l for (u, _), l in self.links.items() if u == user), key=lambda l: l.bank)

    def forget_link(self, link: Link) -> bool:
        """Drop a link and what hangs on it. True if it was still the current one."""
        with self.lock:
            current = self.links.get((link.user, link.bank)) is link
            if current:
                del self.links[(link.user, link.bank)]
            self.by_consent.pop(link.consent_id, None)
            for alert_id in [a for a, r in self.alerts.items() if r.consent_id == link.consent_id]:
                del self.alerts[alert_id]
            return current

    # -- sending ----------------------------------------------------------------

    def send(
        self,
        user: str,
        text: str,
        quick_replies: list[dict[str, str]] | None = None,
        token: str | None = None,
    ) -> bool:
        text = DIGIT_RUN.sub("[number hidden]", text).strip()[:2000] or "…"
        recipient = {"notification_messages_token": token} if token else {"id": user}
        message: dict[str, Any] = {"text": text}
        if quick_replies:
            message["quick_replies"] = [{"content_type": "text", **r} for r in quick_replies[:13]]
        return self.platform_post("messages", {"recipient": recipient, "message": message}, user, text)

    def platform_post(self, path: str, payload: dict[str, Any], user: str, what: str) -> bool:
        """POST to the Send API (or thread control), retrying what the guide says to retry."""
        text = what
        body = json.dumps(payload).encode()
        delay = 0.5
        refreshed = False
        for attempt in range(7):
            headers = {
                "Authorization": f"Bearer {self.creds.page_token}",
                "Content-Type": "application/json",
            }
            try:
                res = http("POST", f"{self.cfg.sandbox}/platform/v1/{path}", headers, body)
            except OSError as err:
                log.warning("send to %s: %s (attempt %d)", user, err, attempt + 1)
                time.sleep(delay)
                delay = min(delay * 2, 15)
                continue
            if 200 <= res.status < 300:
                log.info("-> %s: %s", user, text.replace("\n", " | ")[:200])
                return True
            if res.status == 401 and not refreshed:
                refreshed = True
                self.creds.refetch_soon(0)
                continue
            if res.status == 429 or res.status >= 500:
                wait = parse_retry_after(res.headers.get("retry-after"), delay)
                log.warning("send to %s: HTTP %s, retrying in %.1fs", user, res.status, wait)
                time.sleep(wait)
                delay = min(delay * 2, 15)
                continue
            log.error("send to %s refused: HTTP %s %s", user, res.status, res.body[:200])
            return False
        log.error("send to %s: gave up", user)
        return False

    def notify(self, user: str, text: str) -> bool:
        """Something the bot says unprompted: once the user's 24 h window has closed, through their token."""
        with self.lock:
            last = self.last_said.get(user)
            granted = self.optin_tokens.get(user)
            sim_now = self.sim_now_ms
        window_open = last is not None and sim_now - last <= WINDOW_MS
        if not window_open and granted and sim_now < granted[1]:
            return self.send(user, text, token=granted[0])
        return self.send(user, text)

    def note_sim_time(self, ms: float | None) -> None:
        # The latest word, not the largest: a sandbox started again runs its clock from now.
        if isinstance(ms, (int, float)):
            with self.lock:
                self.sim_now_ms = float(ms)

    def ask_for_optin(self, user: str) -> None:
        """Asks once for alert opt-in (a token lasts 6 months), so alerts reach the user outside the window."""
        with self.lock:
            granted = self.optin_tokens.get(user)
            if granted and self.sim_now_ms < granted[1]:
                return
        template = {
            "template_type": "notification_messages",
            "title": "Get fraud alerts and link notices here?",
            "payload": "alerts",
        }
        message = {"attachment": {"type": "template", "payload": template}}
        self.platform_post("messages", {"recipient": {"id": user}, "message": message}, user, "(opt-in request)")

    def on_optin(self, user: str, optin: dict[str, Any]) -> None:
        token = optin.get("notification_messages_token")
        if not isinstance(token, str):
            return
        with self.lock:
            if optin.get("notification_messages_status") == "STOP_NOTIFICATIONS":
                self.optin_tokens.pop(user, None)
            else:
                expiry = optin.get("token_expiry_timestamp")
                self.optin_tokens[user] = (token, float(expiry) if isinstance(expiry, (int, float)) else float("inf"))

    def pass_to_person(self, user: str, why: str) -> None:
        with self.lock:
            self.not_understood.pop(user, None)
        self.send(user, "I am passing you to a person on our team; they will answer here shortly.")
        payload = {"recipient": {"id": user}, "target_app_id": "inbox", "metadata": why}
        self.platform_post("pass_thread_control", payload, user, "(handover to the inbox)")

    def on_handover(self, user: str, change: dict[str, Any]) -> None:
        """The inbox passed the thread back: the user is told they talk to a bot again."""
        if change.get("new_owner_app_id") == "inbox":
            return
        self.send(user, 'You are back with our automated assistant. Say "agent" any time to reach a person.')

    # -- bank calls ---------------------------------------------------------------

    def _gate(self, bank: str) -> None:
        with self.lock:
            if self.partnership.get(bank) == "terminated":
                raise PartnershipEnded(bank)
            until = self.blocked_until.get(bank, 0.0)
        if now() < until:
            raise BankBusy(bank)

    def _back_off(self, bank: str, res: Response | None) -> None:
        with self.lock:
            if res is not None and res.status in (429, 503):
                wait = parse_retry_after(res.headers.get("retry-after"), 5.0)
                self.failures[bank] = 0
            else:  # 500s without advice, timeouts: exponential, 1 s .. 30 s
                n = self.failures.get(bank, 0)
                self.failures[bank] = n + 1
                wait = min(30.0, 1.0 * 2**n)
            self.blocked_until[bank] = max(self.blocked_until.get(bank, 0.0), now() + wait)
        log.warning("%s: backing off %.1fs (%s)", bank, wait, res.status if res else "no answer")

    def _raw_bank(self, bank: str, method: str, path: str, headers: dict[str, str], body: bytes | None) -> Response:
        self._gate(bank)
        try:
            res = http(method, f"{self.cfg.sandbox}/banks/{bank}{path}", headers, body)
        except OSError as err:
            log.warning("%s %s %s: %s", bank, method, path, err)
            self._back_off(bank, None)
            raise BankBusy(bank) from err
        if res.status == 403 and res.code() == "partnership_terminated":
            self.on_partnership_gone(bank)
            raise PartnershipEnded(bank)
        if res.status in (429, 503) or res.status >= 500:
            self._back_off(bank, res)
            raise BankBusy(bank)
        with self.lock:
            self.failures[bank] = 0
        return res

    # -- FAPI 2.0 (summit) ------------------------------------------------------

    def issuer(self, bank: str) -> str:
        return f"{self.cfg.sandbox}/banks/{bank}"

    def register_client_key(self, bank: str, again: bool = False) -> None:
        """PUT our public key as the client's JWK Set at a FAPI bank (again after a restart)."""
        if bank in self.key_registered and not again:
            return
        jwk = {**self.client_key.public_jwk(), "kid": self.client_kid, "use": "sig", "alg": "ES256"}
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.cfg.admin_key:
            headers["X-Sandbox-Admin-Key"] = self.cfg.admin_key
        world = re.search(r"(wld_[a-z0-9]+)$", self.creds.client_id or "")
        if world:  # a world's client id ends with its id; control calls name it in a header
            headers["X-Sandbox-World"] = world.group(1)
        client = urllib.parse.quote(self.creds.client_id or "", safe="")
        try:
            res = http("PUT", f"{self.cfg.sandbox}/sandbox/banks/{bank}/clients/{client}/jwks", headers,
                       json.dumps({"keys": [jwk]}).encode())
        except OSError as err:
            log.warning("%s: registering our key failed (%s)", bank, err)
            return
        if res.status == 200:
            self.key_registered.add(bank)
        else:
            log.warning("%s: registering our key: HTTP %s %s", bank, res.status, res.code())

    def client_assertion(self, bank: str) -> dict[str, str]:
        """private_key_jwt: iss and sub our client id, aud the issuer, a new jti, a minute to live."""
        t = int(time.time())
        claims = {
            "iss": self.creds.client_id, "sub": self.creds.client_id, "aud": self.issuer(bank),
            "jti": secrets.token_urlsafe(16), "iat": t, "exp": t + 60,
        }
        return {
            "client_assertion_type": CLIENT_ASSERTION_TYPE,
            "client_assertion": jws(self.client_key, {"kid": self.client_kid}, claims),
        }

    def dpop_proof(self, bank: str, key: P256Key, method: str, url: str, access_token: str | None = None) -> str:
        """A fresh DPoP proof for one request, with the bank's latest nonce (and ath at the API)."""
        claims: dict[str, Any] = {
            "jti": secrets.token_urlsafe(16), "htm": method, "htu": url.split("?")[0], "iat": int(time.time()),
        }
        with self.lock:
            nonce = self.dpop_nonces.get(bank)
        if nonce:
            claims["nonce"] = nonce
        if access_token is not None:
            claims["ath"] = b64url(hashlib.sha256(access_token.encode()).digest())
        return jws(key, {"typ": "dpop+jwt", "jwk": key.public_jwk()}, claims)

    def note_nonce(self, bank: str, res: Response) -> None:
        nonce = res.headers.get("dpop-nonce")
        if nonce:
            with self.lock:
                self.dpop_nonces[bank] = nonce

    def fapi_post(self, bank: str, path: str, form: dict[str, str], dpop_key: P256Key | None = None) -> Response:
        """PAR, token or revoke at a FAPI bank: a new assertion (and proof) each try; a nonce
        challenge or a refused proof is tried again with a fresh proof, an unknown key after
        registering it again."""
        self.register_client_key(bank)
        res: Response | None = None
        for attempt in range(3):
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"}
            if dpop_key is not None:
                headers["DPoP"] = self.dpop_proof(bank, dpop_key, "POST", f"{self.issuer(bank)}{path}")
            body = urllib.parse.urlencode({**form, **self.client_assertion(bank)}).encode()
            res = self._raw_bank(bank, "POST", path, headers, body)
            self.note_nonce(bank, res)
            code = res.code()
            if attempt < 2 and dpop_key is not None and res.status == 400 and code in ("use_dpop_nonce", "invalid_dpop_proof"):
                continue
            if attempt < 2 and res.status == 401 and code == "invalid_client":
                self.register_client_key(bank, again=True)
                continue
            break
        assert res is not None
        return res

    def token_request(self, bank: str, form: dict[str, str], dpop_key: P256Key | None = None) -> Response:
        if bank in FAPI_BANKS:
            return self.fapi_post(bank, "/oauth/token", form, dpop_key or P256Key())
        headers = {
            "Authorization": self.creds.basic_auth(),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        body = urllib.parse.urlencode(form).encode()
        res = self._raw_bank(bank, "POST", "/oauth/token", headers, body)
        if res.status == 401 and res.code() == "invalid_client" and self.creds.refetch_soon(0):
            headers["Authorization"] = self.creds.basic_auth()
            res = self._raw_bank(bank, "POST", "/oauth/token", headers, body)
        return res

    def refresh(self, link: Link, used_token: str) -> None:
        with link.lock:
            if link.access_token != used_token:
                return  # someone else refreshed meanwhile
            res = self.token_request(
                link.bank, {"grant_type": "refresh_token", "refresh_token": link.refresh_token}, link.dpop_key
            )
            doc = res.json() or {}
            if res.status == 200 and doc.get("access_token"):
                link.access_token = doc["access_token"]
                link.refresh_token = doc.get("refresh_token") or link.refresh_token
                if doc.get("scope"):
                    link.scopes = set(doc["scope"].split())
                log.info("%s/%s: token refreshed", link.user, link.bank)
                return
            log.info("%s/%s: refresh refused (%s %s)", link.user, link.bank, res.status, res.code())
            raise LinkEnded(link.bank)

    def call(self, link: Link, method: str, path: str, payload: Any = None) -> Any:
        """A data call for a link: refresh once on invalid_token, map errors to exceptions."""
        with self.lock:
            if self.by_consent.get(link.consent_id) is not link:
                raise LinkEnded(link.bank)
        body = json.dumps(payload).encode() if payload is not None else None
        for attempt in (1, 2):
            token = link.access_token
            for proof_try in (1, 2):
                headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
                if link.dpop_key is not None:  # FAPI: the DPoP scheme and a fresh proof for this call
                    url = f"{self.cfg.sandbox}/banks/{link.bank}{path}"
                    headers["Authorization"] = f"DPoP {token}"
                    headers["DPoP"] = self.dpop_proof(link.bank, link.dpop_key, method, url, token)
                if body is not None:
                    headers["Content-Type"] = "application/json"
                res = self._raw_bank(link.bank, method, path, headers, body)
                if link.dpop_key is None:
                    break
                self.note_nonce(link.bank, res)
                if not (res.status == 401 and res.code() in ("use_dpop_nonce", "invalid_dpop_proof") and proof_try == 1):
                    break
            if 200 <= res.status < 300:
                return res.json()
            code = res.code()
            if res.status == 401 and code == "invalid_token" and attempt == 1:
                self.refresh(link, token)
                continue
            if res.status == 401:
                raise LinkEnded(link.bank)
            if res.status == 403 and code == "insufficient_scope":
                raise InsufficientScope(link.bank)
            raise BankError(f"{method} {path}: HTTP {res.status} {code}")
        raise LinkEnded(link.bank)

    # -- link lifecycle -----------------------------------------------------------

    def link_over(self, link: Link, why: str) -> str:
        """Forget a link that ended; the words to tell its user."""
        self.forget_link(link)
        name = bank_name(link.bank)
        log.info("%s/%s: link over (%s)", link.user, link.bank, why)
        return f'Your {name} link has ended, so I can no longer see those accounts. Say "link {link.bank}" to connect it again.'

    def on_partnership_gone(self, bank: str) -> None:
        """A 403 partnership_terminated: the bank left, whatever we heard before."""
        with self.lock:
            self.partnership[bank] = "terminated"
            gone = [l for l in self.links.values() if l.bank == bank]
        for link in gone:
            self.forget_link(link)

    # -- chat -------------------------------------------------------------------

    def on_user_message(self, user: str, text: str, payload: str | None = None) -> None:
        if payload and payload.startswith("dispute:"):
            self.cmd_file_dispute(user, payload)
            return
        words = " ".join(text.strip().lower().split())
        if words.startswith("freeze ") or words.startswith("unfreeze "):
            action, _, last4 = words.partition(" ")
            self.cmd_card(user, last4.strip(), action == "freeze")
        elif words == "dispute":
            self.cmd_offer_charges(user)
        elif words.startswith("link "):
            self.cmd_link(user, words[5:].strip())
        elif words.startswith("disconnect "):
            self.cmd_disconnect(user, words[11:].strip())
        elif words == "balance":
            self.cmd_balance(user)
        elif words == "spending":
            self.cmd_spending(user)
        elif words in ("yes", "not me"):
            self.cmd_resolve(user, "legitimate" if words == "yes" else "fraud")
        elif words == "agent":
            self.pass_to_person(user, "asked for a person")
            return
        else:
            with self.lock:
                missed = self.not_understood.get(user, 0) + 1
                self.not_understood[user] = missed
            if missed >= 3:
                self.pass_to_person(user, "not understood three times")
            else:
                self.send(user, self.help_text())
            return
        with self.lock:
            self.not_understood.pop(user, None)

    def help_text(self) -> str:
        banks = ", ".join(self.banks())
        return (
            'I can help with your bank accounts. Say "link <bank>" to connect one '
            f'({banks}), "balance", "spending", "freeze <last 4 digits>", "unfreeze <last 4 digits>", '
            '"dispute", or "disconnect <bank>". '
            'When I ask about a fraud alert, answer "yes" or "not me".'
        )

    def cmd_link(self, user: str, bank: str) -> None:
        if bank not in self.banks():
            self.send(user, f"I don't know that bank. You can link: {', '.join(self.banks())}.")
            return
        name = bank_name(bank)
        with self.lock:
            status = self.partnership.get(bank, "active")
        if status == "terminated" and self.partnership_is_back(bank):
            status = "active"
        if status in ("terminating", "terminated"):
            self.send(user, f"{name} is leaving this service, so it can't be linked anymore.")
            return
        state = letters_token()
        redirect_uri = f"{self.base_url}/oauth/callback/{bank}"
        params = {
            "response_type": "code",
            "client_id": self.creds.client_id or "",
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
            "state": state,
            "purpose": PURPOSE,
        }
        verifier = ""
        if bank in FAPI_BANKS:
            # PAR (RFC 9126) with PKCE S256: the link names only the client and the request_uri.
            verifier = b64url(secrets.token_bytes(32))
            challenge = b64url(hashlib.sha256(verifier.encode()).digest())
            form = {**params, "code_challenge": challenge, "code_challenge_method": "S256"}
            try:
                res = self.fapi_post(bank, "/oauth/par", form)
            except (BankBusy, PartnershipEnded):
                self.send(user, f"{name} is not answering right now; please try linking again later.")
                return
            request_uri = (res.json() or {}).get("request_uri") if res.status == 201 else None
            if not request_uri:
                log.warning("PAR at %s refused: %s %s", bank, res.status, res.code())
                self.send(user, f'Linking {name} did not start. Say "link {bank}" to try again.')
                return
            params = {"client_id": params["client_id"], "request_uri": request_uri}
        with self.lock:
            t = now()
            for key in [k for k, s in self.states.items() if s.expires < t]:
                del self.states[key]
            self.states[state] = PendingState(user, bank, redirect_uri, t + STATE_TTL_S, verifier)
        query = urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
        url = f"{self.cfg.sandbox}/banks/{bank}/oauth/authorize?{query}"
        self.send(user, f"To link {name}, open this page and approve: {url}")

    def partnership_is_back(self, bank: str) -> bool:
        """A user asks to link a bank we believe terminated. Our belief rests on the last
        partnership.* event, and no event says "the sandbox restarted, every bank is active
        again". So, at most once a minute and only on a user's request, ask the bank itself:
        an unauthenticated call answers 403 partnership_terminated while the bank is withdrawn
        (that code wins over every other), and 401 invalid_token once it works with us again."""
        with self.lock:
            last = self.probed.get(bank, -1e9)
            if now() - last < 60 or now() < self.blocked_until.get(bank, 0.0):
                return False
            self.probed[bank] = now()
        try:
            res = http("GET", f"{self.cfg.sandbox}/banks/{bank}/v1/consent", {"Accept": "application/json"}, timeout=5)
        except OSError:
            return False
        if res.status == 403 and res.code() == "partnership_terminated":
            return False
        if res.status in (401, 404):
            with self.lock:
                if self.partnership.get(bank) == "terminated":
                    self.partnership[bank] = "active"
            log.warning("%s answers again although it had left (missed partnership.restored?): links allowed", bank)
            return True
        return False

    def on_callback(self, bank: str, params: dict[str, str]) -> tuple[int, str]:
        """GET /oauth/callback/{bank}: (status, html)."""
        state = params.get("state", "")
        if bank in FAPI_BANKS and params.get("iss") != self.issuer(bank):
            # RFC 9207: a wrong or missing iss is a mix-up. Keep the state: the genuine answer may follow.
            log.warning("callback for %s with iss %r refused", bank, params.get("iss"))
            return 400, "<h1>This answer does not come from the bank</h1>"
        with self.lock:
            pending = self.states.pop(state, None) if state else None
        if pending is None or pending.bank != bank or pending.expires < now():
            log.warning("callback for %s with an unknown state refused", bank)
            return 400, "<h1>This link is not valid</h1><p>Start again from the chat.</p>"
        user, name = pending.user, bank_name(bank)
        error = params.get("error")
        if error:
            why = {
                "access_denied": f"{name} did not approve it (you may not be a {name} customer, or it was declined)",
                "invalid_scope": f"{name} shares none of what I asked for",
            }.get(error, f"{name} answered {error}")
            self.lanes.submit(user, "link failed", lambda: self.send(user, f"Linking {name} did not work: {why}."))
            return 200, f"<h1>{name} was not linked</h1>"
        code = params.get("code")
        if not code:
            return 400, "<h1>Missing code</h1>"
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": pending.redirect_uri}
        dpop_key = None
        if bank in FAPI_BANKS:
            form["code_verifier"] = pending.code_verifier
            dpop_key = P256Key()  # the tokens are bound to it
        try:
            res = self.token_request(bank, form, dpop_key)
        except (BankBusy, PartnershipEnded):
            self.lanes.submit(user, "link failed", lambda: self.send(user, f"{name} is not answering right now; please try linking again later."))
            return 502, f"<h1>{name} is not answering</h1>"
        doc = res.json() or {}
        if res.status != 200 or not doc.get("access_token") or not doc.get("consent_id"):
            log.warning("code exchange at %s refused: %s %s", bank, res.status, res.code())
            self.lanes.submit(user, "link failed", lambda: self.send(user, f'Linking {name} did not work. Say "link {bank}" to try again.'))
            return 400, f"<h1>{name} was not linked</h1>"
        link = Link(
            user=user,
            bank=bank,
            consent_id=doc["consent_id"],
            access_token=doc["access_token"],
            refresh_token=doc.get("refresh_token", ""),
            scopes=set((doc.get("scope") or "").split()),
            dpop_key=dpop_key,
        )
        with self.lock:
            old = self.links.get((user, bank))
            if old is not None:
                self.forget_link(old)
            self.links[(user, bank)] = link
            self.by_consent[link.consent_id] = link
        log.info("%s linked %s (%s, %s)", user, bank, link.consent_id, " ".join(sorted(link.scopes)))
        def tell_linked() -> None:
            self.send(user, f'{name} is linked. Say "balance" or "spending" any time.')
            self.ask_for_optin(user)

        self.lanes.submit(user, "linked", tell_linked)
        return 200, f"<h1>{name} is linked</h1><p>You can go back to the chat.</p>"

    def cmd_disconnect(self, user: str, bank: str) -> None:
        name = bank_name(bank)
        with self.lock:
            link = self.links.get((user, bank))
        if link is None:
            self.send(user, f'{name} is not linked. Say "link {bank}" to connect it.')
            return
        try:
            self.call(link, "DELETE", "/v1/consent")
        except (LinkEnded, PartnershipEnded):
            pass  # over already: nothing left to revoke
        except (BankBusy, BankError) as err:
            # The bank did not take the DELETE: revoke the refresh token instead (RFC 7009).
            try:
                self._gate(bank)
                self.revoke_refresh_token(link)
            except Exception:
                log.warning("%s/%s: disconnect failed (%s)", user, bank, err)
                self.send(user, f"{name} is not answering right now, so I could not disconnect it. Please try again later.")
                return
        self.forget_link(link)
        self.send(user, f'{name} is disconnected and I no longer see those accounts. Say "link {bank}" to connect it again.')

    def revoke_refresh_token(self, link: Link) -> None:
        if link.bank in FAPI_BANKS:
            res = self.fapi_post(link.bank, "/oauth/revoke", {"token": link.refresh_token, "token_type_hint": "refresh_token"})
            if res.status != 200:
                raise BankError(f"revoke: HTTP {res.status}")
            return
        headers = {"Authorization": self.creds.basic_auth(), "Content-Type": "application/x-www-form-urlencoded"}
        body = urllib.parse.urlencode({"token": link.refresh_token, "token_type_hint": "refresh_token"}).encode()
        res = self._raw_bank(link.bank, "POST", "/oauth/revoke", headers, body)
        if res.status != 200:
            raise BankError(f"revoke: HTTP {res.status}")

    def _per_bank(self, user: str, what: Callable[[Link], str]) -> None:
        links = self.user_links(user)
        if not links:
            banks = " or ".join(f'"link {b}"' for b in self.banks())
            self.send(user, f"You have no bank linked. Say {banks} to connect one.")
            return
        parts = []
        for link in links:
            name = bank_name(link.bank)
            try:
                parts.append(what(link))
            except LinkEnded:
                parts.append(self.link_over(link, "refused by the bank"))
            except PartnershipEnded:
                parts.append(f"{name} has left this service, so I can no longer reach it.")
            except BankBusy:
                parts.append(f"{name} is not answering right now. Please try again in a little while.")
            except InsufficientScope:
                parts.append(f"{name} does not share that with this service.")
            except BankError as err:
                log.warning("%s/%s: %s", user, link.bank, err)
                parts.append(f"Something went wrong reading {name}. Please try again later.")
        self.send(user, "\n".join(parts))

    def cmd_balance(self, user: str) -> None:
        def balances(link: Link) -> str:
            name = bank_name(link.bank)
            if "balances:read" not in link.scopes or "accounts:read" not in link.scopes:
                raise InsufficientScope(link.bank)
            accounts = (self.call(link, "GET", "/v1/accounts") or {}).get("data") or []
            if not accounts:
                return f"{name}: no accounts."
            lines = []
            for acc in accounts:
                bal = self.call(link, "GET", f"/v1/accounts/{urllib.parse.quote(acc['id'])}/balances") or {}
                label = f"{acc.get('name') or acc.get('type', 'Account')} ••{acc.get('mask', '')}"
                lines.append(f"{label}: {money(bal.get('available'))} available ({money(bal.get('current'))} current)")
            return f"{name}:\n" + "\n".join(lines)

        self._per_bank(user, balances)

    def cmd_spending(self, user: str) -> None:
        def spending(link: Link) -> str:
            name = bank_name(link.bank)
            if not ({"transactions:read", "transactions.all:read"} & link.scopes):
                raise InsufficientScope(link.bank)
            accounts = (self.call(link, "GET", "/v1/accounts") or {}).get("data") or []
            txns: list[dict[str, Any]] = []
            for acc in accounts:
                path = f"/v1/accounts/{urllib.parse.quote(acc['id'])}/transactions"
                query = "?limit=200"
                for _ in range(5):
                    try:
                        page = self.call(link, "GET", path + query) or {}
                    except BankError:
                        break  # e.g. a cursor from before a restart: keep what we have
                    txns.extend(page.get("data") or [])
                    cursor = page.get("nextCursor")
                    if not cursor:
                        break
                    query = "?" + urllib.parse.urlencode({"cursor": cursor, "limit": 200})
            debits = [t for t in txns if (t.get("amount") or {}).get("amount", 0) < 0]
            if not debits:
                return f"{name}: no spending in the last 30 days."
            currency = debits[0]["amount"].get("currency", "USD")
            total = sum(-t["amount"]["amount"] for t in debits)
            latest = sorted(debits, key=lambda t: t.get("bookedAt", ""), reverse=True)[:3]
            recent = "; ".join(
                f"{(t.get('merchant') or {}).get('name') or t.get('description', '')} {money(t['amount'])}" for t in latest
            )
            return (
                f"{name}: {money({'amount': total, 'currency': currency})} spent in the last 30 days "
                f"({len(debits)} payments). Latest: {recent}."
            )

        self._per_bank(user, spending)

    def cmd_resolve(self, user: str, outcome: str) -> None:
        with self.lock:
            candidates = sorted(
                (r for r in self.alerts.values() if r.user == user and r.alert.get("status") == "open"),
                key=lambda r: r.seq,
                reverse=True,
            )
            told = [r for r in candidates if r.told]
            record = (told or candidates or [None])[0]
            link = self.by_consent.get(record.consent_id) if record else None
        if record is None or link is None:
            record, link = self.find_open_alert(user)
        if record is None or link is None:
            self.send(user, "There is no open fraud alert to answer right now.")
            return
        alert = record.alert
        name, last4 = bank_name(link.bank), alert.get("last4", "")
        try:
            updated = self.call(
                link, "POST", f"/v1/alerts/{urllib.parse.quote(alert['id'])}/resolution", {"outcome": outcome}
            )
        except LinkEnded:
            self.send(user, self.link_over(link, "resolution refused"))
            return
        except PartnershipEnded:
            self.send(user, f"{name} has left this service, so I could not pass your answer on.")
            return
        except BankBusy:
            self.send(user, f"{name} is not answering right now. Please answer again in a little while.")
            return
        except (BankError, InsufficientScope) as err:
            log.warning("resolution failed: %s", err)
            self.send(user, f"I could not pass your answer to {name}; that alert may already be settled.")
            return
        with self.lock:
            record.told = True
            if isinstance(updated, dict):
                record.alert = updated
            else:
                record.alert = {**alert, "status": outcome}
            if outcome == "fraud":
                self.frozen_told.add((link.consent_id, alert.get("cardId", "")))
        if outcome == "fraud":
            self.send(user, f"Thanks. Your {name} card ending {last4} is now frozen, so no one can use it.")
        else:
            self.send(user, f"Thanks for confirming. Your {name} card ending {last4} stays active.")

    # -- card controls and disputes -------------------------------------------------

    def cmd_card(self, user: str, last4: str, freeze: bool) -> None:
        verb = "freeze" if freeze else "unfreeze"
        if not re.fullmatch(r"\d{4}", last4):
            self.send(user, f'Say "{verb}" and the last 4 digits of the card, like "{verb} 1234".')
            return
        for link in self.user_links(user):
            if "cards:write" not in link.scopes:
                continue
            name = bank_name(link.bank)
            try:
                cards = (self.call(link, "GET", "/v1/cards") or {}).get("data") or []
                card = next((c for c in cards if c.get("last4") == last4), None)
                if card is None:
                    continue
                self.call(link, "POST", f"/v1/cards/{urllib.parse.quote(card['id'])}/{verb}")
            except (LinkEnded, PartnershipEnded, BankBusy, BankError, InsufficientScope) as err:
                log.warning("%s at %s: %s", verb, link.bank, err)
                self.send(user, f"I could not reach {name} to {verb} that card. Please try again later.")
                return
            key = (link.consent_id, card.get("id", ""))
            with self.lock:
                if freeze:
                    self.frozen_told.add(key)  # card.status.changed follows: told here already
                else:
                    self.frozen_told.discard(key)
            state = "is now frozen" if freeze else "works again"
            self.send(user, f"Your {name} card ending {last4} {state}.")
            return
        self.send(user, f"I found no linked card ending {last4}.")

    def cmd_offer_charges(self, user: str) -> None:
        links = [l for l in self.user_links(user) if "disputes:write" in l.scopes]
        if not links:
            self.send(user, "None of your linked banks takes disputes here; please use your bank's own app.")
            return
        charges: list[tuple[str, dict[str, Any]]] = []
        for link in links:
            try:
                accounts = (self.call(link, "GET", "/v1/accounts") or {}).get("data") or []
                for acc in accounts:
                    path = f"/v1/accounts/{urllib.parse.quote(acc['id'])}/transactions?limit=200"
                    for txn in (self.call(link, "GET", path) or {}).get("data") or []:
                        if (txn.get("amount") or {}).get("amount", 0) < 0:
                            charges.append((link.bank, txn))
            except (LinkEnded, PartnershipEnded, BankBusy, BankError, InsufficientScope) as err:
                log.warning("charges at %s: %s", link.bank, err)
        charges.sort(key=lambda bt: bt[1].get("bookedAt", ""), reverse=True)
        if not charges:
            self.send(user, "I see no recent charge to dispute.")
            return
        replies = []
        for bank, txn in charges[:5]:
            merchant = (txn.get("merchant") or {}).get("name") or txn.get("description", "")
            amount = money({"amount": -txn["amount"]["amount"], "currency": txn["amount"].get("currency", "USD")})
            title = f"{merchant[: max(1, 19 - len(amount))]} {amount}"[:20]
            with self.lock:
                self.offered[txn["id"]] = (bank, merchant)
            replies.append({"title": title, "payload": f"dispute:{bank}:{txn['id']}"})
        self.send(user, "Which charge do you want to dispute?", replies)

    def cmd_file_dispute(self, user: str, payload: str) -> None:
        _, bank, txn_id = payload.split(":", 2)
        with self.lock:
            link = self.links.get((user, bank))
            offered = self.offered.get(txn_id)
        if link is None or offered is None:
            self.send(user, 'That charge is no longer on offer. Say "dispute" again.')
            return
        merchant = offered[1]
        try:
            dispute = self.call(link, "POST", "/v1/disputes", {"transactionId": txn_id, "reason": "unrecognized"})
        except BankError as err:
            log.warning("dispute: %s", err)
            self.send(user, f"The {merchant} charge cannot be disputed: it is already disputed, or too old.")
            return
        except (LinkEnded, PartnershipEnded, BankBusy, InsufficientScope) as err:
            log.warning("dispute: %s", err)
            self.send(user, f"I could not reach {bank_name(bank)} to dispute the {merchant} charge. Please try again later.")
            return
        with self.lock:
            self.disputes[dispute["id"]] = (user, merchant)
        credit = dispute.get("provisionalCreditDueOn")
        decision = dispute.get("decisionDueOn")
        if credit:
            self.send(user, f"I disputed the {merchant} charge. The bank credits it provisionally by {credit} and decides by {decision}.")
        else:
            self.send(user, f"I disputed the {merchant} charge. The bank decides by {decision}.")

    def on_dispute_updated(self, dispute: dict[str, Any]) -> None:
        with self.lock:
            filed = self.disputes.get(dispute.get("id", ""))
        if filed is None:
            return
        user, merchant = filed
        if dispute.get("status") == "provisional_credit":
            self.send(user, f"Your dispute of the {merchant} charge: the bank has credited the amount provisionally.")
        elif dispute.get("status") == "resolved":
            if dispute.get("outcome") == "customer":
                self.send(user, f"Your dispute of the {merchant} charge was decided in your favour.")
            else:
                self.send(user, f"Your dispute of the {merchant} charge was decided for the merchant; the provisional credit was reversed.")

    def find_open_alert(self, user: str) -> tuple[AlertRecord | None, Link | None]:
        """No alert in memory (say, after our own restart): ask the banks."""
        for link in self.user_links(user):
            if "alerts" not in link.scopes:
                continue
            try:
                page = self.call(link, "GET", "/v1/alerts") or {}
            except Exception as err:  # noqa: BLE001 - any failure means: nothing to resolve there
                log.info("alerts at %s: %s", link.bank, err)
                continue
            for alert in page.get("data") or []:
                if alert.get("status") == "open":
                    return AlertRecord(alert, link.bank, link.consent_id, user, 0, True), link
        return None, None

    # -- bank webhooks ------------------------------------------------------------

    def on_bank_event(self, bank: str, event: dict[str, Any]) -> None:
        """Runs on the request thread: only routes the event to a lane."""
        etype = event.get("type")
        data = event.get("data") or {}
        stamp = event.get("timestamp")
        if isinstance(stamp, str):
            try:
                self.note_sim_time(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000)
            except ValueError:
                pass
        if etype and etype.startswith("partnership."):
            self.on_partnership(bank, data.get("status"), data.get("effectiveAt"))
            return
        consent_id = data.get("consentId")
        with self.lock:
            link = self.by_consent.get(consent_id or "")
        if link is None or link.bank != bank:
            log.info("%s for a consent we do not hold (%s): ignored", etype, consent_id)
            return
        self.lanes.submit(link.user, f"{etype}", lambda: self.handle_consent_event(link, etype or "", data))

    def handle_consent_event(self, link: Link, etype: str, data: dict[str, Any]) -> None:
        name = bank_name(link.bank)
        with self.lock:
            held = self.by_consent.get(link.consent_id) is link
        if not held:
            return
        if etype in ("fraud.alert.created", "fraud.alert.updated"):
            self.on_alert(link, data.get("alert") or {})
        elif etype == "card.status.changed":
            card = data.get("card") or {}
            key = (link.consent_id, card.get("id", ""))
            if card.get("status") == "frozen":
                with self.lock:
                    if key in self.frozen_told:
                        return
                    self.frozen_told.add(key)
                self.notify(link.user, f"Your {name} card ending {card.get('last4', '')} is frozen.")
            else:
                with self.lock:
                    self.frozen_told.discard(key)
        elif etype == "dispute.updated":
            self.on_dispute_updated(data.get("dispute") or {})
        elif etype == "consent.revoked":
            self.notify(link.user, self.link_over(link, "consent.revoked"))
        elif etype == "consent.expired":
            self.notify(link.user, self.link_over(link, "consent.expired"))
        elif etype == "consent.expiring":
            consent = data.get("consent") or {}
            day = (consent.get("expiresAt") or "")[:10]
            when = f" on {day}" if day else " in a week"
            self.notify(
                link.user,
                f'Your {name} link expires{when}. Say "link {link.bank}" to renew it and keep using it here.',
            )
        # transactions.available: nothing to say and nothing to call; read fresh when asked.

    def on_alert(self, link: Link, alert: dict[str, Any]) -> None:
        alert_id = alert.get("id")
        if not alert_id:
            return
        with self.lock:
            record = self.alerts.get(alert_id)
            if record is None:
                self.alert_seq += 1
                record = AlertRecord(alert, link.bank, link.consent_id, link.user, self.alert_seq)
                self.alerts[alert_id] = record
            else:
                record.alert = alert
            should_tell = alert.get("status") == "open" and not record.told
        if should_tell:
            self.poke_debounce(link.user)

    def poke_debounce(self, user: str) -> None:
        """Coalesce a burst: speak `alert_debounce` s after the last event (at most ALERT_MAX_WAIT_S after the first)."""
        with self.lock:
            t = now()
            current = self.debounce.get(user)
            first = current[1] if current else t
            if current:
                current[0].cancel()
            delay = max(0.0, min(self.cfg.alert_debounce, first + ALERT_MAX_WAIT_S - t))
            timer = threading.Timer(delay, self._debounce_fired, args=(user,))
            timer.daemon = True
            self.debounce[user] = (timer, first)
            timer.start()

    def _debounce_fired(self, user: str) -> None:
        with self.lock:
            self.debounce.pop(user, None)
        self.lanes.submit(user, "alert digest", lambda: self.flush_alerts(user))

    def flush_alerts(self, user: str) -> None:
        with self.lock:
            due = sorted(
                (
                    r
                    for r in self.alerts.values()
                    if r.user == user
                    and not r.told
                    and r.alert.get("status") == "open"
                    and r.consent_id in self.by_consent
                ),
                key=lambda r: r.seq,
            )
            for r in due:
                r.told = True
        if not due:
            return
        lines = []
        for r in due:
            a = r.alert
            n = a.get("transactionCount") or len(a.get("transactionIds") or [])
            charges = f"{n} flagged charge{'s' if n != 1 else ''}"
            lines.append(f"Possible fraud on your {bank_name(r.bank)} card ending {a.get('last4', '')}: {charges}.")
        lines.append('Were these yours? Reply "yes" if so, or "not me" and I will ask the bank to freeze the card.')
        self.notify(user, "\n".join(lines))

    def on_partnership(self, bank: str, status: str | None, effective_at: str | None) -> None:
        if status not in ("terminating", "terminated", "active"):
            log.warning("partnership event for %s with status %r ignored", bank, status)
            return
        name = bank_name(bank)
        with self.lock:
            before = self.partnership.get(bank, "active")
            self.partnership[bank] = status
            linked = [l for l in self.links.values() if l.bank == bank]
            if status == "active":
                self.notice_told = {k for k in self.notice_told if k[0] != bank}
                self.blocked_until.pop(bank, None)
        log.info("partnership %s: %s -> %s", bank, before, status)
        if status == "active":
            return
        day = (effective_at or "")[:10]
        for link in linked:
            key = (bank, link.consent_id)
            with self.lock:
                first = key not in self.notice_told
                self.notice_told.add(key)
            if status == "terminated":
                self.forget_link(link)
            if not first:
                continue
            if status == "terminating":
                text = (
                    f"{name} is leaving this service{' on ' + day if day else ''}. Until then your {name} "
                    "accounts still work here; after that I will no longer be able to reach them."
                )
            else:
                text = f"{name} has left this service, so your {name} accounts can no longer be reached here."
            self.lanes.submit(link.user, "partnership", lambda u=link.user, t=text: self.send(u, t))


# ---------------------------------------------------------------------------
# HTTP


def make_handler(app: Integration) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "python-bank-connector/1.0"
        timeout = 60

        def log_message(self, fmt: str, *args: Any) -> None:
            log.debug("%s " + fmt, self.address_string(), *args)

        def reply(self, status: int, body: bytes = b"", ctype: str = "text/plain; charset=utf-8") -> None:
            self.send_response(status)
            if body or status != 204:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)) if status != 204 else "0")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if body and status != 204:
                self.wfile.write(body)

        def read_body(self) -> bytes | None:
            if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                chunks, size = [], 0
                while True:
                    line = self.rfile.readline(1024).strip()
                    n = int(line.split(b";")[0] or b"0", 16)
                    if n == 0:
                        while self.rfile.readline(1024).strip():
                            pass
                        return b"".join(chunks)
                    size += n
                    if size > MAX_BODY:
                        return None
                    chunks.append(self.rfile.read(n))
                    self.rfile.readline(8)
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return None
            return self.rfile.read(length) if length else b""

        def do_POST(self) -> None:  # noqa: N802
            path = urllib.parse.urlsplit(self.path).path
            body = self.read_body()
            if body is None:
                self.close_connection = True
                self.reply(413, b"payload too large")
                return
            parts = path.strip("/").split("/")
            if len(parts) == 3 and parts[:2] == ["webhooks", "bank"]:
                self.bank_webhook(parts[2], body)
            elif path.rstrip("/") == "/webhooks/platform":
                self.platform_webhook(body)
            else:
                self.reply(404, b"not found")

        def do_GET(self) -> None:  # noqa: N802
            split = urllib.parse.urlsplit(self.path)
            parts = split.path.strip("/").split("/")
            if len(parts) == 3 and parts[:2] == ["oauth", "callback"]:
                params = {k: v[0] for k, v in urllib.parse.parse_qs(split.query).items()}
                status, html = app.on_callback(parts[2], params)
                self.reply(status, html.encode(), "text/html; charset=utf-8")
            elif split.path in ("/", "/health"):
                self.reply(200, b"ok")
            else:
                self.reply(404, b"not found")

        def bank_webhook(self, bank: str, body: bytes) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            app.creds.ensure()
            secrets_ = app.creds.webhook_secrets.get(bank)
            ok = bool(secrets_) and verify_bank_webhook(secrets_, headers, body)
            if not ok and webhook_timestamp_fresh(headers) and headers.get("webhook-signature"):
                # Maybe the bank rotated its secret (or the sandbox restarted with new ones).
                if app.creds.refetch_soon():
                    secrets_ = app.creds.webhook_secrets.get(bank)
                    ok = bool(secrets_) and verify_bank_webhook(secrets_, headers, body)
            if not ok:
                log.warning("bank webhook for %s refused: bad, absent or stale signature", bank)
                self.reply(401, b"invalid signature")
                return
            try:
                event = json.loads(body)
                assert isinstance(event, dict)
            except (ValueError, AssertionError):
                self.reply(400, b"invalid json")
                return
            event_id = headers["webhook-id"]
            if not app.seen_events.add_if_new(event_id):
                log.info("duplicate %s %s acknowledged", event.get("type"), event_id)
                self.reply(204)
                return
            self.reply(204)  # acknowledge first, then work
            log.info("<- %s %s %s", bank, event.get("type"), event_id)
            try:
                app.on_bank_event(bank, event)
            except Exception:
                log.exception("bank event %s failed", event_id)

        def platform_webhook(self, body: bytes) -> None:
            app.creds.ensure()
            header = self.headers.get("X-Hub-Signature-256")
            ok = bool(app.creds.app_secret) and verify_platform_delivery(app.creds.app_secret or "", header, body)
            if not ok and header and app.creds.refetch_soon():
                ok = verify_platform_delivery(app.creds.app_secret or "", header, body)
            if not ok:
                self.reply(401, b"invalid signature")
                return
            try:
                delivery = json.loads(body)
                assert isinstance(delivery, dict)
            except (ValueError, AssertionError):
                self.reply(400, b"invalid json")
                return
            self.reply(200, b"EVENT_RECEIVED")
            for entry in delivery.get("entry") or []:
                # `standby` entries: a person in the page inbox has this conversation; we stay quiet.
                for item in (entry or {}).get("messaging") or []:
                    message = (item or {}).get("message") or {}
                    user = ((item or {}).get("sender") or {}).get("id")
                    app.note_sim_time((item or {}).get("timestamp"))
                    if user and isinstance(item.get("optin"), dict):
                        app.on_optin(user, item["optin"])
                        continue
                    if user and isinstance(item.get("pass_thread_control"), dict):
                        change = item["pass_thread_control"]
                        app.lanes.submit(user, "handover", lambda u=user, c=change: app.on_handover(u, c))
                        continue
                    mid, text = message.get("mid"), message.get("text")
                    if not user or not mid or not isinstance(text, str) or message.get("is_echo"):
                        continue
                    if not app.seen_mids.add_if_new(mid):
                        log.info("duplicate message %s ignored", mid)
                        continue
                    stamp = item.get("timestamp")
                    if isinstance(stamp, (int, float)):
                        with app.lock:
                            app.last_said[user] = float(stamp)
                    log.info("<- %s says %r", user, text)
                    quick = message.get("quick_reply") or {}
                    payload = quick.get("payload") if isinstance(quick, dict) else None
                    app.lanes.submit(
                        user, f"message {mid}", lambda u=user, t=text, p=payload: app.on_user_message(u, t, p)
                    )

    return Handler


# ---------------------------------------------------------------------------
# start-up


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        err = sys.exc_info()[1]
        if isinstance(err, (ConnectionError, TimeoutError)):
            log.debug("connection from %s ended: %s", client_address, err)
            return
        log.exception("request from %s failed", client_address)


def parse_config(argv: list[str]) -> Config:
    env = os.environ
    p = argparse.ArgumentParser(description="Bank Sandbox integration (Python, stdlib only)")
    p.add_argument("--sandbox", default=env.get("SANDBOX_URL", "http://127.0.0.1:4545"))
    p.add_argument("--host", default=env.get("INTEGRATION_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(env.get("INTEGRATION_PORT", "0")))
    p.add_argument("--public-url", default=env.get("INTEGRATION_URL"))
    p.add_argument("--client-id", default=env.get("CLIENT_ID"))
    p.add_argument("--client-secret", default=env.get("CLIENT_SECRET"))
    p.add_argument("--webhook-secret", action="append", default=[], metavar="BANK=WHSEC")
    p.add_argument("--app-secret", default=env.get("PLATFORM_APP_SECRET"))
    p.add_argument("--page-token", default=env.get("PLATFORM_PAGE_TOKEN"))
    p.add_argument("--admin-key", default=env.get("SANDBOX_ADMIN_KEY"))
    p.add_argument("--alert-debounce", type=float, default=float(env.get("ALERT_DEBOUNCE_S", "1.5")))
    p.add_argument("--log-level", default=env.get("LOG_LEVEL", "INFO"))
    a = p.parse_args(argv)
    webhook_secrets: dict[str, str] = {}
    for item in [*filter(None, (env.get("WEBHOOK_SECRETS") or "").split(",")), *a.webhook_secret]:
        bank, sep, secret = item.partition("=")
        if not sep:
            p.error(f"--webhook-secret wants BANK=whsec_…, got {item!r}")
        webhook_secrets[bank.strip()] = secret.strip()
    logging.basicConfig(
        level=getattr(logging, a.log_level.upper(), logging.INFO),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(threadName)s %(message)s",
    )
    given = {
        "client_id": a.client_id,
        "client_secret": a.client_secret,
        "app_secret": a.app_secret,
        "page_token": a.page_token,
        "webhook_secrets": webhook_secrets,
    }
    return Config(
        sandbox=a.sandbox.rstrip("/"),
        host=a.host,
        port=a.port,
        public_url=a.public_url.rstrip("/") if a.public_url else None,
        admin_key=a.admin_key,
        alert_debounce=a.alert_debounce,
        given=given,
    )


def main(argv: list[str]) -> int:
    cfg = parse_config(argv)
    creds = Credentials(cfg)
    app = Integration(cfg, creds)
    server = Server((cfg.host, cfg.port), make_handler(app))
    port = server.server_address[1]
    host = cfg.host if cfg.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    app.base_url = cfg.public_url or f"http://{host}:{port}"
    print(f"listening on {app.base_url}", flush=True)
    log.info("sandbox at %s", cfg.sandbox)

    def load_credentials() -> None:
        delay = 0.5
        while not creds.loaded:
            if creds.fetch():
                return
            time.sleep(delay)
            delay = min(delay * 2, 10)

    if not creds.loaded:
        threading.Thread(target=load_credentials, name="credentials", daemon=True).start()

    def stop(signum: int, _frame: Any) -> None:
        log.info("signal %d: stopping", signum)
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.25)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
