"""The parameter section of firm finance: cash, credit, payment lags, financing costs, exits.

A firm holds cash, a credit line and receivables (pay earned but not yet received, and pay
withheld until the year-end evaluation). It takes a contract only if cash plus credit, less what
its running contracts still have to pre-fund, covers the new contract's financing need
(mobilisation, the months it pre-funds before it is paid, the withheld share). It exits after
sustained insolvency (its credit line exhausted for several months) or repeated loss-making
years — not in the first month its cash dips below zero (model/entities/finance.py).
"""

from __future__ import annotations

from model.param_base import CURRENT, EST, P, Section


class Finance(Section):
    """Firm finance: working capital, credit, payment lags, interest, the exit rule (seed P6)."""

    initial_cash_share: float = P(0.15, "× yearly turnover", "cash a firm holds at the start (or on entry), as a "
                                  "share of its expected yearly turnover (firms.<type>.turnover_yuan_year)", ge=0,
                                  le=5, source=EST + " (about two months of turnover as working capital, the order "
                                  "of Chinese SMEs' cash-to-sales ratio)", zh="初始现金（占年营业额）")
    credit_share: float = P(0.2, "× yearly turnover", "credit line (bank loans, supplier credit) as a share of the "
                            "firm's expected yearly turnover", ge=0, le=5,
                            source=EST + " (PBoC inclusive small-business loans: working-capital lines of a few "
                            "months of sales)", zh="授信额度（占年营业额）")
    interest_rate: float = P(0.06, "per year", "interest on drawn credit (negative cash)", ge=0, le=1,
                             source="2019 one-year loan prime rate 4.15–4.31% plus a small-firm premium; estimate",
                             zh="贷款利率")
    payment_lag_months: int = P(1, "months", "months between delivering a month's service and being paid for it "
                                "(the firm pre-funds 垫资 this long)", ge=0, le=3,
                                source="保障中小企业款项支付条例 (国务院令第728号, 2020) art. 8: government bodies pay "
                                "small firms within 30 days of acceptance", status=CURRENT, zh="付款滞后期")
    payout_share: float = P(1.0, "share", "share of the cash a firm holds above its working capital (initial_cash_share "
                            "× turnover) that its owners draw out at the fiscal year's end (dividends, owners' pay)",
                            ge=0, le=1, source=EST + " (owner-managed small firms keep working capital, not savings)",
                            zh="年末超额现金分配比例")
    insolvency_months: int = P(3, "months", "a firm exits after this many consecutive months with its credit line "
                               "exhausted (cash below −credit)", ge=1, le=24, source=EST, zh="持续资不抵债退出月数")
    loss_years: int = P(2, "years", "a firm exits after this many consecutive fiscal years of losses (receipts less "
                        "delivery spending, overhead and interest)", ge=1, le=10, source=EST,
                        zh="连续亏损退出年数")
