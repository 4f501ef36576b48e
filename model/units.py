"""Calendar and reporting units shared by the mechanism modules (named so the behaviour code carries
no bare numbers; tests/test_literals.py)."""

#: Months in a year (the model's time step is a month; the fiscal year has 12 of them).
MONTHS_PER_YEAR = 12
#: Complaints are reported per this many households.
PER_THOUSAND = 1000
#: Distance bands from the county centre of the outcomes by place (the last one open-ended; model/places.py).
N_BANDS = 4


def check_horizon(years: float, burn_in_years: float) -> None:
    """Raise ValueError unless a run of ``years`` outlasts its warm-up of ``burn_in_years``.

    Args:
        years: simulated years.
        burn_in_years: the first years every summary leaves out (``Params.burn_in_years``).
    """
    if years <= burn_in_years:
        raise ValueError(f"years = {years:g} must exceed burn_in_years = {burn_in_years:g} (the warm-up "
                         f"every summary leaves out); run more years or set burn_in_years below {years:g}")
