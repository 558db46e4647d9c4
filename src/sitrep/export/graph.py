"""The GraphML export (networkx): who acts on whom. Nodes are the canonical entities that
appear as actor1 or actor2 of a matching real-world event (attributes `name`, `type`,
`actor_type`, `acled_actor`, `country`, `inter` where known; `events`, the matching events
it is an actor in; `solo_events`, those with no second actor). Edges run actor1 → actor2
with `events` (count), `fatalities` (sum of the known reconciled figures), `event_types`
(distinct, "; "-joined), `first_date`, `last_date` (event start dates; absent when no
event of the pair is dated). An event with only actor2 counts as a solo event of actor2.
Events without actors are counted as skipped. GraphML cannot hold None: an unknown
attribute is left off the node or edge, never written as 0 or ""."""
from __future__ import annotations

from typing import Any

from sitrep.export import common

NODE_FIELDS = ("name", "type", "actor_type", "acled_actor", "country", "inter")


def build(store, filters: dict[str, Any]):
    import networkx as nx

    g = nx.DiGraph()
    skipped = 0
    used = 0

    def node(a: dict[str, Any]) -> str:
        nid = a["id"]
        if nid not in g:
            g.add_node(nid, **{k: a[k] for k in NODE_FIELDS if a.get(k) not in (None, "")}, events=0, solo_events=0)
        g.nodes[nid]["events"] += 1
        return nid

    for events, ctx in common.batches(store, filters):
        for e in events:
            a1, a2 = ctx.actor(e.get("actor1")), ctx.actor(e.get("actor2"))
            if not a1 and not a2:
                skipped += 1
                continue
            used += 1
            if a1 and a2 and a1["id"] != a2["id"]:
                u, v = node(a1), node(a2)
                if not g.has_edge(u, v):
                    g.add_edge(u, v, events=0, fatalities=0, event_types="")
                ed = g.edges[u, v]
                ed["events"] += 1
                f = (e.get("counts") or {}).get("fatalities")
                if f is not None:
                    ed["fatalities"] += int(f)
                types = [t for t in ed["event_types"].split("; ") if t]
                if e.get("event_type") and e["event_type"] not in types:
                    ed["event_types"] = "; ".join([*types, e["event_type"]])
                day = (e.get("date") or {}).get("start")
                if day:
                    ed["first_date"] = min(ed.get("first_date", day), day)
                    ed["last_date"] = max(ed.get("last_date", day), day)
            else:
                g.nodes[node(a1 or a2)]["solo_events"] += 1
    return g, used, skipped


def write(store, out, filters: dict[str, Any]) -> dict[str, Any]:
    import networkx as nx

    g, used, skipped = build(store, filters)
    with common.open_binary(out) as target:
        nx.write_graphml(g, target)
    return {"format": "graphml", "events": used, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
            "skipped": {"no actors": skipped} if skipped else {}}
