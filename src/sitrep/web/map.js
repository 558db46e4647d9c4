/* The map: country outlines shipped with the package (world-atlas TopoJSON drawn as a GeoJSON layer,
   so it works offline), event markers clustered and coloured by event type, and web tiles only when
   the user asks for them. */
"use strict";

S.map = (function () {
  let map, clusters, tiles, outlines;

  function clusterIcon(cluster) {
    // a ring in the colours of the event types inside, in proportion
    const counts = {};
    for (const m of cluster.getAllChildMarkers()) counts[m.options.eventType] = (counts[m.options.eventType] || 0) + 1;
    const n = cluster.getChildCount();
    let at = 0;
    const stops = Object.entries(counts).map(([t, c]) => {
      const from = at; at += (c / n) * 360;
      return `${S.color(t)} ${from}deg ${at}deg`;
    });
    const size = n < 10 ? 30 : n < 100 ? 38 : 46;
    // elements, not an HTML string: the page's Content-Security-Policy allows no inline style attribute
    const ring = S.h("div", {style: `background:conic-gradient(${stops.join(",")})`}, S.h("span", {}, String(n)));
    return L.divIcon({html: ring, className: "evt-cluster", iconSize: L.point(size, size)});
  }

  /* Rings that cross the antimeridian (Russia, Fiji) jump from +180 to -180 and would be drawn
     across the whole map; shift such points by 360° so each ring stays continuous. */
  function unwrap(geometry) {
    const fixRing = (ring) => {
      let shift = 0;
      return ring.map(([lon, lat], i) => {
        if (i) {
          const prev = ring[i - 1][0];
          if (lon - prev > 180) shift -= 360; else if (prev - lon > 180) shift += 360;
        }
        return [lon + shift, lat];
      });
    };
    if (geometry.type === "Polygon") geometry.coordinates = geometry.coordinates.map(fixRing);
    if (geometry.type === "MultiPolygon") geometry.coordinates = geometry.coordinates.map((p) => p.map(fixRing));
    return geometry;
  }

  async function init(el) {
    map = L.map(el, {worldCopyJump: true, minZoom: 2, maxZoom: 14, zoomSnap: 0.5}).setView([33, 40], 4);
    map.attributionControl.setPrefix(false);
    map.createPane("outlines").style.zIndex = 250;
    try {
      const topo = await fetch("/static/vendor/countries-50m.json").then((r) => r.json());
      const geo = topojson.feature(topo, topo.objects.countries);
      geo.features = geo.features.filter((f) => f.geometry).map((f) => ({...f, geometry: unwrap(f.geometry)}));
      outlines = L.geoJSON(geo, {
        pane: "outlines", interactive: false,
        style: {className: "country", color: "#8a8f98", weight: 0.8, fillColor: "#f2efe6", fillOpacity: 1},
      }).addTo(map);
      map.attributionControl.addAttribution("Outlines: Natural Earth via world-atlas");
    } catch (e) {
      console.error("country outlines could not be loaded", e);
    }
    clusters = L.markerClusterGroup({iconCreateFunction: clusterIcon, showCoverageOnHover: false,
      maxClusterRadius: 40});
    map.addLayer(clusters);
  }

  function setTiles(on) {
    if (on && !tiles) {
      tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        {maxZoom: 19, attribution: "© OpenStreetMap contributors"});
      tiles.addTo(map);
      if (outlines) outlines.setStyle({fillOpacity: 0});
    } else if (!on && tiles) {
      map.removeLayer(tiles); tiles = null;
      if (outlines) outlines.setStyle({fillOpacity: 1});
    }
  }

  function show(events, fit) {
    clusters.clearLayers();
    const markers = [];
    for (const e of events) {
      if (!e.location || e.location.lat === null || e.location.lon === null) continue;
      const icon = L.divIcon({className: "evt-marker", iconSize: [14, 14],
        html: S.h("span", {style: `background:${S.color(e.event_type)}`})});
      const m = L.marker([e.location.lat, e.location.lon], {icon, eventType: e.event_type, title: e.sub_event_type});
      m.bindPopup(() => S.h("div", {class: "popup"},
        S.h("strong", {}, e.sub_event_type), S.h("br"), S.dateText(e.date), " · ", S.placeText(e.location),
        S.h("br"), [S.actorLink(e.actor1), e.actor2 ? " → " : null, S.actorLink(e.actor2)],
        S.h("br"), S.h("a", {href: "#/event/" + S.enc(e.id)}, "open event")));
      markers.push(m);
    }
    clusters.addLayers(markers);
    if (fit && markers.length) {
      map.fitBounds(L.latLngBounds(markers.map((m) => m.getLatLng())).pad(0.3), {maxZoom: 7});
    }
    return markers.length;
  }

  const invalidate = () => map && map.invalidateSize();
  /* what the map shows now (for tests and scripts): its zoom and [south, west, north, east] */
  const view = () => {
    if (!map) return null;
    const b = map.getBounds();
    return {zoom: map.getZoom(), bounds: [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]};
  };
  return {init, show, setTiles, invalidate, view};
})();
