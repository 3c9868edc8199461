"""What the commands share: errors with exit codes, loading a tree, answers and the sessions folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from wizard.icd.release_check import ReleaseCheck
    from wizard.sessions import SessionStore
    from wizard.tree.loader import LoadedTree

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_UNANSWERED = 0, 1, 2, 3
# What a shell reports for a program stopped by SIGPIPE: the reader of the output went away.
EXIT_OUTPUT_CLOSED = 128 + 13


class CliError(Exception):
    """A message for the user and the exit code that goes with it."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def load_tree_or_exit(path: Path | None) -> LoadedTree:
    from wizard.tree.loader import default_tree_path, load_tree
    from wizard.tree.problems import TreeError

    try:
        return load_tree(path or default_tree_path())
    except TreeError as error:
        raise CliError(f"the tree cannot be used:\n{error}\nRun 'wizard lint <file>' for every problem.") from None


def read_note_or_exit(path: Path) -> str:
    """The text of a note file, or CliError (exit 2) naming the file and the fix."""
    from wizard.notes import NoteError
    from wizard.notes.note_text import read_note_file

    try:
        return read_note_file(path)
    except NoteError as error:
        raise CliError(str(error)) from None


def open_release(args: argparse.Namespace, tree_release: str) -> ReleaseCheck:
    """The release check for the date of service given (today by default): the release in
    force that day, or the nearest installed one with a notice; only its data file is read."""
    from datetime import date

    from wizard.icd.release_check import open_release_check

    day = getattr(args, "date_of_service", None) or date.today()
    try:
        return open_release_check(day, tree_release, getattr(args, "icd_dir", None))
    except LookupError as error:
        raise CliError(f"{error}. Fix: reinstall wizard (it bundles one), or import one with 'wizard icd import'.") from None
    except (OSError, ValueError) as error:
        raise CliError(f"the ICD-10-CM data cannot be read: {error}. Fix: import the release again with 'wizard icd import'.") from None


MAX_ANSWERS_BYTES = 1024 * 1024  # an answers file is a few lines


def read_answers(path: Path) -> dict[str, object]:
    import tomllib  # answers files are read by `run` only, not on the UI's way to its first question

    from wizard.tree.loader import FileRefused, read_named_file

    try:
        data = tomllib.loads(read_named_file(path, MAX_ANSWERS_BYTES, "answers file", "the path of a TOML file with an [answers] table").decode("utf-8"))
    except FileRefused as error:
        raise CliError(str(error)) from None
    except UnicodeDecodeError as error:
        raise CliError(f"{path}: is not UTF-8 text (byte {error.start:,}). Fix: give a readable UTF-8 TOML file.") from None
    except tomllib.TOMLDecodeError as error:
        raise CliError(f"{path}: TOML syntax error: {error}. Fix: correct the syntax at that line.") from None
    except RecursionError:
        raise CliError(f"{path}: lists or tables are nested too deeply. Fix: an answers file is one flat [answers] table.") from None
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise CliError(f"{path}: no [answers] table. Fix: add [answers] with lines such as region = \"low_back\".")
    for key, value in answers.items():
        if isinstance(value, bool) or not isinstance(value, (str, int, list)):
            raise CliError(
                f"{path}: answers.{key}: an answer is an option id in quotes, a whole number or, for a question "
                f"with several answers, a list of option ids ([] for none); not {value!r}."
            )
    return answers


def session_store(args: argparse.Namespace, tell: bool = True) -> SessionStore:
    """The sessions folder of this run; with ``tell``, a word on stderr if it is open to others
    (the UI says it in the app instead, after its first paint)."""
    import sys

    from wizard.sessions import SessionStore

    store = SessionStore.resolve(getattr(args, "sub_sessions", None) or args.sessions)
    notice = store.exposure_notice() if tell else None
    if notice:
        from wizard.text import clean

        print(clean(f"wizard: note: {notice}"), file=sys.stderr)
    return store


def patient_ref(args: argparse.Namespace) -> str | None:
    if args.patient_ref is None:
        return None
    if args.format != "fhir":
        raise CliError("--patient-ref is the subject of a FHIR bundle. Fix: add --format fhir, or leave it out.")
    from wizard.export.fhir import check_patient_ref

    try:
        return check_patient_ref(args.patient_ref)
    except ValueError as error:
        raise CliError(f"--patient-ref: {error}.") from None


def bundle_type(args: argparse.Namespace) -> str:
    """--bundle-type, which only a FHIR export takes."""
    if args.bundle_type is None:
        return "collection"
    if args.format != "fhir":
        raise CliError("--bundle-type is the type of a FHIR bundle. Fix: add --format fhir, or leave it out.")
    if args.bundle_type == "transaction" and args.patient_ref is None:
        # A transaction is made to be filed on a server: the placeholder subject would be filed with it.
        raise CliError("a transaction bundle is filed as it is, so it needs the real subject. Fix: add --patient-ref Patient/ID.")
    return args.bundle_type


def write_private(path: Path, text: str) -> None:
    """Write an export readable by its owner only: it holds clinical details."""
    try:
        # O_NONBLOCK: a fifo with no reader is an error (ENXIO), not a wait without end.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC | os.O_NONBLOCK, 0o600)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise CliError(f"{path}: cannot be written ({error.strerror}). Fix: choose a writable path for --out.") from None
