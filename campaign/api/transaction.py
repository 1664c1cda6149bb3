"""One commit per HTTP request: a write request's transaction ends here, after its view.

Services never commit. They add to the session's transaction and return, so that several
compose into one (a signature with its idempotency record, an erasure with every count it
takes down) and a request stores all of its writes or none of them. A CLI command commits
for itself (``campaign.commands``); a read never commits: the one thing a read stores, an
organizer token's last use, goes in a short transaction of its own (``auth.touch_apart``).
"""

from flask import Response

from campaign.models.base import db


def end_write(response: Response) -> Response:
    """Commit a write request's transaction for a success or redirect, roll it back for an
    error response; the response, unchanged.

    The commit comes before the response leaves, so a 2xx means every row the request wrote
    is stored; a commit that fails raises, and the error handler answers for it (503 while
    the database is down). An error response stores nothing the view wrote before deciding
    on it. A view that raises never gets here: the app context's teardown rolls back.
    """
    if response.status_code >= 400:
        db.session.rollback()
    elif db.session().in_transaction():
        db.session.commit()
    return response
