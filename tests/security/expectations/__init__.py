"""One module per app; see tests/security/matrix.py for the format."""

import importlib
import pkgutil


def load_all():
    """Return (expectations by URL name, setup functions) from every module in this package."""
    expectations, setups = {}, []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for name, expect in getattr(module, "EXPECTATIONS", {}).items():
            if name in expectations:
                raise ValueError(f"{name} has two expectations")
            expectations[name] = expect
        if hasattr(module, "setup"):
            setups.append(module.setup)
    return expectations, setups
