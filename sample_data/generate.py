"""Wexcombe Borough Council: a fictional council's social care HR exports, made by a seeded simulation.

One workforce of about 2,000 staff is simulated from April 2023 to March 2026 (stable
employee numbers, starters, leavers, promotions, pay awards), and each 31 March snapshot is
written as the files an HR, recruitment, learning and survey system would export:

    wexcombe/2024-03-31/staff.xlsx, recruitment.xlsx, disciplinary.xlsx,
                        fitness_to_practise.xlsx, cpd.xlsx, survey.csv
    wexcombe/2025-03-31/...
    wexcombe/2026-03-31/...

The disproportionality the councils' action plans describe is built in: minority-ethnic staff
over-represented in care grades and under-represented among senior managers, less often
appointed from shortlisting, more often in disciplinary and fitness to practise, more often
leaving (more so in children's services), more often harassed; each ratio improves a little
each year. Run `python -m sample_data.generate [--out DIR]`; the output is deterministic.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

T = TypeVar("T")

SEED = 20260331
COUNCIL = "Wexcombe Borough Council"
DEFAULT_OUT = Path(__file__).resolve().parent / "wexcombe"
FIRST_PERIOD_START = dt.date(2023, 4, 1)
SNAPSHOTS: tuple[dt.date, ...] = (dt.date(2024, 3, 31), dt.date(2025, 3, 31), dt.date(2026, 3, 31))

ADULTS = "Adult Social Care"
CHILDRENS = "Children's Services"
BUSINESS = "Business Support"

SWE = "Social Work England"
HCPC = "HCPC"

# --- the "true" disproportionality, one value per year (2023/24, 2024/25, 2025/26) -----------
# SC-WRES direction throughout: minority-ethnic rate over white rate.
APPOINTMENT_RATIO = (0.65, 0.72, 0.78)
DISCIPLINARY_RATIO = (1.7, 1.6, 1.5)
FITNESS_TO_PRACTISE_RATIO = (2.2, 2.0, 1.8)
CPD_RATIO = (0.85, 0.90, 0.95)
HARASSMENT_RATIO = {
    "public": (1.25, 1.20, 1.15),
    "colleagues": (1.35, 1.30, 1.25),
    "managers": (1.90, 1.80, 1.70),
}
# Brighton's plan: the leaving gap is in children's social care, not adults'.
LEAVING_RATIO = {ADULTS: (1.12, 1.08, 1.05), CHILDRENS: (1.70, 1.60, 1.50), BUSINESS: (1.20, 1.15, 1.10)}
LEAVING_RATE = {ADULTS: 0.13, CHILDRENS: 0.15, BUSINESS: 0.12}
PROMOTION_WEIGHT_BME = 0.75

HARASSMENT_RATE_WHITE = {"public": 0.26, "colleagues": 0.13, "managers": 0.075}
SURVEY_RESPONSE_RATE = {"white": 0.57, "bme": 0.51}
SHORTLISTING_RATE = {"white": 0.37, "bme": 0.33, "unknown": 0.35}
APPOINTED_FROM_SHORTLIST = 0.30
WITHDRAWN_FROM_SHORTLIST = 0.06

# Share of each role's staff who are minority ethnic, relative to the council-wide base:
# care grades above it, management below, senior managers at about a third.
TIER_BME_MULTIPLIER = {"care": 1.40, "support": 1.15, "professional": 0.90, "manager": 0.65, "senior": 0.33}
TRUE_BME_SHARE = 0.285
STARTER_BME_UPLIFT = (1.04, 1.07, 1.10)

UNRECORDED_AT_START = 0.085
UNRECORDED_STARTERS = 0.06
DISCLOSED_EACH_YEAR = 0.06

ESTABLISHMENT_FILLED = 0.965
ESTABLISHMENT_GROWTH = (1.00, 1.01, 1.02)
INTERNAL_FILL_SHARE = 0.45
# Pay awards: 2023/24 spine values, then 2.5% (2024/25) and 3.2% (2025/26).
PAY_FACTOR = (1.0, 1.025, 1.0578)

GRADES: tuple[str, ...] = (
    "Grade 3", "Grade 4", "Grade 5", "Grade 6", "Grade 7", "Grade 8", "Grade 9", "Grade 10",
    "Grade 11", "Grade 12", "SM1", "SM2", "SM3",
)
# First spine point of each grade in 2023/24 and the step between points.
_SPINE_START = {
    "Grade 3": 21_189, "Grade 4": 22_737, "Grade 5": 24_496, "Grade 6": 26_873, "Grade 7": 29_777,
    "Grade 8": 32_909, "Grade 9": 36_648, "Grade 10": 40_476, "Grade 11": 44_711, "Grade 12": 49_498,
    "SM1": 70_152, "SM2": 83_460, "SM3": 103_512,
}


def _spine(grade: str) -> tuple[int, ...]:
    senior = grade.startswith("SM")
    points, step = (3, 0.045) if senior else (4, 0.018)
    start = _SPINE_START[grade]
    return tuple(int(round(start * (1 + step) ** i)) for i in range(points))


SPINE: dict[str, tuple[int, ...]] = {grade: _spine(grade) for grade in GRADES}

NHS_ETHNIC_ORIGIN: dict[str, str] = {
    "A": "A White - British",
    "B": "B White - Irish",
    "C": "C White - Any other White background",
    "D": "D Mixed - White and Black Caribbean",
    "E": "E Mixed - White and Black African",
    "F": "F Mixed - White and Asian",
    "G": "G Mixed - Any other mixed background",
    "H": "H Asian or Asian British - Indian",
    "J": "J Asian or Asian British - Pakistani",
    "K": "K Asian or Asian British - Bangladeshi",
    "L": "L Asian or Asian British - Any other Asian background",
    "M": "M Black or Black British - Caribbean",
    "N": "N Black or Black British - African",
    "P": "P Black or Black British - Any other Black background",
    "R": "R Other Ethnic Groups - Chinese",
    "S": "S Other Ethnic Groups - Any other ethnic group",
    "Z": "Z Not Stated",
}
WHITE_CODES = ("A", "B", "C")
WHITE_CODE_WEIGHTS = (0.84, 0.03, 0.13)
BME_CODES = ("D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S")
BME_CODE_WEIGHTS = (0.06, 0.03, 0.04, 0.03, 0.13, 0.10, 0.03, 0.06, 0.12, 0.29, 0.03, 0.02, 0.06)

CENSUS_WHITE: tuple[tuple[str, float], ...] = (
    ("White: English, Welsh, Scottish, Northern Irish or British", 0.82),
    ("White: Irish", 0.03),
    ("White: Gypsy or Irish Traveller", 0.005),
    ("White: Roma", 0.005),
    ("White: Other White", 0.14),
)
CENSUS_BME: tuple[tuple[str, float], ...] = (
    ("Mixed or Multiple ethnic groups: White and Black Caribbean", 0.04),
    ("Mixed or Multiple ethnic groups: White and Black African", 0.02),
    ("Mixed or Multiple ethnic groups: White and Asian", 0.03),
    ("Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups", 0.02),
    ("Asian, Asian British or Asian Welsh: Indian", 0.13),
    ("Asian, Asian British or Asian Welsh: Pakistani", 0.11),
    ("Asian, Asian British or Asian Welsh: Bangladeshi", 0.04),
    ("Asian, Asian British or Asian Welsh: Chinese", 0.02),
    ("Asian, Asian British or Asian Welsh: Other Asian", 0.05),
    ("Black, Black British, Black Welsh, Caribbean or African: African", 0.31),
    ("Black, Black British, Black Welsh, Caribbean or African: Caribbean", 0.10),
    ("Black, Black British, Black Welsh, Caribbean or African: Other Black", 0.03),
    ("Other ethnic group: Arab", 0.04),
    ("Other ethnic group: Any other ethnic group", 0.06),
)
# Applicants are more diverse than staff: about 40% of those who state one are minority ethnic.
APPLICANT_GROUP_WEIGHTS = {"white": 0.555, "bme": 0.375, "unknown": 0.07}

# How staff describe themselves in the survey's free-text box, by their NHS code.
SURVEY_ETHNICITY: dict[str, tuple[tuple[str, int], ...]] = {
    "A": (("White British", 6), ("White - British", 2), ("White English", 1), ("British", 1)),
    "B": (("White - Irish", 2), ("Irish", 1)),
    "C": (("Any other White background", 3), ("White - Other", 2), ("White European", 1), ("Polish", 1)),
    "D": (("Mixed - White and Black Caribbean", 1),),
    "E": (("Mixed - White and Black African", 1),),
    "F": (("Mixed - White and Asian", 1),),
    "G": (("Mixed - Any other mixed background", 1), ("Mixed", 1)),
    "H": (("Indian", 3), ("Asian - Indian", 1), ("British Indian", 1)),
    "J": (("Pakistani", 3), ("Asian - Pakistani", 1)),
    "K": (("Bangladeshi", 1),),
    "L": (("Any other Asian background", 1), ("Sri Lankan", 1)),
    "M": (("Black Caribbean", 3), ("Black - Caribbean", 1)),
    "N": (("Black African", 3), ("Black - African", 1), ("Nigerian", 1)),
    "P": (("Black British", 1), ("Black - Other", 1)),
    "R": (("Chinese", 1),),
    "S": (("Any other ethnic group", 1), ("Arab", 1)),
}

STAFF_HEADINGS = (
    "Employee No", "Job Title", "Service Area", "Team", "Grade", "Annual Salary", "Ethnic Origin",
    "Gender", "Disability", "Date Started", "Leaving Date", "Senior Manager", "Registered Professional",
    *("Weekly Contracted Hours", "Ordinary Pay", "Bonus Pay (12 months)", "Full Pay Relevant"),
)
# The payroll's columns for the pay gaps (metrics.paygap): the snapshot month's ordinary pay, the hours, bonus pay in
# the 12 months to the snapshot and whether the person was on full pay that month. Drawn from a generator of each
# person's own (seeded by PAYROLL_SEED, their employee number and the year), so the simulation's one stream, and
# with it every WRES figure, is what it was before these columns were added.
PAYROLL_SEED = 20260401
STANDARD_HOURS = 37.0
# Share of each tier working part time; women more often than men (ONS: about 4 in 10 women in public
# administration and care work part time, about 1 in 8 men).
PART_TIME_SHARE = {"care": 0.45, "support": 0.35, "professional": 0.22, "manager": 0.10, "senior": 0.04}
PART_TIME_BY_GENDER = {"Female": 1.2, "Male": 0.45}
PART_TIME_HOURS = (15.0, 18.5, 20.0, 22.5, 25.0, 30.0)
# On reduced or nil pay for leave in the snapshot month (maternity, long sickness on half pay): not full-pay relevant.
REDUCED_PAY_SHARE = {"Female": 0.035, "Male": 0.012}
# Children's social workers' retention payment (a bonus under the regulations: paid to keep them), and long service
# or recognition awards for a few of anyone.
RETENTION_PAYMENT = 2_000
RETENTION_TAKE_UP = 0.6
RECOGNITION_SHARE = 0.04
RECOGNITION_AWARDS = (75, 100, 150, 250)
RECRUITMENT_HEADINGS = (
    "Vacancy Ref", "Post", "Service", "Applicant ID", "Ethnic Group", "Shortlisted", "Outcome",
    "Application Date",
)
DISCIPLINARY_HEADINGS = ("Case Ref", "Employee No", "Case Type", "Date Opened")
FTP_HEADINGS = ("Referral Ref", "Employee No", "Regulator", "Referral Date")
CPD_HEADINGS = ("Employee No", "Course Title", "Funded", "Mandatory", "Course Date")
SURVEY_HEADINGS = (
    "Respondent", "Service", "Ethnicity", "Harassment from public", "Harassment from colleagues",
    "Harassment from managers",
)
DATE_FORMAT = "dd/mm/yyyy"


# --- the establishment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    service: str
    title: str
    grades: tuple[str, ...]
    establishment: int
    teams: tuple[str, ...]
    regulator: str | None = None
    feeder: str | None = None  # the title, in the same service, promoted into this role
    provider: bool = False  # direct care (the survey's "Provider Services")

    @property
    def registered(self) -> bool:
        return self.regulator is not None

    @property
    def senior(self) -> bool:
        return self.grades[-1].startswith("SM")

    @property
    def tier(self) -> str:
        top = GRADES.index(self.grades[-1])
        if self.senior:
            return "senior"
        if top <= GRADES.index("Grade 5"):
            return "care"
        if top <= GRADES.index("Grade 7"):
            return "support"
        if top <= GRADES.index("Grade 10"):
            return "professional"
        return "manager"

    @property
    def rank(self) -> int:
        return GRADES.index(self.grades[-1])


_ADULT_CASEWORK = (
    "Locality Team North", "Locality Team South", "Locality Team East", "Hospital Discharge Team",
    "Learning Disability Team", "Mental Health Team", "Safeguarding Adults Team",
)
_CHILDREN_CASEWORK = (
    "Front Door and MASH", "Assessment Team", "Child in Need Team", "Child Protection and Court Team",
    "Children in Care Team", "Children with Disabilities Team", "Fostering Service",
)
_HOME_CARE = ("Home Care North", "Home Care South", "Elmfield House (Residential)", "Day Opportunities")
_CHILDRENS_HOMES = ("Oakwood Children's Home", "Beech House Children's Home")

ROLES: tuple[Role, ...] = (
    Role(ADULTS, "Care Worker", ("Grade 3", "Grade 4"), 330, _HOME_CARE, provider=True),
    Role(ADULTS, "Senior Care Worker", ("Grade 5",), 90, _HOME_CARE, feeder="Care Worker", provider=True),
    Role(ADULTS, "Reablement Support Worker", ("Grade 4",), 130, ("Reablement Service",), provider=True),
    Role(ADULTS, "Reablement Coordinator", ("Grade 6",), 20, ("Reablement Service",),
         feeder="Reablement Support Worker", provider=True),
    Role(ADULTS, "Day Services Officer", ("Grade 4",), 25, ("Day Opportunities",), provider=True),
    Role(ADULTS, "Care Home Manager", ("Grade 11",), 6, ("Elmfield House (Residential)",), provider=True),
    Role(ADULTS, "Community Care Assessor", ("Grade 6",), 70, _ADULT_CASEWORK, feeder="Senior Care Worker"),
    Role(ADULTS, "Occupational Therapy Assistant", ("Grade 5",), 25, ("Occupational Therapy Service",)),
    Role(ADULTS, "Social Worker", ("Grade 8", "Grade 9"), 200, _ADULT_CASEWORK, SWE),
    Role(ADULTS, "Senior Social Worker", ("Grade 10",), 65, _ADULT_CASEWORK, SWE, feeder="Social Worker"),
    Role(ADULTS, "Approved Mental Health Professional", ("Grade 10",), 18, ("AMHP Service",), SWE,
         feeder="Social Worker"),
    Role(ADULTS, "Occupational Therapist", ("Grade 8", "Grade 9"), 45,
         ("Occupational Therapy Service", "Hospital Discharge Team"), HCPC),
    Role(ADULTS, "Senior Occupational Therapist", ("Grade 10",), 14, ("Occupational Therapy Service",), HCPC,
         feeder="Occupational Therapist"),
    Role(ADULTS, "Assistant Team Manager", ("Grade 11",), 30, _ADULT_CASEWORK, feeder="Senior Social Worker"),
    Role(ADULTS, "Team Manager", ("Grade 12",), 32, _ADULT_CASEWORK, feeder="Assistant Team Manager"),
    Role(ADULTS, "Principal Social Worker", ("Grade 12",), 1, ("ASC Directorate",), SWE),
    Role(ADULTS, "Service Manager", ("SM1",), 20, ("ASC Directorate",), feeder="Team Manager"),
    Role(ADULTS, "Head of Service", ("SM2",), 7, ("ASC Directorate",), feeder="Service Manager"),
    Role(ADULTS, "Assistant Director", ("SM3",), 2, ("ASC Directorate",), feeder="Head of Service"),
    Role(ADULTS, "Director of Adult Social Care", ("SM3",), 1, ("ASC Directorate",)),
    Role(CHILDRENS, "Residential Care Worker", ("Grade 4", "Grade 5"), 95, _CHILDRENS_HOMES, provider=True),
    Role(CHILDRENS, "Senior Residential Care Worker", ("Grade 6",), 22, _CHILDRENS_HOMES,
         feeder="Residential Care Worker", provider=True),
    Role(CHILDRENS, "Residential Home Manager", ("Grade 11",), 3, _CHILDRENS_HOMES,
         feeder="Senior Residential Care Worker", provider=True),
    Role(CHILDRENS, "Contact Supervisor", ("Grade 4",), 30, ("Contact Service",)),
    Role(CHILDRENS, "Family Support Worker", ("Grade 5",), 110,
         ("Early Help Hub", "Family Support Service", "Edge of Care Team")),
    Role(CHILDRENS, "Social Work Assistant", ("Grade 5",), 30, _CHILDREN_CASEWORK),
    Role(CHILDRENS, "Early Help Practitioner", ("Grade 6",), 60, ("Early Help Hub",),
         feeder="Family Support Worker"),
    Role(CHILDRENS, "Personal Adviser", ("Grade 6",), 35, ("Leaving Care Team",)),
    Role(CHILDRENS, "Social Worker", ("Grade 8", "Grade 9"), 220, _CHILDREN_CASEWORK, SWE),
    Role(CHILDRENS, "Occupational Therapist", ("Grade 8", "Grade 9"), 6,
         ("Children with Disabilities Team",), HCPC),
    Role(CHILDRENS, "Senior Social Worker", ("Grade 10",), 70, _CHILDREN_CASEWORK, SWE, feeder="Social Worker"),
    Role(CHILDRENS, "Advanced Practitioner", ("Grade 11",), 22, _CHILDREN_CASEWORK, SWE,
         feeder="Senior Social Worker"),
    Role(CHILDRENS, "Independent Reviewing Officer", ("Grade 11",), 16, ("Independent Reviewing Service",), SWE,
         feeder="Senior Social Worker"),
    Role(CHILDRENS, "Assistant Team Manager", ("Grade 11",), 24, _CHILDREN_CASEWORK,
         feeder="Senior Social Worker"),
    Role(CHILDRENS, "Team Manager", ("Grade 12",), 38, _CHILDREN_CASEWORK, feeder="Assistant Team Manager"),
    Role(CHILDRENS, "Principal Social Worker", ("Grade 12",), 1, ("Quality Assurance",), SWE),
    Role(CHILDRENS, "Service Manager", ("SM1",), 18, ("Children's Directorate",), feeder="Team Manager"),
    Role(CHILDRENS, "Head of Service", ("SM2",), 6, ("Children's Directorate",), feeder="Service Manager"),
    Role(CHILDRENS, "Assistant Director", ("SM3",), 2, ("Children's Directorate",), feeder="Head of Service"),
    Role(CHILDRENS, "Director of Children's Services", ("SM3",), 1, ("Children's Directorate",)),
    Role(BUSINESS, "Business Support Officer", ("Grade 3", "Grade 4"), 62,
         ("Business Support (Adults)", "Business Support (Children's)")),
    Role(BUSINESS, "Senior Business Support Officer", ("Grade 5",), 20,
         ("Business Support (Adults)", "Business Support (Children's)"), feeder="Business Support Officer"),
    Role(BUSINESS, "Business Support Team Leader", ("Grade 7",), 8,
         ("Business Support (Adults)", "Business Support (Children's)"), feeder="Senior Business Support Officer"),
    Role(BUSINESS, "Performance and Data Analyst", ("Grade 8",), 7, ("Performance and Intelligence",)),
    Role(BUSINESS, "Business Support Manager", ("Grade 10",), 3, ("Business Support (Adults)",),
         feeder="Business Support Team Leader"),
    Role(BUSINESS, "Head of Business Support", ("SM1",), 1, ("Business Support (Adults)",),
         feeder="Business Support Manager"),
)
_ROLE_BY_KEY = {(role.service, role.title): role for role in ROLES}
FEMALE_SHARE = {"care": 0.82, "support": 0.85, "professional": 0.83, "manager": 0.74, "senior": 0.62}
DISABILITY = (("No", 0.78), ("Yes", 0.07), ("Not Declared", 0.15))


# --- people --------------------------------------------------------------------------------------


@dataclass
class Employee:
    employee_no: int
    role: Role
    team: str
    ethnic_code: str  # the person's own group (NHS code letter), whether or not HR holds it
    recorded: bool
    unrecorded_as_blank: bool  # printed as a blank cell rather than "Z Not Stated"
    gender: str
    disability: str
    start_date: dt.date
    role_since: dt.date
    grade_step: int = 0
    spine_point: int = 0
    start_date_missing: bool = False
    salary_as_text: bool = False
    leave_date: dt.date | None = None

    @property
    def group(self) -> str:
        return "white" if self.ethnic_code in WHITE_CODES else "bme"

    @property
    def recorded_group(self) -> str:
        return self.group if self.recorded else "unknown"

    @property
    def grade(self) -> str:
        return self.role.grades[self.grade_step]

    def salary(self, year: int) -> int:
        points = SPINE[self.grade]
        return int(round(points[min(self.spine_point, len(points) - 1)] * PAY_FACTOR[year]))

    def ethnic_origin(self) -> str | None:
        if self.recorded:
            return NHS_ETHNIC_ORIGIN[self.ethnic_code]
        return None if self.unrecorded_as_blank else NHS_ETHNIC_ORIGIN["Z"]


@dataclass(frozen=True)
class Period:
    index: int
    start: dt.date
    end: dt.date

    @property
    def short(self) -> str:
        return f"{self.start.year % 100:02d}-{self.end.year % 100:02d}"


def periods() -> list[Period]:
    starts = [FIRST_PERIOD_START, *(end + dt.timedelta(days=1) for end in SNAPSHOTS[:-1])]
    return [Period(i, start, end) for i, (start, end) in enumerate(zip(starts, SNAPSHOTS, strict=True))]


@dataclass
class Snapshot:
    """One 31 March's exports, as rows of cell values (headings excluded)."""

    date: dt.date
    headcount: int
    staff: list[list[object]] = field(default_factory=list)
    recruitment: list[list[object]] = field(default_factory=list)
    disciplinary: list[list[object]] = field(default_factory=list)
    fitness_to_practise: list[list[object]] = field(default_factory=list)
    cpd: list[list[object]] = field(default_factory=list)
    survey: list[list[str]] = field(default_factory=list)


