// Live pages: poll the JSON API behind the page and reload when what the
// page shows has changed. The server renders the same fingerprint
// (lease IDs with their last change) that this computes from the JSON.
(function () {
  "use strict";
  var body = document.body;
  var src = body.dataset.live;
  if (!src) return;
  var shown = body.dataset.fingerprint || "";
  var every = parseInt(body.dataset.liveEvery, 10) || 5000;
  var badge = document.getElementById("live");

  function fingerprint(data) {
    var items = data.items || (data.lease ? [data.lease] : []);
    return items.map(function (l) { return l.id + "@" + l.updatedAt; }).join(",");
  }

  function poll() {
    fetch(src, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) {
        if (badge) badge.classList.remove("stale");
        if (fingerprint(data) !== shown) {
          window.location.reload();
          return;
        }
        setTimeout(poll, every);
      })
      .catch(function () {
        if (badge) badge.classList.add("stale");
        setTimeout(poll, every * 2);
      });
  }
  setTimeout(poll, every);
})();
