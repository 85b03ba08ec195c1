"""Garbage collection for a server process that holds thousands of long-lived sockets.

With CPython's default thresholds (700, 10, 10) the objects of a frame that waits a few tens of
milliseconds for its group commit outlive two young collections and are promoted to the oldest
generation; under load that made frequent full collections over everything the process holds
(Django's modules, every socket's protocol objects), long pauses in which no station of that
process was answered (the figures: bench/README.md, "Garbage collection"). Freezing what start-up
made keeps it out of every later collection, and a larger youngest generation lets short-lived
objects die before they are promoted.
"""

import gc

from django.conf import settings


def gc_tune() -> None:
    """Call once the application is loaded, before the first connection."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*settings.PYTHON_GC_THRESHOLDS)
