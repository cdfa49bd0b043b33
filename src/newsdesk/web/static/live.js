// Live updates for an open story page: poll the story's status; when its version changes and
// the new page is ready, swap the story body in place and flag the reports that are new.
// No inline script anywhere (the Content-Security-Policy forbids it) and no innerHTML of
// strings: the new body is parsed into an inert document and its nodes are moved over.
(function () {
  "use strict";
  var POLL_MS = 4000;

  function current() { return document.getElementById("story-body"); }

  function sourceIds(root) {
    var ids = {};
    root.querySelectorAll("ol.sources > li[data-article]").forEach(function (li) {
      ids[li.getAttribute("data-article")] = true;
    });
    return ids;
  }

  function say(text) {
    var status = document.getElementById("live-status");
    if (status) { status.textContent = text; }
  }

  function swap(html) {
    var old = current();
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("story-body");
    if (!old || !fresh) { return; }
    var before = sourceIds(old);
    var added = 0;
    fresh.querySelectorAll("ol.sources > li[data-article]").forEach(function (li) {
      if (!before[li.getAttribute("data-article")]) { li.classList.add("is-new"); added += 1; }
    });
    old.replaceWith(document.adoptNode(fresh));
    var stamp = new Date().toLocaleTimeString();
    say("Updated at " + stamp + (added ? " — " + added + " new source" + (added === 1 ? "" : "s") : "") + ".");
  }

  function poll() {
    var root = current();
    if (!root) { return; }
    var id = root.getAttribute("data-live-story");
    var version = root.getAttribute("data-version");
    fetch("/api/stories/" + encodeURIComponent(id) + "/status", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s || s.version === version) { return null; }
        if (!s.page_ready) { say("New reports arrived — the brief is being refreshed…"); return null; }
        return fetch("/stories/" + encodeURIComponent(id) + "?fragment=true", { cache: "no-store" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) { if (html) { swap(html); } });
      })
      .catch(function () { /* server restarting or offline: try again next round */ })
      .then(function () { window.setTimeout(poll, POLL_MS); });
  }

  if (current()) { window.setTimeout(poll, POLL_MS); }
}());
