"""The PNG card that link previews show (og:image): the title and the count, drawn by Pillow.

Counts are shown rounded down to a bucket ("1,200+"), so one card serves a whole stretch of
a fast-rising count: each bucket is drawn once per process and keeps one ETag, and caches in
front of the site keep it too. The font is the one Pillow itself ships (Aileron, SIL Open
Font License), so nothing is fetched at run time.
"""

import hashlib
import io
import textwrap
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from campaign.site import widget

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BACKGROUND = "#1b1f24"
ACCENT = "#d93a2f"
TEXT = "#ffffff"
MUTED = "#c9ced6"
TITLE_SIZE = 64
COUNT_SIZE = 56
TITLE_LINE_CHARS = 30
TITLE_MAX_LINES = 4


def bucket(count: int) -> int:
    """The count rounded down to two significant digits (exact below 100)."""
    if count < 100:
        return count
    step = 10 ** (len(str(count)) - 2)
    return count - count % step


def etag(title: str, shown: int, goal: int) -> str:
    raw = f"card:v1:{title}:{shown}:{goal}"
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


@lru_cache(maxsize=256)
def render(title: str, shown: int, goal: int) -> bytes:
    """The card as PNG bytes; ``shown`` is already a bucket, so the cache stays small."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 16), fill=ACCENT)
    title_font = ImageFont.load_default(size=TITLE_SIZE)
    count_font = ImageFont.load_default(size=COUNT_SIZE)
    lines = textwrap.wrap(title, TITLE_LINE_CHARS)[:TITLE_MAX_LINES]
    y = MARGIN
    for line in lines:
        draw.text((MARGIN, y), line, font=title_font, fill=TEXT)
        y += int(TITLE_SIZE * 1.2)
    number = widget.format_count(shown, "en") + ("+" if shown >= 100 else "")
    label = f"{number} signatures"
    bar_top = HEIGHT - MARGIN - 28
    draw.text((MARGIN, bar_top - COUNT_SIZE - 24), label, font=count_font, fill=TEXT)
    if goal:
        label_goal = f"goal {widget.format_count(goal, 'en')}"
        right = draw.textlength(label_goal, font=count_font)
        draw.text(
            (WIDTH - MARGIN - right, bar_top - COUNT_SIZE - 24),
            label_goal,
            font=count_font,
            fill=MUTED,
        )
        draw.rectangle((MARGIN, bar_top, WIDTH - MARGIN, bar_top + 28), fill="#3a414b")
        filled = MARGIN + round((WIDTH - 2 * MARGIN) * min(shown, goal) / goal)
        if filled > MARGIN:
            draw.rectangle((MARGIN, bar_top, filled, bar_top + 28), fill=ACCENT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
