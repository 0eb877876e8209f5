"""The demo world: a curated catalog with seeded simulated shoppers and known answers.

`generate` reads the catalog of ``data/demo`` (`recsys_core.data.demo_catalog`) and
simulates ``customers`` shoppers in three countries over ``days`` days from ``seed``:

- Devices (phones, laptops, coffee machines...) are bought in search sessions: the shopper
  types a query, clicks several matching products of the same type (substitutes) and buys one.
- Owners later buy complements of what they own (phone -> case), never the reverse. For each
  device and complement type one product is the planted favourite, bought with probability
  ``planted_preference``; the other fitting products share the rest.
- Consumables are rebought on product-specific log-normal cycles: ln(interval in days) ~
  N(mu, sigma) with planted mu and sigma per product. Some customers buy them from day 0 on
  as a habit, others adopt them later in a search session.
- A share of the catalog (``cold_start_share``) is new: it has features but no orders,
  views or clicks.
- Browsing sessions add queries and clicks without a purchase.

The co-purchase table is derived from the simulated orders (src -> dst when customers who
bought src later bought dst, with support and confidence thresholds), the co-view table from
the simulated sessions. The planted truth comes back as a `DemoTruth`.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import logging
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd

from recsys_core import cache
from recsys_core.data import folder as folder_format
from recsys_core.data.demo_catalog import Catalog, Complement, load_catalog
from recsys_core.data.demo_queries import Query, QueryWriter, matches
from recsys_core.data.schema import TABLES, Dataset, DatasetError, make_dataset
from recsys_core.progress import ProgressCallback, report

logger = logging.getLogger(__name__)

NAME = "demo"
SIMULATOR_VERSION = 1
DEFAULT_CUSTOMERS = 2000
DEFAULT_DAYS = 365
DEFAULT_SEED = 7
START_DATE = "2025-01-01"
MAX_CUSTOMERS = 200_000
MAX_DAYS = 3650
# The stakeholder example: the search page's "iphone 8" and the graph page's phone -> case.
EXAMPLE_PHONE = "apple-iphone-8-64gb-space-gray"
TRUTH_FILE = "truth.json"


@dataclass(frozen=True)
class DemoParams:
    """Parameters of one simulated world; equal parameters give identical tables."""

    customers: int = DEFAULT_CUSTOMERS
    days: int = DEFAULT_DAYS
    seed: int = DEFAULT_SEED
    start_date: str = START_DATE
    cold_start_share: float = 0.06  # share of products held back as new, with no history
    planted_preference: float = 0.8  # chance that an owner buys the planted complement
    habit_share: float = 0.6  # share of consumable buyers who already buy it on day 0
    browse_sessions_per_year: float = 5.0  # search sessions without a purchase, per customer
    min_support: int = 3  # co-purchase: customers who bought src and later dst
    min_confidence: float = 0.05  # co-purchase: support / customers who bought src
    min_coview_sessions: int = 2  # co-view: sessions that viewed both products

    def validate(self) -> "DemoParams":
        if not isinstance(self.customers, (int, np.integer)) or not 1 <= self.customers <= MAX_CUSTOMERS:
            raise ValueError(f"customers must be an integer from 1 to {MAX_CUSTOMERS}, got {self.customers!r}")
        if not isinstance(self.days, (int, np.integer)) or not 30 <= self.days <= MAX_DAYS:
            raise ValueError(f"days must be an integer from 30 to {MAX_DAYS}, got {self.days!r}")
        if not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {self.seed!r}")
        return self


@dataclass
class DemoTruth:
    """The planted answers of one demo world, for tests and evaluation.

    complement_pairs
        Planted directed product pairs (a, b): owners of a buy b later, never b before a.
    complement_types, substitute_types, substitute_brands
        The type and brand relations declared in ``data/demo/world.json``.
    cycles
        DataFrame product_id, mu, sigma: ln(days between two purchases) ~ N(mu, sigma) for
        every consumable, with ``cold_start`` True for products that have no orders.
    cold_start_products
        Ids of products that have features but no orders, views or clicks.
    query_truth
        DataFrame query, country, intents (types by click share), intent_shares, attributes
        (tag -> canonical value stated in the query), implied (attribute -> value shared by every
        product that matches the query), readings (how many different attribute readings the
        sessions behind this text had; the most frequent one is given), complement_types,
        substitute_brands.
    country_types
        Product types sold in each country: the label space of query intents there.
    examples
        Ids of the stakeholder example: the iPhone 8 ``phone`` and its planted ``case``.
    cold_start_complements
        Pairs (device, complement) where either product is new and the complement fits the
        device by a match rule of world.json (a case for the same model, pods for the same
        system): the related products a cold-start model should find.
    """

    params: dict[str, Any]
    complement_pairs: list[tuple[str, str]]
    complement_types: list[tuple[str, str]]
    substitute_types: list[tuple[str, str]]
    substitute_brands: list[tuple[str, str]]
    cycles: pd.DataFrame
    cold_start_products: list[str]
    query_truth: pd.DataFrame
    country_types: dict[str, list[str]] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)
    cold_start_complements: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> str:
        payload = {
            "params": self.params,
            "complement_pairs": [list(pair) for pair in self.complement_pairs],
            "complement_types": [list(pair) for pair in self.complement_types],
            "substitute_types": [list(pair) for pair in self.substitute_types],
            "substitute_brands": [list(pair) for pair in self.substitute_brands],
            "cycles": self.cycles.to_dict(orient="records"),
            "cold_start_products": list(self.cold_start_products),
            "query_truth": self.query_truth.to_dict(orient="records"),
            "country_types": self.country_types,
            "examples": self.examples,
            "cold_start_complements": [list(pair) for pair in self.cold_start_complements],
        }
        return json.dumps(payload, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "DemoTruth":
        payload = json.loads(text)
        return cls(
            params=payload["params"],
            complement_pairs=[tuple(pair) for pair in payload["complement_pairs"]],
            complement_types=[tuple(pair) for pair in payload["complement_types"]],
            substitute_types=[tuple(pair) for pair in payload["substitute_types"]],
            substitute_brands=[tuple(pair) for pair in payload["substitute_brands"]],
            cycles=pd.DataFrame(payload["cycles"], columns=["product_id", "mu", "sigma", "cold_start"]),
            cold_start_products=list(payload["cold_start_products"]),
            query_truth=pd.DataFrame(payload["query_truth"], columns=QUERY_TRUTH_COLUMNS),
            country_types=payload.get("country_types", {}),
            examples=payload.get("examples", {}),
            cold_start_complements=[tuple(pair) for pair in payload.get("cold_start_complements", [])],
        )


QUERY_TRUTH_COLUMNS = ["query", "country", "intents", "intent_shares", "attributes", "implied", "readings",
                       "complement_types", "substitute_brands"]


def _source_version() -> str:
    try:
        return f"{SIMULATOR_VERSION}-{load_catalog().fingerprint}"
    except (DatasetError, OSError, KeyError, ValueError):  # the loader reports it when the dataset loads
        return f"{SIMULATOR_VERSION}-unreadable"


# The registry caches the `demo` dataset on disk keyed by this; editing the catalog or the
# simulator version rebuilds it.
SOURCE_VERSION = _source_version()


# --- public API ------------------------------------------------------------------------------------


def generate(customers: int = DEFAULT_CUSTOMERS, days: int = DEFAULT_DAYS, seed: int = DEFAULT_SEED,
             progress: Optional[ProgressCallback] = None, **options: Any) -> tuple[Dataset, DemoTruth]:
    """Simulate the demo world and return its `Dataset` and planted `DemoTruth`.

    Parameters
    ----------
    customers, days, seed
        Number of shoppers, length of the simulated period in days, and the random seed.
        The same three values (and `options`) always give byte-identical tables.
    progress
        Optional ``(fraction, message)`` callback.
    options
        Other `DemoParams` fields, such as ``min_support`` or ``cold_start_share``.

    Raises
    ------
    ValueError
        When a parameter is out of range.
    """
    params = DemoParams(customers=customers, days=days, seed=seed, **options).validate()
    started = time.perf_counter()
    report(progress, 0.0, "Reading the demo catalog")
    catalog = load_catalog()
    simulation = _Simulation(catalog, params, progress)
    simulation.run()
    report(progress, 0.8, "Deriving co-purchase and co-view edges")
    dataset, truth = simulation.build()
    logger.info("generated demo world (%d customers, %d days, seed %d) in %.1f s",
                params.customers, params.days, params.seed, time.perf_counter() - started)
    report(progress, 1.0, "Demo world ready")
    return dataset, truth


def load(progress: Optional[ProgressCallback] = None) -> Dataset:
    """Return the demo world with default parameters; the registry caches it on disk.

    The truth of the same world is written to the artefact cache, where `load_truth` finds it.
    """
    dataset, truth = generate(progress=progress)
    _save_truth_to_cache(truth)
    return dataset


def load_truth(customers: int = DEFAULT_CUSTOMERS, days: int = DEFAULT_DAYS, seed: int = DEFAULT_SEED,
               progress: Optional[ProgressCallback] = None) -> DemoTruth:
    """Return the planted truth of a world, from the artefact cache or by generating it."""
    params = DemoParams(customers=customers, days=days, seed=seed).validate()
    path = _truth_cache_path(params)
    if path.is_file():
        return DemoTruth.from_json(path.read_text(encoding="utf-8"))
    _, truth = generate(customers=customers, days=days, seed=seed, progress=progress)
    _save_truth_to_cache(truth)
    return truth


def materialize(customers: int = DEFAULT_CUSTOMERS, days: int = DEFAULT_DAYS, seed: int = DEFAULT_SEED,
                out: Optional[str | Path] = None, progress: Optional[ProgressCallback] = None) -> Path:
    """Write a world as a dataset folder with ``truth.json`` beside the tables; return the folder.

    Without `out` the folder goes to the artefact cache and is reused when it already exists.
    Any app page or CLI command reads it as the dataset spec ``folder:PATH``.
    """
    params = DemoParams(customers=customers, days=days, seed=seed).validate()
    if out is None:
        target = cache.artifact_path("demo-worlds", _params_key(params))
        if (target / "info.json").is_file() and (target / TRUTH_FILE).is_file():
            report(progress, 1.0, f"Demo world already written to {target}")
            return target
    else:
        target = check_target(out)  # checked before generating, so a wrong folder fails at once
    dataset, truth = generate(customers=customers, days=days, seed=seed, progress=progress)
    save_world(dataset, truth, target)
    _save_truth_to_cache(truth)
    return target


def check_target(target: str | Path) -> Path:
    """Return `target` as a path when a demo world may be written there.

    Raises
    ------
    ValueError
        When `target` is a file or a folder that contains files other than an earlier demo world.
    """
    target = Path(target).expanduser()
    if target.exists() and not target.is_dir():
        raise ValueError(f"{target} exists and is not a folder; choose a new folder for the demo world")
    if target.is_dir():
        world_files = {TRUTH_FILE, "info.json"} | {f"{table}.parquet" for table in TABLES}
        foreign = sorted(path.name for path in target.iterdir() if path.name not in world_files)
        if foreign:
            raise ValueError(
                f"{target} already contains files that are not part of a demo world ({', '.join(foreign[:5])}); "
                "choose a new or empty folder")
    return target


def save_world(dataset: Dataset, truth: DemoTruth, target: str | Path) -> Path:
    """Write `dataset` in the folder format and its truth as ``truth.json`` in the same folder.

    An existing folder is replaced only when it contains nothing but an earlier demo world, so a
    mistyped ``--out`` never deletes a user's files.

    Raises
    ------
    ValueError
        When `target` is a file, a folder with other content, or cannot be written.
    """
    target = check_target(target)

    def write(tmp: Path) -> None:
        folder_format.save(dataset, tmp)
        (tmp / TRUTH_FILE).write_text(truth.to_json(), encoding="utf-8")

    try:
        return cache.atomic_write(target, write)
    except OSError as error:
        raise ValueError(f"cannot write the demo world to {target}: {error.strerror}") from None


def read_truth(world_folder: str | Path) -> DemoTruth:
    """Read the ``truth.json`` that `save_world` wrote beside a dataset."""
    path = Path(world_folder) / TRUTH_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found; write the world with `recsys demo --out FOLDER` first")
    return DemoTruth.from_json(path.read_text(encoding="utf-8"))


def dataset_digest(dataset: Dataset) -> str:
    """SHA-256 of every table written as CSV (dicts and lists as sorted JSON), for equality checks."""
    digest = hashlib.sha256()
    for table in dataset.present_tables():
        frame = dataset.table(table).copy()
        for column in frame.columns:
            if frame[column].map(lambda value: isinstance(value, (dict, list, tuple))).any():
                frame[column] = frame[column].map(lambda value: json.dumps(value, sort_keys=True))
        digest.update(table.encode())
        digest.update(frame.to_csv(index=False).encode("utf-8"))
    return digest.hexdigest()


def _params_key(params: DemoParams) -> str:
    return cache.cache_key("demo-world", SOURCE_VERSION, asdict(params))


def _truth_cache_path(params: DemoParams) -> Path:
    return cache.artifact_path("demo-truth", _params_key(params), ".json")


def _save_truth_to_cache(truth: DemoTruth) -> None:
    params = DemoParams(**truth.params)
    cache.atomic_write_text(_truth_cache_path(params), truth.to_json())


# --- simulation ------------------------------------------------------------------------------------


@dataclass
class _Session:
    customer: int
    day: float
    query: Query
    country: str
    views: list[int]  # product indices clicked, the target first


class _Simulation:
    """One run of the simulator; `run` fills the event lists, `build` turns them into tables."""

    def __init__(self, catalog: Catalog, params: DemoParams, progress: Optional[ProgressCallback]):
        self.catalog = catalog
        self.params = params
        self.progress = progress
        self.rng = np.random.default_rng(params.seed)
        self.records = catalog.products.to_dict(orient="records")
        self.index = {record["product_id"]: i for i, record in enumerate(self.records)}
        self.writer = QueryWriter(catalog, self.rng)
        self.orders: list[tuple[int, int, float]] = []  # customer, product index, day
        self.sessions: list[_Session] = []
        self.country_of: list[str] = []

    # -- world set-up --

    def _setup(self) -> None:
        n = len(self.records)
        rng = self.rng
        self.popularity = rng.lognormal(0.0, 0.4, n)
        # Brand preference: Apple fans weight Apple products by 4. Everyone else weights
        # Samsung and Google by 2 and Apple by 0.4.
        brands = np.array([record["brand"] for record in self.records])
        self.fan_weight = (self.popularity * np.where(brands == "apple", 4.0, 1.0)).tolist()
        self.other_weight = (self.popularity * np.select(
            [brands == "apple", np.isin(brands, ["samsung", "google"])], [0.4, 2.0], 1.0)).tolist()
        self.cold = self._pick_cold_start()

        types = self.catalog.types
        self.mu = np.full(n, np.nan)
        self.sigma = np.full(n, np.nan)
        for i, record in enumerate(self.records):
            product_type = types[record["type"]]
            if product_type.role == "consumable":
                self.mu[i] = round(math.log(product_type.cycle_days) + rng.normal(0.0, 0.15), 4)
                self.sigma[i] = round(product_type.cycle_sigma * rng.uniform(0.85, 1.15), 4)

        # Warm products of each type sold in each country: the shelves shoppers see.
        self.shelf: dict[tuple[str, str], list[int]] = {}
        for i, record in enumerate(self.records):
            if self.cold[i]:
                continue
            for country in record["countries"]:
                self.shelf.setdefault((country, record["type"]), []).append(i)

        self.relations_from: dict[str, list[Complement]] = {}
        for relation in self.catalog.complements:
            self.relations_from.setdefault(relation.src_type, []).append(relation)
        self.complement_targets = {relation.dst_type for relation in self.catalog.complements}
        self.planted = self._plant_complements()

    def _pick_cold_start(self) -> np.ndarray:
        n = len(self.records)
        cold = self.rng.random(n) < self.params.cold_start_share
        cold[self.index[EXAMPLE_PHONE]] = False
        # Keep at least two products with history in every type.
        by_type: dict[str, list[int]] = {}
        for i, record in enumerate(self.records):
            by_type.setdefault(record["type"], []).append(i)
        for members in by_type.values():
            warm = [i for i in members if not cold[i]]
            for i in members:
                if len(warm) >= 2:
                    break
                if cold[i]:
                    cold[i] = False
                    warm.append(i)
        return cold

    def _plant_complements(self) -> dict[tuple[int, str], int]:
        """Choose each device's favourite complement of each complement type."""
        planted: dict[tuple[int, str], int] = {}
        for i, record in enumerate(self.records):
            if self.cold[i]:
                continue
            for relation in self.relations_from.get(record["type"], ()):
                fitting = self._fitting(relation, i, None)
                everywhere = [j for j in fitting if set(record["countries"]) <= set(self.records[j]["countries"])]
                choices = everywhere or fitting
                if choices:
                    planted[(i, relation.dst_type)] = choices[int(self.rng.integers(len(choices)))]
        return planted

    def _fitting(self, relation: Complement, owned: int, country: Optional[str]) -> list[int]:
        """Warm products of the relation's target type that fit product `owned` (in `country`)."""
        owned_attributes = self.records[owned]["attributes"]
        countries = [country] if country else self.catalog.countries
        seen, result = set(), []
        for code in countries:
            for j in self.shelf.get((code, relation.dst_type), ()):
                if j not in seen and self.catalog.fits(relation, owned_attributes, self.records[j]["attributes"]):
                    seen.add(j)
                    result.append(j)
        return sorted(result)

    # -- shoppers --

    def run(self) -> None:
        self._setup()
        params, rng = self.params, self.rng
        codes = list(self.catalog.countries)
        shares = np.array([self.catalog.countries[code]["share"] for code in codes], dtype=float)
        countries = rng.choice(len(codes), size=params.customers, p=shares / shares.sum())
        segment_names = list(self.catalog.segments)
        segment_shares = np.array([self.catalog.segments[name]["share"] for name in segment_names])
        segments = rng.random((params.customers, len(segment_names))) < segment_shares

        step = max(1, params.customers // 20)
        for customer in range(params.customers):
            country = codes[int(countries[customer])]
            self.country_of.append(country)
            member = {name for name, flag in zip(segment_names, segments[customer]) if flag}
            self._simulate_customer(customer, country, member)
            if customer % step == 0:
                report(self.progress, 0.05 + 0.7 * customer / params.customers,
                       f"Simulating shopper {customer + 1:,} of {params.customers:,}")

    def _simulate_customer(self, customer: int, country: str, segments: set[str]) -> None:
        params, rng, days = self.params, self.rng, self.params.days
        years = days / 365.0
        for product_type in self.catalog.types.values():
            if country not in product_type.countries:
                continue
            shelf = self.shelf.get((country, product_type.name), [])
            if not shelf:
                continue
            if product_type.role == "device":
                bought = rng.random() < 1.0 - math.exp(-product_type.purchase_rate * years)
                if bought:
                    # Devices are bought in the first 80% of the period so that complements can follow.
                    day = rng.uniform(0.0, 0.8 * days)
                    device = self._choose(shelf, segments)
                    self._search_and_buy(customer, country, day, device, shelf)
                    self._buy_complements(customer, country, segments, device, day)
                elif rng.random() < product_type.preowned_share:
                    device = self._choose(shelf, segments)
                    self._buy_complements(customer, country, segments, device, None)
            elif product_type.role == "consumable" and product_type.name not in self.complement_targets:
                if product_type.segment and product_type.segment not in segments:
                    continue
                if rng.random() < product_type.adopt_share:
                    product = self._choose(shelf, segments)
                    if rng.random() < params.habit_share:
                        self._repeat(customer, product, None)
                    else:
                        day = rng.uniform(0.0, days)
                        self._search_and_buy(customer, country, day, product, shelf)
                        self._repeat(customer, product, day)

        type_names = [name for name, entry in self.catalog.types.items() if country in entry.countries]
        for _ in range(int(rng.poisson(params.browse_sessions_per_year * years))):
            type_name = type_names[int(rng.integers(len(type_names)))]
            shelf = self.shelf.get((country, type_name), [])
            if shelf:
                target = self._choose(shelf, segments)
                self._session(customer, country, rng.uniform(0.0, days), target, shelf)

    def _buy_complements(self, customer: int, country: str, segments: set[str], device: int,
                         day: Optional[float]) -> None:
        """Buy complements of `device`, owned since `day` (None: owned before the simulation)."""
        rng, days = self.rng, self.params.days
        for relation in self.relations_from.get(self.records[device]["type"], ()):
            if rng.random() >= relation.probability:
                continue
            fitting = self._fitting(relation, device, country)
            if not fitting:
                continue
            consumable = self.catalog.types[relation.dst_type].role == "consumable"
            if day is None:
                if not consumable:
                    continue  # accessories of devices owned before day 0 were bought before day 0
                self._repeat(customer, self._choose(fitting, segments), None)
                continue
            favourite = self.planted.get((device, relation.dst_type))
            if favourite in fitting and rng.random() < self.params.planted_preference:
                product = favourite
            else:
                product = self._choose(fitting, segments)
            low, high = relation.delay_days
            when = day + rng.uniform(low, high)
            if when >= days:
                continue
            self._search_and_buy(customer, country, when, product, fitting)
            if consumable:
                self._repeat(customer, product, when)

    def _repeat(self, customer: int, product: int, first_day: Optional[float]) -> None:
        """Rebuy a consumable on its log-normal cycle, from `first_day` or as a habit from day 0."""
        rng, days = self.rng, self.params.days
        mu, sigma = self.mu[product], self.sigma[product]
        if first_day is None:
            # A habit formed before day 0: the first purchase falls at a uniform phase of a cycle.
            day = rng.uniform(0.0, 1.0) * rng.lognormal(mu, sigma)
            if day >= days:
                return
            self.orders.append((customer, product, day))
        else:
            day = first_day  # the adoption session already recorded this purchase
        while True:
            day += rng.lognormal(mu, sigma)
            if day >= days:
                return
            self.orders.append((customer, product, day))

    def _choose(self, candidates: list[int], segments: set[str]) -> int:
        """Pick one candidate by popularity, weighted by the customer's brand preference."""
        weights = self.fan_weight if "apple_fan" in segments else self.other_weight
        cumulative = list(itertools.accumulate(weights[j] for j in candidates))
        return candidates[bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])]

    def _search_and_buy(self, customer: int, country: str, day: float, product: int, pool: list[int]) -> None:
        self._session(customer, country, day, product, pool)
        self.orders.append((customer, product, day + 0.01))

    def _session(self, customer: int, country: str, day: float, target: int, pool: list[int]) -> None:
        """Record a search session: a query for `target`, then clicks on matching products of `pool`."""
        query = self.writer.write(self.records[target], country)
        others = [j for j in pool if j != target and matches(self.records[j], query.attributes)]
        extra = min(len(others), int(self.rng.integers(1, 6)))
        views = [target]
        if extra:
            # Weighted sampling without replacement: the `extra` smallest Exp(1) / weight keys.
            keys = self.rng.exponential(size=len(others)) / self.popularity[others]
            views.extend(others[int(k)] for k in sorted(np.argsort(keys, kind="stable")[:extra]))
        self.sessions.append(_Session(customer, day, query, country, views))

    # -- tables --

    def build(self) -> tuple[Dataset, DemoTruth]:
        params = self.params
        ids = [record["product_id"] for record in self.records]
        start = pd.Timestamp(params.start_date)

        products = pd.DataFrame({
            "product_id": ids,
            "title": [record["title"] for record in self.records],
            "type": [record["type"] for record in self.records],
            "brand": [record["brand"] for record in self.records],
            "category": [record["category"] for record in self.records],
            "price": [record["price"] for record in self.records],
            "attributes": [dict(record["attributes"]) for record in self.records],
            "countries": [" ".join(record["countries"]) for record in self.records],
        })

        raw = np.array(self.orders, dtype=float).reshape(-1, 3)
        seconds = np.round(raw[:, 2] * 86400.0).astype("int64")
        orders = pd.DataFrame({
            "customer_id": [f"C{int(c):06d}" for c in raw[:, 0]],
            "product_id": [ids[int(p)] for p in raw[:, 1]],
            "timestamp": start + pd.to_timedelta(seconds, unit="s"),
            "quantity": 1,
            "country": [self.country_of[int(c)] for c in raw[:, 0]],
        }).sort_values(["timestamp", "customer_id", "product_id"], kind="stable").reset_index(drop=True)
        orders["basket_id"] = [f"B{i:07d}" for i in range(len(orders))]

        copurchase = copurchase_from_orders(orders, params.min_support, params.min_confidence)
        coview = coview_from_sessions([[ids[j] for j in session.views] for session in self.sessions],
                                      params.min_coview_sessions)
        search_log, labelled, query_truth = self._search_tables(ids, products)

        truth = DemoTruth(
            params=asdict(params),
            complement_pairs=sorted((ids[a], ids[b]) for (a, _), b in self.planted.items()),
            complement_types=[(r.src_type, r.dst_type) for r in self.catalog.complements],
            substitute_types=list(self.catalog.substitute_types),
            substitute_brands=list(self.catalog.substitute_brands),
            cycles=pd.DataFrame({
                "product_id": [ids[i] for i in np.flatnonzero(~np.isnan(self.mu))],
                "mu": self.mu[~np.isnan(self.mu)],
                "sigma": self.sigma[~np.isnan(self.sigma)],
                "cold_start": self.cold[~np.isnan(self.mu)],
            }),
            cold_start_products=[ids[i] for i in np.flatnonzero(self.cold)],
            query_truth=query_truth,
            country_types={code: sorted(name for name, entry in self.catalog.types.items() if code in entry.countries)
                           for code in self.catalog.countries},
            examples=self._examples(ids),
            cold_start_complements=self._cold_start_complements(ids),
        )
        info = self._info(orders, copurchase, coview, search_log, labelled, truth)
        dataset = make_dataset(NAME, "demo simulator", info, products=products, copurchase=copurchase,
                               coview=coview, orders=orders, search_log=search_log, labelled_queries=labelled)
        return dataset, truth

    def _cold_start_complements(self, ids: list[str]) -> list[tuple[str, str]]:
        pairs = set()
        for relation in self.catalog.complements:
            if relation.match_to is None:
                continue
            devices = [i for i, record in enumerate(self.records) if record["type"] == relation.src_type]
            complements = [j for j, record in enumerate(self.records) if record["type"] == relation.dst_type]
            for i in devices:
                for j in complements:
                    if (self.cold[i] or self.cold[j]) and self.catalog.fits(
                            relation, self.records[i]["attributes"], self.records[j]["attributes"]):
                        pairs.add((ids[i], ids[j]))
        return sorted(pairs)

    def _examples(self, ids: list[str]) -> dict[str, str]:
        phone = self.index[EXAMPLE_PHONE]
        examples = {"phone": EXAMPLE_PHONE}
        case = self.planted.get((phone, "phone case"))
        if case is not None:
            examples["case"] = ids[case]
        return examples

    def _search_tables(self, ids: list[str], products: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        clicks: dict[tuple[str, str, str], int] = {}
        # The same text can come from different products with different readings: "air" is a
        # MacBook Air with "macbook" dropped or an iPad Air with "ipad" dropped. Each reading
        # (its stated attributes) is counted; the most frequent one is the query's truth.
        readings: dict[tuple[str, str], dict[tuple, list]] = {}
        intents: dict[tuple[str, str], dict[str, int]] = {}
        for session in self.sessions:
            key = (session.query.text, session.country)
            reading = tuple(sorted(session.query.attributes.items()))
            entry = readings.setdefault(key, {}).setdefault(reading, [session.query, 0])
            entry[1] += 1
            counts = intents.setdefault(key, {})
            for j in session.views:
                click_key = (session.query.text, session.country, ids[j])
                clicks[click_key] = clicks.get(click_key, 0) + 1
                counts[self.records[j]["type"]] = counts.get(self.records[j]["type"], 0) + 1

        search_log = pd.DataFrame(
            [(query, country, product, count) for (query, country, product), count in sorted(clicks.items())],
            columns=["query", "country", "product_id", "clicks"])
        keys = list(readings)  # in order of first appearance, which the seed fixes
        first = {key: max(readings[key].values(), key=lambda entry: entry[1])[0] for key in keys}
        labelled = pd.DataFrame({
            "query_id": [f"Q{i:06d}" for i in range(len(keys))],
            "query": [text for text, _ in keys],
            "tokens": [list(first[key].tokens) for key in keys],
            "tags": [list(first[key].tags) for key in keys],
            "country": [country for _, country in keys],
        })

        complements_of: dict[str, list[str]] = {}
        for relation in self.catalog.complements:
            complements_of.setdefault(relation.src_type, []).append(relation.dst_type)
        brand_substitutes: dict[str, list[str]] = {}
        for a, b in self.catalog.substitute_brands:
            brand_substitutes.setdefault(a, []).append(b)
            brand_substitutes.setdefault(b, []).append(a)
        brands_of_type: dict[str, set[str]] = {}
        for record in self.records:
            brands_of_type.setdefault(record["type"], set()).add(record["brand"])

        rows = []
        for key in keys:
            counts = intents[key]
            total = sum(counts.values())
            ranked = sorted(counts, key=lambda name: (-counts[name], name))
            attributes = {tag: value for tag, value in first[key].attributes.items() if tag != "type"}
            implied = self._implied(key[1], ranked[0], first[key].attributes)
            brand = attributes.get("brand") or implied.get("brand")
            rows.append({
                "query": key[0], "country": key[1], "intents": ranked,
                "intent_shares": {name: round(counts[name] / total, 4) for name in ranked},
                "attributes": attributes, "implied": implied,
                "readings": len(readings[key]),
                "complement_types": complements_of.get(ranked[0], []),
                # Substitute brands that also sell the intent type: samsung for an iPhone, not garmin.
                "substitute_brands": sorted(other for other in brand_substitutes.get(brand, [])
                                            if other in brands_of_type[ranked[0]]) if brand else [],
            })
        return search_log, labelled, pd.DataFrame(rows, columns=QUERY_TRUTH_COLUMNS)

    def _implied(self, country: str, intent: str, stated: dict[str, str]) -> dict[str, str]:
        """Attribute values shared by every product of `intent` in `country` that matches `stated`."""
        wanted = {**stated, "type": intent}
        if not hasattr(self, "_by_type_country"):
            self._by_type_country: dict[tuple[str, str], list[dict]] = {}
            for record in self.records:
                for code in record["countries"]:
                    self._by_type_country.setdefault((record["type"], code), []).append(record)
        matching = [record for record in self._by_type_country.get((intent, country), ())
                    if matches(record, wanted)]
        if not matching:
            return {}
        shared = {"brand": matching[0]["brand"], **matching[0]["attributes"]}
        for record in matching[1:]:
            values = {"brand": record["brand"], **record["attributes"]}
            shared = {name: value for name, value in shared.items() if values.get(name) == value}
        stated_attributes = {"brand" if tag == "brand" else tag for tag in stated}
        return {name: value for name, value in sorted(shared.items())
                if name not in stated_attributes and name != "count"}

    def _info(self, orders, copurchase, coview, search_log, labelled, truth) -> dict[str, Any]:
        params = self.params
        return {
            "description": (f"Demo world: {len(self.records)} curated products, {params.customers:,} simulated "
                            f"shoppers in {len(self.catalog.countries)} countries over {params.days} days "
                            f"(seed {params.seed})."),
            "simulated": [
                "search sessions: a query written from a catalog product, clicks on matching substitutes, one purchase",
                "complements bought after the device they fit (phone -> case), never before",
                "consumables rebought on product-specific log-normal cycles",
                f"{len(truth.cold_start_products)} new products with features but no history (cold start)",
                "browsing sessions with queries and clicks but no purchase",
            ],
            "params": asdict(params),
            "copurchase_rule": (f"src -> dst when at least {params.min_support} customers bought dst after src "
                                f"and they are at least {params.min_confidence:.0%} of src's buyers; "
                                "weight = that share (confidence)"),
            "coview_rule": (f"products clicked in the same search session, in at least "
                            f"{params.min_coview_sessions} sessions; weight = number of sessions"),
            "price_note": "list prices in US dollars in every country",
            # Declared in data/demo/world.json, as a seller's catalog would state them.
            "relations": {
                "complement_types": [list(pair) for pair in truth.complement_types],
                "substitute_types": [list(pair) for pair in truth.substitute_types],
                "substitute_brands": [list(pair) for pair in truth.substitute_brands],
            },
            "source": f"data/demo catalog {self.catalog.fingerprint}, simulator version {SIMULATOR_VERSION}",
            "examples": truth.examples,
            "counts": {
                "customers": params.customers, "orders": int(len(orders)), "sessions": len(self.sessions),
                "search_queries": int(search_log["query"].nunique()), "labelled_queries": int(len(labelled)),
                "copurchase_edges": int(len(copurchase)), "coview_edges": int(len(coview)),
                "planted_complement_pairs": len(truth.complement_pairs),
                "cold_start_products": len(truth.cold_start_products),
            },
        }


# --- derived edges -----------------------------------------------------------------------------------


def copurchase_from_orders(orders: pd.DataFrame, min_support: int, min_confidence: float) -> pd.DataFrame:
    """Directed edges src -> dst from orders: customers who bought src and later bought dst.

    Only each customer's first purchase of a product counts. ``support`` is the number of such
    customers, ``confidence`` is support divided by the customers who bought src; an edge needs
    ``support >= min_support`` and ``confidence >= min_confidence``. ``weight`` is the confidence.
    """
    columns = ["src", "dst", "weight", "provenance", "support", "confidence"]
    first = orders.groupby(["customer_id", "product_id"], as_index=False)["timestamp"].min()
    pairs = first.merge(first, on="customer_id", suffixes=("_src", "_dst"))
    pairs = pairs[pairs["timestamp_src"] < pairs["timestamp_dst"]]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    support = pairs.groupby(["product_id_src", "product_id_dst"]).size().rename("support").reset_index()
    buyers = first.groupby("product_id").size()
    support["confidence"] = support["support"] / support["product_id_src"].map(buyers)
    kept = support[(support["support"] >= min_support) & (support["confidence"] >= min_confidence)]
    edges = pd.DataFrame({
        "src": kept["product_id_src"].to_numpy(),
        "dst": kept["product_id_dst"].to_numpy(),
        "weight": kept["confidence"].round(6).to_numpy(),
        "provenance": "simulated orders: bought later",
        "support": kept["support"].astype("int64").to_numpy(),
        "confidence": kept["confidence"].round(6).to_numpy(),
    })
    return edges.sort_values(["src", "dst"]).reset_index(drop=True)


def coview_from_sessions(sessions: list[list[str]], min_sessions: int) -> pd.DataFrame:
    """Co-view edges between products clicked in the same session, each pair stored once (src < dst)."""
    counts: dict[tuple[str, str], int] = {}
    for views in sessions:
        unique = sorted(set(views))
        for i, a in enumerate(unique):
            for b in unique[i + 1:]:
                counts[(a, b)] = counts.get((a, b), 0) + 1
    rows = [(a, b, float(n), "simulated sessions: viewed together", n)
            for (a, b), n in sorted(counts.items()) if n >= min_sessions]
    return pd.DataFrame(rows, columns=["src", "dst", "weight", "provenance", "sessions"])
