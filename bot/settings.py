"""Configuration: one pydantic-settings class, read from ESSAYBOT_* variables and `.env`."""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import EssaybotError

__all__ = ["Settings", "SettingsError", "load_settings", "unknown_variables"]

log = logging.getLogger(__name__)

IntList = Annotated[tuple[int, ...], NoDecode]
PREFIX = "ESSAYBOT_"
ENV_FILE = ".env"
_SEEDS = f"{PREFIX}SEEDS_DIR"
# Read by the REPL itself, not a setting (it is needed before settings exist).
_NOT_SETTINGS = frozenset({"ESSAYBOT_HISTORY"})


class SettingsError(EssaybotError):
    """A setting is invalid; the message names the variable and the fix."""


class Settings(BaseSettings):
    """essaybot's settings. The Discord token is optional: only `essaybot discord` needs it."""

    # No setting is infinite or NaN: "ESSAYBOT_SHUTDOWN_GRACE_SECONDS=inf" would never end.
    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_file=ENV_FILE,
        env_file_encoding="utf-8-sig",
        extra="ignore",
        allow_inf_nan=False,
    )

    seeds_dir: Path = Field(Path("seeds"), description="folder of .txt/.md essays")
    # Unset, these two are the answering policy's (bot.answering.DEFAULT_POLICY: 5 and 0.45),
    # so the tuned numbers live in one place and settings need not import answering.
    top_k: int | None = Field(None, ge=1, le=50, description="passages ranked per question")
    min_confidence: float | None = Field(
        None, ge=0, le=1, description="least confidence to answer rather than abstain"
    )
    cache_dir: Path | None = Field(
        default_factory=lambda: (
            Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "essaybot"
        ),
        description="where big indexes are cached ('off' disables)",
    )
    question_log: Path | None = Field(
        default_factory=lambda: (
            Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local/share")
            / "essaybot/questions.sqlite3"
        ),
        description="SQLite file of the questions asked in Discord ('off' disables)",
    )
    log_retention_days: float = Field(90.0, gt=0, description="days a logged question is kept")
    # Unset, the encoder's default (bot.similarity.DEFAULT_THREADS), as for top_k above.
    threads: int | None = Field(
        None,
        ge=1,
        le=os.cpu_count() or 1,
        description="threads the similarity model may use per question (at most the cores)",
    )
    # Unset, 8 where the CPU multiplies 8-bit integers fast, else 32 (bot.similarity).
    question_bits: Literal[8, 32] | None = Field(
        None, description="bits a question's dense layers run in: 8 or 32 (unset: by the CPU)"
    )
    discord_token: SecretStr | None = Field(None, description="Discord bot token")
    guild_id: int | None = Field(None, description="guild for instant command sync")
    cooldown_rate: int = Field(3, ge=1, description="questions a user may ask per period")
    cooldown_seconds: float = Field(30.0, gt=0, description="the cooldown period")
    allowed_channels: IntList = Field((), description="channel ids to answer in (empty: all)")
    shard_count: int | None = Field(None, ge=1, description="total gateway shards")
    shard_ids: IntList = Field((), description="shards this process runs (empty: all)")
    shutdown_grace_seconds: float = Field(
        10.0, ge=0, description="how long answers in flight may take to finish at shutdown"
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, values: object) -> object:
        """An empty or blank variable counts as unset: "ESSAYBOT_GUILD_ID=" is no guild."""
        if isinstance(values, dict):
            return {k: v for k, v in values.items() if not (isinstance(v, str) and not v.strip())}
        return values

    @field_validator("cache_dir", "question_log", mode="before")
    @classmethod
    def _cache_off(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip().lower() == "off" else value

    @field_validator("question_bits", mode="before")
    @classmethod
    def _bits(cls, value: object) -> object:
        """The environment's "8" is 8: a literal takes no string (it had refused both)."""
        if isinstance(value, str) and value.strip() in ("8", "32"):
            return int(value)
        return value

    @field_validator("allowed_channels", "shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept "1,2 3" as well as a list."""
        if isinstance(value, str):
            return tuple(part for part in value.replace(",", " ").split())
        return value

    @model_validator(mode="after")
    def _ids_fit(self) -> Settings:
        if self.shard_ids and self.shard_count is None:
            raise ValueError("ESSAYBOT_SHARD_IDS needs ESSAYBOT_SHARD_COUNT")
        if self.shard_count is not None and any(
            not 0 <= i < self.shard_count for i in self.shard_ids
        ):
            raise ValueError(
                "every ESSAYBOT_SHARD_IDS entry must be from 0 to below ESSAYBOT_SHARD_COUNT"
            )
        if any(i <= 0 for i in self.allowed_channels):
            raise ValueError("every ESSAYBOT_ALLOWED_CHANNELS entry must be a channel's id")
        return self


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and `.env`, or a SettingsError naming the bad variable.

    Variables starting ESSAYBOT_ that are no setting are warned about, naming the nearest.
    """
    sources: dict[str, Mapping[str, str | None]] = {
        "the environment": os.environ,
        ENV_FILE: _dotenv(),
    }
    for where, variables in sources.items():
        _check_names(variables, where)
    # An empty seeds folder would be Path(""), the working directory: say so instead.
    seeds = [(w, v) for w, vs in sources.items() for k, v in vs.items() if k.upper() == _SEEDS]
    if seeds and not (seeds[0][1] or "").strip() and "seeds_dir" not in overrides:
        raise SettingsError(
            f"{_SEEDS} is empty in {seeds[0][0]}; set it to a folder of essays, "
            "or remove it to use 'seeds'"
        )
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        if not first["loc"]:  # a check across several settings names them itself
            raise SettingsError(f"{first['msg'].removeprefix('Value error, ')}") from None
        name = f"{PREFIX}{str(first['loc'][0]).upper()}"
        raise SettingsError(f"{name}: {first['msg']}; fix it in the environment or .env") from None


def _dotenv() -> dict[str, str | None]:
    """The variables in `.env`, or a SettingsError saying how to make it readable."""
    path = Path(ENV_FILE)
    if not path.is_file():
        return {}
    try:
        return dotenv_values(path, encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SettingsError(f"{ENV_FILE} is not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise SettingsError(f"{ENV_FILE} cannot be read ({error.strerror}); check it") from None


_KNOWN = {f"{PREFIX}{name.upper()}" for name in Settings.model_fields} | _NOT_SETTINGS


def _unknown(variables: Mapping[str, object]) -> list[str]:
    """The ESSAYBOT_ variables of `variables` that are no setting."""
    return [
        name
        for name in sorted(variables)
        if name.upper().startswith(PREFIX) and name.upper() not in _KNOWN
    ]


def unknown_variables() -> bool:
    """Whether the environment or `.env` holds an ESSAYBOT_ variable that is no setting."""
    return bool(_unknown(os.environ) or _unknown(_dotenv()))


def _check_names(variables: Mapping[str, object], where: str) -> None:
    """Warn about each ESSAYBOT_ variable that is no setting; never show values (tokens)."""
    suffixes = sorted(name[len(PREFIX) :] for name in _KNOWN)
    for name in _unknown(variables):
        # Compared without the prefix, which every name shares.
        nearest = difflib.get_close_matches(name.upper()[len(PREFIX) :], suffixes, n=1)
        hint = f"; did you mean {PREFIX}{nearest[0]}?" if nearest else ""
        log.warning("%s in %s is not a setting, so it is ignored%s", name, where, hint)
