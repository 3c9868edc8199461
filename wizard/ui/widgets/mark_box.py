"""A checkbox whose long label wraps under itself (checklist items and warnings are sentences)."""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Checkbox

from wizard.text import clean

MIN_LABEL_WIDTH = 10


class MarkBox(Checkbox):
    """A checklist item to tick or a warning to acknowledge; carries the id it stands for."""

    DEFAULT_CSS = """
    MarkBox { width: 1fr; height: auto; border: none; padding: 0; }
    MarkBox:focus { border: none; }
    """

    def __init__(self, label: str, item_id: str, kind: str, value: bool = False, disabled: bool = False) -> None:
        super().__init__(Content(clean(label)), value, disabled=disabled)
        self.item_id = item_id
        self.kind = kind

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - overrides ToggleButton's class constant
        # Textual draws the same X for both states and tells them apart by colour only.
        return "X" if self.value else " "

    def _label_lines(self, width: int) -> list[Content]:
        button_width = self._button.cell_length
        return self._label.wrap(max(width - button_width - 1, MIN_LABEL_WIDTH))

    def render(self) -> Content:
        button = self._button
        label_style = self.get_visual_style("toggle--label")
        indent = Content(" " * button.cell_length)
        lines = self._label_lines(self.content_region.width)
        return Content("\n").join(
            Content.assemble(button if n == 0 else indent, " ", line.stylize_before(label_style)) for n, line in enumerate(lines)
        )

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._label_lines(width))
