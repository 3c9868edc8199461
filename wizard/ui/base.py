"""What the two apps do alike: the wizard's (wizard/ui/app.py) and the quiz's (wizard/ui/quiz/app.py).

Both end cleanly on SIGTERM, SIGHUP or a terminal that goes away, load the ICD tabular on a
worker once their first screen is painted, list their keys by where each applies on the help
screen, and return an exit code when they end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.app import App
from textual.binding import BindingType

from wizard.ui.icd_loading import IcdLoading
from wizard.ui.signals import exit_on_signals

EXIT_OK = 0

KeySections = list[tuple[str, Iterable[BindingType]]]


class CommonApp(IcdLoading):
    """The start and the help's key table that the wizard and the quiz share, as a mixin of each
    (class WizardApp(..., CommonApp, App[int])): every subclass of a Textual class costs Textual
    a third of a millisecond to set up at import, and the wizard's is on the way to the first paint."""

    is_headless: bool
    call_after_refresh: Callable[..., bool]

    def start(self, load_icd: bool) -> None:
        """Call from on_mount, once the first screen is on its way: end on a signal or a lost
        terminal (not under Pilot), and, when load_icd, load the tabular after the first paint."""
        if not self.is_headless:
            exit_on_signals(self)
        if load_icd:
            self.call_after_refresh(self.load_tabular)

    def key_sections(self, *screens: tuple[str, Iterable[BindingType]]) -> KeySections:
        """Where each set of bindings applies, for the help screen (built from the classes): the
        app's own, from every class it is made of, then `screens`, then the help screen's."""
        from wizard.ui.screens.help import HelpScreen

        everywhere = [b for cls in reversed(type(self).__mro__) for b in cls.__dict__.get("BINDINGS", [])]
        return [("Everywhere", everywhere), *screens, ("Help", HelpScreen.BINDINGS)]


def run_to_exit(app: App[int]) -> int:
    """Run an app in the terminal until it ends; its exit code (0 when it gives none)."""
    code = app.run()
    return EXIT_OK if code is None else int(code)
