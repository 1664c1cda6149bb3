"""Links between README.md, docs/*.md and RELIABILITY.md resolve.

Every relative link must name a file that exists, and every ``#anchor`` a heading in the
file it points to (GitHub's heading ids). Links inside code blocks and spans are not links.
"""

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", ROOT / "RELIABILITY.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def _prose(markdown: str) -> str:
    return FENCE.sub("", markdown)


def anchors(markdown: str) -> set[str]:
    """The ids GitHub gives the headings: lower case, punctuation dropped, spaces to '-'."""
    seen: Counter = Counter()
    ids = set()
    for heading in HEADING.findall(_prose(markdown)):
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
        slug = re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")
        ids.add(f"{slug}-{seen[slug]}" if seen[slug] else slug)
        seen[slug] += 1
    return ids


def broken_links(page: Path) -> list[str]:
    """Each relative link of ``page`` whose file or heading does not exist."""
    broken = []
    text = CODE_SPAN.sub("", _prose(page.read_text(encoding="utf-8")))
    for target in LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto: and the like
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and anchor not in anchors(resolved.read_text(encoding="utf-8")):
            broken.append(f"{target}: no such heading")
    return broken


def test_every_relative_link_and_anchor_resolves():
    problems = {page.name: broken_links(page) for page in PAGES}
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_manual_is_where_the_readme_says():
    for name in ("configuration", "api", "operations", "benchmarks", "website"):
        assert (ROOT / "docs" / f"{name}.md").is_file()


def test_heading_ids_follow_github():
    markdown = "# API\n## Signing and joining\n### 12. Smaller items (`SECRET_KEY`)\n## API\n"
    assert anchors(markdown) == {
        "api",
        "signing-and-joining",
        "12-smaller-items-secret_key",
        "api-1",
    }


def test_a_missing_file_or_heading_is_reported(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## Real heading\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n[ok](other.md#real-heading) [self](#page) [web](https://example.org/x)\n"
        "[gone](missing.md) [bad](other.md#no-heading) [here](#nowhere)\n"
        "`[code](missing.md)`\n```\n[fenced](missing.md)\n```\n",
        encoding="utf-8",
    )
    assert broken_links(page) == [
        "missing.md: no such file",
        "other.md#no-heading: no such heading",
        "#nowhere: no such heading",
    ]
