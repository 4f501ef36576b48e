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

from model.units import check_horizon
from model.overrides import apply_overrides
from model.param_costs import Costs
from model.param_base import COUNTERFACTUAL, CURRENT, EST, P, Section, flatten
from model.param_channels import MechanismChannels
from model.param_delivery import Blacklist, Delivery, Evaluation, Fraud, Monitoring
from model.param_finance import Finance
from model.param_market import Market
from model.param_award import Scoring, Screening
from model.param_people import Buyers, Citizens
from model.procurement.award import AWARD_RULES
from model.procurement.bidding import STRATEGIES


class Region(Section):
    """The county-level city: centre, towns, villages, households, buyers' staff."""

    n_towns: int = P(12, "towns", "number of towns around the centre", ge=1, le=5000,
                     source="Penglai has about a dozen towns/streets (illustrative)", zh="镇（街道）数")
    villages_per_town: int = P(50, "villages", "villages (village committees) per town", ge=1, le=500,
                               source="Penglai order of magnitude", zh="每镇村数")
    radius_km: float = P(30.0, "km", "radius of the disk on which towns lie", ge=1, le=500, zh="镇分布半径")
    village_spread_km: float = P(6.0, "km", "typical distance of a village from its town", ge=0.5, le=50,
                                 zh="村到镇的典型距离")
    village_area_min: float = P(0.05, "× village_spread_km²", "nearest village: lower bound of the uniform draw "
                                "of (distance / spread)² (villages spread evenly over an annulus)", ge=0, le=1,
                                source="assumption", zh="最近村落的面积下限")
    village_area_max: float = P(2.0, "× village_spread_km²", "farthest village: upper bound of the uniform draw "
                                "of (distance / spread)²", ge=1, le=10, source="assumption",
                                zh="最远村落的面积上限")
    town_jitter: float = P(0.05, "× radius_km", "s.d. of the random displacement of towns off the spiral",
                           ge=0, le=1, source="assumption", zh="镇位置随机偏移")
    prefecture_distance_km: float = P(70.0, "km", "distance of the prefecture city (strong firms' base)",
                                      ge=0, le=500, source="Yantai–Penglai ≈ 70 km", zh="地级市距离")
    households_per_village: int = P(120, "households", "households simulated per village", ge=1, le=5000,
                                    zh="每村模拟户数")
    city_departments: int = P(12, "departments", "city departments that buy city-level items", ge=1, le=60,
                              source="seed S4", zh="市直购买部门数")
    distance_band_km: float = P(10.0, "km", "width of the distance bands from the county centre by which "
                                "outcomes are reported: a village lies in band 1 (0 to w), 2 (w to 2w), 3 (2w to "
                                "3w) or 4 (3w and beyond)", ge=1, le=200,
                                source="the bands of the village no-bid decomposition (docs/NOBID.md, "
                                "scripts/nobid_decomposition.py: 0–10, 10–20, 20–30 km, with its 30–45 and 45+ km "
                                "bands merged into one)", zh="距离带宽度")


