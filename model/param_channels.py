"""Channel switches (placeholder until the channels section lands): each mechanism channel that
can carry an effect; all on is the model."""

from __future__ import annotations

from model.param_base import P, Section


class Channels(Section):
    """Mechanism channels; off neutralises one channel."""

    firm_exit: bool = P(True, "switch", "off: firms never exit", zh="企业退出")
    withholding: bool = P(True, "switch", "off: no pay is withheld against the year-end score", zh="扣留款")
    financing_limit: bool = P(True, "switch", "off: firms take contracts whatever their cash and credit",
                              zh="融资约束")
    effort_spending: bool = P(True, "switch", "off: a firm's monthly spending does not depend on its effort "
                              "(always the cost it bid on)", zh="支出随努力变化")
    capacity: bool = P(True, "switch", "off: firms' capacity never binds", zh="产能约束")
    inspection_deductions: bool = P(True, "switch", "off: inspections deduct nothing from pay", zh="检查扣款")
