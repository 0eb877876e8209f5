"""Search queries for the demo world, written from catalog products with BIO tags.

A query describes one target product through a template of slots (brand, model, type noun,
color, storage, size, ...). Each slot's words come from the product's own attribute values
or their aliases, so the tags are known. Variety comes from the template, aliases ("s9" for
"galaxy s9", "ps5"), plural nouns, country nouns ("nappies" in GB), spelling ("grey"),
split or joined units ("64 gb" / "64gb"), shuffled word order, dropped words, typos and filler
words tagged ``O``.

Tag names: brand, type, model, color, storage, size, material, os, compatible_with, connector,
quantity.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

import numpy as np

from recsys_core.data.demo_catalog import Catalog, ProductType

# Product attribute -> BIO tag name. A query slot named after the tag reads that attribute.
ATTRIBUTE_TAGS = {
    "model": "model", "color": "color", "storage": "storage", "size": "size", "material": "material",
    "os": "os", "compatible_with": "compatible_with", "connector": "connector", "count": "quantity",
}
TAG_ATTRIBUTES = {tag: attribute for attribute, tag in ATTRIBUTE_TAGS.items()}
TAGS = ("brand", "type", *ATTRIBUTE_TAGS.values())

# (weight, slots) per type role; "for" is a literal word tagged O. A template applies to a
# product only when the product has a value for every slot.
TEMPLATES: dict[str, tuple[tuple[float, tuple[str, ...]], ...]] = {
    "device": (
        (3.0, ("model",)), (2.0, ("brand", "model")), (1.5, ("model", "storage")),
        (1.0, ("brand", "model", "storage", "color")), (1.0, ("model", "color")), (2.0, ("brand", "type")),
        (1.0, ("type",)), (0.7, ("brand",)), (0.6, ("color", "type")), (0.6, ("os", "type")),
        (0.5, ("size", "type")), (0.5, ("model", "size")), (0.6, ("brand", "model", "type")),
    ),
    "accessory": (
        (3.0, ("compatible_with", "type")), (1.5, ("type", "for", "compatible_with")),
        (1.5, ("brand", "compatible_with", "type")), (1.5, ("brand", "type")), (1.0, ("type",)),
        (0.5, ("brand",)), (0.7, ("color", "type")), (0.7, ("material", "type")),
        (1.0, ("connector", "type")), (0.6, ("size", "type")), (0.8, ("model",)), (0.8, ("brand", "model")),
    ),
    "consumable": (
        (3.0, ("brand", "type")), (1.5, ("type",)), (0.8, ("brand",)), (2.0, ("compatible_with", "type")),
        (1.0, ("brand", "compatible_with", "type")), (1.0, ("type", "size")), (1.0, ("brand", "type", "size")),
        (0.5, ("brand", "type", "quantity")), (0.5, ("color", "compatible_with", "type")),
    ),
}
FILLERS = ("best", "cheap", "new", "original", "deal")
SHUFFLE_RATE = 0.15
DROP_WORD_RATE = 0.08
TYPO_RATE = 0.12
FILLER_RATE = 0.08
PLURAL_RATE = 0.35
KEYBOARD_NEIGHBOURS = {
    "a": "qs", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj", "i": "uo",
    "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "q": "w", "r": "et",
    "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc", "y": "tu", "z": "x",
}
_UNIT = re.compile(r"^(\d+(?:\.\d+)?)\s*([a-z]+(?: [a-z]+)?)$")


@dataclass
class Query:
    """One generated query: its tokens, one BIO tag per token, and the canonical attributes."""

    tokens: list[str]
    tags: list[str]
    attributes: dict[str, str] = field(default_factory=dict)  # tag -> canonical value, 'type' included

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


class QueryWriter:
    """Write queries for target products of a `Catalog`, drawing choices from one RNG."""

    def __init__(self, catalog: Catalog, rng: np.random.Generator):
        self.catalog = catalog
        self.rng = rng
        self._templates: dict[str, tuple[dict[str, str], list[tuple[str, ...]], list[float]]] = {}

    def write(self, product: dict, country: str) -> Query:
        """Write one query for `product` (a row of the catalog as a dict) as typed in `country`."""
        product_type = self.catalog.types[product["type"]]
        values, templates, cumulative = self._product_templates(product, product_type)
        slots = templates[bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])]
        slots = self._without_repeated_brand(slots, values)

        segments: list[tuple[str, list[str]]] = []  # (tag or "O", words)
        attributes: dict[str, str] = {}
        for slot in slots:
            if slot == "for":
                segments.append(("O", ["for"]))
            elif slot == "type":
                segments.append(("type", self._noun(product_type, country).split()))
                attributes["type"] = product_type.name
            else:
                words = self._variant(slot, values[slot], country).split()
                segments.append((slot, words))
                attributes[slot] = values[slot]

        if "for" not in slots and len(segments) > 1 and self.rng.random() < SHUFFLE_RATE:
            order = self.rng.permutation(len(segments))
            segments = [segments[i] for i in order]
        if self.rng.random() < DROP_WORD_RATE:
            segments = self._drop_word(segments)
        if self.rng.random() < FILLER_RATE:
            filler = ("O", [FILLERS[int(self.rng.integers(len(FILLERS)))]])
            segments = [filler, *segments] if self.rng.random() < 0.5 else [*segments, filler]

        tokens, tags = [], []
        for tag, words in segments:
            for position, word in enumerate(words):
                tokens.append(word)
                if tag == "O":
                    tags.append("O")
                else:
                    tags.append(f"B-{tag}" if position == 0 else f"I-{tag}")
        if self.rng.random() < TYPO_RATE:
            tokens = self._typo(tokens)
        return Query(tokens=tokens, tags=tags, attributes=attributes)

    def _without_repeated_brand(self, slots: tuple[str, ...], values: dict[str, str]) -> tuple[str, ...]:
        """Drop a slot that would repeat the brand, as in "oneplus oneplus 9" or "harry's harry's blades".

        A model or compatible_with value equal to the brand (or one of its aliases) is dropped;
        one that starts with a word of the brand ("hp 962", "sonicare") makes the brand slot go.
        """
        if "brand" not in slots:
            return slots
        brand = values["brand"]
        brand_names = {brand, *self.catalog.aliases.get(brand, ())}
        brand_words = {word for name in brand_names for word in name.split()}
        for slot in ("model", "compatible_with"):
            if slot not in slots:
                continue
            if values[slot] in brand_names:
                return tuple(name for name in slots if name != slot)
            if values[slot].split()[0] in brand_words:
                return tuple(name for name in slots if name != "brand")
        return slots

    def _product_templates(self, product: dict, product_type: ProductType):
        """Slot values of `product`, the templates it can fill and their cumulative weights."""
        cached = self._templates.get(product["product_id"])
        if cached is None:
            values = {"brand": product["brand"]}
            for attribute, tag in ATTRIBUTE_TAGS.items():
                value = product["attributes"].get(attribute)
                if value:
                    values[tag] = value
            usable = [(weight, slots) for weight, slots in TEMPLATES[product_type.role]
                      if all(slot in ("for", "type") or slot in values for slot in slots)]
            if not usable:
                usable = [(1.0, ("type",))]
            cached = (values, [slots for _, slots in usable], list(itertools.accumulate(w for w, _ in usable)))
            self._templates[product["product_id"]] = cached
        return cached

    def _noun(self, product_type: ProductType, country: str) -> str:
        nouns = product_type.nouns_for(country)
        singular, plural = nouns[int(self.rng.integers(len(nouns)))]
        return plural if self.rng.random() < PLURAL_RATE else singular

    def _variant(self, tag: str, value: str, country: str) -> str:
        """Pick how a shopper in `country` types `value`: itself, an alias or a unit spelling."""
        options = [value, *self.catalog.aliases.get(value, ())]
        if tag in ("storage", "size"):
            match = _UNIT.match(value)
            if match:
                number, unit = match.groups()
                options = [f"{number}{unit}", f"{number} {unit}"]
                if unit == "inch":
                    options.append(f"{number}in")
        elif tag == "quantity":
            options = [f"{value} count", f"{value} pack", f"{value}ct"]
        text = options[int(self.rng.integers(len(options)))]
        for word, replacement in self.catalog.countries[country].get("spelling_variants", {}).items():
            text = re.sub(rf"\b{word}\b", replacement, text)
        return text

    def _drop_word(self, segments: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
        """Drop the first word of one multi-word attribute segment, as in 'tab s7 case'."""
        candidates = [i for i, (tag, words) in enumerate(segments) if tag not in ("O", "type") and len(words) > 1]
        if not candidates:
            return segments
        index = candidates[int(self.rng.integers(len(candidates)))]
        tag, words = segments[index]
        return [*segments[:index], (tag, words[1:]), *segments[index + 1:]]

    def _typo(self, tokens: list[str]) -> list[str]:
        """Swap, drop, double or replace one letter of one word of four or more letters."""
        candidates = [i for i, token in enumerate(tokens) if len(token) >= 4 and token.isalpha()]
        if not candidates:
            return tokens
        index = candidates[int(self.rng.integers(len(candidates)))]
        word = tokens[index]
        position = int(self.rng.integers(1, len(word) - 1))
        kind = int(self.rng.integers(4))
        if kind == 0:
            word = word[:position] + word[position + 1] + word[position] + word[position + 2:]
        elif kind == 1:
            word = word[:position] + word[position + 1:]
        elif kind == 2:
            word = word[:position] + word[position] + word[position:]
        else:
            neighbours = KEYBOARD_NEIGHBOURS.get(word[position], word[position])
            word = word[:position] + neighbours[int(self.rng.integers(len(neighbours)))] + word[position + 1:]
        return [*tokens[:index], word, *tokens[index + 1:]]


def matches(product: dict, attributes: dict[str, str]) -> bool:
    """Return whether `product` has every attribute value a query states (its canonical attributes)."""
    for tag, value in attributes.items():
        if tag == "type":
            if product["type"] != value:
                return False
        elif tag == "brand":
            if product["brand"] != value:
                return False
        elif product["attributes"].get(TAG_ATTRIBUTES[tag]) != value:
            return False
    return True
