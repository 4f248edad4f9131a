"""Unit tests of tipsbench.files: a write that fails half-way leaves neither a partial file nor
litter."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from tipsbench.files import atomic_path, read_json, write_csv, write_json


def test_failed_write_leaves_the_previous_file_untouched(tmp_path):
    target = tmp_path / "metrics.json"
    write_json({"test_accuracy": 0.9}, target)
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temporary:
            temporary.write_text('{"test_accura')  # half a file, then the job dies
            raise RuntimeError("killed")
    assert read_json(target) == {"test_accuracy": 0.9}
    assert os.listdir(tmp_path) == ["metrics.json"]


def test_nothing_appears_until_the_write_completes(tmp_path):
    target = tmp_path / "runs" / "history.csv"
    with atomic_path(target) as temporary:
        temporary.write_text("epoch\n1\n")
        assert not target.exists()
    assert target.read_text() == "epoch\n1\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~current_umask())


def current_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def test_json_writes_nan_as_null(tmp_path):
    write_json({"loss": float("nan"), "nested": [float("inf"), 1.0]}, tmp_path / "m.json")
    assert read_json(tmp_path / "m.json") == {"loss": None, "nested": [None, 1.0]}


def test_csv_round_trip(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    write_csv(frame, tmp_path / "t.csv")
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "t.csv"), frame)
