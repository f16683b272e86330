"""The worked examples in the SEND rule modules' docstrings are run, so they stay true."""

import doctest

import pytest

from send import census_export, cycle_stages, needs, provision_costs, register_status, uploads


@pytest.mark.parametrize(
    "module", [needs, register_status, cycle_stages, provision_costs, uploads, census_export]
)
def test_worked_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL)
    assert result.attempted > 0
    assert result.failed == 0
