"""The Textual terminal UI: two apps and what they share.

app.py is the wizard (it owns the Engine; screens/ render it), quiz/ is `wizard quiz` (its app,
screens and styles); both use the question screen (screens/question.py), the help screen, the
widgets/ and the start-up in base.py. Nothing here is imported by the core packages; `wizard.cli`
imports `wizard.ui.app` or `wizard.ui.quiz.app` only for the interactive commands.
"""
