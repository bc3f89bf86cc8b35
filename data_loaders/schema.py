"""The canonical shape of every dataset the loaders produce and the metrics consume.

A loader's job ends when a sheet has become a frame with these column names and kinds; the
metrics never see a council's own headings. Headings listed here are the ones HR, payroll
and recruitment systems print; they are compared after `normalise_heading`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

DatasetName = Literal["staff", "recruitment", "disciplinary", "capability", "fitness_to_practise", "cpd", "survey",
                      "leavers", "board"]
DATASETS: tuple[str, ...] = (
    "staff",
    "recruitment",
    "disciplinary",
    "capability",
    "fitness_to_practise",
    "cpd",
    "survey",
    "leavers",
    "board",
)

# How a column's cells are parsed (see data_loaders.values).
# "opinion" is a yes / no / don't know question, whose "don't know" is an answer (data_loaders.values.parse_opinion).
# "executive" and "voting" are yes/no flags that also read a board role's words ("Executive" / "Non-executive",
# "Voting" / "Non-voting"), as a trust secretary's list writes them (data_loaders.values.parse_executive).
# "satisfaction" is a five-point satisfied / dissatisfied answer, satisfied or very satisfied read as yes
# (data_loaders.values.parse_satisfaction).
# "adjustments" is a yes / no / not needed answer (data_loaders.values.parse_adjustments); "score" a number on a
# 0-10 scale, one per respondent (data_loaders.values.parse_score).
ColumnKind = Literal["id", "text", "ethnicity", "money", "date", "flag", "opinion", "satisfaction", "service",
                     "outcome", "executive", "voting", "adjustments", "score"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    headings: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class DatasetSchema:
    name: str
    title: str
    columns: tuple[Column, ...]
    # Each inner tuple is "at least one of these": ("employee_id", "ethnicity") means the
    # rows can be tied to a person's ethnicity either by joining to staff or directly.
    required: tuple[tuple[str, ...], ...]
    # Sheet or file names that say which dataset a sheet holds.
    sheet_names: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def short_title(self) -> str:
        """The title without its note on the shape ("Recruitment", not "Recruitment (one row per applicant)"),
        for a sentence that names the file to upload."""
        return self.title.split(" (")[0]


def normalise_heading(text: object) -> str:
    """Lower case, '&' as 'and', punctuation as spaces, single spaces: 'Ethnic_Origin ' -> 'ethnic origin'."""
    value = str(text).strip().lower().replace("&", " and ")
    value = re.sub(r"[^0-9a-z£%]+", " ", value)
    return re.sub(r"\s+", " ", value).strip()


_EMPLOYEE_ID = Column(
    "employee_id",
    "id",
    (
        "employee id",
        "employee no",
        "employee number",
        "employee ref",
        "emp no",
        "emp id",
        "staff id",
        "staff no",
        "staff number",
        "person id",
        "person number",
        "personnel number",
        "payroll number",
        "payroll no",
        "assignment number",
        "assignment no",
        "assignment id",
        "employee",
        "id",
    ),
    "The person's identifier in the HR system; joins events to staff.",
)
_ETHNICITY = Column(
    "ethnicity",
    "ethnicity",
    (
        "ethnicity",
        "ethnic origin",
        "ethnic group",
        "ethnic background",
        "ethnicity code",
        "ethnic origin code",
        "ethnic category",
        "race",
        "race ethnicity",
        "ethnicity description",
    ),
    "The person's own description of their ethnic group, as recorded.",
)
_SERVICE = Column(
    "service",
    "service",
    (
        "service",
        "service area",
        "directorate",
        "department",
        "division",
        "service user group",
        # ESR's organisation hierarchy: level 3 is the trust itself, level 4 its divisions (the level a
        # trust reports by, as a council does by service), and "Organisation" the lowest unit (a ward, a
        # cost centre), hundreds of them. So "Org L4" is preferred where a sheet has both.
        "org l4",
        "organisation",
        "org unit",
        "business unit",
        "area",
    ),
    "Adults, Children's, or another service.",
)


# Held as written ("Yes", "No", "Not Declared", "Unspecified"); ESR calls it "Disability Flag".
_DISABILITY = Column(
    "disability",
    "text",
    ("disability", "disabled", "disability status", "disability flag"),
    "Whether the person has told the employer they are disabled, as recorded.",
)


def _event_date(*extra: str) -> Column:
    return Column(
        "date",
        "date",
        ("date", "event date", "date opened", "start date", *extra),
        "When the event happened; used to keep the 12-month period.",
    )


# An employee relations case log (ESR's Employee Relations module: disciplinary, capability, grievance and other
# cases in one list) and the disciplinary and capability lists share their columns, so that a log read as either is
# split by its case type into both (data_loaders.load, CASE_TYPES).
_CASE_LOG_COLUMNS: tuple[Column, ...] = (
    Column("case_id", "id", ("case id", "case ref", "case reference", "case number", "case no", "reference")),
    _EMPLOYEE_ID,
    _ETHNICITY,
    _DISABILITY,
    _SERVICE,
    _event_date(
        "case start date",
        "date of investigation",
        "investigation start date",
        "date case opened",
        "hearing date",
        "date entered formal process",
        "formal stage date",
    ),
    Column(
        "case_type",
        "text",
        ("case type", "er case type", "type of case", "case category", "case type description", "er type",
         "employee relations case type"),
        "Which kind of employee relations case: Disciplinary, Capability, Grievance...",
    ),
    Column(
        "reason",
        "text",
        ("capability reason", "reason for capability", "case reason", "reason", "case sub type", "sub type",
         "capability type", "reason category"),
        "Why the case was opened: for a capability case, performance or ill health.",
    ),
)

# The case types of a case log that go to each dataset, compared after normalise_heading: a type that is one of
# these, or begins with one and a space ("Capability - Ill Health"), is of that dataset. Any other type (grievance,
# bullying and harassment, sickness absence), and a blank one, is of neither, and a note says how many.
CASE_TYPES: dict[str, tuple[str, ...]] = {
    "disciplinary": ("disciplinary", "discipline", "conduct", "misconduct", "gross misconduct"),
    "capability": ("capability", "performance", "poor performance", "performance management"),
}


SCHEMAS: dict[str, DatasetSchema] = {
    "staff": DatasetSchema(
        "staff",
        "Workforce snapshot",
        (
            _EMPLOYEE_ID,
            _ETHNICITY,
            Column(
                "pay_band",
                "text",
                (
                    "pay band",
                    "grade",
                    "band",
                    "pay grade",
                    "salary band",
                    "pay scale",
                    "scale",
                    "grade code",
                    "afc band",
                    "afc pay band",
                    "agenda for change band",
                ),
            ),
            Column(
                "salary",
                "money",
                (
                    "salary",
                    "annual salary",
                    "fte salary",
                    "basic salary",
                    "annual pay",
                    "full time equivalent salary",
                    "salary £",
                    "pay",
                ),
            ),
            _SERVICE,
            Column(
                "job_title",
                "text",
                ("job title", "post title", "position", "job", "role", "position title", "job role"),
            ),
            Column(
                "start_date",
                "date",
                (
                    "start date",
                    "date started",
                    "date of appointment",
                    "continuous service date",
                    "start",
                    "date joined",
                    "hire date",
                    "appointment date",
                    "latest hire date",
                ),
            ),
            Column(
                "leave_date",
                "date",
                ("leave date", "leaving date", "date left", "termination date", "end date", "date of leaving"),
            ),
            Column("senior_manager", "flag", ("senior manager", "senior management", "senior", "senior leader", "smt")),
            Column(
                "regulated_professional",
                "flag",
                (
                    "regulated professional",
                    "regulated",
                    "registered professional",
                    "professionally registered",
                    "registered",
                ),
            ),
            Column("sex", "text", ("sex", "gender")),
            _DISABILITY,
            # A payroll export's columns for the pay gap figures (metrics.paygap; the Equality Act 2010 (Specified
            # Public Authorities) Regulations 2017): ordinary pay in the pay period that holds the snapshot, the
            # weekly working hours, bonus pay in the 12 months to the snapshot, and whether the person was on full
            # pay in that period (a "full-pay relevant employee") or on reduced or nil pay for leave.
            Column(
                "ordinary_pay",
                "money",
                ("ordinary pay", "ordinary pay in pay period", "ordinary pay for the pay period",
                 "pay period ordinary pay", "ordinary pay in the pay period", "gross ordinary pay",
                 "ordinary pay this period", "period ordinary pay"),
                "Ordinary pay for the pay period that holds the snapshot date (basic pay, allowances, shift "
                "premium, pay for leave), before tax.",
            ),
            Column(
                "weekly_hours",
                "money",
                ("weekly hours", "weekly contracted hours", "contracted weekly hours", "contracted hours",
                 "hours per week", "weekly working hours", "contract hours", "working hours per week"),
                "The hours a week the person is contracted to work.",
            ),
            # NHS trusts' ESR gives the whole-time equivalent of the post rather than weekly hours: with a full-time
            # week (37.5 hours under Agenda for Change) it gives the weekly hours (metrics.paygap.weekly_hours_from).
            Column(
                "wte",
                "money",
                ("contracted wte", "wte", "fte", "whole time equivalent", "full time equivalent", "contracted fte",
                 "assignment wte", "wte contracted", "fte contracted"),
                "The whole-time equivalent of the post (1 for full time, 0.5 for half time), where the export has "
                "no weekly hours.",
            ),
            Column(
                "pay_period_days",
                "money",
                ("pay period days", "days in pay period", "days in the pay period", "pay period length days"),
                "How many days the pay period of the ordinary pay is (a calendar month's days for monthly pay).",
            ),
            Column(
                "bonus_pay",
                "money",
                ("bonus pay", "bonus", "bonus pay in 12 months", "bonus pay in the 12 months", "bonus paid",
                 "bonus pay 12 months", "bonus pay in year", "bonuses"),
                "Bonus pay received in the 12 months to the snapshot date.",
            ),
            Column(
                "full_pay_relevant",
                "flag",
                ("full pay relevant", "full pay relevant employee", "full pay", "on full pay", "fpr"),
                "Whether the person was on full pay in the pay period (no; reduced or nil pay for leave).",
            ),
            Column(
                "reduced_pay",
                "flag",
                ("reduced pay", "on reduced pay", "reduced pay for leave", "reduced or nil pay", "reduced nil pay"),
                "Whether the person was on reduced or nil pay for leave in the pay period (the inverse of full pay).",
            ),
            Column("team", "text", ("team", "team name", "cost centre", "section", "unit")),
            # The NHS staff groups (NHS Data Dictionary, STAFF GROUP: "Medical and Dental", "Nursing and
            # Midwifery Registered", "Administrative and Clerical"...), which the NHS WRES clusters bands by.
            Column("staff_group", "text", ("staff group",), "The NHS staff group of the person's post."),
            # ESR's "Permanent", "Fixed Term Temp", "Bank": the NHS WRES counts bank workers apart.
            Column(
                "assignment_category",
                "text",
                ("assignment category",),
                "Whether the post is substantive (permanent, fixed term) or bank.",
            ),
        ),
        required=(("ethnicity",),),
        sheet_names=("staff", "workforce", "establishment", "headcount", "employees", "snapshot"),
    ),
    "recruitment": DatasetSchema(
        "recruitment",
        "Recruitment (one row per applicant)",
        (
            Column(
                "applicant_id",
                "id",
                (
                    "applicant id",
                    "applicant no",
                    "applicant number",
                    "candidate id",
                    "candidate number",
                    "application id",
                    "application number",
                ),
            ),
            _ETHNICITY,
            _DISABILITY,
            Column(
                "shortlisted", "flag", ("shortlisted", "shortlisted y n", "short listed", "shortlist", "interviewed")
            ),
            Column("appointed", "flag", ("appointed", "appointed y n", "offered", "hired", "successful", "offer made")),
            Column(
                "outcome",
                "outcome",
                ("outcome", "status", "application status", "result", "stage", "application outcome"),
            ),
            Column(
                "vacancy",
                "text",
                ("vacancy", "vacancy ref", "vacancy reference", "vacancy id", "job reference", "post", "requisition"),
            ),
            _SERVICE,
            _event_date("application date", "date applied", "closing date", "interview date"),
        ),
        required=(("ethnicity",), ("shortlisted", "outcome")),
        sheet_names=("recruitment", "applicants", "applications", "candidates", "shortlisting"),
    ),
    "disciplinary": DatasetSchema(
        "disciplinary",
        "Formal disciplinary cases",
        _CASE_LOG_COLUMNS,
        required=(("employee_id", "ethnicity"),),
        sheet_names=("disciplinary", "disciplinaries", "discipline", "conduct", "er cases", "employee relations"),
    ),
    # WDES metric 3: entry into the formal capability procedure, on grounds of performance (the reason says which).
    "capability": DatasetSchema(
        "capability",
        "Formal capability cases",
        _CASE_LOG_COLUMNS,
        required=(("employee_id", "ethnicity"),),
        sheet_names=("capability", "capability cases", "capabilities", "performance management",
                     "capability procedure"),
    ),
    "fitness_to_practise": DatasetSchema(
        "fitness_to_practise",
        "Fitness to practise referrals",
        (
            Column(
                "case_id",
                "id",
                (
                    "case id",
                    "case ref",
                    "referral id",
                    "referral reference",
                    "reference",
                    "referral ref",
                    "referral no",
                    "referral number",
                ),
            ),
            _EMPLOYEE_ID,
            _ETHNICITY,
            _SERVICE,
            _event_date("referral date", "date referred", "date of referral"),
        ),
        required=(("employee_id", "ethnicity"),),
        sheet_names=(
            "fitness to practise",
            "fitness to practice",
            "ftp",
            "referrals",
            "swe referrals",
            "hcpc referrals",
        ),
    ),
    "cpd": DatasetSchema(
        "cpd",
        "Continuing professional development",
        (
            _EMPLOYEE_ID,
            _ETHNICITY,
            Column(
                "course",
                "text",
                ("course", "course title", "course name", "training", "activity", "programme", "learning activity"),
            ),
            Column("funded", "flag", ("funded", "funded by council", "employer funded", "paid for", "funding")),
            Column("non_mandatory", "flag", ("non mandatory", "non-mandatory", "optional", "discretionary")),
            Column("mandatory", "flag", ("mandatory", "mandatory training", "compulsory")),
            _SERVICE,
            _event_date("course date", "date attended", "completion date", "date completed", "course start date"),
        ),
        required=(("employee_id", "ethnicity"),),
        sheet_names=("cpd", "training", "learning", "continuing professional development", "development"),
    ),
    "survey": DatasetSchema(
        "survey",
        "Staff survey (one row per respondent)",
        (
            Column("respondent_id", "id", ("respondent id", "response id", "respondent")),
            _ETHNICITY,
            _DISABILITY,
            Column(
                "harassment_public",
                "flag",
                (
                    "harassment from public",
                    "harassment public",
                    "bullying from public",
                    "harassment from people who use services",
                    "abuse from public",
                    "from public",
                    "public",
                    # The NHS Staff Survey's code for "...from patients / service users, their relatives or
                    # other members of the public" (2021 to 2023 questionnaires; q14b managers, q14c other
                    # colleagues), as a respondent-level file heads the question's column.
                    "q14a",
                ),
            ),
            Column(
                "harassment_colleagues",
                "flag",
                (
                    "harassment from colleagues",
                    "harassment colleagues",
                    "bullying from colleagues",
                    "from colleagues",
                    "colleagues",
                    "q14c",
                ),
            ),
            Column(
                "harassment_managers",
                "flag",
                (
                    "harassment from managers",
                    "harassment managers",
                    "bullying from managers",
                    "from managers",
                    "managers",
                    "q14b",
                ),
            ),
            # The NHS WRES's indicator 6 as one question, where a survey asks it so (otherwise it is counted from
            # the two above: metrics.registry, W6).
            Column(
                "harassment_staff",
                "flag",
                (
                    "harassment from staff",
                    "harassment staff",
                    "bullying from staff",
                    "harassment from managers or colleagues",
                    "harassment from colleagues or managers",
                    "from staff",
                ),
            ),
            # NHS Staff Survey q15 (2021 to 2024 questionnaires): does your organisation act fairly with regard to
            # career progression / promotion regardless of ethnic background, gender, religion, sexual orientation,
            # disability or age? Yes / No / Don't know.
            Column(
                "equal_opportunities",
                "opinion",
                (
                    "equal opportunities",
                    "equal opportunities for career progression",
                    "career progression",
                    "acts fairly on career progression",
                    "fair career progression",
                    "career progression fair",
                    "q15",
                ),
            ),
            # NHS Staff Survey q14d (WDES metric 4b): the last time you experienced harassment, bullying or abuse at
            # work, did you or a colleague report it? Asked of those who experienced it.
            Column(
                "harassment_reported",
                "flag",
                (
                    "harassment reported",
                    "reported harassment",
                    "reported harassment bullying or abuse",
                    "last experience of harassment reported",
                    "q14d",
                ),
            ),
            # NHS Staff Survey q11e (WDES metric 6): have you felt pressure from your manager to come to work (despite
            # not feeling well enough to perform your duties)? Asked of those who came to work unwell (q11d yes).
            Column(
                "pressure_to_work",
                "flag",
                (
                    "pressure to work",
                    "pressure to come to work",
                    "pressure from manager to come to work",
                    "felt pressure to come to work",
                    "presenteeism pressure",
                    "q11e",
                ),
            ),
            # NHS Staff Survey q4b (WDES metric 7): how satisfied are you with the extent to which your organisation
            # values your work? Five points, very dissatisfied to very satisfied.
            Column(
                "valued_work",
                "satisfaction",
                (
                    "valued work",
                    "organisation values my work",
                    "extent organisation values my work",
                    "satisfied organisation values my work",
                    "feel valued",
                    "q4b",
                ),
            ),
            # NHS Staff Survey q30b (2024; WDES metric 8): has your employer made adequate adjustment(s) to enable you
            # to carry out your work? Yes / No / No adjustment required; asked of those with a long-term condition.
            Column(
                "adjustments",
                "adjustments",
                (
                    "adjustments",
                    "adequate adjustments",
                    "reasonable adjustments",
                    "adequate reasonable adjustments",
                    "employer made adequate adjustments",
                    "adjustments made",
                    "q30b",
                ),
            ),
            # WDES metric 9a: the respondent's staff engagement score, 0 to 10 (the NHS Staff Survey's theme score).
            Column(
                "engagement_score",
                "score",
                (
                    "engagement score",
                    "staff engagement",
                    "staff engagement score",
                    "engagement",
                ),
            ),
            # NHS Staff Survey q16b: discrimination at work in the last 12 months from a manager / team leader or
            # other colleagues.
            Column(
                "discrimination_staff",
                "flag",
                (
                    "discrimination from staff",
                    "discrimination from colleagues",
                    "discrimination from manager or colleagues",
                    "discrimination from managers or colleagues",
                    "discrimination staff",
                    "q16b",
                ),
            ),
            _SERVICE,
        ),
        # A respondent's ethnic group or disability: the survey gives the WDES's metrics without an ethnic group.
        required=(("ethnicity", "disability"), ("harassment_public", "harassment_colleagues", "harassment_managers",
                                   "harassment_staff", "equal_opportunities", "discrimination_staff",
                                   "harassment_reported", "pressure_to_work", "valued_work", "adjustments",
                                   "engagement_score")),
        sheet_names=("survey", "staff survey", "responses", "survey responses"),
    ),
    "leavers": DatasetSchema(
        "leavers",
        "Leavers",
        (
            _EMPLOYEE_ID,
            _ETHNICITY,
            Column(
                "leave_date",
                "date",
                ("leave date", "leaving date", "date left", "termination date", "end date", "date of leaving"),
            ),
            Column("start_date", "date", ("start date", "date started", "date joined", "continuous service date")),
            Column("reason", "text", ("reason", "leaving reason", "reason for leaving", "termination reason")),
            _SERVICE,
        ),
        required=(("employee_id", "ethnicity"), ("leave_date",)),
        sheet_names=("leavers", "leaver", "turnover", "terminations", "starters and leavers"),
    ),
    # The trust secretary's list of board members (NHS WRES indicator 9, WDES metric 10): one row per member,
    # staff or not (non-executive directors are not staff), so it is not joined to the staff list.
    "board": DatasetSchema(
        "board",
        "Board members (one row per member)",
        (
            Column(
                "board_member",
                "id",
                ("member", "board member", "name", "member name", "full name", "director", "member id"),
                "The member's name or an identifier; not used in any figure.",
            ),
            _ETHNICITY,
            _DISABILITY,
            Column(
                "voting",
                "voting",
                ("voting member", "voting", "voting rights", "voting status", "voting membership",
                 "voting non voting", "board voting member"),
                "Whether the member has a vote on the board: yes/no, or 'Voting' / 'Non-voting'.",
            ),
            Column(
                "executive",
                "executive",
                ("executive", "executive director", "executive member", "exec non exec", "exec", "exec or non exec",
                 "executive non executive", "executive or non executive", "executive status", "ed ned",
                 "director type"),
                "Whether the member is an executive director: yes/no, or 'Executive' / 'Non-executive'.",
            ),
        ),
        required=(("ethnicity",), ("voting", "executive")),
        sheet_names=("board", "board members", "trust board", "board membership", "board of directors"),
    ),
}
