"""`wizard sessions list | show | export | delete`, and finding the session --resume names."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from wizard.cli.common import EXIT_OK, CliError, bundle_type, patient_ref, session_store, write_private
from wizard.text import clean, json_safe, one_line

if TYPE_CHECKING:
    from wizard.sessions import Session, SessionStore


def resume_target(store: SessionStore, text: str) -> Session:
    """The session --resume names (the latest in progress for no id), loaded and claimed."""
    from wizard.sessions import SessionError

    try:
        if text:
            session = store.load(store.match(text))
        else:
            session = store.latest_in_progress()
            if session is None:
                raise CliError(f"no session in progress in {store.folder} ({store.source}). Fix: run 'wizard sessions list', or start a new one with 'wizard'.")
        store.claim(session.id)
    except SessionError as error:
        raise CliError(str(error)) from None
    return session


def cmd_sessions(args: argparse.Namespace) -> int:
    from wizard.sessions import SessionError

    store = session_store(args)
    try:
        if args.action == "list":
            return sessions_list(store, args.format)
        if args.action is None:
            raise CliError("name an action: list, show ID, export ID or delete ID. Fix: e.g. 'wizard sessions list'.")
        session_id = store.match(args.id)
        if args.action == "delete":
            return sessions_delete(store, session_id, args.yes)
        session = store.load(session_id)
    except SessionError as error:
        raise CliError(str(error)) from None
    from wizard.export import ExportError, render
    from wizard.sessions import session_transcript

    transcript = session_transcript(session)
    if args.action == "show":
        print(f"Session {session.id}: {session.status.replace('_', ' ')}, updated {_local(session.updated)}")
        print(clean(f"File: {store.path_of(session.id)}"))
        if session.flagged:
            print(f"{len(session.flagged)} answer(s) set aside after the tree changed; see below.")
        print()
        sys.stdout.write(render(transcript, "text"))
        return EXIT_OK
    try:
        text = render(transcript, args.format, patient_ref=patient_ref(args), bundle_type=bundle_type(args))
    except ExportError as error:
        raise CliError(f"session {session.id} {error}.") from None
    if args.out is None or str(args.out) == "-":
        sys.stdout.write(text)
    else:
        write_private(args.out, text)
        print(clean(f"wizard: wrote {args.out}"), file=sys.stderr)
    return EXIT_OK


def sessions_list(store: SessionStore, fmt: str) -> int:
    listings = store.list()
    if fmt == "json":
        rows = [
            {"id": i.id, "file": str(i.path), "readable": i.ok, "error": i.error}
            | (
                {"status": i.session.status, "created": i.session.created.isoformat(), "updated": i.session.updated.isoformat(),
                 "label": i.session.label, "tree": i.session.tree.id, "codes": [c.code for c in i.session.result.codes]}
                if i.session else {}
            )
            for i in listings
        ]
        print(json_safe(json.dumps({"folder": str(store.folder), "sessions": rows}, indent=2, ensure_ascii=False)))
        return EXIT_OK
    # File names, labels, tree ids and codes come from files anyone may have edited.
    if not listings:
        print(clean(f"No sessions in {store.folder} ({store.source})."))
        return EXIT_OK
    print(clean(f"Sessions in {store.folder} ({store.source}), newest first:"))
    for item in listings:
        if item.session is None:
            print(one_line(f"{item.id:<24}  UNREADABLE: {item.error}"))
            continue
        s = item.session
        codes = " ".join(c.code for c in s.result.codes) or "-"
        status = "complete" if s.status == "complete" else "in progress"
        print(one_line(f"{s.id:<24}  {_local(s.updated)}  {status:<11}  {s.tree.id:<12}  {codes}" + (f"  [{s.label}]" if s.label else "")))
    return EXIT_OK


def sessions_delete(store: SessionStore, session_id: str, yes: bool) -> int:
    from wizard.sessions import SessionError

    if not yes:
        if not sys.stdin.isatty():
            raise CliError(f"not deleting session {session_id} without a yes: standard input is not a terminal. Fix: add --yes.")
        try:
            shown = store.load(session_id)
            what = f"{shown.label or 'no label'}, {shown.status.replace('_', ' ')}, updated {_local(shown.updated)}"
        except SessionError as error:
            what = f"unreadable: {error.problem}"
        try:
            reply = input(clean(f"Delete session {session_id} ({what})? This cannot be undone. [y/N] "))
        except EOFError:
            reply = ""
        if reply.strip().lower() not in ("y", "yes"):
            print("Kept.", file=sys.stderr)
            return EXIT_OK
    store.delete(session_id)
    print(f"wizard: deleted session {session_id}", file=sys.stderr)
    return EXIT_OK


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
