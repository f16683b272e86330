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
