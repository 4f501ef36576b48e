"""揭榜 (project posting): the buyer posts a project on a channel and suppliers volunteer; the
best volunteer by the award rule takes it; no response is 无人揭榜. The article's 2019 practice
for small items below the decentralised-purchase limit (``procurement.small_method``).

After 无人揭榜 the buyer reposts on the next wider channel (notice board → city website →
provincial platform) after ``procurement.retender_delay_months``, up to
``procurement.max_failures`` postings; then the fallback (``procurement.fallback``).
"""

from __future__ import annotations

from model.catalogue import OPEN
from model.procurement.compete import compete
from model.procurement.method import BELOW, Method, band, repeat


class JiebangPosting(Method):
    """Posting: one volunteer suffices."""

    name = "jiebang_posting"
    label_zh = "揭榜（公开发布项目）"
    priority = 2.0
    source = "the article (揭榜, seed S1); below the decentralised-purchase limit, 国办发〔2019〕55号"
    status = "the article's 2019 practice"
    legal_min = 1
    roles = ("small",)

    def claims(self, m, o):
        return (o.cat_mode == OPEN) & (band(m, o.value) == BELOW) & (m.p.procurement.small_method == self.name)

    def run(self, m, b, res, rows):
        compete(m, b, res, rows, self.legal_min)

    def after_failure(self, m, failures, bids):
        return repeat(m, self.name, failures, widen=1)
