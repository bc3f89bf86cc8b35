"""Uploads in a real browser, where the file travels to the server before the uploader holds it."""

from __future__ import annotations

import time

from tests.browser.serving import require_chromium, settle

require_chromium()

from playwright.sync_api import expect  # noqa: E402

from ui.data_view import WAITING_TEXT  # noqa: E402

expect.set_options(timeout=30_000)


def _staff_workbook(path) -> None:  # noqa: ANN001 - a pathlib.Path
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Employee No", "Ethnic Origin", "Grade"])
    for n in range(24):
        workbook.active.append([n, "A White - British" if n % 2 else "H Asian or Asian British - Indian", "Grade 1"])
    workbook.save(path)


def test_add_pressed_while_the_file_is_still_uploading_adds_it_once_it_has_arrived(server, page, tmp_path):
    path = tmp_path / "staff.xlsx"
    _staff_workbook(path)
    page.goto(f"{server}/data")
    settle(page)
    # The upload is held on its way to the server, as a slow connection would hold it.
    held = []
    page.route("**/_stcore/upload_file/**", lambda route: held.append(route))
    page.locator('input[type="file"]').set_input_files(str(path))
    deadline = time.monotonic() + 30
    while not held:
        assert time.monotonic() < deadline, "the browser never sent the file"
        page.wait_for_timeout(50)
    page.get_by_role("button", name="Add the files").click()
    expect(page.get_by_text(WAITING_TEXT)).to_be_visible()
    settle(page)
    assert page.get_by_text("Added staff.xlsx").count() == 0
    held[0].continue_()  # the file arrives
    expect(page.get_by_text("Added staff.xlsx")).to_be_visible()
    expect(page.get_by_text(WAITING_TEXT)).to_have_count(0)
    assert page.locator('[data-testid="stException"]').count() == 0
