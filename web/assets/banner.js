/* incidentbot site banner. Paste into the shop's theme:
 *   <script src="https://status.example.com/status/banner.js" async></script>
 * While an incident is open it shows the customer message at the top of the
 * page; when the incident is resolved the banner goes away. Optional
 * attributes: data-lang="fr" (else the page's lang), data-interval="60"
 * (seconds between checks, at least 1). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch) { return; }
  var base = new URL(script.src, location.href);
  var lang = script.getAttribute("data-lang") || (document.documentElement.lang || "").slice(0, 2);
  var every = Math.max(1, Number(script.getAttribute("data-interval")) || 60) * 1000;
  var summary = new URL("/status/summary.json", base);
  if (lang) { summary.searchParams.set("lang", lang); }
  var page = new URL("/status", base);
  if (lang) { page.searchParams.set("lang", lang); }
  var box = null;
  // The link's word in each language the bot speaks, and the bot's own
  // language for a page that states none: the server fills them in from
  // its message catalog.
  var link = {};

  function show(text, impact) {
    if (!box) {
      box = document.createElement("div");
      box.id = "incidentbot-banner";
      box.setAttribute("role", "status");
      box.style.cssText = "position:relative;z-index:2147483647;margin:0;padding:.75em 1em;font:1rem/1.4 system-ui,sans-serif;color:#fff;text-align:center;";
      var msg = document.createElement("span");
      var more = document.createElement("a");
      more.href = page.href;
      more.style.cssText = "color:#fff;text-decoration:underline;margin-left:.5em;white-space:nowrap;";
      more.textContent = link.words[lang] || link.words[link.fallback];
      box.appendChild(msg);
      box.appendChild(more);
      document.body.insertBefore(box, document.body.firstChild);
    }
    box.style.background = impact === "critical" ? "#a4161a" : "#8a4b00";
    box.firstChild.textContent = text;
  }

  function hide() {
    if (box) { box.remove(); box = null; }
  }

  function check() {
    fetch(summary.href, { cache: "no-cache", credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s) { return; }
        var inc = (s.incidents || [])[0];
        var update = inc && inc.incident_updates && inc.incident_updates[0];
        if (update && update.body) { show(update.body, inc.impact); } else { hide(); }
      })
      .catch(function () { /* offline or blocked: keep what is shown, try again later */ })
      .then(function () { setTimeout(check, every); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", check);
  } else {
    check();
  }
})();
