"""The wizard's screens, one module each with its `.tcss` beside it when it has styles of its own;
the question and help screens serve the quiz too (wizard/ui/quiz/walk.py, quiz/help.py), and
frame.py is the frame every full screen of both apps takes (a mixin)."""

from textual import active_app

# Below 100 columns the side panels go under the question (or away, on the result).
BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]


def layout_class() -> str | None:
    """The BREAKPOINTS class for the terminal's width now, for a screen to take when it is made.

    Textual adds it when the screen first hears of its size, which is after its first frame
    is painted: that frame would show the question at half width, then reflow it.
    """
    try:
        width = active_app.get().size.width
    except LookupError:  # made outside a running app
        return None
    return next(name for at, name in sorted(BREAKPOINTS, reverse=True) if width >= at)
