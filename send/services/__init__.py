"""SEND writes: one function per use case, atomic, validated, each writing its audit entry.

Step one of splitting the module into a package: the code moved to cycles.py unchanged (so its history
follows the rename), and every public name is re-exported here.
"""

from .cycles import *  # noqa: F403
