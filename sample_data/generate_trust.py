"""Northfield NHS Foundation Trust: a fictional acute trust's exports, made by a seeded simulation.

About 2,300 substantive staff and 340 bank-only workers in post on 31 March 2026, and the staff who
left in the year to it, written as the files an NHS trust's systems export, headings as they write
them:

    trust/esr_staff_in_post.xlsx         ESR's assignment details (title rows above the headings; bank
                                         workers in the list, "Assignment Category" Bank)
    trust/trac_applicants.xlsx           the applicant tracking system's equality monitoring
    trust/er_cases.xlsx                  the employee relations case log: formal disciplinary and capability
                                         cases ("Case Type"), a capability case's reason Performance or Ill Health
    trust/non_mandatory_training.xlsx    non-mandatory training and CPD attended, from ESR's learning records
    trust/staff_survey.csv               the NHS Staff Survey by respondent, questions headed by their codes
    trust/board_members.xlsx             the trust secretary's list of the board (NHS WRES indicator 9): 14
                                         members, voting or not, "Executive" or "Non-executive"

The patterns the national NHS WRES reports describe are built in: minority-ethnic staff over-represented
in the nursing and medical workforce and under-represented from Band 7 up and among very senior
managers; white shortlisted applicants more often appointed; minority-ethnic staff more often in formal
disciplinary cases, less often in non-mandatory training, more often harassed by managers and
colleagues. And the WDES's: disabled staff more often in formal capability for performance, less often
satisfied that the trust values their work, more often pressed to come to work unwell, a little less often
reporting harassment (the survey's harassment questions themselves are drawn by ethnic group only).
Run `python -m sample_data.generate_trust [--out DIR]`; the output is deterministic.

The staff survey's question codes are the 2023 NHS Staff Survey's (the 2021 and 2022 questionnaires
number these questions the same way): Q4b satisfaction with the extent the organisation values one's work
(five points, "Very dissatisfied" to "Very satisfied"); Q11d came to work in the last three months despite
not feeling well enough to perform one's duties; Q11e felt pressure from one's manager to come to work
(asked only of those who said yes to Q11d, blank for the rest); Q14a, Q14b and Q14c harassment, bullying or
abuse from patients / service users, their relatives or the public, from managers and from other
colleagues; Q14d the last time, did you or a colleague report it (asked only of those who said yes to one of
Q14a-c); Q15 whether the organisation acts fairly on career progression; Q16b discrimination from a manager,
team leader or colleagues; Q30b whether the employer has made adequate adjustment(s) to enable one to carry out
one's work (2024's numbering; asked of those with a long-term condition: "Yes", "No" or "No adjustment
required", blank for the rest); and the respondent's staff engagement score (0 to 10, the survey's theme
score, headed "Staff Engagement"). A respondent's ethnic group and long-term condition or illness (the WDES's
"disabled") are given in words, as the survey's own categories.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Font

from sample_data.generate import (
    NHS_ETHNIC_ORIGIN,
    pick,
    pick_by_group,
    random_date,
    save_workbook,
    weighted_choice,
    write_simple_workbook,
    write_table,
)

SEED = 20260402
TRUST = "Northfield NHS Foundation Trust"
DEFAULT_OUT = Path(__file__).resolve().parent / "trust"
SNAPSHOT = dt.date(2026, 3, 31)
PERIOD_START = dt.date(2025, 4, 1)
RUN = dt.datetime(2026, 4, 2, 9, 12)

MEDICINE = "Medicine Division"
SURGERY = "Surgery Division"
WOMENS = "Women's and Children's Division"
CLINICAL_SUPPORT = "Clinical Support Services Division"
CORPORATE = "Corporate Services"
DIVISIONS = (MEDICINE, SURGERY, WOMENS, CLINICAL_SUPPORT, CORPORATE)

# The NHS staff groups (NHS Data Dictionary, STAFF GROUP).
MEDICAL = "Medical and Dental"
NURSING = "Nursing and Midwifery Registered"
CLINICAL = "Additional Clinical Services"
AHP = "Allied Health Professionals"
SCIENTIFIC = "Additional Professional Scientific and Technical"
HEALTHCARE_SCIENCE = "Healthcare Scientists"
ADMIN = "Administrative and Clerical"
ESTATES = "Estates and Ancillary"

PERMANENT, FIXED_TERM, BANK = "Permanent", "Fixed Term Temp", "Bank"

# --- the "true" disproportionality (NHS WRES direction where it differs: white over BME) -----------
APPOINTMENT_RATIO_WHITE_OVER_BME = 1.55
DISCIPLINARY_RATIO = 1.35  # BME over white, per head
TRAINING_RATIO_WHITE_OVER_BME = 1.15
HARASSMENT_RATE_WHITE = {"public": 0.25, "managers": 0.09, "colleagues": 0.16}
HARASSMENT_RATIO = {"public": 1.08, "managers": 1.40, "colleagues": 1.28}  # BME over white
CAREER_FAIR_RATE = {"white": 0.57, "bme": 0.45}
DISCRIMINATION_RATE = {"white": 0.06, "bme": 0.15}
SURVEY_RESPONSE_RATE = {"white": 0.47, "bme": 0.42}
# The WDES's patterns (national WDES reports): disabled staff about 1.8 times as likely per head to enter formal
# capability on grounds of performance (by the disability ESR records), more often in ill-health capability, and,
# by their own answer to the survey, less often satisfied that the organisation values their work, more often at
# work unwell and pressed by a manager to be, a little less often reporting harassment. Drawn with a generator of
# their own, so that every other cell is as it was before they were added.
CAPABILITY_CASES = {"Performance": 36, "Ill Health": 14}
CAPABILITY_RATIO_DISABLED = {"Performance": 1.8, "Ill Health": 3.0}
VALUED_RATE = {"disabled": 0.33, "non_disabled": 0.44}
UNWELL_AT_WORK_RATE = {"disabled": 0.68, "non_disabled": 0.55}
PRESSURE_RATE = {"disabled": 0.29, "non_disabled": 0.20}
REPORTED_RATE = {"disabled": 0.44, "non_disabled": 0.48}
# WDES 8 and 9a (national WDES reports): of disabled staff who needed adjustments, about seven in ten say their
# employer made adequate ones (a third needed none); engagement about 6.6 out of 10 for disabled staff against 7.0
# for the rest. Drawn with a generator of their own again, after every other answer.
ADEQUATE_ADJUSTMENTS_RATE = 0.70
NO_ADJUSTMENT_NEEDED = 0.33
ENGAGEMENT = {"disabled": (6.6, 1.6), "non_disabled": (7.0, 1.4)}
SHORTLISTING_RATE = {"white": 0.40, "bme": 0.29, "unknown": 0.34}
APPOINTED_FROM_SHORTLIST = 0.28
LEAVING_RATE = {"substantive": 0.09, "bank": 0.16}
LEAVING_RATIO = 1.10
FILLED = 0.96

# Share of each staff group's posts held by minority-ethnic staff, then a multiplier by grade: nurses
# recruited from abroad at Band 5, few minority-ethnic staff from Band 8a up.
BME_SHARE = {MEDICAL: 0.50, NURSING: 0.42, CLINICAL: 0.33, AHP: 0.22, SCIENTIFIC: 0.35, HEALTHCARE_SCIENCE: 0.32,
             ADMIN: 0.18, ESTATES: 0.30}
GRADE_BME_MULTIPLIER = {
    "Band 5": 1.15, "Band 6": 0.85, "Band 7": 0.70, "Band 8a": 0.55, "Band 8b": 0.45, "Band 8c": 0.35,
    "Band 8d": 0.35, "Band 9": 0.30, "VSM": 0.25, "Consultant": 0.85, "Specialty Doctor": 1.30,
    "Associate Specialist": 1.20, "Specialty Registrar": 1.05, "Core Training": 1.10, "Foundation Year 2": 0.85,
    "Foundation Year 1": 0.80,
}
BANK_BME_MULTIPLIER = 1.20
FEMALE_SHARE = {MEDICAL: 0.50, NURSING: 0.89, CLINICAL: 0.82, AHP: 0.78, SCIENTIFIC: 0.70, HEALTHCARE_SCIENCE: 0.65,
                ADMIN: 0.78, ESTATES: 0.55}

WHITE_CODES = (("A", 0.80), ("B", 0.03), ("C", 0.17))
BME_CODES = (("D", 0.03), ("E", 0.02), ("F", 0.03), ("G", 0.03), ("H", 0.20), ("J", 0.07), ("K", 0.02), ("L", 0.20),
             ("M", 0.05), ("N", 0.24), ("P", 0.03), ("R", 0.03), ("S", 0.05))
UNRECORDED = 0.035
DISABILITY_FLAG = (("No", 0.72), ("Yes", 0.065), ("Not Declared", 0.115), ("Unspecified", 0.10))
SEXUAL_ORIENTATION = (
    ("Heterosexual or Straight", 0.78), ("Gay or Lesbian", 0.02), ("Bisexual", 0.015),
    ("Not stated (person asked but declined to provide a response)", 0.085), ("Unspecified", 0.10),
)
RELIGIOUS_BELIEF = (
    ("Christianity", 0.42), ("Atheism", 0.17), ("Islam", 0.07), ("Hinduism", 0.04), ("Sikhism", 0.01),
    ("Buddhism", 0.01), ("Other", 0.03), ("I do not wish to disclose my religion/belief", 0.10), ("Unspecified", 0.15),
)

# Annual full-time salary at each point of a grade (2025/26 pay scales, rounded: a fictional trust's figures).
PAY_POINTS: dict[str, tuple[int, ...]] = {
    "Band 2": (24_465,), "Band 3": (24_937, 26_598), "Band 4": (27_485, 30_162), "Band 5": (29_970, 32_324, 36_483),
    "Band 6": (37_338, 39_405, 44_962), "Band 7": (47_810, 50_273, 54_710), "Band 8a": (55_690, 62_682),
    "Band 8b": (64_455, 74_896), "Band 8c": (76_965, 88_682), "Band 8d": (91_342, 105_337),
    "Band 9": (109_179, 125_637), "VSM": (132_000, 148_000, 165_000, 190_000),
    "Foundation Year 1": (38_831,), "Foundation Year 2": (44_439,), "Core Training": (52_656,),
    "Specialty Registrar": (52_656, 60_983, 70_425), "Specialty Doctor": (59_175, 67_707, 80_087, 92_455),
    "Associate Specialist": (96_415, 106_412), "Consultant": (109_725, 115_298, 126_608, 145_478),
}
TRAINEE_GRADES = ("Foundation Year 1", "Foundation Year 2", "Core Training", "Specialty Registrar")

STAFF_HEADINGS = (
    "Org L3", "Org L4", "Organisation", "Employee Number", "Assignment Number", "Assignment Category", "Staff Group",
    "Job Role", "Grade", "Annual Salary", "Contracted WTE", "Hire Date", "Latest Hire Date", "Termination Date",
    "Date of Birth", "Gender", "Ethnic Origin", "Disability Flag", "Sexual Orientation", "Religious Belief",
)
RECRUITMENT_HEADINGS = (
    "Vacancy Reference", "Job Title", "Staff Group", "Applicant ID", "Ethnic Group", "Disability", "Shortlisted",
    "Appointed", "Application Date",
)
ER_HEADINGS = ("Case Reference", "Employee Number", "Case Type", "Case Reason", "Date Opened")
TRAINING_HEADINGS = ("Employee Number", "Course Name", "Course Start Date")
# The NHS WRES's questions, drawn first (in this order, so that their answers do not change as questions are
# added), then the WDES's own; the file gives them all in the questionnaire's order.
WRES_QUESTIONS = ("Q14a", "Q14b", "Q14c", "Q15", "Q16b")
WDES_QUESTIONS = ("Q4b", "Q11d", "Q11e", "Q14d")
SURVEY_QUESTIONS = ("Q4b", "Q11d", "Q11e", "Q14a", "Q14b", "Q14c", "Q14d", "Q15", "Q16b")
# After the questions, WDES 8's and the engagement score (adjustments_and_engagement).
SURVEY_HEADINGS = ("Respondent ID", "Division", "Ethnic Group", "Disability", *SURVEY_QUESTIONS, "Q30b",
                   "Staff Engagement")
BOARD_HEADINGS = ("Name", "Role", "Voting Member", "Exec/Non-exec", "Ethnic Origin", "Disability")
FILES = ("esr_staff_in_post.xlsx", "trac_applicants.xlsx", "er_cases.xlsx", "non_mandatory_training.xlsx",
         "staff_survey.csv", "board_members.xlsx")

# The board on 31 March 2026, as the trust secretary lists it: the chair and six non-executive directors (voting),
# an associate non-executive director (not voting), five voting executive directors and the director of people
# (an executive who attends without a vote). Ethnic origin by NHS code, as ESR records it (one executive's not
# stated). Fixed rather than drawn, so the other files' random draws are unchanged. Voting members: 2 of the 11
# whose ethnicity is stated are minority-ethnic; executives: 2 of 5.
BOARD: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("Margaret Hollis", "Chair", "Yes", "Non-executive", "A", "No"),
    ("David Okonkwo-Reyes", "Vice Chair and Senior Independent Director", "Yes", "Non-executive", "A", "No"),
    ("Priya Raman", "Non-Executive Director (Audit Committee Chair)", "Yes", "Non-executive", "H", "No"),
    ("Andrew Fairbairn", "Non-Executive Director", "Yes", "Non-executive", "A", "Yes"),
    ("Helen Castleton", "Non-Executive Director", "Yes", "Non-executive", "B", "No"),
    ("Stephen Marlow", "Non-Executive Director", "Yes", "Non-executive", "A", "Not Declared"),
    ("Ruth Endicott", "Non-Executive Director", "Yes", "Non-executive", "C", "No"),
    ("Kwame Asante", "Associate Non-Executive Director", "No", "Non-executive", "N", "No"),
    ("Catherine Wyndham", "Chief Executive", "Yes", "Executive", "A", "No"),
    ("Imran Siddiqui", "Chief Medical Officer", "Yes", "Executive", "J", "No"),
    ("Joanne Pickering", "Chief Nurse", "Yes", "Executive", "A", "No"),
    ("Martin Greaves", "Chief Finance Officer", "Yes", "Executive", "A", "No"),
    ("Louise Brannigan", "Chief Operating Officer", "Yes", "Executive", "Z", "Not Declared"),
    ("Grace Adeyemi", "Director of People", "No", "Executive", "M", "No"),
)

# The 2011 Census categories as the applicant tracking system and the staff survey word them, by NHS code.
SELF_DESCRIBED: dict[str, str] = {
    "A": "White - English / Welsh / Scottish / Northern Irish / British",
    "B": "White - Irish",
    "C": "White - Any other White background",
    "D": "Mixed / Multiple ethnic groups - White and Black Caribbean",
    "E": "Mixed / Multiple ethnic groups - White and Black African",
    "F": "Mixed / Multiple ethnic groups - White and Asian",
    "G": "Mixed / Multiple ethnic groups - Any other Mixed / Multiple ethnic background",
    "H": "Asian / Asian British - Indian",
    "J": "Asian / Asian British - Pakistani",
    "K": "Asian / Asian British - Bangladeshi",
    "L": "Asian / Asian British - Any other Asian background",
    "M": "Black / African / Caribbean / Black British - Caribbean",
    "N": "Black / African / Caribbean / Black British - African",
    "P": "Black / African / Caribbean / Black British - Any other Black / African / Caribbean background",
    "R": "Asian / Asian British - Chinese",
    "S": "Other ethnic group - Any other ethnic group",
}
# Applicants are more often minority ethnic than staff (international recruitment of nurses and doctors).
APPLICANT_GROUP_WEIGHTS = (("white", 0.42), ("bme", 0.53), ("unknown", 0.05))
APPLICANT_DISABILITY = (("No", 0.86), ("Yes", 0.07), ("I do not wish to disclose this", 0.07))

COURSES = {
    MEDICAL: ("Teaching the Teachers", "Educational Supervisor Training", "Simulation Faculty Development"),
    NURSING: ("Preceptorship Programme", "Mentorship in Practice", "Advanced Clinical Assessment Skills",
              "Mary Seacole Leadership Programme"),
    CLINICAL: ("Care Certificate Plus", "Venepuncture and Cannulation", "Nursing Associate Foundation Module"),
    AHP: ("Clinical Supervision Skills", "Advanced Practice Module", "Research Skills for AHPs"),
    SCIENTIFIC: ("Independent Prescribing", "Clinical Supervision Skills"),
    HEALTHCARE_SCIENCE: ("Specialist Portfolio Training", "Quality Management in the Laboratory"),
    ADMIN: ("Coaching Skills for Managers", "Project Management Essentials", "Excel Intermediate"),
    ESTATES: ("Supervisory Skills", "Level 2 Food Hygiene Plus"),
}
LEADERSHIP_COURSES = ("Quality Improvement Practitioner", "Leading Inclusively", "Edward Jenner Programme")


def _units(division: str, *names: str) -> tuple[tuple[str, str], ...]:
    return tuple((division, name) for name in names)


MEDICAL_WARDS = _units(MEDICINE, "Acute Medical Unit", "Ward 7 Respiratory", "Ward 8 Cardiology",
                       "Ward 9 Gastroenterology", "Ward 12 Care of the Elderly", "Ward 14 Stroke Unit")
EMERGENCY = _units(MEDICINE, "Emergency Department")
SURGICAL_WARDS = _units(SURGERY, "Ward 3 General Surgery", "Ward 4 Trauma and Orthopaedics", "Ward 5 Urology",
                        "Critical Care Unit")
THEATRES = _units(SURGERY, "Main Theatres", "Day Surgery Unit")
MATERNITY = _units(WOMENS, "Delivery Suite", "Maternity Ward", "Community Midwifery")
CHILDREN = _units(WOMENS, "Neonatal Unit", "Children's Ward", "Gynaecology Ward")
OUTPATIENTS = (*_units(MEDICINE, "Medicine Outpatients"), *_units(SURGERY, "Surgery Outpatients"),
               *_units(CLINICAL_SUPPORT, "Outpatient Services"))
WARDS = MEDICAL_WARDS + EMERGENCY + SURGICAL_WARDS + CHILDREN
DOCTORS = MEDICAL_WARDS + EMERGENCY + SURGICAL_WARDS + THEATRES + MATERNITY[:1] + CHILDREN + _units(
    CLINICAL_SUPPORT, "Pathology", "Radiology")
THERAPIES = _units(CLINICAL_SUPPORT, "Physiotherapy", "Occupational Therapy")
RADIOLOGY = _units(CLINICAL_SUPPORT, "Radiology")
PATHOLOGY = _units(CLINICAL_SUPPORT, "Pathology")
PHARMACY = _units(CLINICAL_SUPPORT, "Pharmacy")
MANAGEMENT = tuple((division, f"{division} Management") for division in DIVISIONS[:4])
CORPORATE_UNITS = _units(CORPORATE, "Finance", "Workforce and Organisational Development", "Digital Services",
                         "Medical Records", "Patient Experience")
EXECUTIVE = _units(CORPORATE, "Executive Office")
FACILITIES = _units(CORPORATE, "Facilities")
ESTATES_UNITS = _units(CORPORATE, "Estates")
# ESR prints an organisation with its cost centre code in front: "314 Ward 8 Cardiology".
ALL_UNITS = tuple(dict.fromkeys(
    DOCTORS + WARDS + THEATRES + MATERNITY + OUTPATIENTS + THERAPIES + PHARMACY + MANAGEMENT + CORPORATE_UNITS
    + EXECUTIVE + FACILITIES + ESTATES_UNITS))
COST_CENTRE = {unit: f"{301 + i * 3} {unit[1]}" for i, unit in enumerate(ALL_UNITS)}


@dataclass(frozen=True)
class Post:
    staff_group: str
    job_role: str
    grades: tuple[str, ...]
    establishment: int
    units: tuple[tuple[str, str], ...]
    bank: int = 0  # bank-only workers who work in this post


POSTS: tuple[Post, ...] = (
    Post(MEDICAL, "Consultant", ("Consultant",), 110, DOCTORS, bank=6),
    Post(MEDICAL, "Specialty Doctor", ("Specialty Doctor",), 38, DOCTORS, bank=8),
    Post(MEDICAL, "Associate Specialist", ("Associate Specialist",), 6, DOCTORS),
    Post(MEDICAL, "Specialty Registrar", ("Specialty Registrar",), 62, DOCTORS),
    Post(MEDICAL, "Core Training", ("Core Training",), 26, DOCTORS),
    Post(MEDICAL, "Foundation Year 2", ("Foundation Year 2",), 22, DOCTORS),
    Post(MEDICAL, "Foundation Year 1", ("Foundation Year 1",), 22, DOCTORS),
    Post(NURSING, "Staff Nurse", ("Band 5",), 430, WARDS + THEATRES + OUTPATIENTS, bank=110),
    Post(NURSING, "Sister/Charge Nurse", ("Band 6",), 150, WARDS + THEATRES + OUTPATIENTS, bank=8),
    Post(NURSING, "Midwife", ("Band 5", "Band 6"), 85, MATERNITY, bank=12),
    Post(NURSING, "Ward Manager", ("Band 7",), 40, WARDS + MATERNITY[1:2]),
    Post(NURSING, "Specialist Nurse", ("Band 7",), 35, OUTPATIENTS + MEDICAL_WARDS),
    Post(NURSING, "Advanced Nurse Practitioner", ("Band 8a",), 18, EMERGENCY + MEDICAL_WARDS),
    Post(NURSING, "Modern Matron", ("Band 8a",), 12, WARDS),
    Post(NURSING, "Head of Nursing", ("Band 8c",), 4, MANAGEMENT[:3]),
    Post(CLINICAL, "Healthcare Assistant", ("Band 2", "Band 3"), 300, WARDS + THEATRES, bank=120),
    Post(CLINICAL, "Maternity Support Worker", ("Band 3",), 30, MATERNITY, bank=6),
    Post(CLINICAL, "Nursing Associate", ("Band 4",), 40, WARDS),
    Post(CLINICAL, "Phlebotomist", ("Band 2",), 25, PATHOLOGY + OUTPATIENTS[2:]),
    Post(CLINICAL, "Therapy Assistant", ("Band 3",), 30, THERAPIES),
    Post(AHP, "Physiotherapist", ("Band 5", "Band 6"), 55, THERAPIES[:1]),
    Post(AHP, "Occupational Therapist", ("Band 5", "Band 6"), 40, THERAPIES[1:]),
    Post(AHP, "Diagnostic Radiographer", ("Band 5", "Band 6"), 48, RADIOLOGY),
    Post(AHP, "Operating Department Practitioner", ("Band 5", "Band 6"), 30, THEATRES),
    Post(AHP, "Allied Health Professional Team Lead", ("Band 7",), 18, THERAPIES + RADIOLOGY),
    Post(AHP, "Head of Therapies", ("Band 8b",), 3, THERAPIES),
    Post(SCIENTIFIC, "Pharmacist", ("Band 6", "Band 7"), 28, PHARMACY),
    Post(SCIENTIFIC, "Pharmacy Technician", ("Band 4", "Band 5"), 26, PHARMACY),
    Post(SCIENTIFIC, "Chief Pharmacist", ("Band 8d",), 1, PHARMACY),
    Post(SCIENTIFIC, "Clinical Psychologist", ("Band 8a", "Band 8b"), 6, MEDICAL_WARDS[-2:]),
    Post(HEALTHCARE_SCIENCE, "Biomedical Scientist", ("Band 5", "Band 6", "Band 7"), 45, PATHOLOGY),
    Post(HEALTHCARE_SCIENCE, "Healthcare Science Practitioner", ("Band 5", "Band 6"), 15,
         MEDICAL_WARDS[2:3] + MEDICAL_WARDS[1:2]),
    Post(HEALTHCARE_SCIENCE, "Consultant Clinical Scientist", ("Band 8c",), 3, PATHOLOGY),
    Post(ADMIN, "Administrator", ("Band 2", "Band 3"), 150, OUTPATIENTS + CORPORATE_UNITS + MANAGEMENT, bank=25),
    Post(ADMIN, "Medical Secretary", ("Band 4",), 65, OUTPATIENTS + MANAGEMENT),
    Post(ADMIN, "Ward Clerk", ("Band 2",), 30, WARDS),
    Post(ADMIN, "Team Leader", ("Band 5",), 30, CORPORATE_UNITS + OUTPATIENTS),
    Post(ADMIN, "Manager", ("Band 6", "Band 7"), 55, CORPORATE_UNITS + MANAGEMENT),
    Post(ADMIN, "Senior Manager", ("Band 8a", "Band 8b"), 40, CORPORATE_UNITS + MANAGEMENT),
    Post(ADMIN, "Head of Service", ("Band 8c", "Band 8d"), 14, CORPORATE_UNITS + MANAGEMENT),
    Post(ADMIN, "Deputy Director", ("Band 9",), 5, EXECUTIVE),
    Post(ADMIN, "Director", ("VSM",), 7, EXECUTIVE),
    Post(ADMIN, "Chief Executive", ("VSM",), 1, EXECUTIVE),
    Post(ESTATES, "Domestic Assistant", ("Band 2",), 95, FACILITIES, bank=30),
    Post(ESTATES, "Porter", ("Band 2",), 45, FACILITIES, bank=10),
    Post(ESTATES, "Catering Assistant", ("Band 2",), 30, FACILITIES, bank=8),
    Post(ESTATES, "Estates Technician", ("Band 4", "Band 5"), 22, ESTATES_UNITS),
    Post(ESTATES, "Estates Manager", ("Band 7",), 4, ESTATES_UNITS),
)


@dataclass
class Person:
    employee_no: int
    post: Post
    unit: tuple[str, str]
    grade: str
    category: str
    ethnic_code: str  # the person's own group (NHS code letter), whether or not ESR holds it
    recorded: bool
    gender: str
    disability: str
    born: dt.date
    hired: dt.date
    latest_hire: dt.date
    salary: int | None
    wte: float
    second_assignment: bool
    sexual_orientation: str
    religious_belief: str
    left: dt.date | None = None

    @property
    def group(self) -> str:
        return "bme" if self.ethnic_code not in ("A", "B", "C") else "white"

    @property
    def recorded_group(self) -> str:
        return self.group if self.recorded else "unknown"

    @property
    def division(self) -> str:
        return self.unit[0]

    def ethnic_origin(self, rng: np.random.Generator) -> str | None:
        if self.recorded:
            return NHS_ETHNIC_ORIGIN[self.ethnic_code]
        return None if rng.random() < 0.1 else NHS_ETHNIC_ORIGIN["Z"]


def _years(days: float) -> dt.timedelta:
    return dt.timedelta(days=int(days * 365.25))


class _Trust:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def bme_share(self, post: Post, grade: str, category: str) -> float:
        share = BME_SHARE[post.staff_group] * GRADE_BME_MULTIPLIER.get(grade, 1.0)
        return min(0.9, share * (BANK_BME_MULTIPLIER if category == BANK else 1.0))

    def person(self, post: Post, category: str, hired: dt.date) -> Person:
        rng = self.rng
        grade = post.grades[int(rng.integers(len(post.grades)))]
        bme = rng.random() < self.bme_share(post, grade, category)
        code = weighted_choice(rng, BME_CODES if bme else WHITE_CODES)
        youngest = {"Foundation Year 1": 23, "Foundation Year 2": 24, "Core Training": 26, "Specialty Registrar": 28,
                    "Consultant": 33, "VSM": 40, "Band 9": 38}.get(grade, 19)
        oldest = {"Foundation Year 1": 30, "Foundation Year 2": 32}.get(grade, 66)
        born = SNAPSHOT - _years(float(rng.uniform(youngest, oldest)))
        hired = max(hired, born + _years(youngest))
        latest = hired if rng.random() >= 0.06 else random_date(rng, hired, min(SNAPSHOT, hired + _years(8)))
        points = PAY_POINTS[grade]
        wte = 0.0 if category == BANK else float(rng.choice([1.0, 1.0, 1.0, 0.8, 0.6, 0.5, 0.4]))
        return Person(
            employee_no=0,
            post=post,
            unit=post.units[int(rng.integers(len(post.units)))],
            grade=grade,
            category=category,
            ethnic_code=code,
            recorded=bool(rng.random() >= UNRECORDED),
            gender="Female" if rng.random() < FEMALE_SHARE[post.staff_group] else "Male",
            disability=weighted_choice(rng, DISABILITY_FLAG),
            born=born,
            hired=hired,
            latest_hire=latest,
            # Bank workers are paid by the shift: ESR holds no annual salary for them.
            salary=None if category == BANK else points[int(rng.integers(len(points)))],
            wte=wte,
            second_assignment=bool(rng.random() < (0.4 if category == BANK else 0.03)),
            sexual_orientation=weighted_choice(rng, SEXUAL_ORIENTATION),
            religious_belief=weighted_choice(rng, RELIGIOUS_BELIEF),
        )

    def hire_date(self, post: Post, category: str) -> dt.date:
        rng = self.rng
        if post.grades[0] in TRAINEE_GRADES:
            # Doctors in training rotate: most joined at an August changeover in the last two years.
            return dt.date(int(rng.choice([2024, 2025, 2025])), 8, 6)
        tenure = float(rng.exponential(3.0 if category == BANK else 7.5))
        return SNAPSHOT - _years(min(tenure, 40.0)) - dt.timedelta(days=int(rng.integers(0, 30)))

    def workforce(self) -> list[Person]:
        """Everyone in post on the snapshot date, and everyone who left in the year to it."""
        rng = self.rng
        people: list[Person] = []
        for post in POSTS:
            substantive = int(round(post.establishment * FILLED))
            for category, count in ((None, substantive), (BANK, post.bank)):
                for _ in range(count):
                    if category is None:
                        trainee = post.grades[0] in TRAINEE_GRADES
                        kind = FIXED_TERM if trainee or rng.random() < 0.04 else PERMANENT
                    else:
                        kind = BANK
                    people.append(self.person(post, kind, self.hire_date(post, kind)))
        people += self.leavers(people)
        # ESR numbers people in the order they were first hired, with gaps where others came and went.
        number = 20_100_000
        for person in sorted(people, key=lambda p: (p.hired, p.post.job_role, p.unit)):
            number += int(rng.integers(1, 40))
            person.employee_no = number
        return sorted(people, key=lambda p: p.employee_no)

    def leavers(self, in_post: list[Person]) -> list[Person]:
        """People who left in the year: as many as each kind of contract loses, minority-ethnic staff a
        little more often; each is a person in the same post as someone in post."""
        rng = self.rng
        rate = {person_id: (LEAVING_RATE["bank" if p.category == BANK else "substantive"]
                            * (LEAVING_RATIO if p.group == "bme" else 1.0))
                for person_id, p in enumerate(in_post)}
        like = pick(rng, list(range(len(in_post))), [rate[i] for i in range(len(in_post))])
        leavers: list[Person] = []
        for i in like:
            model = in_post[i]
            left = random_date(rng, PERIOD_START, SNAPSHOT)
            hired = min(self.hire_date(model.post, model.category), left - dt.timedelta(days=30))
            leaver = self.person(model.post, model.category, hired)
            leaver.ethnic_code = model.ethnic_code
            leaver.latest_hire = min(leaver.latest_hire, left - dt.timedelta(days=30))
            leaver.hired = min(leaver.hired, leaver.latest_hire)
            leaver.left = left
            leavers.append(leaver)
        return leavers

    # --- events in the year ---------------------------------------------------------------------

    def employed_between(self, person: Person) -> tuple[dt.date, dt.date]:
        return max(PERIOD_START, person.latest_hire), person.left or SNAPSHOT

    def involved(self, everyone: list[Person], target: int, bme_ratio: float) -> list[Person]:
        """About `target` people, `bme_ratio` times as many per head among minority-ethnic staff as white,
        drawn from everyone employed in the year by the group ESR records for them."""
        weight = {"white": 1.0, "bme": bme_ratio, "unknown": 1.0}
        employed = [p for p in everyone if self.employed_between(p)[0] <= self.employed_between(p)[1]]
        per_head = target / sum(weight[p.group] for p in employed)
        return pick_by_group(self.rng, employed, lambda p: p.recorded_group, lambda p: per_head * weight[p.group])

    def disciplinary(self, everyone: list[Person]) -> list[list[object]]:
        rng = self.rng
        cases = self.involved(everyone, int(rng.integers(40, 48)), DISCIPLINARY_RATIO)
        dated = sorted((random_date(rng, *self.employed_between(p)), p.employee_no) for p in cases)
        return [[f"ER-{opened:%y}-{seq:04d}", number, "Disciplinary", opened]
                for seq, (opened, number) in enumerate(dated, start=101)]

    def training(self, everyone: list[Person]) -> list[list[object]]:
        rng = self.rng
        attended = self.involved(everyone, int(rng.integers(950, 1050)), 1 / TRAINING_RATIO_WHITE_OVER_BME)
        records: list[tuple[int, dt.date, str]] = []
        for person in attended:
            options = COURSES[person.post.staff_group]
            if person.grade in ("Band 7", "Band 8a", "Band 8b", "Consultant"):
                options += LEADERSHIP_COURSES
            for i in rng.choice(len(options), size=1 + int(rng.random() < 0.25), replace=False):
                records.append((person.employee_no, random_date(rng, *self.employed_between(person)), options[int(i)]))
        return [[number, course, started] for number, started, course in sorted(records)]

    def recruitment(self, everyone: list[Person]) -> list[list[object]]:
        rng = self.rng
        advertised = [post for post in POSTS if post.grades[0] not in ("VSM", "Band 9")]
        weights = np.asarray([post.establishment for post in advertised], dtype=float)
        applicants: list[tuple[str, Post, dt.date, str]] = []
        seq = 0
        while len(applicants) < 1_700:
            post = advertised[int(rng.choice(len(advertised), p=weights / weights.sum()))]
            seq += 1
            closing = random_date(rng, PERIOD_START + dt.timedelta(days=21), SNAPSHOT)
            for _ in range(max(1, int(rng.poisson(9)))):
                applied = max(PERIOD_START, closing - dt.timedelta(days=int(rng.integers(0, 21))))
                applicants.append((f"NFT-{closing:%y}-{seq:04d}", post, applied,
                                   weighted_choice(rng, APPLICANT_GROUP_WEIGHTS)))
        applicants.sort(key=lambda a: (a[0], a[2]))
        group = [a[3] for a in applicants]
        indices = list(range(len(applicants)))
        shortlisted = set(pick_by_group(rng, indices, group.__getitem__, lambda i: SHORTLISTING_RATE[group[i]]))
        on_list = sorted(shortlisted)
        ratio = 1 / APPOINTMENT_RATIO_WHITE_OVER_BME
        weight = sum(ratio if group[i] == "bme" else 1.0 for i in on_list)
        white_rate = APPOINTED_FROM_SHORTLIST * len(on_list) / weight
        appointed = set(pick_by_group(rng, on_list, group.__getitem__,
                                      lambda i: white_rate * (ratio if group[i] == "bme" else 1.0)))
        rows: list[list[object]] = []
        applicant_id = 7_340_000
        for i, (vacancy, post, applied, who) in enumerate(applicants):
            applicant_id += int(rng.integers(1, 9))
            rows.append([vacancy, post.job_role, post.staff_group, applicant_id, self.applicant_ethnicity(who),
                         weighted_choice(rng, APPLICANT_DISABILITY), "Yes" if i in shortlisted else "No",
                         "Yes" if i in appointed else "No", applied])
        return rows

    def applicant_ethnicity(self, group: str) -> str | None:
        rng = self.rng
        if group == "unknown":
            return None if rng.random() < 0.3 else "I do not wish to disclose my ethnic origin"
        return SELF_DESCRIBED[weighted_choice(rng, WHITE_CODES if group == "white" else BME_CODES)]

    def survey(self, everyone: list[Person]) -> list[list[str]]:
        """The substantive staff in post who answered (bank workers have a survey of their own), in a
        random order; the ethnic group and condition are their own answers, not ESR's."""
        rng = self.rng
        in_post = [p for p in everyone if p.left is None and p.category != BANK]
        respondents = pick_by_group(rng, in_post, lambda p: p.group, lambda p: SURVEY_RESPONSE_RATE[p.group])
        respondents = [respondents[i] for i in rng.permutation(len(respondents))]
        answers: dict[str, list[str]] = {}
        for question, source in zip(WRES_QUESTIONS[:3], ("public", "managers", "colleagues"), strict=True):
            white = HARASSMENT_RATE_WHITE[source]
            rate = {"white": white, "bme": white * HARASSMENT_RATIO[source]}
            answers[question] = [self.answer(rate[p.group]) for p in respondents]
        answers["Q15"] = [self.career_fair(p.group) for p in respondents]
        answers["Q16b"] = [self.answer(DISCRIMINATION_RATE[p.group]) for p in respondents]
        first = int(rng.integers(100, 900)) * 1_000
        return [
            [str(first + i), p.division, "" if rng.random() < 0.03 else SELF_DESCRIBED[p.ethnic_code],
             self.long_term_condition(p), *(answers[q][i] for q in WRES_QUESTIONS)]
            for i, p in enumerate(respondents)
        ]

    def answer(self, rate: float) -> str:
        roll = self.rng.random()
        return "" if roll < 0.015 else "Yes" if roll < 0.015 + rate * 0.985 else "No"

    def career_fair(self, group: str) -> str:
        roll = self.rng.random()
        if roll < 0.18:
            return "Don't know"
        return "Yes" if roll < 0.18 + CAREER_FAIR_RATE[group] * 0.82 else "No"

    def long_term_condition(self, person: Person) -> str:
        # More staff tell the survey of a long-term condition than tell ESR of a disability.
        roll = self.rng.random()
        rate = {"Yes": 0.95, "No": 0.17}.get(person.disability, 0.25)
        return "" if roll < 0.02 else "Yes" if roll < 0.02 + rate * 0.98 else "No"

    # --- the WDES's own data, drawn with a generator of their own ----------------------------------------

    def capability(self, everyone: list[Person], rng: np.random.Generator) -> list[tuple[dt.date, int, str]]:
        """Formal capability cases opened in the year, (date, employee number, reason): a fixed number for each
        reason, disabled staff (as ESR records them) CAPABILITY_RATIO_DISABLED times as likely per head."""
        employed = [p for p in everyone if self.employed_between(p)[0] <= self.employed_between(p)[1]]
        disabled = [p for p in employed if p.disability == "Yes"]
        others = [p for p in employed if p.disability != "Yes"]
        cases: list[tuple[dt.date, int, str]] = []
        for reason, target in CAPABILITY_CASES.items():
            ratio = CAPABILITY_RATIO_DISABLED[reason]
            per_head = target / (len(others) + ratio * len(disabled))
            for person in pick(rng, disabled, [per_head * ratio] * len(disabled)) + \
                    pick(rng, others, [per_head] * len(others)):
                cases.append((random_date(rng, *self.employed_between(person)), person.employee_no, reason))
        return cases

    @staticmethod
    def wdes_survey(rows: list[list[str]], rng: np.random.Generator) -> list[list[str]]:
        """The survey's rows with the WDES's questions added, every question in SURVEY_QUESTIONS' order: Q4b on five
        points; Q11d; Q11e only for those who said yes to Q11d; Q14d only for those who said yes to any of Q14a-c.
        By the respondent's own answer to the disability question (a blank as not disabled)."""
        fixed = 4  # respondent, division, ethnic group, disability
        out: list[list[str]] = []
        for row in rows:
            answers = dict(zip(WRES_QUESTIONS, row[fixed:], strict=True))
            group = "disabled" if row[3] == "Yes" else "non_disabled"
            answers["Q4b"] = _satisfaction(rng, VALUED_RATE[group])
            answers["Q11d"] = _yes_no(rng, UNWELL_AT_WORK_RATE[group])
            answers["Q11e"] = _yes_no(rng, PRESSURE_RATE[group]) if answers["Q11d"] == "Yes" else ""
            harassed = any(answers[q] == "Yes" for q in WRES_QUESTIONS[:3])
            answers["Q14d"] = _yes_no(rng, REPORTED_RATE[group]) if harassed else ""
            out.append([*row[:fixed], *(answers[q] for q in SURVEY_QUESTIONS)])
        return out

    @staticmethod
    def adjustments_and_engagement(rows: list[list[str]], rng: np.random.Generator) -> list[list[str]]:
        """Each row with Q30b (adequate adjustments: asked of those with a long-term condition, blank for the rest)
        and the engagement score (0 to 10, to one place; 1% blank), by the respondent's own disability answer."""
        out: list[list[str]] = []
        for row in rows:
            group = "disabled" if row[3] == "Yes" else "non_disabled"
            if group == "disabled":
                roll = rng.random()
                adjustments = ("No adjustment required" if roll < NO_ADJUSTMENT_NEEDED else
                               _yes_no(rng, ADEQUATE_ADJUSTMENTS_RATE))
            else:
                adjustments = ""
            mean, sd = ENGAGEMENT[group]
            score = float(np.clip(rng.normal(mean, sd), 0.0, 10.0))
            out.append([*row, adjustments, "" if rng.random() < 0.01 else f"{score:.1f}"])
        return out

    def staff_row(self, person: Person) -> list[object]:
        assignment = f"{person.employee_no}-2" if person.second_assignment else str(person.employee_no)
        return [
            TRUST, person.division, COST_CENTRE[person.unit], person.employee_no, assignment, person.category,
            person.post.staff_group, person.post.job_role, person.grade, person.salary, person.wte, person.hired,
            person.latest_hire, person.left, person.born, person.gender, person.ethnic_origin(self.rng),
            person.disability, person.sexual_orientation, person.religious_belief,
        ]


