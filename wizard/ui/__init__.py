"""The Textual terminal UI: app.py owns the Engine, screens/ and widgets/ render it.

Nothing here is imported by the core packages; `wizard.cli` imports `wizard.ui.app`
only for the interactive command.
"""
