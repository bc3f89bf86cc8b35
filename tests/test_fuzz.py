"""Damaged files never escape as a traceback: mutated real exports, read end to end.

The reading runs in a child process because calamine, a Rust library, can abort the whole
process on some malformed input; a crash then fails this test instead of the test run.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent("""
    import io, random, sys, zipfile
    from data_loaders.errors import InputError
    from data_loaders.source import Source
    from pipeline.api import analyse, read_sources

    path, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    original = open(path, "rb").read()
    rng = random.Random(seed)

    def flip_bytes(data, how_many):
        data = bytearray(data)
        for _ in range(how_many):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)

    def mutate_inside_zip(data):
        # Damage the XML inside and zip it up again, so the parser (not the zip check) meets it.
        source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                body = source.read(item.filename)
                if item.filename.endswith(".xml") and body and rng.random() < 0.5:
                    body = flip_bytes(body, rng.randint(1, 20))
                target.writestr(item, body)
        return out.getvalue()

    unexpected = []
    for n in range(count):
        if path.endswith(".xlsx") and rng.random() < 0.7:
            data = mutate_inside_zip(original)
        else:
            data = flip_bytes(original, rng.randint(1, 12))
        try:
            analyse(read_sources([Source(path.rsplit("/", 1)[-1], data, None)]))
        except InputError:
            pass
        except Exception as error:
            unexpected.append(f"case {n}: {type(error).__name__}: {error}")
    print("\\n".join(unexpected) or "ok")
""")


@pytest.mark.parametrize(
    ("sample", "seed"),
    [("disciplinary.xlsx", 1), ("disciplinary.xlsx", 2), ("fitness_to_practise.xlsx", 3), ("survey.csv", 4)],
)
def test_mutated_exports_give_a_result_or_a_clear_message(sample, seed):
    path = ROOT / "sample_data" / "wexcombe" / "2026-03-31" / sample
    completed = subprocess.run([sys.executable, "-c", CHILD, str(path), str(seed), "40"], cwd=ROOT,
                               capture_output=True, text=True, timeout=600, check=False)
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert completed.stdout.strip() == "ok"
