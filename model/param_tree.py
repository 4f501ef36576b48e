"""The parameter tree: every parameter with its type, range, unit, meaning and source.

Defaults describe Penglai's status quo as the 2019 article reports it (the baseline
scenario). Values without a published source are illustrative estimates and say so in their
``source``. Reforms are parameter changes (scenario files), never code changes.

``P(...)`` declares one leaf: default, unit, one-line meaning, range and source (model/param_base.py);
the delivery and sanction sections live in model/param_delivery.py.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from model.overrides import apply_overrides
from model.param_base import COUNTERFACTUAL, CURRENT, PRACTICE, EST, P, Section, flatten
from model.param_delivery import Blacklist, Delivery, Evaluation, Fraud, Monitoring
from model.procurement.award import AWARD_RULES
from model.procurement.bidding import STRATEGIES
from model.procurement.notices import CHANNELS


class Region(Section):
    """The county-level city: centre, towns, villages, households, buyers' staff."""

    n_towns: int = P(12, "towns", "number of towns around the centre", ge=1, le=5000,
                     source="Penglai has about a dozen towns/streets (illustrative)")
    villages_per_town: int = P(50, "villages", "villages (village committees) per town", ge=1, le=500,
                               source="DESIGN.md region; Penglai order of magnitude")
    radius_km: float = P(30.0, "km", "radius of the disk on which towns lie", ge=1, le=500)
    village_spread_km: float = P(6.0, "km", "typical distance of a village from its town", ge=0.5, le=50)
    prefecture_distance_km: float = P(70.0, "km", "distance of the prefecture city (strong firms' base)",
                                      ge=0, le=500, source="Yantai–Penglai ≈ 70 km")
    households_per_village: int = P(120, "households", "households simulated per village", ge=1, le=5000)
    city_departments: int = P(12, "departments", "city departments that buy city-level items", ge=1, le=60,
                              source="seed S4")


class FirmType(Section):
    """One kind of contractor (strong prefecture firm, local city firm, grassroots organisation)."""

    count: int = P(10, "firms", "initial number (per town for grassroots)", ge=0, le=100000)
    capability_mean: float = P(0.6, "0–1", "mean quality delivered at full effort", ge=0, le=1)
    capability_sd: float = P(0.1, "0–1", "spread of capability across firms", ge=0, le=0.5)
    cost_factor_mean: float = P(1.0, "× item cost", "delivery cost relative to the item's typical value",
                                ge=0.3, le=3)
    cost_factor_sd: float = P(0.1, "× item cost", "spread of cost factors", ge=0, le=1)
    capacity: int = P(4, "contracts", "contracts a firm can serve at once", ge=1, le=1000)
    min_contract_yuan: float = P(0.0, "yuan/year", "contracts below this value escape the firm's attention",
                                 ge=0, le=1e8, source="seed P3 (strong firms ignore grassroots items)")
    cash_months: float = P(6.0, "months of overhead", "initial cash reserve", ge=0, le=240)
    overhead_yuan_month: float = P(8000.0, "yuan/month", "fixed cost of staying in business", ge=0, le=1e7)
    honesty_mean: float = P(0.7, "0–1", "mean honesty (1 = never cheats)", ge=0, le=1, source="seed S13, P7")
    legal_entity_share: float = P(1.0, "share", "share able to bear independent legal liability", ge=0, le=1,
                                  source="seed S9 check 1")
    accounting_share: float = P(1.0, "share", "share with a sound accounting system", ge=0, le=1,
                                source="seed S9 check 4")
    qualified_share: float = P(1.0, "share", "share holding professional qualifications", ge=0, le=1,
                               source="seed S9 check 3")
    base_spread_km: float = P(3.0, "km", "scatter of firms' bases around their home", ge=0, le=100)
    travel_factor: float = P(1.0, "× travel cost", "travel cost per km relative to procurement.travel_cost_yuan_km "
                             "(vehicles and staff of far firms cost more; village teams walk or ride)", ge=0, le=10)


