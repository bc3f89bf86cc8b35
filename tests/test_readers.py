"""data_loaders.readers: every file is made in memory; crafted files are built byte by byte."""

from __future__ import annotations

import builtins
import csv
import datetime
import gc
import io
import random
import struct
import tempfile
import zipfile

import openpyxl
import pytest
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from data_loaders.cell_address import column_letters
from data_loaders.errors import InputError
from data_loaders.readers import cell_extent, limits, read_path, read_workbook, zip_checks
from data_loaders.source import Source

HEADINGS = ["Employee", "Ethnicity", "Start date", "Salary"]
START = datetime.date(2023, 4, 1)


# --- builders ---------------------------------------------------------------------------------


def xlsx(sheets: dict[str, list[list[object]]], top_left: str = "A1") -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        origin = sheet[top_left]
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.cell(row=origin.row + r, column=origin.column + c, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls(sheets: dict[str, list[list[object]]]) -> bytes:
    workbook = xlwt.Workbook()
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for title, rows in sheets.items():
        sheet = workbook.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime.date):
                    sheet.write(r, c, value, date_style)
                elif value is not None:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods(sheets: dict[str, list[list[object]]]) -> bytes:
    document = OpenDocumentSpreadsheet()
    for title, rows in sheets.items():
        table = Table(name=title)
        for row in rows:
            table_row = TableRow()
            for value in row:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, datetime.date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell.addElement(P(text=value.isoformat()))
                elif isinstance(value, (int, float)):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=value))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode(encoding)


def replace_members(workbook: bytes, replacements: dict[str, bytes]) -> bytes:
    """The same zip with some members' bytes replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member.filename, replacements.get(member.filename, source.read(member)))
        for name, data in replacements.items():
            if name not in source.namelist():
                target.writestr(name, data)
    return buffer.getvalue()


def xlsx_with_sheet_data(sheet_data: str, prolog: str = "", prefix: str = "") -> bytes:
    """A real xlsx whose first sheet's XML is replaced by `sheet_data` inside <sheetData>;
    with a prefix ("x"), the elements are namespace-prefixed as .NET writers emit them."""
    p = f"{prefix}:" if prefix else ""
    sheet = (
        f"{prolog}<{p}worksheet xmlns{':' + prefix if prefix else ''}="
        '"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<{p}sheetData>{sheet_data}</{p}sheetData></{p}worksheet>"
    )
    return replace_members(xlsx({"Staff": [["x"]]}), {"xl/worksheets/sheet1.xml": sheet.encode()})


def ods_with_table(table_xml: str) -> bytes:
    """A real ods whose content.xml holds one table with `table_xml` as its rows."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Staff">'
        f"{table_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    return replace_members(ods({"Staff": [["x"]]}), {"content.xml": content.encode()})


def value_cell(number: int = 1, repeated: int = 1) -> str:
    repeat = f' table:number-columns-repeated="{repeated}"' if repeated > 1 else ""
    return f'<table:table-cell office:value-type="float" office:value="{number}"{repeat}/>'


def patch_xls_number(workbook: bytes, value: float, *, row: int | None = None, column: int | None = None) -> bytes:
    """Move the NUMBER record holding `value` to another row or column, as a hex editor would."""
    data = bytearray(workbook)
    at = data.find(struct.pack("<d", value))
    assert at > 0
    if row is not None:
        struct.pack_into("<H", data, at - 6, row)  # NUMBER: id, length, row, column, xf, value
    if column is not None:
        struct.pack_into("<H", data, at - 4, column)
    return bytes(data)


def refused(name: str, data: bytes) -> InputError:
    with pytest.raises(InputError) as caught:
        read_workbook(name, data)
    message = str(caught.value)
    assert message.startswith(f"'{name}'"), message
    assert caught.value.file == name
    assert caught.value.advice and message.endswith(caught.value.advice), message
    return caught.value


# --- each format round-trips its cells ---------------------------------------------------------

TABLE = [
    ["Workforce return 2024", None, None, None],
    [None, None, None, None],
    HEADINGS,
    ["E001", "White British", START, 31000],
    ["E002", None, datetime.date(2021, 11, 30), 28500.5],
]


