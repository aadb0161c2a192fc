"""Settings from the environment: defaults, lists, cross-checks and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def _no_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the project folder


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/var/cache/me")
    settings = load_settings()
    assert settings.seeds_dir == Path("seeds") and settings.top_k is None  # the policy's
    assert settings.discord_token is None and settings.allowed_channels == ()
    assert settings.cache_dir == Path("/var/cache/me/essaybot")


def test_lists_and_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESSAYBOT_ALLOWED_CHANNELS", "12, 34 56")
    monkeypatch.setenv("ESSAYBOT_SHARD_COUNT", "4")
    monkeypatch.setenv("ESSAYBOT_SHARD_IDS", "0,3")
    monkeypatch.setenv("ESSAYBOT_CACHE_DIR", "off")
    settings = load_settings()
    assert settings.allowed_channels == (12, 34, 56)
    assert (settings.shard_count, settings.shard_ids) == (4, (0, 3))
    assert settings.cache_dir is None


def test_token_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESSAYBOT_DISCORD_TOKEN", "s3cret-token")
    settings = load_settings()
    assert settings.discord_token is not None
    assert "s3cret-token" not in repr(settings) and "s3cret-token" not in str(settings)


def test_dotenv_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ESSAYBOT_TOP_K=9\n", encoding="utf-8")
    assert load_settings().top_k == 9


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ESSAYBOT_TOP_K", "0", "ESSAYBOT_TOP_K: Input should be greater than or equal to 1"),
        ("ESSAYBOT_ALLOWED_CHANNELS", "12,abc", "ESSAYBOT_ALLOWED_CHANNELS: Input should be"),
        ("ESSAYBOT_SHARD_IDS", "1", "ESSAYBOT_SHARD_IDS needs ESSAYBOT_SHARD_COUNT"),
        ("ESSAYBOT_COOLDOWN_SECONDS", "-1", "ESSAYBOT_COOLDOWN_SECONDS: Input should be greater"),
        ("ESSAYBOT_MIN_CONFIDENCE", "1.5", "ESSAYBOT_MIN_CONFIDENCE: Input should be less than"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(message)


def test_dotenv_never_lands_in_the_repository() -> None:
    from tests.helpers import ROOT

    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
