"""Unit tests of tipsbench.data: checksums accept the same arrays in any container, refuse the
rest."""

from __future__ import annotations

import dataclasses
import gzip

import numpy as np
import pytest
import yaml
from conftest import ROOT, SCHEMA, SUBSET, load_config

from tipsbench.data import (
    DATASETS,
    IDX_FILES,
    DataError,
    array_sha256,
    prepare_dataset,
    preprocess,
    read_idx_dir,
    read_npz,
    verify_arrays,
)

MNIST = DATASETS["mnist"]
FASHION = DATASETS["fashion_mnist"]
FASHION_SUBSET = ROOT / "tests" / "data" / "fashion-mnist-subset.npz"


@pytest.fixture
def subset_config(smoke_config):
    # The whole subset, as these tests read it (the smoke preset may keep some images back).
    return dict(smoke_config["data"], path=str(SUBSET), train_size=1000, validation_size=0)


@pytest.fixture
def subset_arrays():
    return read_npz(SUBSET)


def test_subset_is_accepted_and_keeps_file_order(subset_config):
    prepared, info = prepare_dataset(subset_config)
    # The protocol's sanity facts: the first ten labels of each split in file order.
    assert prepared["labels_train"][:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert prepared["labels_test"][:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert info["array_sha256"] == subset_config["sha256"]
    assert info["train_size"] == 1000 and info["test_size"] == 500


def test_a_different_container_of_the_same_arrays_is_accepted(
    tmp_path, subset_config, subset_arrays
):
    copy = tmp_path / "uncompressed.npz"
    np.savez(copy, **subset_arrays)  # Not compressed: other bytes on disk, same arrays.
    _, info = prepare_dataset(dict(subset_config, path=str(copy)))
    assert info["array_sha256"] == subset_config["sha256"]


def test_changed_pixel_is_refused_naming_the_array(subset_config, subset_arrays):
    changed = dict(subset_arrays)
    changed["x_test"] = changed["x_test"].copy()
    changed["x_test"][0, 0, 0] ^= 1
    with pytest.raises(DataError, match="array x_test has SHA-256"):
        verify_arrays(changed, MNIST, subset_config["sha256"])


def test_subset_is_refused_against_full_mnist_checksums(subset_arrays):
    with pytest.raises(
        DataError, match=r"array x_train has shape \(1000, 28, 28\), expected \(60000, 28, 28\)"
    ):
        verify_arrays(subset_arrays, MNIST)


def test_wrong_dtype_is_refused(subset_config, subset_arrays):
    floats = dict(subset_arrays, x_train=subset_arrays["x_train"].astype(np.float32))
    with pytest.raises(DataError, match="array x_train has dtype float32, expected uint8"):
        verify_arrays(floats, MNIST, subset_config["sha256"])


def test_wrong_shape_is_refused(subset_config, subset_arrays):
    flat = dict(subset_arrays, x_test=subset_arrays["x_test"].reshape(500, 784))
    with pytest.raises(
        DataError, match=r"array x_test has shape \(500, 784\), expected \(n, 28, 28\)"
    ):
        verify_arrays(flat, MNIST, subset_config["sha256"])


def test_missing_arrays_and_non_npz_files_are_refused(tmp_path):
    partial = tmp_path / "partial.npz"
    np.savez(partial, x_train=np.zeros((1, 28, 28), np.uint8))
    with pytest.raises(DataError, match="lacks array"):
        read_npz(partial)
    text = tmp_path / "mnist.npz"
    text.write_text("not a zip archive")
    with pytest.raises(DataError, match="is not an .npz archive"):
        read_npz(text)
    with pytest.raises(DataError, match="does not exist"):
        read_npz(tmp_path / "absent.npz")


def test_preprocess_slices_flattens_scales_and_one_hot_encodes(subset_arrays):
    prepared = preprocess(subset_arrays, train_size=100, test_size=None, num_classes=10)
    assert prepared["x_train"].shape == (100, 784) and prepared["x_train"].dtype == np.float32
    assert prepared["x_test"].shape == (500, 784)
    assert prepared["x_train"].min() == 0.0 and prepared["x_train"].max() == 1.0
    np.testing.assert_array_equal(
        prepared["x_train"][3] * 255, subset_arrays["x_train"][3].reshape(784).astype(np.float32)
    )
    assert prepared["y_train"].shape == (100, 10)
    np.testing.assert_array_equal(
        prepared["y_train"].argmax(axis=1), subset_arrays["y_train"][:100]
    )
    np.testing.assert_array_equal(prepared["y_train"].sum(axis=1), np.ones(100))


def test_preprocess_refuses_train_size_beyond_the_data(subset_arrays):
    with pytest.raises(ValueError, match="train_size=1001 is outside"):
        preprocess(subset_arrays, train_size=1001, test_size=None, num_classes=10)


def test_array_hash_ignores_memory_layout(subset_arrays):
    array = subset_arrays["x_train"][:5]
    assert array_sha256(np.asfortranarray(array)) == array_sha256(array)


# --- Directories of IDX files -------------------------------------------------------------


def write_idx(path, array: np.ndarray, *, magic: int | None = None) -> None:
    """Write ``array`` (uint8) as an IDX file, gzipped when ``path`` ends in .gz."""
    magic = (0x08 << 8 | array.ndim) if magic is None else magic
    header = magic.to_bytes(4, "big") + b"".join(dim.to_bytes(4, "big") for dim in array.shape)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as handle:
        handle.write(header + np.ascontiguousarray(array, np.uint8).tobytes())


def write_idx_dir(directory, arrays: dict[str, np.ndarray], gz: dict[str, bool] | bool) -> None:
    directory.mkdir(exist_ok=True)
    for name, stem in IDX_FILES.items():
        zipped = gz[name] if isinstance(gz, dict) else gz
        write_idx(directory / (stem + (".gz" if zipped else "")), arrays[name])


@pytest.fixture
def fashion_config():
    return load_config("fashion-smoke.yaml")["data"] | {
        "path": str(FASHION_SUBSET),
        "train_size": 1000,
        "validation_size": 0,
    }


@pytest.fixture
def fashion_arrays():
    return read_npz(FASHION_SUBSET)


@pytest.mark.parametrize(
    "gz",
    [True, False, {"x_train": True, "y_train": False, "x_test": False, "y_test": True}],
    ids=["gzipped", "plain", "mixed"],
)
def test_idx_directory_gives_the_same_arrays_as_the_npz(tmp_path, subset_config, subset_arrays, gz):
    directory = tmp_path / "mnist-idx"
    write_idx_dir(directory, subset_arrays, gz)
    arrays = read_idx_dir(directory)
    for name in subset_arrays:
        assert arrays[name].dtype == np.uint8
        np.testing.assert_array_equal(arrays[name], subset_arrays[name])
    # The data step picks the IDX reader for a directory; same checksums as the .npz.
    prepared, info = prepare_dataset(dict(subset_config, path=str(directory)))
    from_npz, _ = prepare_dataset(subset_config)
    assert info["array_sha256"] == subset_config["sha256"]
    assert sorted(info["file_sha256"]) == sorted(path.name for path in directory.iterdir())
    for name in prepared:
        np.testing.assert_array_equal(prepared[name], from_npz[name])


def test_idx_file_with_a_bad_magic_number_is_refused_naming_it(tmp_path, subset_arrays):
    directory = tmp_path / "idx"
    write_idx_dir(directory, subset_arrays, gz=False)
    labels = directory / "t10k-labels-idx1-ubyte"
    write_idx(labels, subset_arrays["y_test"], magic=0x0000_0803)  # says 3 dimensions
    with pytest.raises(
        DataError, match=rf"IDX file {labels} has magic number 0x00000803, expected 0x00000801"
    ):
        read_idx_dir(directory)
    # A gzipped file without .gz in its name: the message says so.
    images = directory / "train-images-idx3-ubyte"
    images.write_bytes(gzip.compress(images.read_bytes()))
    with pytest.raises(
        DataError, match=rf"IDX file {images} has magic number .* looks gzip-compressed"
    ):
        read_idx_dir(directory)


def test_missing_idx_file_is_refused_naming_it(tmp_path, subset_arrays):
    directory = tmp_path / "idx"
    write_idx_dir(directory, subset_arrays, gz=True)
    (directory / "train-labels-idx1-ubyte.gz").unlink()
    missing = r"lacks IDX file train-labels-idx1-ubyte \(or train-labels-idx1-ubyte.gz\)"
    with pytest.raises(DataError, match=rf"data directory {directory} {missing}"):
        read_idx_dir(directory)
    with pytest.raises(DataError, match="data directory .* does not exist"):
        read_idx_dir(tmp_path / "absent")


def test_truncated_corrupt_or_doubled_idx_files_are_refused_naming_them(tmp_path, subset_arrays):
    directory = tmp_path / "idx"
    write_idx_dir(directory, subset_arrays, gz=False)
    images = directory / "t10k-images-idx3-ubyte"
    images.write_bytes(images.read_bytes()[:-1])
    short = "has 391999 data bytes, but its header says 500 x 28 x 28 = 392000"
    with pytest.raises(DataError, match=rf"IDX file {images} {short}"):
        read_idx_dir(directory)

    write_idx_dir(directory, subset_arrays, gz=False)
    labels = directory / "train-labels-idx1-ubyte.gz"
    labels.write_bytes(b"\x1f\x8b not really gzip")
    (directory / "train-labels-idx1-ubyte").unlink()
    with pytest.raises(DataError, match=rf"IDX file {labels} cannot be read"):
        read_idx_dir(directory)

    write_idx_dir(directory, subset_arrays, gz=False)  # now both the plain and the .gz file
    with pytest.raises(
        DataError, match="has both train-labels-idx1-ubyte and train-labels-idx1-ubyte.gz"
    ):
        read_idx_dir(directory)


# --- Fashion-MNIST: the same code path, another entry of the table -------------------------


def test_every_known_dataset_is_a_complete_entry():
    schema = yaml.safe_load(SCHEMA.read_text())
    for spec in DATASETS.values():
        assert len(spec.class_names) == spec.num_classes and spec.item
        assert sorted(spec.sha256) == sorted(IDX_FILES)
        assert (
            spec.sizes["train"]
            <= schema["properties"]["data"]["properties"]["train_size"]["maximum"]
        )


def test_fashion_configs_change_the_data_not_the_lecture(default_config):
    for name in ("fashion.yaml", "fashion-smoke.yaml"):
        config = load_config(name)
        assert config["data"]["dataset"] == "fashion_mnist"
        # The slide's numbers and words stay the lecture's (MNIST): the report compares
        # against them (a smoke preset may shrink a study's arms to the subset, nothing else).
        assert config["studies"].keys() == default_config["studies"].keys()
        for name, study in default_config["studies"].items():
            same = config["studies"][name]
            assert (same["claim"], same["claim_zh"]) == (study["claim"], study["claim_zh"])
            assert [arm.get("slide_accuracy") for arm in same["arms"]] == [
                arm.get("slide_accuracy") for arm in study["arms"]
            ]
    assert load_config("fashion.yaml")["run_name"] == "fashion"
    assert load_config("fashion-smoke.yaml")["run_name"] == "fashion-smoke"


def test_fashion_subset_is_accepted_with_its_config_checksums(fashion_config):
    prepared, info = prepare_dataset(fashion_config)
    assert info["dataset"] == "fashion_mnist"
    assert info["array_sha256"] == fashion_config["sha256"]
    # Fashion-MNIST's first labels in file order (9 = ankle boot, 0 = T-shirt/top).
    assert prepared["labels_train"][:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    assert prepared["labels_test"][:10].tolist() == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7]
    assert info["train_size"] == 1000 and info["test_size"] == 500
    assert prepared["y_train"].shape == (1000, FASHION.num_classes)


def test_fashion_subset_is_refused_as_mnist(fashion_config, subset_config, fashion_arrays):
    # The MNIST smoke config (dataset mnist, the MNIST subset's checksums) on Fashion data.
    mismatch = "array x_train has SHA-256 7350186bf86b76af…, expected 2304e0137aea1f23…"
    with pytest.raises(DataError, match=mismatch):
        prepare_dataset(dict(subset_config, path=fashion_config["path"]))
    with pytest.raises(
        DataError, match=r"array x_train has shape \(1000, 28, 28\), expected \(60000, 28, 28\)"
    ):
        verify_arrays(fashion_arrays, MNIST)


def test_arrays_of_another_known_dataset_are_named(
    monkeypatch, subset_config, fashion_config, fashion_arrays
):
    # Pretend the two subsets were the full datasets, as the real files are to each other.
    for name, config in (("mnist", subset_config), ("fashion_mnist", fashion_config)):
        spec = dataclasses.replace(
            DATASETS[name], sizes={"train": 1000, "test": 500}, sha256=config["sha256"]
        )
        monkeypatch.setitem(DATASETS, name, spec)
    with pytest.raises(
        DataError,
        match="these are the fashion_mnist arrays, not the mnist data the config asks for "
        r"\(data.dataset: fashion_mnist\?\)",
    ):
        verify_arrays(fashion_arrays, DATASETS["mnist"], source="fashion.npz")
