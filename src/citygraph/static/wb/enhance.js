/* Progressive enhancement of the query page: the SPARQL editor Yasqe (from the vendored
   YASGUI bundle, served by citygraph itself) replaces the textarea, with syntax colours and
   the PREFIX lines folded so that the query body shows. Running still submits the form, so
   the server renders the results (table, map, timeline, graph). Without scripts nothing
   changes: the plain form keeps working. */
(function () {
  "use strict";
  function enhance() {
    var form = document.getElementById("wb-form");
    var textarea = document.getElementById("wb-query");
    var Yasgui = window.Yasgui;
    if (!Yasgui || !Yasgui.Yasqe || !form || !textarea) { return; }
    try {
      var holder = document.createElement("div");
      holder.id = "wb-editor";
      holder.setAttribute("aria-hidden", "true");  /* the textarea stays the accessible field */
      textarea.parentNode.insertBefore(holder, textarea);
      var yasqe = new Yasgui.Yasqe(holder, {
        value: textarea.value,
        persistenceId: null,
        showQueryButton: false,
        collapsePrefixesOnLoad: true,
        resizeable: true,
        editorHeight: "18rem",
        autocompleters: []
      });
      yasqe.query = function () { form.requestSubmit ? form.requestSubmit() : form.submit(); return Promise.resolve(); };
      yasqe.on("change", function () { textarea.value = yasqe.getValue(); });
      textarea.classList.add("wb-shadowed");
      document.body.classList.add("wb-has-editor");
      form.addEventListener("submit", function () { textarea.value = yasqe.getValue(); });
    } catch (err) {
      /* keep the plain form */
      textarea.classList.remove("wb-shadowed");
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhance);
  } else {
    enhance();
  }
})();
