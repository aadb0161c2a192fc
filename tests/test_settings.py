"""Settings from the environment: defaults, lists, cross-checks and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, load_settings
from bot.settings_cache import KeptSettings, keep, kept


@pytest.fixture(autouse=True)
def _no_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the project folder
    # ... nor the developer's own settings (ESSAYBOT_CACHE_DIR, ESSAYBOT_THREADS, ...): the
    # defaults are what is tested. conftest's question log in tmp_path stays.
    for name in os.environ:
        if name.startswith("ESSAYBOT_") and name != "ESSAYBOT_QUESTION_LOG":
            monkeypatch.delenv(name)


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
        ("ESSAYBOT_ALLOWED_CHANNELS", "12 -5", "every ESSAYBOT_ALLOWED_CHANNELS entry must be"),
        ("ESSAYBOT_COOLDOWN_SECONDS", "-1", "ESSAYBOT_COOLDOWN_SECONDS: Input should be greater"),
        ("ESSAYBOT_MIN_CONFIDENCE", "1.5", "ESSAYBOT_MIN_CONFIDENCE: Input should be less than"),
        # a grace that never ends would hold a shutdown for ever
        ("ESSAYBOT_SHUTDOWN_GRACE_SECONDS", "inf", "ESSAYBOT_SHUTDOWN_GRACE_SECONDS: Input should"),
        (
            "ESSAYBOT_COOLDOWN_SECONDS",
            "1e309",
            "ESSAYBOT_COOLDOWN_SECONDS: Input should be a finite",
        ),
        ("ESSAYBOT_LOG_RETENTION_DAYS", "nan", "ESSAYBOT_LOG_RETENTION_DAYS: Input should be"),
        ("ESSAYBOT_QUESTION_BITS", "16", "ESSAYBOT_QUESTION_BITS: Input should be 8 or 32"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(("value", "bits"), [("8", 8), (" 32 ", 32)])
def test_question_bits_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, bits: int
) -> None:
    # Session 41: the README's `ESSAYBOT_QUESTION_BITS=8` had been refused as not 8 or 32.
    monkeypatch.setenv("ESSAYBOT_QUESTION_BITS", value)
    assert load_settings().question_bits == bits


def test_a_negative_shard_id_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESSAYBOT_SHARD_COUNT", "2")
    monkeypatch.setenv("ESSAYBOT_SHARD_IDS", "-1")
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert "every ESSAYBOT_SHARD_IDS entry must be from 0 to below ESSAYBOT_SHARD_COUNT" in str(
        error.value
    )


def test_dotenv_never_lands_in_the_repository() -> None:
    from tests.helpers import ROOT

    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("field", sorted(set(Settings.model_fields) - {"seeds_dir"}))
@pytest.mark.parametrize("value", ["", " "])
def test_an_empty_optional_variable_is_unset(
    monkeypatch: pytest.MonkeyPatch, field: str, value: str
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/var/cache/me")
    monkeypatch.delenv("ESSAYBOT_QUESTION_LOG")  # set for every test by conftest
    default = getattr(load_settings(), field)
    monkeypatch.setenv(f"ESSAYBOT_{field.upper()}", value)
    assert getattr(load_settings(), field) == default


@pytest.mark.parametrize("where", ["environment", ".env"])
def test_an_empty_seeds_dir_is_an_error_not_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, where: str
) -> None:
    if where == ".env":
        (tmp_path / ".env").write_text("ESSAYBOT_SEEDS_DIR=\n", encoding="utf-8")
    else:
        monkeypatch.setenv("ESSAYBOT_SEEDS_DIR", "")
    with pytest.raises(SettingsError, match="ESSAYBOT_SEEDS_DIR is empty in"):
        load_settings()
    assert load_settings(seeds_dir=Path("mine")).seeds_dir == Path("mine")  # --seeds wins
    if where == ".env":  # and so does the environment, over .env
        monkeypatch.setenv("ESSAYBOT_SEEDS_DIR", "theirs")
        assert load_settings().seeds_dir == Path("theirs")


def test_dotenv_must_be_utf8_and_may_have_a_bom(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes("ESSAYBOT_TOP_K=9\n".encode("utf-8-sig"))
    assert load_settings().top_k == 9
    (tmp_path / ".env").write_bytes("ESSAYBOT_TOP_K=9\n".encode("utf-16"))
    with pytest.raises(SettingsError, match=r"^\.env is not UTF-8 text; save it as UTF-8$"):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "nearest"),
    [
        ("ESSAYBOT_TOPK", "; did you mean ESSAYBOT_TOP_K?"),
        ("ESSAYBOT_DISCORD_TOKN", "; did you mean ESSAYBOT_DISCORD_TOKEN?"),
        ("essaybot_guild", "; did you mean ESSAYBOT_GUILD_ID?"),
        ("ESSAYBOT_FROBNICATE", ""),
    ],
)
@pytest.mark.parametrize("where", ["the environment", ".env"])
def test_a_misspelt_variable_is_warned_about_without_its_value(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    variable: str,
    nearest: str,
    where: str,
) -> None:
    if where == ".env":
        (tmp_path / ".env").write_text(f"{variable}=s3cret-value\n", encoding="utf-8")
    else:
        monkeypatch.setenv(variable, "s3cret-value")
    monkeypatch.setenv("ESSAYBOT_HISTORY", "/tmp/history")  # read by the REPL: no warning
    load_settings()
    assert [r.getMessage() for r in caplog.records] == [
        f"{variable} in {where} is not a setting, so it is ignored{nearest}"
    ]
    assert "s3cret" not in caplog.text


def _kept_files(tmp_path: Path) -> list[Path]:
    return sorted(tmp_path.rglob("settings-*.json"))


def test_settings_are_kept_without_the_token_until_what_they_come_from_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ESSAYBOT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ESSAYBOT_TOP_K", "7")
    monkeypatch.setenv("ESSAYBOT_DISCORD_TOKEN", "s3cret-token")
    (tmp_path / ".env").write_text(
        "ESSAYBOT_DISCORD_TOKEN=dotenv-s3cret\nESSAYBOT_THREADS=1\n", encoding="utf-8"
    )
    assert kept(None) is None
    settings = load_settings()
    keep(settings, None)
    (path,) = _kept_files(tmp_path)
    assert kept(None) == KeptSettings(
        seeds_dir=Path("seeds"),
        top_k=7,
        min_confidence=None,
        cache_dir=tmp_path / "cache",
        question_log=settings.question_log,
        log_retention_days=90.0,
        threads=1,
        question_bits=None,
    )
    assert "s3cret" not in path.name + path.read_text(encoding="utf-8")
    monkeypatch.setenv("ESSAYBOT_DISCORD_TOKEN", "another-token")  # not a kept setting
    assert kept(None) is not None
    assert kept(Path("other-seeds")) is None  # the command line's folder
    monkeypatch.setenv("ESSAYBOT_TOP_K", "0")  # invalid: validated again, so it is said
    assert kept(None) is None
    monkeypatch.setenv("ESSAYBOT_TOP_K", "7")
    (tmp_path / ".env").write_text("ESSAYBOT_THREADS=2\n", encoding="utf-8")
    assert kept(None) is None


@pytest.mark.parametrize(
    ("variable", "value", "dotenv"),
    [
        ("ESSAYBOT_CACHE_DIR", "off", ""),  # no cache: nothing kept
        ("XDG_CACHE_HOME", "{tmp}/xdg", "ESSAYBOT_CACHE_DIR={tmp}/moved\n"),  # .env moves it
        ("ESSAYBOT_TOPK", "3", ""),  # warned about: warned again at the next start
    ],
)
def test_settings_are_not_kept_when_they_could_not_be_found_again_or_warn(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str, dotenv: str
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv(variable, value.format(tmp=tmp_path))
    (tmp_path / ".env").write_text(dotenv.format(tmp=tmp_path), encoding="utf-8")
    keep(load_settings(), None)
    assert _kept_files(tmp_path) == [] and kept(None) is None


@pytest.mark.parametrize(
    "damage",
    ["", "{", '{"seeds_dir": 3}', '{"seeds_dir": "s"}', "[1, 2]", '"top_k"', "[" * 5000],
)
def test_damaged_kept_settings_are_validated_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, damage: str
) -> None:
    monkeypatch.setenv("ESSAYBOT_CACHE_DIR", str(tmp_path))
    keep(load_settings(), None)
    (path,) = _kept_files(tmp_path)
    fields = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(damage, encoding="utf-8")
    assert kept(None) is None
    path.write_text(json.dumps({**fields, "top_k": True}), encoding="utf-8")  # no number
    assert kept(None) is None


def test_a_command_started_again_does_not_import_pydantic(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ESSAYBOT_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "essays").mkdir()
    (tmp_path / "essays/bees.md").write_text("# Bees\n\nBees make honey.\n", encoding="utf-8")
    code = (
        "import sys; from bot.cli import main; "
        "print(main(['sections', '--seeds', 'essays']), 'pydantic' in sys.modules)"
    )

    def start() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", code]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    first, again = start(), start()
    assert first.stdout.endswith("0 True\n") and "Bees (1 paragraph)" in first.stdout
    assert again.stdout == first.stdout.replace("0 True", "0 False")
    monkeypatch.setenv("ESSAYBOT_TOP_K", "0")
    bad = start()
    assert "ESSAYBOT_TOP_K: Input should be greater than or equal to 1" in bad.stderr
