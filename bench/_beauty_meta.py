"""Read the McAuley 2014 Beauty metadata into a `Dataset` for the related-products benchmark.

NOTE: stand-in until the ``amazon-meta:PATH`` loader is merged; `load_beauty` then becomes
``load_dataset('amazon-meta:' + path)``.
"""

from __future__ import annotations

import ast
import gzip
import json

import pandas as pd

from recsys_core.data.schema import Dataset, make_dataset


def load_beauty(path: str) -> Dataset:
    try:
        from recsys_core.data.registry import load_dataset
        import recsys_core.data.amazon  # noqa: F401  (present once the loader is merged)
        return load_dataset(f"amazon-meta:{path}")
    except ImportError:
        pass
    products, copurchase, coview = [], [], []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = ast.literal_eval(line)
            asin = record["asin"]
            categories = record.get("categories") or [[]]
            products.append({"product_id": asin, "title": record.get("title", asin),
                             "brand": record.get("brand", ""),
                             "category": " > ".join(categories[0]), "price": record.get("price")})
            related = record.get("related", {})
            copurchase += [(asin, other, "also_bought") for other in related.get("also_bought", [])]
            coview += [(asin, other, "also_viewed") for other in related.get("also_viewed", [])]
    columns = ["src", "dst", "provenance"]
    return make_dataset("amazon_beauty_2014", path, {"spec": f"amazon-meta:{path}"},
                        products=pd.DataFrame(products),
                        copurchase=pd.DataFrame(copurchase, columns=columns),
                        coview=pd.DataFrame(coview, columns=columns))
