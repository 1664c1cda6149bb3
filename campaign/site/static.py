"""The scripts and styles pages load: where each is on disk, and its fingerprinted URL.

The embed widget and the website each serve their own folder of ``campaign/static`` under
their own path, together with the scripts both load (``static/shared``), so that a page
only ever loads from the origin that served it (``script-src 'self'``), wherever it is hosted.
"""

import hashlib
from functools import cache
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
SHARED = ("page.js",)


def files(folder: str, names: tuple[str, ...]) -> dict[str, Path]:
    """``names`` in ``static/<folder>`` and the shared scripts, by the name a URL gives."""
    found = {name: STATIC_DIR / folder / name for name in names}
    found.update({name: STATIC_DIR / "shared" / name for name in SHARED})
    return found


@cache
def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def url(prefix: str, name: str, path: Path) -> str:
    # The content hash in the query lets browsers keep assets for an hour and still see a
    # new release at once.
    return f"{prefix}/{name}?v={_fingerprint(path)}"
