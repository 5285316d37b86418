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

  // Intake: "Use this answer" on a suggested knowledge-base article puts the article into
  // the order form (a consultation, answered and closed as it is registered).
  function initKnowledgePick() {
    document.addEventListener("click", function (event) {
      var pick = event.target.closest("[data-kb-pick]");
      var clear = event.target.closest("[data-kb-clear]");
      var form = (pick || clear) && (pick || clear).closest("form");
      if (!form) {
        return;
      }
      var target = form.querySelector("[data-kb-target]");
      var chosen = form.querySelector("[data-kb-chosen]");
      if (!target || !chosen) {
        return;
      }
      target.value = pick ? pick.dataset.kbPick : "";
      chosen.querySelector("[data-kb-chosen-title]").textContent = pick ? pick.dataset.kbTitle : "";
      chosen.classList.toggle("d-none", !pick);
      var type = form.querySelector("select[name$='order_type']");
      if (pick && type) {
        type.value = "consultation";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initToasts(document);
    initSearch();
    initKnowledgePick();
  });

  // Content swapped in by htmx may bring new toasts (hx-swap-oob into #linli-toasts).
  document.addEventListener("htmx:load", function (event) {
    initToasts(event.detail.elt.parentNode || document);
  });
})();
