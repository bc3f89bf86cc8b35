"""Charts as static images for the exports, drawn by vl-convert: no browser needed. PNG for the slides and the PDF;
SVG for the HTML plan, where it stays sharp at any zoom and in print."""

from __future__ import annotations

import struct

from charts.shared import ChartSpec

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chart_png(spec: ChartSpec, width: int = 1100, scale: float = 2) -> bytes:
    """The chart at a fixed width in CSS pixels; `scale` 2 keeps it sharp on a projector."""
    import vl_convert  # imported here: half a second of start-up that only exports pay for

    return bytes(vl_convert.vegalite_to_png(spec.with_width(width).chart.to_dict(), scale=scale))


def chart_svg(spec: ChartSpec, width: int = 640) -> str:
    """The chart as an SVG document at a fixed width in CSS pixels (its viewBox lets a page scale it). vl-convert
    writes every label as XML text, escaped; the picture has no script, link or id of its own."""
    import vl_convert

    return str(vl_convert.vegalite_to_svg(spec.with_width(width).chart.to_dict()))


def png_size(image: bytes) -> tuple[int, int]:
    """(width, height) in pixels, read from the PNG header."""
    if not image.startswith(PNG_SIGNATURE) or image[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", image[16:24])
    return width, height