def _yes_no(rng: np.random.Generator, rate: float) -> str:
    roll = rng.random()
    return "" if roll < 0.015 else "Yes" if roll < 0.015 + rate * 0.985 else "No"


SATISFACTION = ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied",
                "Very satisfied")


def _satisfaction(rng: np.random.Generator, satisfied: float) -> str:
    """A five-point answer: `satisfied` of those answering satisfied (a quarter of them very), the rest half neither,
    a third dissatisfied, the rest very dissatisfied."""
    roll = rng.random()
    if roll < 0.015:
        return ""
    shares = (0.17 * (1 - satisfied), 0.33 * (1 - satisfied), 0.5 * (1 - satisfied), 0.75 * satisfied,
              0.25 * satisfied)
    point = float(rng.random())
    for answer, cumulative in zip(SATISFACTION, np.cumsum(shares), strict=True):
        if point < cumulative:
            return answer
    return SATISFACTION[-1]


@dataclass
class Exports:
    """The trust's exports, as rows of cell values (headings excluded)."""

    staff: list[list[object]]
    recruitment: list[list[object]]
    # The employee relations case log: disciplinary and capability cases, by date opened.
    er_cases: list[list[object]]
    training: list[list[object]]
    survey: list[list[str]]


def simulate(seed: int = SEED) -> Exports:
    trust = _Trust(np.random.default_rng(seed))
    everyone = trust.workforce()
    staff = [trust.staff_row(person) for person in everyone]
    recruitment = trust.recruitment(everyone)
    disciplinary = trust.disciplinary(everyone)
    training = trust.training(everyone)
    survey = trust.survey(everyone)
    wdes = np.random.default_rng([seed, 2019])  # the WDES's own draws (2019: its first year)
    cases = [(opened, number, "Disciplinary", "Conduct") for _, number, _, opened in disciplinary]
    cases += [(opened, number, "Capability", reason) for opened, number, reason in trust.capability(everyone, wdes)]
    er_cases: list[list[object]] = [[f"ER-{opened:%y}-{seq:04d}", number, kind, reason, opened]
                                    for seq, (opened, number, kind, reason) in enumerate(sorted(cases), start=101)]
    survey = trust.wdes_survey(survey, wdes)
    survey = trust.adjustments_and_engagement(survey, np.random.default_rng([seed, 2019, 8]))
    return Exports(staff=staff, recruitment=recruitment, er_cases=er_cases, training=training, survey=survey)