def _firm(**kw: Any) -> Any:
    return Field(default_factory=lambda: FirmType(**kw), description="a contractor type")


class Firms(Section):
    """The three kinds of contractor of DESIGN.md."""

    strong: FirmType = _firm(count=20, capability_mean=0.85, capability_sd=0.06, cost_factor_mean=0.78,
                             capacity=10, min_contract_yuan=150000.0, cash_months=36.0,
                             overhead_yuan_month=2000.0, honesty_mean=0.8, base_spread_km=5.0,
                             travel_factor=1.5)
    local: FirmType = _firm(count=30, capability_mean=0.68, capability_sd=0.08, cost_factor_mean=0.82,
                            capacity=6, min_contract_yuan=30000.0, cash_months=24.0,
                            overhead_yuan_month=1500.0, honesty_mean=0.7, qualified_share=0.6,
                            base_spread_km=3.0)
    grassroots: FirmType = _firm(count=10, capability_mean=0.6, capability_sd=0.1, cost_factor_mean=0.75,
                                 capacity=20, min_contract_yuan=0.0, cash_months=36.0,
                                 overhead_yuan_month=200.0, honesty_mean=0.6, legal_entity_share=0.8,
                                 accounting_share=0.6, qualified_share=0.2, base_spread_km=1.0,
                                 travel_factor=0.3)


class Channel(Section):
    """A notice channel: how far a tender notice travels."""

    reach: float = P(0.5, "probability", "chance a nearby attentive firm sees the notice", ge=0, le=1)
    range_km: float = P(10.0, "km", "distance at which the chance falls to 1/e of reach", ge=0.1, le=10000)


def _channel(reach: float, range_km: float) -> Any:
    return Field(default_factory=lambda: Channel(reach=reach, range_km=range_km), description="a notice channel")


class Channels(Section):
    """Notice channels (seed P2: information channels are not smooth)."""

    notice_board: Channel = _channel(0.8, 8.0)
    city_website: Channel = _channel(0.55, 40.0)
    provincial_platform: Channel = _channel(0.8, 400.0)


ChannelName = Literal[CHANNELS]


