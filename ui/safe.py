"""Text from people and from spreadsheets, shown as text.

Streamlit renders Markdown (links, images, emphasis, its own `:material/...:` and `:red[...]`
directives, LaTeX between `$`) in st.markdown, captions, alerts and widget labels. A name, a
file name, an ethnicity label or a panel written by someone is data, not formatting: every such
piece goes through `md()` before it is put into Markdown, so `[click](https://...)`,
`![x](https://tracker)` or `<script>` appear as the characters typed and do nothing.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
# Where GFM's autolinks start once escapes are read: "scheme:", "www." and the @ of an address.
_AUTOLINK = re.compile(r"\\:|(?<=w)w\\\.|(?<=W)W\\\.|@")
# CommonMark lets any ASCII punctuation be escaped with a backslash; these are the ones that start
# Markdown, HTML, Streamlit's directives or LaTeX.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=\"'^%/])")


def md(text: object) -> str:
    """`text` escaped so that Markdown shows it exactly as written, on one line per line."""
    value = "" if text is None else str(text)
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace(WORD_JOINER, "")
    escaped = _SPECIAL.sub(r"\\\1", value)
    # GitHub-flavoured Markdown turns bare URLs, www. names and e-mail addresses in plain text into links
    # after escapes are read, so an invisible word joiner breaks each pattern instead.
    return _AUTOLINK.sub(_join, escaped)


def _join(match: re.Match[str]) -> str:
    found = match.group(0)
    if found == "\\:":
        return WORD_JOINER + found  # before the backslash: after it, the escape would be lost
    return found[:1] + WORD_JOINER + found[1:]


def plain(markdown: str) -> str:
    """What `md()` escaped, back as written: for reading shown text in tests and exports."""
    return re.sub(r"\\(.)", r"\1", markdown.replace(WORD_JOINER, ""))
