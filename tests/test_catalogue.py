"""Lint tests for the service catalogue data (model/data/categories.csv, catalogue.csv).

The catalogue follows Penglai's guidance catalogue, "6类59大项" (seed article §3.2).
These tests read the files only; they import nothing from the model.
"""

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parents[1] / "model" / "data"

CATEGORY_CODES = {
    "basic_public",
    "social_management",
    "industry_coordination",
    "technical",
    "auxiliary",
    "other",
}
CATALOGUE_COLUMNS = [
    "item_id",
    "category",
    "name_zh",
    "name_en",
    "level",
    "annual_value_yuan",
    "specialisation",
    "contractibility",
    "visibility",
    "mode",
    "hard_to_staff",
    "visits_per_month",
    "demand",
    "dept_priority",
    "article_ref",
]
UNIT_COLUMNS = ["specialisation", "contractibility", "visibility", "demand", "dept_priority"]
LEVELS = {"city", "town", "village"}
MODES = {"tender", "commission", "posts"}
# Typical annual value of one contract (yuan) for one location, by buyer level.
VALUE_BANDS = {
    "city": (150_000, 3_000_000),
    "town": (40_000, 500_000),
    "village": (6_000, 80_000),
}
# Items the article names (section: item_id).
ARTICLE_EXAMPLES = {
    "§2.2 公路绿化带养护": "road_greenbelt_maintenance",
    "§2.2 各类专业规划编制": "professional_planning",
    "§2.2 政府法律咨询服务": "government_legal_consulting",
    "§2.1/§2.2 招商引资": "investment_promotion_agents",
    "§2.2 城管协管员": "urban_management_assistants",
    "§2.2 交通协勤": "traffic_assistants",
    "§4.1 食品检验": "food_inspection_posts",
    "§4.1 安全生产技术检测": "safety_testing_posts",
    "§4.1 产品质量抽检": "quality_sampling_posts",
    "§2.1 养老": "elderly_home_care",
    "§2.1 就业": "employment_services",
    "§2.1 社保": "social_security_services",
    "§2.1 教育": "education_services",
    "§2.1 产业发展": "industrial_development_services",
    "§2.1 新型城镇化": "new_urbanisation_services",
    "§2.1 安全生产": "safety_production_services",
    "§2.1 社会治理": "social_governance_services",
    "§2.3 审价": "investment_project_price_review",
}
R2_POSTS = {"food_inspection_posts", "safety_testing_posts", "quality_sampling_posts"}


