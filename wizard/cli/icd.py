"""`wizard icd`: the installed ICD-10-CM releases (list), a new one from the official files
(import), and what changed between two (diff)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING

from wizard.cli.common import EXIT_OK, CliError, load_tree_or_exit
from wizard.text import clean

if TYPE_CHECKING:
    from wizard.icd.releases import Installed, Release
    from wizard.icd.tabular import Tabular


def cmd_icd(args: argparse.Namespace) -> int:
    if args.icd_action == "list":
        return cmd_list(args)
    if args.icd_action == "import":
        return cmd_import(args)
    if args.icd_action == "diff":
        return cmd_diff(args)
    raise CliError("name an action: wizard icd list, wizard icd import FILES, or wizard icd diff FROM TO.")


def installed(args: argparse.Namespace) -> Installed:
    """The installed releases (those of --icd-dir or $WIZARD_ICD_DIR, and the bundled ones)."""
    from wizard.icd.releases import icd_folder, installed_releases

    found = installed_releases(icd_folder(args.icd_dir))
    for problem in found.unreadable:
        print(clean(f"wizard: skipped {problem}. Fix: import that release again, or remove the file."), file=sys.stderr)
    return found


def named_release(found: Installed, name: str) -> Release:
    """An installed release by id (FY2027, or FY2026@2025-10-01 for one of two in a year)."""
    release = found.find(name)
    if release is None:
        raise CliError(f"no installed release '{name}'; installed: {', '.join(found.names())}. Fix: name one of them, or import it with 'wizard icd import'.")
    return release


def load_release(release: Release) -> Tabular:
    from wizard.icd.tabular import load_tabular

    try:
        return load_tabular(release.path)
    except (OSError, ValueError) as error:
        raise CliError(f"{release.path}: cannot be read ({error}). Fix: import {release.id} again with 'wizard icd import'.") from None


def cmd_list(args: argparse.Namespace) -> int:
    found = installed(args)
    day = args.date or date.today()
    choice = found.choose(day)
    rows = [
        {
            "release": release.id,
            "effective_from": release.effective_from.isoformat(),
            "effective_to": found.in_force_until(release).isoformat(),
            "source": release.source,
            "in_force": release is choice.in_force,
        }
        for release in found.releases
    ]
    in_force = choice.in_force.id if choice.in_force is not None else None
    if args.format == "json":
        print(json.dumps({"releases": rows, "date": day.isoformat(), "in_force": in_force}, indent=2))
        return EXIT_OK
    for row, release in zip(rows, found.releases, strict=True):
        mark = "*" if row["in_force"] else " "
        print(clean(f"{mark} {release.label:<28} {row['effective_from']} to {row['effective_to']}  {release.source}"))
    print(f"On {day.isoformat()}: " + (f"{choice.in_force.label} is in force (marked *)." if choice.in_force else clean(choice.notice() or "")))
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    import tempfile

    from wizard.icd.importer import import_release
    from wizard.icd.releases import icd_folder
    from wizard.icd.values import ReleaseFileError

    folder = icd_folder(args.icd_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CliError(f"{folder}: the ICD folder cannot be made ({error.strerror or error}). Fix: choose another with --icd-dir or WIZARD_ICD_DIR.") from None
    print("wizard: reading the release (this takes a few seconds) ...", file=sys.stderr)
    try:
        # Files taken out of zips go to a private folder inside the ICD folder, removed at the end.
        with tempfile.TemporaryDirectory(prefix=".import-", dir=folder) as workdir:
            from pathlib import Path

            done = import_release(args.files, folder, Path(workdir), effective=args.effective, replace=args.replace)
    except ReleaseFileError as error:
        raise CliError(f"{error} Nothing was installed.") from None
    except MemoryError:
        raise CliError("ran out of memory reading the release. Fix: close other programs and try again. Nothing was installed.") from None
    release = done.release
    dates = f"in force {release.effective_from.isoformat()} to {release.effective_to.isoformat()}"
    verb = "installed" if done.written else "kept"
    print(clean(f"{verb} {release.label}, {dates}, in {release.path}" + (f" ({done.note})" if done.note else "")))
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from wizard.icd.diff import release_diff, touching, tree_codes

    found = installed(args)
    old_release, new_release = named_release(found, args.old), named_release(found, args.new)
    old, new = load_release(old_release), load_release(new_release)
    changes = release_diff(old, new)
    tree_id = None
    if args.diff_tree is not None:
        loaded = load_tree_or_exit(args.diff_tree)
        tree_id = loaded.tree.tree.id
        changes = touching(changes, tree_codes(loaded.tree), old, new)
    if args.format == "json":
        body = {"from": old_release.id, "to": new_release.id, "changes": [c.as_dict() for c in changes]}
        if tree_id is not None:
            body["tree"] = tree_id
        print(json.dumps(body, indent=2, ensure_ascii=False))
        return EXIT_OK
    scope = f", touching the codes of tree '{tree_id}'" if tree_id else ""
    print(clean(f"{old_release.label} to {new_release.label}: {len(changes)} change(s){scope}"))
    for change in changes:
        rules = f"  [rules: {', '.join(change.rules)}]" if change.rules else ""
        print(clean(f"  {change.kind:<17} {change.code:<9} {change.detail}{rules}"))
    return EXIT_OK
