/* The field worker's page (SVC-14): the signature pad, and forms kept on the phone while it
 * is offline and sent when the network is back.
 *
 * Forms marked data-linli-offline are sent with fetch. When the network fails, the form's
 * fields (files included) are kept in IndexedDB with their idempotency key and sent again, in
 * order, when the browser is back online or the page is opened again; the server runs each
 * key once (core/idempotent_forms.py), so a form that did arrive the first time is not
 * applied twice. */
(function () {
  "use strict";

  var DB_NAME = "linli-field";
  var STORE = "outbox";

  // --- the signature pad ----------------------------------------------------------------

  function initSignature(form) {
    var canvas = form.querySelector("canvas");
    if (!canvas || !window.SignaturePad) {
      return;
    }
    var pad = new window.SignaturePad(canvas, { backgroundColor: "rgba(0,0,0,0)" });
    function fit() {
      var ratio = Math.max(window.devicePixelRatio || 1, 1);
      var kept = pad.toData();
      canvas.width = canvas.offsetWidth * ratio;
      canvas.height = canvas.offsetHeight * ratio;
      canvas.getContext("2d").scale(ratio, ratio);
      pad.clear();
      pad.fromData(kept);
    }
    window.addEventListener("resize", fit);
    fit();
    form.querySelector("[data-linli-signature-clear]").addEventListener("click", function () {
      pad.clear();
    });
    form.addEventListener("submit", function () {
      form.querySelector("input[name='image']").value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
    }, true);
  }

  // --- the outbox -----------------------------------------------------------------------

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = window.indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function keep(action, formData) {
    var entries = [];
    formData.forEach(function (value, name) {
      entries.push([name, value, value instanceof File ? value.name : null]);
    });
    return withStore("readwrite", function (store) {
      return store.add({ action: action, entries: entries, keptAt: Date.now() });
    });
  }

  function kept() {
    return withStore("readonly", function (store) { return store.getAll(); });
  }

  function forget(id) {
    return withStore("readwrite", function (store) { return store.delete(id); });
  }

  function banner(count, sending) {
    var box = document.getElementById("linli-offline-queue");
    if (!box) {
      return;
    }
    if (!count) {
      box.classList.add("d-none");
      return;
    }
    box.textContent = sending ? box.dataset.textSending
      : box.dataset.textWaiting.replace("{count}", count);
    box.dataset.count = String(count);
    box.classList.remove("d-none");
  }

  function send(action, body) {
    return window.fetch(action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    });
  }

  var flushing = false;

  // Sends what was kept, oldest first; stops at the first network failure. An answer of 409
  // (the first send still running) keeps the form for the next try.
  function flush() {
    if (flushing || !navigator.onLine) {
      return Promise.resolve();
    }
    flushing = true;
    var sent = 0;
    return kept().then(function (items) {
      if (!items.length) {
        return null;
      }
      banner(items.length, true);
      return items.reduce(function (chain, item) {
        return chain.then(function (stop) {
          if (stop) {
            return true;
          }
          var body = new FormData();
          item.entries.forEach(function (entry) {
            if (entry[2] !== null) {
              body.append(entry[0], entry[1], entry[2]);
            } else {
              body.append(entry[0], entry[1]);
            }
          });
          return send(item.action, body).then(function (response) {
            if (response.status === 409) {
              return true;
            }
            sent += 1;
            return forget(item.id).then(function () { return false; });
          }, function () { return true; });
        });
      }, Promise.resolve(false));
    }).then(function () {
      flushing = false;
      return kept().then(function (left) {
        banner(left.length, false);
        if (sent) {
          window.location.reload();
        }
      });
    }, function () {
      flushing = false;
    });
  }

  function initOfflineForm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.indexedDB || event.defaultPrevented) {
        return;
      }
      event.preventDefault();
      var action = form.getAttribute("action") || window.location.href;
      var body = new FormData(form);
      var button = form.querySelector("[type='submit']");
      if (button) {
        button.disabled = true;
      }
      function keepIt() {
        return keep(action, body).then(kept).then(function (items) {
          banner(items.length, false);
          if (button) {
            button.disabled = false;
          }
          form.reset();
        });
      }
      if (!navigator.onLine) {
        keepIt();
        return;
      }
      send(action, body).then(function (response) {
        return response.text().then(function (html) {
          // The page the server answered with: the order after the change (its message
          // included), or the form again with its errors.
          if ((response.headers.get("Content-Type") || "").indexOf("text/html") === 0) {
            if (response.redirected) {
              window.history.replaceState(null, "", response.url);
            }
            document.open();
            document.write(html);
            document.close();
          } else {
            window.alert(html);
            if (button) {
              button.disabled = false;
            }
          }
        });
      }, keepIt);
    });
  }

  function init() {
    document.querySelectorAll("form[data-linli-signature]").forEach(initSignature);
    document.querySelectorAll("form[data-linli-offline]").forEach(initOfflineForm);
    // A form's answer writes the page anew (document.open), which drops the window's
    // listeners: each written page registers its own.
    window.addEventListener("online", flush);
    if (window.indexedDB) {
      kept().then(function (items) { banner(items.length, false); }).then(flush);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
