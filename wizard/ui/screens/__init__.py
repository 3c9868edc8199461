"""One module per screen, each with its `.tcss` beside it when it has styles of its own."""
