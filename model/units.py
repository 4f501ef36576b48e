"""Calendar and reporting units shared by the mechanism modules (named so the behaviour code carries
no bare numbers; tests/test_literals.py)."""

#: Months in a year (the model's time step is a month; the fiscal year has 12 of them).
MONTHS_PER_YEAR = 12
#: Complaints are reported per this many households.
PER_THOUSAND = 1000