class Procurement(Section):
    """Procurement modes, award rules, failed tenders, lots and costs (seed S5–S10, P2–P5)."""

    award_rule: Annotated[str, AWARD_RULES] = P(
        "lowest_price", "rule", "award rule of open tenders", source="seed S7; DESIGN.md award rules")
    decentralised_limit_yuan: float = P(
        1_000_000.0, "yuan/order", "below this the unit buys under its own rules (not a government-procurement "
        "procedure): jiebang_posting or unit_self", ge=0, le=1e9,
        source="国办发〔2019〕55号 (central standard for services, 1,000,000); provinces set county standards, not "
        "verified for Shandong here: the central value is an assumption", status=CURRENT)
    open_tender_threshold_yuan: float = P(
        2_000_000.0, "yuan/order", "public tender at or above this value; a non-tender method between the "
        "decentralised-purchase limit and it", ge=0, le=1e9,
        source="国办发〔2019〕55号 (central standard for services, 2,000,000); county standard assumed equal",
        status=CURRENT)
    small_method: Literal["jiebang_posting", "unit_self"] = P(
        "jiebang_posting", "method", "how competitive items below the decentralised-purchase limit are bought",
        source="the article (揭榜); 国办发〔2019〕55号", status="unit_self: current law (the unit's own rules)")
    middle_method: Literal["competitive_consultation", "competitive_negotiation"] = P(
        "competitive_consultation", "method", "non-tender method between the limit and the open-tender threshold",
        source="财库〔2014〕214号; 财库〔2015〕124号", status=CURRENT)
    legal_min_bidders: int = P(3, "bids", "fewer valid bids void a public tender (废标)", ge=1, le=10,
                               source="Government Procurement Law art. 36", status=COUNTERFACTUAL + " below 3")
    switch_method: Literal["competitive_consultation", "competitive_negotiation"] = P(
        "competitive_consultation", "method", "method a void public tender switches to, with approval",
        source="财政部令第87号 art. 43", status=CURRENT)
    switch_approval_months: int = P(1, "months", "finance department's approval of a method switch", ge=0, le=12,
                                    source="财政部令第87号 art. 43 (approval); duration an assumption")
    retender_delay_months: int = P(2, "months", "delay before a failed procurement is repeated or reposted",
                                   ge=0, le=12)
    max_failures: int = P(2, "attempts", "failures of one method before the buyer gives up on it", ge=1, le=10)
    fallback: Literal["unit_self", "village_committee", "in_house"] = P(
        "unit_self", "method", "what follows when the buyer gives up: the unit's own purchase from firms it knows, "
        "the village committee (village orders), or in-house provision",
        source="seed S8; 财政部令第102号 art. 6 (village committees as suppliers)", status=CURRENT)
    village_committee_capability: float = P(0.35, "0–1", "quality a village committee delivers at normal effort",
                                            ge=0, le=1)
    approval_delay_months: int = P(1, "months", "multi-agency review delay (编办, 财政局, 人社局)",
                                   ge=0, le=12, source="seed S10")
    contract_years: int = P(1, "years", "contract length of recurring services: the first year runs to the "
                            "fiscal year's end, then whole years; slots under a running contract are not "
                            "re-procured", ge=1, le=3,
                            source="政府购买服务管理办法 (财政部令第102号) art. 22 (up to three years where the service "
                            "is stable)", status=CURRENT)
    admin_cost_yuan: float = P(600.0, "yuan/procurement", "fixed staff cost of review and procurement",
                               ge=0, le=1e6, source="seed S10")
    admin_cost_share: float = P(0.02, "share of value", "staff cost of review that grows with the value",
                                ge=0, le=0.5, source="seed S10")
    channel_city: ChannelName = P("provincial_platform", "channel", "notice channel of city tenders",
                                  status="any channel: current law (the buyer chooses where to publish)")
    channel_town: ChannelName = P("city_website", "channel", "notice channel of town tenders", status="any channel: current law (the buyer chooses where to publish)")
    channel_village: ChannelName = P("notice_board", "channel", "notice channel of village tenders",
                                     source="seed P2", status="any channel: current law (the buyer chooses where to publish)")
    channels: Channels = Field(default_factory=Channels, description="the notice channels")
    notice_min_reach: float = P(1e-3, "probability", "reach below which a notice is treated as not arriving "
                                "(prunes the search for candidate firms)", ge=1e-9, le=0.1)
    lots: bool = P(False, "switch", "bundle each village item across a town's villages into one "
                   "framework-agreement order", source="财政部令第110号 (框架协议采购)", status=CURRENT)
    bid_cost_yuan: float = P(500.0, "yuan/bid", "fixed cost of preparing a bid", ge=0, le=1e6,
                             source="Samuelson 1985 participation cost")
    bid_cost_share: float = P(0.005, "share of value", "cost of preparing a bid that grows with the value",
                              ge=0, le=0.5)
    mobilisation_cost_yuan: float = P(500.0, "yuan/contract", "fixed cost of starting a contract", ge=0, le=1e7)
    mobilisation_subsidy_yuan: float = P(0.0, "yuan/contract", "subsidy paid to winners of village contracts",
                                         ge=0, le=1e7, source="reform lever (DESIGN.md)", status=CURRENT)
    travel_cost_yuan_km: float = P(0.8, "yuan/km", "travel cost per km of a site visit (one way)", ge=0, le=100)
    reserve_error_sd: float = P(0.35, "log-sd at specialisation 1", "reserve-price error spread, × specialisation",
                                ge=0, le=2, source="seed P5")
    reserve_margin: float = P(0.08, "share", "margin buyers add over estimated cost", ge=-0.5, le=1)
    awarded_visible: bool = P(True, "switch", "tender results are published to all notified firms")


