"""Tender logs -> OCDS 1.1 release packages (`python -m experiments ocds DIR`).

One contracting process (ocid) per order of a run: ``<OCID_PREFIX>-<run_id>-<order>``. Each
attempt to procure the order (each row of the tender log: a tender, a re-tender after a void
tender, the fallback commission) is one release of that process, dated by the simulated
calendar (`experiments.ocds.codes`). Amounts are totals over the contract term in yuan (CNY):
the log's yuan-per-year values times the term in months / 12. `planning.budget.amount` is the
order's budgeted value, `tender.value` its reserve price (the ceiling bids are capped by),
`awards[].value` and `contracts[].value` the winning price. What OCDS lacks goes to the
extension in `experiments/ocds/extension/` (README there).

Output: ``DIR/ocds/<scenario>.json`` (one release package) or, when its releases take more than
`codes.COMPRESS_ABOVE_MB` of (compact, uncompressed) JSON, ``DIR/ocds/<scenario>.jsonl.gz``: gzipped
JSON Lines, one release package of at most `LINE_RELEASES` releases per line, each valid on its
own (a one-run baseline: 132.8 MB of JSON Lines -> 4.3 MB). ``--format jsonl`` writes the
JSON Lines uncompressed. Each package lists the extension at `EXTENSION_URL`.
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.ocds import codes

EXTENSION_DIR = Path(__file__).resolve().parent / "extension"
EXTENSION_URL = "https://jiebang.invalid/ocds/extension/extension.json"
"""Where the packages say the extension is (experiments/ocds/extension/README.md): an http(s)
URL of its extension.json, the only kind libcoveocds reads. `.invalid` is a reserved domain that
never resolves (RFC 2606): it names the extension without claiming an address. Offline
validation answers it from `EXTENSION_DIR` (`experiments.ocds.validate.shipped_extension`);
to publish data, serve the folder somewhere and pass its URL (``ocds --extension-url``)."""
SUFFIXES = (".json", ".jsonl", ".jsonl.gz")
"""The export's file kinds: one package, JSON Lines, gzipped JSON Lines."""
STAMP = "export.json"
"""The export's stamp in DIR/ocds/: the runs it covers and its files (written last)."""
LINE_RELEASES = 1_000
PUBLISHER = {"name": "Jiebang simulation (simulated data, not real procurements)"}


def _term_months(t: pd.DataFrame) -> np.ndarray:
    """Contract term of each procurement (months).

    Uses the log's ``term_months`` column when it has one; otherwise the model's rule
    (model/procurement/orders.py `procure`): ad-hoc orders (one-off needs, logged with
    ``lot_villages`` = 0) run 3 months, the others to the end of the fiscal year.
    """
    if "term_months" in t:
        return t["term_months"].to_numpy(int)
    to_year_end = 12 - (t["month"].to_numpy(int) - 1) % 12
    return np.where(t["lot_villages"].to_numpy(int) == 0, 3, to_year_end)


def _column(t: pd.DataFrame, *names: str) -> pd.Series:
    for name in names:
        if name in t:
            return t[name]
    raise KeyError(f"tender log has none of the columns {names}")


def _amount(x: float) -> dict[str, Any]:
    return {"amount": round(float(x), 2), "currency": codes.CURRENCY}


def _catalogue() -> dict[str, dict[str, str]]:
    import model

    data = Path(model.__file__).resolve().parent / "data"
    items = pd.read_csv(data / "catalogue.csv").set_index("item_id")
    cats = pd.read_csv(data / "categories.csv").set_index("code")
    out = {}
    for item, row in items.iterrows():
        out[item] = {"zh": row["name_zh"], "en": row["name_en"], "category": row["category"],
                     "category_zh": cats.loc[row["category"], "name_zh"]}
    return out


class RunInfo:
    """What the export needs to know of a run's parameters.

    Args:
        params: The run's flat dotted parameters (as in manifest.json `parameters`).
    """

    def __init__(self, params: Mapping[str, Any] | None = None) -> None:
        params = params or {}
        self.city_departments = params.get("region.city_departments")
        self.towns = params.get("region.n_towns")
        rule = params.get("procurement.award_rule")
        self.award_criteria = {"lowest_price": "priceOnly", "scoring": "ratedCriteria"}.get(rule)


