/* The sites' map (docs/locations.md): Leaflet (static/vendor/leaflet) with the tiles of
   settings.MAP_TILE_URL, a marker per site linking to its page. Everything it needs is on the
   element: <div data-sites-map data-tiles data-attribution> and the markers in the JSON block
   named by data-markers. No tile URL, no Leaflet, or tiles that fail: the map hides itself and
   the page stays its list. */
(function () {
  "use strict";
  var element = document.querySelector("[data-sites-map]");
  if (!element || !window.L || !element.dataset.tiles) return;
  var source = document.getElementById(element.dataset.markers);
  var markers = source ? JSON.parse(source.textContent) : [];
  if (!markers.length) return;

  element.hidden = false;
  var map = L.map(element, {scrollWheelZoom: false});
  var failed = 0, loaded = 0;
  var tiles = L.tileLayer(element.dataset.tiles, {maxZoom: 19, attribution: element.dataset.attribution});
  tiles.on("tileload", function () { loaded += 1; });
  tiles.on("tileerror", function () {
    failed += 1;
    if (failed >= 4 && loaded === 0) {  // the tile server is out of reach: the list remains
      element.hidden = true;
      element.setAttribute("data-map-state", "failed");
    }
  });
  tiles.addTo(map);

  var points = markers.map(function (site) {
    var marker = L.marker([site.lat, site.lng], {title: site.name, alt: site.name}).addTo(map);
    var link = document.createElement("a");
    link.href = site.url;
    link.textContent = site.name;
    var box = document.createElement("div");
    box.appendChild(link);
    if (site.stations !== null && site.stations !== undefined) {
      var count = document.createElement("div");
      count.textContent = site.stations + (site.stations === 1 ? " station" : " stations");
      box.appendChild(count);
    }
    marker.bindPopup(box);
    marker.on("dblclick", function () { window.location.href = site.url; });
    return [site.lat, site.lng];
  });
  if (points.length === 1) map.setView(points[0], 15);
  else map.fitBounds(points, {padding: [24, 24], maxZoom: 15});
  element.setAttribute("data-map-state", "shown");
  element.setAttribute("data-marker-count", String(points.length));
})();