class Scoring(Section):
    """Weights of the comprehensive scoring rule (综合评分法)."""

    price_weight: float = P(0.3, "share", "weight of the price score", ge=0, le=1,
                            source="Regulation on Government Procurement, services ≥ 10%",
                            status="≥ 0.1: current law (财政部令第87号 art. 55); below: " + COUNTERFACTUAL)
    technical_weight: float = P(0.5, "share", "weight of the technical score", ge=0, le=1)
    reputation_weight: float = P(0.2, "share", "weight of the reputation score", ge=0, le=1, source="seed S14",
                                 status="reputation from one buyer's own memory: " + COUNTERFACTUAL
                                 + "; from the public credit record (fraud.disclosure): current law")
    citizen_weight: float = P(0.0, "share", "weight of the citizens' rating", ge=0, le=1, source="seed R6")
    price_weight_floor: float = P(0.1, "share", "legal minimum price weight for services", ge=0, le=1,
                                  source="Ministry of Finance Order 87 art. 55")

    @model_validator(mode="after")
    def _weights(self) -> "Scoring":
        total = self.price_weight + self.technical_weight + self.reputation_weight + self.citizen_weight
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"scoring weights must sum to 1 (price + technical + reputation + citizen "
                             f"= {total:.4g})")
        if self.price_weight + 1e-12 < self.price_weight_floor:
            raise ValueError(f"price_weight {self.price_weight} is below the legal floor "
                             f"price_weight_floor = {self.price_weight_floor}")
        return self


class Screening(Section):
    """Qualification screening: the article's five checks (seed S9)."""

    strictness: float = P(1.0, "0–1", "how strictly the five checks are applied", ge=0, le=1, source="seed S9")
    relax_below_yuan: float = P(0.0, "yuan/year", "items below this value skip the formal checks (reform)",
                                ge=0, le=1e8)
    capability_floor: float = P(0.45, "0–1", "minimum capability at strictness 1 for specialised items",
                                ge=0, le=1)
    violation_years: float = P(3.0, "years", "look-back of the no-major-violation check", ge=0, le=20,
                               source="seed S9 check 5")


class Bidding(Section):
    """How firms decide to bid and at what price."""

    strategy: Annotated[str, STRATEGIES] = P("learning", "strategy", "bidding strategy of firms")
    markup_init: float = P(0.12, "share", "initial markup over cost", ge=0, le=2)
    markup_min: float = P(0.02, "share", "smallest markup", ge=0, le=2)
    markup_max: float = P(0.40, "share", "largest markup", ge=0, le=5)
    markup_step: float = P(0.02, "share", "markup change after a win (+) or a loss (−)", ge=0, le=1)
    belief_rate: float = P(0.2, "per month observed", "weight of a month's observations in a firm's inferred "
                           "win probability at a kind of tender (catalogue item)", ge=0, le=1)
    prior_rivals: float = P(2.0, "firms", "competition a firm expects at a kind of tender it has not yet seen "
                            "(prior win probability 1/(1 + this))", ge=0, le=50,
                            source=f"{EST}; the legal minimum of bidders less one")
    private_cost_sd: float = P(0.15, "log-sd", "spread of a firm's private cost for a particular contract around "
                               "its usual cost (site, staff at hand, other work nearby)", ge=0, le=1,
                               source=f"{EST}; independent private costs as in Krishna (2010) "
                               "Auction Theory ch. 2")
    tech_inflation: float = P(0.15, "score", "technical-score inflation by a fully dishonest firm", ge=0, le=1)
    bid_slack: float = P(3.0, "× free capacity", "expected wins a firm may bid for, relative to its free "
                         "capacity (it withdraws from wins beyond capacity)", ge=1, le=100)
    min_profit_share: float = P(0.0, "share", "required expected profit as a share of value", ge=0, le=1)


