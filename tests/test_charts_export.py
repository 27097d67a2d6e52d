"""The manifest: upsert by name, sorted, stable JSON; combining several reports' manifests."""

from __future__ import annotations

import json

import pytest

from adoption.charts import ENTRY_KEYS, ManifestError, merge_manifests, read_manifest
from adoption.charts.export import MANIFEST_VERSION, upsert_manifest, write_manifest


def _entry(name: str, title: str = "T") -> dict:
    entry = {key: "" for key in ENTRY_KEYS}
    entry.update(name=name, title=title, synthetic=False, notes=[], sources=[],
                 files={"png": f"{name}.png", "html": f"{name}.html"}, sizes={}, sha256={})
    return entry


def test_missing_manifest_reads_as_empty(tmp_path):
    assert read_manifest(tmp_path / "manifest.json") == []


def test_upsert_replaces_by_name_and_keeps_others_sorted(tmp_path):
    path = tmp_path / "out" / "manifest.json"
    upsert_manifest(path, [_entry("b-chart"), _entry("a-chart")])
    upsert_manifest(path, [_entry("b-chart", title="New")])
    charts = read_manifest(path)
    assert [c["name"] for c in charts] == ["a-chart", "b-chart"]
    assert charts[1]["title"] == "New"
    # No temp or lock file (the lock is in the system's temporary folder); the script the
    # interactive pages load is written beside the manifest.
    assert sorted(p.name for p in path.parent.iterdir()) == ["manifest.json", "vendor"]


def test_manifest_json_is_stable_utf8_with_sorted_keys(tmp_path):
    path = tmp_path / "manifest.json"
    entry = _entry("z", title="Données 65\u202f%")
    write_manifest(path, {"manifest_version": 1, "charts": [entry]})
    text = path.read_bytes().decode("utf-8")
    assert json.loads(text)["manifest_version"] == MANIFEST_VERSION
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert "Données 65\u202f%" in text  # readable UTF-8, not \\u escapes
    assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True,
                              indent=2) + "\n"


def test_merge_combines_reports_and_drops_identical_duplicates(tmp_path):
    first, second = tmp_path / "one" / "manifest.json", tmp_path / "two" / "manifest.json"
    upsert_manifest(first, [_entry("b"), _entry("shared")])
    upsert_manifest(second, [_entry("a"), _entry("shared")])
    merged = merge_manifests([first, second])
    assert [c["name"] for c in merged] == ["a", "b", "shared"]
    combined = tmp_path / "charts" / "manifest.json"
    write_manifest(combined, merged)
    assert read_manifest(combined) == merged


def test_merge_refuses_two_different_charts_under_one_name(tmp_path):
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    upsert_manifest(first, [_entry("same", title="One")])
    upsert_manifest(second, [_entry("same", title="Two")])
    with pytest.raises(ManifestError, match=r"chart 'same' differs between .*one\.json and "
                                            r".*two\.json"):
        merge_manifests([first, second])


def test_write_accepts_a_list_of_entries_as_the_report_build_passes_them(tmp_path):
    path = tmp_path / "charts" / "manifest.json"
    write_manifest(path, [_entry("b"), _entry("a")])
    assert [c["name"] for c in read_manifest(path)] == ["a", "b"]
    write_manifest(path, [])
    assert read_manifest(path) == []


def test_a_broken_manifest_is_named(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest\.json: not a readable JSON manifest"):
        read_manifest(path)
    path.write_text(json.dumps({"manifest_version": 1, "charts": [{"name": "x"}]}),
                    encoding="utf-8")
    with pytest.raises(ManifestError, match="chart x lacks kind"):
        read_manifest(path)
    path.write_text(json.dumps({"manifest_version": 99, "charts": []}), encoding="utf-8")
    with pytest.raises(ManifestError, match="manifest_version 99"):
        read_manifest(path)
