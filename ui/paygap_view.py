"""The Pay gaps page: the six measures of the 2017 regulations by sex, ethnicity or disability from the staff records
the session already has, the quarters drawn as the GOV.UK service draws them, who is counted, a download in the
service's shape, and the three panels for each comparison (saved under storage.pay_gap_panel's keys).

A pay gap is not one of a standard's metrics: the page is in the menu whichever standard is chosen."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from charts.paygap import quarter_name, quarters_chart
from data_loaders.errors import InputError
from metrics import paygap
from metrics.formatting import gap_interval_text, gap_text
from metrics.paygap_publish import PublishedPayGaps, withheld_sentence
from pipeline.paygap import PayGapWorking
from reports.paygap_export import export_rows, file_name, published_export_rows, published_note
from reports.safe import csv_bytes
from storage import pay_gap_panel
from ui import panels, state
from ui.figures import table_html
from ui.metric_page import draw_chart, figures_table, period_note, sample_note
from ui.safe import md

BY = "paygap_by"
REFERENCE = "paygap_reference"
THRESHOLD = "paygap_threshold"
FULL_TIME_HOURS = "paygap_full_time_hours"
BY_WORDS = {"sex": "Sex", "ethnicity": "Ethnicity", "disability": "Disability"}
REFERENCE_WORDS = {paygap.WHITE_REFERENCE: "White", paygap.WHITE_BRITISH_REFERENCE: "White British"}
GAPS = {"mean_pct": "Mean hourly pay gap", "median_pct": "Median hourly pay gap",
        "bonus_mean_pct": "Mean bonus pay gap", "bonus_median_pct": "Median bonus pay gap"}
NOT_CHECKED = ("**The full figures, for the people who may see the records.** Nothing is withheld on this page or "
               "in its download. Before publishing, read \"What publication withholds\" below: the figures as they "
               "may be published, small groups withheld and audited, come from `python -m metrics paygap "
               "--suppress N` (README, Pay gaps).")


def _kept(key: str, default: object) -> None:
    """The control's last value when the page is opened again (Streamlit forgets it on another page)."""
    state.restore_widget(key)
    st.session_state.setdefault(key, default)


def controls() -> tuple[str, str, int, float]:
    """Whose pay is compared, the ethnicity reference and threshold, and the full-time week."""
    defaults: dict[str, object] = {BY: "sex", REFERENCE: paygap.WHITE_REFERENCE,
                                   THRESHOLD: paygap.DEFAULT_GROUP_THRESHOLD,
                                   FULL_TIME_HOURS: paygap.DEFAULT_FULL_TIME_HOURS}
    for key, default in defaults.items():
        _kept(key, default)
    left, middle, right = st.columns([2, 3, 2])
    by = left.radio("Compare pay by", paygap.BY, key=BY, format_func=BY_WORDS.__getitem__, horizontal=True)
    reference, threshold = paygap.WHITE_REFERENCE, paygap.DEFAULT_GROUP_THRESHOLD
    if by == "ethnicity":
        reference = middle.radio("Each ethnic group compared with", paygap.ETHNICITY_REFERENCES, key=REFERENCE,
                                 format_func=REFERENCE_WORDS.__getitem__, horizontal=True,
                                 help="The reference group: White (every White group together), or White British "
                                 "alone, as the ethnicity pay gap guidance (2023) allows.")
        threshold = int(middle.number_input(
            "Smallest group shown on its own (people)", min_value=1, max_value=1000, step=1, key=THRESHOLD,
            help="An ethnic group with fewer relevant employees than this is combined with the other small groups "
            "(10 by default, as the government's guidance says)."))
    full_time_hours = float(right.number_input(
        "Full-time week (hours)", min_value=1.0, max_value=168.0, step=0.5, key=FULL_TIME_HOURS,
        help="Used where the staff records give a whole-time equivalent (WTE or FTE, as NHS ESR does) rather than "
        "weekly hours: weekly hours = WTE × this. 37.5 is the Agenda for Change week."))
    for key in (BY, REFERENCE, THRESHOLD, FULL_TIME_HOURS):
        state.remember_widget(key)
    return by, reference, threshold, full_time_hours


