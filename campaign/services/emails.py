"""Canonical email: the one spelling of an inbox, so that one inbox is one person.

NFKC first (fullwidth ``ｊｏｈｎ`` is ``john``), then ``lower()`` on both parts: not
``casefold()``, which would make ``straße@`` and ``strasse@`` one person when a mail server
delivers them to two. Providers that document sub-addressing deliver ``name+tag@`` (or
``name-tag@`` at Yahoo) to ``name@``, so the tag is dropped for them, and only for them; Gmail
also ignores dots. ``PROVIDERS`` is the one table of those rules; docs/api.md prints it.

Local parts that mix scripts (a Cyrillic ``о`` among Latin letters) are refused rather than
folded: ``mixed_scripts`` says so, and the input schemas answer 422.
"""

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Provider:
    # The character that starts a sub-address tag; everything from it to the @ is dropped.
    separator: str
    # The domain every alias of the provider is stored under (Googlemail is Gmail).
    domain: str | None = None
    ignores_dots: bool = False


PLUS = Provider("+")
PROVIDERS: dict[str, Provider] = {
    "gmail.com": Provider("+", ignores_dots=True),
    "googlemail.com": Provider("+", domain="gmail.com", ignores_dots=True),
    "outlook.com": PLUS,
    "hotmail.com": PLUS,
    "live.com": PLUS,
    "fastmail.com": PLUS,
    "fastmail.fm": PLUS,
    "proton.me": PLUS,
    "protonmail.com": PLUS,
    "pm.me": PLUS,
    "icloud.com": PLUS,
    "me.com": PLUS,
    "mac.com": PLUS,
    "yahoo.com": Provider("-"),
    "ymail.com": Provider("-"),
}


def canonical_email(email: str) -> str:
    """The form people are found by; two spellings of one inbox give the same string."""
    text = unicodedata.normalize("NFKC", email.strip())
    local, _, domain = text.rpartition("@")
    local, domain = local.lower(), domain.lower().rstrip(".")
    provider = PROVIDERS.get(domain)
    if provider is not None:
        tagged = local.split(provider.separator, 1)[0]
        # A local part that starts with the separator has no name before it: keep it whole.
        local = tagged or local
        if provider.ignores_dots:
            local = local.replace(".", "")
        domain = provider.domain or domain
    return f"{local}@{domain}"


JAPANESE = {"HIRAGANA": "CJK", "KATAKANA": "CJK"}


def _script(char: str) -> str | None:
    """The script a letter belongs to (LATIN, CYRILLIC, GREEK...), None for other characters."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    script = name.split(" ", 1)[0] if name else None
    # Japanese writes one name in kana and kanji together: one script for this purpose.
    return JAPANESE.get(script, script)


def mixed_scripts(email: str) -> bool:
    """Whether the local part has letters from more than one script (a look-alike spoof)."""
    local = unicodedata.normalize("NFKC", email).rpartition("@")[0]
    scripts = {_script(char) for char in local} - {None}
    return len(scripts) > 1
