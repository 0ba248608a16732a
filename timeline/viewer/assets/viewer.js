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
 * and read its frame times. Events of a lane that overlap in time sit in sub-rows (at
 * most four; "+N more" at the lane's end counts those in view that had to share one).
 * No library, no network beyond its own JSON.
 */
(function () {
  "use strict";
  var canvas = document.getElementById("viewer");
  if (!canvas) { return; }
  var ctx = canvas.getContext("2d");
  var tip = document.getElementById("viewer-tip");
  var laneSelect = document.getElementById("viewer-lanes");
  if (laneSelect && canvas.getAttribute("data-lanes")) { laneSelect.value = canvas.getAttribute("data-lanes"); }
  // a lane's events that overlap in time are stacked in sub-rows SUB pixels apart, at
  // most DEPTH of them (more share the least busy one); a lane of one sub-row is ROW high
  var AXIS = 34, ROW = 24, SUB = 18, DEPTH = 4, LABEL = 140, OPEN = 1e15;
  var api = window.timelineViewer = {
    ready: false, count: 0, drawn: 0, frames: [], lanes: [], error: "", more: {},
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
      var los = new Float64Array(closed.length), his = new Float64Array(closed.length);
      var kinds = new Uint8Array(closed.length);
      closed.forEach(function (item, n) { los[n] = item.lo; his[n] = item.hi; kinds[n] = kindOf(item); });
      var name = mode === "actor" ? (data.actors[key] || key) : mode === "none" ? "" : key;
      var lane = {
        key: key, name: name, items: closed, open: open, longest: longest,
        los: los, his: his, kinds: kinds, subs: new Uint8Array(closed.length),
        openSubs: new Uint8Array(open.length), hidden: new Uint8Array(closed.length),
        openHidden: new Uint8Array(open.length), depth: 1, top: 0, height: ROW
      };
      stack(lane);
      return lane;
    });
    var top = AXIS;
    lanes.forEach(function (lane) { lane.top = top; top += lane.height; });
    api.lanes = lanes.map(function (lane) { return lane.name; });
    resize();
  }
  /* What a crowded lane needs to know of an event: whether it is sure of its day (or of
   * part of its span), disputed, or drawn only one by one (several spans, an "or" set,
   * claimed dates, retracted). */
  var POSSIBLE = 1, DISPUTED = 2, SINGLE = 4;
  function kindOf(item) {
    if (item.s.length > 1 || item.o || item.k || item.r) { return SINGLE; }
    return (item.s[0][1] === null ? POSSIBLE : 0) | (item.d ? DISPUTED : 0);
  }
  /* Each event of the lane in the first sub-row free when it begins (in order of
   * beginning; an open start begins first, an open end never frees its sub-row); one put
   * in a sub-row still busy (all DEPTH are) is marked hidden: the "+N more" of the lane. */
  function stack(lane) {
    var order = [], ends = [];
    lane.open.forEach(function (item, n) { order.push([item.lo, item.hi, lane.openSubs, n, lane.openHidden]); });
    lane.items.forEach(function (item, n) { order.push([item.lo, item.hi, lane.subs, n, lane.hidden]); });
    order.sort(function (p, q) { return p[0] - q[0]; });
    order.forEach(function (entry) {
      var sub = -1, least = 0;
      for (var k = 0; k < ends.length; k++) {
        if (ends[k] <= entry[0]) { sub = k; break; }
        if (ends[k] < ends[least]) { least = k; }
      }
      if (sub < 0) { sub = ends.length < DEPTH ? ends.length : least; }
      if (ends[sub] > entry[0]) { entry[4][entry[3]] = 1; }
      ends[sub] = Math.max(ends[sub] || -OPEN, entry[1]);
      entry[2][entry[3]] = sub;
    });
    lane.depth = Math.max(ends.length, 1);
    lane.height = ROW + (lane.depth - 1) * SUB;
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
    height = (lanes.length ? lanes[lanes.length - 1].top + lanes[lanes.length - 1].height : AXIS + ROW) + 6;
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
  /* A lane's fills are gathered by colour and opacity and filled as one path each (paler
   * first), so thousands of events are a few fills; what an event has besides its bands
   * (outlines, marks, its label) is drawn over them. */
  var fills = {}, fillKeys = [], overlays = [];
  function queue(colour, alpha, a, d, row) {
    var key = alpha + colour, list = fills[key];
    if (!list) { list = fills[key] = []; fillKeys.push(key); }
    list.push(a, Math.max(d - a, 2), row);
  }
  function flush(lane) {
    fillKeys.sort();
    for (var k = 0; k < fillKeys.length; k++) {
      var key = fillKeys[k], list = fills[key], at = key.indexOf("#");
      ctx.globalAlpha = Number(key.slice(0, at)); ctx.fillStyle = key.slice(at);
      ctx.beginPath();
      for (var i = 0; i < list.length; i += 3) { ctx.rect(list[i], list[i + 2] + 5, list[i + 1], ROW - 10); }
      ctx.fill();
    }
    ctx.globalAlpha = 1; fills = {}; fillKeys = [];
    for (var n = 0; n < overlays.length; n += 4) { overlay(overlays[n], overlays[n + 1], overlays[n + 2], overlays[n + 3], lane); }
    overlays.length = 0;
  }
  function colourOf(item) { return item.d ? "#b3263e" : item.r ? "#999" : "#2a5db0"; }
  function drawItem(item, row, lane) {
    var colour = colourOf(item), left = LABEL, right = width, first = null, last = null;
    var hollow = !!item.o, spans = item.s;
    for (var n = 0; n < spans.length; n++) {
      var s = spans[n];
      var a = s[0] === null ? left : Math.max(x(s[0]), left - 5);
      var d = s[3] === null ? right : Math.min(x(s[3] + 1), right + 5);
      if (d < left || a > right) { continue; }
      if (s[0] === null || s[3] === null) {
        var g = ctx.createLinearGradient(a, 0, d, 0);
        g.addColorStop(s[0] === null ? 0 : 1, "rgba(42,93,176,0)");
        g.addColorStop(s[0] === null ? 1 : 0, "rgba(42,93,176,0.45)");
        ctx.fillStyle = g; ctx.fillRect(a, row + 5, Math.max(d - a, 2), ROW - 10);
      } else if (!hollow && !(s[1] === s[0] && s[2] === s[3])) {
        queue(colour, s[1] === null ? 0.3 : 0.2, a, d, row);
      }
      if (s[1] !== null && !hollow) { queue(colour, 1, Math.max(x(s[1]), left), Math.min(x(s[2] + 1), right), row); }
      first = first === null ? a : Math.min(first, a);
      last = last === null ? d : Math.max(last, d);
    }
    if (first === null) { return false; }
    if (hollow || item.k || item.f || item.d || lane.labels) { overlays.push(item, first, last, row); }
    item.x0 = first; item.x1 = last; item.y0 = row; item.seen = frame;  // where it was drawn
    return true;
  }
  function overlay(item, first, last, row, lane) {
    var colour = colourOf(item), left = LABEL, right = width;
    if (item.o) {  // one of these dates: hollow members joined by dots
      ctx.strokeStyle = colour; ctx.lineWidth = 1.5;
      item.s.forEach(function (s) {
        if (s[0] === null || s[3] === null) { return; }
        var a = Math.max(x(s[0]), left - 5), d = Math.min(x(s[3] + 1), right + 5);
        if (d >= left && a <= right) { ctx.strokeRect(a, row + 5.5, Math.max(d - a, 2), ROW - 11); }
      });
      if (item.s.length > 1) {
        ctx.setLineDash([2, 3]); ctx.beginPath();
        ctx.moveTo(first, row + ROW / 2); ctx.lineTo(last, row + ROW / 2); ctx.stroke();
        ctx.setLineDash([]);
      }
    }
    if (item.k) {  // the other dates its sources claim: red strokes along the row's foot
      ctx.fillStyle = "#b3263e";
      item.k.forEach(function (s) {
        var a = s[0] === null ? left : Math.max(x(s[0]), left - 5);
        var d = s[3] === null ? right : Math.min(x(s[3] + 1), right + 5);
        if (d >= left && a <= right) { ctx.fillRect(a, row + ROW - 4, Math.max(d - a, 2), 2); }
      });
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
    var sub = Math.round((row - lane.top) / SUB);  // lane: the drawing state, its top kept
    if (lane.labels && at >= (lane.free[sub] || 0)) {  // a label only where the previous one ended
      var text = item.t + (item.f ? " " + item.f : "");
      ctx.fillStyle = item.r ? "#888" : "#222";
      ctx.fillText(text, at, row + ROW / 2);
      lane.free[sub] = at + ctx.measureText(text).width + 10;
    }
  }
  function visible(lane, from, to) {
    var items = lane.items, lo = 0, hi = items.length, since = from - lane.longest, out = [];
    for (var n = 0; n < lane.open.length; n++) {
      if (lane.open[n].hi >= from && lane.open[n].lo <= to) { out.push(lane.open[n]); }
    }
    while (lo < hi) { var mid = (lo + hi) >> 1; if (items[mid].lo < since) { lo = mid + 1; } else { hi = mid; } }
    for (var i = lo; i < items.length && items[i].lo <= to; i++) {
      if (items[i].hi >= from) { out.push(items[i]); }
    }
    return out;
  }
  /* The lane's closed events that may show from day ``from`` to ``to``: the index of the
   * first (found by halving: none starts after ``to`` or ends before ``from - longest``)
   * and of the one after the last. */
  function range(lane, from, to) {
    var los = lane.los, lo = 0, hi = los.length, since = from - lane.longest;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (los[mid] < since) { lo = mid + 1; } else { hi = mid; } }
    var end = lo; hi = los.length;
    while (end < hi) { var m = (end + hi) >> 1; if (los[m] <= to) { end = m + 1; } else { hi = m; } }
    return [lo, end];
  }
  /* Where events show closer than two pixels apart, a lane is drawn as how many events
   * touch each column: sure ones darker the more there are, those sure of no day pale,
   * disputed ones red on top; runs of columns alike are one rectangle, and the typed arrays
   * of the lane are all that is read. Wide events and those drawn one by one (open ends,
   * "or" sets, claimed dates) are drawn as usual over it. */
  var columns = null;
  function drawDensity(lane, first, end, from, row, state) {
    var size = Math.ceil(width) + 1;
    if (!columns || columns[0].length !== size) {
      columns = [new Uint16Array(size), new Uint16Array(size), new Uint16Array(size)];
    }
    var possible = columns[0], sure = columns[1], disputed = columns[2];
    possible.fill(0); sure.fill(0); disputed.fill(0);
    var los = lane.los, his = lane.his, kinds = lane.kinds, count = 0, last = width - 1;
    for (var i = first; i < end; i++) {
      if (his[i] < from) { continue; }
      count++;
      var kind = kinds[i];
      var a = Math.floor(LABEL + (los[i] - start) * perDay), d = Math.ceil(LABEL + (his[i] - start) * perDay) - 1;
      if (kind & SINGLE || d - a > 40) { drawItem(lane.items[i], row + lane.subs[i] * SUB, state); continue; }
      var into = kind & DISPUTED ? disputed : kind & POSSIBLE ? possible : sure;
      if (a < LABEL) { a = LABEL; }
      if (d > last) { d = last; }
      if (d < a + 1) { d = a + 1; }  // at least two pixels, as a mark drawn alone
      for (var c = a; c <= d; c++) { into[c]++; }
    }
    columnFills(possible, [0, 0.2, 0.35], "#2a5db0", row, lane.height);
    columnFills(sure, [0, 0.55, 0.8, 1], "#2a5db0", row, lane.height);
    columnFills(disputed, [0, 1], "#b3263e", row, lane.height);
    return count;
  }
  function columnFills(counts, alphas, colour, row, height) {
    var top = alphas.length - 1;
    ctx.fillStyle = colour;
    for (var level = 1; level <= top; level++) {
      ctx.globalAlpha = alphas[level]; ctx.beginPath();
      for (var c = LABEL; c < counts.length; c++) {
        if (Math.min(counts[c], top) !== level) { continue; }
        var from = c;
        while (c + 1 < counts.length && Math.min(counts[c + 1], top) === level) { c++; }
        ctx.rect(from, row + 5, c + 1 - from, height - 10);
      }
      ctx.fill();
    }
    ctx.globalAlpha = 1;
  }
  function draw() {
    pending = false;
    frame += 1;
    var began = performance.now();
    ctx.clearRect(0, 0, width, height);
    var from = dayAt(LABEL), to = dayAt(width);
    drawAxis(to);
    var ranges = lanes.map(function (lane) { return range(lane, from, to); });
    var crowded = ranges.map(function (r, n) {
      return r[1] - r[0] + lanes[n].open.length > (width - LABEL) / 2;  // closer than 2 px
    });
    var total = 0;
    ranges.forEach(function (r, n) {
      var his = lanes[n].his;
      if (crowded[n]) { return; }
      for (var i = r[0]; i < r[1]; i++) { if (his[i] >= from) { total++; } }
    });
    var labels = total <= 400 && crowded.indexOf(true) < 0;
    api.more = {};
    ctx.font = "12px system-ui, sans-serif"; ctx.textBaseline = "middle";
    var drawn = 0;
    lanes.forEach(function (lane, n) {
      var row = lane.top, r = ranges[n];
      ctx.fillStyle = n % 2 ? "#fafafa" : "#f0f3f8"; ctx.fillRect(0, row, width, lane.height);
      ctx.save(); ctx.beginPath(); ctx.rect(LABEL, row, width - LABEL, lane.height); ctx.clip();
      var state = { labels: labels && !crowded[n], free: [], top: row };
      for (var o = 0; o < lane.open.length; o++) {
        var item = lane.open[o];
        if (item.hi >= from && item.lo <= to && drawItem(item, row + lane.openSubs[o] * SUB, state)) { drawn++; }
      }
      if (crowded[n]) {
        var shown = drawDensity(lane, r[0], r[1], from, row, state);
        drawn += shown; total += shown;
      } else {
        for (var i = r[0]; i < r[1]; i++) {
          if (lane.his[i] >= from && drawItem(lane.items[i], row + lane.subs[i] * SUB, state)) { drawn++; }
        }
      }
      flush(state);
      ctx.restore();
      if (!crowded[n]) { more(lane, r, from, to); }
      ctx.fillStyle = "#333"; ctx.fillText(lane.name.slice(0, 20), 6, row + lane.height / 2);
    });
    api.drawn = drawn; api.visible = total;
    api.frames.push(performance.now() - began);
    if (api.frames.length > 2000) { api.frames.splice(0, 1000); }
    if (!api.ready) { api.timing.drawn = performance.now(); }
    api.ready = true;
  }
  /* "+N more" at the right end of a lane's last sub-row: how many of its events in view
   * share a sub-row with another they overlap (a crowded lane, drawn as counts, hides none). */
  function more(lane, r, from, to) {
    var count = 0;
    for (var i = r[0]; i < r[1]; i++) { if (lane.hidden[i] && lane.his[i] >= from) { count++; } }
    for (var o = 0; o < lane.open.length; o++) {
      if (lane.openHidden[o] && lane.open[o].hi >= from && lane.open[o].lo <= to) { count++; }
    }
    if (!count) { return; }
    var text = "+" + count + " more", w = ctx.measureText(text).width + 8;
    var y = lane.top + (lane.depth - 1) * SUB;
    ctx.fillStyle = "rgba(255,255,255,0.85)"; ctx.fillRect(width - w - 4, y + 4, w, ROW - 8);
    ctx.fillStyle = "#333"; ctx.fillText(text, width - w, y + ROW / 2);
    api.more[lane.name] = count;
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
    var lane = null;
    lanes.forEach(function (each) { if (py >= each.top && py < each.top + each.height) { lane = each; } });
    if (!lane || px < LABEL) { return null; }
    var sub = Math.max(0, Math.min(lane.depth - 1, Math.floor((py - lane.top - 3) / SUB)));
    var found = null, day = dayAt(px), slack = 3 / perDay, y0 = lane.top + sub * SUB;
    visible(lane, day - slack, day + slack).forEach(function (item) {
      if (item.seen === frame && item.y0 === y0 && px >= item.x0 - 3 && px <= item.x1 + 3) { found = item; }
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
  api.xOf = function (isoDay) { var a = isoDay.split("-").map(Number); return x(jdn(a[0], a[1], a[2])); };
  api.hitAt = function (px, py) { var item = hit(px, py); return item ? item.i : null; };
  api.marks = function (id) {  // what is drawn on the event besides its date
    var found = data && data.events.filter(function (item) { return item.i === id; })[0];
    return found ? { disputed: !!found.d, claimed: found.k || [] } : null;
  };
  api.where = function (id) {
    var found = null;
    lanes.forEach(function (lane) {
      lane.items.concat(lane.open).forEach(function (item) { if (item.i === id && item.seen === frame) { found = item; } });
    });
    return found && { x: (found.x0 + found.x1) / 2, y: found.y0 + ROW / 2 };
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
  /* The data comes as columns (a list per field, codes and words as indexes, the rarer
   * marks as [index, value] pairs): one item an event, with the short keys drawn from. */
  function expand(d) {
    var events = new Array(d.i.length);
    function words(table, list) { var out = new Array(list.length); for (var w = 0; w < list.length; w++) { out[w] = table[list[w]]; } return out; }
    for (var n = 0; n < events.length; n++) {
      var s = d.s[n];
      events[n] = {
        i: d.i[n], t: d.t[n], s: typeof s === "number" ? [[s, s, s, s]] : s,
        c: d.cats[d.c[n]], a: words(d.codes, d.a[n]), g: words(d.tags, d.g[n])
      };
    }
    ["f", "o", "d", "r", "k"].forEach(function (key) {
      d[key].forEach(function (pair) { events[pair[0]][key] = pair[1]; });
    });
    d.events = events;
    return d;
  }
  function begin(loaded) {
    data = expand(loaded); api.count = data.events.length; api.timing.fetched = performance.now();
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
