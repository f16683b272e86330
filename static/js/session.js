// Before the session ends: warn, offer "Stay signed in", and keep long forms' typed text.
//
// The server puts the seconds left on the body (data-session-seconds-left, from
// accounts.middleware.SessionLimitsMiddleware) and on every response to a signed-in user (the
// X-Session-Seconds-Left header, read here after each htmx request). SESSION_WARNING_SECONDS before the
// end, the dialog in base.html opens; "Stay signed in" posts to accounts:session_keepalive.
//
// A form with data-keep-draft keeps what is typed in sessionStorage (this tab only, gone when the tab
// closes), so text typed before the session ended comes back after signing in again. The draft is
// cleared after a successful submit (the next page is reached by a redirect, signed in) and when the
// person signs out themselves. Passwords, hidden fields and files are never kept.
(function () {
  "use strict";

  var body = document.body;
  var DRAFT = "draft:";
  var SUBMITTED = "draft-submitted:";
  var SKIPPED_TYPES = ["hidden", "password", "file", "submit", "button", "reset", "image"];
  var signedIn = body.dataset.signedIn === "1";

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  // --- drafts ---------------------------------------------------------------------------------------
  function draftForms() {
    return Array.prototype.slice.call(document.querySelectorAll("form[data-keep-draft]"));
  }

  function keyFor(form) {
    var name = form.getAttribute("data-keep-draft") || form.id || String(draftForms().indexOf(form));
    return location.pathname + "#" + name;
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !el.disabled && SKIPPED_TYPES.indexOf((el.type || "").toLowerCase()) === -1;
    });
  }

  function read(el) {
    if (el.type === "checkbox" || el.type === "radio") { return el.checked; }
    if (el.type === "select-multiple") {
      return Array.prototype.filter.call(el.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; });
    }
    return el.value;
  }

  function write(el, value) {
    if (el.type === "checkbox" || el.type === "radio") { el.checked = !!value; return; }
    if (el.type === "select-multiple" && Array.isArray(value)) {
      Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) !== -1; });
      return;
    }
    el.value = value;
  }

  // Only what the person changed is kept: a draft of untouched fields would later put back old values
  // over someone else's newer save.
  function saveDraft(form) {
    var store = storage();
    if (!store || !form.hasAttribute("data-draft-dirty")) { return; }
    var values = fields(form).map(read);
    try { store.setItem(DRAFT + keyFor(form), JSON.stringify(values)); } catch (e) { /* storage full */ }
  }

  function clearDraft(key) {
    var store = storage();
    if (store) { store.removeItem(DRAFT + key); store.removeItem(SUBMITTED + key); }
  }

  function clearAllDrafts() {
    var store = storage();
    if (!store) { return; }
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && (key.indexOf(DRAFT) === 0 || key.indexOf(SUBMITTED) === 0)) { store.removeItem(key); }
    }
  }

  function cameByRedirect() {
    var entries = window.performance && performance.getEntriesByType
      ? performance.getEntriesByType("navigation") : [];
    return entries.length > 0 && entries[0].redirectCount > 0;
  }

  // After a submit: a signed-in page reached by a redirect (or without the form) means it was saved.
  // Shown again without a redirect (errors), or signed out on the way: the draft stays.
  function settleSubmitted() {
    var store = storage();
    if (!store) { return; }
    var here = draftForms().map(keyFor);
    for (var i = store.length - 1; i >= 0; i--) {
      var flag = store.key(i);
      if (!flag || flag.indexOf(SUBMITTED) !== 0) { continue; }
      var key = flag.slice(SUBMITTED.length);
      if (signedIn && (cameByRedirect() || here.indexOf(key) === -1)) {
        clearDraft(key);
      } else {
        store.removeItem(flag);
      }
    }
  }

  function restoreNotice(form, key) {
    var notice = document.createElement("div");
    notice.className = "alert alert-info d-flex flex-wrap align-items-center gap-2";
    notice.setAttribute("role", "status");
    notice.setAttribute("data-testid", "draft-restored");
    var text = document.createElement("span");
    text.textContent = "We put back the text you typed here before. Check it, then save.";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-sm btn-outline-secondary";
    discard.textContent = "Discard it";
    discard.addEventListener("click", function () {
      clearDraft(key);
      form.reset();
      form.removeAttribute("data-draft-dirty");
      notice.remove();
    });
    notice.appendChild(text);
    notice.appendChild(discard);
    form.parentNode.insertBefore(notice, form);
  }

  function restoreDraft(form) {
    var store = storage();
    var key = keyFor(form);
    var saved = store && store.getItem(DRAFT + key);
    if (!saved) { return; }
    var values;
    try { values = JSON.parse(saved); } catch (e) { return; }
    var els = fields(form);
    if (!Array.isArray(values) || values.length !== els.length) { return; }  // the form changed
    var changed = false;
    els.forEach(function (el, i) {
      if (JSON.stringify(read(el)) !== JSON.stringify(values[i])) { write(el, values[i]); changed = true; }
    });
    if (changed) {
      form.setAttribute("data-draft-dirty", "");
      restoreNotice(form, key);
    }
  }

  function watch(form) {
    var pending = null;
    function later() {
      form.setAttribute("data-draft-dirty", "");
      clearTimeout(pending);
      pending = setTimeout(function () { saveDraft(form); }, 300);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function () {
      clearTimeout(pending);
      saveDraft(form);
      var store = storage();
      if (store) { store.setItem(SUBMITTED + keyFor(form), "1"); }
    });
    form.querySelectorAll("[data-draft-cancel]").forEach(function (link) {
      link.addEventListener("click", function () { clearDraft(keyFor(form)); });
    });
  }

  function saveAll() { draftForms().forEach(saveDraft); }

  // --- the warning ----------------------------------------------------------------------------------
  var dialog = document.getElementById("session-end");
  var left = parseInt(body.dataset.sessionSecondsLeft, 10);
  var warnBefore = parseInt(body.dataset.sessionWarningSeconds, 10) || 120;
  var endsAt = null;
  var warnTimer = null;
  var endTimer = null;
  var ticker = null;
  var ENDS_AT = "session-ends-at";  // shared with the other tabs: activity there extends this one

  function part(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function inWords(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    if (m && s) { return part(m, "minute") + " " + part(s, "second"); }
    return m ? part(m, "minute") : part(s, "second");
  }

  function el(name) { return dialog.querySelector("[data-session-" + name + "]"); }

  function tick() {
    var countdown = el("countdown");
    if (countdown) { countdown.textContent = inWords(Math.max(0, Math.round((endsAt - Date.now()) / 1000))); }
  }

  function open() {
    if (!dialog.open) {
      if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute("open", ""); }
    }
  }

  function close() {
    clearInterval(ticker);
    if (dialog.open) { if (dialog.close) { dialog.close(); } else { dialog.removeAttribute("open"); } }
  }

  function showWarning() {
    saveAll();
    tick();
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
    open();
    el("stay").focus();
  }

  function showEnded() {
    saveAll();
    clearInterval(ticker);
    el("title").textContent = "Your session has ended";
    el("text").textContent = "To keep pupils' information safe, you are signed out after a time without "
      + "activity. What you typed in a long form on this page is kept in this browser tab: sign in again "
      + "to carry on.";
    el("stay").classList.add("d-none");
    el("sign-in").classList.remove("d-none");
    open();
    el("sign-in").focus();
  }

  function schedule(seconds, share) {
    endsAt = Date.now() + seconds * 1000;
    if (share) { try { localStorage.setItem(ENDS_AT, String(endsAt)); } catch (e) { /* private mode */ } }
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(showWarning, Math.max(0, (seconds - warnBefore) * 1000));
    endTimer = setTimeout(showEnded, seconds * 1000 + 1000);
    if (seconds > warnBefore) { close(); }
  }

  function stay() {
    var url = body.dataset.keepaliveUrl;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": body.dataset.csrfToken || "", Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok || response.redirected) { throw new Error("signed out"); }
      return response.json();
    }).then(function (data) {
      schedule(data.seconds_left, true);
      if (data.seconds_left <= warnBefore) {
        // The absolute limit (12 hours from sign-in): staying cannot push it back.
        el("text").textContent = "You have been signed in for as long as one sign-in lasts. Save your work: "
          + "you will be signed out in ";
        var countdown = document.createElement("span");
        countdown.setAttribute("data-session-countdown", "");
        el("text").appendChild(countdown);
        el("stay").classList.add("d-none");
        tick();
      }
    }).catch(showEnded);
  }

  if (signedIn && dialog && !isNaN(left)) {
    el("stay").addEventListener("click", stay);
    // Escape while warned means the person is here: the same as "Stay signed in".
    dialog.addEventListener("cancel", function (event) {
      if (!el("stay").classList.contains("d-none")) { event.preventDefault(); stay(); }
    });
    schedule(left, true);
    document.addEventListener("htmx:afterRequest", function (event) {
      var header = event.detail.xhr && event.detail.xhr.getResponseHeader("X-Session-Seconds-Left");
      if (header) { schedule(parseInt(header, 10), true); }
    });
    window.addEventListener("storage", function (event) {
      if (event.key !== ENDS_AT || !event.newValue) { return; }
      var seconds = Math.round((parseInt(event.newValue, 10) - Date.now()) / 1000);
      if (seconds > 0 && parseInt(event.newValue, 10) > endsAt) { schedule(seconds, false); }
    });
  }

  // --- start ----------------------------------------------------------------------------------------
  function start() {
    settleSubmitted();
    draftForms().forEach(function (form) { restoreDraft(form); watch(form); });
    document.querySelectorAll("form[data-sign-out]").forEach(function (form) {
      form.addEventListener("submit", clearAllDrafts);
    });
    window.addEventListener("pagehide", saveAll);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
