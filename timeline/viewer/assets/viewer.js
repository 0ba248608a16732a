/* The timeline viewer: one zoomable, pannable Canvas from millennia to days.
 *
 * Reads the events from the JSON at the canvas's data-src (the app: the page's
 * filters, language and as-of moment) or from the JSON element named by its
 * data-embedded (the HTML chronology: one offline file), draws one lane per
 * actor, category or tag (an event in every lane it belongs to), and draws each
 * date as what it is: a day as a tick, a month or year as a pale band (it
 * happened on one day in it), an interval's sure part solid inside its possible
 * extent, an open end fading to the edge, an "or" set as hollow members joined
 * by a dotted line, approximate or uncertain dates outlined with dashes,
 * disputed events marked in red, the other dates its sources claim as red
 * strokes under it. window.timelineViewer lets tests and benchmarks drive it
 * and read its frame times. No library, no network beyond its own JSON.
 */
(function () {
  "use strict";
  var canvas = document.getElementById("viewer");
  if (!canvas) { return; }
  var ctx = canvas.getContext("2d");
  var tip = document.getElementById("viewer-tip");
  var laneSelect = document.getElementById("viewer-lanes");
  if (laneSelect && canvas.getAttribute("data-lanes")) { laneSelect.value = canvas.getAttribute("data-lanes"); }
  var AXIS = 34, ROW = 24, LABEL = 140, OPEN = 1e15;
  var api = window.timelineViewer = {
    ready: false, count: 0, drawn: 0, frames: [], lanes: [], error: "",
    timing: {}  // milliseconds since navigation: data parsed, first frame drawn
  };
  var data = null, lanes = [], start = 0, perDay = 1, width = 0, height = 0, pending = false;
  var frame = 0;  // the count of frames drawn: where an item was drawn is kept with it

  /* -- calendar: JDN <-> proleptic Gregorian ------------------------------ */
  function jdn(y, m, d) {
    var a = Math.floor((14 - m) / 12), yy = y + 4800 - a, mm = m + 12 * a - 3;
    return d + Math.floor((153 * mm + 2) / 5) + 365 * yy + Math.floor(yy / 4) -
      Math.floor(yy / 100) + Math.floor(yy / 400) - 32045;
  }
  function civil(j) {
    var a = j + 32044, b = Math.floor((4 * a + 3) / 146097), c = a - Math.floor(146097 * b / 4);
    var d = Math.floor((4 * c + 3) / 1461), e = c - Math.floor(1461 * d / 4);
    var m = Math.floor((5 * e + 2) / 153);
    return [100 * b + d - 4800 + Math.floor(m / 10), m + 3 - 12 * Math.floor(m / 10),
      e - Math.floor((153 * m + 2) / 5) + 1];
  }
  function yearLabel(y) {
    if (y > 0) { return String(y); }
    var lang = data ? data.lang : "en";
    var bc = { en: " BC", zh: "", ru: " до н. э." }[lang] || " BC";
    return lang === "zh" ? "公元前" + (1 - y) + "年" : (1 - y) + bc;
  }
  function iso(day) {
    var c = civil(Math.round(day));
    return c[0] + "-" + String(c[1]).padStart(2, "0") + "-" + String(c[2]).padStart(2, "0");
  }

  /* -- lanes ---------------------------------------------------------------- */
  function laneKeys(item, mode) {
    if (mode === "none") { return [""]; }
    if (mode === "category") { return [item.c]; }
    if (mode === "tag") { return item.g.length ? item.g : ["—"]; }
    return item.a.length ? item.a : ["—"];
  }
  function layout() {
    var mode = laneSelect ? laneSelect.value : "actor", byKey = {};
    data.events.forEach(function (item) {
      laneKeys(item, mode).forEach(function (key) {
        (byKey[key] = byKey[key] || []).push(item);
      });
    });
    lanes = Object.keys(byKey).sort(function (a, b) {
      return byKey[b].length - byKey[a].length || (a < b ? -1 : 1);
    }).map(function (key) {
      var closed = [], open = [], longest = 0;
      byKey[key].forEach(function (item) {
        if (item.lo === -OPEN || item.hi === OPEN) { open.push(item); return; }
        closed.push(item); longest = Math.max(longest, item.hi - item.lo);
      });
      closed.sort(function (p, q) { return p.lo - q.lo; });
      var name = mode === "actor" ? (data.actors[key] || key) : mode === "none" ? "" : key;
      return { key: key, name: name, items: closed, open: open, longest: longest };
    });
    api.lanes = lanes.map(function (lane) { return lane.name; });
    resize();
  }
  function prepare(item) {
    var lo = OPEN, hi = -OPEN;
    item.s.forEach(function (s) {
      lo = Math.min(lo, s[0] === null ? -OPEN : s[0]);
      hi = Math.max(hi, s[3] === null ? OPEN : s[3] + 1);
    });
    item.lo = lo; item.hi = hi;
  }

  /* -- geometry ------------------------------------------------------------- */
  function x(day) { return LABEL + (day - start) * perDay; }
  function dayAt(px) { return start + (px - LABEL) / perDay; }
  function resize() {
    var ratio = window.devicePixelRatio || 1;
    width = canvas.clientWidth;
    height = AXIS + Math.max(lanes.length, 1) * ROW + 6;
    canvas.style.height = height + "px";
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    schedule();
  }
  function fit() {
    var lo = OPEN, hi = -OPEN;
    data.events.forEach(function (item) {
      item.s.forEach(function (s) {
        [s[0], s[3]].forEach(function (d) {
          if (d !== null) { lo = Math.min(lo, d); hi = Math.max(hi, d + 1); }
        });
      });
    });
    if (lo > hi) { lo = jdn(2000, 1, 1); hi = lo + 365; }
    var pad = Math.max((hi - lo) * 0.03, 15);
    perDay = (width - LABEL - 10) / (hi - lo + 2 * pad);
    start = lo - pad;
  }
  function clampZoom(scale) {
    var minPer = (width - LABEL) / (366 * 6000), maxPer = (width - LABEL) / 4;
    return Math.min(maxPer, Math.max(minPer, scale));
  }

  /* -- drawing --------------------------------------------------------------- */
  var UNITS = [
    [1, "d"], [7, "d"], [1, "m"], [3, "m"], [1, "y"], [5, "y"], [10, "y"], [25, "y"],
    [50, "y"], [100, "y"], [250, "y"], [500, "y"], [1000, "y"]
  ];
  function unitLength(unit) { return unit[1] === "d" ? unit[0] : unit[1] === "m" ? unit[0] * 30.4 : unit[0] * 365.25; }
  function drawAxis(endDay) {
    var unit = UNITS[UNITS.length - 1];
    for (var u = 0; u < UNITS.length; u++) {
      if (unitLength(UNITS[u]) * perDay >= 80) { unit = UNITS[u]; break; }
    }
    ctx.fillStyle = "#555"; ctx.strokeStyle = "#ddd"; ctx.lineWidth = 1;
    ctx.font = "12px system-ui, sans-serif"; ctx.textBaseline = "middle";
    var first = civil(Math.floor(Math.max(start, -OPEN / 2)));
    var y = first[0], m = first[1], n = unit[0], day;
    if (unit[1] === "y") { y = Math.floor(y / n) * n; m = 1; }
    if (unit[1] === "m") { m = Math.floor((m - 1) / n) * n + 1; }
    day = unit[1] === "d" ? Math.floor(start) : jdn(y, m, 1);
    for (var guard = 0; day <= endDay && guard < 400; guard++) {
      var px = x(day);
      if (px >= LABEL) {
        ctx.beginPath(); ctx.moveTo(px + 0.5, AXIS - 6); ctx.lineTo(px + 0.5, height); ctx.stroke();
        var c = civil(day), text = unit[1] === "y" ? yearLabel(c[0]) :
          unit[1] === "m" ? yearLabel(c[0]) + "-" + String(c[1]).padStart(2, "0") : iso(day);
        ctx.fillText(text, px + 3, AXIS / 2);
      }
      if (unit[1] === "d") { day += n; }
      else if (unit[1] === "m") { m += n; while (m > 12) { m -= 12; y += 1; } day = jdn(y, m, 1); }
      else { y += n; day = jdn(y, 1, 1); }
    }
  }
  function band(px0, px1, row, fill, alpha) {
    ctx.globalAlpha = alpha; ctx.fillStyle = fill;
    ctx.fillRect(px0, row + 5, Math.max(px1 - px0, 2), ROW - 10);
    ctx.globalAlpha = 1;
  }
  function drawItem(item, row, lane) {
    var colour = item.d ? "#b3263e" : item.r ? "#999" : "#2a5db0";
    var left = LABEL, right = width, first = null, last = null, hollow = !!item.o;
    item.s.forEach(function (s) {
      var a = s[0] === null ? left : Math.max(x(s[0]), left - 5);
      var d = s[3] === null ? right : Math.min(x(s[3] + 1), right + 5);
      if (d < left || a > right) { return; }
      if (s[0] === null || s[3] === null) {
        var g = ctx.createLinearGradient(a, 0, d, 0);
        g.addColorStop(s[0] === null ? 0 : 1, "rgba(42,93,176,0)");
        g.addColorStop(s[0] === null ? 1 : 0, "rgba(42,93,176,0.45)");
        ctx.fillStyle = g; ctx.fillRect(a, row + 5, Math.max(d - a, 2), ROW - 10);
      } else if (hollow) {
        ctx.strokeStyle = colour; ctx.lineWidth = 1.5;
        ctx.strokeRect(a, row + 5.5, Math.max(d - a, 2), ROW - 11);
      } else {
        band(a, d, row, colour, s[1] === null ? 0.3 : 0.2);
      }
      if (s[1] !== null && !hollow) { band(Math.max(x(s[1]), left), Math.min(x(s[2] + 1), right), row, colour, 1); }
      first = first === null ? a : Math.min(first, a);
      last = last === null ? d : Math.max(last, d);
    });
    if (first === null) { return false; }
    if (item.k) {  // the other dates its sources claim: red strokes along the row's foot
      ctx.fillStyle = "#b3263e";
      item.k.forEach(function (s) {
        var a = s[0] === null ? left : Math.max(x(s[0]), left - 5);
        var d = s[3] === null ? right : Math.min(x(s[3] + 1), right + 5);
        if (d >= left && a <= right) { ctx.fillRect(a, row + ROW - 4, Math.max(d - a, 2), 2); }
      });
    }
    if (hollow && item.s.length > 1) {
      ctx.strokeStyle = colour; ctx.setLineDash([2, 3]); ctx.beginPath();
      ctx.moveTo(first, row + ROW / 2); ctx.lineTo(last, row + ROW / 2); ctx.stroke();
      ctx.setLineDash([]);
    }
    if (item.f) {
      ctx.strokeStyle = colour; ctx.setLineDash([3, 2]); ctx.lineWidth = 1;
      ctx.strokeRect(first - 1.5, row + 3.5, last - first + 3, ROW - 7); ctx.setLineDash([]);
    }
    if (item.d) {
      ctx.fillStyle = "#b3263e"; ctx.beginPath(); ctx.moveTo(first, row + 2);
      ctx.lineTo(first + 7, row + 2); ctx.lineTo(first, row + 9); ctx.fill();
    }
    var at = Math.max(last, first + 3) + 3;
    if (lane.labels && at >= lane.free) {  // a label only where the previous one ended
      var text = item.t + (item.f ? " " + item.f : "");
      ctx.fillStyle = item.r ? "#888" : "#222";
      ctx.fillText(text, at, row + ROW / 2);
      lane.free = at + ctx.measureText(text).width + 10;
    }
    item.px = [first, last, row, frame];
    return true;
  }
  function visible(lane, from, to) {
    var items = lane.items, lo = 0, hi = items.length, since = from - lane.longest, out = [];
    lane.open.forEach(function (item) { if (item.hi >= from && item.lo <= to) { out.push(item); } });
    while (lo < hi) { var mid = (lo + hi) >> 1; if (items[mid].lo < since) { lo = mid + 1; } else { hi = mid; } }
    for (var i = lo; i < items.length && items[i].lo <= to; i++) {
      if (items[i].hi >= from) { out.push(items[i]); }
    }
    return out;
  }
  /* Where more events show than there are pixels, a lane is drawn as the count of events
   * over each pixel column (darker where more): one rectangle a column, not one an event. */
  function drawDensity(items, row, lane) {
    var columns = new Uint32Array(Math.ceil(width) + 1), rest = [];
    items.forEach(function (item) {
      if (item.lo === -OPEN || item.hi === OPEN) { rest.push(item); return; }
      var a = Math.max(Math.floor(x(item.lo)), LABEL), d = Math.min(Math.ceil(x(item.hi)), width);
      if (d - a > 40) { rest.push(item); return; }
      for (var c = a; c <= d; c++) { columns[c] += 1; }
    });
    ctx.fillStyle = "#2a5db0";
    for (var c = LABEL; c < columns.length; c++) {
      if (columns[c]) {
        ctx.globalAlpha = Math.min(1, 0.2 + columns[c] / 12);
        ctx.fillRect(c, row + 5, 1, ROW - 10);
      }
    }
    ctx.globalAlpha = 1;
    lane.labels = false;
    rest.forEach(function (item) { drawItem(item, row, lane); });
    return items.length;
  }
  function draw() {
    pending = false;
    frame += 1;
    var began = performance.now();
    ctx.clearRect(0, 0, width, height);
    var from = dayAt(LABEL), to = dayAt(width);
    drawAxis(to);
    var shown = lanes.map(function (lane) { return visible(lane, from, to); });
    var total = shown.reduce(function (n, items) { return n + items.length; }, 0);
    var labels = total <= 400;
    ctx.font = "12px system-ui, sans-serif"; ctx.textBaseline = "middle";
    var drawn = 0;
    lanes.forEach(function (lane, n) {
      var row = AXIS + n * ROW;
      ctx.fillStyle = n % 2 ? "#fafafa" : "#f0f3f8"; ctx.fillRect(0, row, width, ROW);
      ctx.save(); ctx.beginPath(); ctx.rect(LABEL, row, width - LABEL, ROW); ctx.clip();
      var state = { labels: labels, free: 0 };
      if (shown[n].length > (width - LABEL) * 2) { drawn += drawDensity(shown[n], row, state); }
      else { shown[n].forEach(function (item) { if (drawItem(item, row, state)) { drawn++; } }); }
      ctx.restore();
      ctx.fillStyle = "#333"; ctx.fillText(lane.name.slice(0, 20), 6, row + ROW / 2);
    });
    api.drawn = drawn; api.visible = total;
    api.frames.push(performance.now() - began);
    if (api.frames.length > 2000) { api.frames.splice(0, 1000); }
    if (!api.ready) { api.timing.drawn = performance.now(); }
    api.ready = true;
  }
  function schedule() { if (!pending && data) { pending = true; window.requestAnimationFrame(draw); } }

  /* -- interaction ---------------------------------------------------------------- */
  function zoom(factor, px) {
    var at = dayAt(px === undefined ? (LABEL + width) / 2 : px);
    perDay = clampZoom(perDay * factor);
    start = at - ((px === undefined ? (LABEL + width) / 2 : px) - LABEL) / perDay;
    schedule();
  }
  function pan(px) { start -= px / perDay; schedule(); }
  function hit(px, py) {
    var n = Math.floor((py - AXIS) / ROW);
    if (n < 0 || n >= lanes.length || px < LABEL) { return null; }
    var found = null, day = dayAt(px), slack = 3 / perDay;
    visible(lanes[n], day - slack, day + slack).forEach(function (item) {
      var at = item.px;
      if (at && at[3] === frame && at[2] === AXIS + n * ROW && px >= at[0] - 3 && px <= at[1] + 3) { found = item; }
    });
    return found;
  }
  var drag = null;
  canvas.addEventListener("wheel", function (e) {
    e.preventDefault();
    var r = canvas.getBoundingClientRect();
    zoom(Math.pow(1.0015, -e.deltaY), e.clientX - r.left);
  }, { passive: false });
  canvas.addEventListener("pointerdown", function (e) {
    drag = { x: e.clientX, moved: 0 }; canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", function (e) {
    var r = canvas.getBoundingClientRect();
    if (drag) { pan(e.clientX - drag.x); drag.moved += Math.abs(e.clientX - drag.x); drag.x = e.clientX; return; }
    var item = hit(e.clientX - r.left, e.clientY - r.top);
    canvas.style.cursor = item ? "pointer" : "grab";
    if (tip) {
      tip.textContent = item ? item.t + (item.d ? " (disputed)" : "") : "";
      tip.hidden = !item;
    }
  });
  canvas.addEventListener("pointerup", function (e) {
    var r = canvas.getBoundingClientRect(), moved = drag ? drag.moved : 0;
    drag = null;
    if (moved < 4) {
      var item = hit(e.clientX - r.left, e.clientY - r.top);
      if (item) { window.location.href = canvas.getAttribute("data-event-link").replace("__ID__", encodeURIComponent(item.i)); }
    }
  });
  canvas.addEventListener("keydown", function (e) {
    var keys = { "+": [zoom, 1.5], "=": [zoom, 1.5], "-": [zoom, 1 / 1.5], ArrowLeft: [pan, 80], ArrowRight: [pan, -80] };
    if (keys[e.key]) { e.preventDefault(); keys[e.key][0](keys[e.key][1]); }
  });
  document.querySelectorAll("[data-viewer-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var f = Number(button.getAttribute("data-viewer-zoom"));
      if (f) { zoom(f); } else { fit(); schedule(); }
    });
  });
  if (laneSelect) { laneSelect.addEventListener("change", function () { if (data) { layout(); } }); }
  window.addEventListener("resize", function () { if (data) { resize(); } });

  api.drawing = function () { return pending; };  // a change not drawn yet
  api.zoom = zoom; api.pan = pan; api.fit = function () { fit(); schedule(); };
  api.view = function () { return { start: iso(dayAt(LABEL)), end: iso(dayAt(width)) }; };
  api.showPeriod = function (fromIso, toIso) {
    var a = fromIso.split("-").map(Number), b = toIso.split("-").map(Number);
    var lo = jdn(a[0], a[1] || 1, a[2] || 1), hi = jdn(b[0], b[1] || 12, b[2] || 28);
    perDay = clampZoom((width - LABEL) / Math.max(hi - lo, 1)); start = lo; schedule();
  };
  api.hitAt = function (px, py) { var item = hit(px, py); return item ? item.i : null; };
  api.where = function (id) {
    var found = null;
    lanes.forEach(function (lane) {
      lane.items.concat(lane.open).forEach(function (item) { if (item.i === id && item.px && item.px[3] === frame) { found = item.px; } });
    });
    return found && { x: (found[0] + found[1]) / 2, y: found[2] + ROW / 2 };
  };

  /* The HTML chronology holds every language: titles by language, actor names by language. */
  var wantedLang = null;
  api.language = function (lang) {
    wantedLang = lang;
    if (!data || !data.titles || !data.titles[lang]) { return; }
    data.lang = lang; data.actors = data.names[lang];
    data.events.forEach(function (item, n) { item.t = data.titles[lang][n]; });
    layout();
  };
  function begin(loaded) {
    data = loaded; api.count = data.events.length; api.timing.fetched = performance.now();
    data.events.forEach(prepare);
    width = canvas.clientWidth;
    if (wantedLang) { api.language(wantedLang); } else { layout(); }
    fit(); schedule();
  }
  var embedded = canvas.getAttribute("data-embedded");
  if (embedded) {
    try { begin(JSON.parse(document.getElementById(embedded).textContent)); }
    catch (e) { api.error = String(e); api.ready = true; }
  } else {
    fetch(canvas.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(begin)
      .catch(function (e) { api.error = String(e); api.ready = true; });
  }
})();
