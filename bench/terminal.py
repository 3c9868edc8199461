"""A real terminal for the start-up and memory measurements: a process on a pseudo-terminal.

The process is started on a pty of fixed size (set before it runs, so its first frame is
drawn at that size) and the benchmark reads everything it writes. The clock stops on the
read that brings the awaited text onto the screen: escape sequences are stripped and so is
white space (Textual moves the cursor between styled runs), then the text is searched for.
This is more precise than polling a tmux pane, which only sees the screen at each poll and
adds the poll interval and tmux's own redraw to every sample.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from collections.abc import Sequence

SIZE = (100, 30)  # columns, rows
# CSI, OSC/DCS/APC strings, and two-character ESC sequences.
ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[\]P_^X].*?(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\x1b.", re.DOTALL)
BLANKS = re.compile(rb"\s+")


def squeeze(text: str) -> bytes:
    """Text as it can be searched for on the screen: UTF-8, without white space."""
    return BLANKS.sub(b"", text.encode("utf-8"))


class Terminal:
    """A child process on a pty; `wait_for` reads its output until texts appear."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], cwd: str | None = None, size: tuple[int, int] = SIZE) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal, then become the program
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
                if cwd:
                    os.chdir(cwd)
                os.execvpe(argv[0], list(argv), env)
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        self.output = bytearray()
        self.screen = b""  # the output without escape sequences and white space
        self.rusage = None

    def mark(self) -> int:
        """Where the screen text ends now: pass it to `wait_for` to look only at what follows."""
        return max(0, len(self.screen) - 256)  # a sequence cut at the end may still shrink

    def wait_for(self, texts: Sequence[str], timeout: float = 30.0, since: int = 0) -> float:
        """Seconds from the start until every text has appeared (after `since`); raises
        TimeoutError with the end of the screen otherwise."""
        wanted = [squeeze(text) for text in texts]
        deadline = time.perf_counter() + timeout
        while True:
            if all(w in self.screen[since:] for w in wanted):
                return time.perf_counter() - self.started
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{texts!r} not shown; the screen ended with: {self.screen[-1500:]!r}")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                self._read()

    def _read(self) -> None:
        try:
            chunk = os.read(self.fd, 1 << 16)
        except OSError:  # the child closed the terminal (EIO)
            chunk = b""
        if not chunk:
            raise EOFError(f"the program ended; its output ended with: {bytes(self.output[-1500:])!r}")
        self.output += chunk
        self.screen = BLANKS.sub(b"", ESCAPES.sub(b"", bytes(self.output)))

    def send(self, keys: str | bytes) -> None:
        os.write(self.fd, keys.encode() if isinstance(keys, str) else keys)

    def drain(self, seconds: float) -> None:
        """Keep reading (the child blocks when nobody reads its output) for a while."""
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self._read()
                except EOFError:
                    return

    def wait_exit(self, timeout: float = 10.0) -> int:
        """Wait for the child to end on its own (reading its output meanwhile); its status."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            done, status, usage = os.wait4(self.pid, os.WNOHANG)
            if done:
                self.rusage = usage
                os.close(self.fd)
                return status
            self.drain(0.05)
        return self.kill()

    def kill(self) -> int:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, status, usage = os.wait4(self.pid, 0)
        self.rusage = usage
        os.close(self.fd)
        return status
