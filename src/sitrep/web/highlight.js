/* Evidence highlighting: spans (absolute character offsets into a document's text) rendered as
   nested <mark class="hl hl-ROLE"> elements over a slice of that text. Spans that cross are clipped,
   so the markup stays a tree; nothing from the text is ever parsed as HTML. */
"use strict";

S.ROLES = [
  ["trigger", "trigger (what happened)"], ["actor", "actor"], ["place", "place"],
  ["date", "date"], ["count", "count"],
];

S.legend = (roles) => S.h("div", {class: "legend"},
  (roles || S.ROLES).map(([r, label]) => S.h("span", {class: "hl hl-" + r}, label)));

/* Render text[from:to] with spans [{start, end, cls, title, href}] as a DocumentFragment. */
S.highlight = function (text, from, to, spans) {
  const sorted = spans
    .map((s) => ({...s, start: Math.max(s.start, from), end: Math.min(s.end, to)}))
    .filter((s) => s.start < s.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const root = {start: from, end: to, children: []};
  const stack = [root];
  for (const s of sorted) {
    while (stack.length > 1 && s.start >= stack[stack.length - 1].end) stack.pop();
    const top = stack[stack.length - 1];
    const node = {...s, end: Math.min(s.end, top.end), children: []};
    if (node.start >= node.end) continue;
    top.children.push(node);
    stack.push(node);
  }
  const render = (node, into) => {
    let at = node.start;
    for (const c of node.children) {
      if (c.start > at) into.append(text.slice(at, c.start));
      const el = S.h(c.href ? "a" : "mark", {class: "hl " + c.cls, title: c.title, href: c.href,
        "data-start": c.start, "data-end": c.end});
      render(c, el);
      into.append(el);
      at = c.end;
    }
    if (node.end > at) into.append(text.slice(at, node.end));
  };
  const frag = document.createDocumentFragment();
  render(root, frag);
  return frag;
};

/* The highlightable spans of one contract event object (a mention) of an article. */
S.mentionSpans = function (m) {
  const spans = [];
  const add = (s, cls, title) => {
    if (s && Number.isInteger(s.start) && Number.isInteger(s.end) && s.end > s.start) spans.push({start: s.start, end: s.end, cls, title});
  };
  add(m.trigger, "hl-trigger", `trigger: ${m.sub_event_type || ""}`);
  add(m.actor1, "hl-actor", `actor 1: ${m.actor1 && m.actor1.name}`);
  add(m.actor2, "hl-actor hl-actor2", `actor 2: ${m.actor2 && m.actor2.name}`);
  for (const a of m.assoc_actors || []) add(a, "hl-actor hl-assoc", `associated actor: ${a.name}`);
  add(m.location, "hl-place", `place: ${m.location && m.location.name}`);
  if (m.date && Number.isInteger(m.date.start_char)) {
    add({start: m.date.start_char, end: m.date.end_char}, "hl-date", `date: ${S.dateText(m.date)}`);
  }
  for (const c of m.count_evidence || []) add(c, "hl-count", `count: ${c.field}`);
  return spans;
};

/* Passages of `text` worth showing for a mention: its evidence sentences, and a window around
   every highlighted span outside them; overlapping passages merge. */
S.passages = function (text, m, spans, context = 90) {
  const ranges = (m.evidence || []).map((e) => [e.start, e.end]);
  for (const s of spans) {
    if (!ranges.some(([a, b]) => s.start >= a && s.end <= b)) {
      ranges.push([Math.max(0, s.start - context), Math.min(text.length, s.end + context)]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
};
