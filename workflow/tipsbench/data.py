"""Load an MNIST-like image dataset, verify it by array checksums, and preprocess it.

The protocol (docs: PROTOCOL.md): the FIRST ``train_size`` training images in file order,
the test set, pixels flattened to 784 float32 values divided by 255, one-hot labels.
A dataset is one ``DatasetSpec`` entry of ``DATASETS`` (the config's ``data.dataset``);
the code path is the same for all of them. Its four arrays come from a Keras-layout
``.npz`` file, a directory of the four standard IDX files (gzipped or not), or Keras'
own download; a copy is accepted when the arrays hash to the known SHA-256 values,
whatever container they come in, and anything else is refused with an error naming
the array or file and what was wrong with it.
"""

from __future__ import annotations

import gzip
import hashlib
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ARRAY_NAMES = ("x_train", "y_train", "x_test", "y_test")

# The standard IDX file of each array (LeCun's MNIST layout, which Fashion-MNIST copies);
# each may also be gzipped, with ".gz" appended.
IDX_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}
IDX_UBYTE = 0x08  # IDX type code of unsigned bytes, the only one these datasets use


class DataError(ValueError):
    """The data on disk is not the dataset the config asks for."""


@dataclass(frozen=True)
class DatasetSpec:
    """What a dataset must look like (per-array shape, dtype and SHA-256 of the C-order bytes)
    and how the report names it and its classes."""

    name: str
    title: str
    num_classes: int
    image_shape: tuple[int, ...]
    sizes: dict[str, int]
    sha256: dict[str, str]
    class_names: tuple[str, ...]
    # What one image shows, for axis labels and sentences ("true digit").
    item: str


# The known datasets. The checksums are those of the arrays Keras' own loader returns
# (keras.datasets.<name>.load_data()); the IDX files of the same data give the same arrays.
DATASETS: dict[str, DatasetSpec] = {
    "mnist": DatasetSpec(
        name="mnist",
        title="MNIST",
        num_classes=10,
        image_shape=(28, 28),
        sizes={"train": 60000, "test": 10000},
        sha256={
            "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
            "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
            "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
            "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
        },
        class_names=tuple(str(digit) for digit in range(10)),
        item="digit",
    ),
    # Zalando's Fashion-MNIST: MNIST's shapes and split sizes, 10 clothing classes. Checksums
    # computed from Debian's dataset-fashion-mnist IDX files, read as Keras' loader reads
    # the same files it downloads. Debian re-gzipped them (other .gz bytes than upstream's),
    # but they decompress to the raw-file MD5 values that other loaders of the upstream
    # download check (f4a8712d..., 9018921c..., 8181f547..., 15d48437...).
    "fashion_mnist": DatasetSpec(
        name="fashion_mnist",
        title="Fashion-MNIST",
        num_classes=10,
        image_shape=(28, 28),
        sizes={"train": 60000, "test": 10000},
        sha256={
            "x_train": "2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012",
            "y_train": "657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7",
            "x_test": "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a",
            "y_test": "3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9",
        },
        # Zalando's label names, in label order.
        class_names=(
            "T-shirt/top",
            "Trouser",
            "Pullover",
            "Dress",
            "Coat",
            "Sandal",
            "Shirt",
            "Sneaker",
            "Bag",
            "Ankle boot",
        ),
        item="garment",
    ),
}


