"""Post recruitment (岗位购买): the catalogue's post items, recruited at a wage
(model.procurement.direct.posts); the article's 2019 practice."""

from __future__ import annotations

from model.catalogue import POSTS
from model.procurement import direct
from model.procurement.method import Method


class PostOutsourcing(Method):
    """Recruit individuals for the catalogue's post items."""

    name = "post_outsourcing"
    label_zh = "岗位外包（公开招聘）"
    priority = 0.0
    source = "seed S6, R2"
    status = "the article's 2019 practice"

    def claims(self, m, o):
        return o.cat_mode == POSTS

    def run(self, m, b, res, rows):
        direct.posts(m, b, res, rows)
