"""The board pack: exports of the metrics, panels and action plan (Excel, PowerPoint and PDF)."""

from reports.content import MetricContent, ReportContent, build_content
from reports.excel import write_excel
from reports.pdf import write_pdf
from reports.pptx import write_pptx
from reports.safe import safe_cell

__all__ = ["MetricContent", "ReportContent", "build_content", "safe_cell", "write_excel", "write_pdf", "write_pptx"]