class Commission(Section):
    """Directed commission (定向委托) and favouritism (seed S8)."""

    price_near_reserve: float = P(0.95, "× reserve", "negotiated price relative to the reserve", ge=0.5, le=1.2)
    integrity_mean: float = P(0.75, "0–1", "mean integrity of buyers", ge=0, le=1, source="seed R6 (权力寻租)")
    favour_below: float = P(0.5, "0–1", "buyers below this integrity favour a connected firm", ge=0, le=1)
    known_radius_km: float = P(25.0, "km", "firms a buyer knows: based within this distance", ge=0, le=1000)


class Posts(Section):
    """Buying posts (岗位外包, 公开招聘; seed S6, R2)."""

    applicants_mean: float = P(6.0, "applicants", "mean applicants per post at the market wage", ge=0, le=100)
    wage_ratio: float = P(1.0, "× market wage", "wage offered relative to the outside option", ge=0.2, le=3)
    skill_mean: float = P(0.55, "0–1", "mean applicant skill", ge=0, le=1)
    skill_sd: float = P(0.15, "0–1", "spread of applicant skill", ge=0, le=0.5)
    technical_skill_penalty: float = P(0.25, "0–1", "skill shortfall of applicants for technical posts",
                                       ge=0, le=1, source="seed R2 (hard to staff)")


class Citizens(Section):
    """Households' perception, satisfaction, trust and complaints (seed P8, R3, R6)."""

    perception_noise: float = P(0.08, "0–1", "noise of a household's perception", ge=0, le=1)
    satisfaction_rate: float = P(0.15, "per month", "speed at which satisfaction follows perceptions", ge=0, le=1)
    expectation_rate: float = P(0.05, "per month", "speed at which expectations follow perceptions", ge=0, le=1)
    expectation_init: float = P(0.55, "0–1", "initial expectation of service quality", ge=0, le=1)
    tolerance: float = P(0.1, "0–1", "shortfall below expectation tolerated before complaining", ge=0, le=1)
    complaint_channel: float = P(0.1, "probability", "chance a dissatisfied household complains",
                                 ge=0, le=1, source="seed R5 (social supervision)")
    trust_rate: float = P(0.05, "per month", "speed at which trust follows satisfaction", ge=0, le=1)
    trust_init: float = P(0.6, "0–1", "initial trust in government", ge=0, le=1)
    unserved_hit: float = P(0.08, "per unserved share", "trust lost per share of unserved demand", ge=0, le=1)
    swing_hit: float = P(0.3, "per unit swing", "trust lost per unit month-to-month quality swing (一阵风)",
                         ge=0, le=5, source="seed P7")
    scandal_hit: float = P(0.05, "per scandal", "trust lost in a town per published scandal", ge=0, le=1,
                           source="seed P8")
    menu: bool = P(False, "switch", "citizens' demand ranks the items bought (百姓点菜)", source="seed R3",
                   status=CURRENT)
    raters: int = P(30, "households", "households polled in the citizens' rating", ge=1, le=10000)


