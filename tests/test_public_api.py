"""Every public module keeps an honest, sorted, documented ``__all__``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import commercekit


def _modules() -> list[ModuleType]:
    names = [commercekit.__name__]
    names += [
        info.name
        for info in pkgutil.walk_packages(commercekit.__path__, prefix="commercekit.")
        if info.name != "commercekit.__main__"  # running it is its whole point
    ]
    return [importlib.import_module(name) for name in sorted(names)]


MODULES = _modules()
PUBLIC = [
    m for m in MODULES if not any(p.startswith("_") for p in m.__name__.split("."))
]


def _all(module: ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    assert isinstance(names, list), f"{module.__name__} has no __all__ list"
    return names


def _isort_order(name: str) -> tuple[int, str]:
    """Constants first, then classes, then the rest (as ruff's RUF022 sorts)."""
    if name.isupper():
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_all_is_sorted_unique_and_real(module: ModuleType) -> None:
    names = _all(module)
    assert names == sorted(names, key=_isort_order), f"{module.__name__}.__all__"
    assert len(names) == len(set(names))
    for name in names:
        assert hasattr(module, name), f"{module.__name__}.{name} does not exist"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_all_lists_every_public_name_the_module_defines(module: ModuleType) -> None:
    defined = {
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and obj.__module__ == module.__name__
    }
    assert defined <= set(_all(module))


@pytest.mark.parametrize("module", PUBLIC, ids=lambda m: m.__name__)
def test_packages_export_what_their_private_modules_offer(module: ModuleType) -> None:
    if not hasattr(module, "__path__"):
        return
    exported = set(_all(module))
    for info in pkgutil.iter_modules(module.__path__):
        if info.name.startswith("_") and not info.name.startswith("__"):
            private = importlib.import_module(f"{module.__name__}.{info.name}")
            offered = set(getattr(private, "__all__", []))
            if info.name == "_hypothesis_hook":
                continue  # loaded by Hypothesis's entry point, not by users
            assert offered <= exported, f"{module.__name__} misses {offered - exported}"


@pytest.mark.parametrize("module", PUBLIC, ids=lambda m: m.__name__)
def test_every_public_name_is_documented(module: ModuleType) -> None:
    assert inspect.getdoc(module), f"{module.__name__} has no docstring"
    for name in _all(module):
        obj = getattr(module, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{module.__name__}.{name} has no docstring"


def test_the_root_package_exports_the_kernel_only() -> None:
    for name in _all(commercekit):
        obj = getattr(commercekit, name)
        origin = getattr(obj, "__module__", "commercekit")
        assert origin in {"commercekit", "commercekit.errors", "commercekit.money"}
