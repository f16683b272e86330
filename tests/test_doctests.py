"""Every worked example in every module's docstrings is run, so none can go stale unnoticed.

Modules are found by walking the app packages, so a rule module added later is covered without being
listed here. Only modules whose source holds an example (`>>>`) are collected.
"""

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

APPS = ["school", "accounts", "attendance", "letters", "send", "graduated_response", "reports", "config"]
ROOT = Path(__file__).resolve().parents[1]


def _modules_with_examples() -> list[str]:
    names = []
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in info.name:
                continue
            path = ROOT / (info.name.replace(".", "/") + ("/__init__.py" if info.ispkg else ".py"))
            if path.exists() and ">>>" in path.read_text(encoding="utf-8"):
                names.append(info.name)
    return sorted(names)


MODULES = _modules_with_examples()


def test_the_rule_modules_are_found():
    assert {"attendance.codes", "attendance.figures", "send.needs", "graduated_response.tiers"} <= set(
        MODULES
    )


@pytest.mark.parametrize("name", MODULES)
def test_worked_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL)
    assert result.attempted > 0, f"{name} has '>>>' in its source but no example doctest can run"
    assert result.failed == 0
