/* The web UI's router and main view: the hash holds the route and the filters (#/?type=Battles&…),
   so every view can be bookmarked; the map, the timeline and the list follow the filters. */
"use strict";

(function () {
  const h = S.h;
  const FILTERS = ["type", "actor", "place", "country", "date_from", "date_to", "q"];
  const form = document.getElementById("filter-form");
  const listEl = document.getElementById("event-list");
  const pageEl = document.getElementById("page-view");
  const PAGE = 50;
  let mapReady = null, lastMapKey = null, lastTimelineKey = null, timelineRows = [];

  function route() {
    const raw = location.hash.replace(/^#/, "") || "/";
    const [path, query] = raw.split("?");
    return {parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query || "")};
  }

  function filterParams(params, {dates = true} = {}) {
    const out = new URLSearchParams();
    for (const k of FILTERS) {
      if (!dates && (k === "date_from" || k === "date_to")) continue;
      for (const v of params.getAll(k)) if (v) out.append(k, v);
    }
    return out;
  }

  function go(params) {
    const qs = params.toString();
    location.hash = "#/" + (qs ? "?" + qs : "");
  }

  // ------------------------------------------------------------------ the filter form
  function readForm() {
    const p = new URLSearchParams();
    for (const box of form.querySelectorAll("input[name=type]:checked")) p.append("type", box.value);
    for (const k of FILTERS.slice(1)) {
      const v = form.elements[k].value.trim();
      if (v) p.set(k, v);
    }
    return p;
  }

  function writeForm(params) {
    const types = params.getAll("type");
    for (const box of form.querySelectorAll("input[name=type]")) box.checked = types.includes(box.value);
    for (const k of FILTERS.slice(1)) form.elements[k].value = params.get(k) || "";
    document.getElementById("sort").value = params.get("sort") || "-date";
    for (const fmt of ["csv", "geojson", "jsonl"]) {
      const p = filterParams(params);
      p.set("format", fmt);
      document.getElementById("export-" + fmt).href = "/api/export?" + p.toString();
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = readForm();
    const sort = route().params.get("sort");
    if (sort) p.set("sort", sort);
    go(p);
  });
  form.addEventListener("change", (ev) => { if (ev.target.name === "type") form.requestSubmit(); });
  document.getElementById("reset").addEventListener("click", () => go(new URLSearchParams()));
  document.getElementById("sort").addEventListener("change", (ev) => {
    const p = route().params; p.set("sort", ev.target.value); p.delete("offset"); go(p);
  });
  const pageBy = (d) => () => {
    const p = route().params;
    p.set("offset", Math.max(0, (+p.get("offset") || 0) + d * PAGE)); go(p);
  };
  document.getElementById("prev").addEventListener("click", pageBy(-1));
  document.getElementById("next").addEventListener("click", pageBy(1));
  document.getElementById("clear-dates").addEventListener("click", () => {
    const p = route().params; p.delete("date_from"); p.delete("date_to"); p.delete("offset"); go(p);
  });
  document.getElementById("tiles-toggle").addEventListener("change", (ev) => S.map.setTiles(ev.target.checked));

  // ------------------------------------------------------------------ the map view
  async function showMap(params) {
    document.body.className = "mode-map";
    pageEl.hidden = true;
    writeForm(params);
    await mapReady;
    S.map.invalidate();
    const filters = filterParams(params);
    const key = filters.toString();
    const tasks = [list(params)];
    if (key !== lastMapKey) {
      lastMapKey = key;
      tasks.push(S.api("events", new URLSearchParams([...filters, ["limit", "1000"]])).then((page) => {
        const n = S.map.show(page.items, true);
        document.getElementById("map-note").textContent = page.total > page.items.length
          ? `The map shows the ${page.items.length} most recent of ${page.total_exact === false ? "more than " : ""}${page.total} events.`
          : `${n} of ${page.total} events have a place on the map.`;
      }));
    }
    const tkey = filterParams(params, {dates: false}).toString();
    if (tkey !== lastTimelineKey) {
      lastTimelineKey = tkey;
      tasks.push(S.api("timeline", filterParams(params, {dates: false})).then((rows) => { timelineRows = rows; }));
    }
    await Promise.all(tasks);
    drawTimeline(params);
  }

  function drawTimeline(params) {
    const from = params.get("date_from"), to = params.get("date_to");
    document.getElementById("timeline-range").textContent = from || to ? ` ${from || "…"} to ${to || "…"}` : "";
    S.timeline.draw(document.getElementById("timeline"), timelineRows, {from, to}, (a, b) => {
      const p = route().params;
      p.delete("offset");
      if (a) { p.set("date_from", a); p.set("date_to", b); } else { p.delete("date_from"); p.delete("date_to"); }
      go(p);
    });
  }

  async function list(params) {
    const offset = +params.get("offset") || 0;
    const q = filterParams(params);
    q.set("sort", params.get("sort") || "-date");
    q.set("limit", PAGE);
    q.set("offset", offset);
    try {
      const page = await S.api("events", q);
      document.getElementById("list-count").textContent = page.total_exact === false
        ? `more than ${page.total.toLocaleString()} events`
        : `${page.total} event${page.total === 1 ? "" : "s"}`;
      const fresh = page.items.filter(S.visit.isNew).length;
      document.getElementById("new-count").textContent = fresh ? `${fresh} new on this page since your last visit` : "";
      listEl.replaceChildren(...page.items.map((e) => S.pages.eventRow(e)));
      if (!page.items.length) listEl.append(h("li", {class: "muted"}, "No event matches these filters."));
      document.getElementById("page").textContent = page.total ? `${offset + 1}–${offset + page.items.length}` : "";
      document.getElementById("prev").disabled = offset === 0;
      document.getElementById("next").disabled = !page.next;
    } catch (err) {
      S.error(listEl, err);
    }
  }

  // ------------------------------------------------------------------ routing
  const PAGES = {event: S.pages.event, entity: S.pages.entity, place: S.pages.place, document: S.pages.document};

  async function render() {
    const {parts, params} = route();
    if (!parts.length) return showMap(params);
    document.body.className = "mode-page";
    pageEl.hidden = false;
    pageEl.replaceChildren(h("p", {class: "muted"}, "Loading…"));
    window.scrollTo(0, 0);
    try {
      if (parts[0] === "entities") await S.pages.entities(pageEl, params);
      else if (parts[0] === "watch") await S.pages.watch(pageEl);
      else if (PAGES[parts[0]] && parts[1]) await PAGES[parts[0]](pageEl, parts.slice(1).join("/"));
      else throw new Error("No such page: " + location.hash);
      pageEl.prepend(h("p", {}, h("a", {href: "#/", class: "back", onclick: (ev) => {
        if (history.length > 1) { ev.preventDefault(); history.back(); }
      }}, "‹ back")));
    } catch (err) {
      S.error(pageEl, err);
    }
  }

  async function start() {
    const meta = await S.api("meta").catch(() => null);
    const boxes = document.getElementById("type-boxes");
    const types = meta ? Object.keys(meta.taxonomy) : Object.keys(S.TYPE_COLORS);
    boxes.replaceChildren(...types.map((t) => h("label", {class: "type-box"},
      h("input", {type: "checkbox", name: "type", value: t}), S.typeChip(t), " " + t)));
    if (meta) {
      const s = meta.stats;
      document.getElementById("stats").textContent =
        `${s.documents} documents · ${s.published_range[0] || "?"} to ${s.published_range[1] || "?"}` +
        (meta.read_only ? " · read-only" : "");
    }
    S.api("entities", {limit: 200}).then((page) => {
      document.getElementById("actor-names").replaceChildren(...page.items.map((e) => h("option", {value: e.name})));
    }).catch(() => {});
    mapReady = S.map.init(document.getElementById("map"));
    window.addEventListener("hashchange", render);
    window.addEventListener("resize", () => { if (!route().parts.length) drawTimeline(route().params); });
    await render();
    document.body.dataset.ready = "1";   // for tests and scripts: the first view is drawn
  }

  start();
})();