class FirmType(Section):
    """One kind of contractor (strong prefecture firm, local city firm, grassroots organisation)."""

    count: int = P(10, "firms", "initial number (per town for grassroots)", ge=0, le=100000, zh="初始数量")
    capability_mean: float = P(0.6, "0–1", "mean quality delivered at full effort", ge=0, le=1, zh="平均能力")
    capability_sd: float = P(0.1, "0–1", "spread of capability across firms", ge=0, le=0.5, zh="能力离散度")
    cost_factor_mean: float = P(1.0, "× item cost", "delivery cost relative to the item's typical value",
                                ge=0.3, le=3, zh="平均成本系数")
    cost_factor_sd: float = P(0.1, "× item cost", "spread of cost factors", ge=0, le=1, zh="成本系数离散度")
    capacity: int = P(4, "contracts", "contracts a firm can serve at once", ge=1, le=1000, zh="可同时承接合同数")
    capacity_max: int = P(1000, "contracts", "most contracts a firm of this kind grows to (market.growth_share): the "
                          "span of control of its owner-manager", ge=1, le=100000,
                          source=EST + ": twice the kind's starting capacity", zh="最大可同时承接合同数")
    min_contract_yuan: float = P(0.0, "yuan/year", "contracts below this value escape the firm's attention",
                                 ge=0, le=1e8, source="seed P3 (strong firms ignore grassroots items)",
                                 zh="关注的最低合同额")
    turnover_yuan_year: float = P(300000.0, "yuan/year", "expected yearly turnover of a firm of this kind: scales its "
                                  "starting cash, its credit line and the working capital it keeps "
                                  "(finance.initial_cash_share, finance.credit_share)", ge=0, le=1e10,
                                  source=EST + ": its capacity × a typical contract of its market (strong 10 × "
                                  "800,000; local 6 × 250,000; grassroots 20 × 20,000 yuan/year)", zh="预期年营业额")
    overhead_yuan_month: float = P(8000.0, "yuan/month", "fixed cost of staying in business", ge=0, le=1e7,
                                   zh="固定经营成本")
    outside_option_yuan_year: float = P(0.0, "yuan/year", "what the owner could earn elsewhere: a fiscal year in "
                                        "which the firm's net worth grows by less counts as a loss year "
                                        "(finance.loss_years of them in a row and it exits)", ge=0, le=1e8,
                                        source=EST + " (0: a firm stays while it does not lose money)",
                                        zh="业主机会成本（年）")
    honesty_mean: float = P(0.7, "0–1", "mean honesty (1 = never cheats)", ge=0, le=1, source="seed S13, P7",
                            zh="平均诚信度")
    initial_honesty_min: float = P(0.0, "0–1", "lowest honesty of the firms in business when the run starts: their "
                                   "honesty is drawn from the kind's beta distribution truncated here (entrants are "
                                   "drawn untruncated)", ge=0, le=0.99,
                                   source=EST + ": firms already trading have survived the status quo's audits and "
                                   "blacklist; 0.43 is the status quo's overclaiming threshold (1 − D (1 + fine)) / 2 "
                                   "at the default audit and detection parameters (docs/ODD.md 7.10, §5)",
                                   zh="初始企业最低诚信度")
    honesty_strength: float = P(6.0, "beta a + b", "concentration of the beta distribution of honesty (higher: "
                                "firms more alike)", ge=0.1, le=1000, source="assumption", zh="诚信度分布集中度")
    capability_min: float = P(0.05, "0–1", "lowest capability a firm can have (the draw is clipped here)",
                              ge=0, le=1, source="assumption", zh="最低能力")
    cost_factor_min: float = P(0.3, "× item cost", "lowest cost factor (the draw is clipped here)", ge=0.01, le=3,
                               source="assumption", zh="最低成本系数")
    cost_factor_max: float = P(3.0, "× item cost", "highest cost factor (the draw is clipped here)", ge=0.3, le=10,
                               source="assumption", zh="最高成本系数")
    legal_entity_share: float = P(1.0, "share", "share able to bear independent legal liability", ge=0, le=1,
                                  source="seed S9 check 1", zh="能独立承担法律责任的比例")
    accounting_share: float = P(1.0, "share", "share with a sound accounting system", ge=0, le=1,
                                source="seed S9 check 4", zh="有健全财务会计制度的比例")
    qualified_share: float = P(1.0, "share", "share holding professional qualifications", ge=0, le=1,
                               source="seed S9 check 3", zh="具备专业资质的比例")
    base_spread_km: float = P(3.0, "km", "scatter of firms' bases around their home", ge=0, le=100, zh="驻地分散距离")
    travel_factor: float = P(1.0, "× travel cost", "travel cost per km relative to procurement.travel_cost_yuan_km "
                             "(vehicles and staff of far firms cost more; village teams walk or ride)", ge=0, le=10,
                             zh="交通成本系数")


def _firm(**kw: Any) -> Any:
    return Field(default_factory=lambda: FirmType(**kw), description="a contractor type")


