/* The timeline: weekly event counts stacked by event type (d3), with a brush; dragging a date range
   calls onBrush(date_from, date_to), clicking outside the selection calls onBrush(null, null). */
"use strict";

S.timeline = (function () {
  const DAY = 864e5;
  const margin = {top: 6, right: 12, bottom: 20, left: 30};
  const iso = (d) => d.toISOString().slice(0, 10);
  const parse = (s) => new Date(s + "T00:00:00Z");
  const weekStart = (d) => new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY);

  function draw(svgEl, rows, selected, onBrush) {
    const svg = d3.select(svgEl);
    svg.selectAll("*").remove();
    const width = svgEl.clientWidth || 600, height = svgEl.clientHeight || 140;
    svg.attr("viewBox", `0 0 ${width} ${height}`);
    if (!rows.length) {
      svg.append("text").attr("x", width / 2).attr("y", height / 2).attr("text-anchor", "middle")
        .attr("class", "muted").text("no dated events");
      return;
    }
    const types = [...new Set(rows.map((r) => r.event_type))].sort();
    const byPeriod = d3.rollup(rows, (v) => Object.fromEntries(v.map((r) => [r.event_type, r.count])), (r) => r.period);
    const first = d3.min(rows, (r) => parse(r.period)), last = d3.max(rows, (r) => parse(r.period));
    const weeks = d3.utcWeek.every(1).range(d3.utcMonday.floor(first), new Date(last.getTime() + DAY))
      .map((d) => iso(d));
    for (const p of byPeriod.keys()) if (!weeks.includes(p)) weeks.push(p);
    weeks.sort();
    const table = weeks.map((p) => ({period: p, ...Object.fromEntries(types.map((t) => [t, (byPeriod.get(p) || {})[t] || 0]))}));
    const stacked = d3.stack().keys(types)(table);

    const x = d3.scaleUtc().domain([parse(weeks[0]), new Date(parse(weeks[weeks.length - 1]).getTime() + 7 * DAY)])
      .range([margin.left, width - margin.right]);
    const y = d3.scaleLinear().domain([0, d3.max(stacked, (s) => d3.max(s, (d) => d[1])) || 1]).nice()
      .range([height - margin.bottom, margin.top]);

    svg.append("g").selectAll("g").data(stacked).join("g")
      .attr("fill", (s) => S.color(s.key)).attr("class", "bars").attr("data-type", (s) => s.key)
      .selectAll("rect").data((s) => s.map((d) => ({...d, key: s.key}))).join("rect")
      .attr("x", (d) => x(parse(d.data.period)) + 0.5)
      .attr("width", (d) => Math.max(1, x(new Date(parse(d.data.period).getTime() + 7 * DAY)) - x(parse(d.data.period)) - 1))
      .attr("y", (d) => y(d[1])).attr("height", (d) => Math.max(0, y(d[0]) - y(d[1])))
      .append("title").text((d) => `week of ${d.data.period}: ${d.data[d.key]} ${d.key}`);

    svg.append("g").attr("transform", `translate(0,${height - margin.bottom})`)
      .call(d3.axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))).tickSizeOuter(0));
    svg.append("g").attr("transform", `translate(${margin.left},0)`)
      .call(d3.axisLeft(y).ticks(3).tickFormat(d3.format("d")));

    const brush = d3.brushX().extent([[margin.left, margin.top], [width - margin.right, height - margin.bottom]])
      .on("end", (event) => {
        if (!event.sourceEvent) return;             // moved by us, not by the user
        if (!event.selection) { onBrush(null, null); return; }
        const [a, b] = event.selection.map((px) => x.invert(px));
        const from = weekStart(d3.utcDay.floor(a));
        const to = new Date(weekStart(d3.utcDay.floor(new Date(b.getTime() - 1))).getTime() + 6 * DAY);
        onBrush(iso(from), iso(to));
      });
    const g = svg.append("g").attr("class", "brush").call(brush);
    if (selected && (selected.from || selected.to)) {
      const a = selected.from ? parse(selected.from) : x.domain()[0];
      const b = selected.to ? new Date(parse(selected.to).getTime() + DAY) : x.domain()[1];
      const px = [Math.max(x.range()[0], x(a)), Math.min(x.range()[1], x(b))];
      if (px[1] > px[0]) g.call(brush.move, px);
    }
  }

  return {draw};
})();
