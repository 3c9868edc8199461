"""The floor for start-up: a minimal Textual app that paints a static prompt and an option list.

It shows the shipped tree's first question with its options (passed on the command line), so
that the wizard and the floor paint the same text; nothing else is imported or loaded.

    python bench/floor_app.py "Where is the pain?" "Low back" "Thoracic spine"
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import OptionList, Static


class Floor(App[None]):
    def __init__(self, prompt: str, options: list[str]) -> None:
        super().__init__()
        self.prompt = prompt
        self.options = options

    def compose(self) -> ComposeResult:
        yield Static(self.prompt)
        yield OptionList(*self.options)


if __name__ == "__main__":
    Floor(sys.argv[1], sys.argv[2:]).run()
