"""Where sessions live: the folder rule shared by every command and the UI.

In order, the first that applies:

1. `--sessions DIR` on the command line;
2. the environment variable WIZARD_SESSIONS_DIR (when not empty);
3. `sessions/` of the project checkout: going up from the current folder, the first folder
   with a pyproject.toml decides; if that pyproject.toml names the project `wizard-lbp` and
   a real `sessions/` folder sits beside it (the checkout ships one, git-ignored), that is
   the folder. Any other project, or none, falls through;
4. the user data folder, `platformdirs.user_data_dir("wizard") / "sessions"`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from wizard.record import record

ENV_VAR = "WIZARD_SESSIONS_DIR"
PROJECT_NAME = "wizard-lbp"
# Folders wizard picked itself; only these does it make private (0700) when they exist already.
DEFAULT_SOURCES = ("project checkout", "user data folder")


@record
class Location:
    folder: Path
    source: str  # which rule chose it, for messages


def resolve_location(cli_dir: Path | None, environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Location:
    environ = os.environ if environ is None else environ
    cwd = Path.cwd() if cwd is None else cwd
    if cli_dir is not None and str(cli_dir):
        return Location(_absolute(Path(cli_dir).expanduser(), cwd), "--sessions")
    from_env = environ.get(ENV_VAR, "").strip()
    if from_env:
        return Location(_absolute(Path(from_env).expanduser(), cwd), ENV_VAR)
    checkout = project_checkout(cwd)
    if checkout is not None:
        return Location(checkout / "sessions", "project checkout")
    import platformdirs

    return Location(Path(platformdirs.user_data_dir("wizard")) / "sessions", "user data folder")


def project_checkout(start: Path) -> Path | None:
    """The wizard-lbp checkout that start is inside, when it has a sessions/ folder."""
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            sessions = folder / "sessions"
            if _names_us(pyproject) and sessions.is_dir() and not sessions.is_symlink():
                return folder
            return None  # the nearest project decides; a project nested in ours is not ours
    return None


def _names_us(pyproject: Path) -> bool:
    import tomllib  # only to recognise a checkout, when no folder is named

    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    project = data.get("project")
    return isinstance(project, dict) and project.get("name") == PROJECT_NAME


def _absolute(path: Path, cwd: Path) -> Path:
    return path if path.is_absolute() else cwd / path