def test_xlsx_keeps_title_rows_types_and_blank_cells() -> None:
    [staff, notes] = read_workbook("staff.xlsx", xlsx({"Staff": TABLE, "Notes": [["Source: ESR"]]}))

    assert (staff.file, staff.name, staff.first_row) == ("staff.xlsx", "Staff", 1)
    assert staff.rows[0] == ["Workforce return 2024", None, None, None]
    assert staff.rows[1] == [None, None, None, None]
    assert staff.rows[2] == HEADINGS
    assert staff.rows[3] == ["E001", "White British", START, 31000]
    assert staff.rows[4] == ["E002", None, datetime.date(2021, 11, 30), 28500.5]
    assert isinstance(staff.rows[3][2], datetime.date)
    assert isinstance(staff.rows[3][3], float)  # xlsx stores numbers as floats; kept as given
    assert (notes.name, notes.rows) == ("Notes", [["Source: ESR"]])


def test_xlsx_data_starting_at_c5_keeps_true_row_and_column_positions() -> None:
    [sheet] = read_workbook("c5.xlsx", xlsx({"Staff": [["Name", "Band"], ["Asha", "Band 6"]]}, top_left="C5"))

    assert sheet.first_row == 5
    assert sheet.rows == [[None, None, "Name", "Band"], [None, None, "Asha", "Band 6"]]


def test_xlsx_reads_hidden_sheets_and_skips_chart_sheets() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "Visible"
    workbook.active["A1"] = "shown"
    hidden = workbook.create_sheet("Hidden")
    hidden["A1"] = "kept"
    hidden.sheet_state = "hidden"
    workbook.create_chartsheet("Chart")
    buffer = io.BytesIO()
    workbook.save(buffer)

    sheets = read_workbook("book.xlsx", buffer.getvalue())

    assert [(sheet.name, sheet.rows) for sheet in sheets] == [("Visible", [["shown"]]), ("Hidden", [["kept"]])]


def test_empty_worksheet_gives_no_rows() -> None:
    [first, empty] = read_workbook("book.xlsx", xlsx({"Data": [["a"]], "Empty": []}))

    assert (empty.name, empty.rows, empty.first_row) == ("Empty", [], 1)
    assert first.rows == [["a"]]


def test_xls_keeps_title_rows_types_and_blank_cells() -> None:
    [staff, notes] = read_workbook("staff.xls", xls({"Staff": TABLE, "Notes": [["Source: ESR"]]}))

    assert (staff.name, staff.first_row) == ("Staff", 1)
    assert staff.rows[0] == ["Workforce return 2024", None, None, None]
    assert staff.rows[1] == [None, None, None, None]
    assert staff.rows[2] == HEADINGS
    assert staff.rows[3] == ["E001", "White British", START, 31000]
    assert staff.rows[4] == ["E002", None, datetime.date(2021, 11, 30), 28500.5]
    assert (notes.name, notes.rows) == ("Notes", [["Source: ESR"]])


def test_ods_keeps_title_rows_types_and_blank_cells() -> None:
    [staff, notes] = read_workbook("staff.ods", ods({"Staff": TABLE, "Notes": [["Source: ESR"]]}))

    assert (staff.name, staff.first_row) == ("Staff", 1)
    assert staff.rows[0] == ["Workforce return 2024", None, None, None]
    assert staff.rows[1] == [None, None, None, None]
    assert staff.rows[2] == HEADINGS
    assert staff.rows[3] == ["E001", "White British", START, 31000]
    assert staff.rows[4] == ["E002", None, datetime.date(2021, 11, 30), 28500.5]
    assert (notes.name, notes.rows) == ("Notes", [["Source: ESR"]])


def test_ods_table_below_blank_rows_gets_its_true_first_row() -> None:
    [sheet] = read_workbook("late.ods", ods({"Staff": [[None], [None], [None], ["Name"], ["Asha"]]}))

    assert sheet.first_row == 4
    assert sheet.rows == [["Name"], ["Asha"]]


def test_format_comes_from_the_bytes_not_the_name() -> None:
    [sheet] = read_workbook("staff.csv", xlsx({"Staff": [["Name"], ["Asha"]]}))

    assert (sheet.name, sheet.rows) == ("Staff", [["Name"], ["Asha"]])


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_utf8_gives_one_unnamed_sheet_of_strings() -> None:
    data = csv_bytes([["Employee", "Band", "Salary"], ["E001", "Band 5", "31000"], ["E002", "", "28,500"]])

    [sheet] = read_workbook("staff.csv", data)

    assert (sheet.file, sheet.name, sheet.first_row) == ("staff.csv", "", 1)
    assert sheet.rows == [["Employee", "Band", "Salary"], ["E001", "Band 5", "31000"], ["E002", None, "28,500"]]


