/* Shared helpers of sitrep's web UI: the API client, the event-type colours, and small DOM builders. */
"use strict";
window.S = window.S || {};

S.TYPE_COLORS = {
  "Battles": "#d62728",
  "Explosions/Remote violence": "#ff7f0e",
  "Violence against civilians": "#9467bd",
  "Protests": "#2ca02c",
  "Riots": "#8c564b",
  "Strategic developments": "#1f77b4",
};
S.color = (type) => S.TYPE_COLORS[type] || "#7f7f7f";

/* GET /api/...; rejects with the server's {"detail"} message. */
S.api = async function (path, params) {
  const qs = params ? "?" + new URLSearchParams(params).toString() : "";
  const res = await fetch("/api/" + path + qs);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.detail || res.statusText);
  return body;
};
S.enc = (id) => encodeURIComponent(id).replace(/%3A/gi, ":");

/* An article's URL as a link target only when it is http(s); anything else (javascript:, data:,
   relative paths) is shown as text, never followed. */
S.safeUrl = function (url) {
  if (typeof url !== "string") return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch (e) {
    return null;
  }
};
S.urlLink = (url, label) => {
  const safe = S.safeUrl(url);
  return safe ? S.h("a", {href: safe, rel: "noreferrer noopener", target: "_blank"}, label || url)
    : S.h("span", {class: "unsafe-url", title: "not an http(s) address: not linked"}, label ? `${label}: ${url}` : url);
};

/* h("a", {href: "#"}, "text", child…): an element; strings become text nodes (never HTML). */
S.h = function (tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "style") el.style.cssText = v;
    else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
};

S.dateText = function (d) {
  if (!d || !d.start) return "date unknown";
  const range = d.end && d.end !== d.start ? `${d.start} – ${d.end}` : d.start;
  return d.precision && d.precision !== "day" ? `${range} (${d.precision})` : range;
};
S.placeText = (loc) => loc ? [loc.name, loc.admin1 && loc.admin1 !== loc.name ? loc.admin1 : null,
  loc.country_code].filter(Boolean).join(", ") : "place unknown";
S.actorLink = (a) => a ? (a.id ? S.h("a", {href: "#/entity/" + S.enc(a.id)}, a.name || a.id) : a.name) : null;
S.typeChip = (type) => S.h("span", {class: "chip", style: `background:${S.color(type)}`, title: type});
S.counts = function (c) {
  if (!c) return "";
  const out = [];
  for (const k of ["fatalities", "injured", "arrested"]) {
    if (c[k] === null || c[k] === undefined) continue;
    const lo = c[k + "_low"], hi = c[k + "_high"];
    out.push(`${c[k]}${lo !== undefined && hi !== undefined && lo !== null && hi !== null && lo !== hi ?
      ` (${lo}–${hi})` : ""} ${k}`);
  }
  return out.join(", ");
};
S.error = (el, err) => el.replaceChildren(S.h("p", {class: "error"}, String(err.message || err)));

/* "New since your last visit": the time of the previous visit is kept in this browser (localStorage);
   an event first seen by sitrep after it is marked new for this whole visit. The first visit marks nothing. */
S.visit = (function () {
  const KEY = "sitrep.lastVisit";
  let previous = null;
  try {
    previous = localStorage.getItem(KEY);
    localStorage.setItem(KEY, new Date().toISOString());
  } catch (e) { /* storage disabled: nothing is marked */ }
  const since = previous && !isNaN(Date.parse(previous)) ? Date.parse(previous) : null;
  return {
    since: since === null ? null : new Date(since).toISOString(),
    isNew: (e) => since !== null && !!e && typeof e.first_seen === "string" && Date.parse(e.first_seen) > since,
  };
})();
S.newMarker = (e) => S.visit.isNew(e) ? S.h("span", {class: "new-marker", title: `first seen ${e.first_seen}, ` +
  `after your last visit (${S.visit.since})`}, "new") : null;
