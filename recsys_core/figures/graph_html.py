"""Interactive pyvis drawing of a product's neighbourhood that works offline.

pyvis 0.3.2 with ``cdn_resources='in_line'`` inlines vis-network but still emits a Bootstrap
``<link>`` and ``<script>`` from cdn.jsdelivr.net. `offline_html` strips them and raises if any
remote ``src`` or ``href`` remains. Product titles, brands and ids are untrusted: pyvis shows a
node's ``title`` through ``innerHTML`` whenever any title contains the word "href", so nodes get
no pyvis title at all. A small script of ours shows tooltips with ``textContent`` instead, from
JSON that escapes ``<``, ``>`` and ``&``. Node labels are drawn on the canvas, which never
interprets markup.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pandas as pd
from pyvis.network import Network

from recsys_core.graph.product_graph import EgoGraph, ProductGraph

COPURCHASE_COLOR = "#1f6fb4"
COVIEW_COLOR = "#e07b00"
CENTER_COLOR = "#b8322a"
HOP_COLORS = {1: "#6fa8dc", 2: "#b4cde6"}
FAR_COLOR = "#d9e4ef"
LABEL_LENGTH = 28

_REMOTE_TAG = re.compile(
    r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>"
    r"|<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>",
    re.IGNORECASE | re.DOTALL,
)
_COMMENTED_TAGS = re.compile(r"<!--\s*<link.*?-->", re.DOTALL)
_REMOTE_ATTRIBUTE = re.compile(r"\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)


class RemoteResourceError(RuntimeError):
    """Raised when generated HTML would still load something from another origin."""


def offline_html(document: str) -> str:
    """Remove remote ``<link>`` / ``<script src>`` tags from pyvis output and check none remain."""
    document = _COMMENTED_TAGS.sub("", document)
    document = _REMOTE_TAG.sub("", document)
    remaining = _REMOTE_ATTRIBUTE.search(document)
    if remaining:
        context = document[max(0, remaining.start() - 60): remaining.end() + 60]
        raise RemoteResourceError(f"the graph HTML still references a remote resource near {context!r}")
    return document


def _label(title: str) -> str:
    title = " ".join(str(title).split())
    return title if len(title) <= LABEL_LENGTH else title[: LABEL_LENGTH - 1] + "…"


def _tooltip(product_id: str, row: pd.Series | None, hop: int) -> str:
    if row is None:
        return f"{product_id}\nhop {hop}"
    lines = [str(row.get("title", product_id)), f"id: {product_id}"]
    for field in ("brand", "type", "category"):
        value = row.get(field)
        if isinstance(value, str) and value:
            lines.append(f"{field}: {value}")
    lines.append("query product" if hop == 0 else f"{hop} hop{'s' if hop > 1 else ''} away")
    return "\n".join(lines)


def ego_html(graph: ProductGraph, ego: EgoGraph, height: int = 560) -> str:
    """Draw `ego` as a self-contained HTML page: co-purchase arrows, co-view lines, a legend.

    Co-purchase edges are directed arrows; a pair linked both ways gets two arrows curving apart.
    Co-view edges are dashed lines without arrows, labelled as a proxy when the graph's co-view
    relation is one. Edge width grows with weight.
    """
    network = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line",
                      bgcolor="#ffffff")
    tooltips: dict[str, str] = {}
    for row in ego.nodes.itertuples(index=False):
        product_id = str(row.product_id)
        product = graph.products.loc[product_id] if product_id in graph.products.index else None
        title = product_id if product is None else str(product.get("title", product_id))
        is_center = row.hop == 0
        network.add_node(
            product_id, label=_label(title), shape="dot", size=22 if is_center else 12,
            color=CENTER_COLOR if is_center else HOP_COLORS.get(int(row.hop), FAR_COLOR),
            font={"size": 16 if is_center else 12, "color": "#222222"},
        )
        tooltips[f"node:{product_id}"] = _tooltip(product_id, product, int(row.hop))

    max_weight = float(ego.edges["weight"].max()) if len(ego.edges) else 1.0
    for number, row in enumerate(ego.edges.itertuples(index=False)):
        width = 1.0 + 3.0 * float(row.weight) / max_weight if max_weight > 0 else 1.0
        edge_id = f"e{number}"
        if row.relation == "co-purchase":
            network.add_edge(str(row.src), str(row.dst), id=edge_id, color=COPURCHASE_COLOR, width=width,
                             arrows="to", smooth={"enabled": True, "type": "curvedCW", "roundness": 0.15})
            text = f"co-purchase {row.src} → {row.dst}"
        else:
            network.add_edge(str(row.src), str(row.dst), id=edge_id, color=COVIEW_COLOR, width=width,
                             arrows="", dashes=True, smooth=False)
            text = f"co-view {row.src} — {row.dst}"
        tooltips[f"edge:{edge_id}"] = f"{text}\nweight {float(row.weight):.3g}\nsource: {row.provenance or 'not given'}"

    network.set_options(json.dumps({
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
        "physics": {"stabilization": {"iterations": 400}, "barnesHut": {"springLength": 140}},
        "edges": {"arrows": {"to": {"scaleFactor": 0.6}}},
    }))
    document = network.generate_html(notebook=False)
    is_proxy = bool(graph.info.get("coview_is_proxy"))
    document = document.replace("<body>", "<body>" + _legend(is_proxy, ego), 1)
    document = document.replace("</body>", _tooltip_script(tooltips) + "</body>", 1)
    return offline_html(document)


def _legend(is_proxy: bool, ego: EgoGraph) -> str:
    coview = "co-view proxy (same-type households)" if is_proxy else "co-view (bidirected)"
    shown = f"{len(ego.nodes)} of {ego.total_nodes} products within {ego.hops} hop{'s' if ego.hops > 1 else ''}"
    return (
        '<div id="legend" style="font:13px sans-serif;margin:4px 0 6px 0;display:flex;gap:18px;flex-wrap:wrap">'
        f'<span><svg width="34" height="10"><line x1="0" y1="5" x2="26" y2="5" stroke="{COPURCHASE_COLOR}" '
        f'stroke-width="2.5"/><polygon points="26,1 34,5 26,9" fill="{COPURCHASE_COLOR}"/></svg> '
        'co-purchase a → b (directed)</span>'
        f'<span><svg width="34" height="10"><line x1="0" y1="5" x2="34" y2="5" stroke="{COVIEW_COLOR}" '
        f'stroke-width="2.5" stroke-dasharray="5,3"/></svg> {html.escape(coview)}</span>'
        f'<span><svg width="12" height="12"><circle cx="6" cy="6" r="6" fill="{CENTER_COLOR}"/></svg> query product</span>'
        f'<span style="color:#555">{html.escape(shown)}</span>'
        "</div>"
    )


def _tooltip_script(tooltips: dict[str, Any]) -> str:
    # json.dumps output is placed inside <script>; escaping <, > and & keeps a title such as
    # "</script>" from ending the element early.
    payload = (json.dumps(tooltips, ensure_ascii=False)
               .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    return f"""<div id="tip" style="position:absolute;display:none;max-width:360px;white-space:pre-wrap;
font:12px sans-serif;background:#fffdf5;border:1px solid #999;border-radius:3px;padding:6px;
box-shadow:2px 2px 8px rgba(0,0,0,.2);pointer-events:none;z-index:10"></div>
<script type="text/javascript">
(function () {{
  var texts = {payload};
  var tip = document.getElementById("tip");
  function show(key, params) {{
    if (!(key in texts)) {{ return; }}
    tip.textContent = texts[key];
    var box = document.getElementById("mynetwork").getBoundingClientRect();
    tip.style.left = (box.left + window.scrollX + params.pointer.DOM.x + 14) + "px";
    tip.style.top = (box.top + window.scrollY + params.pointer.DOM.y + 14) + "px";
    tip.style.display = "block";
  }}
  function hide() {{ tip.style.display = "none"; }}
  network.on("hoverNode", function (params) {{ show("node:" + params.node, params); }});
  network.on("hoverEdge", function (params) {{ show("edge:" + params.edge, params); }});
  network.on("blurNode", hide);
  network.on("blurEdge", hide);
  network.on("dragStart", hide);
}})();
</script>
"""
