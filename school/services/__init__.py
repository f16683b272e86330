"""Writes for the school app (see imports.py); this package's modules are re-exported here."""

from .imports import *  # noqa: F403