def test_csv_utf8_bom_is_not_part_of_the_first_heading() -> None:
    [sheet] = read_workbook("staff.csv", csv_bytes([["Employee", "Band"], ["Zoë", "6"]], encoding="utf-8-sig"))

    assert sheet.rows == [["Employee", "Band"], ["Zoë", "6"]]


def test_csv_windows_1252_pound_sign_and_en_dash() -> None:
    data = csv_bytes([["Band", "Pay range"], ["Band 5", "£28,407 – £34,581"]], encoding="cp1252")
    assert b"\xa3" in data and b"\x96" in data  # what Excel writes on a UK machine

    [sheet] = read_workbook("pay.csv", data)

    assert sheet.rows == [["Band", "Pay range"], ["Band 5", "£28,407 – £34,581"]]


def test_csv_undecodable_bytes_fall_back_to_latin_1() -> None:
    # 0x81 is undefined in Windows-1252, so only latin-1 reads this
    [sheet] = read_workbook("odd.csv", b"Name,Team\nA\x81B,Adults\n")

    assert sheet.rows == [["Name", "Team"], ["A\x81B", "Adults"]]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_csv_delimiter_is_detected(delimiter: str) -> None:
    rows = [["Employee", "Band", "FTE"], ["E001", "Band 5", "0,8"], ["E002", "Band 6", "1"]]

    [sheet] = read_workbook("staff.csv", csv_bytes(rows, delimiter=delimiter))

    assert sheet.rows == rows


def test_csv_quoted_commas_and_ragged_rows() -> None:
    data = b'Name,Team,Note\n"Smith, Jo",Adults\nLee,Children,"line one\nline two",extra\n'

    [sheet] = read_workbook("staff.csv", data)

    assert sheet.rows == [
        ["Name", "Team", "Note"],
        ["Smith, Jo", "Adults"],
        ["Lee", "Children", "line one\nline two", "extra"],
    ]


def test_csv_excel_separator_line_names_the_delimiter_and_is_not_a_row() -> None:
    [sheet] = read_workbook("staff.csv", b"sep=;\nName;Pay\nAsha;1,5\n")

    assert sheet.first_row == 2
    assert sheet.rows == [["Name", "Pay"], ["Asha", "1,5"]]


def test_single_column_text_is_read_as_is() -> None:
    [sheet] = read_workbook("list.csv", b"just some notes\nwith no delimiter\n")

    assert sheet.rows == [["just some notes"], ["with no delimiter"]]


def test_text_file_named_xlsx_is_read_as_csv() -> None:
    [sheet] = read_workbook("staff.xlsx", b"Employee,Band\nE001,Band 5\n")

    assert (sheet.name, sheet.rows) == ("", [["Employee", "Band"], ["E001", "Band 5"]])


def test_csv_unclosed_quote_is_refused_with_its_row() -> None:
    error = refused("staff.csv", b'Name,Team\nAsha,Adults\n"Lee,Children\nKim,Adults\n')

    assert error.row == 3
    assert "quotation mark is not closed" in str(error)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n  ", b"\xef\xbb\xbf\r\n"])
def test_empty_file_is_refused(data: bytes) -> None:
    error = refused("staff.xlsx", data)

    assert "the file is empty" in str(error)


def test_random_bytes_are_not_a_spreadsheet() -> None:
    error = refused("staff.xlsx", random.Random(0).randbytes(20_000))

    assert "is not a spreadsheet or CSV file" in str(error)
    assert str(error).endswith("Save it from Excel as .xlsx or .csv and upload again.")


def test_pdf_is_named_as_such() -> None:
    assert "is a PDF" in str(refused("staff.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"))


def test_web_page_saved_as_xls_is_refused() -> None:
    page = b"<html><body><table><tr><td>Employee</td></tr></table></body></html>"

    error = refused("export.xls", page)

    assert "web page (HTML)" in str(error)
    assert "Excel Workbook (.xlsx)" in str(error)