# --- random helpers ------------------------------------------------------------------------------


def _round_half_up(value: float) -> int:
    return int(math.floor(value + 0.5))


def pick(rng: np.random.Generator, items: Sequence[T], rates: Sequence[float]) -> list[T]:
    """The expected number of `items` (sum of their rates, rounded), chosen at random in proportion to rate.

    Fixing the count rather than drawing it keeps each group's realised rate near its target, so
    the year-on-year improvement reads through instead of being swamped by binomial noise.
    """
    count = min(len(items), _round_half_up(float(sum(rates))))
    if count == 0:
        return []
    weights = np.asarray(rates, dtype=float)
    chosen = rng.choice(len(items), size=count, replace=False, p=weights / weights.sum())
    return [items[i] for i in sorted(chosen)]


def pick_by_group(
    rng: np.random.Generator, items: Sequence[T], group_of: Callable[[T], str], rate_of: Callable[[T], float]
) -> list[T]:
    chosen: list[T] = []
    for group in ("white", "bme", "unknown"):
        members = [item for item in items if group_of(item) == group]
        chosen += pick(rng, members, [rate_of(item) for item in members])
    return chosen


def random_date(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def weighted_choice(rng: np.random.Generator, options: Sequence[tuple[str, float]]) -> str:
    weights = np.asarray([weight for _, weight in options], dtype=float)
    return options[int(rng.choice(len(options), p=weights / weights.sum()))][0]


# --- the simulation ------------------------------------------------------------------------------


class _Workforce:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.active: list[Employee] = []
        self.next_employee_no = 100_000
        self.next_applicant_id = 40_000
        # Minority-ethnic starters each tier is owed but has not yet had (fractions carried over
        # from role to role and year to year), so senior roles with a vacancy or two a year still
        # get their share.
        self.bme_starters_owed: dict[str, float] = {}
        total = sum(role.establishment for role in ROLES)
        weighted = sum(role.establishment * TIER_BME_MULTIPLIER[role.tier] for role in ROLES)
        self.bme_base = TRUE_BME_SHARE * total / weighted

    # people

    def bme_share(self, role: Role) -> float:
        return min(0.9, self.bme_base * TIER_BME_MULTIPLIER[role.tier])

    def ethnic_code(self, bme: bool) -> str:
        codes, weights = (BME_CODES, BME_CODE_WEIGHTS) if bme else (WHITE_CODES, WHITE_CODE_WEIGHTS)
        return codes[int(self.rng.choice(len(codes), p=np.asarray(weights) / sum(weights)))]

    def new_employee(self, role: Role, bme: bool, start: dt.date, unrecorded_share: float) -> Employee:
        rng = self.rng
        return Employee(
            employee_no=0,
            role=role,
            team=role.teams[int(rng.integers(len(role.teams)))],
            ethnic_code=self.ethnic_code(bme),
            recorded=bool(rng.random() >= unrecorded_share),
            unrecorded_as_blank=bool(rng.random() < 0.3),
            gender="Female" if rng.random() < FEMALE_SHARE[role.tier] else "Male",
            disability=weighted_choice(rng, DISABILITY),
            start_date=start,
            role_since=start,
            start_date_missing=bool(rng.random() < 0.005),
            salary_as_text=bool(rng.random() < 0.04),
        )

    def number(self, people: list[Employee]) -> None:
        # HR systems number people in order of joining, with gaps where others came and went.
        for person in sorted(people, key=lambda p: (p.start_date, p.role.title)):
            self.next_employee_no += int(self.rng.integers(1, 6))
            person.employee_no = self.next_employee_no

    def hire_initial(self, start_of_first_year: dt.date) -> None:
        rng = self.rng
        people: list[Employee] = []
        for role in ROLES:
            in_post = _round_half_up(role.establishment * ESTABLISHMENT_FILLED)
            bme_flags = np.zeros(in_post, dtype=bool)
            bme_flags[: _round_half_up(in_post * self.bme_share(role))] = True
            rng.shuffle(bme_flags)
            for bme in bme_flags:
                extra_years = {"senior": 6.0, "manager": 3.0}.get(role.tier, 0.0)
                tenure = (float(rng.exponential(6.5)) + extra_years + 0.1) % 38.0
                start = start_of_first_year - dt.timedelta(days=int(tenure * 365.25))
                person = self.new_employee(role, bool(bme), start, UNRECORDED_AT_START)
                in_role = min(tenure, rng.exponential(4.0) + 0.2)
                person.role_since = start_of_first_year - dt.timedelta(days=int(in_role * 365.25))
                person.grade_step = min(len(role.grades) - 1, int(in_role))
                person.spine_point = int(in_role)
                people.append(person)
        self.number(people)
        self.active = sorted(people, key=lambda p: p.employee_no)

    # one year

    def new_year(self, period: Period) -> None:
        rng = self.rng
        a_year_in = period.start - dt.timedelta(days=365)
        for person in self.active:
            person.spine_point += 1
            if person.grade_step < len(person.role.grades) - 1 and person.role_since <= a_year_in:
                person.grade_step += 1  # e.g. a social worker through the ASYE year, Grade 8 to 9
                person.spine_point = 0
        unrecorded = [person for person in self.active if not person.recorded]
        for person in pick(rng, unrecorded, [DISCLOSED_EACH_YEAR] * len(unrecorded)):
            person.recorded = True

    def leavers(self, period: Period) -> list[Employee]:
        def rate(person: Employee) -> float:
            base = LEAVING_RATE[person.role.service] * (0.6 if person.role.senior else 1.0)
            ratio = LEAVING_RATIO[person.role.service][period.index] if person.group == "bme" else 1.0
            return base * ratio

        leaving: list[Employee] = []
        for service in (ADULTS, CHILDRENS, BUSINESS):
            in_service = [person for person in self.active if person.role.service == service]
            leaving += pick_by_group(self.rng, in_service, lambda p: p.recorded_group, rate)
        for person in sorted(leaving, key=lambda p: p.employee_no):
            person.leave_date = random_date(self.rng, period.start, period.end)
        return leaving

    def fill_vacancies(self, period: Period) -> list[Employee]:
        """Promote from within where a role has a feeder, then hire; top roles first so vacancies cascade down."""
        rng = self.rng
        stayers = [person for person in self.active if person.leave_date is None]
        starters: list[Employee] = []
        for role in sorted(ROLES, key=lambda r: -r.rank):
            target = _round_half_up(role.establishment * ESTABLISHMENT_FILLED * ESTABLISHMENT_GROWTH[period.index])
            vacancies = target - sum(1 for person in stayers if person.role is role)
            if vacancies <= 0:
                continue
            if role.feeder is not None:
                feeder = _ROLE_BY_KEY[(role.service, role.feeder)]
                two_years_in = period.start - dt.timedelta(days=730)
                eligible = [p for p in stayers if p.role is feeder and p.role_since <= two_years_in]
                weights = np.asarray([PROMOTION_WEIGHT_BME if p.group == "bme" else 1.0 for p in eligible])
                internal = min(len(eligible), _round_half_up(vacancies * INTERNAL_FILL_SHARE))
                if internal:
                    chosen = rng.choice(len(eligible), size=internal, replace=False, p=weights / weights.sum())
                    for i in sorted(chosen):
                        promoted = eligible[i]
                        promoted.role = role
                        promoted.team = role.teams[int(rng.integers(len(role.teams)))]
                        promoted.role_since = random_date(rng, period.start, period.end)
                        promoted.grade_step = 0
                        promoted.spine_point = 0
                    vacancies -= internal
            share = min(0.9, self.bme_share(role) * STARTER_BME_UPLIFT[period.index])
            owed = self.bme_starters_owed.get(role.tier, 0.0) + vacancies * share
            bme_flags = np.zeros(vacancies, dtype=bool)
            bme_flags[: min(vacancies, _round_half_up(owed))] = True
            self.bme_starters_owed[role.tier] = owed - int(bme_flags.sum())
            rng.shuffle(bme_flags)
            for bme in bme_flags:
                start = random_date(rng, period.start, period.end)
                starter = self.new_employee(role, bool(bme), start, UNRECORDED_STARTERS)
                # Experienced hires join on the role's upper grade (a social worker past the ASYE).
                starter.grade_step = int(rng.integers(len(role.grades)))
                starters.append(starter)
        self.number(starters)
        return starters

    def simulate_year(self, period: Period) -> Snapshot:
        if period.index > 0:
            self.new_year(period)
        leavers = self.leavers(period)
        starters = self.fill_vacancies(period)
        in_post = sorted(
            [p for p in self.active if p.leave_date is None] + starters, key=lambda p: p.employee_no
        )
        everyone = sorted(in_post + leavers, key=lambda p: p.employee_no)
        snapshot = Snapshot(period.end, headcount=len(in_post))
        snapshot.staff = [staff_row(person, period.index) for person in everyone]
        snapshot.recruitment = self.recruitment(period)
        snapshot.disciplinary = self.disciplinary(period, everyone)
        snapshot.fitness_to_practise = self.fitness_to_practise(period, everyone)
        snapshot.cpd = self.cpd(period, everyone)
        snapshot.survey = self.survey(period, in_post)
        self.active = in_post
        return snapshot

    # events in the year

    def involved(self, everyone: list[Employee], target: int, ratio: float) -> list[Employee]:
        """About `target` people, `ratio` times as many per head among minority-ethnic staff as white.

        Each recorded group's count is set against its headcount at the year end (the metrics'
        base) and drawn from everyone employed in the year, leavers included. People whose
        ethnicity HR does not hold still carry their own group's likelihood.
        """
        in_post = [p for p in everyone if p.leave_date is None]
        per_head = target / sum(ratio if p.group == "bme" else 1.0 for p in in_post)
        chosen: list[Employee] = []
        for group in ("white", "bme", "unknown"):
            pool = [p for p in everyone if p.recorded_group == group]
            members = [p for p in in_post if p.recorded_group == group]
            expected = per_head * sum(ratio if p.group == "bme" else 1.0 for p in members)
            count = min(len(pool), _round_half_up(expected))
            chosen += [pool[i] for i in sorted(self.rng.choice(len(pool), size=count, replace=False))]
        return chosen

    def employed_between(self, person: Employee, period: Period) -> tuple[dt.date, dt.date]:
        return max(period.start, person.start_date), min(period.end, person.leave_date or period.end)

    def disciplinary(self, period: Period, everyone: list[Employee]) -> list[list[object]]:
        rng = self.rng
        ratio = DISCIPLINARY_RATIO[period.index]
        target = int(rng.integers(36, 45))
        cases = self.involved(everyone, target, ratio)
        dated = sorted((random_date(rng, *self.employed_between(p, period)), p.employee_no) for p in cases)
        rows: list[list[object]] = []
        for seq, (opened, employee_no) in enumerate(dated, start=1):
            # Case logs mix typed-in text dates with real ones.
            opened_cell: object = opened.strftime("%d/%m/%Y") if rng.random() < 0.35 else opened
            rows.append([f"ER/{period.short}/{seq:03d}", employee_no, "Disciplinary", opened_cell])
        return rows

    def fitness_to_practise(self, period: Period, everyone: list[Employee]) -> list[list[object]]:
        rng = self.rng
        ratio = FITNESS_TO_PRACTISE_RATIO[period.index]
        registered = [p for p in everyone if p.role.registered]
        target = int(rng.integers(9, 14))
        referred = self.involved(registered, target, ratio)
        dated = sorted(
            (random_date(rng, *self.employed_between(p, period)), p.employee_no, p.role.regulator) for p in referred
        )
        return [
            [f"FTP{period.end.year % 100:02d}-{seq:02d}", employee_no, regulator, referred_on]
            for seq, (referred_on, employee_no, regulator) in enumerate(dated, start=1)
        ]

    def cpd(self, period: Period, everyone: list[Employee]) -> list[list[object]]:
        rng = self.rng
        ratio = CPD_RATIO[period.index]
        target = int(rng.integers(480, 530))
        funded = self.involved(everyone, target, ratio)
        records: list[tuple[int, dt.date, str, str, str]] = []
        for person in everyone:
            first, last = self.employed_between(person, period)
            mandatory = mandatory_courses(person.role)
            for _ in range(int(rng.poisson(1.1))):
                course = mandatory[int(rng.integers(len(mandatory)))]
                records.append((person.employee_no, random_date(rng, first, last), course, "Y", "Y"))
            if rng.random() < 0.07:
                course = UNFUNDED_COURSES[int(rng.integers(len(UNFUNDED_COURSES)))]
                records.append((person.employee_no, random_date(rng, first, last), course, "N", "N"))
        for person in funded:
            first, last = self.employed_between(person, period)
            options = funded_courses(person)
            for i in rng.choice(len(options), size=1 + int(rng.random() < 0.2 and len(options) > 1), replace=False):
                records.append((person.employee_no, random_date(rng, first, last), options[int(i)], "Y", "N"))
        return [[no, course, funded_flag, mandatory, on] for no, on, course, funded_flag, mandatory in sorted(records)]

    def survey(self, period: Period, in_post: list[Employee]) -> list[list[str]]:
        rng = self.rng
        respondents = pick_by_group(rng, in_post, lambda p: p.group, lambda p: SURVEY_RESPONSE_RATE[p.group])
        answers = [(survey_service(rng, p.role), survey_ethnicity(rng, p.ethnic_code)) for p in respondents]
        order = rng.permutation(len(answers))
        answers = [answers[i] for i in order]
        reported_group = [survey_group(ethnicity) for _, ethnicity in answers]
        columns: list[list[str]] = []
        for source in ("public", "colleagues", "managers"):
            rate = {"white": HARASSMENT_RATE_WHITE[source], "unknown": HARASSMENT_RATE_WHITE[source]}
            rate["bme"] = HARASSMENT_RATE_WHITE[source] * HARASSMENT_RATIO[source][period.index]
            answered = [i for i in range(len(answers)) if rng.random() >= 0.015]
            yes = set(pick_by_group(rng, answered, reported_group.__getitem__, lambda i, r=rate: r[reported_group[i]]))
            answered_set = set(answered)
            columns.append(["Yes" if i in yes else "No" if i in answered_set else "" for i in range(len(answers))])
        first_id = int(rng.integers(1_000, 9_000)) * 10
        return [
            [str(first_id + i), service, ethnicity, columns[0][i], columns[1][i], columns[2][i]]
            for i, (service, ethnicity) in enumerate(answers)
        ]

    def recruitment(self, period: Period) -> list[list[object]]:
        rng = self.rng
        applicants = self.applicants(period)
        groups = [group for *_, group in applicants]
        indices = list(range(len(applicants)))
        shortlisted = set(pick_by_group(rng, indices, groups.__getitem__, lambda i: SHORTLISTING_RATE[groups[i]]))
        in_shortlist = sorted(shortlisted)
        withdrawn = set(pick_by_group(rng, in_shortlist, groups.__getitem__, lambda i: WITHDRAWN_FROM_SHORTLIST))
        ratio = APPOINTMENT_RATIO[period.index]
        # The white rate that makes about 30% of the whole shortlist appointed.
        weight = sum(ratio if groups[i] == "bme" else 1.0 for i in in_shortlist if i not in withdrawn)
        white_rate = APPOINTED_FROM_SHORTLIST * len(in_shortlist) / weight
        considered = [i for i in in_shortlist if i not in withdrawn]
        appointed = set(pick_by_group(
            rng, considered, groups.__getitem__, lambda i: white_rate * (ratio if groups[i] == "bme" else 1.0)
        ))
        rows: list[list[object]] = []
        for i, (vacancy_ref, post, service, applied, label, _group) in enumerate(applicants):
            if i not in shortlisted:
                outcome = "Not shortlisted"
            elif i in withdrawn:
                outcome = "Withdrawn"
            else:
                outcome = "Appointed" if i in appointed else "Not appointed"
            self.next_applicant_id += int(rng.integers(1, 4))
            rows.append([
                vacancy_ref, post, service, self.next_applicant_id, label,
                "Yes" if i in shortlisted else "No", outcome, applied,
            ])
        return rows

    def applicants(self, period: Period) -> list[tuple[str, str, str, dt.date, str | None, str]]:
        rng = self.rng
        # Directors and principal social workers are appointed through other routes.
        advertised = [role for role in ROLES if "Director of" not in role.title and "Principal" not in role.title]
        weights = np.asarray([role.establishment * (2.0 if role.tier == "senior" else 1.0) for role in advertised])
        target = int(rng.integers(1150, 1260))
        applicants: list[tuple[str, str, str, dt.date, str | None, str]] = []
        vacancies: list[tuple[dt.date, Role, int]] = []
        total = 0
        while total < target:
            role = advertised[int(rng.choice(len(advertised), p=weights / weights.sum()))]
            mean = {"care": 14, "support": 11, "professional": 7, "manager": 6, "senior": 9}[role.tier]
            count = min(target - total, max(1, int(rng.poisson(mean))))
            closing = random_date(rng, period.start + dt.timedelta(days=21), period.end)
            vacancies.append((closing, role, count))
            total += count
        vacancies.sort(key=lambda v: (v[0], v[1].service, v[1].title))
        service_code = {ADULTS: "ASC", CHILDRENS: "CS", BUSINESS: "BS"}
        recruitment_service = {ADULTS: "Adult Services", CHILDRENS: "Children's Services", BUSINESS: "Business Support"}
        for seq, (closing, role, count) in enumerate(vacancies, start=1):
            ref = f"{service_code[role.service]}{period.end.year % 100:02d}/{seq:03d}"
            dates = sorted(closing - dt.timedelta(days=int(rng.integers(0, 22))) for _ in range(count))
            for applied in dates:
                group = weighted_choice(rng, tuple(APPLICANT_GROUP_WEIGHTS.items()))
                label = applicant_ethnicity(rng, group)
                applied = max(applied, period.start)
                applicants.append((ref, role.title, recruitment_service[role.service], applied, label, group))
        return applicants


def payroll_cells(person: Employee, year: int) -> list[object]:
    """Weekly contracted hours, ordinary pay for March (the snapshot month: basic pay pro rata to the hours, with
    an unsocial-hours enhancement for direct care), bonus pay in the 12 months and the full-pay flag ("Yes" / "No").
    A leaver has left the payroll: hours only."""
    rng = np.random.default_rng([PAYROLL_SEED, person.employee_no, year])
    tier = person.role.tier
    part_time = rng.random() < PART_TIME_SHARE[tier] * PART_TIME_BY_GENDER.get(person.gender, 1.0)
    hours = float(PART_TIME_HOURS[int(rng.integers(len(PART_TIME_HOURS)))]) if part_time else STANDARD_HOURS
    enhancement = 1.0 + (float(rng.uniform(0.04, 0.12)) if person.role.provider and tier == "care" else 0.0)
    reduced = bool(rng.random() < REDUCED_PAY_SHARE.get(person.gender, 0.02))
    bonus = 0
    if person.role.service == CHILDRENS and person.role.regulator == SWE and rng.random() < RETENTION_TAKE_UP:
        bonus += int(round(RETENTION_PAYMENT * hours / STANDARD_HOURS))
    if rng.random() < RECOGNITION_SHARE:
        bonus += RECOGNITION_AWARDS[int(rng.integers(len(RECOGNITION_AWARDS)))]
    if person.leave_date is not None:
        return [hours, None, bonus or None, None]
    monthly = person.salary(year) / 12 * hours / STANDARD_HOURS * enhancement
    if reduced:  # half pay, or statutory pay only
        monthly *= float(rng.choice([0.5, 0.25]))
    return [hours, round(monthly, 2), bonus, "No" if reduced else "Yes"]


def staff_row(person: Employee, year: int) -> list[object]:
    salary = person.salary(year)
    return [
        person.employee_no,
        person.role.title,
        person.role.service,
        person.team,
        person.grade,
        f"£{salary:,}" if person.salary_as_text else salary,
        person.ethnic_origin(),
        person.gender,
        person.disability,
        None if person.start_date_missing else person.start_date,
        person.leave_date,
        "Y" if person.role.senior else "N",
        "Y" if person.role.registered else "N",
        *payroll_cells(person, year),
    ]


def applicant_ethnicity(rng: np.random.Generator, group: str) -> str | None:
    if group == "white":
        return weighted_choice(rng, CENSUS_WHITE)
    if group == "bme":
        return weighted_choice(rng, CENSUS_BME)
    return None if rng.random() < 0.15 else "Prefer not to say"


def survey_ethnicity(rng: np.random.Generator, code: str) -> str:
    roll = rng.random()
    if roll < 0.06:
        return "Prefer not to say"
    if roll < 0.07:
        return ""
    return weighted_choice(rng, SURVEY_ETHNICITY[code])


def survey_group(ethnicity: str) -> str:
    text = ethnicity.strip().lower()
    if text in ("", "prefer not to say"):
        return "unknown"
    if text.startswith("mixed"):
        return "bme"
    if "white" in text or text in ("british", "irish", "english", "polish"):
        return "white"
    return "bme"


def survey_service(rng: np.random.Generator, role: Role) -> str:
    if rng.random() < 0.02:
        return ""
    if role.service == ADULTS:
        # The survey tool's own option list, typed with an en dash.
        part = "Provider Services" if role.provider else "Assessment and Care Management"
        return f"Adult Social Care \u2013 {part}"
    return role.service


# --- courses -------------------------------------------------------------------------------------

_MANDATORY_ALL = (
    "Fire Safety Awareness", "Information Governance and Data Protection", "Equality, Diversity and Inclusion",
)
PRACTICE_EDUCATOR_1 = "Practice Educator Professional Standards Stage 1"
UNFUNDED_COURSES = (
    "Lunch and Learn: Domestic Abuse Awareness", "Lunch and Learn: Hoarding and Self-Neglect",
    "Webinar: Cost of Living Support for Families", "Webinar: Menopause Awareness",
)


def mandatory_courses(role: Role) -> tuple[str, ...]:
    safeguarding = {
        ADULTS: ("Safeguarding Adults Level 2", "Mental Capacity Act Essentials"),
        CHILDRENS: ("Safeguarding Children Level 2",),
        BUSINESS: ("Safeguarding Adults Level 1", "Safeguarding Children Level 1"),
    }[role.service]
    hands_on = ("Manual Handling", "Medication Administration") if role.provider and role.service == ADULTS else ()
    if role.provider and role.service == CHILDRENS:
        hands_on = ("Manual Handling", "Positive Behaviour Support (PRICE)")
    return safeguarding + hands_on + _MANDATORY_ALL


def funded_courses(person: Employee) -> tuple[str, ...]:
    role = person.role
    courses: tuple[str, ...] = ()
    if role.regulator == SWE:
        courses += (PRACTICE_EDUCATOR_1, "Practice Educator Professional Standards Stage 2")
        if role.service == ADULTS:
            courses += ("Best Interests Assessor", "Approved Mental Health Professional Programme")
        else:
            courses += ("Systemic Practice Foundation", "Court Skills for Social Workers")
        if role.title == "Social Worker" and person.grade_step == 0:
            courses = ("ASYE Programme",)
    elif role.regulator == HCPC:
        courses += ("Trusted Assessor Training", "Moving and Handling Train the Trainer", PRACTICE_EDUCATOR_1)
    elif role.tier in ("care", "support"):
        courses += {
            ADULTS: ("Level 3 Diploma in Adult Care", "Dementia Care Practice", "End of Life Care Certificate"),
            CHILDRENS: (
                "Level 3 Diploma for Residential Childcare", "Trauma-Informed Practice", "Motivational Interviewing",
            ),
            BUSINESS: ("Level 3 Business Administration Apprenticeship", "Excel Intermediate", "Minute Taking Skills"),
        }[role.service]
    if role.tier in ("manager", "senior") or role.rank >= GRADES.index("Grade 10"):
        courses += ("Aspiring Leaders Programme", "Level 5 Diploma in Leadership and Management")
        if role.service == CHILDRENS:
            courses += ("Practice Supervisor Development Programme",)
    if role.senior:
        courses = ("Senior Leadership Programme", "Executive Coaching", "Leading Anti-Racist Practice")
    return courses or ("Data Analysis with Power BI",)


# --- writing the files ---------------------------------------------------------------------------


def simulate(seed: int = SEED) -> list[Snapshot]:
    workforce = _Workforce(np.random.default_rng(seed))
    workforce.hire_initial(FIRST_PERIOD_START)
    return [workforce.simulate_year(period) for period in periods()]


def _run_date(snapshot_date: dt.date) -> dt.datetime:
    return dt.datetime.combine(snapshot_date + dt.timedelta(days=2), dt.time(9, 12))


def save_workbook(workbook: Workbook, path: Path, stamp: dt.datetime, creator: str = "Wexcombe HR System") -> None:
    """Save with fixed document and zip timestamps, so an unchanged workbook is byte-for-byte unchanged.
    `creator` is the system the export says made it."""
    workbook.properties.creator = creator
    workbook.properties.lastModifiedBy = creator
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    buffer = io.BytesIO()
    # openpyxl's own save stamps "modified" with the clock; the writer it wraps does not.
    ExcelWriter(workbook, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))


