"""One module per screen, each with its `.tcss` beside it when it has styles of its own."""

# Below 100 columns the side panels go under the question (or away, on the result).
BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
