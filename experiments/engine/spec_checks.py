"""Strict validation of experiment-file tables (used by `experiments.engine.spec`).

Every problem raises `SpecError` with one line: the file, the key path, the bad value
and what is allowed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from experiments.engine.backend import Backend, ScenarioInfo
from experiments.engine.choices import EXECUTORS
from experiments.engine.samplers import DESIGNS, Design, Factor


HEADER_KEYS = {
    "name": "a name (letters, digits, _ . -)",
    "description": "a string of at most 20000 characters",
    "name_zh": "a string (the Chinese title of the reports and the brief)",
    "description_zh": "a string of at most 20000 characters (the Chinese description: the question the experiment answers)",
    "seed": "an integer >= 0",
    "replications": "an integer from 1 to 100000",
    "years": "an integer >= 1",
    "outcomes": "a non-empty list of outcome names",
    "baseline": "a scenario name",
    "reform_start_year": "an integer >= 1, at most years: the year from whose first month every "
                         "scenario but the baseline runs its own parameters, the baseline's before",
    "executor": f"one of {', '.join(EXECUTORS)}",
    "workers": "an integer >= 1",
    "scheduler": "a Dask scheduler address such as tcp://host:8786",
    "scenarios": "a non-empty list of scenario files or tables",
}
TOP_KEYS = ("experiment", "scenarios", "overrides", "factors")
SCENARIO_ITEM_KEYS = ("path", "name", "description", "overrides")
FACTOR_SETTINGS = ("design", "samples", "levels", "second_order")
FACTOR_KEYS = ("values", "range", "integer")


class SpecError(ValueError):
    """An invalid experiment file or experiment option (one human-readable line)."""


def unknown(where: str, key: str, allowed: Any) -> SpecError:
    """Error for an unknown key, listing the allowed ones."""
    return SpecError(f"{where}.{key}: unknown key; allowed: {', '.join(allowed)}")


def head_table(path: Path, doc: dict[str, Any], table: str, top_keys: Any,
               head_keys: Any) -> tuple[dict[str, Any], str]:
    """The head table ``[table]`` of a TOML document, after checking the document's and the
    table's keys; returns (table, where) with ``where`` = "<path>: <table>" for messages."""
    for key in doc:
        if key not in top_keys:
            raise unknown(str(path), key, top_keys)
    head, where = doc.get(table), f"{path}: {table}"
    if not isinstance(head, dict):
        raise SpecError(f"{where}: missing table [{table}]")
    for key in head:
        if key not in head_keys:
            raise unknown(where, key, head_keys)
    return head, where


def int_settings(head: dict[str, Any], where: str, defaults: dict[str, int],
                 minima: dict[str, int]) -> dict[str, int]:
    """Integer settings of a head table, with defaults; each at least its minimum (default 1)."""
    out = {k: head.get(k, d) for k, d in defaults.items()}
    for k, x in out.items():
        low = minima.get(k, 1)
        if not is_int(x) or x < low:
            raise SpecError(f"{where}.{k}: expected an integer >= {low}, got {x!r}")
    return out


def is_int(x: Any) -> bool:
    """True for an int that is not a bool."""
    return isinstance(x, int) and not isinstance(x, bool)


def is_num(x: Any) -> bool:
    """True for an int or float that is not a bool."""
    return isinstance(x, (int, float)) and not isinstance(x, bool)


MAX_REPLICATIONS = 100_000
"""Most replications per scenario and point (a plan of 10^9 runs would take days to plan)."""
MAX_TEXT = 20_000
"""Most characters of a description (each is copied into the manifest)."""


def positive(where: str, x: Any, most: int | None = None) -> int:
    """Return `x` if it is an int >= 1 (and <= `most`), else raise naming `where`."""
    if not is_int(x) or x < 1:
        raise SpecError(f"{where}: expected an integer >= 1, got {x!r}")
    if most is not None and x > most:
        raise SpecError(f"{where}: expected at most {most:,}, got {x:,}")
    return x


def short_text(where: str, text: Any) -> Any:
    """Return `text`, refusing a string longer than `MAX_TEXT` characters."""
    if isinstance(text, str) and len(text) > MAX_TEXT:
        raise SpecError(f"{where}: {len(text):,} characters, at most {MAX_TEXT:,} allowed")
    return text


