"""The letter's campaign as data: JSON files here, each one campaign, loaded by `flask seed`."""

import json
from pathlib import Path

SEED_DIR = Path(__file__).parent


def campaign_files() -> list[Path]:
    return sorted(SEED_DIR.glob("*.json"))


def read(path: Path) -> dict:
    """The campaign in ``path``, with files it names (the letter's text) read in."""
    data = json.loads(path.read_text(encoding="utf-8"))
    letter = data.get("letter", {})
    if "text_file" in letter:
        letter["text"] = (path.parent / letter.pop("text_file")).read_text(encoding="utf-8").strip()
    return data
