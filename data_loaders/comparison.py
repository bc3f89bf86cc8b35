"""Who a standard compares, described once: its groups in order and the words for each.

A standard compares a focus group (whose experience it measures) with a reference group, and keeps a
third group for people whose membership is not known. The Workforce Race Equality Standards compare
minority-ethnic staff with white staff (`ETHNICITY`); the Workforce Disability Equality Standard
compares disabled staff with non-disabled staff (`DISABILITY`); a pay gap would compare women with
men. The loaders classify people into these groups and the engine counts, compares, words and draws
them, all from the one description here.

Each group is named in the forms the pages need, as they have always shown it: a table's column or a
chart's legend ("White"), a sentence ("white staff were..."), a phrase that stands before "people"
("minority-ethnic people"), the group as people where no word before "people" reads well ("people
whose disability status is not known"; `people` gives either) and the choice on the data page where
a label's group is corrected ("Minority ethnic"). An organisation may use its own words for one group
(the focus group of the race standards: "BME", "Black, Asian and minority ethnic"...); `label` and
`noun` take them.

Only the standard library here: data_loaders and metrics both import it, and the command line's
start-up pays nothing for it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupWords:
    """One group of a comparison: its key in the counts and the words for it."""

    key: str
    # In a table's heading, a chart's legend and the counts template: "White", "Unknown".
    label: str
    # Where a sentence names the group: "white", "unknown".
    noun: str
    # Before "people" in a sentence: "minority-ethnic", "white", "unknown-ethnicity".
    adjective: str
    # On the data page, as a choice of group for a label: "Minority ethnic".
    choice: str
    # The group as people in a sentence, where "<adjective> people" would not read well: "people whose
    # disability status is not known". Empty: "<adjective> people".
    people: str = ""


@dataclass(frozen=True)
class Comparison:
    """The groups a standard compares: the focus group, the reference group, and the unknown group."""

    # What people are grouped by: "ethnicity".
    key: str
    # The heading over the groups where they are rows of a table (the counts template): "Ethnic group".
    heading: str
    focus: GroupWords
    reference: GroupWords
    unknown: GroupWords
    # The key of the group an organisation may name in its own words (Settings.bme_label), if any.
    renamable: str = ""
    # What a person's group says of them, in a sentence: "ethnicity" ("whose ethnicity is known"), "disability
    # status". Empty: the key.
    attribute: str = ""
    # How a person's group comes to be known: "known", "declared" ("whose disability status is declared").
    known_word: str = "known"
    # The unknown group's share as a table's column heading: "Unknown ethnicity", "Not declared".
    unknown_heading: str = ""
    # A label of the data as a sentence names it: "an ethnicity label", "a disability label".
    label_words: str = ""
    # What equality the standard is of, in a pack's title ("Workforce race equality"): "race", "disability".
    equality: str = ""
    # Whether the standard reports the declaration rate (the share whose group is known) beside every metric, as
    # the WDES does; otherwise the share not known is given as a data-quality figure.
    declaration_rate: bool = False

    def __post_init__(self) -> None:
        if len(set(self.keys)) != len(self.keys):
            raise ValueError(f"the groups of the {self.key} comparison must differ: {self.keys}")
        if self.renamable and self.renamable not in self.keys:
            raise ValueError(f"the {self.key} comparison has no group {self.renamable!r} to rename")

    @property
    def groups(self) -> tuple[GroupWords, GroupWords, GroupWords]:
        """The groups in order: focus, reference, unknown (the order of every table and chart)."""
        return (self.focus, self.reference, self.unknown)

    @property
    def keys(self) -> tuple[str, str, str]:
        return (self.focus.key, self.reference.key, self.unknown.key)

    @property
    def known(self) -> tuple[str, str]:
        """The two groups compared: a ratio is of one's rate over the other's."""
        return (self.focus.key, self.reference.key)

    def group(self, key: str) -> GroupWords:
        for group in self.groups:
            if group.key == key:
                return group
        raise KeyError(f"the {self.key} comparison has no group {key!r}; its groups are {', '.join(self.keys)}")

    def other(self, key: str) -> str:
        """The other of the two groups compared."""
        if key not in self.known:
            raise KeyError(f"{key!r} is not one of the two groups the {self.key} comparison compares")
        return self.reference.key if key == self.focus.key else self.focus.key

    def label(self, key: str, own: str | None = None) -> str:
        """The group's label in a table or chart; `own` is the organisation's word for the renamable group."""
        return own if own is not None and key == self.renamable else self.group(key).label

    def noun(self, key: str, own: str | None = None) -> str:
        """The group's name in a sentence; `own` is the organisation's word for the renamable group."""
        return own if own is not None and key == self.renamable else self.group(key).noun

    def adjective(self, key: str) -> str:
        return self.group(key).adjective

    def choice(self, key: str) -> str:
        return self.group(key).choice

    @property
    def what(self) -> str:
        """What a person's group says of them: "ethnicity", "disability status"."""
        return self.attribute or self.key

    def whose_known(self) -> str:
        """"whose ethnicity is known", "whose disability status is declared"."""
        return f"whose {self.what} is {self.known_word}"

    def whose_not_known(self) -> str:
        """"whose ethnicity is not known", "whose disability status is not declared"."""
        return f"whose {self.what} is not {self.known_word}"

    @property
    def unknown_column(self) -> str:
        """The unknown group's share as a column heading: "Unknown ethnicity", "Not declared"."""
        return self.unknown_heading or f"{self.unknown.label} {self.what}"

    @property
    def labels_word(self) -> str:
        """"an ethnicity label", "a disability label"."""
        return self.label_words or f"a {self.key} label"

    def people(self, key: str) -> str:
        """The group as people in a sentence: "minority-ethnic people", "people whose disability status is not
        known"."""
        group = self.group(key)
        return group.people or f"{group.adjective} people"