def one_comparison(result: paygap.PayGapResult, group: str, *, with_reference: bool) -> None:
    """One group against the reference: the four gaps (interval in each one's help), then a sentence for each gap
    and for the share paid a bonus (the reference's too, `with_reference`)."""
    gap = result.gaps[group]
    st.markdown(f"#### {md(paygap.label(group))} compared with {md(paygap.label(result.reference))}")
    columns = st.columns(len(GAPS))
    for (measure, words), column in zip(GAPS.items(), columns, strict=True):
        interval = gap.intervals.get(measure)
        column.metric(words, gap_text(getattr(gap, measure)),
                      help=f"95% interval: {gap_interval_text(interval)}" if interval else "No interval: too "
                      "few people to resample.")
    sentences = [paygap.gap_sentence(result, group, m) for m in GAPS]
    sentences += [found for m in GAPS if (found := paygap.unknown_sentence(result, group, m)) is not None]
    sentences += [paygap.bonus_sentence(result, g) for g in ((result.reference,) if with_reference else ())
                  + (group,)]
    if group in result.aggregate_quarters:
        sentences.append(paygap.aggregate_quarter_sentence(result, group))
    st.markdown("\n".join(f"- {md(s)}" for s in sentences))


def six_figures(working: PayGapWorking) -> None:
    """The four gaps with their intervals, the share paid a bonus and the quarters, each with a sentence."""
    result = working.result
    st.subheader("The six figures", anchor=False)
    # The minority-ethnic group as a whole first, then each category (folded away: a dozen of them by ethnicity).
    headline = [*result.aggregate_quarters] or list(result.gaps)
    for group in headline:
        one_comparison(result, group, with_reference=True)
    parts = [g for g in result.gaps if g not in headline]
    if parts:
        with st.expander(f"Each ethnic group compared with {paygap.label(result.reference)} ({len(parts)} groups)"):
            for group in parts:
                one_comparison(result, group, with_reference=False)
    spec = quarters_chart(result)
    left, right = st.columns([3, 2], gap="large")
    with left:
        draw_chart(spec)
        st.caption(md(spec.summary))
    with right:
        figures_table(spec)
    if result.aggregate_quarters:  # every category's share, all ranked together, as text (ui.figures)
        st.html(table_html(pd.DataFrame(
            [{"Quarter": quarter_name(q),
              **{f"{paygap.short_label(g)} %": round(share, 1) if (share := result.quarters[q][g]) is not None
                 else "" for g in result.order},
              "People in the quarter": result.quarter_sizes[q]} for q in reversed(paygap.QUARTERS)]),
            "Each ethnic group's share of each pay quarter, every group ranked together",
            {f"{paygap.short_label(g)} %": 1 for g in result.order}))
    st.markdown("\n".join(f"- {md(paygap.quarter_sentence(result, q))}" for q in paygap.QUARTERS))


def method(working: PayGapWorking, full_time_hours: float) -> None:
    b = working.result.bootstrap
    st.markdown(
        "**How they are worked out.** Hourly pay = ordinary pay in the pay period × (7 ÷ days in the period) ÷ "
        f"weekly hours (weekly hours from a whole-time equivalent × a full-time week of "
        f"{md(paygap.full_time_words(full_time_hours))} where the records give no hours). Gap = (reference's figure "
        "− group's figure) ÷ reference's figure × 100: positive when the group is paid less. Bonus gaps compare those "
        "paid a bonus in the 12 months. The quarters rank everyone with an hourly rate and split them into four "
        "equal parts, people on the same rate shared between quarters in proportion (the 2017 regulations). "
        f"Intervals: {b.confidence:.0%}, by {md(b.method)}; {b.resamples:,} resamples, seed {b.seed}.")


def who_is_counted(working: PayGapWorking) -> None:
    result = working.result
    st.subheader("Who is counted", anchor=False)
    st.markdown(f"{result.employees:,} relevant employees on {result.snapshot:%d %B %Y} are in the comparison; "
                f"{result.hourly_employees:,} of them are full-pay relevant with an hourly rate (in the hourly "
                "figures and the quarters).")
    st.markdown("\n".join(f"- {md(note[:1].upper() + note[1:])}." for note in result.notes))


