"""Organizers' webhooks: events queued in the writer's transaction, POSTed by the worker.

Each delivery is one outbox row per endpoint and event. The body is JSON; the request carries
``X-Signature: sha256=<hex HMAC-SHA256 of the raw body with the endpoint's secret>``,
``Idempotency-Key`` (stable across retries of the same delivery) and ``X-Event``. Any 2xx is
success; anything else is retried with backoff and recorded on the endpoint (last status,
last error, failures since the last success).

On the signing path ``emit`` costs one query on the small ``webhooks`` table and builds no
payload unless some endpoint wants the event.
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update

from campaign.errors import abort
from campaign.extensions import db
from campaign.models import Campaign, OutboxItem, Person, Petition, Signature, Signup, Webhook
from campaign.models.types import utcnow
from campaign.services import outbox

EVENTS = ("signature.counted", "signup.created", "outreach.created")
USER_AGENT = "campaign-api-webhooks/1"
RECENT_DELIVERIES = 20


# -- organizers' endpoints ------------------------------------------------------------------


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    allow_http = current_app.config["WEBHOOKS_ALLOW_HTTP"]
    schemes = ("https", "http") if allow_http else ("https",)
    problems = {}
    if parts.scheme not in schemes or not parts.hostname:
        problems["url"] = ["Give an https:// URL."]
    elif parts.username or parts.password:
        problems["url"] = ["Put no credentials in the URL; verify the X-Signature header."]
    elif not allow_http and not _public_host(parts.hostname):
        problems["url"] = ["The URL must point at a public host."]
    if problems:
        abort(422, "The webhook URL is not acceptable.", slug="validation", errors=problems)


def _public_host(host: str) -> bool:
    """Whether ``host`` is, and resolves only to, addresses on the public internet.

    Resolving matters: ``127.1``, ``2130706433`` and ``localhost.`` all reach this machine,
    and a name may point into the private network. A name that does not resolve now passes
    here and is checked again on each delivery.
    """
    name = host.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return False
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return True
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_global for info in found)


def create(url: str, events: list[str], description: str = "") -> tuple[Webhook, str]:
    """Register an endpoint and commit; the endpoint and its secret, shown only now."""
    _check_url(url)
    secret = "whsec_" + secrets.token_urlsafe(32)
    webhook = Webhook(
        url=url,
        events=",".join(sorted(set(events))),
        secret=secret,
        description=description,
        active=True,
        created_at=utcnow(),
        last_error="",
        failures=0,
    )
    db.session.add(webhook)
    db.session.commit()
    return webhook, secret


def all_webhooks() -> list[Webhook]:
    return list(db.session.scalars(select(Webhook).order_by(Webhook.id)))


def find(webhook_id: int) -> Webhook:
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None:
        abort(404, f"No webhook has the id {webhook_id}.", slug="not-found")
    return webhook


def recent_deliveries(webhook_id: int) -> list[OutboxItem]:
    return list(
        db.session.scalars(
            select(OutboxItem)
            .where(OutboxItem.webhook_id == webhook_id)
            .order_by(OutboxItem.id.desc())
            .limit(RECENT_DELIVERIES)
        )
    )


def remove(webhook_id: int) -> None:
    """Delete the endpoint and commit; its undelivered events go with it."""
    db.session.delete(find(webhook_id))
    db.session.commit()


# -- queueing events ------------------------------------------------------------------------


def emit(event: str, build: Callable[[], dict]) -> None:
    """Queue ``event`` for every active endpoint that wants it, in the caller's transaction."""
    wanted = [
        webhook_id
        for webhook_id, events in db.session.execute(
            select(Webhook.id, Webhook.events).where(Webhook.active.is_(True))
        )
        if event in events.split(",")
    ]
    if not wanted:
        return
    data = build()
    person_id = data.pop("_person_id", None)
    body = {"id": uuid.uuid4().hex, "event": event, "occurred_at": utcnow().isoformat(), **data}
    for webhook_id in wanted:
        outbox.enqueue(
            "webhook",
            {"event": event, "body": body},
            webhook_id=webhook_id,
            person_id=person_id,
        )


def _person(person_id: int) -> dict:
    person = db.session.get(Person, person_id)
    return {
        "email": person.email,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "postal_code": person.postal_code,
        "country": person.country,
        "region": person.region,
        "consent": person.consent,
    }


def signature_counted(petition: Petition, signature_id: int, person_id: int) -> None:
    def build() -> dict:
        signature = db.session.get(Signature, signature_id)
        return {
            "_person_id": person_id,
            "data": {
                "campaign": petition.campaign.slug,
                "petition": petition.slug,
                "signature": {
                    "id": signature_id,
                    "comment": signature.comment,
                    "source": signature.source,
                    "referrer": signature.referrer,
                    "country": signature.country,
                    "region": signature.region,
                    "counted_at": signature.counted_at.isoformat(),
                },
                "person": _person(person_id),
            },
        }

    emit("signature.counted", build)


def signup_created(campaign: Campaign, signup_id: int, person_id: int) -> None:
    def build() -> dict:
        signup = db.session.get(Signup, signup_id)
        return {
            "_person_id": person_id,
            "data": {
                "campaign": campaign.slug,
                "signup": {
                    "id": signup_id,
                    "consent": signup.consent,
                    "source": signup.source,
                    "referrer": signup.referrer,
                    "created_at": signup.created_at.isoformat(),
                },
                "person": _person(person_id),
            },
        }

    emit("signup.created", build)


# -- delivering -----------------------------------------------------------------------------


def sign_body(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET elsewhere; report it as a failure instead.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def deliver(item: OutboxItem) -> int:
    """The worker's sender: POST the event; its HTTP status, or DeliveryError."""
    webhook = db.session.get(Webhook, item.webhook_id)
    if webhook is None:
        return 0
    body = json.dumps(item.payload["body"], separators=(",", ":"), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme was checked on registration
        webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Event": item.payload["event"],
            "X-Signature": sign_body(webhook.secret, body),
            "Idempotency-Key": item.idempotency_key,
        },
    )
    if not current_app.config["WEBHOOKS_ALLOW_HTTP"] and not _public_host(
        urlsplit(webhook.url).hostname or ""
    ):
        # Checked again here: the name may have been pointed at a private address since.
        raise outbox.DeliveryError("The URL no longer points at a public host.")
    timeout = current_app.config["DELIVERY_TIMEOUT_SECONDS"]
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        raise outbox.DeliveryError(f"HTTP {error.code}", status=error.code) from error
    except (urllib.error.URLError, OSError) as error:
        raise outbox.DeliveryError(f"{type(error).__name__}: {error}") from error


def record_attempt(webhook_id: int, status: int | None, error: str) -> None:
    """Note a delivery's outcome on its endpoint, in the worker's transaction."""
    now = utcnow()
    values = {"last_attempt_at": now, "last_status": status, "last_error": error[:2000]}
    if error:
        values["failures"] = Webhook.failures + 1
    else:
        values.update(last_success_at=now, failures=0)
    db.session.execute(update(Webhook).where(Webhook.id == webhook_id).values(**values))
