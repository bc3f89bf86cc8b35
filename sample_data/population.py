"""The fictional Wexcombe's Census 2021 ethnic group table (ONS TS021), made by a seeded draw.

Written exactly as the ONS custom dataset tool downloads it (20 categories, lower tier local
authorities, one row per area and category) for Wexcombe and eight fictional neighbours, so a
user of the sample council can pick Wexcombe alone or several areas together:

    wexcombe/census_ts021.csv

Wexcombe has about 250,000 residents, about 34% of them in minority ethnic groups: more than
among the sample council's senior managers, which is the gap metric 9 is there to show.
Run `python -m sample_data.population [--out DIR]`; the output is deterministic.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from data_loaders.ethnicity import (
    AFRICAN,
    ANY_OTHER_ETHNIC_GROUP,
    ARAB,
    BANGLADESHI,
    CARIBBEAN,
    CHINESE,
    GYPSY_OR_IRISH_TRAVELLER,
    INDIAN,
    OTHER_ASIAN,
    OTHER_BLACK,
    OTHER_MIXED,
    OTHER_WHITE,
    PAKISTANI,
    ROMA,
    WHITE_AND_ASIAN,
    WHITE_AND_BLACK_AFRICAN,
    WHITE_AND_BLACK_CARIBBEAN,
    WHITE_BRITISH,
    WHITE_IRISH,
)
from data_loaders.population import DOES_NOT_APPLY, TS021_CATEGORIES, TS021_HEADINGS

SEED = 20210321  # Census day
FILE_NAME = "census_ts021.csv"
DEFAULT_OUT = Path(__file__).resolve().parent / "wexcombe"
WEXCOMBE = "E06000901"


@dataclass(frozen=True)
class SampleArea:
    code: str
    name: str
    residents: int  # about
    bme_share: float  # about, of residents


AREAS: tuple[SampleArea, ...] = (
    SampleArea(WEXCOMBE, "Wexcombe", 250_000, 0.34),
    SampleArea("E06000902", "Ashmere", 182_000, 0.22),
    SampleArea("E06000903", "Belford", 141_000, 0.12),
    SampleArea("E07000901", "Calderby", 96_000, 0.06),
    SampleArea("E07000902", "Dunmoor", 112_000, 0.09),
    SampleArea("E07000903", "Eastwold", 87_000, 0.04),
    SampleArea("E07000904", "Fernleigh", 126_000, 0.15),
    SampleArea("E07000905", "Greyhaven", 73_000, 0.05),
    SampleArea("E07000906", "Hollinsby", 101_000, 0.08),
)

# Roughly England and Wales in 2021, % of residents: each area's mix is drawn around these.
MINORITY_WEIGHTS: dict[str, float] = {
    BANGLADESHI: 1.1, CHINESE: 0.7, INDIAN: 3.1, PAKISTANI: 2.7, OTHER_ASIAN: 1.6,
    AFRICAN: 2.5, CARIBBEAN: 1.0, OTHER_BLACK: 0.5,
    WHITE_AND_ASIAN: 0.8, WHITE_AND_BLACK_AFRICAN: 0.4, WHITE_AND_BLACK_CARIBBEAN: 0.9, OTHER_MIXED: 0.8,
    ARAB: 0.6, ANY_OTHER_ETHNIC_GROUP: 1.6,
}
WHITE_WEIGHTS: dict[str, float] = {
    WHITE_BRITISH: 74.4, WHITE_IRISH: 0.9, GYPSY_OR_IRISH_TRAVELLER: 0.1, ROMA: 0.2, OTHER_WHITE: 6.2,
}


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """`total` split in proportion to `weights`, whole numbers adding up to it exactly (largest remainder)."""
    whole = sum(weights.values())
    exact = {label: total * weight / whole for label, weight in weights.items()}
    counts = {label: int(value) for label, value in exact.items()}
    by_remainder = sorted(exact, key=lambda label: (counts[label] - exact[label], label))
    for label in by_remainder[: total - sum(counts.values())]:
        counts[label] += 1
    return counts


def _jittered(rng: random.Random, weights: dict[str, float], spread: float) -> dict[str, float]:
    # Only rng.random() is used: Python keeps its sequence the same across versions for a seed.
    return {label: weight * (1 + spread * (2 * rng.random() - 1)) for label, weight in weights.items()}


def area_counts(area: SampleArea, rng: random.Random) -> dict[str, int]:
    residents = round(area.residents * (1 + 0.03 * (2 * rng.random() - 1)))
    minority = round(residents * (area.bme_share + 0.004 * (2 * rng.random() - 1)))
    counts = {DOES_NOT_APPLY: 0}
    counts |= apportion(minority, _jittered(rng, MINORITY_WEIGHTS, 0.4))
    counts |= apportion(residents - minority, _jittered(rng, WHITE_WEIGHTS, 0.4))
    return counts


def ts021_csv(seed: int = SEED) -> bytes:
    rng = random.Random(seed)
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(TS021_HEADINGS)
    for area in sorted(AREAS, key=lambda a: a.code):
        counts = area_counts(area, rng)
        for code, label in TS021_CATEGORIES:
            writer.writerow((area.code, area.name, code, label, counts[label]))
    return text.getvalue().encode("utf-8")


def generate(out_dir: Path = DEFAULT_OUT, seed: int = SEED) -> Path:
    path = Path(out_dir) / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ts021_csv(seed))
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the sample council's Census 2021 ethnic group table.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to write into (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    print(f"Wrote {generate(args.out, args.seed)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
