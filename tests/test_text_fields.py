"""The text fields' control-character rule, checked against Unicode's own categories."""

import sys
import unicodedata

import marshmallow as ma
import pytest

from schemas.actions import REFUSED, REFUSED_BUT_LINES, REFUSED_LAYOUT, Text


def test_refused_ranges_are_exactly_the_control_surrogate_and_separator_categories():
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        refused = unicodedata.category(char) in {"Cc", "Cs"}
        one_line = refused or unicodedata.category(char) in {"Zl", "Zp"}
        assert bool(REFUSED.search(char)) is one_line, hex(code)
        assert bool(REFUSED_BUT_LINES.search(char)) is (refused and char not in "\t\n"), hex(code)


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "a\x85b", "a\ud800b", "a\rb"])
def test_a_single_line_text_refuses_controls(value):
    with pytest.raises(ma.ValidationError, match="Control characters"):
        Text(max_length=50).deserialize(value)


def test_a_multiline_text_keeps_tabs_and_line_breaks_in_one_form():
    field = Text(max_length=50, multiline=True)
    assert field.deserialize(" one\r\ntwo\tthree\n") == "one\ntwo\tthree"
    with pytest.raises(ma.ValidationError, match="Control characters"):
        field.deserialize("one\rtwo")


def test_format_characters_such_as_the_zero_width_joiner_pass():
    assert Text(max_length=50).deserialize("👩\u200d💻 Անահիտ") == "👩\u200d💻 Անահիտ"


def test_layout_characters_are_the_overrides_and_the_noncharacters():
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        layout = (
            unicodedata.bidirectional(char) in {"LRO", "RLO"}
            or 0xFDD0 <= code <= 0xFDEF
            or code & 0xFFFE == 0xFFFE
        )
        assert bool(REFUSED_LAYOUT.search(char)) is layout, hex(code)


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize("char", ["\u202e", "\u202d", "\uffff", "\U0010fffe"])
def test_overrides_and_noncharacters_are_refused_in_any_text(char, multiline):
    with pytest.raises(ma.ValidationError, match="Bidirectional overrides"):
        Text(max_length=50, multiline=multiline).deserialize(f"Ani{char}tahnA")


def test_unicode_line_separators_are_line_breaks_or_refused():
    assert Text(max_length=50, multiline=True).deserialize("one\u2028two\u2029three") == (
        "one\ntwo\n\nthree"
    )
    with pytest.raises(ma.ValidationError, match="Control characters"):
        Text(max_length=50).deserialize("Ani\u2028Tahn")


@pytest.mark.parametrize(
    "text",
    [
        "\u0622\u0646\u0627\u061c",  # with an Arabic letter mark
        "\u05e2\u05e0\u05d4\u200f",  # with a right-to-left mark
        "\u202aJohn Smith\u202c",  # a left-to-right embedding, as pasted from a chat
        "\u2067\u0633\u0627\u0631\u0629\u2069",  # a right-to-left isolate
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # a flag
    ],
)
def test_right_to_left_text_and_what_pasting_adds_pass(text):
    assert Text(max_length=50).deserialize(text) == text
