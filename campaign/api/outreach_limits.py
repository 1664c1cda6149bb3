"""The one place outreach writes get their rate limits: ``OUTREACH_RATE_LIMIT`` per client
address, one allowance shared by the native endpoint and the OSDI record-outreach helper
(a flask-limiter shared limit), and the widget-key limit every public write has."""

from flask import current_app

from campaign.ratelimit import _organizer, _without_widget_key, client_address, widget_key

SCOPE = "outreach"


def outreach_limits(*, exempt_organizers: bool = False):
    from campaign.extensions import limiter

    per_address = limiter.shared_limit(
        lambda: current_app.config["OUTREACH_RATE_LIMIT"],
        scope=SCOPE,
        key_func=client_address,
        exempt_when=_organizer if exempt_organizers else None,
        methods=["POST"],
    )
    per_widget = limiter.shared_limit(
        lambda: current_app.config["WIDGET_RATE_LIMIT"],
        scope="widget",
        key_func=widget_key,
        exempt_when=(lambda: _without_widget_key() or _organizer())
        if exempt_organizers
        else _without_widget_key,
        methods=["POST"],
    )

    def decorate(view):
        return per_address(per_widget(view))

    return decorate
