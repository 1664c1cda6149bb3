"""OSDI 1.1 documents: HAL resources and pages going out, helper bodies coming in.

Outgoing timestamps are written as OSDI does (``2024-04-04T12:00:00Z``). Incoming bodies
ignore fields this system does not keep (phone numbers, identifiers, custom fields...),
since OSDI clients send whole person hashes; the fields it keeps are checked like the
native API's.
"""

from datetime import UTC

import marshmallow as ma

from schemas import Schema
from schemas.actions import POSTAL_CODE_PATTERN, SOURCE_PATTERN, Country, Email, Text

EMAIL_STATUSES = [
    "subscribed",
    "unsubscribed",
    "bouncing",
    "previous bounce",
    "spam complaint",
    "previous spam complaint",
]


def _full_match(pattern, message: str):
    def check(value: str) -> None:
        if not pattern.fullmatch(value):
            raise ma.ValidationError(message)

    return check


class OsdiDateTime(ma.fields.DateTime):
    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _links(description="HAL links: relation name to {href} (or a list of them)"):
    return ma.fields.Dict(
        keys=ma.fields.String(), data_key="_links", metadata={"description": description}
    )


class OsdiResourceSchema(Schema):
    identifiers = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "'<system>:<id>', system from OSDI_SYSTEM_NAME"},
    )
    origin_system = ma.fields.String()
    created_date = OsdiDateTime()
    modified_date = OsdiDateTime()
    links = _links()


class OsdiTargetSchema(Schema):
    name = ma.fields.String()


class OsdiPetitionSchema(OsdiResourceSchema):
    name = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    petition_text = ma.fields.String()
    browser_url = ma.fields.String()
    total_signatures = ma.fields.Integer()
    target = ma.fields.List(ma.fields.Nested(OsdiTargetSchema))


class OsdiReferrerDataSchema(Schema):
    source = ma.fields.String()
    referrer = ma.fields.String()
    website = ma.fields.String()
    url = ma.fields.String()


class OsdiEmailAddressSchema(Schema):
    address = ma.fields.String()
    primary = ma.fields.Boolean()
    status = ma.fields.String(metadata={"enum": EMAIL_STATUSES})


class OsdiPostalAddressSchema(Schema):
    postal_code = ma.fields.String()
    region = ma.fields.String()
    country = ma.fields.String()
    primary = ma.fields.Boolean()


class OsdiPersonSchema(OsdiResourceSchema):
    given_name = ma.fields.String()
    family_name = ma.fields.String()
    email_addresses = ma.fields.List(ma.fields.Nested(OsdiEmailAddressSchema))
    postal_addresses = ma.fields.List(ma.fields.Nested(OsdiPostalAddressSchema))


class OsdiSignerSchema(Schema):
    given_name = ma.fields.String()
    family_name = ma.fields.String()
    email_addresses = ma.fields.List(ma.fields.Nested(OsdiEmailAddressSchema))
    postal_addresses = ma.fields.List(ma.fields.Nested(OsdiPostalAddressSchema))


class OsdiSignatureSchema(OsdiResourceSchema):
    comments = ma.fields.String()
    referrer_data = ma.fields.Nested(OsdiReferrerDataSchema)
    person = ma.fields.Nested(
        OsdiSignerSchema,
        metadata={"description": "The signer's names and address as given with this signature"},
    )


class OsdiEntryPointSchema(Schema):
    motd = ma.fields.String()
    vendor_name = ma.fields.String()
    product_name = ma.fields.String()
    osdi_version = ma.fields.String()
    namespace = ma.fields.String()
    max_pagesize = ma.fields.Integer()
    links = _links("Links to the collections and helpers, with OSDI curies")


def _page_schema(name: str, item_schema: type[Schema]) -> type[Schema]:
    key = f"osdi:{name}"
    embedded = Schema.from_dict(
        {"items": ma.fields.List(ma.fields.Nested(item_schema), attribute=key, data_key=key)},
        name=f"Osdi{name.title()}EmbeddedSchema",
    )
    return Schema.from_dict(
        {
            "page": ma.fields.Integer(),
            "per_page": ma.fields.Integer(metadata={"description": "At most 25"}),
            "total_pages": ma.fields.Integer(),
            "total_records": ma.fields.Integer(),
            "links": _links("self, next and prev pages, and each item"),
            "embedded": ma.fields.Nested(embedded, data_key="_embedded"),
        },
        name=f"Osdi{name.title()}PageSchema",
    )


OsdiPetitionPageSchema = _page_schema("petitions", OsdiPetitionSchema)
OsdiSignaturePageSchema = _page_schema("signatures", OsdiSignatureSchema)
OsdiPeoplePageSchema = _page_schema("people", OsdiPersonSchema)


class OsdiListArgsSchema(Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=1_000_000))
    per_page = ma.fields.Integer(
        load_default=25,
        validate=ma.validate.Range(min=1),
        metadata={"description": "Items per page; more than 25 is served as 25"},
    )
    filter = ma.fields.String(
        metadata={
            "description": "modified_date or created_date, gt/lt/eq, a quoted ISO 8601 date "
            "or time; clauses joined by 'and'",
            "example": "modified_date gt '2024-04-01'",
        }
    )


# Incoming helper bodies.


class _Lenient(Schema):
    class Meta:
        unknown = ma.EXCLUDE


class OsdiEmailAddressInputSchema(_Lenient):
    address = Email(required=True)
    primary = ma.fields.Boolean()
    status = ma.fields.String(validate=ma.validate.OneOf(EMAIL_STATUSES))


class OsdiPostalAddressInputSchema(_Lenient):
    postal_code = Text(
        max_length=20,
        validate=[_full_match(POSTAL_CODE_PATTERN, "Use letters, digits, spaces and hyphens.")],
    )
    region = Text(max_length=100)
    country = Country(metadata={"description": "ISO 3166-1 alpha-2"})
    primary = ma.fields.Boolean()


class OsdiPersonInputSchema(_Lenient):
    given_name = Text(max_length=100)
    family_name = Text(max_length=100)
    email_addresses = ma.fields.List(
        ma.fields.Nested(OsdiEmailAddressInputSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=10),
        metadata={"description": "The primary (or first) address identifies the person"},
    )
    postal_addresses = ma.fields.List(
        ma.fields.Nested(OsdiPostalAddressInputSchema), validate=ma.validate.Length(max=10)
    )


class OsdiReferrerDataInputSchema(_Lenient):
    source = Text(
        max_length=64,
        validate=[_full_match(SOURCE_PATTERN, "Use only letters, digits, '-' and '_'.")],
    )
    referrer = Text(max_length=2048)
    website = Text(max_length=2048)
    url = Text(
        max_length=2048,
        validate=[ma.validate.URL(schemes={"http", "https"}, require_tld=False)],
    )


def _tags():
    return ma.fields.List(
        Text(max_length=200),
        validate=ma.validate.Length(max=50),
        metadata={"description": "Accepted and ignored: this system keeps no tags"},
    )


class OsdiRecordSignatureSchema(_Lenient):
    person = ma.fields.Nested(OsdiPersonInputSchema, required=True)
    comments = Text(max_length=2000, multiline=True)
    referrer_data = ma.fields.Nested(OsdiReferrerDataInputSchema)
    add_tags = _tags()


class OsdiPersonSignupSchema(_Lenient):
    person = ma.fields.Nested(OsdiPersonInputSchema, required=True)
    add_lists = ma.fields.List(
        Text(max_length=80),
        validate=ma.validate.Length(max=10),
        metadata={"description": "Campaign slugs whose lists the person joins (a sign-up)"},
    )
    add_tags = _tags()
