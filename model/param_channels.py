"""Mechanism channels as switches (docs/ODD.md §7.16, docs/EXPLAIN.md): the ``channels`` section.

Each switch names one mechanism that can carry a reform's effect. On (the default) is the model as
it is: with every switch on, results are bit-identical to a model without the switches. Off
neutralises the channel in the one documented way its meaning states, and nothing else.
``python -m experiments explain`` turns them off one at a time and in every combination (Shapley)
to say which channels carry an effect. Channels are not levers: a county cannot switch one off, so
a switched-off run is an analysis of the model, never a scenario.

A channel whose Off is a set of parameter values needs no switch: it is one :class:`Channel` class
registered in :data:`DECLARED`, whose ``off()`` gives those values; ``explain`` analyses it beside
the switches, setting the values in both arms of a comparison when the channel is off.
"""

from __future__ import annotations

from typing import Any

from model.param_base import P, Section
from model.registry import Registry

_SRC = "analysis switch (docs/ODD.md §7.16); on = the model as it is"


def _switch(desc: str, zh: str) -> Any:
    """One channel switch: a bool, default on, unit "switch"; ``desc`` says what Off does."""
    return P(True, "switch", desc, source=_SRC, zh=zh)


class MechanismChannels(Section):
    """Mechanism channels a reform's effect can travel through (each off = neutralised)."""

    firm_exit: bool = _switch("off: firms never exit (neither sustained insolvency nor repeated loss-making "
                              "years ends a firm)",
                              "渠道：企业退出")
    withholding: bool = _switch("off: no pay is withheld until the year-end evaluation", "渠道：尾款扣留")
    financing_limit: bool = _switch("off: firms may take contracts whatever their cash and credit",
                                    "渠道：融资约束")
    effort_spending: bool = _switch("off: a firm's monthly spending does not depend on its effort (always the "
                                    "bid cost)", "渠道：努力相关支出")
    capacity: bool = _switch("off: firms' capacity (contracts a firm can hold at once, firms.<type>.capacity) "
                             "does not bind", "渠道：承接能力约束")
    stake: bool = _switch("off: firms see no stake in future awards: the reputation stakes R_c = R_n = 0 in "
                          "effort, a fraud listing costs no future business in the overclaiming decision, and an "
                          "entrant's odds against incumbents are even (model/delivery/stake.py)",
                          "渠道：未来中标的利害关系")
    reputation_in_selection: bool = _switch("off: every bid and commission is scored with the prior reputation "
                                            "and rating (evaluation.prior_reputation): records do not select "
                                            "firms (they are still kept and published)", "渠道：信誉影响遴选")
    blacklist: bool = _switch("off: no firm is ever listed (firms still weigh a listing when deciding to "
                              "overclaim: that is the stake channel)", "渠道：黑名单")
    inspection_deductions: bool = _switch("off: inspections deduct nothing from pay and bids expect no deduction (firms' effort still "
                                          "anticipates the deduction: only the cash is neutralised)",
                                          "渠道：检查扣款")
    entry_learning: bool = _switch("off: firms' beliefs about their win probability stay at the prior "
                                   "1/(1 + bidding.prior_rivals) (markups still learn)", "渠道：中标概率学习")
    citizens_feedback: bool = _switch("off: the citizens' rating of every contract is the prior reputation "
                                      "(evaluation.prior_reputation): it carries nothing about delivery into "
                                      "evaluation scores, firms' ratings or awards", "渠道：群众评价反馈")
    complaint_alerts: bool = _switch("off: complaints never trigger an inspection (the complaints regime "
                                     "inspects nothing; complaints are still counted)", "渠道：投诉触发检查")
    buyer_learning: bool = _switch("off: buyers' awareness of outsourcing does not learn from good or bad "
                                   "experience (buyers.learn_good, learn_bad have no effect)", "渠道：购买主体学习")
    firm_entry: bool = _switch("off: no new firms enter (the year-end entry of grassroots, local and strong "
                               "firms, incubated or not, does not happen)", "渠道：企业进入")


#: Channel switches wired in the model (every declared switch).
WIRED = ("firm_exit", "withholding", "financing_limit", "effort_spending", "capacity", "stake",
         "reputation_in_selection", "blacklist", "inspection_deductions", "entry_learning", "citizens_feedback",
         "complaint_alerts", "buyer_learning", "firm_entry")


class Channel:
    """A mechanism channel whose Off is parameter values (registered in :data:`DECLARED`).

    Attributes:
        name: its name in ``explain --channels`` (not a switch's name).
        meaning: what Off does, in words ("off: ..."), as a switch's description says it.
        zh: its Chinese label ("渠道：...").
    """

    name: str = ""
    meaning: str = ""
    zh: str = ""

    def off(self) -> dict[str, Any]:
        """Dotted parameter path -> value: the parameters that neutralise the channel."""
        raise NotImplementedError


#: Channels declared by the parameter values that switch them off, in ``explain``'s order after the
#: switches. None yet: every channel of the model is a switch above.
DECLARED: Registry[Channel] = Registry("mechanism channel")
