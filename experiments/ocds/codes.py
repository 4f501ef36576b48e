"""The simulated calendar and the model's codes in OCDS terms.

Calendar: the model counts months from 1; OCDS needs dates. Month 1 is January of
`BASE_YEAR` (2019, the year of the source article's Penglai report; China's fiscal year is the
calendar year, Budget Law art. 18), so month m is the first day of calendar month
BASE_YEAR-01 + (m - 1), at midnight China Standard Time (+08:00). A procurement of month m is
released on that date; its contract runs from the first day of its start month to the last day
of its last month. The dates are a labelled convention for simulated data, not observations.

Methods: each procurement method of the model (and of the methods the design card plans) maps
to an OCDS `procurementMethod` code, its Chinese name for `procurementMethodDetails`, the source
of the rule, and whether suppliers submit tenders under it (only then is the count of bids
exported as `tender.numberOfTenderers`; the firms willing to take a directed commission or the
individuals applying to a post are not tenderers and go to the extension's
`tender.respondents`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

BASE_YEAR = 2019
"""Calendar year of simulated month 1 (January)."""
TIMEZONE = "+08:00"
COMPRESS_ABOVE_MB = 10.0
"""Default of ``ocds --compress-above``: a scenario whose releases take more than this many MB
(10^6 bytes) of compact JSON is written as gzipped JSON Lines (``.jsonl.gz``)."""
CURRENCY = "CNY"
OCID_PREFIX = "ocds-jbsim0"
"""Not a registered OCDS prefix: it marks simulated data (`jbsim0` = Jiebang simulation)."""
CLASSIFICATION_SCHEME = "X-JIEBANG-CATALOGUE"
"""Item ids of model/data/catalogue.csv (Penglai-style catalogue of purchased services)."""
CATEGORY_SCHEME = "X-JIEBANG-CATEGORY"
"""The six first-level categories of the guiding catalogue of purchased services (categories.csv)."""


@dataclass(frozen=True)
class Method:
    """One procurement method in OCDS terms.

    Args:
        ocds: OCDS `procurementMethod` code (open | selective | limited | direct).
        zh: Chinese name, exported as `procurementMethodDetails`.
        en: English name.
        source: Where the method and its rules come from.
        tenderers: Whether suppliers submit tenders (then `numberOfTenderers` = bids).
    """

    ocds: str
    zh: str
    en: str
    source: str
    tenderers: bool


METHODS: dict[str, Method] = {
    "open_tender": Method("open", "公开招标", "open tender", "Government Procurement Law art. 26, 36", True),
    "public_tender": Method("open", "公开招标", "open tender", "Government Procurement Law art. 26, 36", True),
    "direct_commission": Method("direct", "定向委托", "directed commission",
                                "the article's 2019 practice (seed S8)", False),
    "post_outsourcing": Method("open", "岗位购买", "post recruitment", "the article's 2019 practice (seed S6, R2)",
                               False),
    "unit_self": Method("limited", "单位自行采购", "purchase under the unit's own rules",
                        "below the decentralised-purchase limit (State Council procurement catalogue)", True),
    "jiebang_posting": Method("open", "揭榜", "project posting for suppliers to take up",
                              "the article's practice (揭榜, seed S1)", True),
    "competitive_consultation": Method("selective", "竞争性磋商", "competitive consultation",
                                       "财库〔2014〕214号", True),
    "competitive_negotiation": Method("selective", "竞争性谈判", "competitive negotiation",
                                      "Government Procurement Law art. 30, 38", True),
    "single_source": Method("direct", "单一来源采购", "single-source procurement",
                            "Government Procurement Law art. 31, 39", False),
    "framework_agreement": Method("open", "框架协议采购", "framework agreement", "财政部令第110号", True),
    "village_committee": Method("direct", "村民委员会承接", "commission of the village committee",
                                "财政部令第102号 art. 6 (village committees as suppliers)", False),
}
"""Model method name -> OCDS terms. A method missing here is an error at export time."""

FAILURE_REASONS = {
    "no_notice": "no firm heard of the notice",
    "none_eligible": "no firm that heard of it passed the screening",
    "reserve_below_cost": "the reserve price was below every eligible firm's cost",
    "unprofitable": "eligible firms judged the tender not worth bidding for",
    "too_few_bids": "fewer valid bids than the legal minimum: void tender (废标, Procurement Law art. 36)",
    "no_applicant": "nobody applied to the post",
    "no_capacity": "eligible firms had no free capacity",
    "no_finance": "eligible firms could not finance the contract (mobilisation, pre-funding, withheld pay)",
}
"""The model's failure reasons (the extension's `tender.failureReason` codes)."""

LEVELS = ("city", "town", "village")
FIRM_KINDS = ("strong", "local", "grassroots")
FIRM_KIND_NAMES = {"strong": "Prefecture firm", "local": "City firm", "grassroots": "Grassroots organisation"}


def month_start(month: int) -> str:
    """The release date of simulated month `month` (1-based), ISO 8601 with +08:00."""
    year, m0 = divmod(month - 1, 12)
    return f"{BASE_YEAR + year:04d}-{m0 + 1:02d}-01T00:00:00{TIMEZONE}"


def month_end(month: int) -> str:
    """The last moment of simulated month `month` (1-based), ISO 8601 with +08:00."""
    year, m0 = divmod(month - 1, 12)
    day = calendar.monthrange(BASE_YEAR + year, m0 + 1)[1]
    return f"{BASE_YEAR + year:04d}-{m0 + 1:02d}-{day:02d}T23:59:59{TIMEZONE}"


def buyer_name(row: int, city_departments: int | None, towns: int | None) -> tuple[str, str]:
    """A buyer's display name and level from its row, given the region's sizes.

    Buyers are built in the order city departments, town governments, village committees
    (model/world.py `build_buyers`); without the sizes the level is unknown.
    """
    if city_departments is None or towns is None:
        return f"Buyer {row}", ""
    if row < city_departments:
        return f"City department {row + 1}", "city"
    if row < city_departments + towns:
        return f"Town government {row - city_departments + 1}", "town"
    return f"Village committee {row - city_departments - towns + 1}", "village"
