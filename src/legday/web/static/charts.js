// Tooltips for the server-drawn SVG charts (docs/dashboard.md): the value under the pointer, a
// tap on a phone, or the arrow keys on a focused chart. A line chart's data-tips attribute holds
// each x position and each series' value as the page words it; a bar's or a muscle's data-tip
// its own line. A tap on a muscle also writes its value under its map. Text goes in with
// textContent only; nothing loads from anywhere.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var tip = null;
  var current = null; // the chart or element whose tooltip shows
  var pinned = false; // shown by a tap or a key: stays until a tap elsewhere or Escape

  function box() {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "charttip";
      tip.setAttribute("role", "status");
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    return tip;
  }

  function stripTitles(svg) {
    // the browser's own title tooltip would cover ours; aria-label keeps the chart's name
    if (svg.dataset.titlesGone) return;
    svg.dataset.titlesGone = "1";
    var titles = svg.querySelectorAll("title");
    for (var i = 0; i < titles.length; i++) titles[i].parentNode.removeChild(titles[i]);
  }

  function place(clientX, clientY) {
    var t = box();
    t.hidden = false;
    var w = t.offsetWidth, h = t.offsetHeight, gap = 12;
    var x = clientX + gap;
    if (x + w > document.documentElement.clientWidth - 4) x = Math.max(4, clientX - gap - w);
    var y = clientY - h - gap;
    if (y < 4) y = clientY + gap;
    t.style.left = x + window.scrollX + "px";
    t.style.top = y + window.scrollY + "px";
  }

  function fill(lines) {
    var t = box();
    t.textContent = "";
    lines.forEach(function (line, i) {
      var div = document.createElement("div");
      if (line.colour) {
        var dot = document.createElement("i");
        dot.style.background = line.colour;
        div.appendChild(dot);
      }
      div.appendChild(document.createTextNode(line.text));
      if (i === 0 && line.head) div.className = "head";
      t.appendChild(div);
    });
  }

  function hide() {
    if (tip) tip.hidden = true;
    if (current && current.tipMark) current.tipMark.setAttribute("visibility", "hidden");
    if (current && current.classList) current.classList.remove("tipped");
    current = null;
    pinned = false;
  }

  // -- line charts: the nearest x value, its guide line and dots ------------------------------
  function data(svg) {
    if (!svg.tipData) {
      try {
        svg.tipData = JSON.parse(svg.getAttribute("data-tips"));
      } catch (e) {
        svg.tipData = { x: [] };
      }
    }
    return svg.tipData;
  }

  function toChart(svg, clientX, clientY) {
    var pt = svg.createSVGPoint();
    pt.x = clientX;
    pt.y = clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse());
  }

  function toScreen(svg, x, y) {
    var pt = svg.createSVGPoint();
    pt.x = x;
    pt.y = y;
    return pt.matrixTransform(svg.getScreenCTM());
  }

  function nearest(d, pt) {
    // the nearest x on a chart; the nearest point on a route (which has y2: positions in 2-D)
    var best = -1, dist = Infinity;
    for (var i = 0; i < d.x.length; i++) {
      var dx = d.x[i] - pt.x, dy = d.y2 ? d.y2[i] - pt.y : 0;
      var e = dx * dx + dy * dy;
      if (e < dist) {
        dist = e;
        best = i;
      }
    }
    return best;
  }

  function mark(svg, d, i) {
    if (!svg.tipMark) {
      var g = document.createElementNS(SVG, "g");
      g.setAttribute("class", "tipmark");
      g.setAttribute("pointer-events", "none");
      var line = document.createElementNS(SVG, "line");
      if (d.plot) {
        line.setAttribute("y1", d.plot[0]);
        line.setAttribute("y2", d.plot[1]);
      } else {
        line.setAttribute("visibility", "hidden"); // a route: a dot, no guide line
      }
      g.appendChild(line);
      d.series.forEach(function (s) {
        var c = document.createElementNS(SVG, "circle");
        c.setAttribute("r", "4");
        c.setAttribute("fill", s.colour);
        g.appendChild(c);
      });
      svg.appendChild(g);
      svg.tipMark = g;
    }
    var g = svg.tipMark;
    g.setAttribute("visibility", "visible");
    g.firstChild.setAttribute("x1", d.x[i]);
    g.firstChild.setAttribute("x2", d.x[i]);
    var circles = g.querySelectorAll("circle");
    d.series.forEach(function (s, k) {
      var y = s.y[i];
      circles[k].setAttribute("visibility", y === null ? "hidden" : "visible");
      if (y !== null) {
        circles[k].setAttribute("cx", d.x[i]);
        circles[k].setAttribute("cy", y);
      }
    });
  }

  function showPoint(svg, i) {
    var d = data(svg);
    if (i < 0 || i >= d.x.length) return;
    stripTitles(svg);
    if (current && current !== svg) hide();
    current = svg;
    svg.tipIndex = i;
    var lines = [];
    if (d.label[i]) lines.push({ text: d.label[i], head: true });
    var top = null;
    d.series.forEach(function (s) {
      if (s.text[i] === null) return;
      lines.push({ text: s.name + ": " + s.text[i], colour: s.colour });
      if (s.y[i] !== null && (top === null || s.y[i] < top)) top = s.y[i];
    });
    d.bands.forEach(function (b) {
      if (d.x[i] >= b[0] && d.x[i] <= b[1]) lines.push({ text: b[2] });
    });
    if (lines.length === (d.label[i] ? 1 : 0)) lines.push({ text: "no value here" });
    fill(lines);
    mark(svg, d, i);
    var at = toScreen(svg, d.x[i], top !== null ? top : d.plot ? d.plot[0] : d.y2[i]);
    place(at.x, at.y);
  }

  function onChart(svg, event) {
    var d = data(svg);
    if (!d.x.length) return;
    showPoint(svg, nearest(d, toChart(svg, event.clientX, event.clientY)));
  }

  // -- bars and muscles: their own line ------------------------------------------------------
  function showOwn(el, clientX, clientY) {
    var svg = el.closest("svg");
    if (svg) stripTitles(svg);
    if (current && current !== el) hide();
    current = el;
    el.classList.add("tipped");
    fill([{ text: el.getAttribute("data-tip") }]);
    if (clientX === undefined) {
      var r = el.getBoundingClientRect();
      clientX = r.left + r.width / 2;
      clientY = r.top;
    }
    place(clientX, clientY);
  }

  function showMuscle(muscle) {
    // the value, written under the map for a phone's reader (and kept after the tooltip goes)
    var figure = muscle.closest("figure") || muscle.closest("svg").parentNode;
    if (!figure) return;
    var out = figure.parentNode.querySelector(".tapped");
    if (!out) {
      out = document.createElement("p");
      out.className = "tapped";
      out.setAttribute("role", "status");
      figure.parentNode.insertBefore(out, figure.nextSibling);
    }
    var title = muscle.querySelector("title");
    out.textContent = muscle.getAttribute("data-tip") || (title ? title.textContent : "");
    var marked = figure.querySelectorAll(".muscle.picked");
    for (var i = 0; i < marked.length; i++) marked[i].classList.remove("picked");
    muscle.classList.add("picked");
  }

  function target(event) {
    var el = event.target;
    if (!el || !el.closest) return null;
    return el.closest("[data-tip]") || el.closest("svg[data-tips]");
  }

  document.addEventListener("pointermove", function (event) {
    if (event.pointerType === "touch") return;
    pinned = false;
    var el = target(event);
    if (!el) {
      if (current) hide();
      return;
    }
    if (el.hasAttribute("data-tips")) onChart(el, event);
    else showOwn(el, event.clientX, event.clientY);
  });

  document.addEventListener("pointerdown", function (event) {
    var el = target(event);
    if (!el) {
      if (current) hide();
      return;
    }
    if (event.pointerType === "mouse") return; // a click: the hover already shows it
    pinned = true;
    if (el.hasAttribute("data-tips")) onChart(el, event);
    else showOwn(el, event.clientX, event.clientY);
  });

  document.addEventListener("click", function (event) {
    var muscle = event.target.closest && event.target.closest("svg.bodymap .muscle");
    if (muscle) showMuscle(muscle);
  });

  document.addEventListener("scroll", function () {
    if (current && !pinned) hide();
  }, { passive: true });

  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (!el || !el.hasAttribute) return;
    if (el.hasAttribute("data-tips")) {
      var d = data(el);
      showPoint(el, el.tipIndex === undefined ? d.x.length - 1 : el.tipIndex);
      pinned = true;
    } else if (el.hasAttribute("data-tip")) {
      showOwn(el);
      pinned = true;
    }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target === current) hide();
  });

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key === "Escape" && current) {
      hide();
      return;
    }
    if (!el || !el.closest) return;
    if (el.hasAttribute && el.hasAttribute("data-tips")) {
      var step = { ArrowLeft: -1, ArrowRight: 1, Home: -1e9, End: 1e9 }[event.key];
      if (step === undefined) return;
      event.preventDefault();
      var n = data(el).x.length;
      var i = el.tipIndex === undefined ? n - 1 : el.tipIndex;
      showPoint(el, Math.min(Math.max(i + step, 0), n - 1));
      pinned = true;
      return;
    }
    if (event.key !== "Enter" && event.key !== " ") return;
    var muscle = el.closest("svg.bodymap .muscle");
    if (muscle) {
      event.preventDefault();
      showMuscle(muscle);
    }
  });
})();