class Firms(Section):
    """The three kinds of contractor: strong, local and grassroots (docs/ODD.md §2.2)."""

    strong: FirmType = _firm(count=20, capability_mean=0.85, capability_sd=0.06, cost_factor_mean=0.78,
                             capacity=10, capacity_max=20, min_contract_yuan=150000.0, turnover_yuan_year=8_000_000.0,
                             overhead_yuan_month=2000.0, honesty_mean=0.8, initial_honesty_min=0.43, base_spread_km=5.0,
                             travel_factor=1.5)
    local: FirmType = _firm(count=30, capability_mean=0.68, capability_sd=0.08, cost_factor_mean=0.82,
                            capacity=6, capacity_max=12, min_contract_yuan=30000.0, turnover_yuan_year=1_500_000.0,
                            overhead_yuan_month=1500.0, honesty_mean=0.7, initial_honesty_min=0.43, qualified_share=0.6,
                            base_spread_km=3.0)
    grassroots: FirmType = _firm(count=10, capability_mean=0.6, capability_sd=0.1, cost_factor_mean=0.75,
                                 capacity=20, capacity_max=40, min_contract_yuan=0.0, turnover_yuan_year=400_000.0,
                                 overhead_yuan_month=200.0, honesty_mean=0.6, initial_honesty_min=0.43,
                                 outside_option_yuan_year=47544.0, legal_entity_share=0.8,
                                 accounting_share=0.6, qualified_share=0.2, base_spread_km=1.0,
                                 travel_factor=0.3)


class Channel(Section):
    """A notice channel: how far a tender notice travels."""

    reach: float = P(0.5, "probability", "chance a nearby attentive firm sees the notice", ge=0, le=1,
                     zh="信息送达概率")
    range_km: float = P(10.0, "km", "distance at which the chance falls to 1/e of reach", ge=0.1, le=10000,
                        zh="信息传播距离")


def _channel(reach: float, range_km: float) -> Any:
    return Field(default_factory=lambda: Channel(reach=reach, range_km=range_km), description="a notice channel")


class Channels(Section):
    """Notice channels (seed P2: information channels are not smooth)."""

    notice_board: Channel = _channel(0.8, 8.0)
    city_website: Channel = _channel(0.55, 40.0)
    provincial_platform: Channel = _channel(0.8, 400.0)


#: The notice channels, in order of reach (a tender's channel is an index into this tuple).
CHANNELS: tuple[str, ...] = tuple(Channels.model_fields)
ChannelName = Literal[CHANNELS]


