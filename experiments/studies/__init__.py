"""Studies of the model: the validation checks (docking against theory, the article's stylised
facts, empirical plausibility, robustness) and the regression baseline. `validation.run_checks`
runs the checks; `python -m experiments validate` writes docs/VALIDATION.md from them.
"""
