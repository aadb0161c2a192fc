"""Configuration: one pydantic-settings class, read from ESSAYBOT_* variables and `.env`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "SettingsError", "load_settings"]


class SettingsError(Exception):
    """A setting is invalid; the message names the variable and the fix."""


class Settings(BaseSettings):
    """essaybot's settings. The Discord token is optional: only `essaybot discord` needs it."""

    model_config = SettingsConfigDict(env_prefix="ESSAYBOT_", env_file=".env", extra="ignore")

    discord_token: SecretStr | None = Field(None, description="Discord bot token")
    seeds_dir: Path = Field(Path("seeds"), description="folder of .txt/.md essays")
    top_k: int = Field(5, ge=1, le=50, description="passages ranked per question")
    guild_id: int | None = Field(None, description="guild for instant command sync")


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and `.env`, or a SettingsError naming the bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = "ESSAYBOT_" + "_".join(str(part) for part in first["loc"]).upper()
        raise SettingsError(f"{name}: {first['msg']}; fix it in the environment or .env") from None
