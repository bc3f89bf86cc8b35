"""The project's own walk of a tagged PDF's structure, with pikepdf: what a screen reader will be given.

`structure(path)` reads the file's accessibility facts (tagged, language, title shown, PDF/UA claim, headings in
order, each table's first row, each figure's alternative text, fonts embedded); `structure_problems(...)` lists
what falls short of the plan's rules, one sentence each, [] for none. `text_without_artifacts(path)` is the pages'
text with everything marked as an artifact taken out (the page headers and footers), as a screen reader reads it.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pypdf import PdfReader

PDFUA_PART = "pdfuaid:part"


@dataclass
class Structure:
    marked: bool = False
    language: str = ""
    display_doc_title: bool = False
    title: str = ""
    pdfua_part: str = ""
    headings: list[tuple[int, str]] = field(default_factory=list)  # (level, text) in document order
    tables: list[list[str]] = field(default_factory=list)  # each table's first row: its cells' tags
    figures: list[str] = field(default_factory=list)  # each figure's /Alt ("" when it has none)
    unembedded_fonts: list[str] = field(default_factory=list)


def _name(value: object) -> str:
    return str(value).lstrip("/") if value is not None else ""


def _children(element: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:  # a structure element (not an MCID or OBJR)
            yield kid


def _walk(element: pikepdf.Dictionary, role_map: dict[str, str]) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """Every structure element under `element`, depth first in document order, with its standard role."""
    for child in _children(element):
        role = _name(child.get("/S"))
        seen = {role}
        while role in role_map and role_map[role] not in seen:  # a custom role, mapped to a standard one
            role = role_map[role]
            seen.add(role)
        yield role, child
        yield from _walk(child, role_map)


def _first_row(table: pikepdf.Dictionary, role_map: dict[str, str]) -> list[str]:
    for role, element in _walk(table, role_map):
        if role == "TR":
            return [_name(cell.get("/S")) if _name(cell.get("/S")) not in role_map else role_map[_name(cell["/S"])]
                    for cell in _children(element)]
    return []


def _unembedded_fonts(pdf: pikepdf.Pdf) -> list[str]:
    missing = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
            if obj.get("/Subtype") in ("/Type0", "/Type3"):  # a Type0's descendant is checked itself
                continue
            descriptor = obj.get("/FontDescriptor")
            if not isinstance(descriptor, pikepdf.Dictionary) or not any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(_name(obj.get("/BaseFont")))
    return missing


def structure(path: str | Path) -> Structure:
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        found = Structure()
        mark_info = root.get("/MarkInfo")
        found.marked = isinstance(mark_info, pikepdf.Dictionary) and bool(mark_info.get("/Marked", False))
        found.language = str(root.get("/Lang", ""))
        preferences = root.get("/ViewerPreferences")
        found.display_doc_title = isinstance(preferences, pikepdf.Dictionary) and bool(
            preferences.get("/DisplayDocTitle", False))
        with pdf.open_metadata() as metadata:
            found.title = str(metadata.get("dc:title", ""))
            found.pdfua_part = str(metadata.get(PDFUA_PART, ""))
        tree = root.get("/StructTreeRoot")
        if isinstance(tree, pikepdf.Dictionary):
            mapped = tree.get("/RoleMap")
            role_map = {_name(k): _name(v) for k, v in mapped.items()} if isinstance(mapped, pikepdf.Dictionary) \
                else {}
            for role, element in _walk(tree, role_map):
                if len(role) == 2 and role[0] == "H" and role[1].isdigit():
                    found.headings.append((int(role[1]), str(element.get("/T", ""))))
                elif role == "Table":
                    found.tables.append(_first_row(element, role_map))
                elif role == "Figure":
                    found.figures.append(str(element.get("/Alt", "")))
        found.unembedded_fonts = _unembedded_fonts(pdf)
    return found


def structure_problems(path: str | Path, *, title: str, findings: Sequence[str],
                       language: str = "en-GB") -> list[str]:
    """What a tagged plan lacks, one sentence each: [] when it is tagged, in `language`, shows `title`, claims
    PDF/UA-1, has its headings in order (one H1, no level skipped), header cells across the top of every table, and
    one figure per chart whose alternative text is that chart's finding (`findings`, in order)."""
    found = structure(path)
    problems = []
    if not found.marked:
        problems.append("The file is not marked as tagged (/MarkInfo /Marked true).")
    if found.language != language:
        problems.append(f"Its language is {found.language!r}, not {language!r}.")
    if not found.display_doc_title:
        problems.append("The viewer is not told to show its title (/ViewerPreferences /DisplayDocTitle).")
    if found.title != title:
        problems.append(f"Its title is {found.title!r}, not {title!r}.")
    if found.pdfua_part != "1":
        problems.append(f"Its XMP metadata claims PDF/UA part {found.pdfua_part!r}, not 1.")
    levels = [level for level, _ in found.headings]
    if levels.count(1) != 1 or not levels or levels[0] != 1:
        problems.append(f"It has {levels.count(1)} H1 headings; the plan's title should be the one, and first.")
    for (before, _), (level, text) in zip(found.headings, found.headings[1:], strict=False):
        if level > before + 1:
            problems.append(f"The heading {text!r} is H{level} after an H{before}: a level is skipped.")
    if any(not text.strip() for _, text in found.headings):
        problems.append("A heading has no text.")
    if not found.tables:
        problems.append("It has no tables.")
    for number, first_row in enumerate(found.tables, start=1):
        if not first_row or any(tag != "TH" for tag in first_row):
            problems.append(f"Table {number}'s first row is {first_row}, not header cells (TH).")
    if found.figures != list(findings):
        problems.append(f"Its figures' alternative texts are {found.figures}, not the charts' findings "
                        f"{list(findings)}.")
    if found.unembedded_fonts:
        problems.append(f"Fonts not embedded: {', '.join(found.unembedded_fonts)}.")
    return problems


def text_without_artifacts(path: str | Path) -> list[str]:
    """Each page's text with its artifacts (content marked /Artifact: page headers, footers, repeated table
    headers, lines) taken out: the text a screen reader is given."""
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            kept: list[pikepdf.ContentStreamInstruction] = []
            depth = 0  # inside an artifact: how many marked-content sections deep
            for instruction in pikepdf.parse_content_stream(page):
                operator = str(instruction.operator)
                if operator in ("BDC", "BMC"):
                    if depth or str(instruction.operands[0]) == "/Artifact":
                        depth += 1
                        continue
                elif operator == "EMC" and depth:
                    depth -= 1
                    continue
                if not depth:
                    kept.append(instruction)
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        buffer = io.BytesIO()
        pdf.save(buffer)
    return [page.extract_text() for page in PdfReader(buffer).pages]
