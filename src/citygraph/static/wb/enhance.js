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
      textarea.parentNode.insertBefore(holder, textarea);
      var yasqe = new Yasgui.Yasqe(holder, {
        value: textarea.value,
        persistenceId: null,
        showQueryButton: false,
        createShareableLink: null,
        collapsePrefixesOnLoad: true,
        resizeable: true,
        editorHeight: "18rem",
        autocompleters: []
      });
      yasqe.query = function () { form.requestSubmit ? form.requestSubmit() : form.submit(); return Promise.resolve(); };
      yasqe.on("change", function () { textarea.value = yasqe.getValue(); });
      var label = document.querySelector('label[for="wb-query"]');
      var input = yasqe.getInputField();
      input.setAttribute("aria-label", label ? label.textContent : "SPARQL");
      if (label) { label.setAttribute("for", ""); label.addEventListener("click", function () { yasqe.focus(); }); }
      var scroller = holder.querySelector(".CodeMirror-scroll");
      if (scroller) { scroller.setAttribute("tabindex", "0"); scroller.setAttribute("aria-label", input.getAttribute("aria-label")); }
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
