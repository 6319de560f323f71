"""Figure defects of issue 20 item 6 and the interval legend of item 5."""

import math

import numpy as np
import pandas as pd

from succinct_paging.plotting.family import interval_label


def test_interval_legend_names_the_method_and_is_absent_for_one_instance():
    one = pd.DataFrame({"ci_low": [math.nan, math.nan], "ci_high": [math.nan, math.nan], "ci_method": ["", ""]})
    assert interval_label(one) == ""
    few = pd.DataFrame({"ci_low": [1.0, np.nan], "ci_high": [2.0, np.nan], "ci_method": ["jackknife-t", ""]})
    assert "jackknife-t" in interval_label(few)
    many = pd.DataFrame({"ci_low": [1.0], "ci_high": [2.0], "ci_method": ["bootstrap"]})
    assert interval_label(many) == "95 % bootstrap interval over instances"
