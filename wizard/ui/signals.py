"""Ending a Textual app cleanly on SIGTERM and SIGHUP, so the terminal is restored, and when
its terminal goes away (a closed window) whether or not a signal says so."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from textual.app import App

# How often the app looks whether its terminal is still there (one cheap system call).
TERMINAL_CHECK_SECONDS = 2.0


def exit_on_signals(app: App[Any]) -> None:
    """SIGTERM and SIGHUP end the app as q does, rather than killing the process in raw mode.

    Textual then restores the terminal (cooked mode, the main screen back, mouse reporting
    off) and the app's unmount lets the recorder finish its writes; the exit status is
    128 + the signal, as a shell reports a killed program. Call from on_mount (the loop runs).
    The terminal is also watched: see `_watch_terminal`.
    """
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        try:
            loop.add_signal_handler(signum, end, app, signum)
        except (NotImplementedError, RuntimeError, ValueError):  # not Unix, or not the main thread
            pass
    _watch_terminal(app)


def end(app: App[Any], signum: int) -> None:
    """End the app for a signal: cleanly while its terminal is there, at once when it is gone."""
    if terminal_alive() is not False:
        app.exit(128 + signum)
        return
    # The terminal hung up: there is nothing to restore, and Textual's shutdown would wait
    # forever to write to it (its output queue fills and never drains). The app saves what
    # must not be lost, and the process ends with the status a hang-up gives.
    save = getattr(app, "save_before_abandoning", None)
    if save is not None:
        save()
    os._exit(128 + signum)


def terminal_alive() -> bool | None:
    """False when the app's terminal has hung up (tcgetattr fails with EIO); None when it has
    none to ask (a pipe, a test); True otherwise."""
    try:
        import termios

        fd = sys.__stdin__.fileno() if sys.__stdin__ is not None else -1
    except (ImportError, OSError, ValueError):
        return None
    try:
        termios.tcgetattr(fd)
    except termios.error as error:
        return False if error.args and error.args[0] == 5 else None  # 5: EIO, a hung-up terminal
    except (OSError, ValueError):
        return None
    return True


def _watch_terminal(app: App[Any]) -> None:
    """End the app when its terminal hangs up, even if no SIGHUP reaches it.

    Run under `make run`, a closed terminal window sends SIGHUP to make, which does not pass it
    on; wizard then reads end-of-file from a dead terminal, which Textual's input thread takes
    as input again and again (a core at half load), and the session stays locked until the
    process is killed. A hung-up terminal fails tcgetattr with EIO: that ends the app as
    SIGHUP would.
    """
    if terminal_alive() is not True:
        return  # no terminal to watch

    def check() -> None:
        if terminal_alive() is False:
            end(app, signal.SIGHUP)

    app.set_interval(TERMINAL_CHECK_SECONDS, check, name="terminal watch")
