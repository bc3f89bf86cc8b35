"""What the byte-level scans of a workbook's XML parts share (the xlsx cell extent, ods)."""

from __future__ import annotations

import numpy as np

# The bytes that may continue an XML name (ASCII letters, digits, '_.-:', and any byte of a UTF-8 sequence).
NAME_CHAR = np.zeros(256, dtype=bool)
NAME_CHAR[list(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-:")] = True
NAME_CHAR[128:] = True
# How far the numpy scans read either side of a position; PAD goes after a text so that they may.
LOOK = 32
PAD = b" " * LOOK
# A tag runs to the first '>' outside quotes, as quick-xml reads it. Every alternative also
# accepts the end of the text and nothing backtracks, so damaged input costs linear time.
TAG_REST = rb"((?:[^>\"']++|\"[^\"]*+(?:\"|\Z)|'[^']*+(?:'|\Z))*+)(?:>|\Z)"
