"""What the clinician ticked on the result; the engine holds the answers, this the rest."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Marks:
    """Checklist items done and warnings acknowledged, by id."""

    checked: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)

    def clear(self) -> None:
        self.checked.clear()
        self.acknowledged.clear()