class Buyers(Section):
    """Government buyers: adoption, budgets, in-house provision (seed S1–S5, P1, R1, R2)."""

    awareness_mean: float = P(0.55, "0–1", "mean awareness of purchasing", ge=0, le=1, source="seed P1")
    awareness_sd: float = P(0.2, "0–1", "spread of awareness across units", ge=0, le=1)
    publicity: float = P(0.0, "0–1", "publicity campaign intensity", ge=0, le=1, source="seed R1")
    publicity_effect: float = P(0.3, "awareness", "awareness gained at full publicity", ge=0, le=1)
    publicity_reach: float = P(0.5, "share", "extra notice reach at full publicity", ge=0, le=1, source="seed R1")
    learn_good: float = P(0.02, "awareness", "awareness gained after a good contract", ge=0, le=1)
    learn_bad: float = P(0.02, "awareness", "awareness lost after a void tender or scandal", ge=0, le=1)
    budget_city: float = P(0.8, "share", "city department budget as a share of its candidate items' value",
                           ge=0, le=5, source="seed S5")
    budget_town: float = P(0.6, "share", "town budget as a share of its candidate items' value", ge=0, le=5,
                           source="seed S5")
    budget_village: float = P(0.2, "share", "village budget as a share of its candidate items' value",
                              ge=0, le=5, source="seed S5, P3")
    staff_city: float = P(8.0, "staff", "staff of a city department", ge=0.1, le=1000, source="seed S2")
    staff_town: float = P(6.0, "staff", "staff of a town government for these tasks", ge=0.1, le=1000)
    staff_village: float = P(1.5, "staff", "village committee staff", ge=0.1, le=100, source="seed S2 (活多人少)")
    inhouse_quality: float = P(0.6, "0–1", "in-house quality with no staff load", ge=0, le=1, source="seed S1, S2")
    load_sensitivity: float = P(0.35, "per typical item per staff", "in-house quality loss per unit of staff "
                                "load above one typical item of work per staff", ge=0, le=10)
    inhouse_cost: float = P(1.05, "× item value", "cost of doing an item in-house", ge=0, le=5)
    buy_technical_posts: bool = P(False, "switch", "buy hard-to-staff technical posts", source="seed R2",
                                  status=PRACTICE)
    adhoc_per_year: float = P(0.3, "items/buyer/year", "ad-hoc items (一事一议) per city or town buyer",
                              ge=0, le=20, source="seed S5")


class Market(Section):
    """Firm entry and exit (seed P6)."""

    entry_rate: float = P(0.6, "firms/town/year", "entry rate at a full margin on local volume", ge=0, le=50)
    volume_scale_yuan: float = P(400000.0, "yuan/year", "local profitable volume that halves the entry gap",
                                 ge=1, le=1e9)
    incubation: float = P(0.0, "firms/town/year", "extra entrants from an incubation programme", ge=0, le=10,
                          source="reform lever (DESIGN.md)")
    incubation_qualified: bool = P(False, "switch", "incubated firms get legal form, accounts, qualifications")


class Params(Section):
    """The whole parameter tree of one run."""


    years: int = P(10, "years", "simulated years (12 monthly steps each)", ge=1, le=100)
    region: Region = Field(default_factory=Region, description="the region")
    firms: Firms = Field(default_factory=Firms, description="the contractors")
    procurement: Procurement = Field(default_factory=Procurement, description="procurement")
    scoring: Scoring = Field(default_factory=Scoring, description="scoring weights")
    screening: Screening = Field(default_factory=Screening, description="screening")
    bidding: Bidding = Field(default_factory=Bidding, description="bidding")
    commission: Commission = Field(default_factory=Commission, description="directed commission")
    posts: Posts = Field(default_factory=Posts, description="post outsourcing")
    delivery: Delivery = Field(default_factory=Delivery, description="delivery")
    monitoring: Monitoring = Field(default_factory=Monitoring, description="monitoring")
    fraud: Fraud = Field(default_factory=Fraud, description="fraud and audits")
    evaluation: Evaluation = Field(default_factory=Evaluation, description="evaluation")
    blacklist: Blacklist = Field(default_factory=Blacklist, description="blacklist")
    citizens: Citizens = Field(default_factory=Citizens, description="citizens")
    buyers: Buyers = Field(default_factory=Buyers, description="buyers")
    market: Market = Field(default_factory=Market, description="market entry and exit")

    def flat(self) -> dict[str, Any]:
        """Every leaf as ``{dotted.path: value}``."""
        return flatten(self.model_dump(mode="python"))

    def with_overrides(self, overrides: dict[str, Any], origin: str = "overrides") -> "Params":
        """A new validated tree with ``overrides`` (dotted paths) applied."""
        return apply_overrides(self, overrides, origin)
