"""The line at the top of every screen: the command palette's icon, the app's title and, on
the right, the app's `title_status` when it has one (the wizard's date of service and release)."""

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
        if hasattr(self.app, "title_status"):
            self.watch(self.app, "title_status", self.refresh, init=False)

    def render(self) -> Content:
        title = self.app.format_title(self.app.title, self.app.sub_title)
        status, warning = getattr(self.app, "title_status", ("", False))
        right = Content.styled(f"{status} ", "bold $text-warning" if warning else "") if status else Content(" " * RIGHT_WIDTH)
        middle = max(0, self.size.width - ICON_WIDTH - right.cell_length)
        return Content.assemble(Content(f" {ICON}").pad_right(ICON_WIDTH - 2), centred(title, middle), right)

    async def on_click(self, event: Click) -> None:
        if event.x < ICON_WIDTH:
            event.stop()
            await self.run_action("app.command_palette")


def centred(text: Content, width: int) -> Content:
    """``text`` centred in exactly ``width`` cells (Content.center pads the right side by the
    text's width too much, which pushed the status off the line)."""
    shown = text.rstrip().truncate(width, ellipsis=True)
    left = (width - shown.cell_length) // 2
    return shown.pad(left, width - left - shown.cell_length)
