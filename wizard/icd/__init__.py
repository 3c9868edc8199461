"""The FY-stamped ICD-10-CM data: descriptions, billable flags, 7th characters, Excludes notes.

Importing this package is cheap: the data file is read the first time :func:`load_tabular`
is called, and ``simple_icd_10_cm`` is never imported at run time (only by
``scripts/build_icd_data.py``, which writes the data file).

    tab = load_tabular()
    tab.check_billable("...")          # None, or a CodeProblem whose message says the fix
    tab.excludes1_conflicts([...])     # pairs that an Excludes1 note forbids together
"""

from wizard.icd.codespec import CodeSpec, Qualifier, parse_specs
from wizard.icd.tabular import DEFAULT_DATA, Tabular, load_tabular
from wizard.icd.values import CodeInfo, CodeProblem, Excludes1Conflict, ExcludesNote

__all__ = [
    "DEFAULT_DATA",
    "CodeInfo",
    "CodeProblem",
    "CodeSpec",
    "Excludes1Conflict",
    "ExcludesNote",
    "Qualifier",
    "Tabular",
    "load_tabular",
    "parse_specs",
]
