"""The frame of every full screen of the two apps: the title bar on top, the screen's own body,
the footer with the keys at the bottom, and from the first frame the layout class for the
terminal's width (wizard.ui.screens.layout_class).

A screen composes its body in `compose_body`. The wizard's screens (WizardScreen) share one
body: a main column (#main) and a side panel beside it, or under it when the terminal is narrow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget

from wizard.ui.screens import BREAKPOINTS, layout_class
from wizard.ui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from wizard.ui.app import WizardApp


class FramedScreen(Screen[None]):
    """The title bar, `compose_body`, then the footer (unless FOOTER is False: a screen that
    mounts it later, as the question screen does after the first paint)."""

    HORIZONTAL_BREAKPOINTS = BREAKPOINTS
    FOOTER: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__(classes=layout_class())

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield from self.compose_body()
        if self.FOOTER:
            from textual.widgets import Footer  # not imported before the first question is painted

            yield Footer()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError


class WizardScreen(FramedScreen):
    """A screen of the wizard's app: the main column (a MAIN container, #main, filled by
    `compose_main`) beside `side_panel`; it reads the engine and answers through `wizard`."""

    MAIN: ClassVar[type[Widget]] = Vertical

    @property
    def wizard(self) -> WizardApp:
        return cast("WizardApp", self.app)

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="body"):
            with self.MAIN(id="main"):
                yield from self.compose_main()
            yield self.side_panel()

    def compose_main(self) -> ComposeResult:
        raise NotImplementedError

    def side_panel(self) -> Widget:
        raise NotImplementedError
