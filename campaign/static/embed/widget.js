/*
 * The petition widget inside its iframe: posts the form to the API on this same origin,
 * shows errors next to their fields, keeps the count live, and tells the embedding page
 * its height (the only thing it ever sends to the parent). No cookies, no storage.
 */
(function () {
  "use strict";

  var F = window.CampaignPage;
  var data = JSON.parse(document.getElementById("widget-data").textContent);
  var T = data.strings;
  var form = document.getElementById("sign-form");
  var countEl = document.getElementById("count");
  var progress = document.getElementById("progress");
  var POLL_MS = 30000;
  var MAX_POLLS = 240;
  var polls = 0;

  function number(n) {
    return F.grouped(n, data.grouping);
  }

  function setCount(count, goal) {
    if (typeof count !== "number" || count < 0) return;
    if (typeof goal === "number") data.goal = goal;
    var text = data.goal
      ? F.format(T.count_of_goal, { count: number(count), goal: number(data.goal) })
      : F.format(T.count_only, { count: number(count) });
    if (countEl.textContent !== text) countEl.textContent = text;
    if (progress) {
      progress.max = data.goal || 1;
      progress.value = Math.min(count, data.goal || 0);
    }
  }

  F.reportHeight(data.referrer);

  // The count always comes from the public tally: the answer to a signature carries none,
  // so that it cannot tell a new signer from one who had signed before.
  function readTally(cache) {
    F.call(data.tally, { cache: cache || "default" })
      .then(function (answer) {
        var tally = answer.response.ok && answer.document;
        if (tally) setCount(tally.signature_count, tally.goal);
      })
      .catch(function () {});
  }

  function pollTally() {
    if (polls >= MAX_POLLS) return;
    polls += 1;
    if (document.visibilityState === "hidden") return;
    readTally();
  }
  var timer = window.setInterval(function () {
    pollTally();
    if (polls >= MAX_POLLS) window.clearInterval(timer);
  }, POLL_MS);

  if (!form) return;
  var alertEl = document.getElementById("alert");
  var button = document.getElementById("submit");
  var thanks = document.getElementById("thanks");
  var FIELDS = ["given_name", "family_name", "email", "postal_code", "country"];

  function fieldError(name, message) {
    return F.markField(form.elements[name], document.getElementById(name + "-error"), message);
  }

  function clearErrors() {
    FIELDS.forEach(function (name) {
      fieldError(name, "");
    });
    alertEl.textContent = "";
  }

  // An error stays until the person edits its field.
  FIELDS.forEach(function (name) {
    form.elements[name].addEventListener("input", function () {
      if (form.elements[name].getAttribute("aria-invalid") !== "true") return;
      fieldError(name, "");
      if (!form.querySelector("[aria-invalid=true]")) alertEl.textContent = "";
    });
  });

  function body() {
    var payload = F.typed(form, FIELDS);
    payload.consent = form.elements.consent.checked;
    if (data.source) payload.source = data.source;
    if (data.referrer) payload.referrer = data.referrer;
    return payload;
  }

  function thank() {
    readTally("no-store");
    form.hidden = true;
    thanks.hidden = false;
    thanks.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) return;
    clearErrors();
    if (!F.checkFields(form, FIELDS, T, fieldError)) {
      F.alertAt(form, alertEl, T.error_fields);
      return;
    }
    var headers = data.widget_key ? { "X-Widget-Key": data.widget_key } : {};
    F.post(
      button,
      T.sending,
      data.action,
      { body: body(), headers: headers },
      function (answer) {
        if (answer.response.ok) thank();
        else F.alertAt(form, alertEl, F.refusal(answer, T, fieldError, { grouping: data.grouping }));
      },
      function () {
        alertEl.textContent = T.error_generic;
      }
    );
  });
})();
