"""The board pack: exports of the metrics, panels and action plan (Excel, PowerPoint, PDF and an HTML page).

The writers load on first use (PEP 562), so that `reports.safe`, which the app's every page uses, does not
bring Typst, python-pptx and openpyxl with it: they cost most of a second at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "MetricContent": "reports.content",
    "ReportContent": "reports.content",
    "build_content": "reports.content",
    "write_excel": "reports.excel",
    "write_html": "reports.html",
    "write_pdf": "reports.pdf",
    "write_pptx": "reports.pptx",
    "safe_cell": "reports.safe",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'reports' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
