"""The HTTP API: one blueprint module per resource, registered here."""

from flask import Flask

from campaign.extensions import rest_api


def register(app: Flask) -> None:
    from campaign.api import (
        admin,
        advocacy,
        advocacy_admin,
        badge,
        campaigns,
        confirm,
        converters,
        embed,
        embed_advocacy,
        ops,
        osdi,
        people,
        petitions,
        public_cache,
        security,
        signatures,
        signers,
        signups,
        tallies,
        webhooks,
    )

    # URL converters first: the routes below use the bounded <int:...>.
    converters.register(app)
    security.register(rest_api)

    # Public: reading, signing and joining, counting.
    rest_api.register_blueprint(campaigns.blp)
    rest_api.register_blueprint(petitions.blp)
    rest_api.register_blueprint(signatures.blp)
    rest_api.register_blueprint(signups.blp)
    rest_api.register_blueprint(advocacy.blp)
    tallies.register(app)
    rest_api.register_blueprint(badge.blp)
    # Anonymous repeats of the public reads above are answered from a per-worker copy.
    public_cache.register(app)

    # Organizers: signers, edits, people's data, webhooks, OSDI.
    rest_api.register_blueprint(signers.blp)
    rest_api.register_blueprint(admin.blp)
    rest_api.register_blueprint(advocacy_admin.blp)
    rest_api.register_blueprint(people.blp)
    rest_api.register_blueprint(webhooks.blp)
    osdi.register(rest_api)

    # Pages for browsers and operators.
    confirm.register(app)
    app.register_blueprint(embed.bp)
    app.register_blueprint(embed_advocacy.bp)
    ops.register(app)
