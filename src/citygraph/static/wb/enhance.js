/* Progressive enhancement of the query page: only if YASGUI loaded from its CDN, replace the
   textarea with a YASGUI editor bound to this server's /sparql. Without it nothing changes:
   the server-rendered form, table and figures keep working. */
(function () {
  "use strict";
  function enhance() {
    var form = document.getElementById("wb-form");
    var textarea = document.getElementById("wb-query");
    if (!window.Yasgui || !form || !textarea) { return; }
    try {
      var holder = document.createElement("div");
      holder.id = "wb-yasgui";
      textarea.parentNode.insertBefore(holder, textarea);
      var endpoint = new URL(form.getAttribute("data-endpoint") || "/sparql", window.location.href).href;
      var yasgui = new window.Yasgui(holder, {
        requestConfig: { endpoint: endpoint, method: "GET" },
        copyEndpointOnNewTab: false,
        persistenceId: null
      });
      var tab = yasgui.getTab();
      tab.setQuery(textarea.value);
      textarea.hidden = true;
      form.addEventListener("submit", function () {
        textarea.value = tab.getQuery();
      });
    } catch (err) {
      /* keep the plain form */
      textarea.hidden = false;
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