def array_sha256(array: np.ndarray) -> str:
    """SHA-256 of an array's bytes in C order (the container does not matter)."""
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_npz(path: str | Path) -> dict[str, np.ndarray]:
    """Read the four arrays of a Keras-layout ``.npz`` file, or raise DataError saying why not."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"data file {path} does not exist")
    if not zipfile.is_zipfile(path):
        raise DataError(f"data file {path} is not an .npz archive")
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [name for name in ARRAY_NAMES if name not in archive.files]
            if missing:
                raise DataError(
                    f"data file {path} lacks array(s) {', '.join(missing)} "
                    f"(has: {', '.join(archive.files) or 'nothing'})"
                )
            return {name: archive[name] for name in ARRAY_NAMES}
    except (OSError, zipfile.BadZipFile, ValueError) as error:
        if isinstance(error, DataError):
            raise
        raise DataError(f"data file {path} cannot be read as .npz: {error}") from error


def find_idx_file(directory: Path, stem: str) -> Path:
    """The IDX file ``stem`` or ``stem.gz`` in ``directory``, or raise DataError saying why not."""
    candidates = [path for path in (directory / stem, directory / f"{stem}.gz") if path.is_file()]
    if not candidates:
        raise DataError(f"data directory {directory} lacks IDX file {stem} (or {stem}.gz)")
    if len(candidates) > 1:
        raise DataError(
            f"data directory {directory} has both {stem} and {stem}.gz: keep one, "
            "so that it is clear which file the arrays come from"
        )
    return candidates[0]


def read_idx(path: str | Path, ndim: int) -> np.ndarray:
    """Read one IDX file of unsigned bytes with ``ndim`` dimensions (gzipped if named ``*.gz``).

    The header is two zero bytes, the type code 0x08 (unsigned byte), the number of
    dimensions, then each dimension as a big-endian 32-bit integer; the data follows.
    Anything else is refused with a DataError naming the file.
    """
    path = Path(path)
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as handle:
                raw = handle.read()
        else:
            raw = path.read_bytes()
    except (OSError, EOFError, zlib.error) as error:
        raise DataError(f"IDX file {path} cannot be read: {error}") from error
    if len(raw) < 4:
        raise DataError(f"IDX file {path} has {len(raw)} bytes, too few for an IDX header")
    magic = int.from_bytes(raw[:4], "big")
    expected = (IDX_UBYTE << 8) | ndim
    if magic != expected:
        hint = " (it looks gzip-compressed: name it *.gz)" if raw[:2] == b"\x1f\x8b" else ""
        raise DataError(
            f"IDX file {path} has magic number 0x{magic:08x}, expected 0x{expected:08x} "
            f"(unsigned bytes, {ndim} dimension{'s' if ndim > 1 else ''}){hint}"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataError(f"IDX file {path} ends inside its header ({len(raw)} bytes)")
    dims = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    size = int(np.prod(dims, dtype=np.int64))
    if len(raw) - header != size:
        shape = " x ".join(map(str, dims))
        raise DataError(
            f"IDX file {path} has {len(raw) - header} data bytes, but its header says "
            f"{shape} = {size}"
        )
    return np.frombuffer(raw, np.uint8, offset=header).reshape(dims)


def read_idx_dir(path: str | Path) -> dict[str, np.ndarray]:
    """Read the four arrays from a directory of the standard IDX files, or raise DataError.

    Gives the arrays Keras' loaders build from the same files (images n x 28 x 28, labels n).
    """
    path = Path(path)
    if not path.is_dir():
        raise DataError(f"data directory {path} does not exist")
    return {
        name: read_idx(find_idx_file(path, stem), ndim=3 if name.startswith("x") else 1)
        for name, stem in IDX_FILES.items()
    }


def read_local(path: str | Path) -> dict[str, np.ndarray]:
    """The four arrays of a local copy: a directory of IDX files, or else a Keras-layout .npz."""
    return read_idx_dir(path) if Path(path).is_dir() else read_npz(path)


def local_sha256(path: str | Path) -> str | dict[str, str]:
    """SHA-256 of a data file, or per file name for a directory of IDX files."""
    path = Path(path)
    if not path.is_dir():
        return file_sha256(path)
    files = (find_idx_file(path, stem) for stem in IDX_FILES.values())
    return {file.name: file_sha256(file) for file in files}


def download_keras(dataset: str) -> dict[str, np.ndarray]:
    """Fetch a dataset with Keras' own loader (needs the internet on first use)."""
    import keras

    loader = getattr(keras.datasets, dataset)
    (x_train, y_train), (x_test, y_test) = loader.load_data()
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def verify_arrays(
    arrays: dict[str, np.ndarray],
    spec: DatasetSpec,
    sha256: dict[str, str] | None = None,
    source: str = "data",
) -> dict[str, str]:
    """Check dtypes, shapes and checksums of the four arrays; return their SHA-256 values.

    ``sha256`` replaces the dataset's known checksums, e.g. for the committed test subset,
    in which case the number of images may differ from the full dataset's.
    """
    expected = sha256 or spec.sha256
    for name in ARRAY_NAMES:
        array = arrays[name]
        trailing = spec.image_shape if name.startswith("x") else ()
        count = spec.sizes[name.split("_")[1]] if sha256 is None else None
        if array.dtype != np.uint8:
            raise DataError(f"{source}: array {name} has dtype {array.dtype}, expected uint8")
        if array.shape[1:] != trailing or (count is not None and array.shape[0] != count):
            wanted = ", ".join(str(size) for size in (count or "n", *trailing))
            raise DataError(f"{source}: array {name} has shape {array.shape}, expected ({wanted})")
    for name in ("y_train", "y_test"):
        if len(arrays[name]) != len(arrays["x" + name[1:]]):
            raise DataError(f"{source}: {name} and x{name[1:]} have different lengths")
    checksums = {name: array_sha256(arrays[name]) for name in ARRAY_NAMES}
    for name in ARRAY_NAMES:
        if checksums[name] != expected[name]:
            origin = (
                f"data.sha256.{name} in the config" if sha256 else f"the known {spec.name} checksum"
            )
            others = [
                other.name for other in DATASETS.values() if other.sha256[name] == checksums[name]
            ]
            what = (
                f"these are the {others[0]} arrays, not the {spec.name} data the config asks for "
                f"(data.dataset: {others[0]}?)"
                if others and others[0] != spec.name
                else "not the data the config asks for"
            )
            raise DataError(
                f"{source}: array {name} has SHA-256 {checksums[name][:16]}…, expected "
                f"{expected[name][:16]}… ({origin}): {what}"
            )
    return checksums


