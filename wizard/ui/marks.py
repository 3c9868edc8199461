"""What the clinician ticked on the result; the engine holds the answers, this the rest."""

from __future__ import annotations

from wizard.record import Factory, record


@record
class Marks:
    """Checklist items done and warnings acknowledged, by id."""

    checked: set[str] = Factory(set)
    acknowledged: set[str] = Factory(set)

    def clear(self) -> None:
        self.checked.clear()
        self.acknowledged.clear()
