/* The pipeline board: dragging a card onto another column posts the move through htmx; the
   server answers the whole board again (a refused move comes back with its message). */
(function () {
  "use strict";

  var dragged = null;

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-card]");
    if (!card) {
      return;
    }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.moveUrl);
  });

  document.addEventListener("dragover", function (event) {
    if (dragged && event.target.closest && event.target.closest("[data-drop]")) {
      event.preventDefault();
    }
  });

  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest("[data-drop]");
    if (!dragged || !column) {
      return;
    }
    event.preventDefault();
    var board = column.closest("[data-board]");
    var card = dragged;
    dragged = null;
    if (card.closest("[data-drop]") === column) {
      return;
    }
    window.htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: "#pipeline-board",
      swap: "innerHTML",
      values: { to: column.dataset.drop, mine: board.dataset.mine || "" }
    });
  });

  document.addEventListener("dragend", function () {
    dragged = null;
  });
})();
