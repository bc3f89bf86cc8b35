"""A fictional region: thirty organisations' counts templates, made by a seeded simulation, for benchmarking.

Each organisation (300 to 6,000 staff; the names are invented) gets one counts template for the 12
months to 31 March 2026, written with pipeline.template.write_template:

    region/ashmere-borough-council.xlsx, region/bellhaven-borough-council.xlsx, ...

Each organisation's "true" relative likelihoods scatter around regional centres like the published
SC-WRES figures (appointment about 0.8, disciplinary about 1.5, leaving about 1.2), and its counts are
drawn around them, so the observed ratios carry the noise small numbers bring. Built in for the funnel
plot: two large organisations far from the rest (Kestermoor's disciplinary ratio, Pellbridge's
appointment ratio), and three small rural councils with so few minority-ethnic staff that their ratios
are "insufficient data". Run `python -m sample_data.region [--out DIR]`; the bytes are deterministic.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from metrics.counts import COUNT_COLUMNS, FigureSet, Period, validate_counts
from metrics.registry import GROUPS, METRICS
from metrics.settings import Settings
from pipeline.template import write_template

SEED = 20260401
PERIOD_END = dt.date(2026, 3, 31)
DEFAULT_OUT = Path(__file__).resolve().parent / "region"
# Fixed document and zip dates, so an unchanged region is byte-for-byte unchanged.
STAMP = dt.datetime(2026, 4, 30, 9, 0, 0)

ORGANISATIONS: tuple[str, ...] = (
    "Amberlow Council",
    "Ashmere Borough Council",
    "Bellhaven Borough Council",
    "Brackenholt County Council",
    "Copperdale Council",
    "Corrowfield City Council",
    "Drakesholm City Council",
    "Dunmarsh Borough Council",
    "Easterfold Borough Council",
    "Elmsgarth Council",
    "Fallowbrook Borough Council",
    "Fernhithe Council",
    "Glenmarrow County Council",
    "Greyhallow County Council",
    "Harrowvale Council",
    "Ivelmoor Borough Council",
    "Kestermoor City Council",
    "Larkhollow Council",
    "Marrowgate Borough Council",
    "Nethercombe County Council",
    "Oakhaven City Council",
    "Pellbridge Borough Council",
    "Quillbury Council",
    "Ravensmere Borough Council",
    "Saltreach Borough Council",
    "Thistlecombe Council",
    "Underfell Council",
    "Valebrook City Council",
    "Willowmere Borough Council",
    "Yarrowby County Council",
)

# The regional centres of each true ratio (SC-WRES direction: minority-ethnic rate over white rate),
# by metric or survey question key; each organisation's true ratio scatters around them on the log scale.
CENTRE_RATIO: dict[str, float] = {
    "M2": 0.80,
    "M3": 1.55,
    "M4": 1.60,
    "M5": 0.92,
    "public": 1.20,
    "colleagues": 1.30,
    "managers": 1.75,
    "M8": 1.20,
    "M9": 0.55,
}
RATIO_SPREAD = 0.10  # standard deviation of the true log ratio between organisations
# Far from the region, in large organisations, so beyond the 99.8% limits.
OUTLIERS: dict[str, dict[str, float]] = {
    "Kestermoor City Council": {"M3": 4.5},
    "Pellbridge Borough Council": {"M2": 0.42},
}
OUTLIER_SIZE: dict[str, tuple[int, float]] = {  # headcount, minority-ethnic share of known
    "Kestermoor City Council": (5400, 0.38),
    "Pellbridge Borough Council": (4800, 0.30),
}
# Small rural councils whose minority-ethnic groups are under the minimum size to compare.
SMALL_GROUPS: dict[str, int] = {"Fernhithe Council": 310, "Quillbury Council": 340, "Underfell Council": 420}
SMALL_GROUP_BME_SHARE = 0.02

# White staff's rates; each organisation's own rate is drawn between the two.
WHITE_RATE: dict[str, tuple[float, float]] = {
    "M2": (0.25, 0.34),  # appointed, of shortlisted
    "M3": (0.008, 0.018),  # entering the formal disciplinary process
    "M4": (0.004, 0.012),  # referred for fitness to practise, of regulated professionals
    "M5": (0.25, 0.45),  # accessing funded CPD
    "public": (0.22, 0.30),
    "colleagues": (0.10, 0.16),
    "managers": (0.06, 0.09),
    "M8": (0.10, 0.16),  # leaving
}
SURVEY_RESPONSE = {"bme": 0.50, "white": 0.55, "unknown": 0.40}
# Share of each pay band among white staff, lowest band first (Settings' default salary bands);
# minority-ethnic staff are tilted towards the lower bands, the top band set by the M9 ratio.
WHITE_BANDS = (0.20, 0.22, 0.27, 0.15, 0.11, 0.05)
BME_BAND_TILT = (1.45, 1.20, 0.95, 0.80, 0.70)


@dataclass(frozen=True)
class Profile:
    name: str
    headcount: int
    bme_share: float  # of staff whose ethnicity is known
    unknown_share: float
    ratios: dict[str, float]


def profiles(rng: np.random.Generator) -> list[Profile]:
    out = []
    for name in ORGANISATIONS:
        headcount = int(round(math.exp(rng.uniform(math.log(300), math.log(6000)))))
        bme_share = float(rng.uniform(0.08, 0.45))
        unknown_share = float(rng.uniform(0.02, 0.10))
        ratios = {key: float(math.exp(rng.normal(math.log(centre), RATIO_SPREAD)))
                  for key, centre in CENTRE_RATIO.items()}
        if name in SMALL_GROUPS:
            headcount, bme_share = SMALL_GROUPS[name], SMALL_GROUP_BME_SHARE
        headcount, bme_share = OUTLIER_SIZE.get(name, (headcount, bme_share))
        out.append(Profile(name, headcount, bme_share, unknown_share, ratios | OUTLIERS.get(name, {})))
    return out


def _staff(profile: Profile) -> dict[str, int]:
    unknown = round(profile.headcount * profile.unknown_share)
    known = profile.headcount - unknown
    bme = round(known * profile.bme_share)
    return {"bme": bme, "white": known - bme, "unknown": unknown}


def _rows(metric_id: str, item: str, events: dict[str, float], base: dict[str, float]) -> list[dict[str, object]]:
    return [{"metric": metric_id, "item": item, "group": g, "events": float(events[g]), "base": float(base[g])}
            for g in GROUPS]


def _events(rng: np.random.Generator, base: dict[str, int], white_rate: float, ratio: float) -> dict[str, float]:
    rates = {"bme": min(1.0, white_rate * ratio), "white": white_rate, "unknown": white_rate}
    return {g: float(rng.binomial(base[g], rates[g])) for g in GROUPS}


def _pay_bands(rng: np.random.Generator, staff: dict[str, int], senior_ratio: float) -> list[dict[str, object]]:
    white = np.array(WHITE_BANDS)
    bme = white * np.array([*BME_BAND_TILT, senior_ratio])
    probabilities = {"bme": bme / bme.sum(), "white": white, "unknown": white}
    in_bands = {g: rng.multinomial(staff[g], probabilities[g]) for g in GROUPS}
    labels = Settings().salary_bands
    return [
        {"metric": "M1", "item": label, "group": g, "events": float(in_bands[g][i]), "base": float(staff[g])}
        for i, label in enumerate(labels)
        for g in GROUPS
    ]


def simulate_organisation(rng: np.random.Generator, profile: Profile) -> FigureSet:
    staff = _staff(profile)

    def white_rate(key: str) -> float:
        low, high = WHITE_RATE[key]
        return float(rng.uniform(low, high))

    rows = _pay_bands(rng, staff, profile.ratios["M9"])
    # Senior managers are the top pay band, as the records route counts them by default.
    top_band = Settings().salary_bands[-1]
    senior = {r["group"]: r["events"] for r in rows if r["item"] == top_band}
    rows += _rows("M9", "", senior, staff)

    shortlisted_total = round(profile.headcount * rng.uniform(0.18, 0.30))
    unknown = round(shortlisted_total * rng.uniform(0.03, 0.06))
    bme = round((shortlisted_total - unknown) * min(0.9, profile.bme_share * rng.uniform(1.1, 1.4)))
    shortlisted = {"bme": bme, "white": shortlisted_total - unknown - bme, "unknown": unknown}
    rows += _rows("M2", "", _events(rng, shortlisted, white_rate("M2"), profile.ratios["M2"]), shortlisted)

    rows += _rows("M3", "", _events(rng, staff, white_rate("M3"), profile.ratios["M3"]), staff)
    regulated_share = rng.uniform(0.25, 0.40)
    regulated = {g: round(n * regulated_share * (0.85 if g == "bme" else 1.0)) for g, n in staff.items()}
    rows += _rows("M4", "", _events(rng, regulated, white_rate("M4"), profile.ratios["M4"]), regulated)
    rows += _rows("M5", "", _events(rng, staff, white_rate("M5"), profile.ratios["M5"]), staff)

    respondents = {g: int(rng.binomial(n, SURVEY_RESPONSE[g])) for g, n in staff.items()}
    for metric_id in ("M6", "M7"):
        for question in METRICS[metric_id].questions:
            yes = _events(rng, respondents, white_rate(question.key), profile.ratios[question.key])
            rows += _rows(metric_id, question.key, yes, respondents)

    # The template holds M8's base as two whole headcounts, so the average is a whole or a half.
    start = {g: round(n * rng.uniform(0.96, 1.04)) for g, n in staff.items()}
    average = {g: (start[g] + staff[g]) / 2 for g in GROUPS}
    leavers = _events(rng, {g: math.floor(a) for g, a in average.items()}, white_rate("M8"), profile.ratios["M8"])
    rows += _rows("M8", "", leavers, average)

    counts = validate_counts(pd.DataFrame(rows, columns=list(COUNT_COLUMNS)))
    return FigureSet(profile.name, Period.twelve_months_to(PERIOD_END), counts,
                     available=frozenset(counts["metric"]))


def simulate(seed: int = SEED) -> list[FigureSet]:
    rng = np.random.default_rng(seed)
    return [simulate_organisation(rng, profile) for profile in profiles(rng)]


def file_name(organisation: str) -> str:
    """'Ashmere Borough Council' -> 'ashmere-borough-council.xlsx'."""
    return re.sub(r"[^a-z0-9]+", "-", organisation.lower()).strip("-") + ".xlsx"


def _fixed_dates(workbook: bytes) -> bytes:
    """The workbook with its document dates and zip entry dates set to STAMP."""
    stamp = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            entry = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    return out.getvalue()


def write_region(out_dir: Path = DEFAULT_OUT, seed: int = SEED) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for figures in simulate(seed):
        buffer = io.BytesIO()
        write_template(buffer, figures=figures)
        path = out_dir / file_name(figures.organisation)
        path.write_bytes(_fixed_dates(buffer.getvalue()))
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the sample region's counts templates, one per organisation.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write into (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    written = write_region(args.out, args.seed)
    print(f"Wrote {len(written)} counts templates under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
