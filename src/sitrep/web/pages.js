/* The detail pages behind the hash routes: #/event/ID (each source article with its evidence
   highlighted by role), #/entity/ID, #/place/ID, #/document/ID (every annotation) and #/entities. */
"use strict";

S.pages = (function () {
  const h = S.h;
  const eventHref = (id) => "#/event/" + S.enc(id);
  const docHref = (id) => "#/document/" + S.enc(id);

  function eventRow(e, extra) {
    return h("li", {class: "event" + (S.visit.isNew(e) ? " is-new" : ""), "data-type": e.event_type},
      S.newMarker(e), S.typeChip(e.event_type),
      h("a", {href: eventHref(e.id), class: "event-title"}, e.sub_event_type),
      h("span", {class: "muted"}, " · ", S.dateText(e.date), " · ", S.placeText(e.location)),
      extra ? h("span", {class: "role"}, extra) : null,
      h("div", {class: "small"}, [S.actorLink(e.actor1), e.actor2 ? " → " : null, S.actorLink(e.actor2)],
        S.counts(e.counts) ? h("span", {class: "counts"}, " · ", S.counts(e.counts)) : null,
        e.sources > 1 ? h("span", {class: "muted"}, ` · ${e.sources} sources`) : null));
  }

  function facts(pairs) {
    return h("dl", {class: "facts"}, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "" &&
      !(Array.isArray(v) && !v.length)).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  }

  // ------------------------------------------------------------------ event
  async function event(el, id) {
    const e = await S.api("events/" + S.enc(id));
    const docs = await Promise.all(e.reports.map((r) => S.api("documents/" + S.enc(r.doc_id)).catch(() => null)));
    el.replaceChildren(h("div", {class: "page"},
      h("h1", {}, S.typeChip(e.event_type), " ", e.sub_event_type, h("span", {class: "muted"}, ` — ${e.event_type}`)),
      facts([
        ["date", S.dateText(e.date)],
        ["place", e.location ? (e.location.place_id ?
          h("a", {href: "#/place/" + S.enc(e.location.place_id)}, S.placeText(e.location)) : S.placeText(e.location)) : null],
        ["actor 1", S.actorLink(e.actor1)], ["actor 2", S.actorLink(e.actor2)],
        ["associated", (e.assoc_actors || []).map((a, i) => [i ? ", " : "", S.actorLink(a)])],
        ["counts", S.counts(e.counts)], ["disorder", e.disorder_type],
        ["sources", `${e.sources} source${e.sources === 1 ? "" : "s"}, ${e.mentions} mention${e.mentions === 1 ? "" : "s"}`],
        ["confidence", e.confidence !== null && e.confidence !== undefined ? e.confidence.toFixed(2) : null],
        ["first seen", e.first_seen], ["updated", e.updated_at ? `${e.updated_at} (version ${e.version})` : null],
        ["notes", e.notes], ["id", e.id],
      ]),
      h("h2", {}, "What the sources say"), S.legend(),
      e.reports.map((r, i) => report(r, docs[i]))));
  }

  function report(r, doc) {
    const d = r.document || {};
    const m = r.mention || {};
    const head = h("div", {class: "report-head"},
      h("a", {href: docHref(r.doc_id)}, d.title || r.doc_id),
      h("span", {class: "muted"}, [d.source, d.published].filter(Boolean).map((x) => " · " + x)),
      d.url ? [" · ", S.urlLink(d.url, "original")] : null,
      m.modality && m.modality !== "asserted" ? h("span", {class: "modality"}, m.modality) : null);
    if (!doc || !doc.text) {
      return h("article", {class: "report"}, head,
        (m.evidence || []).map((ev) => h("p", {class: "evidence"}, ev.text)));
    }
    const spans = S.mentionSpans(m);
    const passages = S.passages(doc.text, m, spans);
    return h("article", {class: "report", "data-doc": r.doc_id}, head,
      passages.map(([a, b]) => h("p", {class: "evidence"}, a > 0 ? "… " : null,
        S.highlight(doc.text, a, b, spans), b < doc.text.length ? " …" : null)));
  }

  // ------------------------------------------------------------------ entity
  async function entity(el, id) {
    const e = await S.api("entities/" + S.enc(id));
    const tl = e.timeline || [];
    const max = Math.max(1, ...tl.map((t) => t.count));
    el.replaceChildren(h("div", {class: "page"},
      h("h1", {}, e.name, h("span", {class: "muted"}, ` — ${e.type}${e.actor_type ? ", " + e.actor_type : ""}`)),
      facts([["aliases", (e.aliases || []).join(", ")], ["ACLED actor", e.acled_actor], ["country", e.country],
        ["documents", e.documents], ["mentions", e.mentions], ["id", e.id]]),
      (e.roles || []).length ? [h("h2", {}, "Roles"), h("ul", {}, e.roles.map((r) => h("li", {},
        r.title, r.organization ? `, ${r.organization}` : "", " ",
        h("a", {href: docHref(r.doc_id), class: "muted"}, r.documents > 1 ? `source (1 of ${r.documents})` : "source"))))]
        : null,
      h("h2", {}, "Involvement over time"),
      tl.length ? h("div", {class: "bars-mini"}, tl.map((t) => h("div", {class: "bar", title: `${t.period}: ${t.count}`},
        h("div", {style: `height:${Math.round((t.count / max) * 60) + 2}px`}), h("small", {}, t.period.slice(0, 7)))))
        : h("p", {class: "muted"}, "no dated events"),
      h("h2", {}, `Events (${e.events_total ?? (e.events || []).length})`),
      paged(h("ol", {class: "events"}), e.events || [], e.events_total, (ev) => eventRow(ev, ev.role),
        (offset) => S.api("entities/" + S.enc(id), {offset, limit: 100}).then((x) => x.events), "more events"),
      h("h2", {}, `Quotes (${e.quotes_total ?? (e.quotes || []).length})`),
      paged(h("ul", {class: "quotes"}), e.quotes || [], e.quotes_total, quoteRow,
        (offset) => S.api("entities/" + S.enc(id), {quotes_offset: offset, quotes_limit: 50, limit: 1})
          .then((x) => x.quotes), "more quotes")));
  }

  const quoteRow = (q) => h("li", {}, h("q", {class: q.direct ? "direct" : "indirect"}, q.text), " ",
    h("a", {href: docHref(q.doc_id), class: "muted"}, q.direct ? "source" : "source (reported speech)"));

  /* A list filled with its first page, and a button that appends the next pages (records such as a
     big entity's events come in pages from the API). */
  function paged(list, items, total, row, next, label) {
    list.append(...items.map(row));
    const shown = () => list.querySelectorAll(":scope > li").length;
    if (!total || total <= items.length) return list;
    const more = h("button", {type: "button", class: "more link"});
    const caption = () => { more.textContent = `${label} (${shown()} of ${total} shown)`; };
    caption();
    more.addEventListener("click", async () => {
      more.disabled = true;
      try {
        const page = await next(shown());
        list.append(...page.map(row));
      } catch (err) {
        more.replaceWith(h("p", {class: "error"}, String(err.message || err)));
        return;
      }
      more.disabled = false;
      if (shown() >= total) more.remove(); else caption();
    });
    return h("div", {}, list, more);
  }

  // ------------------------------------------------------------------ place
  async function place(el, id) {
    const p = await S.api("places/" + S.enc(id));
    el.replaceChildren(h("div", {class: "page"},
      h("h1", {}, p.name, h("span", {class: "muted"}, ` — ${[p.admin1, p.country_code].filter(Boolean).join(", ")}`)),
      facts([["GeoNames", p.geonameid], ["coordinates", p.lat !== null ? `${p.lat}, ${p.lon}` : null],
        ["feature", p.feature_code], ["precision", p.precision], ["documents", p.documents], ["id", p.id]]),
      h("p", {}, h("a", {href: "#/?place=" + encodeURIComponent(p.id)}, "show on the map")),
      h("h2", {}, `Events (${p.events_total ?? (p.events || []).length})`),
      paged(h("ol", {class: "events"}), p.events || [], p.events_total, (ev) => eventRow(ev),
        (offset) => S.api("places/" + S.enc(id), {offset, limit: 100}).then((x) => x.events), "more events")));
  }

  // ------------------------------------------------------------------ document
  const LAYERS = [["entity", "entities"], ["place", "places"], ["date", "dates"], ["trigger", "event triggers"],
    ["count", "counts"], ["quote", "quotes"]];

  async function documentView(el, id) {
    const d = await S.api("documents/" + S.enc(id));
    const ids = d.event_ids || {};          // mention id → real-world event id (null: not clustered)
    const entityIds = d.entity_ids || {};   // entity id → canonical entity id
    const spans = [];
    const add = (s, cls, title, href) => {
      if (s && Number.isInteger(s.start) && Number.isInteger(s.end) && s.end > s.start) spans.push({start: s.start, end: s.end, cls, title, href});
    };
    for (const e of d.entities || []) {
      const link = entityIds[e.id];
      for (const m of e.mentions || []) add(m, `hl-entity ent-${e.type}`, `${e.canonical} (${e.type})`, link ? "#/entity/" + S.enc(link) : null);
    }
    for (const p of d.places || []) add(p, "hl-place", `${p.name || p.text}${p.geonameid ? " · geonames:" + p.geonameid : " · not in the gazetteer"}`,
      p.place_id ? "#/place/" + S.enc(p.place_id) : null);
    for (const t of d.timexes || []) add(t, "hl-date", t.resolved ? `${t.start_date}${t.end_date !== t.start_date ? " – " + t.end_date : ""} (${t.precision})` : "unresolved");
    for (const e of d.events || []) {
      add(e.trigger, "hl-trigger", `${e.event_type} / ${e.sub_event_type} (${e.modality})`, ids[e.id] ? eventHref(ids[e.id]) : null);
      for (const c of e.count_evidence || []) add(c, "hl-count", `${c.field}`);
    }
    for (const q of d.quotes || []) add(q.content, "hl-quote", `${q.kind && q.kind !== "speech" ? q.kind : "quote"} of ${(q.speaker && (q.speaker.name || q.speaker.text)) || "unknown"}`);
    if (d.published_evidence) add(d.published_evidence, "hl-date", `published ${d.published}`);

    const body = h("div", {class: "doc-text"}, S.highlight(d.text, 0, d.text.length, spans));
    const toggles = h("div", {class: "legend toggles"}, LAYERS.map(([k, label]) => h("label", {class: "hl hl-" + k},
      h("input", {type: "checkbox", checked: "", onchange: (ev) => body.classList.toggle("hide-" + k, !ev.target.checked)}), label)));
    el.replaceChildren(h("div", {class: "page"},
      h("h1", {}, d.title || d.id),
      facts([["source", d.source], ["author", d.author], ["outlet", d.outlet], ["published", d.published ? `${d.published} (from ${d.published_source})` : "unknown"],
        ["url", d.url ? S.urlLink(d.url) : null],
        ["near duplicate of", d.near_duplicate_of ? h("a", {href: docHref(d.near_duplicate_of)}, d.near_duplicate_of) : null],
        ["id", d.id]]),
      toggles,
      h("div", {class: "doc-layout"}, body, h("div", {class: "doc-side"},
        h("h2", {}, `Events (${(d.events || []).length})`),
        h("ol", {class: "events"}, (d.events || []).map((e) => h("li", {class: "event", "data-type": e.event_type},
          S.typeChip(e.event_type), ids[e.id] ? h("a", {href: eventHref(ids[e.id])}, e.sub_event_type) : e.sub_event_type,
          h("span", {class: "muted"}, ` “${e.trigger.text}” · ${S.dateText(e.date)} · ${e.location ? e.location.name : "no place"}`),
          e.modality !== "asserted" ? h("span", {class: "modality"}, e.modality) : null))),
        h("h2", {}, `Entities (${(d.entities || []).length})`),
        h("ul", {class: "entities"}, (d.entities || []).map((e) => h("li", {},
          h("span", {class: `hl hl-entity ent-${e.type}`}, e.canonical), h("span", {class: "muted"}, ` ${e.type}`),
          e.aliases && e.aliases.length ? h("span", {class: "muted small"}, ` (${e.aliases.join(", ")})`) : null))),
        h("h2", {}, `Quotes (${(d.quotes || []).length})`),
        h("ul", {class: "quotes"}, (d.quotes || []).map((q) => h("li", {}, h("strong", {}, (q.speaker && q.speaker.name) || "unknown"),
          ": ", h("q", {}, q.content.text)))),
        (d.claims || []).length ? [h("h2", {}, `Claims (${d.claims.length})`), h("ul", {}, d.claims.map((c) =>
          h("li", {}, `${c.qualifier ? c.qualifier + " " : ""}${c.value} ${c.unit || ""} — ${c.subject}`)))] : null))));
  }

  // ------------------------------------------------------------------ entities list
  async function entities(el, params) {
    const q = params.get("q") || "";
    const page = await S.api("entities", {...(q ? {q} : {}), limit: 100});
    const input = h("input", {name: "q", value: q, placeholder: "search names and aliases"});
    el.replaceChildren(h("div", {class: "page"},
      h("h1", {}, "Entities"),
      h("form", {onsubmit: (ev) => { ev.preventDefault(); location.hash = "#/entities?q=" + encodeURIComponent(input.value); }},
        input, h("button", {type: "submit"}, "Search")),
      h("p", {class: "muted"}, `${page.total} entities`),
      h("table", {class: "entity-table"}, h("tr", {}, ["name", "type", "documents", "mentions", "events"].map((x) => h("th", {}, x))),
        page.items.map((e) => h("tr", {}, h("td", {}, h("a", {href: "#/entity/" + S.enc(e.id)}, e.name)),
          h("td", {}, e.type), h("td", {}, e.documents), h("td", {}, e.mentions), h("td", {}, e.events))))));
  }

  // ------------------------------------------------------------------ watch status
  async function watch(el) {
    const [st, al] = await Promise.all([S.api("watch"), S.api("alerts")]);
    const when = (t) => t ? t.slice(0, 19).replace("T", " ") : "never";
    const r = st.last_round;
    const table = (head, rows) => h("table", {class: "entity-table"}, h("tr", {}, head.map((x) => h("th", {}, x))), rows);
    el.replaceChildren(h("div", {class: "page watch-page"},
      h("h1", {}, "Watch"),
      h("p", {id: "last-round"}, r ? `Last round ${r.id}: started ${when(r.started_at)}, ` +
        (r.finished_at ? `finished ${when(r.finished_at)}` : "did not finish") +
        ` · ${r.sources} sources · ${r.new_items} new items · ${r.stored} stored · ${r.duplicates} duplicates · ` +
        `${r.failed} failed` : "No round yet: run sitrep watch SOURCES --db … to follow feeds."),
      h("h2", {}, `Sources (${st.sources.length})`),
      table(["source", "kind", "last success", "items", "stored", "waiting", "failing", "errors", "last error"],
        st.sources.map((s) => h("tr", {class: "watch-source"}, h("td", {}, S.urlLink(s.url, s.name || null)),
          h("td", {}, s.kind || "?"), h("td", {}, when(s.last_success)), h("td", {}, s.items), h("td", {}, s.stored),
          h("td", {}, s.pending), h("td", {}, s.failed_items), h("td", {}, s.errors),
          h("td", {class: s.last_error ? "error" : ""}, s.last_error || "")))),
      h("h2", {}, `Failing articles (${st.failures.length})`),
      st.failures.length ? table(["article", "reason", "tries", "status"], st.failures.map((f) => h("tr", {class: "watch-failure"},
        h("td", {}, S.urlLink(f.url)), h("td", {}, f.last_error || ""), h("td", {}, f.attempts), h("td", {}, f.status))))
        : h("p", {class: "muted"}, "none"),
      h("h2", {}, `Alerts (${al.items.length})`),
      al.items.length ? table(["name", "filters", "delivery", "delivered"], al.items.map((a) => h("tr", {class: "watch-alert"},
        h("td", {}, a.name), h("td", {}, Object.entries(a.filters).map(([k, v]) => `${k}=${v}`).join(" · ")),
        h("td", {}, a.delivery), h("td", {}, a.delivered))))
        : h("p", {class: "muted"}, "none (sitrep alert add NAME … saves one)")));
  }

  return {event, entity, place, document: documentView, entities, eventRow, watch};
})();
