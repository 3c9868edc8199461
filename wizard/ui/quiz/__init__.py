"""`wizard quiz` in the terminal: the quiz's own Textual app (app.py), its screens and their styles.

It shares with the wizard's app (wizard/ui/app.py) the question screen, which walks the tree for
a case (walk.py), the help screen, the widgets and how an app starts (wizard/ui/base.py).
"""
