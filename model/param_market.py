"""The parameter section of the supplier market: firm entry and exit (seed P6)."""

from __future__ import annotations

from model.param_base import EST, P, Section


class Market(Section):
    """Firm entry and exit (seed P6)."""

    entry_rate: float = P(0.6, "firms/town/year", "entry rate at a full margin on local volume", ge=0, le=50,
                          zh="新企业进入率")
    entry_rate_local: float = P(1.0, "firms/year", "entry rate of local city firms (county-wide) at a full margin "
                                "on the volume they attend to", ge=0, le=100, zh="本地企业进入率")
    entry_rate_strong: float = P(0.5, "firms/year", "entry rate of strong prefecture firms into the county at a full "
                                 "margin on the volume they attend to", ge=0, le=100, zh="外地强企进入率")
    volume_scale_yuan: float = P(400000.0, "yuan/year", "an entrant's share of the profitable volume (its odds × the volume / (incumbents of "
                                 "its kind there + 1)) that halves the entry gap",
                                 ge=1, le=1e9, zh="进入缺口减半的本地业务量")
    growth_share: float = P(0.25, "share of capacity per year", "staff a firm hires at the fiscal year's end when it "
                            "has run at its capacity during the year and had no loss year (finance.loss_years): its capacity "
                            "(contracts at once) grows by this share (at least one contract), and with it its "
                            "overhead, its credit line and the working capital it keeps, in proportion "
                            "(docs/ODD.md 7.13)", ge=0, le=2,
                            source=EST + ": a small firm that turns work away and makes money hires; the rate is "
                            "not measured (trial values 0.1–0.5, docs/ODD.md §4)", zh="满负荷企业年扩张比例")
    incubation: float = P(0.0, "firms/town/year", "extra entrants from an incubation programme", ge=0, le=10,
                          source="reform lever", zh="孵化培育新增企业")
    incubation_qualified: bool = P(False, "switch", "incubated firms get legal form, accounts, qualifications",
                                   zh="孵化企业具备法人、财务和资质")