class Procurement(Section):
    """Procurement modes, award rules, failed tenders, lots and costs (seed S5–S10, P2–P5)."""

    award_rule: Annotated[str, AWARD_RULES] = P(
        "lowest_price", "rule", "award rule of open tenders", source="seed S7", zh="评标方法")
    lowest_price_reputation_weight: float = P(
        0.1, "share", "weight of a firm's reputation in winning its next contract under the lowest-price rule "
        "(it counts only through directed commissions: the price decides the tender itself)",
        ge=0, le=1, zh="最低价法下信誉对中标的权重")
    decentralised_limit_yuan: float = P(
        1_000_000.0, "yuan/order", "below this the unit buys under its own rules (not a government-procurement "
        "procedure): jiebang_posting or unit_self", ge=0, le=1e9,
        source="国办发〔2019〕55号: the central budget units' standard for goods and services, 1,000,000 (binding on "
        "central units; provinces set their own for local budgets). Shandong's county standard (分散采购限额) was "
        "looked for and not verified: the central value is kept, labelled an assumption for a Shandong county",
        status=CURRENT, zh="分散采购限额")
    open_tender_threshold_yuan: float = P(
        2_000_000.0, "yuan/order", "public tender at or above this value; a non-tender method between the "
        "decentralised-purchase limit and it", ge=0, le=1e9,
        source="国办发〔2019〕55号: central standard for goods and services, 2,000,000 (central units); Shandong: a "
        "2018–19 summary of provincial catalogues lists Shandong among the provinces whose public-tender standard "
        "for goods and services is 2,000,000 (secondary source, not the notice itself)",
        status=CURRENT, zh="公开招标限额")
    # The method selectors name procurement methods by their declared roles; model.procurement.market
    # checks them (check_roles): the methods import this tree, so the tree cannot import them.
    small_method: str = P(
        "jiebang_posting", "method", "how competitive items below the decentralised-purchase limit are bought: "
        "a procurement method declaring the role \"small\"",
        source="the article (揭榜); 国办发〔2019〕55号", status="unit_self: current law (the unit's own rules)", zh="限额以下采购方式")
    middle_method: str = P(
        "competitive_consultation", "method", "non-tender method between the limit and the open-tender threshold: "
        "a procurement method declaring the role \"middle\"",
        source="财库〔2014〕214号; 财库〔2015〕124号", status=CURRENT, zh="限额以上、公开招标数额以下的采购方式")
    legal_min_bidders: int = P(3, "bids", "fewer valid bids void a public tender (废标)", ge=1, le=10,
                               source="Government Procurement Law art. 36", status=COUNTERFACTUAL + " below 3", zh="法定最少投标人数（废标）")
    switch_method: str = P(
        "competitive_consultation", "method", "method a void public tender switches to, with approval: a "
        "procurement method declaring the role \"switch\"",
        source="财政部令第87号 art. 43", status=CURRENT, zh="废标后变更的采购方式")
    switch_approval_months: int = P(1, "months", "finance department's approval of a method switch", ge=0, le=12,
                                    source="财政部令第87号 art. 43 (approval); duration an assumption", zh="变更采购方式审批时长")
    retender_delay_months: int = P(2, "months", "delay before a failed procurement is repeated or reposted",
                                   ge=0, le=12, zh="重新招标间隔")
    max_failures: int = P(2, "attempts", "failures of one method before the buyer gives up on it", ge=1, le=10, zh="转换方式前的废标次数")
    fallback: str = P(
        "unit_self", "method", "what follows when the buyer gives up: a procurement method declaring the role "
        "\"fallback\" (the unit's own purchase from firms it knows, the village committee for village orders), or "
        "in-house provision",
        source="seed S8; 财政部令第102号 art. 6 (village committees as suppliers)", status=CURRENT, zh="多次废标后的做法")
    village_committee_capability: float = P(0.35, "0–1", "quality a village committee delivers at normal effort",
                                            ge=0, le=1, zh="村委会承接的服务质量")
    approval_delay_months: int = P(1, "months", "multi-agency review delay (编办, 财政局, 人社局)",
                                   ge=0, le=12, source="seed S10", zh="多部门层层审核时长")
    contract_years: int = P(1, "years", "contract length of recurring services: the first year runs to the "
                            "fiscal year's end, then whole years; slots under a running contract are not "
                            "re-procured", ge=1, le=3,
                            source="政府购买服务管理办法 (财政部令第102号) art. 22 (up to three years where the service "
                            "is stable)", status=CURRENT, zh="合同期限（年）")
    admin_cost_yuan: float = P(600.0, "yuan/procurement", "fixed staff cost of review and procurement",
                               ge=0, le=1e6, source="seed S10", zh="每次采购固定行政成本")
    admin_cost_share: float = P(0.02, "share of value", "staff cost of review that grows with the value",
                                ge=0, le=0.5, source="seed S10", zh="随金额增长的行政成本比例")
    channel_city: ChannelName = P("provincial_platform", "channel", "notice channel of city tenders",
                                  status="any channel: current law (the buyer chooses where to publish)", zh="市级项目信息发布渠道")
    channel_town: ChannelName = P("city_website", "channel", "notice channel of town tenders", status="any channel: current law (the buyer chooses where to publish)", zh="镇级项目信息发布渠道")
    channel_village: ChannelName = P("notice_board", "channel", "notice channel of village tenders",
                                     source="seed P2", status="any channel: current law (the buyer chooses where to publish)", zh="村级项目信息发布渠道")
    channels: Channels = Field(default_factory=Channels, description="the notice channels")
    notice_min_reach: float = P(1e-3, "probability", "reach below which a notice is treated as not arriving "
                                "(prunes the search for candidate firms)", ge=1e-9, le=0.1, zh="信息视为未送达的最低概率")
    lots: bool = P(False, "switch", "bundle each village item across a town's villages into one "
                   "framework-agreement order", source="财政部令第110号 (框架协议采购)", status=CURRENT, zh="村级项目按镇打包（分包）")
    bid_cost_yuan: float = P(500.0, "yuan/bid", "fixed cost of preparing a bid", ge=0, le=1e6,
                             source="Samuelson 1985 participation cost", zh="投标固定成本")
    bid_cost_share: float = P(0.005, "share of value", "cost of preparing a bid that grows with the value",
                              ge=0, le=0.5, zh="随金额增长的投标成本比例")
    mobilisation_cost_yuan: float = P(500.0, "yuan/contract", "fixed cost of starting a contract", ge=0, le=1e7,
                                      zh="进场固定成本")
    mobilisation_subsidy_yuan: float = P(0.0, "yuan/contract", "subsidy paid to winners of village contracts",
                                         ge=0, le=1e7, source="reform lever", status=CURRENT, zh="村级合同进场补贴")
    travel_cost_yuan_km: float = P(0.8, "yuan/km", "travel cost per km of a site visit (one way)", ge=0, le=100, zh="每公里交通成本")
    reserve_error_sd: float = P(0.35, "log-sd at specialisation 1", "reserve-price error spread, × specialisation",
                                ge=0, le=2, source="seed P5", zh="采购预算核定误差")
    reserve_margin: float = P(0.08, "share", "margin buyers add over estimated cost", ge=-0.5, le=1, zh="预算价加成")
    awarded_visible: bool = P(True, "switch", "tender results are published to all notified firms", zh="公开中标结果")


