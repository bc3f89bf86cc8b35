"""The README stays true: its two setup commands, every make target and module it names, its links, and the
system packages it says the tests need (the same ones .ci/run installs)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _section(heading: str) -> str:
    start = README.index(heading)
    following = README.find("\n#", start + len(heading))
    return README[start:following if following != -1 else None]


def _first_command(heading: str) -> str:
    block = re.search(r"```sh\n(.*?)```", _section(heading), re.S)
    assert block, f"no command under {heading}"
    return block.group(1).strip()


def test_the_two_commands_come_first_and_the_makefile_has_them():
    assert README.index("## Start here") < README.index("## The app")
    assert _first_command("## Start here") == "make run"
    assert _first_command("### Running the tests") == "make test"
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.M))
    named = set(re.findall(r"`(?:STREAMLIT_\w+=\S+ )?make ([a-z-]+)`", README))
    assert {"run", "test"} <= named
    assert named <= targets, named - targets


def test_every_module_the_readme_runs_exists_and_commands_are_written_one_way():
    modules = set(re.findall(r"\.venv/bin/python -m ([a-z_]+(?:\.[a-z_]+)*)", README))
    assert modules >= {"metrics", "reports", "storage"}
    for module in modules:
        path = ROOT / module.replace(".", "/")
        assert (path / "__main__.py").is_file() or path.with_suffix(".py").is_file(), module
    # One way of writing commands: never a bare `python -m`, which needs the virtualenv activated first.
    assert not re.findall(r"(?<!/bin/)\bpython -m ", README)


def test_local_links_point_at_files_that_exist():
    for target in re.findall(r"\]\(((?!https?:)[^)#]+)\)", README):
        assert (ROOT / target).is_file(), target


def test_the_packages_the_readme_names_for_the_tests_are_the_ones_ci_installs():
    line = next(text for text in _section("### Running the tests").splitlines()
                if text.startswith("sudo apt-get install"))
    named = set(line.split()[4:])
    ci = (ROOT / ".ci" / "run").read_text()
    for package in named:
        assert re.search(rf"\b{re.escape(package)}\b", ci), f".ci/run does not install {package}"
    assert {"chromium", "poppler-utils", "npm"} <= named


def test_the_metric_reference_gives_each_metrics_population_rule_as_the_registry_writes_it():
    from metrics.registry import METRICS, STANDARDS

    for definition in METRICS.values():
        assert f"| {definition.id} |" in README
        assert definition.counted_text() in README, definition.id
        # A standard with its own rule for the metric (the NHS WRES's pay bands, without bank workers) has it too.
        for standard in definition.counted_under:
            assert f"Under the {STANDARDS[standard].name}: {definition.counted_text(standard=standard)}" in README, (
                definition.id, standard)


def test_the_metric_reference_names_each_standards_guidance_and_metrics_as_the_registry_gives_them():
    from metrics.registry import STANDARDS

    section = _section("## The metrics")
    for standard in STANDARDS.values():
        assert standard.guidance, f"{standard.id} names no guidance"
        row = next(line for line in section.splitlines() if line.startswith(f"| {standard.name} ("))
        for guidance in standard.guidance:
            assert f"{guidance.citation()}: <{guidance.address}>" in row, (standard.id, guidance.title)
            if guidance.year is not None:
                assert str(guidance.year) in guidance.citation(), (standard.id, guidance.title)
        assert f"| {', '.join(standard.metrics)}." in row, standard.id
        assert standard.note in row, standard.id


def test_the_readme_gives_the_schema_version_and_says_the_plan_is_kept_per_standard():
    from storage import SCHEMA_VERSION
    from storage.backup import FORMAT_VERSION

    assert f"now version {SCHEMA_VERSION}:" in README
    assert f"committed database files made by versions 1 to {SCHEMA_VERSION - 1}" in README
    assert f"format version {FORMAT_VERSION}" in README
    assert "The plan is kept per standard" in _section("## The app")
