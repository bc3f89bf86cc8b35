"""Text from people and spreadsheets is shown as text: Markdown escaped, formulas neutralised in tables."""

import re

from hypothesis import given
from hypothesis import strategies as st

from ui.safe import md, plain

HOSTILE = ("<script>alert(1)</script> [click](https://evil.example) ![x](https://evil.example/t.png) "
           ":red[alarm] :material/warning: $x^2$ **bold** # heading")


def test_markdown_and_directives_are_escaped():
    escaped = md(HOSTILE)
    # Take out every backslash-escaped character: no character that starts Markdown, HTML, a Streamlit
    # directive or LaTeX may be left unescaped.
    bare = re.sub(r"\\.", "", escaped.replace("\u2060", ""))
    assert not set(bare) & set("<>[]()!:$*#`_|~&=/")
    assert escaped.startswith("\\<script\\>alert\\(1\\)\\<\\/script\\> \\[click\\]\\(https\u2060\\:\\/\\/evil")
    assert plain(escaped) == HOSTILE


@given(st.text())
def test_escaping_round_trips_any_text(text):
    assert plain(md(text)) == text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2060", "")


def test_none_is_empty_and_numbers_are_text():
    assert md(None) == "" and md(2.5) == r"2\.5"


def test_bare_addresses_cannot_become_links():
    # GFM links bare URLs, www. names and e-mail addresses: a word joiner breaks each pattern.
    escaped = md("https://evil.example www.evil.example sam@wexcombe.gov.uk")
    assert "https\u2060\\:" in escaped and "www\u2060\\." in escaped and "@\u2060" in escaped
    assert plain(escaped) == "https://evil.example www.evil.example sam@wexcombe.gov.uk"
