"""Rasa's own command line (``rasa run ...``, any arguments), with scipy.special imported first.

Why: Rasa 3.6 loads the LogisticRegressionClassifier with skops 0.9 (pinned exactly by
Rasa), whose import lists the names of all scipy.special ufuncs by scanning every module in
``sys.modules`` for each of them (``skops.io._utils.whichmodule``). After Rasa has imported
TensorFlow that is ~4,000 modules and the scan takes ~9 s of CPU on every start; with
scipy.special among the first modules the scan stops at once (0.8 s). Nothing else differs
from ``.venv-rasa/bin/rasa``: the same ``main``, the same arguments. Runs in ``.venv-rasa``:

    .venv-rasa/bin/python scripts/start_rasa.py run --model models/current.tar.gz ...
"""

from __future__ import annotations

import runpy
import sys

import scipy.special  # noqa: F401 - imported first on purpose, see above

if __name__ == "__main__":
    sys.argv[0] = "rasa"
    runpy.run_module("rasa", run_name="__main__", alter_sys=True)