# The race standards (SC-WRES and NHS WRES): minority-ethnic staff ("bme") against white staff. The focus
# group's label is the organisation's own (Settings.bme_label); "BME" is what the counts template and
# the settings use when none is given.
ETHNICITY = Comparison(
    key="ethnicity",
    heading="Ethnic group",
    focus=GroupWords("bme", label="BME", noun="BME", adjective="minority-ethnic", choice="Minority ethnic"),
    reference=GroupWords("white", label="White", noun="white", adjective="white", choice="White"),
    unknown=GroupWords("unknown", label="Unknown", noun="unknown", adjective="unknown-ethnicity", choice="Unknown"),
    renamable="bme",
    attribute="ethnicity",
    unknown_heading="Unknown ethnicity",
    label_words="an ethnicity label",
    equality="race",
)


# The Workforce Disability Equality Standard: disabled staff against non-disabled staff, and those who have not
# declared (the WDES reports the declaration rate). No group is renamed: the WDES fixes its words. A sentence says
# "people whose disability status is not known" rather than a made-up adjective before "people".
DISABILITY = Comparison(
    key="disability",
    heading="Disability status",
    focus=GroupWords("disabled", label="Disabled", noun="disabled", adjective="disabled", choice="Disabled"),
    reference=GroupWords("non_disabled", label="Non-disabled", noun="non-disabled", adjective="non-disabled",
                         choice="Non-disabled"),
    unknown=GroupWords("not_declared", label="Not declared", noun="not declared",
                       adjective="disability-status-unknown", choice="Not declared",
                       people="people whose disability status is not known"),
    attribute="disability status",
    known_word="declared",
    unknown_heading="Not declared",
    label_words="a disability label",
    equality="disability",
    declaration_rate=True,
)


# Every comparison by its key: a saved period records the key of its groups (storage.figure_sets) and is read back
# through this.
COMPARISONS: dict[str, Comparison] = {comparison.key: comparison for comparison in (ETHNICITY, DISABILITY)}


def comparison_named(key: str) -> Comparison:
    """The comparison whose key is `key` ("ethnicity", "disability"); KeyError, in words, for another."""
    try:
        return COMPARISONS[key]
    except (KeyError, TypeError):
        raise KeyError(f"no comparison {key!r}; the comparisons are {', '.join(COMPARISONS)}") from None