# --- writing the files ---------------------------------------------------------------------------


def write_staff(rows: list[list[object]], path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Staff in Post"
    sheet["A1"] = TRUST
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = (f"ESR BI: Assignment Details - staff in post at {SNAPSHOT:%d/%m/%Y} and assignments ended "
                   f"{PERIOD_START:%d/%m/%Y} to {SNAPSHOT:%d/%m/%Y}")
    sheet["A3"] = f"Run {RUN:%d/%m/%Y %H:%M}; primary assignments; bank workers included"
    write_table(sheet, 5, STAFF_HEADINGS, rows)
    notes = workbook.create_sheet("Notes")
    for row, line in enumerate((
        "One row per person: their primary assignment (Assignment Number ending -2 where an earlier one ended).",
        "Assignment Category: Permanent, Fixed Term Temp (doctors in training, fixed-term posts) or Bank "
        "(bank-only workers, paid by the shift: no Annual Salary, Contracted WTE 0).",
        "Termination Date is filled for assignments that ended in the year; the rest are in post.",
        "Annual Salary is the full-time equivalent on the snapshot date or the termination date.",
        "OFFICIAL-SENSITIVE: contains personal data.",
    ), start=1):
        notes.cell(row=row, column=1, value=line)
    notes.column_dimensions["A"].width = 110
    save_workbook(workbook, path, RUN, creator="ESR Business Intelligence")


def write_survey(rows: list[list[str]], path: Path) -> None:
    # The survey contractor's respondent-level file: UTF-8 with a byte-order mark, CRLF.
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(SURVEY_HEADINGS)
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode("utf-8-sig"))


