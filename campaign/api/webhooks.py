"""Organizers' webhooks: register, list, inspect and delete endpoints."""

from flask.views import MethodView
from flask_smorest import Blueprint

from campaign.api.security import organizer
from campaign.services import webhooks
from schemas.webhook import (
    WebhookCreatedSchema,
    WebhookDetailSchema,
    WebhookInputSchema,
    WebhookListSchema,
)

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/api/v1/webhooks",
    description="Organizers: events POSTed to your HTTPS endpoints, signed with HMAC-SHA256",
)


@blp.route("")
class Webhooks(MethodView):
    @organizer(blp, "manage")
    @blp.response(200, WebhookListSchema)
    def get(self):
        """Every endpoint with its last delivery status and failures (scope: manage)."""
        return {"data": webhooks.all_webhooks()}

    @organizer(blp, "manage")
    @blp.arguments(WebhookInputSchema())
    @blp.response(201, WebhookCreatedSchema)
    def post(self, args: dict):
        """Register an endpoint. The secret for verifying `X-Signature` is in this response
        only (scope: manage)."""
        webhook, _secret = webhooks.create(args["url"], args["events"], args["description"])
        return webhook


@blp.route("/<int:webhook_id>")
class WebhookItem(MethodView):
    @organizer(blp, "manage")
    @blp.response(200, WebhookDetailSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, webhook_id: int):
        """One endpoint with its 20 most recent deliveries (scope: manage)."""
        webhook = webhooks.find(webhook_id)
        webhook.recent_deliveries = webhooks.recent_deliveries(webhook_id)
        return webhook

    @organizer(blp, "manage")
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    def delete(self, webhook_id: int):
        """Delete an endpoint; its undelivered events are dropped (scope: manage)."""
        webhooks.remove(webhook_id)
