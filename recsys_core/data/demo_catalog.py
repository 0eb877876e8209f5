"""Read the demo world's catalog: ``data/demo/world.json`` and ``data/demo/products.csv``.

``world.json`` declares the product types (role, countries, search nouns, purchase rates and
repurchase cycles), the complement relations between types, the substitute types and brands,
and spelling aliases. ``products.csv`` lists the products, written by
``data/demo/build_catalog.py``. Both are data: the simulator in `recsys_core.data.demo` reads
every rule from them. ``RECSYS_DEMO_CATALOG`` points at another folder with the same two files.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pandas as pd

from recsys_core.data.schema import DatasetError

ROLES = ("device", "accessory", "consumable")


def catalog_folder() -> Path:
    """Folder of the demo catalog: ``$RECSYS_DEMO_CATALOG`` or ``data/demo`` in the repository."""
    override = os.environ.get("RECSYS_DEMO_CATALOG")
    if override:
        return Path(override).expanduser()
    # NOTE: data/demo sits outside the package, so only a source checkout or an editable
    # install finds it here; a wheel install needs RECSYS_DEMO_CATALOG.
    return Path(__file__).resolve().parents[2] / "data" / "demo"


@dataclass(frozen=True)
class ProductType:
    name: str
    category: str
    role: str
    countries: tuple[str, ...]
    nouns: dict[str, tuple[tuple[str, str], ...]]  # country or "default" -> (singular, plural)
    purchase_rate: float = 0.0  # devices: yearly rate r; P(buy one) = 1 - exp(-r * days / 365)
    preowned_share: float = 0.0  # devices: share of customers who owned one before day 0
    adopt_share: float = 0.0  # stand-alone consumables: share of eligible customers who buy them
    segment: Optional[str] = None  # consumables bought only by customers of this segment
    cycle_days: float = 0.0  # consumables: median days between two purchases
    cycle_sigma: float = 0.0  # consumables: standard deviation of the log interval

    def nouns_for(self, country: str) -> tuple[tuple[str, str], ...]:
        return self.nouns.get(country) or self.nouns["default"]


@dataclass(frozen=True)
class Complement:
    """Owners of a ``src_type`` product later buy a ``dst_type`` product, never the reverse.

    A dst product fits a src product when ``dst.attributes[match_to]`` equals
    ``src.attributes[match_from]``; without a match rule every dst product fits.
    """

    src_type: str
    dst_type: str
    probability: float
    delay_days: tuple[float, float]
    match_to: Optional[str]
    match_from: Optional[str]


@dataclass
class Catalog:
    products: pd.DataFrame  # product_id, title, type, brand, category, price, attributes, countries
    types: dict[str, ProductType]
    complements: list[Complement]
    substitute_types: list[tuple[str, str]]
    substitute_brands: list[tuple[str, str]]
    countries: dict[str, dict]
    segments: dict[str, dict]
    aliases: dict[str, tuple[str, ...]]
    fingerprint: str

    def fits(self, relation: Complement, src_attributes: dict, dst_attributes: dict) -> bool:
        if relation.match_to is None:
            return True
        wanted = src_attributes.get(relation.match_from)
        return wanted is not None and dst_attributes.get(relation.match_to) == wanted


def load_catalog(folder: Optional[Path] = None) -> Catalog:
    """Read and check the demo catalog in `folder` (default: `catalog_folder()`).

    Raises
    ------
    DatasetError
        When a file is missing or a type, brand or country named in a rule is unknown.
    """
    folder = Path(folder) if folder is not None else catalog_folder()
    world_file, products_file = folder / "world.json", folder / "products.csv"
    for file in (world_file, products_file):
        if not file.is_file():
            raise DatasetError(f"demo catalog file {file} is missing; set RECSYS_DEMO_CATALOG to a folder "
                               "with world.json and products.csv, or run data/demo/build_catalog.py")
    world_bytes, products_bytes = world_file.read_bytes(), products_file.read_bytes()
    try:
        world = json.loads(world_bytes)
    except json.JSONDecodeError as error:
        raise DatasetError(f"{world_file}: invalid JSON on line {error.lineno}: {error.msg}") from None

    countries = world["countries"]
    types = {entry["type"]: _product_type(entry, tuple(countries), world_file) for entry in world["types"]}

    products = pd.read_csv(products_file, dtype=str, keep_default_na=False)
    products["price"] = products["price"].astype(float)
    products["attributes"] = products["attributes"].map(json.loads)
    products["countries"] = products["countries"].map(lambda text: tuple(text.split()))
    unknown_types = sorted(set(products["type"]) - set(types))
    if unknown_types:
        raise DatasetError(f"{products_file}: product types {unknown_types} are not declared in {world_file}")

    complements = []
    for entry in world["complements"]:
        for key in ("from", "to"):
            if entry[key] not in types:
                raise DatasetError(f"{world_file}: complement {entry['from']!r} -> {entry['to']!r} names "
                                   f"unknown type {entry[key]!r}")
        match = entry.get("match") or {}
        low, high = entry["delay_days"]
        complements.append(Complement(entry["from"], entry["to"], float(entry["probability"]),
                                      (float(low), float(high)), match.get("to"), match.get("from")))

    brands = set(products["brand"])
    substitute_brands = [tuple(pair) for pair in world["substitute_brands"]]
    for pair in substitute_brands:
        missing = [brand for brand in pair if brand not in brands]
        if missing:
            raise DatasetError(f"{world_file}: substitute brands {list(pair)} name {missing}, "
                               "which no product in products.csv has")
    substitute_types = [tuple(pair) for pair in world["substitute_types"]]
    for pair in substitute_types:
        if any(name not in types for name in pair):
            raise DatasetError(f"{world_file}: substitute types {list(pair)} name an undeclared type")

    fingerprint = hashlib.sha256(world_bytes + b"\0" + products_bytes).hexdigest()[:16]
    return Catalog(
        products=products,
        types=types,
        complements=complements,
        substitute_types=substitute_types,
        substitute_brands=substitute_brands,
        countries=countries,
        segments=world["segments"],
        aliases={key: tuple(values) for key, values in world.get("aliases", {}).items()},
        fingerprint=fingerprint,
    )


def _product_type(entry: dict, all_countries: tuple[str, ...], origin: Path) -> ProductType:
    name = entry["type"]
    if entry["role"] not in ROLES:
        raise DatasetError(f"{origin}: type {name!r} has role {entry['role']!r}; expected one of {ROLES}")
    countries = tuple(entry.get("countries", all_countries))
    unknown = [country for country in countries if country not in all_countries]
    if unknown:
        raise DatasetError(f"{origin}: type {name!r} is sold in unknown countries {unknown}")
    nouns = {}
    for country, words in entry["nouns"].items():
        pairs = []
        for word in words:
            singular, _, plural = word.partition("|")
            pairs.append((singular, plural or singular))
        nouns[country] = tuple(pairs)
    if entry["role"] == "consumable" and not entry.get("cycle_days"):
        raise DatasetError(f"{origin}: consumable type {name!r} needs cycle_days and cycle_sigma")
    return ProductType(
        name=name,
        category=entry["category"],
        role=entry["role"],
        countries=countries,
        nouns=nouns,
        purchase_rate=float(entry.get("purchase_rate", 0.0)),
        preowned_share=float(entry.get("preowned_share", 0.0)),
        adopt_share=float(entry.get("adopt_share", 0.0)),
        segment=entry.get("segment"),
        cycle_days=float(entry.get("cycle_days", 0.0)),
        cycle_sigma=float(entry.get("cycle_sigma", 0.0)),
    )
