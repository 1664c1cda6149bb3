"""Per-process copies of what every public write reads but organizers rarely change.

Every signature and sign-up asks which webhooks want its event; reading the webhooks table
each time cost a statement per write. The answer is kept per process and application for
``WEBHOOK_SECONDS``: a webhook registered or removed shows at once in the process that did
it and within that time on other workers. Petition state is not cached here: the write
statement itself checks that the petition is open and reads its goal, demands and
confirmation setting, so closing a petition refuses signatures at once on every worker.
"""

import time

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from campaign.models import Webhook
from campaign.models.base import db

WEBHOOK_SECONDS = 5.0
FORGET_ON_COMMIT = "write_cache.forget"


def _store(name: str) -> dict:
    return current_app.extensions.setdefault(f"write_cache.{name}", {})


def _cached(name: str, key, ttl: float, load):
    store = _store(name)
    now = time.monotonic()
    hit = store.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    store[key] = (now + ttl, value)
    return value


def forget(name: str) -> None:
    """Drop the cached entries of one kind so the next write reads them afresh."""
    _store(name).clear()


def forget_on_commit(name: str) -> None:
    """Drop the cached entries of one kind once the open transaction commits. Any sooner, a
    write in another thread could copy them again before the change is there to be read."""
    db.session().info.setdefault(FORGET_ON_COMMIT, set()).add(name)


@event.listens_for(Session, "after_commit")
def _forget_committed(session) -> None:
    for name in session.info.pop(FORGET_ON_COMMIT, ()):
        forget(name)


@event.listens_for(Session, "after_rollback")
def _keep_on_rollback(session) -> None:
    session.info.pop(FORGET_ON_COMMIT, None)


def webhook_ids(event: str) -> tuple[int, ...]:
    """The active webhooks that want ``event``."""

    def load() -> dict[str, tuple[int, ...]]:
        wanted: dict[str, list[int]] = {}
        rows = db.session.execute(
            select(Webhook.id, Webhook.events).where(Webhook.active.is_(True)).order_by(Webhook.id)
        )
        for webhook_id, events in rows:
            for name in events.split(","):
                wanted.setdefault(name, []).append(webhook_id)
        return {name: tuple(ids) for name, ids in wanted.items()}

    return _cached("webhooks", "all", WEBHOOK_SECONDS, load).get(event, ())
