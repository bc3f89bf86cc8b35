"""The large staff workbook the benchmarks (python -m benchmarks) and the upload load test (loadtest.uploads)
read: made here, in a temporary folder, rather than kept in the repository."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path

from openpyxl import Workbook


def make_workbook(rows: int, path: Path) -> None:
    """A staff export of `rows` people shaped like the sample council's (title rows, coded labels)."""
    rng = random.Random(2026)
    labels = ["A White - British"] * 12 + [
        "B White - Irish", "C White - Any other White background", "H Asian or Asian British - Indian",
        "J Asian or Asian British - Pakistani", "M Black or Black British - Caribbean",
        "N Black or Black British - African", "D Mixed - White and Black Caribbean", "Z Not Stated", None,
    ]
    services = ["Adult Social Care", "Children's Services", "Business Support"]
    titles = ["Care Worker", "Social Worker", "Senior Social Worker", "Occupational Therapist", "Team Manager"]
    wb = Workbook(write_only=True)
    sheet = wb.create_sheet("Staff in post")
    sheet.append(["Benchmark Borough Council"])
    sheet.append(["Social care workforce snapshot as at 31/03/2026"])
    sheet.append([])
    sheet.append(["Employee No", "Job Title", "Service Area", "Team", "Grade", "Annual Salary", "Ethnic Origin",
                  "Gender", "Date Started", "Leaving Date", "Senior Manager", "Registered Professional"])
    for n in range(rows):
        grade = rng.randint(3, 14)
        leave = dt.datetime(2025, 4, 1) + dt.timedelta(days=rng.randint(0, 364)) if rng.random() < 0.12 else None
        sheet.append([
            100000 + n, rng.choice(titles), rng.choice(services), f"Team {rng.randint(1, 40)}",
            f"Grade {grade}", 18000 + grade * 4200 + rng.randint(0, 3000), rng.choice(labels),
            rng.choice(["Female", "Male"]), dt.datetime(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 5800)),
            leave, "Y" if grade >= 13 else "N", "Y" if rng.random() < 0.3 else "N",
        ])
    sheet.append(["Total", rows])
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
