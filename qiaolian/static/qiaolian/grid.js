// The liaison grid's world map: people (colour) and associations (tooltip) by country or region.
// No inline script (CSP with nonces): the data comes from a json_script element, the map's
// GeoJSON from the vendored world.zh.json (drawn after China's standard maps), registered here
// as "world". Features are matched by ISO code: each gets a `code` property (its iso_a2, or
// for the few without one the country they belong to), and the series names regions by it.
(function () {
  "use strict";
  var element = document.getElementById("grid-map");
  var source = document.getElementById("grid-map-data");
  if (!element || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var encode = echarts.format.encodeHTML;
  // ECharts 6.1.0 throws on every frame when a map is laid out in a 0x0 box (apache/echarts
  // #21706, fixed after 6.1.0): the map is drawn and resized only while its box has a size.
  function sized() { return element.clientWidth > 0 && element.clientHeight > 0; }
  var chart = echarts.init(element);
  chart.showLoading();
  fetch(element.dataset.geoUrl, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (geojson) {
      geojson.features.forEach(function (feature) {
        var props = feature.properties;
        props.code = props.iso_a2 && props.iso_a2 !== "-99" ? props.iso_a2 : (data.uncoded[props.name] || "");
      });
      echarts.registerMap("world", geojson);
      chart.hideLoading();
      if (sized()) draw(); else waitForSize();
    })
    .catch(function () { chart.hideLoading(); element.textContent = element.getAttribute("aria-label"); });

  function waitForSize() {
    var observer = new ResizeObserver(function () {
      if (!sized()) return;
      observer.disconnect();
      draw();
    });
    observer.observe(element);
  }

  function draw() {
    var max = 1;
    data.features.forEach(function (row) { if (row.value > max) max = row.value; });
    chart.setOption({
      tooltip: {
        trigger: "item",
        formatter: function (params) {
          var row = params.data;
          if (!row) return encode(data.names[params.name] || "");
          return "<strong>" + encode(row.label) + "</strong><br>" +
            encode(data.labels.people) + ": " + row.value + "<br>" +
            encode(data.labels.associations) + ": " + row.associations;
        }
      },
      visualMap: {
        min: 0, max: max, left: 8, bottom: 8, calculable: true,
        inRange: { color: ["#fde8e7", "#e5484d", "#8f1d17"] }
      },
      series: [{
        type: "map", map: "world", nameProperty: "code", roam: true, zoom: 1.15,
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#f5b041" } },
        data: data.features
      }]
    });
  }
  window.addEventListener("resize", function () { if (sized()) chart.resize(); });
})();

// The tree's member lists: loaded by HTMX on the first click (the group page's members
// fragment, in a full-width row under the group), then shown and hidden by later clicks.
(function () {
  "use strict";
  function row(id) {
    var cell = document.getElementById(id);
    return cell ? cell.closest("tr") : null;
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.id || target.id.indexOf("members-") !== 0) return;
    var tr = row(target.id);
    if (tr && !target.dataset.loaded) {
      target.dataset.loaded = "1";
      tr.classList.remove("d-none");
      var button = document.querySelector('[data-members="' + target.id + '"]');
      if (button) button.setAttribute("aria-expanded", "true");
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-members]");
    if (!button) return;
    var cell = document.getElementById(button.dataset.members);
    if (!cell || !cell.dataset.loaded) return;  // the first click is HTMX's
    var hidden = row(cell.id).classList.toggle("d-none");
    button.setAttribute("aria-expanded", hidden ? "false" : "true");
  });
})();