def check_header(where: str, table: Any) -> dict[str, Any]:
    """Validate the `[experiment]` table; return it unchanged."""
    if not isinstance(table, dict):
        raise SpecError(f"{where}: expected a table [experiment]")
    for key, value in table.items():
        if key not in HEADER_KEYS:
            raise unknown(where, key, HEADER_KEYS)
        ok = {
            "name": lambda x: isinstance(x, str) and _safe_name(x),
            "description": lambda x: isinstance(x, str) and len(x) <= MAX_TEXT,
            "name_zh": lambda x: isinstance(x, str) and x.strip() != "",
            "description_zh": lambda x: isinstance(x, str) and len(x) <= MAX_TEXT,
            "seed": lambda x: is_int(x) and x >= 0,
            "replications": lambda x: is_int(x) and 1 <= x <= MAX_REPLICATIONS,
            "years": lambda x: is_int(x) and x >= 1,
            "outcomes": lambda x: isinstance(x, list) and len(x) > 0
            and all(isinstance(o, str) for o in x) and len(set(x)) == len(x),
            "baseline": lambda x: isinstance(x, str) and x != "",
            "reform_start_year": lambda x: is_int(x) and x >= 1,
            "executor": lambda x: x in EXECUTORS,
            "workers": lambda x: is_int(x) and x >= 1,
            "scheduler": lambda x: isinstance(x, str) and x != "",
            "scenarios": lambda x: True,
        }[key](value)
        if not ok:
            extra = " (unique)" if key == "outcomes" else ""
            raise SpecError(f"{where}.{key}: got {value!r}; expected {HEADER_KEYS[key]}{extra}")
    if "name" not in table:
        raise SpecError(f"{where}.name: missing; expected {HEADER_KEYS['name']}")
    return table


def _safe_name(name: str) -> bool:
    return (name != "" and name[0].isalnum() and len(name) <= 100
            and all(c.isalnum() or c in "_.-" for c in name))


def flatten(where: str, table: Any, prefix: str = "") -> dict[str, Any]:
    """Flatten nested TOML tables into dotted keys (`{"a": {"b": 1}}` -> `{"a.b": 1}`)."""
    if not isinstance(table, dict):
        raise SpecError(f"{where}: expected a table of dotted parameter paths")
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(where, value, name + "."))
        else:
            out[name] = value
    return out


def load_scenario_file(path: Path, where: str, backend: Backend) -> ScenarioInfo:
    """Load a scenario file through the backend, turning errors into `SpecError`."""
    if not path.is_file():
        raise SpecError(f"{where}: scenario file not found: {path}")
    try:
        info = backend.load_scenario(path)
    except backend.param_error() as exc:
        raise SpecError(str(exc)) from exc
    if not _safe_name(info.name):  # a scenario name becomes a folder name: keep it inside the output
        raise SpecError(f"{path}: scenario.name: got {info.name!r}; expected {HEADER_KEYS['name']}")
    return info


def parse_scenarios(path: Path, items: Any, where: str,
                    backend: Backend) -> list[tuple[str, str, Path | None, dict[str, Any]]]:
    """Validate the `scenarios` list; return (name, description, path, overrides) tuples.

    Args:
        path: The experiment file (scenario paths are relative to its folder).
        items: The list from the file.
        where: Key path for messages, e.g. "exp.toml: scenarios".
        backend: Loads scenario files.
    """
    if not isinstance(items, list) or not items:
        raise SpecError(f"{where}: expected {HEADER_KEYS['scenarios']}, got {items!r}")
    out = []
    for i, item in enumerate(items):
        at = f"{where}[{i}]"
        if isinstance(item, str):
            item = {"path": item}
        if not isinstance(item, dict):
            raise SpecError(f"{at}: expected a file path or a table with keys "
                            f"{', '.join(SCENARIO_ITEM_KEYS)}, got {item!r}")
        for key, value in item.items():
            if key not in SCENARIO_ITEM_KEYS:
                raise unknown(at, key, SCENARIO_ITEM_KEYS)
            if key != "overrides" and (not isinstance(value, str) or value == ""):
                raise SpecError(f"{at}.{key}: expected a non-empty string, got {value!r}")
        overrides = flatten(f"{at}.overrides", item.get("overrides", {}))
        file = None
        name, desc = item.get("name"), item.get("description")
        if "path" in item:
            file = (path.parent / item["path"]).resolve()
            info = load_scenario_file(file, f"{at}.path", backend)
            name, desc = name or info.name, desc if desc is not None else info.description
        elif name is None:
            raise SpecError(f"{at}: an inline scenario needs a name (or give a path)")
        short_text(f"{at}.description", desc)
        if not _safe_name(name):
            raise SpecError(f"{at}.name: got {name!r}; expected {HEADER_KEYS['name']}")
        if name in [o[0] for o in out]:
            raise SpecError(f"{at}: duplicate scenario name {name!r}; give it a distinct name")
        out.append((name, desc or "", file, overrides))
    return out