def download(working: PayGapWorking, organisation: str, pub: PublishedPayGaps) -> None:
    """The GOV.UK-shaped CSV: the full figures, or as published (withheld cells blank, a Withheld column)."""
    rows, columns = export_rows(working.result, working.payroll, working.grouping)
    left, right = st.columns(2)
    left.download_button("Download for the GOV.UK pay gap service (CSV)", csv_bytes(rows, columns),
                         file_name=file_name(working.result, organisation), mime="text/csv",
                         icon=":material/download:")
    rows, columns = published_export_rows(pub)
    right.download_button(f"Download as published (CSV, threshold {pub.threshold})", csv_bytes(rows, columns),
                          file_name=file_name(pub, organisation, as_published=True), mime="text/csv",
                          icon=":material/download:", key="paygap_download_published")
    by = working.result.by
    st.caption("The columns of the GOV.UK gender pay gap service's data, percentages to one decimal place"
               + ("." if by == "sex" else
                  ", the groups' names in place of Male and Female." if by == "disability" else
                  "; a row for each group compared with the reference, each ranked with the reference alone for its "
                  "quarters.")
               + " The first is the full figures: see what publication withholds before sending it. "
               + published_note(pub)
               + (" Each ethnic group ranked with the reference alone for its quarters is not in the publication "
                  "model, so those quarter columns are blank as published; the minority-ethnic group's are shown."
                  if by == "ethnicity" else ""))


def publication(pub: PublishedPayGaps) -> None:
    """What publishing these figures would withhold (metrics.paygap_publish), each with its reason."""
    threshold = pub.threshold
    with st.expander(f"What publication withholds ({len(pub.withheld):,} figures, threshold {threshold})"):
        if not pub.withheld:
            st.markdown("Nothing: every group is large enough that no figure gives away a count under "
                        f"{threshold}.")
            return
        st.markdown(f"Published, a group with fewer than {threshold} relevant employees is withheld, as is any "
                    f"figure that would let a reader work out a count under {threshold} (a share of a quarter of "
                    "known size, a proportion of a group); sizes are rounded to the nearest 10 and percentages to "
                    "whole numbers.")
        st.markdown("\n".join(f"- {md(withheld_sentence(pub, key))}" for key in pub.withheld))


def figures_in_words(working: PayGapWorking) -> str:
    """The gaps in few words, saved with a panel so it can say when they have changed."""
    result = working.result
    return "; ".join(f"{paygap.short_label(g)}: mean {gap_text(gap.mean_pct)}, median {gap_text(gap.median_pct)}"
                     for g, gap in result.gaps.items()) + f" (against {paygap.label(result.reference)})"


def render(view: state.View) -> None:
    st.title("Pay gaps")
    sample_note(view)
    period_note(view)
    st.markdown("The six measures of the gender pay gap regulations (the Equality Act 2010 (Specified Public "
                "Authorities) Regulations 2017), by sex, ethnicity or disability, from the staff records' payroll "
                "columns. A pay gap is not one of a standard's metrics: this page is the same whichever standard "
                "is chosen.")
    st.warning(NOT_CHECKED, icon=":material/policy:")
    if view.filters:
        st.info("The pay gaps are for the whole organisation: the service chosen in the sidebar does not apply "
                "here.", icon=":material/info:")
    by, reference, threshold, full_time_hours = controls()
    snapshot = view.settings.period_end or dt.date.today()
    try:
        working = state.pay_gaps(view, snapshot, by=by, reference=reference, threshold=threshold,
                                 full_time_hours=full_time_hours)
    except InputError as error:
        st.error(f"No pay gaps from these files: {md(str(error))}", icon=":material/error:")
        st.caption("The pay gaps need the payroll's columns in the staff workbook: Ordinary Pay (for the pay period "
                   "that holds the snapshot), Weekly Contracted Hours or Contracted WTE, Bonus Pay and Full Pay "
                   "Relevant. An annual salary is not the pay for the pay period: the pay gaps do not work one out "
                   "from it.")
        return
    result = working.result
    st.markdown(f"Snapshot: **{result.snapshot:%d %B %Y}** (the period end in the sidebar). "
                + (f"Each ethnic group is compared with **{md(REFERENCE_WORDS[reference])}** people."
                   if by == "ethnicity" else f"Compared with **{md(paygap.people(result.reference))}**."))
    six_figures(working)
    method(working, full_time_hours)
    who_is_counted(working)
    pub = state.pay_gaps_published(view, snapshot, by=by, reference=reference, threshold=threshold,
                                   full_time_hours=full_time_hours)
    download(working, view.organisation, pub)
    publication(pub)
    st.subheader("What the figures say to us", anchor=False)
    panels.render(view.organisation, snapshot.isoformat(), pay_gap_panel(by),
                  lambda: " ".join(paygap.gap_sentence(result, g, "median_pct") for g in result.gaps),
                  figures=figures_in_words(working))