def releases(t: pd.DataFrame, run_info: Mapping[str, RunInfo] | None = None) -> Iterator[dict]:
    """The OCDS releases of a tender log, one per row, grouped by process and in date order.

    Args:
        t: Tender log rows with a ``run_id`` column (as in DIR/tenders.parquet).
        run_info: Run id -> its `RunInfo` (buyer names, award criteria); default: unknown.
    """
    run_info = run_info or {}
    cat = _catalogue()
    t = t.sort_values(["run_id", "order", "month"], kind="stable")
    seq = t.groupby(["run_id", "order"], sort=False).cumcount().to_numpy() + 1
    cols = {
        "run": t["run_id"].astype(str).tolist(), "order": t["order"].tolist(), "month": t["month"].tolist(),
        "buyer": t["buyer"].tolist(), "method": _column(t, "method", "mode").astype(str).tolist(),
        "place": _column(t, "place_level", "level").astype(str).tolist(),
        "item": t["item"].astype(str).tolist(), "value": t["value"].tolist(), "reserve": t["reserve"].tolist(),
        "price": t["price"].tolist(), "winner": t["winner"].tolist(), "kind": t["winner_kind"].tolist(),
        "bids": t["bids"].tolist(), "notified": t["notified"].tolist(), "eligible": t["eligible"].tolist(),
        "distance": t["distance_km"].tolist(), "attempt": t["attempt"].tolist(),
        "lot": t["lot_villages"].tolist(), "outcome": _column(t, "outcome").astype(str).tolist(),
        "favoured": t["favoured"].tolist(), "term": _term_months(t).tolist(), "seq": seq.tolist(),
    }
    unknown = sorted(set(cols["method"]) - set(codes.METHODS))
    if unknown:
        raise ValueError(f"procurement methods without an OCDS mapping: {unknown} "
                         f"(add them to experiments/ocds/codes.py METHODS)")
    default = RunInfo()
    for row in zip(*cols.values()):
        r = dict(zip(cols, row))
        yield release(r, cat[r["item"]], run_info.get(r["run"], default))


def _parties(r: dict, info: RunInfo, prefix: str) -> tuple[dict, list[dict], dict | None]:
    name, level = codes.buyer_name(r["buyer"], info.city_departments, info.towns)
    buyer = {"id": f"{prefix}buyer-{r['buyer']}", "name": name}
    party = {**buyer, "identifier": {"scheme": "X-JIEBANG", "id": f"buyer-{r['buyer']}", "legalName": name},
             "roles": ["buyer", "procuringEntity"]}
    if level:
        party["details"] = {"level": level}
    parties = [party]
    supplier = None
    if r["outcome"] == "awarded":
        if r["winner"] == -2:  # an individual recruited to a post
            supplier = {"id": f"{prefix}person-{r['order']}", "name": "Individual recruited to the post"}
        elif r["winner"] == -3:  # the village committee of the order's village
            supplier = {"id": f"{prefix}village-committee-{r['order']}", "name": "Village committee (村民委员会)"}
        else:
            kind = codes.FIRM_KINDS[r["kind"]]
            supplier = {"id": f"{prefix}firm-{r['winner']}",
                        "name": f"{codes.FIRM_KIND_NAMES[kind]} {r['winner']}"}
        kind = {-2: "individual", -3: "village_committee"}.get(r["winner"]) or codes.FIRM_KINDS[r["kind"]]
        parties.append({**supplier, "roles": ["supplier"], "details": {"kind": kind}})
    return buyer, parties, supplier


def release(r: dict, item: Mapping[str, str], info: RunInfo) -> dict:
    """One release from one tender-log row (a dict of the columns named in `releases`)."""
    ocid = f"{codes.OCID_PREFIX}-{r['run']}-{r['order']}"
    prefix = f"{r['run']}-"
    method = codes.METHODS[r["method"]]
    years = r["term"] / 12.0
    awarded = r["outcome"] == "awarded"
    buyer, parties, supplier = _parties(r, info, prefix)
    date = codes.month_start(r["month"])
    tender = {
        "id": f"{ocid}-tender-{r['seq']}", "title": item["en"], "description": item["zh"],
        "status": "complete" if awarded else "unsuccessful", "procuringEntity": buyer,
        "items": [{"id": "1", "description": f"{item['en']} ({item['zh']})",
                   "classification": {"scheme": codes.CLASSIFICATION_SCHEME, "id": r["item"],
                                      "description": item["zh"]},
                   "additionalClassifications": [{"scheme": codes.CATEGORY_SCHEME, "id": item["category"],
                                                  "description": item["category_zh"]}],
                   "quantity": max(int(r["lot"]), 1)}],
        "value": _amount(r["reserve"] * years), "procurementMethod": method.ocds,
        "procurementMethodDetails": f"{method.zh} ({method.en})", "mainProcurementCategory": "services",
        "contractPeriod": {"startDate": date, "endDate": codes.month_end(r["month"] + r["term"] - 1)},
        # extension fields (experiments/ocds/extension)
        "placeLevel": r["place"], "distanceKm": round(float(r["distance"]), 3), "attempt": int(r["attempt"]),
        "noticeReach": {"notified": int(r["notified"]), "eligible": int(r["eligible"])},
        "lotVillages": int(r["lot"]),
    }
    fields = {"numberOfTenderers": int(r["bids"]) if method.tenderers else None,
              "awardCriteria": info.award_criteria if method.tenderers else None,
              "respondents": None if method.tenderers else int(r["bids"]),
              "failureReason": None if awarded else r["outcome"]}
    # a later attempt sets what does not apply to it to null, so that compiling the process
    # (ocdsmerge, ocdskit compile) does not carry an open tender's fields into the fallback
    tender.update({k: v for k, v in fields.items() if v is not None or r["seq"] > 1})
    out = {"ocid": ocid, "id": f"{ocid}-{r['seq']:02d}", "date": date,
           "tag": ["tender", "award", "contract"] if awarded else ["tender"], "initiationType": "tender",
           "language": "en", "parties": parties, "buyer": buyer,
           "planning": {"budget": {"amount": _amount(r["value"] * years)}}, "tender": tender}
    if awarded:
        value = _amount(r["price"] * years)
        period = tender["contractPeriod"]
        award_id = f"{ocid}-award-{r['seq']}"
        out["awards"] = [{"id": award_id, "status": "active", "date": date, "value": value, "suppliers": [supplier],
                          "contractPeriod": period, "connectedSupplier": bool(r["favoured"])}]
        out["contracts"] = [{"id": f"{ocid}-contract-{r['seq']}", "awardID": award_id, "status": "active",
                             "value": value, "period": period}]
    return out


