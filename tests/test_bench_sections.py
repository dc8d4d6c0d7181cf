"""Rerunning some sections of the bench replaces only those in results.json, and says when."""

from __future__ import annotations

from bench.sections import merged
from bench.table import Table


def test_a_rerun_section_replaces_only_itself_and_is_noted_with_its_load():
    previous = {
        "throughput": {"bare": 1, "pack_flood": {"old": True}},
        "cold_server": {"old": True},
        "machine": {"measured_at": "2026-11-01"},
    }
    table = Table()
    table.results["throughput"] = {"pack_flood": {"new": True}, "bare": 99}
    results = merged(previous, table, ["pack_flood"], (0.5, 0.7))
    assert results["throughput"] == {"bare": 1, "pack_flood": {"new": True}}
    assert results["cold_server"] == {"old": True}
    assert results["machine"]["measured_at"] == "2026-11-01"
    assert results["machine"]["sections"]["pack_flood"]["load_average_at_start_and_end"] == (0.5, 0.7)
    assert previous["throughput"]["pack_flood"] == {"old": True}, "the previous results are not changed"
