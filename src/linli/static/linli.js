/* Linli's small amount of JavaScript: toasts, the search suggestions, htmx wiring. */
(function () {
  "use strict";

  var TOAST_DELAY_MS = 6000;

  function initToasts(root) {
    if (!window.tabler || !window.tabler.Toast) {
      return;
    }
    root.querySelectorAll(".linli-toast[data-linli-autohide='true']").forEach(function (el) {
      if (el.dataset.linliToastReady) {
        return;
      }
      el.dataset.linliToastReady = "1";
      window.tabler.Toast.getOrCreateInstance(el, { autohide: true, delay: TOAST_DELAY_MS }).show();
    });
  }

  function initSearch() {
    var box = document.querySelector(".linli-search input[type='search']");
    var list = document.getElementById("search-suggest");
    if (!box || !list) {
      return;
    }
    function close() {
      list.innerHTML = "";
    }
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        close();
      }
    });
    box.addEventListener("input", function () {
      if (!box.value.trim()) {
        close();
      }
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest(".linli-search")) {
        close();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initToasts(document);
    initSearch();
  });

  // Content swapped in by htmx may bring new toasts (hx-swap-oob into #linli-toasts).
  document.addEventListener("htmx:load", function (event) {
    initToasts(event.detail.elt.parentNode || document);
  });
})();
