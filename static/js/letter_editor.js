// The letter template editor: turns the plain text box into a Trix rich text editor (the box stays a
// plain HTML box when scripts are off) and lets the merge field buttons insert "{field}" at the cursor.
// The server sanitises whatever is sent (letters/sanitise.py); nothing here is trusted.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.querySelector("textarea[data-trix-source]");
  if (!source || !window.Trix || !window.customElements) { return; }
  var input = document.createElement("input");
  input.type = "hidden";
  input.id = source.id + "_rich";
  input.name = source.name;
  input.value = source.value;
  source.removeAttribute("name");
  source.hidden = true;
  source.parentNode.insertBefore(input, source);
  var editor = document.createElement("trix-editor");
  editor.setAttribute("input", input.id);
  editor.setAttribute("aria-labelledby", "body-label");
  editor.setAttribute("aria-describedby", "body-help");
  editor.className = "form-control" + (source.classList.contains("is-invalid") ? " is-invalid" : "");
  source.parentNode.insertBefore(editor, source);
  var label = document.getElementById("body-label");
  if (label) { label.removeAttribute("for"); label.addEventListener("click", function () { editor.focus(); }); }
  document.querySelectorAll("[data-merge-field]").forEach(function (button) {
    button.addEventListener("click", function () {
      editor.editor.insertString("{" + button.dataset.mergeField + "}");
      editor.focus();
    });
  });
});

// As the text changes, name any {field} that is not a merge field beside the box, before saving (the
// server refuses them too: letters/merge_fields.py). Same rule: anything in curly brackets.
document.addEventListener("trix-change", function (event) {
  var box = document.querySelector("[data-field-check]");
  if (!box) { return; }
  var known = box.dataset.knownFields.split(" ");
  var text = event.target.editor.getDocument().toString();
  var unknown = [];
  (text.match(/\{[^{}]{0,60}\}/g) || []).forEach(function (token) {
    var name = token.slice(1, -1).trim();
    if (known.indexOf(name) === -1 && unknown.indexOf(name) === -1) { unknown.push(name); }
  });
  box.textContent = unknown.length
    ? "Unknown merge field" + (unknown.length > 1 ? "s" : "") + ": " +
      unknown.map(function (n) { return "{" + n + "}"; }).join(", ") + ". It will not be saved like this."
    : "";
});
