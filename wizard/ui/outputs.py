"""The app's outputs: the transcript of the encounter, copied to the clipboard or exported to a file.

A mixin of WizardApp; wizard.export is imported when first used, never at start-up.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work


if TYPE_CHECKING:
    from wizard.ui.screens.export import ExportRequest
    from wizard.engine.engine import Engine
    from wizard.export import Transcript
    from wizard.tree.loader import LoadedTree
    from wizard.ui.marks import Marks


class OutputActions:
    """Copy and export; expects the app's engine, loaded tree, marks, label and clock."""

    engine: Engine
    loaded: LoadedTree
    marks: Marks
    label: str | None
    session_id: str | None
    export_dir: Path | None
    now: Callable[[], datetime]
    notify: Callable[..., None]
    copy_to_clipboard: Callable[[str], None]
    push_screen: Callable[..., Any]

    def transcript(self) -> Transcript:
        from wizard.export import transcript_from_engine

        result = self.engine.result()
        items = {item.id for item in result.checklist}
        warnings = {warning.id for warning in result.warnings}
        return transcript_from_engine(
            self.engine,
            sha256=self.loaded.sha256,
            path=str(self.loaded.path),
            label=self.label,
            created=self.now(),
            checked=frozenset(self.marks.checked & items),
            acknowledged=frozenset(self.marks.acknowledged & warnings),
            session_id=self.session_id,
        )

    def action_copy_transcript(self) -> None:
        from wizard.export import render

        self.copy_to_clipboard(render(self.transcript(), "text"))
        self.notify(
            "The text transcript is on the clipboard. If nothing pastes, your terminal ignores "
            "clipboard requests (OSC 52): use Export instead.",
            title="Copied",
            timeout=6,
        )

    def default_export_stem(self) -> Path:
        """`<folder>/<tree id>-<YYYYmmdd-HHMMSS>`; the dialog adds the format's extension."""
        folder = self.export_dir or Path.cwd()
        return folder / f"{self.loaded.tree.tree.id}-{self.now():%Y%m%d-%H%M%S}"

    def action_export(self) -> None:
        from wizard.export import FORMATS

        from wizard.ui.screens.export import ExportScreen

        self.push_screen(ExportScreen(self.default_export_stem(), FORMATS), self._export)

    def _export(self, request: ExportRequest | None) -> None:
        if request is None:
            return
        from wizard.export import ExportError, render

        try:
            text = render(self.transcript(), request.fmt)
        except ExportError as error:
            self.notify(f"{request.path} was not saved: the transcript {error}.", title="Export failed", severity="error", timeout=15, markup=False)
            return
        self.write_export(request, text)

    @work(thread=True, group="export", exit_on_error=False)
    def write_export(self, request: ExportRequest, text: str) -> None:
        # O_EXCL: never overwrite (the dialog checked, but another program may have been quicker)
        # nor write through a planted link; 0600, as the CLI's --out: the file holds clinical details.
        try:
            fd = os.open(request.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as error:
            reason = error.strerror or str(error)
            self.notify(
                f"{request.path} was not saved: {reason}. Export again with another name or folder.",
                title="Export failed",
                severity="error",
                timeout=12,
                markup=False,
            )
            return
        self.notify(f"Saved {request.fmt} to {request.path}", title="Exported", markup=False)
