"""Organizers' webhook endpoints and their recent deliveries."""

import marshmallow as ma

from campaign.models.outbox import WEBHOOK_EVENTS
from schemas import Schema


class WebhookInputSchema(Schema):
    url = ma.fields.Url(
        required=True,
        schemes={"https", "http"},
        require_tld=False,
        validate=ma.validate.Length(max=2048),
        metadata={"description": "https:// URL the events are POSTed to"},
    )
    events = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(WEBHOOK_EVENTS)),
        required=True,
        validate=ma.validate.Length(min=1, max=len(WEBHOOK_EVENTS)),
    )
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))


class DeliverySchema(Schema):
    idempotency_key = ma.fields.String()
    event = ma.fields.Function(lambda item: item.payload.get("event"))
    status = ma.fields.String(metadata={"enum": ["pending", "delivered", "failed"]})
    attempts = ma.fields.Integer()
    last_error = ma.fields.String()
    next_attempt_at = ma.fields.AwareDateTime()
    created_at = ma.fields.AwareDateTime()
    delivered_at = ma.fields.AwareDateTime(allow_none=True)


class WebhookSchema(Schema):
    id = ma.fields.Integer()
    url = ma.fields.String()
    events = ma.fields.List(ma.fields.String(), attribute="event_list")
    description = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    last_attempt_at = ma.fields.AwareDateTime(allow_none=True)
    last_success_at = ma.fields.AwareDateTime(allow_none=True)
    last_status = ma.fields.Integer(allow_none=True, metadata={"description": "HTTP status"})
    last_error = ma.fields.String()
    failures = ma.fields.Integer(metadata={"description": "Failed attempts since the last success"})


class WebhookCreatedSchema(WebhookSchema):
    secret = ma.fields.String(
        metadata={"description": "Key of the X-Signature HMAC; shown only in this response"}
    )


class WebhookDetailSchema(WebhookSchema):
    recent_deliveries = ma.fields.List(ma.fields.Nested(DeliverySchema))


class WebhookListSchema(Schema):
    data = ma.fields.List(ma.fields.Nested(WebhookSchema))
