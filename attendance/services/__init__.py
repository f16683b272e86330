"""Writes to attendance records (see marks.py); this package's modules are re-exported here."""

from .marks import *  # noqa: F403
from .marks import N_AGE_LIMIT, N_TO_O_REASON  # noqa: F401
