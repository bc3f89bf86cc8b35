"""The metrics and the standards that have them, described once.

Pages, sentences, exports, the counts template and the command line read these
definitions; nothing else spells out a metric's title, its theme, which group is the
numerator under each standard or which direction is adverse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from data_loaders.comparison import DISABILITY, ETHNICITY, Comparison

if TYPE_CHECKING:
    from metrics.counts import Period


# "share" is one group's percentage with no comparison group (WDES 8); "score" a difference of mean scores between
# the two groups compared (WDES 9a); "narrative" a metric of words, not figures (WDES 9b): its panels are its content.
MetricKind = Literal["distribution", "relative_likelihood", "survey", "representation", "share", "score", "narrative"]
Direction = Literal["lower", "higher"]
# How a metric's headline figure is written (metrics.formatting): a relative likelihood as a ratio ("0.78"), a
# difference in percentage points ("+4.5"), or shares ("24.0%") for a metric described by its chart, with no single
# figure (the pay bands); one group's percentage ("68.0%", WDES 8); a difference of mean scores on a 0-10 scale
# ("-0.40", WDES 9a); none, for a narrative (WDES 9b).
FigureFormat = Literal["ratio", "points", "shares", "percent", "score", "none"]
# The chart a metric is drawn with (charts.builders.chart_for).
ChartKind = Literal["stacked_bands", "recruitment_funnel", "forest", "survey_bars", "leaver_rates", "representation",
                    "share", "scores", "none"]


@dataclass(frozen=True)
class Guidance:
    """A published document a standard is defined by, as docs/standards.md lists it under Sources: so that what
    the tool follows, and how old it is, is written down with the standard rather than remembered."""

    title: str
    publisher: str
    # Which edition, or the page's date, in the publisher's words; "" when the page gives none.
    edition: str
    # The year it was published, when known.
    year: int | None
    address: str

    def citation(self) -> str:
        """Publisher, title and edition, in one line (the README gives each standard's, with the address)."""
        edition = f" ({self.edition})" if self.edition else ""
        return f"{self.publisher}, {self.title}{edition}"


# The nine metrics the tool has counted since its first version: the SC-WRES's, in its order.
NINE_METRICS: tuple[str, ...] = ("M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9")


@dataclass(frozen=True)
class Standard:
    id: str
    name: str
    title: str
    # Who it compares: the groups, in order, and the words for each (data_loaders.comparison).
    comparison: Comparison
    # The metrics it has, by id, in the order it gives them: every view (counting, results, pages, trends,
    # benchmarking, the board pack, the command line, the counts template) lists these and no others.
    metrics: tuple[str, ...] = NINE_METRICS
    # The published guidance it is defined by (docs/standards.md, Sources), most authoritative first.
    guidance: tuple[Guidance, ...] = ()
    # What the tool's figures for it are, where that is not simply the standard as published.
    note: str = ""
    # Whether the pay bands (metric 1) leave out bank workers, when the staff data has an assignment category
    # (is_bank says who is a bank worker).
    pay_bands_leave_out_bank: bool = False
    # Whether the pay bands (metric 1) are shown separately for each Agenda for Change cluster, when the staff data
    # has a staff group (CLUSTERS says which staff group is in which).
    pay_bands_by_cluster: bool = False


# Bank workers, for the standards that leave them out of metric 1: an assignment category that, trimmed and
# case-folded, is "bank" or begins with "bank " ("Bank", "Bank Worker", "Bank Staff", "BANK"). Every other category
# (ESR's "Permanent", "Fixed Term Temp"), and a blank, is counted.
def is_bank(category: str) -> bool:
    words = " ".join(category.split()).casefold()
    return words == "bank" or words.startswith("bank ")


# The Agenda for Change clusters metric 1's bands are shown in under the standards that ask for them, in the order
# shown, with the NHS Data Dictionary staff groups each holds (compared trimmed and case-folded). A staff group not
# listed, or a blank, is in NO_CLUSTER, shown last, and a note says so.
CLUSTERS: dict[str, tuple[str, ...]] = {
    "Non-clinical": ("Administrative and Clerical", "Estates and Ancillary"),
    "Clinical": ("Nursing and Midwifery Registered", "Additional Clinical Services", "Allied Health Professionals",
                 "Additional Professional Scientific and Technical", "Healthcare Scientists", "Students"),
    "Medical and dental": ("Medical and Dental",),
}
NO_CLUSTER = "Staff group not known"
CLUSTER_ORDER: tuple[str, ...] = (*CLUSTERS, NO_CLUSTER)
# How a cluster and a band are written as one item of metric 1: "Clinical: Band 5".
CLUSTER_SEPARATOR = ": "


def cluster_of_staff_group(staff_group: str) -> str:
    """The cluster a staff group is in (NO_CLUSTER for one not listed)."""
    words = " ".join(staff_group.split()).casefold()
    return next((cluster for cluster, groups in CLUSTERS.items() if words in (g.casefold() for g in groups)),
                NO_CLUSTER)


def cluster_item(cluster: str, band: str) -> str:
    return f"{cluster}{CLUSTER_SEPARATOR}{band}"


def split_cluster(item: str) -> tuple[str, str]:
    """An item of metric 1 as (cluster, band): ("", item) for a band not in a cluster."""
    for cluster in CLUSTER_ORDER:
        if item.startswith(cluster + CLUSTER_SEPARATOR):
            return cluster, item[len(cluster) + len(CLUSTER_SEPARATOR):]
    return "", item


SC_WRES_GUIDANCE = (
    Guidance("Social Care Workforce Race Equality Standard (indicator page)", "Skills for Care", "", None,
             "https://www.skillsforcare.org.uk/Support-for-leaders-and-managers/Supporting-a-diverse-workforce/"
             "Social-Care-Workforce-Race-Equality-Standard/Social-Care-Workforce-Race-Equality-Standard.aspx"),
    Guidance("SC-WRES improvement programme", "Skills for Care", "", None,
             "https://www.skillsforcare.org.uk/Support-for-leaders-and-managers/Supporting-a-diverse-workforce/"
             "Social-Care-Workforce-Race-Equality-Standard/SC-WRES-improvement-programme.aspx"),
    Guidance("Skills for Care publishes SC-WRES 2024 report", "Skills for Care", "2024 report, May 2025", 2025,
             "https://www.skillsforcare.org.uk/news-and-events/news/skills-for-care-publishes-social-care-workforce-"
             "race-equality-standard-sc-wres-2024-report-1"),
)
NHS_WRES_GUIDANCE = (
    Guidance("Technical Guidance for the NHS Workforce Race Equality Standard (WRES)", "NHS England",
             "July 2018, superseding March 2017; the latest edition found", 2018,
             "http://businessdocbox.com/Human_Resources/128991512-Technical-guidance-for-the-nhs-workforce-race-"
             "equality-standard-wres.html"),
    Guidance("Workforce Race Equality Standard (WRES) indicators", "NHS England", "publication page", None,
             "https://www.england.nhs.uk/publication/workforce-race-equality-standard-wres-indicators/"),
)

WDES_GUIDANCE = (
    Guidance("NHS Workforce Disability Equality Standard: technical guidance", "NHS England",
             "version 5: first published February 2019, updated March 2023", 2023,
             "https://www.england.nhs.uk/long-read/nhs-wdes-2023-technical-guidance/"),
    Guidance("NHS Workforce Disability Equality Standard (WDES) 2023: Metrics", "NHS England",
             "2023, publication reference B1710-ii", 2023,
             "https://www.england.nhs.uk/long-read/nhs-wdes-2023-metrics/"),
)

STANDARDS: dict[str, Standard] = {
    "sc-wres": Standard("sc-wres", "SC-WRES", "Social Care Workforce Race Equality Standard", ETHNICITY,
                        guidance=SC_WRES_GUIDANCE),
    "nhs-wres": Standard(
        "nhs-wres", "NHS WRES", "NHS Workforce Race Equality Standard", ETHNICITY, guidance=NHS_WRES_GUIDANCE,
        pay_bands_leave_out_bank=True, pay_bands_by_cluster=True,
        metrics=("M1", "M2", "M3", "W4", "W5", "W6", "W7", "W8", "W9"),
        note=("The NHS WRES's own indicators 1 to 9. Fitness to practise and leaving are SC-WRES metrics, not NHS "
              "WRES indicators. Indicators 5 to 8 are read from the NHS Staff Survey by respondent, or from its "
              "results by ethnic group (question codes by survey year, as docs/standards.md lists them); indicator 9 "
              "from the board list.")),
    "wdes": Standard(
        "wdes", "WDES", "Workforce Disability Equality Standard", DISABILITY, guidance=WDES_GUIDANCE,
        pay_bands_leave_out_bank=True, pay_bands_by_cluster=True,
        metrics=("D1", "D2", "D3", "D4A", "D4B", "D5", "D6", "D7", "D8", "D9A", "D9B", "D10"),
        note=("Disabled staff against non-disabled staff; those who have not declared are counted apart, and the "
              "declaration rate is given beside every metric. Metric 3 counts capability on grounds of performance; "
              "metrics 4 to 9a are read from the NHS Staff Survey by respondent, by the respondent's own answer to "
              "its disability question. Metric 8 is disabled staff's own percentage, with no comparison group; 9a "
              "compares mean engagement scores (0 to 10); 9b is the organisation's own account, in words.")),
}
DEFAULT_STANDARD = "sc-wres"

# The race standards' groups, in order (focus, reference, unknown), and the two compared: the groups of a table
# of counts that does not say whose groups it holds (a counts template, a saved period, another organisation's
# figures). A FigureSet says whose groups its counts are (FigureSet.comparison); results, publication and the
# command line's JSON take the groups from it, so a standard comparing other groups (disability) is counted and
# computed over its own.
COMPARISON: Comparison = STANDARDS[DEFAULT_STANDARD].comparison
GROUPS: tuple[str, ...] = COMPARISON.keys
KNOWN_GROUPS: tuple[str, ...] = COMPARISON.known


@dataclass(frozen=True)
class Question:
    """One item a metric gives a figure for: a survey question (M6, M7, W5-W8), or the board's voting or executive
    members (W9). The key in counts and results, the dataset column it is counted from, the words."""

    key: str
    column: str
    label: str
    # Questions whose answers make this one where the survey has no column of its own for it: a respondent answered
    # it if they answered any of them, and said yes if they said yes to any ("from staff" is "from managers" or
    # "from other colleagues").
    any_of: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """Every survey column it may be counted from."""
        return (self.column, *self.any_of)


@dataclass(frozen=True)
class Counting:
    """How a metric is counted from a council's records: the counter that counts it (a key of
    metrics.counting.COUNTERS, one per kind of count) and that counter's options, as data."""

    # "pay_bands", "senior_managers", "board", "leaving", "selection", "casework", "survey", "scores" or "none" (a
    # narrative, counted from nothing).
    counter: str
    # The dataset whose rows are the events counted, when it is not the staff list: "disciplinary".
    events: str = ""
    # Whom the headcount counts among the staff in post, when not all of them: "regulated professionals"
    # (and then only their events count, by the same rule).
    among: str = ""
    # Which of the events count, when not all: "funded non-mandatory" courses.
    only: str = ""


@dataclass(frozen=True)
class MetricDefinition:
    id: str
    # Its number, the same in every standard that lists it: "5", or "4a" for a standard that numbers parts (the
    # WDES). A standard that numbers or words an indicator its own way has a metric of its own for it.
    number: str
    title: str
    # The metric as the standard words it; "{bme}" is the organisation's own label.
    description: str
    theme: str
    datasets: tuple[str, ...]
    kind: MetricKind
    chart: ChartKind
    # How it is counted from records (metrics.counting); a counts template gives the counts ready made.
    counting: Counting
    # How its headline figure is written, everywhere (metrics.formatting).
    figure: FigureFormat = "ratio"
    # The people counted: "shortlisted applicants", "staff", "survey respondents".
    subject: str = "staff"
    # What happens to them, after "likely to": "be appointed", "leave the organisation".
    outcome: str = ""
    # Which group's rate is on top of the ratio, per standard.
    # A group key of the standard's comparison (data_loaders.comparison); the focus group when a standard is not named.
    numerator: dict[str, str] = field(default_factory=lambda: {"sc-wres": "bme", "nhs-wres": "bme"})
    # Which way of the minority-ethnic group's rate harms them.
    adverse_if_bme_rate: Direction | None = None
    events_label: str = ""
    base_label: str = "Headcount"
    questions: tuple[Question, ...] = ()
    # Who the base counts, for publication safety (metrics.publish): metrics whose bases count the same people
    # ("staff": those in post at the period end, whom the pay bands divide) publish the same numbers, which a
    # reader ties together. "average staff" is the mean of the headcounts at the start and end of the year.
    population: str = "staff"
    # The population it is part of, if any: the regulated professionals are among the staff in post.
    within: str = ""
    # Whether the people with the event are among the base (appointed among shortlisted): a reader knows the
    # events cannot exceed it. Leavers are not among an average headcount.
    events_among_base: bool = True
    # Who the events count when they are a population of their own rather than people of the base: "board" (board
    # members, many of them not staff). Its counts are few and its size public (a board's members are named on the
    # organisation's website), so each item's counts by group are published all together or not at all
    # (metrics.publish).
    events_population: str = ""
    # Who is counted, above the line and below it, and on which dates: the metric's population rule, written
    # once here and shown on its page, in the board pack, by the command line and in the README. "{end}" is the
    # period end (the snapshot), "{start}" the first day of the 12 months to it, "{before}" the day before that.
    counted: str = ""
    # The population rule under a standard whose rule differs (by standard id), in place of `counted`.
    counted_under: dict[str, str] = field(default_factory=dict)
    # The non-adverse range of a figure read in its own unit rather than as a ratio (a difference of mean scores,
    # WDES 9a): inside it (edges included) is within range; None where the settings' range of ratios applies.
    non_adverse: tuple[float, float] | None = None
    # The scale a score is on (WDES 9a: 0 to 10): a respondent's score outside it is not read.
    scale: tuple[float, float] | None = None

    @property
    def label(self) -> str:
        """Its number and title, as a list or a chooser shows it: "5. Harassment from the public"."""
        return f"{self.number}. {self.title}"

    def counted_text(self, period: Period | None = None, standard: str | None = None) -> str:
        """The population rule in words (under `standard`, when it has its own), with the period's dates when
        given."""
        if period is None:
            days = {"end": "the period end", "start": "the first day of the year",
                    "before": "the day before the year starts"}
        else:
            before = period.start - dt.timedelta(days=1)
            days = {k: f"{d.day} {d:%B %Y}" for k, d in (("end", period.end), ("start", period.start),
                                                          ("before", before))}
        rule = self.counted_under.get(standard, self.counted) if standard is not None else self.counted
        return rule.format(**days)

    def numerator_group(self, standard: str) -> str:
        """The group whose rate is on top of the ratio under `standard`: the one `numerator` names, else the
        standard's focus group (a standard of another comparison, whose groups `numerator` does not name)."""
        return self.numerator.get(standard) or STANDARDS[standard].comparison.focus.key

    def denominator_group(self, standard: str) -> str:
        """The other of the two groups the standard compares."""
        return STANDARDS[standard].comparison.other(self.numerator_group(standard))

    def adverse_if_ratio(self, standard: str) -> Direction | None:
        """Whether a high or a low ratio is adverse to the focus group (the minority-ethnic group) under
        `standard`."""
        if self.adverse_if_bme_rate is None:
            return None
        if self.numerator_group(standard) == STANDARDS[standard].comparison.focus.key:
            return self.adverse_if_bme_rate
        return "higher" if self.adverse_if_bme_rate == "lower" else "lower"


# What the metrics counted the same way share, written once: a definition names its own fields, and any it words
# its own way (a survey metric whose answer is not "Yes").
SURVEY: dict[str, Any] = {
    "datasets": ("survey",), "kind": "survey", "chart": "survey_bars", "counting": Counting("survey", events="survey"),
    "subject": "survey respondents", "population": "survey respondents", "events_label": "Yes",
    "base_label": "Respondents",
}
PAY_BANDS: dict[str, Any] = {
    "datasets": ("staff",), "kind": "distribution", "chart": "stacked_bands", "counting": Counting("pay_bands"),
    "figure": "shares", "events_label": "Staff in band",
}
APPOINTMENT: dict[str, Any] = {
    "datasets": ("recruitment",), "kind": "relative_likelihood", "chart": "recruitment_funnel",
    "counting": Counting("selection", events="recruitment"), "subject": "shortlisted applicants",
    "population": "shortlisted applicants", "outcome": "be appointed", "adverse_if_bme_rate": "lower",
    "events_label": "Appointed", "base_label": "Shortlisted",
}
# The board against the workforce (W9, D10): the board's members above the line, by item (voting, executive).
BOARD: dict[str, Any] = {
    "datasets": ("board", "staff"), "kind": "representation", "chart": "representation",
    "counting": Counting("board", events="board"), "figure": "points", "outcome": "be a board member",
    "adverse_if_bme_rate": "lower", "events_label": "Board members", "base_label": "Workforce headcount",
    "events_among_base": False, "events_population": "board",
}


def defined(shared: Mapping[str, Any], **fields: Any) -> MetricDefinition:
    """A metric of a kind of count: the fields it shares with the others of its kind, and its own."""
    return MetricDefinition(**{**shared, **fields})


METRICS: dict[str, MetricDefinition] = {
    m.id: m
    for m in (
        defined(
            PAY_BANDS,
            id="M1",
            number="1",
            title="Pay bands",
            description="Percentage of {bme} staff in each pay band compared with the rest of the workforce",
            theme="Leadership",
            counted=("Staff in post on {end} (the snapshot), each in the pay band the staff data gives, or in the "
                     "salary band their salary falls in."),
            counted_under={"nhs-wres": (
                "Staff in post on {end} (the snapshot), bank workers left out where the staff data gives an "
                "assignment category, each in the pay band the staff data gives, or in the salary band their salary "
                "falls in; shown by cluster (non-clinical, clinical, medical and dental) where it gives a staff "
                "group.")},
        ),
        defined(
            APPOINTMENT,
            id="M2",
            number="2",
            title="Appointment from shortlisting",
            description="Relative likelihood of {bme} applicants being appointed from shortlisting",
            theme="Recruitment and retention",
            numerator={"sc-wres": "bme", "nhs-wres": "white"},
            counted=("Applicants shortlisted for a post in the 12 months to {end} (by application date); above the "
                     "line, those of them appointed."),
        ),
        MetricDefinition(
            id="M3",
            number="3",
            title="Disciplinary",
            description="Relative likelihood of {bme} staff entering the formal disciplinary process",
            theme="Culture and staff experience",
            datasets=("disciplinary", "staff"),
            kind="relative_likelihood",
            chart="forest",
            counting=Counting("casework", events="disciplinary"),
            outcome="enter the formal disciplinary process",
            adverse_if_bme_rate="higher",
            events_label="Entering disciplinary",
            counted=("Above the line, staff entering the formal disciplinary process in the 12 months to {end}, each "
                     "person once, including people who have left since; below it, staff in post on {end}. Both "
                     "the SC-WRES and the NHS WRES divide the year's cases by the headcount at the snapshot."),
        ),
        MetricDefinition(
            id="M4",
            number="4",
            title="Fitness to practise",
            description="Relative likelihood of {bme} regulated professionals entering fitness to practise",
            theme="Culture and staff experience",
            datasets=("fitness_to_practise", "staff"),
            kind="relative_likelihood",
            chart="forest",
            counting=Counting("casework", events="fitness_to_practise", among="regulated professionals"),
            subject="regulated professionals",
            population="regulated professionals",
            within="staff",
            outcome="be referred for fitness to practise",
            adverse_if_bme_rate="higher",
            events_label="Referred",
            base_label="Regulated professionals",
            counted=("Above the line, regulated professionals referred for fitness to practise in the 12 months to "
                     "{end}, each person once, including people who have left since; below it, regulated "
                     "professionals in post on {end}. The same rule (the staff data's regulated-professional "
                     "column, or failing that the job title) picks both."),
        ),
        MetricDefinition(
            id="M5",
            number="5",
            title="Continuing professional development",
            description="Relative likelihood of {bme} staff accessing funded non-mandatory CPD",
            theme="Learning and career development",
            datasets=("cpd", "staff"),
            kind="relative_likelihood",
            chart="forest",
            counting=Counting("casework", events="cpd", only="funded non-mandatory"),
            outcome="access funded non-mandatory CPD",
            numerator={"sc-wres": "bme", "nhs-wres": "white"},
            adverse_if_bme_rate="lower",
            events_label="Accessing CPD",
            counted=("Above the line, staff who accessed funded non-mandatory CPD in the 12 months to {end}, each "
                     "person once however many courses, including people who have left since; below it, staff in "
                     "post on {end}."),
        ),
        defined(
            SURVEY,
            id="M6",
            number="6",
            title="Harassment from the public",
            description=(
                "Percentage of {bme} staff experiencing harassment, bullying or abuse from people "
                "who use services, their relatives or the public"
            ),
            theme="Culture and staff experience",
            outcome="report harassment, bullying or abuse from people who use services, their relatives or the public",
            adverse_if_bme_rate="higher",
            questions=(
                Question("public", "harassment_public", "from people who use services, their relatives or the public"),
            ),
            counted=("Respondents to the staff survey who answered the question; above the line, those who said yes."),
        ),
        defined(
            SURVEY,
            id="M7",
            number="7",
            title="Harassment from colleagues and managers",
            description=(
                "Percentage of {bme} staff experiencing harassment, bullying or abuse from "
                "colleagues and from managers"
            ),
            theme="Culture and staff experience",
            outcome="report harassment, bullying or abuse",
            adverse_if_bme_rate="higher",
            questions=(
                Question("colleagues", "harassment_colleagues", "from colleagues"),
                Question("managers", "harassment_managers", "from managers"),
            ),
            counted=("Respondents to the staff survey who answered each question; above the line, those who said yes."),
        ),
        MetricDefinition(
            id="M8",
            number="8",
            title="Leaving the organisation",
            description="Relative likelihood of {bme} staff leaving the organisation",
            theme="Recruitment and retention",
            datasets=("staff",),
            kind="relative_likelihood",
            chart="leaver_rates",
            counting=Counting("leaving", events="leavers"),
            outcome="leave the organisation",
            adverse_if_bme_rate="higher",
            events_label="Leavers",
            base_label="Average headcount",
            population="average staff",
            events_among_base=False,
            counted=("Above the line, staff who left in the 12 months to {end} ({start} to {end}); below it, the "
                     "average of the headcount in post on {before} and the headcount in post on {end}."),
        ),
        MetricDefinition(
            id="M9",
            number="9",
            title="Senior management",
            description=(
                "Difference between the {bme} share of senior management and of the overall "
                "workforce, in percentage points"
            ),
            theme="Leadership",
            datasets=("staff",),
            kind="representation",
            chart="representation",
            counting=Counting("senior_managers"),
            figure="points",
            outcome="be a senior manager",
            adverse_if_bme_rate="lower",
            events_label="Senior managers",
            counted=("Staff in post on {end}: above the line, those in the pay bands set as senior management; below "
                     "it, all of them."),
        ),
        # The NHS WRES's own indicators, where they are not the SC-WRES's metrics (docs/standards.md). A metric has
        # one number, its number in every standard that lists it: the NHS WRES's harassment from patients and the
        # public is its indicator 5, counted as the SC-WRES's metric 6 is, but a metric of its own.
        MetricDefinition(
            id="W4",
            number="4",
            title="Non-mandatory training and CPD",
            description=("Relative likelihood of white staff accessing non-mandatory training and CPD compared to "
                         "{bme} staff"),
            theme="Learning and career development",
            datasets=("cpd", "staff"),
            kind="relative_likelihood",
            chart="forest",
            counting=Counting("casework", events="cpd", only="non-mandatory"),
            outcome="access non-mandatory training and CPD",
            numerator={"nhs-wres": "white"},
            adverse_if_bme_rate="lower",
            events_label="Accessing training or CPD",
            counted=("Above the line, staff who accessed non-mandatory training or CPD in the 12 months to {end}, "
                     "funded or not, each person once however many courses, including people who have left since; "
                     "below it, staff in post on {end}."),
        ),
        defined(
            SURVEY,
            id="W5",
            number="5",
            title="Harassment from patients and the public",
            description=("Percentage of {bme} staff experiencing harassment, bullying or abuse from patients, "
                         "relatives or the public in the last 12 months"),
            theme="Culture and staff experience",
            outcome="report harassment, bullying or abuse from patients, relatives or the public",
            adverse_if_bme_rate="higher",
            questions=(
                Question("public", "harassment_public", "from patients, service users, their relatives or the public"),
            ),
            counted=("Respondents to the staff survey who answered the question; above the line, those who said yes."),
        ),
        defined(
            SURVEY,
            id="W6",
            number="6",
            title="Harassment from staff",
            description=("Percentage of {bme} staff experiencing harassment, bullying or abuse from staff (managers "
                         "or other colleagues) in the last 12 months"),
            theme="Culture and staff experience",
            outcome="report harassment, bullying or abuse from staff",
            adverse_if_bme_rate="higher",
            questions=(
                Question("staff", "harassment_staff", "from managers or other colleagues",
                         any_of=("harassment_managers", "harassment_colleagues")),
            ),
            counted=("Respondents to the staff survey who answered the question on harassment from staff, or (where "
                     "the survey asks it as two) either of the questions on managers and other colleagues; above the "
                     "line, those who said yes to either."),
        ),
        defined(
            SURVEY,
            id="W7",
            number="7",
            title="Equal opportunities for career progression",
            description=("Percentage of {bme} staff believing that the organisation provides equal opportunities for "
                         "career progression or promotion"),
            theme="Learning and career development",
            outcome="believe the organisation acts fairly on career progression or promotion",
            adverse_if_bme_rate="lower",
            questions=(
                Question("career", "equal_opportunities", "acts fairly on career progression or promotion"),
            ),
            counted=("Respondents to the staff survey who answered the question, \"Don't know\" included (the NHS "
                     "Staff Survey has counted them since its 2021 questionnaire); above the line, those who said "
                     "yes."),
        ),
        defined(
            SURVEY,
            id="W8",
            number="8",
            title="Discrimination from staff",
            description=("Percentage of {bme} staff who personally experienced discrimination at work from a "
                         "manager, team leader or other colleagues in the last 12 months"),
            theme="Culture and staff experience",
            outcome="report discrimination from a manager, team leader or colleagues",
            adverse_if_bme_rate="higher",
            questions=(
                Question("discrimination", "discrimination_staff", "from a manager, team leader or other colleagues"),
            ),
            counted=("Respondents to the staff survey who answered the question; above the line, those who said yes."),
        ),
        defined(
            BOARD,
            id="W9",
            number="9",
            title="Board membership",
            description=(
                "Difference between the {bme} share of the board's voting members, and of its executive members, "
                "and the {bme} share of the overall workforce, in percentage points"
            ),
            theme="Leadership",
            questions=(
                Question("voting", "voting", "the board's voting members"),
                Question("executive", "executive", "the board's executive members"),
            ),
            counted=("Above the line, the board's members as the board list gives them (the board on {end}), staff "
                     "or not: its voting members for one figure, its executive members for the other, each member "
                     "once; below it, the workforce: staff in post on {end}, bank workers left out where the "
                     "standard leaves them out of the pay bands and the staff data gives an assignment category."),
        ),
        # The WDES's metrics (docs/standards.md): disabled staff against non-disabled staff.
        defined(
            PAY_BANDS,
            id="D1",
            number="1",
            title="Pay bands",
            description=("Percentage of disabled staff in each pay band, by cluster, compared with the rest of the "
                         "workforce"),
            theme="Leadership",
            counted=("Staff in post on {end} (the snapshot), bank workers left out where the staff data gives an "
                     "assignment category, each in the pay band the staff data gives, or in the salary band their "
                     "salary falls in; shown by cluster (non-clinical, clinical, medical and dental) where it gives a "
                     "staff group. Disabled, non-disabled and not declared as the staff record says."),
        ),
        defined(
            APPOINTMENT,
            id="D2",
            number="2",
            title="Appointment from shortlisting",
            description=("Relative likelihood of non-disabled applicants being appointed from shortlisting compared "
                         "to disabled applicants"),
            theme="Recruitment and retention",
            numerator={"wdes": "non_disabled"},
            counted=("Applicants shortlisted for a post in the 12 months to {end} (by application date), disabled "
                     "and non-disabled as they declared on applying; above the line, those of them appointed."),
        ),
        MetricDefinition(
            id="D3",
            number="3",
            title="Capability",
            description=("Relative likelihood of disabled staff compared to non-disabled staff entering the formal "
                         "capability process, as measured by entry into the formal capability procedure"),
            theme="Culture and staff experience",
            datasets=("capability", "staff"),
            kind="relative_likelihood",
            chart="forest",
            counting=Counting("casework", events="capability", only="performance"),
            outcome="enter the formal capability process",
            numerator={"wdes": "disabled"},
            adverse_if_bme_rate="higher",
            events_label="Entering capability",
            counted=("Above the line, staff entering the formal capability procedure on grounds of performance in "
                     "the 12 months to {end}, each person once, including people who have left since: a case whose "
                     "reason says ill health (ill health, sickness, attendance, absence) is left out, and a case "
                     "with no reason is counted as performance, each with a note of how many; below it, staff in "
                     "post on {end}. Disabled and non-disabled as the staff record says."),
        ),
        defined(
            SURVEY,
            id="D4A",
            number="4a",
            title="Harassment, bullying or abuse",
            description=("Percentage of disabled staff compared to non-disabled staff experiencing harassment, "
                         "bullying or abuse from patients, service users, their relatives or the public, from "
                         "managers, and from other colleagues, in the last 12 months"),
            theme="Culture and staff experience",
            outcome="report harassment, bullying or abuse",
            numerator={"wdes": "disabled"},
            adverse_if_bme_rate="higher",
            questions=(
                Question("public", "harassment_public", "from patients, service users, their relatives or the public"),
                Question("managers", "harassment_managers", "from managers"),
                Question("colleagues", "harassment_colleagues", "from other colleagues"),
            ),
            counted=("Respondents to the staff survey who answered each question (q14a, q14b, q14c), disabled and "
                     "non-disabled as they answered the survey's disability question; above the line, those who "
                     "said yes."),
        ),
        defined(
            SURVEY,
            id="D4B",
            number="4b",
            title="Reporting harassment, bullying or abuse",
            description=("Percentage of disabled staff compared to non-disabled staff saying that the last time they "
                         "experienced harassment, bullying or abuse at work, they or a colleague reported it"),
            theme="Culture and staff experience",
            outcome="say they or a colleague reported the harassment, bullying or abuse",
            numerator={"wdes": "disabled"},
            adverse_if_bme_rate="lower",
            events_label="Reported",
            questions=(
                Question("reported", "harassment_reported", "they or a colleague reported it"),
            ),
            counted=("Respondents to the staff survey who answered whether they or a colleague reported it, the last "
                     "time they experienced harassment, bullying or abuse at work (q14d, asked of those who "
                     "experienced it; the tool's base, as NHS England's was not found), disabled and non-disabled "
                     "as they answered the survey's disability question; above the line, those who said yes."),
        ),
        defined(
            SURVEY,
            id="D5",
            number="5",
            title="Equal opportunities for career progression",
            description=("Percentage of disabled staff compared to non-disabled staff believing that the trust "
                         "provides equal opportunities for career progression or promotion"),
            theme="Learning and career development",
            outcome="believe the organisation acts fairly on career progression or promotion",
            numerator={"wdes": "disabled"},
            adverse_if_bme_rate="lower",
            questions=(
                Question("career", "equal_opportunities", "acts fairly on career progression or promotion"),
            ),
            counted=("Respondents to the staff survey who answered the question (q15), \"Don't know\" included, "
                     "disabled and non-disabled as they answered the survey's disability question; above the line, "
                     "those who said yes."),
        ),
        defined(
            SURVEY,
            id="D6",
            number="6",
            title="Pressure to come to work when unwell",
            description=("Percentage of disabled staff compared to non-disabled staff saying that they have felt "
                         "pressure from their manager to come to work, despite not feeling well enough to perform "
                         "their duties"),
            theme="Health and wellbeing",
            outcome="feel pressure from their manager to come to work when unwell",
            numerator={"wdes": "disabled"},
            adverse_if_bme_rate="higher",
            questions=(
                Question("pressure", "pressure_to_work", "felt pressure from their manager to come to work"),
            ),
            counted=("Respondents to the staff survey who answered whether they felt pressure from their manager to "
                     "come to work (q11e, asked only of those who came to work despite not feeling well enough, "
                     "q11d; the tool's base, as NHS England's was not found), disabled and non-disabled as they "
                     "answered the survey's disability question; above the line, those who said yes."),
        ),
        defined(
            SURVEY,
            id="D7",
            number="7",
            title="Feeling valued",
            description=("Percentage of disabled staff compared to non-disabled staff saying that they are satisfied "
                         "with the extent to which their organisation values their work"),
            theme="Culture and staff experience",
            outcome="be satisfied that the organisation values their work",
            numerator={"wdes": "disabled"},
            adverse_if_bme_rate="lower",
            events_label="Satisfied",
            questions=(
                Question("valued", "valued_work", "satisfied with the extent the organisation values their work"),
            ),
            counted=("Respondents to the staff survey who answered the question (q4b), on its five points from very "
                     "dissatisfied to very satisfied, disabled and non-disabled as they answered the survey's "
                     "disability question; above the line, those satisfied or very satisfied."),
        ),
        defined(
            SURVEY,
            id="D8",
            number="8",
            title="Adequate adjustments",
            description=("Percentage of disabled staff saying that their employer has made adequate adjustment(s) to "
                         "enable them to carry out their work"),
            theme="Health and wellbeing",
            kind="share",
            chart="share",
            figure="percent",
            outcome="say their employer has made adequate adjustments",
            numerator={"wdes": "disabled"},
            adverse_if_bme_rate="lower",
            events_label="Adequate adjustments",
            questions=(
                Question("adjustments", "adjustments", "say their employer has made adequate adjustments"),
            ),
            counted=("Disabled respondents to the staff survey, by their own answer to its disability question, who "
                     "answered whether their employer has made adequate adjustments to enable them to carry out "
                     "their work (q30b); those who said they have not needed adjustments (\"not applicable\") are "
                     "left out of the base, with a note of how many (the tool's base, as NHS England's was not "
                     "found); above the line, those who said yes. One group's percentage with its 95% interval "
                     "(Wilson): the metric has no comparison group, so it is not rated against a range."),
        ),
        defined(
            SURVEY,
            id="D9A",
            number="9a",
            title="Staff engagement",
            description=("The staff engagement score (0 to 10) for disabled staff compared to non-disabled staff and "
                         "the organisation's overall score"),
            theme="Employee voice",
            kind="score",
            chart="scores",
            figure="score",
            counting=Counting("scores", events="survey"),
            outcome="have a higher engagement score",
            numerator={"wdes": "disabled"},
            adverse_if_bme_rate="lower",
            events_label="Mean score",
            questions=(
                Question("engagement", "engagement_score", "staff engagement score"),
            ),
            non_adverse=(-0.1, 0.1),
            scale=(0.0, 10.0),
            counted=("Respondents to the staff survey with an engagement score from 0 to 10 (the survey's own score "
                     "per respondent; which questions make it is the survey's, as NHS England's definition was not "
                     "found), disabled and non-disabled as they answered the survey's disability question; a score "
                     "outside 0 to 10, or not a number, is not read, with a note of how many. The figure is the "
                     "disabled mean less the non-disabled mean, in points on the 0 to 10 scale, with a Welch 95% "
                     "interval; the organisation's score is every respondent's mean, not declared included. The "
                     "tool's range: a difference within a tenth of a point (the precision survey scores are "
                     "published to) is within range."),
        ),
        MetricDefinition(
            id="D9B",
            number="9b",
            title="The voices of disabled staff",
            description=("How the organisation facilitates the voices of disabled staff in the organisation to be "
                         "heard: evidence of actions taken"),
            theme="Employee voice",
            datasets=(),
            kind="narrative",
            chart="none",
            counting=Counting("none"),
            figure="none",
            numerator={"wdes": "disabled"},
            counted=("No figure: the organisation's own account, written in the panels below (what the organisation "
                     "knows, what it is doing, and what it will do), as the guidance asks for a narrative rather "
                     "than counts."),
        ),
        defined(
            BOARD,
            id="D10",
            number="10",
            title="Board membership",
            description=(
                "Difference between the disabled share of the board's voting members, and of its executive members, "
                "and the disabled share of the overall workforce, in percentage points"
            ),
            theme="Leadership",
            questions=(
                Question("voting", "voting", "the board's voting members"),
                Question("executive", "executive", "the board's executive members"),
            ),
            counted=("Above the line, the board's members as the board list gives them (the board on {end}), staff "
                     "or not, disabled and non-disabled as the list records them: its voting members for one figure, "
                     "its executive members for the other, each member once; below it, the workforce: staff in post "
                     "on {end}, bank workers left out where the staff data gives an assignment category."),
        ),
    )
}

THEMES: tuple[str, ...] = (
    "Leadership",
    "Recruitment and retention",
    "Learning and career development",
    "Culture and staff experience",
    "Health and wellbeing",
    "Employee voice",
)


def number_order(number: str) -> tuple[int, str]:
    """A metric number as it sorts: "2" before "4a" before "4b" before "10"."""
    digits = len(number) - len(number.lstrip("0123456789"))
    return int(number[:digits] or 0), number[digits:]


def metric(metric_id: str) -> MetricDefinition:
    try:
        return METRICS[metric_id.upper()]
    except KeyError:
        raise KeyError(f"no metric {metric_id!r}; the metrics are {', '.join(METRICS)}") from None


def metrics_of(standard: str) -> dict[str, MetricDefinition]:
    """The metrics `standard` has, by id, in its order."""
    return {metric_id: METRICS[metric_id] for metric_id in STANDARDS[standard].metrics}


def metrics_for_theme(theme: str) -> list[MetricDefinition]:
    return [m for m in METRICS.values() if m.theme == theme]


def missing_datasets(metric_ids: Iterable[str], present: Collection[str]) -> dict[str, tuple[MetricDefinition, ...]]:
    """Each dataset that the metrics `metric_ids` need and that is not among `present`, with the metrics it would
    give figures to, in the order the metrics first need them: what to ask someone to upload."""
    needed: dict[str, list[MetricDefinition]] = {}
    for definition in sorted((metric(m) for m in metric_ids), key=lambda d: number_order(d.number)):
        for dataset in definition.datasets:
            if dataset not in present:
                needed.setdefault(dataset, []).append(definition)
    return {dataset: tuple(definitions) for dataset, definitions in needed.items()}
