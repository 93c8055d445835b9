/* The research graph on the profile: a small graph, and the full explorer opened in place.
   Reads the slice from graph.json; everything here also exists as plain lists without it. */
(function () {
  "use strict";
  var COLORS = {
    researcher: "#1d5fbf", collaborator: "#1f7a4d", work: "#9a5b00",
    topic: "#7b4fb0", institution: "#b3261e"
  };
  var KINDS = ["researcher", "collaborator", "work", "topic", "institution"];
  window.bzpeerGraph = window.bzpeerGraph || {};

  function elements(data, keep) {
    var ids = {};
    var nodes = data.nodes.filter(function (n) { return keep(n); }).map(function (n) {
      ids[n.id] = true;
      return { data: { id: n.id, label: n.label, kind: n.kind, url: n.url,
                       size: 14 + Math.round(Math.sqrt(n.importance || 0) * 60) } };
    });
    var edges = data.edges.filter(function (e) { return ids[e.source] && ids[e.target]; })
      .map(function (e) {
        return { data: { id: e.source + "|" + e.target, source: e.source, target: e.target,
                         why: e.why, kind: e.kind } };
      });
    return nodes.concat(edges);
  }

  // Cytoscape adds an inline <style> to the page, which the Content-Security-Policy refuses,
  // unless an element with this id already exists; its one rule is in site.css instead.
  function preemptCytoscapeStyle() {
    var id = "__________cytoscape_stylesheet";
    if (document.getElementById(id)) { return; }
    var marker = document.createElement("meta");
    marker.id = id;
    document.head.appendChild(marker);
  }

  function draw(container, els) {
    preemptCytoscapeStyle();
    return window.cytoscape({
      container: container,
      elements: els,
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 8000 },
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "background-color": function (n) { return COLORS[n.data("kind")] || "#666"; },
          "label": "data(label)", "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 90,
          "width": "data(size)", "height": "data(size)", "color": "#1c2430" } },
        { selector: "edge", style: { "width": 1, "line-color": "#c6ced8", "curve-style": "haystack" } }
      ]
    });
  }

  function goTo(event) {
    var url = event.target.data("url");
    if (url) { window.location.assign(url); }
  }

  // The small graph shows a few of each kind, most important first (nodes come sorted).
  var QUOTA = { researcher: 1, collaborator: 10, work: 6, topic: 4, institution: 3 };

  function top(data) {
    var chosen = {}, taken = {};
    data.nodes.forEach(function (n) {
      taken[n.kind] = (taken[n.kind] || 0) + 1;
      if (taken[n.kind] <= (QUOTA[n.kind] || 0)) { chosen[n.id] = true; }
    });
    return function (n) { return chosen[n.id]; };
  }

  function drawMini(section, data) {
    var mini = section.querySelector("#graph-mini");
    if (!mini || !data.nodes.length) { return; }
    var cy = draw(mini, elements(data, top(data)));
    cy.on("tap", "node", goTo);
    window.bzpeerGraph.mini = cy;
  }

  function legend(box, shown, onChange) {
    KINDS.forEach(function (kind) {
      var label = document.createElement("label");
      label.className = "legend-item";
      var input = document.createElement("input");
      input.type = "checkbox"; input.checked = true; input.value = kind;
      input.addEventListener("change", function () {
        shown[kind] = input.checked; onChange();
      });
      var swatch = document.createElement("span");
      swatch.className = "swatch"; swatch.style.background = COLORS[kind];
      label.appendChild(input); label.appendChild(swatch);
      label.appendChild(document.createTextNode(" " + kind));
      box.appendChild(label);
    });
  }

  function drawExplorer(section, data) {
    var explorer = section.querySelector("#explorer");
    if (!explorer) {
      explorer = document.createElement("div");
      explorer.className = "explorer"; explorer.id = "explorer";
      explorer.innerHTML = "<h3>Explorer</h3>";
      section.appendChild(explorer);
    }
    var canvas = explorer.querySelector("#explorer-canvas");
    if (!canvas) {
      canvas = document.createElement("div");
      canvas.className = "explorer-canvas"; canvas.id = "explorer-canvas";
      explorer.appendChild(canvas);
    }
    if (!data.nodes.length) { return; }
    var controls = document.createElement("div");
    controls.className = "explorer-controls";
    controls.innerHTML = "<p class='muted small'>Filter by kind. Click a node to open its page; " +
      "right-click a collaborator to add their own slice.</p>";
    explorer.insertBefore(controls, canvas);
    var merged = { nodes: data.nodes.slice(), edges: data.edges.slice() };
    var shown = {};
    KINDS.forEach(function (k) { shown[k] = true; });
    var cy;
    function redraw() {
      if (cy) { cy.destroy(); }
      cy = draw(canvas, elements(merged, function (n) { return shown[n.kind]; }));
      cy.on("tap", "node", goTo);
      cy.on("cxttap", "node[kind = 'collaborator']", function (event) { expand(event.target); });
      window.bzpeerGraph.explorer = cy;
    }
    function expand(node) {
      var url = node.data("url");
      if (!url) { return; }
      fetch(url.replace(/\/$/, "") + "/graph.json").then(function (r) { return r.json(); })
        .then(function (more) {
          var have = {};
          merged.nodes.forEach(function (n) { have[n.id] = true; });
          more.nodes.forEach(function (n) {
            if (!have[n.id]) {
              merged.nodes.push(n.kind === "researcher" ? Object.assign({}, n, { kind: "collaborator" }) : n);
            }
          });
          merged.edges = merged.edges.concat(more.edges);
          redraw();
        });
    }
    legend(controls, shown, redraw);
    redraw();
  }

  function init() {
    var section = document.getElementById("graph-section");
    if (!section || !window.cytoscape || !section.querySelector("#graph-mini")) { return; }
    if (section.dataset.drawn) { return; }
    section.dataset.drawn = "1";
    fetch(section.dataset.json).then(function (r) { return r.json(); }).then(function (data) {
      drawMini(section, data);
      if (section.querySelector("#explorer")) { drawExplorer(section, data); }
      window.bzpeerGraph.data = data;
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#open-explorer");
    var section = document.getElementById("graph-section");
    if (!link || !section || !window.bzpeerGraph.data) { return; }
    event.preventDefault();
    if (!section.querySelector("#explorer-canvas")) {
      drawExplorer(section, window.bzpeerGraph.data);
    }
    history.pushState({ explorer: true }, "", link.href);
    section.querySelector("#explorer").scrollIntoView({ behavior: "smooth", block: "start" });
  });
  document.addEventListener("DOMContentLoaded", init);
  // The section polls itself while the slice is built, and is swapped in when ready.
  document.addEventListener("htmx:afterSettle", init);
})();
