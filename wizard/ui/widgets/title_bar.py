"""The line at the top of every screen: the command palette's icon and the app's title."""

from __future__ import annotations

from textual.content import Content
from textual.events import Click
from textual.widget import Widget

ICON = "⭘"
ICON_WIDTH = 8  # as Textual's Header: the icon in a cell of 8, the title centred, 10 cells right
RIGHT_WIDTH = 10


class TitleBar(Widget):
    """Textual's Header drawn as one widget instead of four (header, icon, title, clock
    space), on every screen: it is on the first one a launch paints, where each widget costs
    about a millisecond (bench/startup.py). A click on the icon opens the command palette."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    def on_mount(self) -> None:
        self.tooltip = f"{ICON}: the command palette (ctrl+p)"
        self.watch(self.app, "title", self.refresh, init=False)
        self.watch(self.app, "sub_title", self.refresh, init=False)

    def render(self) -> Content:
        title = self.app.format_title(self.app.title, self.app.sub_title)
        middle = max(0, self.size.width - ICON_WIDTH - RIGHT_WIDTH)
        return Content.assemble(Content(f" {ICON}").pad_right(ICON_WIDTH - 2), title.center(middle, ellipsis=True), " " * RIGHT_WIDTH)

    async def on_click(self, event: Click) -> None:
        if event.x < ICON_WIDTH:
            event.stop()
            await self.run_action("app.command_palette")
