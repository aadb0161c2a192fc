"""Write bot/layer_maxima.npz: the calibration behind the questions' 8 bits (bot/quantized.py).

Run from the repository root: `python -m bot.measure.calibrate`. It embeds every sentence of
the shipped essay (seeds/) with the model in float32 (bot/numpy_encoder.py) and keeps, for
each dense layer a question runs in 8 bits, the largest magnitude each of its input channels
reached. The file depends only on the model's weights, this code and the essay; tests check
that running this again gives the shipped file's figures, and a start checks the file's
SHA-256 (bot/model_files.py's LAYER_MAXIMA_SHA256, which this prints).
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from bot.model_files import model_files
from bot.numpy_encoder import NumpyEncoder, map_safetensors
from bot.quantized import MAXIMA
from bot.similarity import _ids
from index import PassageIndex, load_documents

__all__ = ["calibration_sentences", "layer_maxima", "main"]


def calibration_sentences(seeds: Path) -> list[str]:
    """Every sentence of the essays in `seeds`, in order."""
    index = PassageIndex(load_documents(seeds))
    return [p.text[a:b] for p in index.passages for a, b in index.spans(p)]


def layer_maxima(seeds: Path) -> dict[str, NDArray[np.float32]]:
    """Each 8-bit dense layer's largest input magnitude per channel over `seeds`' sentences."""
    encoder = NumpyEncoder(map_safetensors(model_files()[0]))
    ids = [np.array(_ids(text), dtype=np.int64) for text in calibration_sentences(seeds)]
    return encoder.input_maxima(ids)


def npz_bytes(maxima: dict[str, NDArray[np.float32]]) -> bytes:
    """`maxima` as an uncompressed .npz, the same bytes for the same arrays."""
    buffer, arrays = io.BytesIO(), {name: maxima[name] for name in sorted(maxima)}
    np.savez(buffer, **cast(dict[str, Any], arrays))
    return buffer.getvalue()


def main(root: Path = Path()) -> int:
    data = npz_bytes(layer_maxima(root / "seeds"))
    MAXIMA.write_bytes(data)
    print(f"wrote {MAXIMA} ({len(data):,} bytes)")
    print(f'LAYER_MAXIMA_SHA256 = "{hashlib.sha256(data).hexdigest()}"')
    return 0


if __name__ == "__main__":
    sys.exit(main())