def package(rels: list[dict], *, published: str, uri: str, extension: str | None = None) -> dict:
    """A release package around `rels`."""
    return {"uri": uri, "version": "1.1", "publishedDate": published, "publisher": PUBLISHER,
            "extensions": [extension or EXTENSION_URL], "releases": rels}


def write(rels: Iterable[dict], path: Path, *, published: str, extension: str | None = None) -> int:
    """Write releases as one package (``.json``) or JSON Lines of packages (``.jsonl``, or
    ``.jsonl.gz`` gzipped, with no name or time in its header: the same bytes every time).

    Written under a temporary name and renamed into place. Returns the number of releases.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    n = 0
    with open(tmp, "wb") as raw:
        gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) if path.name.endswith(".gz") else None
        with io.TextIOWrapper(gz or raw, encoding="utf-8", newline="\n") as fh:
            if path.name.endswith((".jsonl", ".jsonl.gz")):
                batch: list[dict] = []
                for rel in rels:
                    batch.append(rel)
                    if len(batch) == LINE_RELEASES:
                        n += _line(fh, batch, path, published, extension)
                        batch = []
                if batch:
                    n += _line(fh, batch, path, published, extension)
            else:
                body = list(rels)
                n = len(body)
                json.dump(package(body, published=published, uri=path.resolve().as_uri(), extension=extension),
                          fh, ensure_ascii=False, indent=1)
                fh.write("\n")
    os.replace(tmp, path)
    return n


def write_auto(rels: Iterable[dict], stem: Path, *, published: str, extension: str | None = None,
               compress_above_mb: float = codes.COMPRESS_ABOVE_MB) -> tuple[Path, int]:
    """Write ``stem.json``, or ``stem.jsonl.gz`` once the releases pass `compress_above_mb` MB
    of compact JSON (measured as they come; at most that much is held in memory).

    Returns:
        The file written and its number of releases.
    """
    limit, size, held = compress_above_mb * 1e6, 0, []
    rels = iter(rels)
    for rel in rels:
        text = json.dumps(rel, ensure_ascii=False, separators=(",", ":"))
        held.append(text)
        size += len(text.encode("utf-8"))
        if size > limit:
            path = stem.with_name(stem.name + ".jsonl.gz")
            return path, write(chain((json.loads(t) for t in held), rels), path, published=published,
                               extension=extension)
    path = stem.with_name(stem.name + ".json")
    return path, write((json.loads(t) for t in held), path, published=published, extension=extension)


def _line(fh, batch: list[dict], path: Path, published: str, extension: str | None) -> int:
    pkg = package(batch, published=published, uri=f"{path.resolve().as_uri()}#{batch[0]['id']}", extension=extension)
    fh.write(json.dumps(pkg, ensure_ascii=False, separators=(",", ":")) + "\n")
    return len(batch)


class ExportError(ValueError):
    """The results folder cannot be exported (no tender logs...)."""


def export_folder(folder: str | Path, *, fmt: str = "auto", extension: str | None = None,
                  compress_above_mb: float = codes.COMPRESS_ABOVE_MB) -> dict[str, tuple[Path, int]]:
    """Write the tender logs of a results folder as OCDS, one package file per scenario.

    Args:
        folder: A results folder written by `run --tenders`.
        fmt: "json", "jsonl", "jsonl.gz" or "auto" (``.json``, or ``.jsonl.gz`` above
            `compress_above_mb`).
        extension: URL of the extension to list in the packages (default: `EXTENSION_URL`).
        compress_above_mb: the size of compact JSON above which "auto" compresses (MB).

    Returns:
        Scenario -> (file written, number of releases).

    Raises:
        ExportError: if the folder has no tender logs or no runs table.
    """
    folder = Path(folder)
    tenders, runs = folder / "tenders.parquet", folder / "runs.parquet"
    if not runs.is_file():
        raise ExportError(f"{folder}: no runs.parquet (not a results folder, or the sweep has not finished)")
    if not tenders.is_file():
        raise ExportError(f"{folder}: no tenders.parquet; rerun the sweep with --tenders (or use run --ocds)")
    from experiments.engine.folder import runs_stamp, tender_coverage

    coverage = tender_coverage(folder)
    if coverage is not None and coverage[0] < coverage[1]:
        raise ExportError(f"{folder}: tender logs cover {coverage[0]} of its {coverage[1]} runs; an "
                          "export would describe only those; rerun the sweep with --fresh --tenders")
    manifest = json.loads((folder / "manifest.json").read_text()) if (folder / "manifest.json").is_file() else {}
    params = manifest.get("parameters") or {}
    published = _published(manifest)
    scen = pd.read_parquet(runs, columns=["run_id", "scenario"])
    log = pd.read_parquet(tenders).merge(scen, on="run_id", how="left")
    info = {run: RunInfo(params.get(s)) for run, s in zip(scen["run_id"], scen["scenario"])}
    out = folder / "ocds"
    out.mkdir(exist_ok=True)
    (out / STAMP).unlink(missing_ok=True)  # until the last file lands, the export is partial
    for tmp in out.glob(".*.tmp"):  # an export that was killed
        tmp.unlink()
    written = {}
    for name, part in log.groupby("scenario", sort=True, observed=True):
        rels = releases(part, info)
        if fmt == "auto":
            path, n = write_auto(rels, out / str(name), published=published, extension=extension,
                                 compress_above_mb=compress_above_mb)
        else:
            path = out / f"{name}.{fmt}"
            n = write(rels, path, published=published, extension=extension)
        for stale in (out / f"{name}{suffix}" for suffix in SUFFIXES):
            if stale != path and stale.exists():
                stale.unlink()  # a re-export in another format replaces the earlier file
        written[str(name)] = (path, n)
    stamp = {**runs_stamp(folder), "files": sorted(p.name for p, _ in written.values())}
    tmp = out / f".{STAMP}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, out / STAMP)
    return written


def export_files(out: Path) -> dict[str, Path]:
    """Scenario -> file of the export in `out` (DIR/ocds), whatever its kind (`SUFFIXES`)."""
    found = {}
    for path in sorted(out.iterdir()) if out.is_dir() else []:
        suffix = next((x for x in SUFFIXES[::-1] if path.name.endswith(x)), None)
        if suffix and path.is_file() and path.name != STAMP and not path.name.startswith("."):
            found[path.name[: -len(suffix)]] = path
    return found


def export_problem(folder: str | Path) -> str | None:
    """Why a results folder's OCDS export cannot be used as it is (None: it is current).

    An export is current when its stamp (``ocds/export.json``, written after its last file) names
    exactly the runs the folder now holds and its files are all there.
    """
    from experiments.engine.folder import runs_stamp

    out = Path(folder) / "ocds"
    if [p for p in out.glob(".*.tmp") if ".json" in p.name]:  # not indicators.csv's
        return "partial (an export was interrupted: a .tmp file was left behind)"
    try:
        stamp = json.loads((out / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "partial or unstamped (no ocds/export.json: interrupted, or made before exports were stamped)"
    now = runs_stamp(Path(folder))
    if not isinstance(stamp, dict) or stamp.get("run_ids_sha256") != now["run_ids_sha256"]:
        return f"stale (covers {stamp.get('runs') if isinstance(stamp, dict) else '?'} runs, the folder holds {now['runs']})"
    missing = [f for f in stamp.get("files", []) if not (out / f).is_file()]
    return f"partial ({', '.join(missing)} missing)" if missing else None


def _published(manifest: Mapping[str, Any]) -> str:
    """The package date: when the sweep finished (deterministic for a folder)."""
    finished = manifest.get("finished")
    if isinstance(finished, str) and finished:
        return pd.Timestamp(finished).isoformat()
    return codes.month_start(1)
