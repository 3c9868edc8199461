"""The terminal is given back after SIGTERM (and SIGHUP): `wizard` runs under a pseudo-terminal,
draws its first question, gets the signal, and exits with the terminal in the state it found
it: cooked mode (the termios flags as before), the alternate screen left, mouse reporting and
bracketed paste off. The answer given before the signal is in the session file."""

from __future__ import annotations

import os
import pty
import select
import signal
import termios
import time
from pathlib import Path

import pytest

from conftest import DEMO_TREE, REPO
from wizard.sessions import SessionStore

WIZARD = REPO / ".venv" / "bin" / "wizard"
LEAVE = (b"\x1b[?1049l", b"\x1b[?1000l", b"\x1b[?1003l", b"\x1b[?1006l", b"\x1b[?2004l", b"\x1b[?25h")


def read_until(fd: int, wanted: bytes, seconds: float) -> bytes:
    out = b""
    deadline = time.monotonic() + seconds
    while wanted not in out and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child is gone and the pty closed
                break
            if not chunk:
                break
            out += chunk
    return out


def wait_exit(pid: int, seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    return None


@pytest.mark.skipif(not WIZARD.exists(), reason="needs the wizard script in .venv (make test)")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_ends_the_ui_and_gives_the_terminal_back(tmp_path: Path, signum: int) -> None:
    sessions = tmp_path / "sessions"
    pid, fd = pty.fork()
    if pid == 0:  # the child: wizard on the demo tree, in this pty
        os.environ.update(TERM="xterm-256color", WIZARD_SESSIONS_DIR=str(sessions), COLUMNS="100", LINES="30")
        os.execv(str(WIZARD), [str(WIZARD), "--tree", str(DEMO_TREE), "--label", "pty"])
    code: int | None = None
    try:
        cooked = termios.tcgetattr(fd)
        drawn = read_until(fd, b"Where is the pain?", 20)
        assert b"Where is the pain?" in drawn, drawn[-500:]
        assert not termios.tcgetattr(fd)[3] & termios.ICANON, "the app did not take the terminal"
        os.write(fd, b"1")  # answer the first question: Low back
        read_until(fd, b"Is there a current injury?", 10)
        os.kill(pid, signum)
        tail = read_until(fd, b"\x1b[?1049l", 10)
        tail += read_until(fd, b"never", 0.5)
        code = wait_exit(pid, 10)
        assert code == 128 + signum, f"exit status {code}"
        for sequence in LEAVE:
            assert sequence in tail, f"{sequence!r} not written on the way out"
        assert termios.tcgetattr(fd) == cooked, "the terminal modes were not restored"
    finally:
        if code is None and wait_exit(pid, 0.1) is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    (listing,) = SessionStore(sessions).list()
    assert listing.session.label == "pty" and [a.answer for a in listing.session.answers] == ["low_back"]


@pytest.mark.skipif(not WIZARD.exists(), reason="needs the wizard script in .venv (make test)")
def test_a_terminal_that_hangs_up_without_a_signal_ends_the_ui_and_keeps_the_answers(tmp_path: Path) -> None:
    """Under `make run` a closed terminal window hangs up the pty, but the SIGHUP goes to make,
    which does not pass it on. wizard must still end (with 128 + SIGHUP), not read end-of-file
    from a dead terminal forever with the session locked."""
    sessions = tmp_path / "sessions"
    pid, fd = pty.fork()
    if pid == 0:  # the child plays make: it leads the terminal's session, ignores the hang-up
        signal.signal(signal.SIGHUP, signal.SIG_IGN)  # and so never passes it on to wizard
        wizard = os.fork()
        if wizard == 0:
            signal.signal(signal.SIGHUP, signal.SIG_DFL)
            os.environ.update(TERM="xterm-256color", WIZARD_SESSIONS_DIR=str(sessions), COLUMNS="100", LINES="30")
            os.execv(str(WIZARD), [str(WIZARD), "--tree", str(DEMO_TREE), "--label", "hang-up"])
        os._exit(os.waitstatus_to_exitcode(os.waitpid(wizard, 0)[1]) % 256)
    code: int | None = None
    try:
        assert b"Where is the pain?" in read_until(fd, b"Where is the pain?", 20)
        os.write(fd, b"1")
        read_until(fd, b"Is there a current injury?", 10)
        os.close(fd)  # the terminal window is closed
        fd = -1
        code = wait_exit(pid, 15)
        assert code == 128 + signal.SIGHUP, f"exit status {code}"
    finally:
        if code is None and wait_exit(pid, 0.1) is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        if fd >= 0:
            os.close(fd)
    (listing,) = SessionStore(sessions).list()
    assert [a.answer for a in listing.session.answers] == ["low_back"]
    assert not list(sessions.glob("*.lock")), "the session is still locked"
