"""The frame of every full screen of the two apps: the title bar on top, the screen's own body,
the footer with the keys at the bottom, and from the first frame the layout class for the
terminal's width (wizard.ui.screens.layout_class).

A screen takes the frame as a mixin before Screen, `class ResultScreen(WizardFrame, Screen[None])`,
and composes its body in `compose_body`. (A mixin, not a Screen subclass: Textual sets up each
subclass of its classes at import, a third of a millisecond each, and the question screen is on
the way to the first paint.) The wizard's screens (WizardFrame) share one body: a main column
(#main) and a side panel beside it, or under it when the terminal is narrow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget

from wizard.ui.screens import BREAKPOINTS, layout_class
from wizard.ui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from wizard.ui.app import WizardApp


class Frame:
    """The title bar, `compose_body`, then the footer (unless FOOTER is False: a screen that
    mounts it later, as the question screen does after the first paint)."""

    HORIZONTAL_BREAKPOINTS = BREAKPOINTS
    FOOTER: ClassVar[bool] = True
    app: Any  # the Screen's

    def __init__(self) -> None:
        super().__init__(classes=layout_class())  # type: ignore[call-arg]  # Screen's

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield from self.compose_body()
        if self.FOOTER:
            from textual.widgets import Footer  # not imported before the first question is painted

            yield Footer()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError


class WizardFrame(Frame):
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
