"""Ending a Textual app cleanly on SIGTERM and SIGHUP, so the terminal is restored."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from textual.app import App


def exit_on_signals(app: App[Any]) -> None:
    """SIGTERM and SIGHUP end the app as q does, rather than killing the process in raw mode.

    Textual then restores the terminal (cooked mode, the main screen back, mouse reporting
    off) and the app's unmount lets the recorder finish its writes; the exit status is
    128 + the signal, as a shell reports a killed program. Call from on_mount (the loop runs).
    """
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        try:
            loop.add_signal_handler(signum, app.exit, 128 + signum)
        except (NotImplementedError, RuntimeError, ValueError):  # not Unix, or not the main thread
            pass
