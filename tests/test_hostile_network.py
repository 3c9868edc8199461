"""wizard makes no network calls (SECURITY.md): not on import, not in a run, lint, sessions
export, the quiz, nor in the UI.

A separate interpreter installs an audit hook (sys.addaudithook) that refuses and records every
attempt to resolve a name or to open, bind or connect an internet socket, and replaces
socket.create_connection and socket.getaddrinfo; then it runs the commands and a Pilot session
of the UI with recording and an export. Local socket pairs (asyncio's wake-up pipe) stay
allowed: they never leave the machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import DEMO_TREE, REPO, TESTS

SCRIPT = r"""
import socket, sys

attempts = []

def refuse(what):
    attempts.append(what)
    raise OSError(f"network use refused in this test: {what}")

def audit(event, args):
    if event == "socket.__new__" and args[1] in (socket.AF_INET, socket.AF_INET6):
        refuse(f"{event} family {args[1]}")
    elif event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg") and not isinstance(args[1], (str, bytes)):
        refuse(f"{event} {args[1]!r}")
    elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr", "socket.getnameinfo", "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect"):
        refuse(f"{event} {args[:2]!r}")

sys.addaudithook(audit)
socket.create_connection = lambda *a, **k: refuse(f"create_connection {a!r}")
socket.getaddrinfo = lambda *a, **k: refuse(f"getaddrinfo {a!r}")

import asyncio, contextlib, io, tomli_w
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from wizard.cli import main

tmp, tree = Path(sys.argv[1]), sys.argv[2]
answers = tmp / "answers.toml"
answers.write_text(tomli_w.dumps({"answers": {"region": "low_back", "injury": "none", "pregnant": "yes", "weeks": 20, "chronic": "yes"}}))
sessions = str(tmp / "sessions")

def cli(*argv):
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(list(argv))
    assert code in (0, 1), (argv, code, err.getvalue())
    return err.getvalue()

saved = cli("run", "--tree", tree, "--answers", str(answers), "--format", "fhir", "--save", "--sessions", sessions)
session_id = saved.split("saved session ")[1].split()[0]
cli("lint", tree)
cli("graph", "--tree", tree)
cli("sessions", "--sessions", sessions, "list", "--format", "json")
for fmt in ("text", "markdown", "json", "fhir"):
    cli("sessions", "--sessions", sessions, "export", session_id, "--format", fmt, "--out", str(tmp / f"export.{fmt}"))
cli("quiz", "--list")
cli("quiz", "--case", "thoracic_spine_pain", "--answer", "M54.6")
"""

UI = r"""
from conftest_ui import answer_by_keys, demo_tree, settle
from wizard.sessions import SessionStore
from wizard.ui.app import WizardApp
from wizard.ui.session_link import new_session
from wizard.ui.screens.export import ExportScreen
from textual.widgets import Input

async def ui():
    store = SessionStore(Path(sessions))
    loaded = demo_tree()
    app = WizardApp(loaded, open_recorder=new_session(store, loaded, "net"), store=store, export_dir=tmp)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app)  # the ICD tabular loads on a worker
        await answer_by_keys(pilot, {"region": "low_back", "injury": "none", "pregnant": "no", "chronic": "yes"})
        await pilot.press("c")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#path", Input).value = str(tmp / "ui-export.txt")
        await pilot.press("enter")
        await settle(app)
        app._relay.join()
    assert (tmp / "ui-export.txt").exists()

asyncio.run(ui())
print("attempts:", attempts)
"""


def test_no_command_and_no_screen_touches_the_network(tmp_path: Path) -> None:
    script = tmp_path / "offline.py"
    script.write_text(SCRIPT + UI)
    run = subprocess.run(
        [sys.executable, str(script), str(tmp_path), str(DEMO_TREE), str(TESTS)],
        capture_output=True, text=True, cwd=REPO, timeout=180,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "attempts: []" in run.stdout, run.stdout
    assert (tmp_path / "export.fhir").exists()


def test_no_module_of_wizard_imports_a_network_library() -> None:
    """The policy in the source: nothing in wizard/ imports a way to the network."""
    network = re.compile(r"^\s*(?:import|from)\s+(socket|ssl|urllib|http|ftplib|smtplib|requests|httpx|aiohttp|websockets)\b", re.M)
    found = [f"{path.relative_to(REPO)}: {m.group(0).strip()}" for path in (REPO / "wizard").rglob("*.py") for m in network.finditer(path.read_text())]
    assert found == []
