"""Unit tests of tipsbench.data: checksums accept the same arrays in any container, refuse the rest."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import SUBSET
from tipsbench.data import (
    DATASETS,
    DataError,
    array_sha256,
    prepare_dataset,
    preprocess,
    read_npz,
    verify_arrays,
)

MNIST = DATASETS["mnist"]


@pytest.fixture
def subset_config(smoke_config):
    return dict(smoke_config["data"], path=str(SUBSET))


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


def test_a_different_container_of_the_same_arrays_is_accepted(tmp_path, subset_config, subset_arrays):
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
    with pytest.raises(DataError, match=r"array x_train has shape \(1000, 28, 28\), expected \(60000, 28, 28\)"):
        verify_arrays(subset_arrays, MNIST)


def test_wrong_dtype_is_refused(subset_config, subset_arrays):
    floats = dict(subset_arrays, x_train=subset_arrays["x_train"].astype(np.float32))
    with pytest.raises(DataError, match="array x_train has dtype float32, expected uint8"):
        verify_arrays(floats, MNIST, subset_config["sha256"])


def test_wrong_shape_is_refused(subset_config, subset_arrays):
    flat = dict(subset_arrays, x_test=subset_arrays["x_test"].reshape(500, 784))
    with pytest.raises(DataError, match=r"array x_test has shape \(500, 784\), expected \(n, 28, 28\)"):
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
    np.testing.assert_array_equal(prepared["y_train"].argmax(axis=1), subset_arrays["y_train"][:100])
    np.testing.assert_array_equal(prepared["y_train"].sum(axis=1), np.ones(100))


def test_preprocess_refuses_train_size_beyond_the_data(subset_arrays):
    with pytest.raises(ValueError, match="train_size=1001 is outside"):
        preprocess(subset_arrays, train_size=1001, test_size=None, num_classes=10)


def test_array_hash_ignores_memory_layout(subset_arrays):
    array = subset_arrays["x_train"][:5]
    assert array_sha256(np.asfortranarray(array)) == array_sha256(array)