@pytest.fixture(scope="module")
def categories() -> pd.DataFrame:
    return pd.read_csv(DATA / "categories.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    return pd.read_csv(DATA / "catalogue.csv", dtype=str, keep_default_na=False)


def _rows(df: pd.DataFrame):
    for _, row in df.iterrows():
        yield row["item_id"], row


def test_categories(categories):
    assert list(categories.columns) == ["code", "name_zh", "name_en", "description"]
    assert len(categories) == 6, f"expected 6 categories, got {len(categories)}"
    assert set(categories["code"]) == CATEGORY_CODES, f"codes: {sorted(categories['code'])}"
    for _, row in categories.iterrows():
        for col in categories.columns:
            assert row[col].strip(), f"category {row['code']!r}: empty {col}"


def test_columns_and_count(catalogue):
    assert list(catalogue.columns) == CATALOGUE_COLUMNS, f"columns: {list(catalogue.columns)}"
    assert len(catalogue) == 59, f"expected 59 items (6类59大项), got {len(catalogue)}"


def test_ids_unique_and_snake_case(catalogue):
    dupes = sorted(catalogue.loc[catalogue["item_id"].duplicated(), "item_id"])
    assert not dupes, f"duplicate item_id: {dupes}"
    for item, _ in _rows(catalogue):
        assert item.isascii() and item.replace("_", "").isalnum() and item == item.lower(), (
            f"item_id {item!r} is not snake_case"
        )


def test_no_empty_cells_or_stray_spaces(catalogue):
    for item, row in _rows(catalogue):
        for col in CATALOGUE_COLUMNS:
            assert row[col].strip(), f"{item}: empty {col}"
            assert row[col] == row[col].strip(), f"{item}: leading/trailing space in {col}"
    for name in ("catalogue.csv", "categories.csv"):
        text = (DATA / name).read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            assert line == line.rstrip(), f"{name} line {n}: trailing whitespace"


def test_categories_valid_and_all_used(catalogue, categories):
    codes = set(categories["code"])
    for item, row in _rows(catalogue):
        assert row["category"] in codes, f"{item}: unknown category {row['category']!r}"
    unused = codes - set(catalogue["category"])
    assert not unused, f"categories with no item: {sorted(unused)}"


def test_level_mode_and_flags(catalogue):
    for item, row in _rows(catalogue):
        assert row["level"] in LEVELS, f"{item}: level {row['level']!r} not in {sorted(LEVELS)}"
        assert row["mode"] in MODES, f"{item}: mode {row['mode']!r} not in {sorted(MODES)}"
        assert row["hard_to_staff"] in {"true", "false"}, (
            f"{item}: hard_to_staff {row['hard_to_staff']!r} is not true/false"
        )
        if row["hard_to_staff"] == "true":
            assert row["mode"] == "posts", f"{item}: hard_to_staff but mode {row['mode']!r}"


def test_hard_to_staff_are_the_r2_posts(catalogue):
    hard = set(catalogue.loc[catalogue["hard_to_staff"] == "true", "item_id"])
    assert hard == R2_POSTS, f"hard_to_staff items {sorted(hard)} != R2 posts {sorted(R2_POSTS)}"


def test_unit_interval_columns(catalogue):
    for item, row in _rows(catalogue):
        for col in UNIT_COLUMNS:
            value = float(row[col])
            assert 0.0 <= value <= 1.0, f"{item}: {col}={value} outside [0, 1]"
            assert len(row[col].partition(".")[2]) <= 2, f"{item}: {col}={row[col]} > 2 decimals"


def test_visits_per_month(catalogue):
    for item, row in _rows(catalogue):
        assert row["visits_per_month"].isdigit(), f"{item}: visits_per_month not an integer"
        visits = int(row["visits_per_month"])
        assert 1 <= visits <= 30, f"{item}: visits_per_month={visits} outside 1–30"


def test_value_bands_by_level(catalogue):
    for item, row in _rows(catalogue):
        assert row["annual_value_yuan"].isdigit(), f"{item}: annual_value_yuan not whole yuan"
        value = int(row["annual_value_yuan"])
        low, high = VALUE_BANDS[row["level"]]
        assert low <= value <= high, (
            f"{item}: {row['level']} value {value} yuan outside [{low}, {high}]"
        )


def test_level_mix(catalogue):
    counts = catalogue["level"].value_counts().to_dict()
    assert counts == {"city": 24, "town": 17, "village": 18}, f"items per level: {counts}"


def test_article_examples_present(catalogue):
    ids = set(catalogue["item_id"])
    for ref, item in ARTICLE_EXAMPLES.items():
        assert item in ids, f"article example {ref} missing: no item_id {item!r}"
        row = catalogue.loc[catalogue["item_id"] == item].iloc[0]
        assert row["article_ref"].startswith("§"), (
            f"{item}: named in the article ({ref}) but article_ref is {row['article_ref']!r}"
        )


def test_article_modes(catalogue):
    mode = dict(zip(catalogue["item_id"], catalogue["mode"]))
    for item in ("urban_management_assistants", "traffic_assistants", *sorted(R2_POSTS)):
        assert mode[item] == "posts", f"{item}: article buys it as posts, mode is {mode[item]!r}"
    for item in ("government_legal_consulting", "investment_promotion_agents"):
        assert mode[item] == "commission", (
            f"{item}: article buys it by 定向委托, mode is {mode[item]!r}"
        )


def test_article_ref(catalogue):
    for item, row in _rows(catalogue):
        ref = row["article_ref"]
        assert ref.startswith("§") or "illustrative" in ref, (
            f"{item}: article_ref {ref!r} is neither a § reference nor 'illustrative'"
        )