class Bidding(Section):
    """How firms decide to bid and at what price."""

    strategy: Annotated[str, STRATEGIES] = P("equilibrium", "strategy", "bidding strategy of firms: `equilibrium` prices "
                                             "the bid from the competition the firm expects (its break-even plus the "
                                             "gap to the reserve shared among 1 + expected rivals, 7.5); `learning` "
                                             "adds a markup learned from wins and losses", zh="投标策略")
    markup_init: float = P(0.12, "share", "initial markup over cost", ge=0, le=2, zh="初始加价率")
    markup_min: float = P(0.02, "share", "smallest markup", ge=0, le=2, zh="最低加价率")
    markup_max: float = P(0.40, "share", "largest markup", ge=0, le=5, zh="最高加价率")
    markup_step: float = P(0.02, "share", "markup change after a win (+) or a loss (−)", ge=0, le=1,
                           zh="加价率调整步长")
    belief_rate: float = P(0.2, "per month observed", "weight of a month's observations in a firm's inferred "
                           "win probability at a kind of tender (catalogue item)", ge=0, le=1, zh="中标概率学习速度")
    prior_rivals: float = P(2.0, "firms", "competition a firm expects at a kind of tender it has not yet seen "
                            "(prior win probability 1/(1 + this))", ge=0, le=50,
                            source=f"{EST}; the legal minimum of bidders less one", zh="预期竞争对手数")
    private_cost_sd: float = P(0.15, "log-sd", "spread of a firm's private cost for a particular contract around "
                               "its usual cost (site, staff at hand, other work nearby)", ge=0, le=1,
                               source=f"{EST}; independent private costs as in Krishna (2010) "
                               "Auction Theory ch. 2", zh="私人成本离散度")
    tech_inflation: float = P(0.15, "score", "technical-score inflation by a fully dishonest firm", ge=0, le=1,
                              zh="技术分虚报幅度")
    bid_slack: float = P(3.0, "× free capacity", "expected wins a firm may bid for, relative to its free "
                         "capacity (it withdraws from wins beyond capacity)", ge=1, le=100, zh="投标余量")
    min_profit_share: float = P(0.0, "share", "required expected profit as a share of value", ge=0, le=1,
                                zh="最低预期利润率")


