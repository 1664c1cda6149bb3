"""The kinds of message the outbox delivers, and the error a send that may work later raises.

Each kind's module registers its sender here when it is imported: confirmation emails
(``confirmation``), letters to fixed targets (``advocacy_events``) and webhook events
(``webhooks``). The outbox worker looks senders up by kind, so it imports none of them, and
senders queue into the outbox without the outbox importing them back. The application
imports every sender module through its views, so a worker started from the app knows every
kind; an item of a kind nobody registered fails (logged) like any other send, and is retried.
"""

from collections.abc import Callable
from dataclasses import dataclass

from campaign.models import OutboxItem


class DeliveryError(Exception):
    """A send that failed and may succeed later; ``status`` is the HTTP status if any."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Claimed:
    """What the worker knew of an item before sending it (the row may change meanwhile)."""

    id: int
    kind: str
    webhook_id: int | None


# The sender sends one item, returning an HTTP status where there is one, and raises on
# failure; ``outcome``, if any, notes each attempt's result (status, error text or "") in
# the worker's transaction.
Sender = Callable[[OutboxItem], int | None]
Outcome = Callable[[Claimed, int | None, str], None]
# A kind whose send needs something stored first (a confirmation email's token, so that its
# link works the moment the email arrives) registers ``prepare`` instead of a sender: it
# stores that in the worker's transaction and returns the send, which the worker calls once
# it has committed; None when there is nothing to send.
Send = Callable[[], int | None]
Prepare = Callable[[OutboxItem], Send | None]


@dataclass(frozen=True)
class Kind:
    send: Sender | None = None
    outcome: Outcome | None = None
    prepare: Prepare | None = None


KINDS: dict[str, Kind] = {}


def register(
    kind: str,
    send: Sender | None = None,
    *,
    prepare: Prepare | None = None,
    outcome: Outcome | None = None,
) -> None:
    """Register the sender of ``kind``: ``send``, or ``prepare`` when something must be
    committed before sending."""
    if (send is None) == (prepare is None):
        raise ValueError(f"give the kind {kind!r} either send or prepare")
    KINDS[kind] = Kind(send, outcome, prepare)
