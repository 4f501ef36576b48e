"""The month, in order: the one table of phases ``ProcurementModel.step`` runs (docs/internals.md).

Every entry names the phase, the months of the fiscal year it runs in, the function that
implements it (so its module is one hop away) and what it does. The ``step`` docstring, the
phase table of docs/ODD.md §3 (:func:`odd_table`, checked by tests/test_docs.py) and the
benchmark's per-phase timers (experiments/analysis/bench.py) are all generated from :data:`PHASES`.

A model holds its own copy of the table (``model.phases``); ``step`` iterates that copy, so a
benchmark or a test can wrap a phase of one model without touching any module attribute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from model import records
from model.delivery import phases as delivery
from model.entities import citizens_phase, contractor
from model.procurement import orders

#: Every month of the fiscal year.
EVERY_MONTH: tuple[int, ...] = tuple(range(1, 13))


@dataclass(frozen=True)
class Phase:
    """One phase of the month.

    Attributes:
        name: short name (the benchmark's timer key).
        title: what the phase is, in a few words.
        run: the function ``run(model)`` that implements it.
        months: months of the fiscal year (1–12) in which it runs.
        what: what happens, one sentence (the ODD's phase table).
        when: how the ODD states the timing, when ``months`` alone does not say it all.
    """

    name: str
    title: str
    run: Callable[..., None]
    months: tuple[int, ...] = EVERY_MONTH
    what: str = ""
    when: str = ""

    @property
    def module(self) -> str:
        """The module that implements the phase (dotted)."""
        return getattr(self.run, "__wrapped__", self.run).__module__

    @property
    def call(self) -> str:
        """``module.function`` (e.g. ``model.procurement.orders.procure``)."""
        fn = getattr(self.run, "__wrapped__", self.run)
        return f"{fn.__module__}.{fn.__name__}"

    def timing(self) -> str:
        """The phase's timing in words."""
        if self.when:
            return self.when
        if self.months == EVERY_MONTH:
            return "monthly"
        return "month " + ", ".join(str(m) for m in self.months) + " of each fiscal year"

    def due(self, month_of_year: int) -> bool:
        """Whether the phase runs in ``month_of_year`` (1–12)."""
        return month_of_year in self.months


PHASES: tuple[Phase, ...] = (
    Phase("plan_year", "budgeting and catalogue choice", orders.plan_year, (1,),
          "publicity raises awareness; each buyer chooses the slots it buys within its budget; the rest are "
          "in-house with load-dependent quality; orders are created (as lots if `procurement.lots`), due after "
          "the approval delay; ad-hoc items are drawn"),
    Phase("procure", "procurement", orders.procure, EVERY_MONTH,
          "every order due this month is run by its method (`model.procurement.market.run`): 揭榜 posting, the "
          "unit's own purchase, consultation or negotiation, single source, public tender, framework agreement "
          "(notice → screening → entry → bids → award rule → the method's minimum), post recruitment; winners "
          "get contracts; after a failure the method's next step (repeat, repost wider, switch with approval) "
          "or the fallback; buyers learn from competitive outcomes; admin cost is booked"),
    Phase("deliver", "delivery and monitoring", delivery.deliver, EVERY_MONTH,
          "each active contract: anticipated inspection probability under the monitoring regimes in force → "
          "efforts → contractible / non-contractible quality; inspections measure it (measured quality, "
          "gaming gap, deductions, staff cost); payment less withholding and deductions, plus overclaims"),
    Phase("audit", "audits", delivery.audit, EVERY_MONTH,
          "overclaims detected with monthly hazard; repayment, fine, listing, scandal, termination"),
    Phase("evaluate", "evaluation and sanctions", delivery.evaluate, EVERY_MONTH,
          "score; release of withheld pay; private and public reputation, citizens' rating; failing-score "
          "listings; buyer learning",
          when="when a contract ends (all regular contracts end in month 12)"),
    Phase("citizens", "citizens", citizens_phase.citizens_phase, EVERY_MONTH,
          "village quality index → perception, complaints, satisfaction, expectations, trust; complaint alerts "
          "for next month's inspections"),
    Phase("exits", "market: finance and exits", contractor.overheads_and_exits, EVERY_MONTH,
          "pay falls due after the payment lag; firms pay overhead and interest on drawn credit; a firm exits "
          "after sustained insolvency or repeated loss-making years (model/entities/finance.py) and its "
          "contracts are terminated; at the year's end owners draw cash above working capital"),
    Phase("entry", "market: entry", contractor.entry, (12,),
          "new grassroots firms enter towns, and local and strong firms the county, where the market paid last "
          "year"),
    Phase("collect", "metrics", records.collect, EVERY_MONTH,
          "the month ledger and the state give the raw counters → outcomes; Mesa's `DataCollector` records them"),
)


def step_doc(phases: tuple[Phase, ...] = PHASES) -> str:
    """The ``ProcurementModel.step`` docstring: one line per phase."""
    lines = ["One month: the phases of :data:`model.month.PHASES`, in order:", ""]
    for i, ph in enumerate(phases, 1):
        lines.append(f"{i}. {ph.title} — {ph.timing()} (``{ph.call}``)")
    return "\n".join(lines) + "\n"


def odd_table(phases: tuple[Phase, ...] = PHASES) -> str:
    """The phase table of docs/ODD.md §3 (Markdown)."""
    rows = ["| # | Phase (call) | When | What happens |", "|---|---|---|---|"]
    for i, ph in enumerate(phases, 1):
        rows.append(f"| {i} | {ph.title} (`{ph.call}`) | {ph.timing()} | {ph.what} |")
    return "\n".join(rows) + "\n"
