"""Progress reporting shared by the CLI and the app.

Long jobs take an optional ``progress`` callback ``(fraction, message) -> None`` with
``fraction`` in [0, 1]. The CLI turns it into a line on stderr, the app into ``st.progress``.
Without a callback, progress goes to the module logger at debug level.
"""

from __future__ import annotations

import logging
from typing import Callable, Optional

ProgressCallback = Callable[[float, str], None]

logger = logging.getLogger(__name__)


def report(progress: Optional[ProgressCallback], fraction: float, message: str) -> None:
    """Send one progress update, clamping `fraction` to [0, 1]."""
    fraction = min(1.0, max(0.0, float(fraction)))
    if progress is None:
        logger.debug("%3.0f%% %s", 100 * fraction, message)
    else:
        progress(fraction, message)


def scaled(progress: Optional[ProgressCallback], start: float, end: float) -> Optional[ProgressCallback]:
    """Map a sub-job's [0, 1] progress onto [start, end] of its parent's progress."""
    if progress is None:
        return None

    def inner(fraction: float, message: str) -> None:
        report(progress, start + (end - start) * min(1.0, max(0.0, fraction)), message)

    return inner
