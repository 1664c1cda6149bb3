"""The text fields' control-character rule, checked against Unicode's own categories."""

import sys
import unicodedata

import marshmallow as ma
import pytest

from schemas.actions import REFUSED, REFUSED_BUT_LINES, REFUSED_LAYOUT, Text


def test_refused_ranges_are_exactly_the_control_and_surrogate_categories():
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        refused = unicodedata.category(char) in {"Cc", "Cs"}
        assert bool(REFUSED.search(char)) is refused, hex(code)
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


def test_layout_characters_are_the_separators_bidi_controls_and_noncharacters():
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        layout = (
            unicodedata.category(char) in {"Zl", "Zp"}
            or unicodedata.bidirectional(char) in {"LRE", "RLE", "LRO", "RLO", "PDF"}
            or unicodedata.bidirectional(char) in {"LRI", "RLI", "FSI", "PDI"}
            or 0xFDD0 <= code <= 0xFDEF
            or code & 0xFFFE == 0xFFFE
        )
        assert bool(REFUSED_LAYOUT.search(char)) is layout, hex(code)


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u2028", "\u2029", "\uffff", "\U0010fffe"])
def test_layout_characters_are_refused_in_any_text(char, multiline):
    with pytest.raises(ma.ValidationError, match="bidirectional overrides"):
        Text(max_length=50, multiline=multiline).deserialize(f"Ani{char}tahnA")


def test_right_to_left_names_and_their_marks_pass():
    for name in ("\u0622\u0646\u0627", "\u05e2\u05e0\u05d4\u200f", "\u0622\u0646\u0627\u061c"):
        assert Text(max_length=50).deserialize(name) == name