def test_truncated_xlsx_is_refused() -> None:
    data = xlsx({"Staff": TABLE})

    error = refused("staff.xlsx", data[: len(data) // 2])

    assert "damaged or incomplete" in str(error)


def test_zip_claiming_an_unknown_zip_version_is_refused() -> None:
    # Found by fuzzing: one flipped byte in the central directory made zipfile raise
    # NotImplementedError ("zip file version 13.5"), which escaped as a traceback.
    data = bytearray(xlsx({"Staff": TABLE}))
    directory = data.index(b"PK\x01\x02")
    data[directory + 6 : directory + 8] = (135).to_bytes(2, "little")  # version needed to extract

    assert "damaged" in str(refused("staff.xlsx", bytes(data)))


def test_zip_member_cut_short_is_refused() -> None:
    data = bytearray(xlsx({"Staff": TABLE}))
    sheet = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    # garble the compressed bytes but keep the directory intact
    start = sheet.header_offset + 30 + len(sheet.filename)
    data[start + 10 : start + 40] = bytes(30)

    assert "damaged" in str(refused("staff.xlsx", bytes(data)))


def test_zip_of_a_text_file_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("staff.csv", "Employee,Band\nE001,Band 5\n")

    error = refused("staff.xlsx", buffer.getvalue())

    assert "zip archive, not an Excel workbook" in str(error)
    assert "upload the spreadsheet inside" in str(error)


def test_word_document_is_named_as_such() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")

    assert "a Word document, not a spreadsheet" in str(refused("staff.xlsx", buffer.getvalue()))


def test_xlsb_is_refused_with_a_way_out() -> None:
    data = replace_members(xlsx({"Staff": [["x"]]}), {"xl/workbook.bin": b"\x83\x01\x00"})
    data = _without_member(data, "xl/workbook.xml")

    error = refused("staff.xlsb", data)

    assert "Excel Binary Workbook (.xlsb)" in str(error)


def _without_member(workbook: bytes, name: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename != name:
                target.writestr(member.filename, source.read(member))
    return buffer.getvalue()


def test_password_protected_xlsx_is_refused() -> None:
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(xlsx({"Staff": TABLE}))).encrypt("Secret-123", encrypted)

    error = refused("staff.xlsx", encrypted.getvalue())

    assert str(error) == (
        "'staff.xlsx': the workbook is password-protected. Remove the password (File > Info > "
        "Protect Workbook in Excel, then clear the password) and upload it again."
    )


def test_encrypted_xls_is_refused_as_password_protected() -> None:
    data = bytearray(xls({"Staff": [["E001"]]}))
    codepage = data.find(b"\x42\x00\x02\x00")  # CODEPAGE record, in the workbook globals
    data[codepage : codepage + 6] = b"\x2f\x00\x02\x00\x01\x00"  # FILEPASS, encryption type 1

    assert "password-protected" in str(refused("staff.xls", bytes(data)))


def test_workbook_without_worksheets_is_refused() -> None:
    workbook = openpyxl.Workbook()
    workbook.create_chartsheet("Chart")
    workbook.remove(workbook["Sheet"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    error = refused("charts.xlsx", buffer.getvalue())

    assert "has no worksheets" in str(error)


# --- bombs and hostile XML ---------------------------------------------------------------------


def test_zip_bomb_member_is_refused_from_the_directory() -> None:
    zeros = bytes(50 * 1024 * 1024)
    data = replace_members(xlsx({"Staff": [["x"]]}), {"xl/worksheets/sheet1.xml": zeros})
    assert len(data) < 200_000

    error = refused("bomb.xlsx", data)

    assert "expands to" in str(error)


def test_member_inflating_past_its_declared_size_is_refused() -> None:
    data = bytearray(xlsx({"Staff": [["x"] * 50 for _ in range(200)]}))
    sheet = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    lie = struct.pack("<I", 2_000)
    data[sheet.header_offset + 22 : sheet.header_offset + 26] = lie  # local header
    directory = data.find(b"PK\x01\x02" + bytes(data[sheet.header_offset + 4 : sheet.header_offset + 6]))
    while data[directory + 46 : directory + 46 + len(sheet.filename)] != sheet.filename.encode():
        directory = data.find(b"PK\x01\x02", directory + 4)
    data[directory + 24 : directory + 28] = lie  # central directory

    error = refused("liar.xlsx", bytes(data))

    assert "beyond the size its index declares" in str(error)


def test_too_many_zip_members_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ZIP_MEMBERS", 5)

    assert "internal parts" in str(refused("staff.xlsx", xlsx({"Staff": [["x"]]})))


def test_total_declared_size_is_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 1024)

    assert "expands to more than" in str(refused("staff.xlsx", xlsx({"Staff": TABLE})))


def test_billion_laughs_doctype_is_refused() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    data = xlsx_with_sheet_data('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>', prolog=laughs)

    error = refused("lolz.xlsx", data)

    assert "DOCTYPE" in str(error)


def test_doctype_hidden_behind_comments_is_still_found() -> None:
    prolog = "<?xml version='1.0'?>\n<!-- exported -->\n  <!doctype worksheet SYSTEM 'http://example.invalid/x.dtd'>"

    assert "DOCTYPE" in str(refused("x.xlsx", xlsx_with_sheet_data("", prolog=prolog)))


def test_doctype_pushed_past_the_prolog_window_is_refused() -> None:
    prolog = "<?xml version='1.0'?>" + " " * zip_checks.XML_PROLOG_BYTES + "<!DOCTYPE x>"

    assert "unusually long preamble" in str(refused("x.xlsx", xlsx_with_sheet_data("", prolog=prolog)))


def test_far_away_cell_is_refused_before_calamine_allocates_for_it() -> None:
    # calamine 0.9.1 would allocate 1,048,576 x 16,384 cells for this and abort the process
    data = xlsx_with_sheet_data(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    )
    assert len(data) < 10_000

    error = refused("sparse.xlsx", data)

    assert "reaches row 1,048,576 and column XFD" in str(error)


@pytest.mark.parametrize(
    ("sheet_data", "reach"),
    [
        # the usual form, read by the fast scan
        ('<row r="1"><c r="A1"><v>1</v></c></row><row r="40"><c r="D40" t="n"><v>2</v></c></row>', (40, 4)),
        # attributes in another order and single quotes: the exact scan
        ("<row r='1'><c s='0' r='A1'><v>1</v></c><c t='n' r='D40'><v>2</v></c></row>", (40, 4)),
        # a namespace prefix, as .NET writers emit
        ('<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="D40"><x:v>2</x:v></x:c></x:row>', (40, 4)),
        # cells and rows without r follow the ones before them; <c/> and <row/> count too
        (
            '<row r="38"><c r="A38"><v>1</v></c></row><row/><row><c><v>1</v></c><c/><c><v>2</v></c>'
            "<c><v>3</v></c></row>",
            (40, 4),
        ),
        # lower-case references are accepted by calamine
        ('<row r="1"><c r="a1"><v>1</v></c><c r="d40"><v>2</v></c></row>', (40, 4)),
        # a '>' inside an attribute value does not end the tag
        ('<row r="1"><c r="A1"><v>1</v></c><c note="a>b" r="D40"><v>2</v></c></row>', (40, 4)),
        # leading zeros pad a small row number: the reference with most digits is not the farthest
        ('<row r="1"><c r="A00000001"><v>1</v></c><c r="D40"><v>2</v></c></row>', (40, 4)),
        # and a padded one can be the farthest
        ('<row r="1"><c r="D1"><v>1</v></c><c r="A0000040"><v>2</v></c></row>', (40, 4)),
        # calamine places a cell by its last r attribute
        ('<row r="1"><c r="A1"><v>1</v></c><c r="B1" r="D40"><v>2</v></c></row>', (40, 4)),
        # an attribute may follow a quote with no space between
        ('<row r="1"><c r="A1"><v>1</v></c><c r="B1" s="0"r="D40"><v>2</v></c></row>', (40, 4)),
        # or be spaced out and single-quoted
        ("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"B1\"\tr = 'D40'><v>2</v></c></row>", (40, 4)),
        # elements named col, cols... are not cells; r:id is not r
        (
            '<cols><col min="1" max="4" width="9"/></cols><row r="1" spans="1:4"><c r="A1"><v>1</v></c>'
            '<c r="D40" r:id="x"><v>2</v></c></row>',
            (40, 4),
        ),
        # two and three letters
        ('<row r="1"><c r="A1"><v>1</v></c><c r="AB3"><v>2</v></c><c r="C2"><v>3</v></c></row>', (3, 28)),
    ],
)
def test_cell_reach_is_measured_exactly_before_calamine(
    monkeypatch: pytest.MonkeyPatch, sheet_data: str, reach: tuple[int, int]
) -> None:
    rows, columns = reach
    data = xlsx_with_sheet_data(sheet_data, prefix="x" if "<x:row" in sheet_data else "")

    monkeypatch.setattr(limits, "MAX_CELLS", rows * columns - 1)
    error = refused("reach.xlsx", data)
    assert error.sheet is None  # refused by the pre-check, not after calamine read the sheet
    assert f"reaches row {rows} and column {column_letters(columns)}" in str(error)

    monkeypatch.setattr(limits, "MAX_CELLS", rows * columns)
    [sheet] = read_workbook("reach.xlsx", data)
    assert sheet.first_row + len(sheet.rows) - 1 == rows
    assert max(len(row) for row in sheet.rows) == columns


def test_unreadable_cell_reference_is_refused() -> None:
    data = xlsx_with_sheet_data('<row r="1"><c s="1" r="$A$1"><v>1</v></c></row>')

    assert "cell addressed in an unreadable way" in str(refused("odd.xlsx", data))


@pytest.mark.parametrize(
    "cells",
    [
        '<c r="A00000001"><v>1</v></c><c r="XFD1048576"><v>1</v></c>',
        '<c r="A1"><v>1</v></c><c r="B1" r="XFD1048576"><v>1</v></c>',
        '<c r="A1"><v>1</v></c><c s="0" r="B1" r="XFD1048576"><v>1</v></c>',
    ],
)
def test_far_away_cell_written_to_slip_past_a_scan_is_still_refused(cells: str) -> None:
    # Each is under 10 kB; calamine 0.9.1 would allocate 17 billion cells for it and abort.
    data = xlsx_with_sheet_data(f'<row r="1">{cells}</row>')
    assert len(data) < 10_000

    assert "reaches row 1,048,576 and column XFD" in str(refused("sparse.xlsx", data))


def cell_scan(text: bytes, chunk: int) -> tuple[int, int] | None:
    scan = cell_extent.CellExtentScan()
    for start in range(0, len(text), chunk):
        scan.feed(text[start : start + chunk])
    return scan.finish()


def generated_sheet(seed: int) -> tuple[bytes, tuple[int, int]]:
    """Sheet XML as Excel writes it, with references of every length (some with leading zeros),
    and the farthest row and column among them."""
    rng = random.Random(seed)
    parts = ['<worksheet><cols><col min="1" max="3" width="9" customWidth="1"/></cols><sheetData>']
    rows = columns = 0
    for row in range(1, 200):
        parts.append(f'<row r="{row}" spans="1:3">')
        for _ in range(rng.randint(0, 4)):
            number, column = rng.choice([row, row, rng.randint(1, 9_999_999)]), rng.randint(1, 16_384)
            digits = str(number).zfill(rng.choice([0, 0, 0, 8]))
            rows, columns = max(rows, number), max(columns, column)
            style = rng.choice(["", ' s="1"', ' t="n"', ' s="12" t="inlineStr"'])
            parts.append(f'<c r="{column_letters(column)}{digits}"{style}><v>{rng.random()}</v></c>')
        parts.append("</row>")
    parts.append('</sheetData><pageMargins left="0.7" right="0.7" header="0.3" footer="0.3"/></worksheet>')
    return "".join(parts).encode(), (rows, columns)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_cell_scan_measures_exactly_in_any_chunks(seed: int) -> None:
    text, reach = generated_sheet(seed)

    assert cell_extent.cell_extent_slow("sheet.xlsx", text) == reach
    for chunk in (5, 31, 127, 128, 129, 1000, len(text)):
        assert cell_scan(text, chunk) == reach, chunk


@pytest.mark.parametrize(
    "hidden",
    [
        '<c r="B2" r="XFD1048576"><v>1</v></c>',  # a second r
        '<c r="B2" s="1"r="XFD1048576"><v>1</v></c>',  # a second r after a quote
        "<c><v>1</v></c>",  # a cell placed after the one before it
        '<c s="1" r="B2"><v>1</v></c>',  # r not first
        '<c r="b2"><v>1</v></c>',  # lower case
    ],
)
def test_fast_cell_scan_leaves_any_other_form_to_the_exact_scan_wherever_a_chunk_ends(hidden: str) -> None:
    text, _ = generated_sheet(4)
    at = text.index(b"</row>", len(text) // 2)
    text = text[:at] + hidden.encode() + text[at:]

    for offset in range(len(hidden) + 8):  # a chunk boundary at every byte of the odd tag
        assert cell_scan(text, at - 4 + offset) is None, offset


@pytest.mark.parametrize("stretch", [13, 97, 4096])
def test_fast_cell_scan_is_exact_however_a_chunk_is_cut_into_stretches(
    monkeypatch: pytest.MonkeyPatch, stretch: int
) -> None:
    monkeypatch.setattr(cell_extent, "_SCAN_STRETCH", stretch)
    text, reach = generated_sheet(5)
    at = text.index(b"</row>", len(text) // 2)
    hidden = text[:at] + b'<c r="B2" r="XFD1048576"><v>1</v></c>' + text[at:]

    assert cell_scan(text, len(text)) == reach
    assert cell_scan(hidden, len(hidden)) is None


def shared_strings(declared: str, entries: list[str]) -> bytes:
    items = "".join(f"<si><t>{entry}</t></si>" for entry in entries)
    return (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(entries)}" {declared}>{items}</sst>'
    ).encode()


def test_shared_strings_are_read_as_excel_writes_them() -> None:
    sheet = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    data = replace_members(
        xlsx_with_sheet_data(sheet),
        {"xl/sharedStrings.xml": shared_strings('uniqueCount="2"', ["Employee", "Band"])},
    )

    [staff] = read_workbook("strings.xlsx", data)

    assert staff.rows == [["Employee", "Band"]]


@pytest.mark.parametrize("member", ["xl/sharedStrings.xml", "xl/SharedStrings.xml"])
def test_shared_strings_declaring_billions_are_refused_before_calamine_reserves_room(member: str) -> None:
    # calamine 0.9.1 reserves 24 bytes per declared string (96 GB here) before reading any, and aborts
    data = replace_members(xlsx({"Staff": [["x"]]}), {member: shared_strings('uniqueCount="4000000000"', ["x"])})

    assert "declares more shared text entries than it holds" in str(refused("strings.xlsx", data))


def test_shared_strings_may_declare_no_more_than_their_bytes_could_hold() -> None:
    # every string takes at least the five bytes of <si/>
    size = len(shared_strings('uniqueCount="000"', ["x"]))  # every value below is three characters
    cases = {f'"{size // 5:03}"': True, f'"{size // 5 + 1:03}"': False, "'003'": True, '"-01"': False, '"1e9"': False}

    for declared, accepted in cases.items():
        data = replace_members(
            xlsx({"Staff": [["x"]]}), {"xl/sharedStrings.xml": shared_strings(f"uniqueCount={declared}", ["x"])}
        )
        if accepted:
            assert read_workbook("strings.xlsx", data)[0].rows == [["x"]], declared
        else:
            assert "shared text entries" in str(refused("strings.xlsx", data)), declared


def test_empty_text_cells_read_as_blank_like_missing_ones() -> None:
    data = xlsx_with_sheet_data(
        '<row r="1"><c r="A1" t="inlineStr"><is><t></t></is></c><c r="B1"><v>1</v></c>'
        '<c r="D1" t="inlineStr"><is><t>x</t></is></c></row>'
    )

    [sheet] = read_workbook("blank.xlsx", data)

    assert sheet.rows == [[None, 1.0, None, "x"]]


def test_reading_leaves_the_garbage_collector_as_it_found_it() -> None:
    assert gc.isenabled()
    read_workbook("a.xlsx", xlsx({"Staff": TABLE}))
    assert gc.isenabled()
    # calamine fails on row 0 after the checks have passed, while rows are being read
    assert "the sheet is damaged" in str(refused("zero.xlsx", xlsx_with_sheet_data('<row r="1"><c r="A0"/></row>')))
    assert gc.isenabled()

    gc.disable()
    try:
        read_workbook("a.xlsx", xlsx({"Staff": TABLE}))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_ods_repeated_value_cells_are_refused_before_calamine_expands_them() -> None:
    # 100,000 rows of 1,000 repeated value cells: calamine 0.9.1 aborts on this
    row = f'<table:table-row table:number-rows-repeated="100000">{value_cell(7, 1000)}</table:table-row>'
    data = ods_with_table(row)
    assert len(data) < 10_000

    error = refused("repeat.ods", data)

    assert "reaches row 100,000 and column ALL" in str(error)


def test_ods_trailing_empty_repeats_are_not_counted() -> None:
    # what LibreOffice writes after the data: empty rows repeated to the bottom of the sheet
    data = ods_with_table(
        f"<table:table-row>{value_cell(1)}{value_cell(2)}"
        '<table:table-cell table:number-columns-repeated="1022"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )

    [sheet] = read_workbook("libre.ods", data)

    assert sheet.rows == [[1, 2]]


def test_ods_reach_counts_empty_rows_between_values(monkeypatch: pytest.MonkeyPatch) -> None:
    data = ods_with_table(
        f"<table:table-row>{value_cell(1)}</table:table-row>"
        '<table:table-row table:number-rows-repeated="38"><table:table-cell/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="3"/>{value_cell(2)}</table:table-row>'
    )
    monkeypatch.setattr(limits, "MAX_CELLS", 40 * 4 - 1)
    assert refused("gap.ods", data).sheet is None

    monkeypatch.setattr(limits, "MAX_CELLS", 40 * 4)
    [sheet] = read_workbook("gap.ods", data)
    assert (len(sheet.rows), sheet.rows[0][0], sheet.rows[-1]) == (40, 1, [None, None, None, 2])


def test_xls_column_past_the_format_limit_is_refused_before_calamine() -> None:
    # a NUMBER record moved to column 65,535: calamine 0.9.1 aborts on this when opening
    data = patch_xls_number(xls({"Staff": [["E001"], [1234.56789]]}), 1234.56789, row=65535, column=65535)

    error = refused("patched.xls", data)

    assert "reaches row 65,536 and column" in str(error)


def test_xls_reach_is_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    data = patch_xls_number(xls({"Staff": [["E001"], [1234.56789]]}), 1234.56789, row=39, column=3)
    monkeypatch.setattr(limits, "MAX_CELLS", 40 * 4 - 1)
    assert refused("reach.xls", data).sheet is None

    monkeypatch.setattr(limits, "MAX_CELLS", 40 * 4)
    [sheet] = read_workbook("reach.xls", data)
    assert (len(sheet.rows), sheet.rows[-1]) == (40, [None, None, None, 1234.56789])


def test_xls_dimensions_record_claiming_a_huge_sheet_is_refused() -> None:
    data = bytearray(xls({"Staff": [["E001"]]}))
    dimensions = data.find(b"\x00\x02\x0e\x00")  # DIMENSIONS, 14 bytes
    struct.pack_into("<IIHH", data, dimensions + 4, 0, 4_000_000_000, 0, 200)

    assert "reaches row 4,000,000,000 and column GR" in str(refused("dims.xls", bytes(data)))


def test_too_many_cells_in_a_workbook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CELLS", 99)
    rows = [[f"r{r}c{c}" for c in range(10)] for r in range(10)]

    for name, data in [("big.xlsx", xlsx({"A": rows})), ("big.xls", xls({"A": rows})), ("big.ods", ods({"A": rows}))]:
        error = refused(name, data)
        assert "more than the 99 cells this service reads" in str(error), name

    monkeypatch.setattr(limits, "MAX_CELLS", 100)
    assert len(read_workbook("ok.xlsx", xlsx({"A": rows}))[0].rows) == 10


def test_cell_limit_counts_all_sheets_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CELLS", 150)
    rows = [["x"] * 10 for _ in range(10)]

    error = refused("two.xls", xls({"One": rows, "Two": rows}))

    assert "in all" in str(error) or "up to this sheet" in str(error)


def test_too_many_csv_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 3)

    assert "more than 3 rows" in str(refused("long.csv", b"a\nb\nc\nd\n"))


def test_file_over_the_size_limit_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 10)

    assert "more than the 0 MB" in str(refused("big.csv", b"a,b\n" * 10))


# --- read_path and no disk writes --------------------------------------------------------------


def test_read_path_reads_the_file_and_names_it(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "staff.csv"  # type: ignore[operator]
    path.write_bytes(b"Employee,Band\nE001,Band 5\n")

    [sheet] = read_path(path)

    assert (sheet.file, sheet.rows) == ("staff.csv", [["Employee", "Band"], ["E001", "Band 5"]])


def test_read_path_missing_file_is_an_input_error(tmp_path: pytest.TempPathFactory) -> None:
    with pytest.raises(InputError, match="'missing.xlsx': the file could not be opened"):
        read_path(tmp_path / "missing.xlsx")  # type: ignore[operator]


def test_reading_writes_nothing_to_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "a.xlsx": xlsx({"Staff": TABLE}),
        "a.xls": xls({"Staff": TABLE}),
        "a.ods": ods({"Staff": TABLE}),
        "a.csv": csv_bytes([["a", "b"], ["1", "2"]]),
    }

    def no_disk(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"touched the disk: {args}")

    monkeypatch.setattr(builtins, "open", no_disk)
    monkeypatch.setattr(io, "open", no_disk)
    for maker in ("TemporaryFile", "NamedTemporaryFile", "SpooledTemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, maker, no_disk)

    for name, data in files.items():
        assert read_workbook(name, data), name


def test_files_named_on_the_command_line_get_the_local_limits(monkeypatch, tmp_path):
    """Upload limits protect a shared server; a file the user names on their own machine is read past them."""
    from pipeline.api import read_paths, read_sources

    monkeypatch.setattr(limits, "MAX_ROWS", 5)
    text = "Employee ID,Ethnicity,Grade\n" + "".join(f"{n},White,G1\n" for n in range(10))
    with pytest.raises(InputError, match="more than 5 rows"):
        read_sources([Source("staff.csv", text.encode(), None)])
    path = tmp_path / "staff.csv"
    path.write_text(text)
    assert len(read_paths([str(path)]).loaded.datasets["staff"]) == 10
    with pytest.raises(InputError, match="more than 5 rows"):  # and the limits are back afterwards
        read_sources([Source("staff.csv", text.encode(), None)])
