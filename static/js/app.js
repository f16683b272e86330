// Sends Django's CSRF token with every htmx request. Kept out of the page so the
// Content Security Policy can forbid inline scripts.
document.addEventListener("htmx:configRequest", function (event) {
  var token = document.body.dataset.csrfToken;
  if (token) { event.detail.headers["X-CSRFToken"] = token; }
});
