"""What organizers send and get back: signer and sign-up pages, edits, invalidation filters."""

import base64
import binascii
import re
from datetime import UTC

import marshmallow as ma

from schemas import Schema
from schemas.actions import Text, WholeNumber
from schemas.campaign import CampaignSchema, PrisonerSchema
from schemas.petition import PetitionSchema, PetitionSummarySchema

STATUSES = ["draft", "active", "closed"]
SIGNATURE_STATUSES = ["counted", "pending", "invalidated"]
CURSOR_PREFIX = "v1:"
# A domain as it appears after the @ of a canonical (case-folded) address.
DOMAIN = re.compile(r"^[^\s@/\\%_]+\.[^\s@/\\%_]+$")


class Cursor(ma.fields.Field):
    """An opaque page cursor; a plain row id is accepted too."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        raw = f"{CURSOR_PREFIX}{value}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip()
        if not text.isdigit():
            try:
                decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            except (binascii.Error, UnicodeDecodeError, ValueError):
                decoded = ""
            text = decoded.removeprefix(CURSOR_PREFIX) if decoded.startswith("v1:") else ""
        if not text.isdigit() or len(text) > 19:
            raise ma.ValidationError("Pass the next_cursor of the previous page, or a row id.")
        return int(text)


def _since():
    return ma.fields.AwareDateTime(
        default_timezone=UTC,
        metadata={"description": "Only rows created at or after this time (ISO 8601)"},
    )


def _bom():
    return ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Start with a UTF-8 byte order mark, for Excel"},
    )


class PageArgsSchema(Schema):
    limit = ma.fields.Integer(
        load_default=25, validate=ma.validate.Range(1, 100), metadata={"description": "1 to 100"}
    )
    starting_after = Cursor(
        metadata={"description": "The previous page's next_cursor (or a row id)", "type": "string"}
    )
    since = _since()


class SignatureListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(SIGNATURE_STATUSES))


class SignatureCsvArgsSchema(Schema):
    since = _since()
    status = ma.fields.String(validate=ma.validate.OneOf(SIGNATURE_STATUSES))
    bom = _bom()


class SignupCsvArgsSchema(Schema):
    since = _since()
    bom = _bom()


class PersonRowSchema(Schema):
    id = ma.fields.Integer()
    given_name = ma.fields.String()
    family_name = ma.fields.String()
    email = ma.fields.String()
    postal_code = ma.fields.String()
    country = ma.fields.String()
    region = ma.fields.String()
    source = ma.fields.String()
    referrer = ma.fields.String()
    created_at = ma.fields.AwareDateTime()


class SignerSchema(PersonRowSchema):
    comment = ma.fields.String()
    status = ma.fields.String(metadata={"enum": SIGNATURE_STATUSES})


class SignupRowSchema(PersonRowSchema):
    consent = ma.fields.Boolean()


class PageSchema(Schema):
    has_more = ma.fields.Boolean()
    next_cursor = Cursor(
        allow_none=True,
        metadata={"description": "Pass as starting_after for the next page", "type": "string"},
    )


class SignerPageSchema(PageSchema):
    data = ma.fields.List(ma.fields.Nested(SignerSchema))


class SignupPageSchema(PageSchema):
    data = ma.fields.List(ma.fields.Nested(SignupRowSchema))


class EditSchema(Schema):
    """A partial update: only the fields sent change."""

    # Text refuses control characters (NUL among them, which PostgreSQL cannot store).
    title = Text(min_length=1, max_length=300)
    goal = WholeNumber(validate=ma.validate.Range(0, 2_000_000_000))
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))

    @ma.validates_schema
    def _not_empty(self, data, **kwargs):
        if not data:
            raise ma.ValidationError("Send at least one field to change.", "_schema")


class CampaignEditSchema(EditSchema):
    summary = Text(max_length=10_000, multiline=True)


class PetitionEditSchema(EditSchema):
    text = Text(max_length=10_000, multiline=True)


class PrisonerEditSchema(Schema):
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(["detained", "released"]))


class OrganizerPetitionSummarySchema(PetitionSummarySchema):
    status = ma.fields.String(metadata={"enum": STATUSES})


class OrganizerCampaignSchema(CampaignSchema):
    """A campaign as organizers see it: any status, and every petition, drafts included."""

    status = ma.fields.String(metadata={"enum": STATUSES})
    petitions = ma.fields.List(ma.fields.Nested(OrganizerPetitionSummarySchema))


class OrganizerPetitionSchema(PetitionSchema):
    status = ma.fields.String(metadata={"enum": STATUSES})


class OrganizerPrisonerSchema(PrisonerSchema):
    pass


class InvalidationFilterSchema(Schema):
    email_domain = Text(
        max_length=253,
        metadata={"description": "Signers whose email is at this domain", "example": "spam.test"},
    )
    source = Text(min_length=1, max_length=64)
    created_after = ma.fields.AwareDateTime(default_timezone=UTC)
    created_before = ma.fields.AwareDateTime(default_timezone=UTC)
    dry_run = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Only count the signatures that match; change nothing"},
    )

    @ma.validates("email_domain")
    def _domain(self, value, **kwargs):
        if not DOMAIN.match(value.strip().lstrip("@")):
            raise ma.ValidationError("Give a domain such as example.org.")

    @ma.validates_schema
    def _some_filter(self, data, **kwargs):
        if not {key for key in data if key != "dry_run"}:
            raise ma.ValidationError(
                "Give at least one of email_domain, source, created_after, created_before.",
                "_schema",
            )
        after, before = data.get("created_after"), data.get("created_before")
        if after and before and after >= before:
            raise ma.ValidationError("Must be after created_after.", "created_before")


class InvalidationSchema(Schema):
    invalidated = ma.fields.Integer(
        metadata={"description": "Signatures taken out of the counts by this request"}
    )
    matching = ma.fields.Integer(
        metadata={"description": "With dry_run: the counted signatures the filters match"}
    )
    signature_count = ma.fields.Integer(metadata={"description": "The petition's count now"})