def generate(out_dir: Path = DEFAULT_OUT, seed: int = SEED) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    exports = simulate(seed)
    paths = {name: out_dir / name for name in FILES}
    write_staff(exports.staff, paths["esr_staff_in_post.xlsx"])
    write_simple_workbook(
        paths["trac_applicants.xlsx"], "Applicants", RECRUITMENT_HEADINGS, exports.recruitment, RUN,
        title=f"Equality monitoring: applications received {PERIOD_START:%d/%m/%Y} to {SNAPSHOT:%d/%m/%Y}",
        creator="TRAC",
    )
    write_simple_workbook(paths["er_cases.xlsx"], "ER Cases", ER_HEADINGS, exports.er_cases, RUN,
                          creator="Employee Relations Case Log")
    write_simple_workbook(
        paths["non_mandatory_training.xlsx"], "Non-Mandatory Training", TRAINING_HEADINGS, exports.training, RUN,
        title=f"ESR OLM: non-mandatory learning started {PERIOD_START:%d/%m/%Y} to {SNAPSHOT:%d/%m/%Y}",
        creator="ESR Business Intelligence",
    )
    write_survey(exports.survey, paths["staff_survey.csv"])
    write_simple_workbook(
        paths["board_members.xlsx"], "Board Members", BOARD_HEADINGS,
        [[name, role, voting, executive, NHS_ETHNIC_ORIGIN[code], disability]
         for name, role, voting, executive, code, disability in BOARD], RUN,
        title=f"{TRUST}: Board of Directors at {SNAPSHOT:%d/%m/%Y}", creator="Trust Secretary",
    )
    return list(paths.values())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=f"Write the {TRUST} sample exports.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write into (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    written = generate(args.out, args.seed)
    print(f"Wrote {len(written)} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
