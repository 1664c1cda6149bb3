"""Organizers' webhooks: events queued in the writer's transaction, POSTed by the worker.

Each delivery is one outbox row per endpoint and event. The body is JSON; the request carries
``X-Signature: sha256=<hex HMAC-SHA256 of the raw body with the endpoint's secret>``,
``Idempotency-Key`` (stable across retries of the same delivery) and ``X-Event``. Any 2xx is
success; anything else is retried with backoff and recorded on the endpoint (last status,
last error, failures since the last success).

On the signing path ``emit`` asks ``write_cache`` which endpoints want the event (no query
most of the time) and builds no payload unless some endpoint wants it.
"""

import hashlib
import hmac
import http.client
import json
import secrets
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update

from campaign.models import Campaign, OutboxItem, Person, Petition, Signature, Signup, Webhook
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import delivery, netcheck, outbox, write_cache
from campaign.services.errors import Invalid, NotFound

USER_AGENT = "campaign-api-webhooks/1"
# The outbox kind of one webhook delivery.
KIND = "webhook"
RECENT_DELIVERIES = 20


# -- organizers' endpoints ------------------------------------------------------------------


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    allow_http = current_app.config["WEBHOOKS_ALLOW_HTTP"]
    schemes = ("https", "http") if allow_http else ("https",)
    problems = {}
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in schemes or not parts.hostname or port == -1:
        problems["url"] = ["Give an https:// URL."]
    elif parts.username or parts.password:
        problems["url"] = ["Put no credentials in the URL; verify the X-Signature header."]
    elif not allow_http:
        try:
            netcheck.public_addresses(parts.hostname, port or 443)
        except netcheck.NotPublic as error:
            problems["url"] = [f"The URL must point at a public host ({error})."]
    if problems:
        raise Invalid("The webhook URL is not acceptable.", slug="validation", errors=problems)


def create(url: str, events: list[str], description: str = "") -> tuple[Webhook, str]:
    """Register an endpoint; the endpoint and its secret, shown only now."""
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
    # Flushed for its id, which the answer carries; the caller commits.
    db.session.flush()
    write_cache.forget_on_commit("webhooks")
    return webhook, secret


def all_webhooks() -> list[Webhook]:
    return list(db.session.scalars(select(Webhook).order_by(Webhook.id)))


def find(webhook_id: int) -> Webhook:
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None:
        raise NotFound(f"No webhook has the id {webhook_id}.", slug="not-found")
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
    """Delete the endpoint; its undelivered events go with it."""
    db.session.delete(find(webhook_id))
    write_cache.forget_on_commit("webhooks")


# -- queueing events ------------------------------------------------------------------------


def emit(event: str, build: Callable[[], dict]) -> None:
    """Queue ``event`` for every active endpoint that wants it, in the caller's transaction."""
    wanted = write_cache.webhook_ids(event)
    if not wanted:
        return
    data = build()
    person_id = data.pop("_person_id", None)
    body = {"id": uuid.uuid4().hex, "event": event, "occurred_at": utcnow().isoformat(), **data}
    for webhook_id in wanted:
        outbox.enqueue(
            KIND,
            {"event": event, "body": body},
            webhook_id=webhook_id,
            person_id=person_id,
        )


def _person(person_id: int, action: Signature | Signup) -> dict:
    """The person as they gave their details with ``action``; the inbox is the person's, and
    consent counts only while the person has not withdrawn it since."""
    person = db.session.get(Person, person_id)
    return {
        "email": person.email,
        "given_name": action.given_name,
        "family_name": action.family_name,
        "postal_code": action.postal_code,
        "country": action.country,
        "region": action.region,
        "consent": bool(action.consent and person.consent),
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
                "person": _person(person_id, signature),
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
                "person": _person(person_id, signup),
            },
        }

    emit("signup.created", build)


# -- delivering -----------------------------------------------------------------------------


def sign_body(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _target(url: str) -> tuple[str, str, int | None, str]:
    """Scheme, host, port and the address to connect to: outside development, the one
    address that was checked just now (see netcheck), never a second resolution."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port
    if current_app.config["WEBHOOKS_ALLOW_HTTP"]:
        return parts.scheme, host, port, host
    default = 443 if parts.scheme == "https" else 80
    try:
        addresses = netcheck.public_addresses(host, port or default)
    except netcheck.NotPublic as error:
        # Checked again here: the name may have been pointed at a private address since.
        message = f"The URL no longer points at a public host: {error}"
        raise delivery.DeliveryError(message) from error
    return parts.scheme, host, port, addresses[0]


def deliver(item: OutboxItem) -> int:
    """The worker's sender: POST the event; its HTTP status, or DeliveryError."""
    webhook = db.session.get(Webhook, item.webhook_id)
    if webhook is None:
        return 0
    body = json.dumps(item.payload["body"], separators=(",", ":"), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Event": item.payload["event"],
        "X-Signature": sign_body(webhook.secret, body),
        "Idempotency-Key": item.idempotency_key,
    }
    scheme, host, port, address = _target(webhook.url)
    parts = urlsplit(webhook.url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = current_app.config["DELIVERY_TIMEOUT_SECONDS"]
    connection = netcheck.connection(scheme, host, port, address, timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        status = connection.getresponse().status
    except (OSError, http.client.HTTPException) as error:
        raise delivery.DeliveryError(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()
    # No redirect is followed (it would turn the POST into a GET elsewhere): only 2xx counts.
    if not 200 <= status < 300:
        raise delivery.DeliveryError(f"HTTP {status}", status=status)
    return status


def record_attempt(webhook_id: int, status: int | None, error: str) -> None:
    """Note a delivery's outcome on its endpoint, in the worker's transaction."""
    now = utcnow()
    values = {"last_attempt_at": now, "last_status": status, "last_error": error[:2000]}
    if error:
        values["failures"] = Webhook.failures + 1
    else:
        values.update(last_success_at=now, failures=0)
    db.session.execute(update(Webhook).where(Webhook.id == webhook_id).values(**values))


def _record_outcome(claimed: delivery.Claimed, status: int | None, error: str) -> None:
    record_attempt(claimed.webhook_id, status, error)


delivery.register(KIND, deliver, outcome=_record_outcome)
