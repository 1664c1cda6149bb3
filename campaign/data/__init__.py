"""Reference data shipped with the package: U.S. congressional members and ZIP districts."""

from pathlib import Path

DATA_DIR = Path(__file__).parent
US_DIR = DATA_DIR / "us"