def preprocess(
    arrays: dict[str, np.ndarray],
    train_size: int,
    test_size: int | None,
    num_classes: int,
    validation_size: int = 0,
) -> dict[str, np.ndarray]:
    """Slice, flatten, scale to [0, 1] and one-hot encode, as the lecturer's demo did.

    The first ``train_size`` training images in file order (no shuffle before slicing),
    the first ``test_size`` test images (``None``: all of them). ``validation_size`` > 0
    adds ``x_val``, ``y_val``, ``labels_val``: the LAST ``validation_size`` training
    images, which must not reach into the first ``train_size``.
    """
    available = len(arrays["x_train"])
    if not 1 <= train_size <= available:
        raise ValueError(f"train_size={train_size} is outside [1, {available}]")
    if validation_size and train_size + validation_size > available:
        raise ValueError(
            f"train_size={train_size} + validation_size={validation_size} exceed the "
            f"{available} training images: the validation images would overlap the training ones"
        )
    test_size = len(arrays["x_test"]) if test_size is None else test_size
    if not 1 <= test_size <= len(arrays["x_test"]):
        raise ValueError(f"test_size={test_size} is outside [1, {len(arrays['x_test'])}]")
    eye = np.eye(num_classes, dtype=np.float32)
    prepared = {}
    for split, size in (("train", train_size), ("test", test_size)):
        images = arrays[f"x_{split}"][:size]
        labels = arrays[f"y_{split}"][:size].astype(np.int64)
        prepared[f"x_{split}"] = images.reshape(size, -1).astype(np.float32) / np.float32(255)
        prepared[f"y_{split}"] = eye[labels]
        prepared[f"labels_{split}"] = labels.astype(np.uint8)
    if validation_size:
        images = arrays["x_train"][available - validation_size :]
        labels = arrays["y_train"][available - validation_size :].astype(np.int64)
        prepared["x_val"] = images.reshape(validation_size, -1).astype(np.float32) / np.float32(255)
        prepared["y_val"] = eye[labels]
        prepared["labels_val"] = labels.astype(np.uint8)
    return prepared


def load_prepared(path: str | Path) -> dict[str, np.ndarray]:
    """Read the arrays written by the data step."""
    with np.load(path) as archive:
        return {name: archive[name] for name in archive.files}


def prepare_dataset(data_config: dict) -> tuple[dict[str, np.ndarray], dict]:
    """The data step: read or download, verify, preprocess.

    Returns the arrays and their provenance.
    """
    spec = DATASETS.get(data_config["dataset"])
    if spec is None:
        raise DataError(
            f"unknown dataset {data_config['dataset']!r} (known: {', '.join(DATASETS)})"
        )
    path = data_config.get("path")
    arrays = read_local(path) if path else download_keras(spec.name)
    source = str(path) if path else f"keras.datasets.{spec.name}"
    checksums = verify_arrays(arrays, spec, data_config.get("sha256"), source=source)
    try:
        prepared = preprocess(
            arrays,
            data_config["train_size"],
            data_config.get("test_size"),
            spec.num_classes,
            validation_size=data_config.get("validation_size", 0),
        )
    except ValueError as error:
        raise DataError(f"{source}: {error}") from None
    info = {
        "dataset": spec.name,
        "source": source,
        "file_sha256": local_sha256(path) if path else None,
        "array_sha256": checksums,
        "train_size": int(len(prepared["x_train"])),
        "test_size": int(len(prepared["x_test"])),
        "validation_size": int(len(prepared.get("x_val", ()))),
        "x_train_mean": float(prepared["x_train"].mean()),
        "x_train_std": float(prepared["x_train"].std()),
    }
    return prepared, info
