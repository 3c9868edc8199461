"""A Rich renderable that is rendered once per width, then kept."""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, RichVisual
from textual.widget import Widget

# Widths a visual keeps its lines for: the panel's width with and without a scrollbar, and
# a few more while the terminal is resized.
KEPT_WIDTHS = 4


class KeptRichVisual(RichVisual):
    """Textual measures a Rich renderable by rendering it, each time a layout asks for its
    height, then renders it again to draw it, and again for each style it is drawn in (an
    option highlighted or not, hovered, focused); an OptionList drops what it has drawn on
    every resize. The answers, options and codes are laid out after each answer, and their
    Rich grids cost most of that (bench/keys.py). This renders each grid once per width and
    keeps the lines: the height is their count, and a style is laid under them as Textual's
    own wrapper (Widget.post_render) does.

    The renderable must not be changed once wrapped: show a new one instead.
    """

    def __init__(self, widget: Widget, renderable: RenderableType) -> None:
        super().__init__(widget, renderable)
        self._lines: dict[int, list[list[Segment]]] = {}

    def __rich__(self) -> RenderableType:
        """Printed by Rich (an option's prompt in a test, say) as the renderable it keeps."""
        return self._renderable

    def _lines_at(self, width: int) -> list[list[Segment]]:
        lines = self._lines.get(width)
        if lines is None:
            if len(self._lines) >= KEPT_WIDTHS:
                self._lines.clear()
            app = self._widget.app
            options = app.console_options.update(highlight=False, width=width)
            segments = app.console.render(self._renderable, options)
            lines = self._lines[width] = list(Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=False))
        return lines

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self._lines_at(width))

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        base = style.rich_style
        return [Strip(Segment.apply_style(line, base)) for line in self._lines_at(width)[:height]]
