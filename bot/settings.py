"""Configuration: one pydantic-settings class, read from ESSAYBOT_* variables and `.env`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.answers import MIN_CONFIDENCE

__all__ = ["Settings", "SettingsError", "load_settings"]

IntList = Annotated[tuple[int, ...], NoDecode]


class SettingsError(Exception):
    """A setting is invalid; the message names the variable and the fix."""


class Settings(BaseSettings):
    """essaybot's settings. The Discord token is optional: only `essaybot discord` needs it."""

    model_config = SettingsConfigDict(env_prefix="ESSAYBOT_", env_file=".env", extra="ignore")

    seeds_dir: Path = Field(Path("seeds"), description="folder of .txt/.md essays")
    top_k: int = Field(5, ge=1, le=50, description="passages ranked per question")
    min_confidence: float = Field(
        MIN_CONFIDENCE, ge=0, le=1, description="least confidence to answer rather than abstain"
    )
    cache_dir: Path | None = Field(
        default_factory=lambda: (
            Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "essaybot"
        ),
        description="where big indexes are cached ('off' disables)",
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

    @field_validator("cache_dir", mode="before")
    @classmethod
    def _cache_off(cls, value: object) -> object:
        return None if isinstance(value, str) and value.strip().lower() in ("", "off") else value

    @field_validator("allowed_channels", "shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept "1,2 3" as well as a list."""
        if isinstance(value, str):
            return tuple(part for part in value.replace(",", " ").split())
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shard_ids and self.shard_count is None:
            raise ValueError("ESSAYBOT_SHARD_IDS needs ESSAYBOT_SHARD_COUNT")
        if self.shard_count is not None and any(i >= self.shard_count for i in self.shard_ids):
            raise ValueError("every ESSAYBOT_SHARD_IDS entry must be below ESSAYBOT_SHARD_COUNT")
        return self


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and `.env`, or a SettingsError naming the bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        if not first["loc"]:  # a check across several settings names them itself
            raise SettingsError(f"{first['msg'].removeprefix('Value error, ')}") from None
        name = f"ESSAYBOT_{str(first['loc'][0]).upper()}"
        raise SettingsError(f"{name}: {first['msg']}; fix it in the environment or .env") from None
