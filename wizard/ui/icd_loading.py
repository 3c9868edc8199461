"""The ICD tabular, loaded on a thread worker after the first paint.

A mixin of both apps (through wizard.ui.base.CommonApp, whose `start` calls `load_tabular` after
the first paint); the app hears back through TabularLoaded or TabularFailed (on_icd_loading_tabular_loaded and
on_icd_loading_tabular_failed); what each does then is its own: the wizard shows codes without
descriptions, the quiz cannot grade. Which release is read is the app's (`open_icd`): the
wizard's is the one in force on the encounter's date of service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.message import Message


class IcdLoading:
    """Loads the ICD tabular on a worker; expects the app's post_message."""

    post_message: Callable[..., bool]

    class TabularLoaded(Message):
        """The tabular, and for an encounter its release check (wizard.icd.release_check)."""

        def __init__(self, tabular: Any, check: Any | None = None) -> None:
            super().__init__()
            self.tabular = tabular
            self.check = check

    class TabularFailed(Message):
        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    @work(thread=True, exclusive=True, group="icd", exit_on_error=False)
    def load_tabular(self) -> None:
        try:
            tabular, check = self.open_icd()
            self.prepare_tabular(tabular)
        except Exception as error:  # noqa: BLE001 - the app carries on without it; the message says why
            self.post_message(self.TabularFailed(f"{type(error).__name__}: {error}"))
            return
        self.post_message(self.TabularLoaded(tabular, check))

    def open_icd(self) -> tuple[Any, Any | None]:
        """The tabular to use and its release check, read on the worker (default: the bundled data)."""
        from wizard.icd import load_tabular

        return load_tabular(), None

    def prepare_tabular(self, tabular: Any) -> None:
        """Slow set-up of the tabular that belongs on the worker too, before the app is told (none here)."""
