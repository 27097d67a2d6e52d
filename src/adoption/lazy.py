"""Packages whose public names load on first use.

`adoption.charts` and `adoption.snapshots` export many names from modules that
import matplotlib or pandas. Loading those only when a name is used keeps the
command line and the report build's main process quick to start: they import a
package for one small thing (the CLI's `snapshots` commands, chart manifests).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def lazy_exports(package: str, homes: Mapping[str, str],
                 namespace: dict[str, object]) -> tuple[Callable, Callable]:
    """The `__getattr__` and `__dir__` (PEP 562) of `package`, whose public names live
    in the submodules `homes` gives (name -> submodule); `namespace` is its globals()."""

    def __getattr__(name: str) -> object:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module '{package}' has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        namespace[name] = value  # found directly next time
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *homes})

    return __getattr__, __dir__
