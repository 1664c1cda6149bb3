"""docs/configuration.md's table and the code read the same environment variables.

The code's side is found by walking the syntax trees of the app, gunicorn.conf.py and
healthcheck.py for reads of ``os.environ`` / ``os.getenv`` and of an environs reader
(``env.int("NAME", ...)``); the docs' side is every backticked name in the table's first column.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = [
    *sorted((ROOT / "campaign").rglob("*.py")),
    ROOT / "gunicorn.conf.py",
    ROOT / "healthcheck.py",
]
TABLE = ROOT / "docs" / "configuration.md"
READERS = {"get", "getenv", "setdefault", "str", "int", "bool", "float", "list", "names", "dict"}
NAME = re.compile(r"[A-Z][A-Z0-9_]+")


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _reader(func: ast.AST) -> bool:
    if not isinstance(func, ast.Attribute) or func.attr not in READERS:
        return False
    receiver = func.value
    if _is_os_environ(receiver):
        return True  # os.environ.get("X")
    if isinstance(receiver, ast.Name) and receiver.id == "os":
        return func.attr == "getenv"
    # An environs reader: env.int("X", 5), self.list("X", []) inside the Env subclass.
    return isinstance(receiver, ast.Name) and receiver.id in ("env", "self")


def variables_read(source: str) -> set[str]:
    """Names of the environment variables a module's code reads."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        key = None
        if isinstance(node, ast.Call) and _reader(node.func) and node.args:
            key = node.args[0]
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            key = node.slice
        is_name = isinstance(key, ast.Constant) and isinstance(key.value, str)
        if is_name and NAME.fullmatch(key.value):
            found.add(key.value)
    return found


def variables_documented(markdown: str) -> list[str]:
    """Backticked names in the first column of the table headed ``| Variable |``."""
    names, in_table = [], False
    for line in markdown.splitlines():
        if line.startswith("| Variable |"):
            in_table = True
        elif in_table and line.startswith("|") and not line.startswith("|---"):
            first = line.split("|")[1]
            names += [n for n in re.findall(r"`([^`]+)`", first) if NAME.fullmatch(n)]
        elif in_table and not line.startswith("|"):
            in_table = False
    return names


def code_variables() -> set[str]:
    found = set()
    for path in CODE:
        found |= variables_read(path.read_text(encoding="utf-8"))
    return found


def test_every_variable_the_code_reads_is_in_the_table_and_no_other():
    documented = variables_documented(TABLE.read_text(encoding="utf-8"))
    read = code_variables()
    assert sorted(read - set(documented)) == [], "read by the code but not in the table"
    assert sorted(set(documented) - read) == [], "in the table but read by no code"


def test_each_variable_has_one_row():
    documented = variables_documented(TABLE.read_text(encoding="utf-8"))
    assert len(documented) == len(set(documented))


def test_the_table_names_the_settings_everyone_relies_on():
    documented = set(variables_documented(TABLE.read_text(encoding="utf-8")))
    for name in (
        "DATABASE_URL",
        "RATELIMIT_STORAGE_URI",
        "SIGNATURE_RATE_LIMIT",
        "SIGNUP_RATE_LIMIT",
        "TRUSTED_PROXY_HOPS",
        "CORS_ORIGINS",
        "MAX_BODY_BYTES",
        "RATELIMIT_FAIL_OPEN",
        "TALLY_STALE_WHILE_REVALIDATE",
    ):
        assert name in documented


def test_the_walk_sees_each_way_of_reading_a_variable():
    # If the finder missed a kind of read, a variable added that way would escape the check.
    source = """
import os
from environs import Env
env = Env()
a = os.environ.get("ONE", "")
b = os.environ["TWO"]
c = os.getenv("THREE")
d = env.int("FOUR", 5)
e = env.bool("FIVE", False)
f = env.names("SIX")
g = request.environ.get("QUERY_STRING")
h = config.get("NOT_AN_ENVIRONMENT_READ")
"""
    assert variables_read(source) == {"ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX"}


def test_a_row_or_a_read_added_on_one_side_only_is_reported():
    table = TABLE.read_text(encoding="utf-8")
    extra_row = table.replace(
        "| `DATABASE_URL` |", "| `SOMETHING_NEW` | `1` | Not read anywhere. |\n| `DATABASE_URL` |"
    )
    assert set(variables_documented(extra_row)) - code_variables() == {"SOMETHING_NEW"}
    read = code_variables() | variables_read('env.int("ANOTHER_NEW", 1)')
    assert read - set(variables_documented(table)) == {"ANOTHER_NEW"}
