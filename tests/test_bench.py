"""`make bench` at a tiny scale: the region generator and the runner produce a results table (no timings checked)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/ is a folder of the checkout, not installed
from bench import region, run  # noqa: E402


def test_region_counts_scale_with_at_least_one_row_of_each_kind():
    assert region.counts(1.0) == {"organisations": 300, "cases": 3000, "news": 3500, "events": 1500,
                                  "persons": 20000, "roadmaps": 300}
    assert all(n >= 1 for n in region.counts(0.0001).values())


@pytest.mark.skipif(sys.platform != "linux", reason="the runner reads /proc and uses fork-based tools")
def test_bench_runner_at_a_tiny_scale_writes_a_results_table(tmp_path, capsys):
    exit_code = run.main(["--scale", "0.002", "--repeat", "1", "--only", "build,baseline,incremental",
                          "--results", str(tmp_path)])
    assert exit_code == 0
    written = list(tmp_path.glob("*-scale0.002.md"))
    assert len(written) == 1
    table = written[0].read_text(encoding="utf-8")
    assert "| measure" in table
    for row in ("1. full build", "2. plain Frozen-Flask", "3. incremental build, one case edited",
                "3. incremental build, one news item added"):
        assert row in table
    assert table in capsys.readouterr().out
