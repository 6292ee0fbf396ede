// The dashboard's live list: the server sends it again, rendered, over
// Server-Sent Events whenever it changes. Without JavaScript the page
// still shows the list as it was when loaded.
(function () {
  "use strict";
  var list = document.getElementById("open-incidents");
  if (!list || !window.EventSource) {
    return;
  }
  var source = new EventSource("/events?lang=" + encodeURIComponent(document.documentElement.lang));
  source.addEventListener("incidents", function (e) {
    list.innerHTML = e.data;
    list.setAttribute("data-updated", String(Date.now()));
  });
})();
