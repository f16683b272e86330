// Keyboard-first register entry. Loaded only on the register page; no inline scripts (CSP).
// Type a code and press Enter to move to the next pupil (Tab works too). For L, Enter moves to the
// minutes box first. "Mark all present" fills only the empty rows with / (AM) or \ (PM).
(function () {
  "use strict";

  function init() {
    var form = document.getElementById("register-form");
    if (!form) { return; }
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input.register-code"));
    var saveButton = document.getElementById("save-register");
    var reason = document.getElementById("reason");

    function focusNext(index) {
      if (index + 1 < inputs.length) {
        inputs[index + 1].focus();
        inputs[index + 1].select();
      } else if (reason && reasonNeeded()) {
        reason.focus();
      } else if (saveButton) {
        saveButton.focus();
      }
    }

    function reasonNeeded() {
      return inputs.some(function (input) {
        var saved = input.dataset.saved || "";
        return saved !== "" && input.value.trim().toUpperCase() !== saved;
      });
    }

    function markChanged(input) {
      var saved = input.dataset.saved || "";
      var row = input.closest("tr");
      if (row) {
        row.classList.toggle("register-changed", saved !== "" && input.value.trim().toUpperCase() !== saved);
      }
    }

    // The summary before saving ("26 present, 2 late, 1 absent, 1 not yet explained"), recounted as
    // codes are typed. The code -> kind table comes from the server (attendance.selectors.summary_kinds).
    var kindsNode = document.getElementById("register-summary-kinds");
    var kinds = kindsNode ? JSON.parse(kindsNode.textContent) : {};
    var summary = document.getElementById("register-summary");

    function updateSummary() {
      if (!summary) { return; }
      var counts = { present: 0, late: 0, absent: 0, unexplained: 0, not_counted: 0, blank: 0 };
      inputs.forEach(function (input) {
        var code = input.value.trim().toUpperCase();
        if (code === "") { counts.blank += 1; return; }
        if (code === "/" || code === "\\") { counts.present += 1; return; }
        var kind = kinds[code];
        if (kind) { counts[kind] += 1; }
      });
      Object.keys(counts).forEach(function (key) {
        var node = summary.querySelector('[data-summary="' + key + '"]');
        if (node) { node.textContent = String(counts[key]); }
        var part = summary.querySelector('[data-summary-part="' + key + '"]');
        if (part) { part.hidden = counts[key] === 0; }
      });
    }

    inputs.forEach(function (input, index) {
      input.addEventListener("input", function () {
        var upper = input.value.toUpperCase();
        if (upper !== input.value) { input.value = upper; }
        markChanged(input);
        updateSummary();
      });
      input.addEventListener("keydown", function (event) {
        if (event.key !== "Enter") { return; }
        event.preventDefault();
        var row = input.closest("tr");
        var minutes = row ? row.querySelector("input.register-minutes") : null;
        if (input.value.trim().toUpperCase() === "L" && minutes) {
          minutes.focus();
        } else {
          focusNext(index);
        }
      });
      var row = input.closest("tr");
      var minutes = row ? row.querySelector("input.register-minutes") : null;
      if (minutes) {
        minutes.addEventListener("keydown", function (event) {
          if (event.key !== "Enter") { return; }
          event.preventDefault();
          focusNext(index);
        });
      }
    });

    updateSummary();

    // Start where the work is: the first row with an error, else the first empty row.
    var start = form.querySelector("input.register-code.is-invalid") ||
      inputs.filter(function (input) { return input.value.trim() === ""; })[0];
    if (start) { start.focus(); }

    if (reason) {
      reason.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && saveButton) { event.preventDefault(); saveButton.focus(); }
      });
    }

    var markAll = document.getElementById("mark-all-present");
    if (markAll) {
      markAll.addEventListener("click", function () {
        var code = form.dataset.presentCode;
        inputs.forEach(function (input) {
          if (input.value.trim() === "") { input.value = code; }
        });
        updateSummary();
        if (inputs.length) { inputs[0].focus(); inputs[0].select(); }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
