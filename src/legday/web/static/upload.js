// Upload with a progress bar: posts the chosen files to /api/import (the same import as the
// form's plain POST /import), which answers at once with a job; then asks the job's url how
// far the import got until it is done, and shows each file's result. Text goes in with
// textContent only.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var bar = document.getElementById("progress");
  var status = document.getElementById("status");
  var results = document.getElementById("results");
  var rows = document.getElementById("rows");
  var summary = document.getElementById("summary");
  var limit = parseInt(form.dataset.limit, 10);

  function cell(tr, text) {
    // <bdi>: a name holding a right-to-left override cannot reorder the rest of the row.
    var td = document.createElement("td");
    var bdi = document.createElement("bdi");
    bdi.textContent = text == null ? "" : String(text);
    td.appendChild(bdi);
    tr.appendChild(td);
    return td;
  }

  function show(data) {
    rows.textContent = "";
    data.files.forEach(function (f) {
      var tr = document.createElement("tr");
      tr.className = f.status;
      cell(tr, f.path);
      var td = cell(tr, "");
      var badge = document.createElement("span");
      badge.className = "badge " + f.status;
      badge.textContent = f.status;
      td.appendChild(badge);
      var created = cell(tr, (f.session_ids && f.session_ids.length) ? "" : f.sessions);
      created.className = "created";
      (f.session_ids || []).forEach(function (id, i) {
        // the session's page: /activity/12, or /strength/session/5 for "s5"
        var text = String(id);
        var a = document.createElement("a");
        a.href = /^s\d+$/.test(text) ? "/strength/session/" + text.slice(1) : "/activity/" + Number(text);
        a.dataset.id = text;
        a.textContent = text;
        if (i) created.appendChild(document.createTextNode(", "));
        created.appendChild(a);
      });
      cell(tr, f.error || "");
      rows.appendChild(tr);
    });
    summary.textContent = data.imported + " imported, " + data.duplicates + " duplicates, " +
      data.failed + " failed";
    results.hidden = false;
  }

  // Files dragged onto the drop zone go into its file input, as if chosen; a file dropped
  // beside it is ignored rather than opened by the browser in place of the dashboard.
  var drop = form.querySelector(".drop");
  var input = form.querySelector("input[type=file]");
  var chosen = form.querySelector(".chosen");
  function listChosen() {
    if (!chosen) return;
    var names = [];
    for (var i = 0; i < input.files.length; i++) names.push(input.files[i].name);
    chosen.textContent = names.length ? names.length + (names.length === 1 ? " file: " : " files: ") + names.join(", ") : "";
  }
  function over(event) {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
    drop.classList.add("over");
  }
  drop.addEventListener("dragenter", over);
  drop.addEventListener("dragover", over);
  drop.addEventListener("dragleave", function () {
    drop.classList.remove("over");
  });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    drop.classList.remove("over");
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) return;
    input.files = files;
    listChosen();
    status.textContent = "";
  });
  input.addEventListener("change", listChosen);
  ["dragover", "drop"].forEach(function (name) {
    window.addEventListener(name, function (event) {
      if (!drop.contains(event.target)) event.preventDefault();
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var size = 0;
    for (var i = 0; i < input.files.length; i++) size += input.files[i].size;
    if (size > limit) {
      status.textContent = "Too large: the limit is " + Math.round(limit / 1048576) + " MiB.";
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/import");
    xhr.responseType = "json";
    bar.hidden = false;
    bar.max = 100;
    bar.value = 0;
    status.textContent = "Uploading…";
    form.querySelector("button").disabled = true;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value");
      status.textContent = "Reading and judging…";
    });
    function finish(text) {
      form.querySelector("button").disabled = false;
      bar.hidden = true;
      status.textContent = text;
    }
    function failed(data, code) {
      finish("Upload failed: " + ((data && data.error) || code || "no answer"));
    }
    function follow(url) {
      var poll = new XMLHttpRequest();
      poll.open("GET", url);
      poll.responseType = "json";
      poll.addEventListener("loadend", function () {
        var job = poll.response;
        if (poll.status !== 200 || !job) return failed(job, poll.status);
        if (job.status === "done") {
          finish("Done.");
          return show(job.report);
        }
        if (job.status === "failed") return finish("The import failed: " + job.error);
        if (job.status === "running" && job.progress.total) {
          bar.max = job.progress.total;
          bar.value = job.progress.done;
          status.textContent = "Reading and judging: " + job.progress.done + " of " +
            job.progress.total + " files…";
        } else if (job.status === "queued") {
          status.textContent = "Waiting for its turn…";
        }
        window.setTimeout(function () { follow(url); }, 500);
      });
      poll.send();
    }
    xhr.addEventListener("loadend", function () {
      var data = xhr.response;
      if (xhr.status === 202 && data && data.url) {
        follow(data.url);
      } else {
        failed(data, xhr.status);
      }
    });
    xhr.send(new FormData(form));
  });
})();
