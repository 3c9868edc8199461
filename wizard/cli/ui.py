"""`wizard` with no command: the terminal UI, on a new session or a resumed one."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.cli.common import CliError, load_tree_or_exit, read_note_or_exit, session_store

if TYPE_CHECKING:
    import argparse

    from wizard.sessions.models import Session


def cmd_ui(args: argparse.Namespace) -> int:
    # The UI records into args.session_store; with --resume it continues args.resume_session
    # (loaded, and claimed so that no other process records over it).
    args.session_store = session_store(args, tell=False)  # the app says it, after its first paint
    args.resume_session = None
    if args.resume is not None:
        if args.label is not None:
            raise CliError("--label names a new session. Fix: leave it out when resuming.")
        from wizard.cli.sessions import resume_target

        args.resume_session = resume_target(args.session_store, args.resume)
        loaded = load_tree_or_exit(args.tree or _recorded_tree(args.resume_session))
        if loaded.tree.tree.id != args.resume_session.tree.id:
            raise CliError(
                f"session {args.resume_session.id} was made with tree '{args.resume_session.tree.id}' but {loaded.path} is tree "
                f"'{loaded.tree.tree.id}'. Fix: resume it with --tree naming the '{args.resume_session.tree.id}' tree."
            )
    else:
        loaded = load_tree_or_exit(args.tree)
        _check_label(args.label)
    args.note_text = _note_text(args.note)
    # No cyclic garbage collection from here until the first question is painted: see
    # WizardApp._settle_memory, which turns it back on. On again here too, however the UI
    # ended, so that a caller in the same process (a test) gets it back.
    gc.disable()
    try:
        try:
            from wizard.ui.app import run_app
        except ImportError:
            raise CliError("the terminal UI is not available in this build. Fix: use 'wizard run' for a headless run.") from None
        return run_app(loaded, args)
    finally:
        gc.enable()


def _note_text(path: Path | None) -> str | None:
    """The text of --note, checked before the UI starts (it is read after the first paint)."""
    return None if path is None else read_note_or_exit(path)


def _recorded_tree(session: Session) -> Path | None:
    path = Path(session.tree.path)
    try:
        return path if path.is_file() else None
    except (OSError, ValueError):  # the session file may name any path, even one with a NUL
        return None


def _check_label(label: str | None) -> None:
    from wizard.sessions.ids import clean_label

    try:
        clean_label(label)
    except ValueError as error:
        raise CliError(f"--label: {error}. Fix: give a short one-line label without patient identifiers.") from None