class Commission(Section):
    """Directed commission (定向委托) and favouritism (seed S8)."""

    price_near_reserve: float = P(0.95, "× reserve", "negotiated price relative to the reserve", ge=0.5, le=1.2,
                                  zh="定向委托议价水平")
    integrity_mean: float = P(0.75, "0–1", "mean integrity of buyers", ge=0, le=1, source="seed R6 (权力寻租)",
                              zh="购买主体平均廉洁度")
    favour_below: float = P(0.5, "0–1", "buyers below this integrity favour a connected firm", ge=0, le=1,
                            zh="关系委托的廉洁度阈值")
    integrity_strength: float = P(8.0, "beta a + b", "concentration of the beta distribution of buyers' "
                                  "integrity (higher: buyers more alike)", ge=0.1, le=1000,
                                  source="assumption", zh="廉洁度分布集中度")
    known_radius_km: float = P(25.0, "km", "firms a buyer knows: based within this distance", ge=0, le=1000,
                               zh="购买主体熟知企业的范围")
    rating_exposure: float = P(0.5, "share of room", "favouritism room a published citizens' rating removes "
                               "when the connected firm is rated last", ge=0, le=1,
                               source="seed R6 (民主测评 against 权力寻租); assumption", zh="公开民主测评压缩的寻租空间")
    ranking_exposure: float = P(0.5, "share of room", "favouritism room a published supplier ranking removes "
                                "when the connected firm is ranked last", ge=0, le=1,
                                source="seed S15 (排名通报), R6; assumption", zh="公开排名压缩的寻租空间")


class Posts(Section):
    """Buying posts (岗位外包, 公开招聘; seed S6, R2)."""

    applicants_mean: float = P(6.0, "applicants", "mean applicants per post at the market wage", ge=0, le=100,
                               zh="每个岗位平均应聘人数")
    wage_ratio: float = P(1.0, "× market wage", "wage offered relative to the outside option", ge=0.2, le=3,
                          zh="岗位工资与市场工资之比")
    skill_mean: float = P(0.55, "0–1", "mean applicant skill", ge=0, le=1, zh="应聘者平均技能")
    skill_sd: float = P(0.15, "0–1", "spread of applicant skill", ge=0, le=0.5, zh="应聘者技能离散度")
    skill_min: float = P(0.05, "0–1", "lowest skill of a hired post-holder (the best applicant's normal draw is "
                         "cut here: nobody is hired without any skill)", ge=0, le=1, zh="受聘者最低技能")
    technical_skill_penalty: float = P(0.25, "0–1", "skill shortfall of applicants for technical posts",
                                       ge=0, le=1, source="seed R2 (hard to staff)", zh="技术岗位技能缺口")


class Params(Section):
    """The whole parameter tree of one run."""

    years: int = P(12, "years", "simulated years (12 monthly steps each)", ge=1, le=100, zh="模拟年数")
    burn_in_years: int = P(5, "years", "warm-up: the first years every summary leaves out (the monthly series "
                           "keep them); must be below years", ge=0, le=99,
                           source="measured on the default region: village no-bid, quality and trust settle by "
                           "year 4–5, the count of active firms by year 7, so the summary window's first two "
                           "years hold the tail of that transient (docs/ODD.md §4 'Warm-up')",
                           zh="预热期（不计入汇总的年数）")
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
    finance: Finance = Field(default_factory=Finance, description="firm finance")
    costs: Costs = Field(default_factory=Costs, description="the reforms' own costs")
    channels: MechanismChannels = Field(default_factory=MechanismChannels,
                                        description="mechanism channel switches (analysis only; all on = the model)")

    @model_validator(mode="after")
    def _warm_up(self) -> "Params":
        check_horizon(self.years, self.burn_in_years)
        return self

    def flat(self) -> dict[str, Any]:
        """Every leaf as ``{dotted.path: value}``."""
        return flatten(self.model_dump(mode="python"))

    def with_overrides(self, overrides: dict[str, Any], origin: str = "overrides") -> "Params":
        """A new validated tree with ``overrides`` (dotted paths) applied."""
        return apply_overrides(self, overrides, origin)