def parse_factors(where: str, table: Any) -> Design | None:
    """Validate the `[factors]` table into a `Design` (None when absent)."""
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SpecError(f"{where}: expected a table [factors]")
    method = table.get("design", "grid")
    if method not in DESIGNS:
        raise SpecError(f"{where}.design: got {method!r}; allowed: {', '.join(DESIGNS)}")
    factors = [_factor(f"{where}.{name}", name, spec, method)
               for name, spec in _factor_items(where, table)]
    if not factors:
        raise SpecError(f"{where}: no factors; add e.g. \"procurement.price_weight\" = "
                        "{ values = [0.1, 0.3] } or { range = [0.1, 0.6] }")
    samples = table.get("samples")
    if method == "grid":
        for key in ("samples", "levels", "second_order"):
            if key in table:
                raise SpecError(f"{where}.{key}: not used by design \"grid\"; remove it")
        return Design("grid", tuple(factors))
    if samples is None:
        raise SpecError(f"{where}.samples: missing; design {method!r} needs a sample size")
    positive(f"{where}.samples", samples)
    if method == "sobol" and samples & (samples - 1):
        raise SpecError(f"{where}.samples: got {samples}; Sobol needs a power of 2 "
                        "(e.g. 64, 128, 256)")
    if "levels" in table and method != "morris":
        raise SpecError(f"{where}.levels: only used by design \"morris\"")
    if "second_order" in table and method != "sobol":
        raise SpecError(f"{where}.second_order: only used by design \"sobol\"")
    levels = table.get("levels", 4)
    if not is_int(levels) or levels < 2 or levels % 2:
        raise SpecError(f"{where}.levels: got {levels!r}; expected an even integer >= 2")
    second = table.get("second_order", True)
    if not isinstance(second, bool):
        raise SpecError(f"{where}.second_order: got {second!r}; expected true or false")
    return Design(method, tuple(factors), samples, levels, second)


def _factor_items(where: str, table: dict[str, Any], prefix: str = ""):
    for key, value in table.items():
        if not prefix and key in FACTOR_SETTINGS:
            continue
        name = f"{prefix}{key}"
        if not isinstance(value, dict):
            allowed = list(FACTOR_SETTINGS) + ["<dotted.parameter> = { values | range }"]
            raise SpecError(f"{where}.{name}: got {value!r}; a factor is a table "
                            f"{{ values = [...] }} or {{ range = [lo, hi] }}; allowed: "
                            f"{', '.join(allowed)}")
        if not value or set(value) & set(FACTOR_KEYS):
            yield name, value
        else:
            yield from _factor_items(where, value, name + ".")


def _factor(where: str, name: str, spec: dict[str, Any], method: str) -> Factor:
    for key in spec:
        if key not in FACTOR_KEYS:
            raise unknown(where, key, FACTOR_KEYS)
    integer = spec.get("integer", False)
    if not isinstance(integer, bool):
        raise SpecError(f"{where}.integer: got {integer!r}; expected true or false")
    if method == "grid":
        if "range" in spec or "integer" in spec or "values" not in spec:
            raise SpecError(f"{where}: design \"grid\" needs values = [...] (and no range)")
        return Factor(name, values=_values(f"{where}.values", spec["values"]))
    if "values" in spec or "range" not in spec:
        raise SpecError(f"{where}: design {method!r} needs range = [lo, hi] (and no values)")
    rng = spec["range"]
    if not (isinstance(rng, list) and len(rng) == 2 and all(is_num(x) for x in rng)):
        raise SpecError(f"{where}.range: got {rng!r}; expected [lo, hi] with numbers lo < hi")
    lo, hi = rng
    if lo >= hi:
        raise SpecError(f"{where}.range: got {rng!r}; expected lo < hi")
    if integer and not (is_int(lo) and is_int(hi)):
        raise SpecError(f"{where}.range: got {rng!r}; integer = true needs whole-number bounds")
    return Factor(name, low=lo, high=hi, integer=integer)


def _values(where: str, values: Any) -> tuple[Any, ...]:
    if not isinstance(values, list) or not values:
        raise SpecError(f"{where}: got {values!r}; expected a non-empty list")
    kinds = {"bool" if isinstance(x, bool) else "num" if is_num(x)
             else "str" if isinstance(x, str) else "other" for x in values}
    if "other" in kinds or len(kinds) > 1:
        raise SpecError(f"{where}: got {values!r}; expected numbers, strings or booleans, "
                        "all of one kind")
    if kinds == {"num"} and any(isinstance(x, float) for x in values):
        values = [float(x) for x in values]
    if len(set(values)) != len(values):
        raise SpecError(f"{where}: got {values!r}; values must be distinct")
    return tuple(values)
