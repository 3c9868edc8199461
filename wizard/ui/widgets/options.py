"""The numbered options of one question, with their descriptions under the labels."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from wizard.tree.models import Answer, Option as TreeOption, Question
from wizard.text import clean
from wizard.ui.widgets.kept_visual import KeptRichVisual

# Keys 1-9 choose an option; a question with more options is answered with arrows + Enter.
MAX_NUMBERED = 9


def option_prompt(number: int, option: TreeOption, current: bool, ticked: bool | None = None, suggested: bool = False) -> Table:
    """`1  Label` in bold, the description dimmed under the label, a mark on the current answer
    or on the answer the provider's note suggests; with `ticked` (a question with several
    answers), a tick box before the label."""
    label = Text(clean(option.label), style="bold")
    if ticked is not None:
        label = Text.assemble(("[x] " if ticked else "[ ] ", "bold"), label)
    if current:
        label.append("  (current answer)", style="italic")
    elif suggested:
        label.append("  (from the note)", style="italic")
    if option.description:
        label.append("\n" + clean(option.description), style="not bold dim")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column()
    grid.add_row(str(number) if number <= MAX_NUMBERED else "", label)
    return grid


class OptionsList(OptionList):
    """Shows a question's options; selecting one (Enter, click) posts OptionList.OptionSelected."""

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Textual measures an auto height at the full width, but the options are drawn beside
        # the scrollbar's column (kept by `scrollbar-gutter: stable`): measure at that width,
        # or a wrapped option gets a line too few and a needless scrollbar.
        return super().get_content_height(container, viewport, width - self.styles.scrollbar_size_vertical)

    def show(self, question: Question, current: Answer | None = None, suggested: Answer | None = None) -> None:
        """The options, the current answer (when changing one) or else the note's suggestion
        marked and highlighted, so that Enter answers with it."""
        self.clear_options()
        self.add_options(
            Option(KeptRichVisual(self, option_prompt(n, option, option.id == current, suggested=option.id == suggested)), id=option.id)
            for n, option in enumerate(question.options, 1)
        )
        ids = question.option_ids()
        marked = current if current is not None else suggested
        self.highlighted = ids.index(marked) if marked in ids else (0 if ids else None)
        self.display = bool(ids)

    def option_id_at(self, number: int) -> str | None:
        """The id of the option shown with `number` (1-based), or None when there is none."""
        if 1 <= number <= self.option_count:
            return self.get_option_at_index(number - 1).id
        return None
