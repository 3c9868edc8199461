"""The UI starts light: the first question is painted before ICD data, exports or sessions load."""

from __future__ import annotations

import subprocess
import sys


def test_starting_the_ui_does_not_load_icd_data_or_exports() -> None:
    code = "import sys, wizard.ui.app; print(sorted(m for m in sys.modules if m.startswith(('wizard.icd', 'wizard.export', 'wizard.sessions'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
