"""The command palette's own commands (ctrl+p), built from what the app can do right now."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from wizard.record import record
from wizard.text import one_line

if TYPE_CHECKING:
    from wizard.ui.app import WizardApp


@record
class Command:
    name: str
    help: str
    run: Callable[[], object]


def wizard_commands(app: WizardApp) -> list[Command]:
    engine = app.engine
    commands = [
        Command("Restart", "Clear every answer and start from the first question (asks first)", app.action_restart),
        Command("Export transcript", "Save the codes, reasons and checklist as text, Markdown or JSON", app.action_export),
        Command("Copy transcript", "Copy the text transcript to the clipboard", app.action_copy_transcript),
        Command("Read a note", "Paste the provider's note: its answers are suggested, each with its words, for you to confirm", app.action_read_note),
        Command(
            "Change the date of service",
            f"Now {app.engine.date_of_service or app.default_date}: the codes are checked against the ICD-10-CM release in force that day",
            app.action_date_of_service,
        ),
        # The palette reads help as markup; a file name is shown as written.
        Command("Switch tree", f"Open another tree file (now: {escape(one_line(app.loaded.path.name))})", app.action_switch_tree),
        Command("Toggle dark / light", "Switch between the dark and the light theme", app.action_toggle_dark),
        Command("Help and keys", "This question's help, its citations and every key", app.action_help),
    ]
    if engine.path:
        commands.insert(1, Command("Back", "Undo the last answer", app.action_back))
    if app.store is not None:
        commands.append(Command("Open saved session", "Resume an encounter saved earlier", app.action_open_session))
    return commands


class WizardCommands(Provider):
    """Restart, export, copy, date of service, switch tree, theme, help, and saved sessions when the build has them."""

    def _commands(self) -> list[Command]:
        return wizard_commands(cast("WizardApp", self.app))

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)
