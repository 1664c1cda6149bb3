"""What constituents send when they sign or join, and the receipt they get back.

Input strings are trimmed, bounded and free of control characters; names in any script
(emoji included) pass through untouched otherwise. Unknown fields are refused so that a
misspelt field name is reported rather than silently dropped.
"""

import re

import marshmallow as ma
import pycountry
from email_validator import EmailNotValidError, validate_email

from campaign.services.emails import canonical_email, mixed_scripts
from schemas import CONTROL_MESSAGE, Schema

# Cc: C0/C1 controls and DEL (NUL among them, which PostgreSQL cannot store); Cs: lone
# surrogates, which JSON can spell but no database column can hold. Format characters (Cf)
# stay allowed: the zero-width joiners inside emoji and Persian or Indic names are Cf.
# As character ranges (Cc is U+0000-001F and U+007F-009F, Cs is U+D800-DFFF): one regex
# search instead of a category look-up per character.
# A single-line text also refuses Unicode's line and paragraph separators (Zl, Zp), line
# breaks like any other; a multi-line one turns them into "\n" first.
REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
REFUSED_BUT_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Refused in every text as well: the two bidirectional overrides, which reverse what an
# organizer reads after them in lists and exports, and Unicode's noncharacters (never text).
# The embeddings, isolates and marks that pasted and mixed-direction text carries stay.
NONCHARACTERS = "".join(
    f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)
)
REFUSED_LAYOUT = re.compile("[\u202d\u202e\ufdd0-\ufdef" + NONCHARACTERS + "]")
LAYOUT_MESSAGE = (
    "Bidirectional overrides (U+202D, U+202E) and Unicode noncharacters are not allowed."
)
SOURCE_PATTERN = re.compile(r"[A-Za-z0-9_-]*")
POSTAL_CODE_PATTERN = re.compile(r"[A-Za-z0-9 -]*")
# The people table's email columns hold this many characters (RFC 5321's path limit).
MAX_EMAIL_LENGTH = 320


class Text(ma.fields.String):
    """A trimmed string of at most ``max_length`` characters, without control characters."""

    def __init__(self, *, max_length: int, min_length: int = 0, multiline: bool = False, **kw):
        validators = [ma.validate.Length(min=min_length, max=max_length)]
        validators += list(kw.pop("validate", []))
        super().__init__(validate=validators, **kw)
        self.multiline = multiline

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if self.multiline:
            # Browsers send textarea line breaks as CRLF, word processors as U+2028 and
            # U+2029; keep one form. Tabs and line breaks are the only controls it keeps.
            text = text.replace("\r\n", "\n").replace("\u2028", "\n")
            text = text.replace("\u2029", "\n\n")
        if (REFUSED_BUT_LINES if self.multiline else REFUSED).search(text):
            raise ma.ValidationError(CONTROL_MESSAGE)
        if REFUSED_LAYOUT.search(text):
            raise ma.ValidationError(LAYOUT_MESSAGE)
        return text


class Email(Text):
    """An email address, syntax checked by email-validator without any network look-up."""

    def __init__(self, **kw):
        super().__init__(max_length=MAX_EMAIL_LENGTH, min_length=1, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            address = validate_email(text, check_deliverability=False).normalized
        except EmailNotValidError as error:
            raise ma.ValidationError(f"Not a valid email address: {error}") from error
        if mixed_scripts(address):
            # A Cyrillic look-alike among Latin letters would be another inbox that reads
            # the same: refused rather than guessed at.
            raise ma.ValidationError("The part before @ mixes letters of different scripts.")
        # An ASCII address is its own NFKC form and is already within the length.
        if not address.isascii() and len(canonical_email(address)) > MAX_EMAIL_LENGTH:
            # Compatibility characters can spell out to many (U+FDFA is 18 letters): the
            # form people are found by must fit as well as the address typed.
            raise ma.ValidationError(
                f"The address is over {MAX_EMAIL_LENGTH} characters once its compatibility "
                "characters are spelled out (Unicode NFKC)."
            )
        return address


class WholeNumber(ma.fields.Integer):
    """An integer sent as a JSON number: 75 or 75.0 (as some JSON encoders write whole
    floats); 1.5, "75" and booleans are refused rather than cut or converted."""

    def _validated(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class Country(Text):
    """An ISO 3166-1 alpha-2 code, returned upper-case; empty when not given."""

    def __init__(self, **kw):
        super().__init__(max_length=2, **kw)

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs).upper()
        if code and (len(code) != 2 or pycountry.countries.get(alpha_2=code) is None):
            raise ma.ValidationError("Not an ISO 3166-1 alpha-2 country code, such as AM or US.")
        return code


def _referrer(value: str) -> None:
    if value:
        ma.validate.URL(schemes={"http", "https"}, require_tld=False)(value)


def _matches(pattern: re.Pattern, message: str):
    def check(value: str) -> None:
        if not pattern.fullmatch(value):
            raise ma.ValidationError(message)

    return check


class ActionSchema(Schema):
    """Who is acting, and where the request came from: shared by signatures and sign-ups."""

    given_name = Text(required=True, min_length=1, max_length=100)
    family_name = Text(max_length=100)
    email = Email(required=True)
    postal_code = Text(
        max_length=20,
        validate=[_matches(POSTAL_CODE_PATTERN, "Use letters, digits, spaces and hyphens.")],
    )
    country = Country(metadata={"description": "ISO 3166-1 alpha-2", "example": "AM"})
    region = Text(max_length=100)
    consent = ma.fields.Boolean(
        metadata={"description": "The person agrees to be contacted about the campaign"}
    )
    source = Text(
        max_length=64,
        validate=[_matches(SOURCE_PATTERN, "Use only letters, digits, '-' and '_'.")],
        metadata={
            "description": "Campaign code, such as a partner or mailing",
            "example": "nl-2024",
        },
    )
    referrer = Text(
        max_length=2048,
        validate=[_referrer],
        metadata={"description": "The http(s) page the form was on"},
    )
    # The honeypot: forms hide it from people, bots fill it. Any value makes the submission
    # count for nothing while the answer stays the same, so a bot learns nothing.
    website = ma.fields.Raw(
        load_default=None,
        metadata={"description": "Leave empty. Hidden from people; a filled value is ignored."},
    )


class SignatureInputSchema(ActionSchema):
    comment = Text(max_length=2000, multiline=True)


class SignupInputSchema(ActionSchema):
    pass


class SignatureReceiptSchema(Schema):
    """The same whether the person had signed before or not: it reveals nothing about them.

    No count: the count including this write would tell a new signer from a repeat one.
    Clients read the petition's tally for the count.
    """

    petition = ma.fields.String(metadata={"description": "The petition's slug"})
    goal = ma.fields.Integer()


class SignupReceiptSchema(Schema):
    """The same whether the person had joined before or not."""

    campaign = ma.fields.String(metadata={"description": "The campaign's slug"})
