// Sends Django's CSRF token with every htmx request. Kept out of the page so the
// Content Security Policy can forbid inline scripts.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.body.dataset.csrfToken;
  if (token) { event.detail.headers["X-CSRFToken"] = token; }
});

// A form shown again with errors: move focus to the first field with an error (as the register
// does), or to the error summary when the problem is not beside a field.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  var form = summary.closest("form");
  var field = form && form.querySelector(".is-invalid:not([type=hidden])");
  (field || summary).focus();
});

// The same when htmx swaps a form back in with its errors (the case page's Letters section). After
// settling, not swapping: until then htmx keeps the old attributes (no is-invalid) on same-id fields.
document.addEventListener("htmx:afterSettle", function (event) {
  var summary = event.detail.target.querySelector("[data-error-summary]");
  if (!summary) { return; }
  var form = summary.closest("form");
  var field = form && form.querySelector(".is-invalid:not([type=hidden])");
  (field || summary).focus();
});

// Tables never squeeze a word into pieces at a phone's width (static/css/app.css): every table sits in
// a box that scrolls sideways when the table is wider than the screen, and that box can then be
// scrolled from the keyboard (it takes focus, named after the table's caption). A cell holding an
// unbroken token longer than LONG_TOKEN letters (a pasted link) may break it anywhere instead.
(function () {
  var LONG_TOKEN = /\S{25,}/;

  function fitTable(table) {
    var box = table.parentElement;
    if (!box.classList.contains("table-responsive")) {
      // Moving the table takes focus away from a field inside it (the register focuses its first
      // empty row on load), so put the focus back where it was.
      var focused = document.activeElement;
      box = document.createElement("div");
      box.className = "table-responsive";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
      if (focused && focused !== document.activeElement && table.contains(focused)) { focused.focus(); }
    }
    table.querySelectorAll("td, th").forEach(function (cell) {
      if (LONG_TOKEN.test(cell.textContent)) { cell.classList.add("long-token"); }
    });
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
      var caption = table.querySelector("caption");
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", ((caption && caption.textContent.trim()) || "Table") + " (scrolls sideways)");
    }
  }

  function fitTables(root) {
    if (root.matches && root.matches("table.table")) { fitTable(root); }
    if (root.querySelectorAll) { root.querySelectorAll("table.table").forEach(fitTable); }
  }

  document.addEventListener("DOMContentLoaded", function () { fitTables(document); });
  document.addEventListener("htmx:load", function (event) { fitTables(event.detail.elt); });
})();
// A large marks import: while the file uploads, say how many rows it has and that the page is
// working, and stop a second click sending it twice. The import itself runs in the background and
// the next page shows its progress.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var status = form.querySelector && form.querySelector("[data-import-progress]");
  var input = form.querySelector && form.querySelector("input[type=file]");
  if (!status || !input || !input.files || !input.files.length) { return; }
  var button = form.querySelector("button[type=submit]");
  if (button) { button.disabled = true; }
  status.hidden = false;
  status.textContent = "Uploading the file. Please keep this page open until it has uploaded.";
  var file = input.files[0];
  if (!file.text) { return; }
  file.text().then(function (text) {
    var rows = Math.max(0, text.split("\n").filter(function (line) { return line.trim(); }).length - 1);
    status.textContent = "Uploading " + rows.toLocaleString("en-GB") + " rows. Please keep this page " +
      "open until it has uploaded; the next page shows the import's progress.";
  });
});
