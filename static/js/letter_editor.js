// The letter template editor: turns the plain text box into a Trix rich text editor (the box stays a
// plain HTML box when scripts are off) and lets the merge field buttons insert "{field}" at the cursor.
// The server sanitises whatever is sent (letters/sanitise.py); nothing here is trusted.
document.addEventListener("DOMContentLoaded", function () {
  var source = document.querySelector("textarea[data-trix-source]");
  if (!source || !window.customElements || !customElements.get("trix-editor")) { return; }
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
