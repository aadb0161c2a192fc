"""Settings validated once and kept in the cache folder, so that a command started again with
the same configuration does not import pydantic-settings (0.13-0.24 s of a cold `essaybot
ask`, which needs 0.1 s for the rest of its work).

Kept are the settings every command but `discord` uses, never the Discord token. They are
found again by a fingerprint of all they were read from: the ESSAYBOT_ variables (the token's
value left out), the folders their defaults name, the `.env` file (its token line left out),
the command line's seeds folder, the number of cores and the settings module itself. When
anything of these changes, the settings are validated again and kept anew. Nothing is kept
when the cache is 'off', when `.env` moves the cache folder (it could not be found again
before reading `.env`), or when a variable is warned about (the warning is then said again
at each start).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:
    from bot.settings import Settings

__all__ = ["KeptSettings", "keep", "kept"]

T = TypeVar("T")
_TOKEN = "ESSAYBOT_DISCORD_TOKEN"
_CACHE_DIR = "ESSAYBOT_CACHE_DIR"
_SETTINGS_SOURCE = Path(__file__).with_name("settings.py")


@dataclass(frozen=True)
class KeptSettings:
    """The settings of every command but `discord`, as a Settings would give them."""

    seeds_dir: Path
    top_k: int | None
    min_confidence: float | None
    cache_dir: Path | None
    question_log: Path | None
    log_retention_days: float
    threads: int | None
    question_bits: Literal[8, 32] | None


def kept(seeds: Path | None) -> KeptSettings | None:
    """The settings kept for this configuration (`seeds`: the command line's folder), if any."""
    path = _path(seeds)
    if path is None:
        return None
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
        return KeptSettings(
            seeds_dir=Path(_typed(fields["seeds_dir"], str)),
            top_k=_optional(fields["top_k"], int),
            min_confidence=_optional(fields["min_confidence"], float),
            cache_dir=_optional_path(fields["cache_dir"]),
            question_log=_optional_path(fields["question_log"]),
            log_retention_days=_typed(fields["log_retention_days"], float),
            threads=_optional(fields["threads"], int),
            question_bits=_bits(fields["question_bits"]),
        )
    except (OSError, ValueError, TypeError, KeyError, RecursionError):  # none, or damaged: again
        return None


def _typed(value: object, kind: type[T]) -> T:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TypeError(f"{value!r} is no {kind.__name__}")
    return value


def _optional(value: object, kind: type[T]) -> T | None:
    return None if value is None else _typed(value, kind)


def _bits(value: object) -> Literal[8, 32] | None:
    if value is None or (type(value) is int and value in (8, 32)):
        return value  # type: ignore[return-value]
    raise ValueError(f"{value!r} is no number of bits")


def _optional_path(value: object) -> Path | None:
    return None if value is None else Path(_typed(value, str))


def keep(settings: Settings, seeds: Path | None) -> None:
    """Keep `settings` for the next start with this configuration, where that is allowed."""
    path = _path(seeds)
    if path is None or settings.cache_dir is None or path.parent != settings.cache_dir:
        return  # the cache is off, or `.env` moved it
    from bot.settings import unknown_variables

    if unknown_variables():
        return
    fields = {name: getattr(settings, name) for name in KeptSettings.__dataclass_fields__}
    text = json.dumps({k: str(v) if isinstance(v, Path) else v for k, v in fields.items()})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        spare = path.with_suffix(f".{os.getpid()}.tmp")
        spare.write_text(text, encoding="utf-8")
        spare.replace(path)  # a reader never sees half a file
    except OSError:
        pass  # a read-only cache: settings are validated at each start, as without one


def _path(seeds: Path | None) -> Path | None:
    """Where the settings of this configuration are kept; None when the cache is 'off'."""
    environ = {name.upper(): value for name, value in os.environ.items()}
    folder = (environ.get(_CACHE_DIR) or "").strip()
    if folder.lower() == "off":
        return None
    dotenv = _dotenv_without_token()
    if dotenv is None:
        return None
    try:
        cache = Path(folder) if folder else _default_cache()
        source = _SETTINGS_SOURCE.stat()
    except (OSError, RuntimeError):  # RuntimeError: no home folder (validating says so)
        return None
    inputs = {
        "variables": sorted(
            (name, value)
            for name, value in environ.items()
            if name.startswith("ESSAYBOT_") and name != _TOKEN
        ),
        "defaults": [os.environ.get(name) for name in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "HOME")],
        "dotenv": dotenv,
        "seeds": None if seeds is None else str(seeds),
        "cores": os.cpu_count(),
        "settings": [source.st_size, source.st_mtime_ns],
    }
    digest = hashlib.sha256(json.dumps(inputs).encode()).hexdigest()[:32]
    return cache / f"settings-{digest}.json"


def _default_cache() -> Path:
    """The cache folder Settings gives when ESSAYBOT_CACHE_DIR is unset."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "essaybot"


def _dotenv_without_token() -> str | None:
    """`.env`'s text without its token line ("" when there is none); None when it cannot be
    read (validating then says why)."""
    try:
        text = Path(".env").read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError):
        return None
    return "\n".join(line for line in text.splitlines() if _TOKEN not in line.upper())
