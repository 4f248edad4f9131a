"""Write result files atomically, so that a killed job never leaves a half-written file.

Every writer goes to a temporary name in the same folder and is renamed into place only
when complete; a rename within one file system is atomic on POSIX.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    # mkstemp makes the file private (0600); results should get the usual permissions.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)
    try:
        yield Path(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def write_json(data: dict[str, Any], path: str | Path) -> None:
    """Write a dict as indented JSON (NaN written as null)."""

    def clean(value: Any) -> Any:
        if isinstance(value, float) and not np.isfinite(value):
            return None
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [clean(item) for item in value]
        return value

    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(clean(data), indent=2, sort_keys=False) + "\n")


def read_json(path: str | Path) -> dict[str, Any]:
    """Read a JSON file written by ``write_json``."""
    return json.loads(Path(path).read_text())


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """Write a DataFrame as CSV without its index."""
    with atomic_path(path) as temporary:
        frame.to_csv(temporary, index=False)


def write_npz(arrays: dict[str, np.ndarray], path: str | Path) -> None:
    """Write named arrays to a compressed ``.npz``."""
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as handle:
            np.savez_compressed(handle, **arrays)


def write_weights(weights: list[np.ndarray], path: str | Path) -> None:
    """Write a model's weight arrays, in ``model.get_weights()`` order, as ``w0``, ``w1``, ..."""
    write_npz({f"w{index}": weight for index, weight in enumerate(weights)}, path)


def read_weights(path: str | Path) -> list[np.ndarray]:
    """The weight arrays written by ``write_weights``, in order."""
    with np.load(path) as archive:
        return [archive[f"w{index}"] for index in range(len(archive.files))]


def write_text(text: str, path: str | Path) -> None:
    """Write a text file."""
    with atomic_path(path) as temporary:
        temporary.write_text(text)


def send_output_to(log_path: str | Path) -> None:
    """Send this process's stdout and stderr to a log file.

    Both Python's output and the frameworks' C++ logs go there.
    """
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w", buffering=1)
    for stream, descriptor in ((sys.stdout, 1), (sys.stderr, 2)):
        stream.flush()
        os.dup2(log.fileno(), descriptor)
    sys.stdout = sys.stderr = log


def save_figure(figure: Any, path: str | Path) -> None:
    """Save a matplotlib figure in the format its suffix names, then close it."""
    import matplotlib.pyplot as plt

    path = Path(path)
    with atomic_path(path) as temporary:
        figure.savefig(temporary, format=path.suffix.lstrip("."), metadata={"Date": None})
    plt.close(figure)
