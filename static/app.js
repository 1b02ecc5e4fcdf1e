// Send the CSRF token with every htmx request; Flask-WTF reads the X-CSRFToken header.
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRFToken"] = meta.content;
  }
});

// Move focus to an error summary after a swap, so keyboard and screen reader users hear it.
document.addEventListener("htmx:afterSwap", function (event) {
  var summary = event.detail.target.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
