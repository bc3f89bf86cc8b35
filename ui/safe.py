"""Text from people and from spreadsheets, shown as text.

Streamlit renders Markdown (links, images, emphasis, its own `:material/...:` and `:red[...]`
directives, LaTeX between `$`) in st.markdown, captions, alerts and widget labels. A name, a
file name, an ethnicity label or a panel written by someone is data, not formatting: every such
piece goes through `md()` before it is put into Markdown, so `[click](https://...)`,
`![x](https://tracker)` or `<script>` appear as the characters typed and do nothing.
"""

from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation be escaped with a backslash; these are the ones that start
# Markdown, HTML, Streamlit's directives or LaTeX.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=\"'^%])")


def md(text: object) -> str:
    """`text` escaped so that Markdown shows it exactly as written, on one line per line."""
    value = "" if text is None else str(text)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _SPECIAL.sub(r"\\\1", value)
