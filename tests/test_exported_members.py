"""Each package's `__all__` lists exactly its public names, and each resolves."""

from __future__ import annotations

import subprocess
import sys
from types import ModuleType

import pytest

import bot
import bot.answering
import index
from tests.helpers import ROOT


def _public(package: ModuleType) -> set[str]:
    """Names a reader can take from `package`: not private, not one of its submodules."""
    return {
        name
        for name, value in vars(package).items()
        if not name.startswith("_")
        and not isinstance(value, ModuleType)
        and name != "annotations"  # `from __future__ import annotations`
    }


@pytest.mark.parametrize("package", [index, bot.answering], ids=lambda p: p.__name__)
def test_all_lists_exactly_the_public_names(package: ModuleType) -> None:
    assert sorted(package.__all__) == sorted(_public(package))
    assert len(set(package.__all__)) == len(package.__all__)


def test_bot_exports_answering_and_its_error_base() -> None:
    # `bot` loads its names on first use; each must be the very object of its home module.
    from bot import errors

    homes = {name: getattr(bot.answering, name, None) for name in bot.__all__}
    homes["EssaybotError"] = errors.EssaybotError
    assert {name: getattr(bot, name) for name in bot.__all__} == homes
    assert None not in homes.values()
    with pytest.raises(AttributeError):
        bot.not_a_name  # noqa: B018


def test_settings_import_neither_numpy_nor_answering() -> None:
    code = "import sys, bot.settings; print(sorted({'numpy', 'bot.answering'} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "[]"