def write_table(sheet: Worksheet, first_row: int, headings: Sequence[str], rows: list[list[object]]) -> None:
    for column, heading in enumerate(headings, start=1):
        sheet.cell(row=first_row, column=column, value=heading).font = Font(bold=True)
    date_columns = [i for i, heading in enumerate(headings, start=1) if "Date" in heading]
    for offset, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=first_row + offset, column=column, value=value)
            if column in date_columns and isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, int) and headings[column - 1] == "Annual Salary":
                cell.number_format = "#,##0"
    for column, heading in enumerate(headings, start=1):
        width = max([len(heading), *(len(str(row[column - 1] or "")) for row in rows[:200])])
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = min(60, width + 2)


def write_staff(snapshot: Snapshot, path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Staff in post"
    run = _run_date(snapshot.date)
    sheet["A1"] = COUNCIL
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = f"Social care workforce snapshot as at {snapshot.date:%d/%m/%Y}"
    sheet["A3"] = f"Source: HR system export, run {run:%d/%m/%Y}"
    write_table(sheet, 5, STAFF_HEADINGS, snapshot.staff)
    total_row = 5 + len(snapshot.staff) + 1
    sheet.cell(row=total_row, column=1, value="Total").font = Font(bold=True)
    sheet.cell(row=total_row, column=2, value=snapshot.headcount).font = Font(bold=True)
    notes = workbook.create_sheet("Notes")
    for row, line in enumerate(_staff_notes(snapshot.date), start=1):
        notes.cell(row=row, column=1, value=line)
    notes.column_dimensions["A"].width = 110
    save_workbook(workbook, path, run)


def _staff_notes(snapshot_date: dt.date) -> list[str]:
    start = snapshot_date.replace(year=snapshot_date.year - 1) + dt.timedelta(days=1)
    return [
        "Report WF-SC-012: Social care staff in post and leavers",
        f"Staff in post on {snapshot_date:%d/%m/%Y} in Adult Social Care, Children's Services and Business Support "
        "(social care), plus everyone who left between "
        f"{start:%d/%m/%Y} and {snapshot_date:%d/%m/%Y} (Leaving Date filled).",
        "The Total row counts staff in post on the snapshot date; leavers are listed but not counted.",
        "Annual Salary is the full-time equivalent salary on the snapshot date, or on the leaving date for leavers.",
        "Ethnic Origin as held in the HR system (NHS Data Dictionary codes). Blank = never recorded.",
        "Weekly Contracted Hours, Ordinary Pay (pay for March, the snapshot month, before tax), Bonus Pay (12 months) "
        "to the snapshot date and Full Pay Relevant (No: on reduced or nil pay for leave in March) come from the "
        "payroll, for the pay gap reports; leavers have left the payroll, so only their hours are shown.",
        "Agency workers, casual staff and volunteers are not included.",
        "OFFICIAL-SENSITIVE: contains personal data. Do not forward outside the council.",
    ]


def write_simple_workbook(
    path: Path, sheet_title: str, headings: Sequence[str], rows: list[list[object]], stamp: dt.datetime,
    title: str | None = None, creator: str = "Wexcombe HR System",
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    first_row = 1
    if title is not None:
        sheet["A1"] = title
        sheet["A1"].font = Font(bold=True)
        first_row = 2
    write_table(sheet, first_row, headings, rows)
    save_workbook(workbook, path, stamp, creator)


def write_survey(rows: list[list[str]], path: Path) -> None:
    # Excel's "CSV (Comma delimited)" on a UK Windows machine: Windows-1252 and CRLF.
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(SURVEY_HEADINGS)
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode("cp1252"))


def write_snapshot(snapshot: Snapshot, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    run = _run_date(snapshot.date)
    start = snapshot.date.replace(year=snapshot.date.year - 1) + dt.timedelta(days=1)
    paths = {name: folder / name for name in (
        "staff.xlsx", "recruitment.xlsx", "disciplinary.xlsx", "fitness_to_practise.xlsx", "cpd.xlsx", "survey.csv",
    )}
    write_staff(snapshot, paths["staff.xlsx"])
    write_simple_workbook(
        paths["recruitment.xlsx"], "Applicants", RECRUITMENT_HEADINGS, snapshot.recruitment, run,
        title=f"Applicant equality monitoring: applications received {start:%d/%m/%Y} to {snapshot.date:%d/%m/%Y}",
    )
    write_simple_workbook(paths["disciplinary.xlsx"], "ER Cases", DISCIPLINARY_HEADINGS, snapshot.disciplinary, run)
    write_simple_workbook(
        paths["fitness_to_practise.xlsx"], "FtP Referrals", FTP_HEADINGS, snapshot.fitness_to_practise, run
    )
    write_simple_workbook(paths["cpd.xlsx"], "Training Records", CPD_HEADINGS, snapshot.cpd, run)
    write_survey(snapshot.survey, paths["survey.csv"])
    return list(paths.values())


def generate(out_dir: Path = DEFAULT_OUT, seed: int = SEED) -> list[Path]:
    written: list[Path] = []
    for snapshot in simulate(seed):
        written += write_snapshot(snapshot, Path(out_dir) / snapshot.date.isoformat())
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=f"Write the {COUNCIL} sample HR exports.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write into (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    written = generate(args.out, args.seed)
    print(f"Wrote {len(written)} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
