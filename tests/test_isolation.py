"""Uploaded data stays in the uploading person's session: another session never sees it, and nothing
person-level is written to disk or to the log."""

import logging
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from ui.apptest import served_navigation
from ui.safe import plain

APP = str(Path(__file__).resolve().parent.parent / "app.py")
# Staff numbers and a salary no sample file holds, so finding one anywhere means it leaked from here.
STAFF_IDS = [f"ZQ{n:06d}" for n in range(40)]
SALARY = "98765.43"


@pytest.fixture(autouse=True)
def setup(tmp_path, monkeypatch):
    monkeypatch.setenv("WRES_DATABASE_URL", f"sqlite:///{tmp_path / 'wres.sqlite'}")
    with served_navigation():
        yield


def staff_workbook() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Staff ID", "Ethnic Origin", "Grade", "Annual Salary"])
    for n, staff_id in enumerate(STAFF_IDS):
        workbook.active.append([staff_id, "A White - British" if n % 2 else "N Black or Black British - African",
                                f"Grade {n % 3}", float(SALARY)])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(at: AppTest) -> AppTest:
    at.switch_page("pages/data.py").run()
    at.file_uploader[0].set_value([("private-staff.xlsx", staff_workbook(), "application/octet-stream")]).run()
    next(b for b in at.button if b.label == "Add the files").click().run()
    assert any("Added private-staff.xlsx" in plain(s.value) for s in at.success)
    assert any("private-staff.xlsx" in h.proto.body for h in at.get("html"))  # listed here, so a leak would show
    return at


def test_two_sessions_never_see_each_others_uploads():
    first = upload(AppTest.from_file(APP, default_timeout=120).run())
    second = AppTest.from_file(APP, default_timeout=120).run()
    first.switch_page("pages/pay_and_senior.py").run()
    second.switch_page("pages/pay_and_senior.py").run()
    # 20 of the 40 uploaded, every one's ethnicity known
    assert first.text_area[0].value.startswith("BME staff are 50% of staff whose ethnicity is known")
    assert any("sample data" in plain(i.value) for i in second.info)  # still the sample council
    assert not second.text_area[0].value.startswith("BME staff are 50%")
    second.switch_page("pages/data.py").run()
    assert not any("private-staff.xlsx" in str(frame.value) for frame in second.dataframe)
    assert not any("private-staff.xlsx" in h.proto.body for h in second.get("html"))


def test_nothing_person_level_reaches_the_disk_or_the_log(tmp_path, caplog):
    root = Path(__file__).resolve().parent.parent
    before = {p: p.stat().st_mtime for p in root.rglob("*") if p.is_file() and ".venv" not in p.parts}
    caplog.set_level(logging.DEBUG)
    at = upload(AppTest.from_file(APP, default_timeout=120).run())
    for page in ("pages/overview.py", "pages/pay_and_senior.py", "pages/trends.py", "pages/report.py"):
        at.switch_page(page).run()
        assert not at.exception
    # Saving a period keeps counts only.
    at.switch_page("pages/trends.py").run()
    next(b for b in at.button if b.label.startswith("Save these figures as")).click().run()
    assert not at.exception
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    written += [p for p in root.rglob("*") if p.is_file() and ".venv" not in p.parts
                and ("__pycache__" not in p.parts) and before.get(p) != p.stat().st_mtime]
    assert any(p.name == "wres.sqlite" for p in written)  # the database, at least, was written
    for path in written:
        data = path.read_bytes()
        for secret in (*STAFF_IDS[:5], SALARY, "private-staff.xlsx"):
            assert secret.encode() not in data, f"{secret} found in {path}"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in (*STAFF_IDS[:5], SALARY):
        assert secret not in logged
