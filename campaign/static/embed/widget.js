/*
 * The petition widget inside its iframe: posts the form to the API on this same origin,
 * shows errors next to their fields, keeps the count live, and tells the embedding page
 * its height (the only thing it ever sends to the parent). No cookies, no storage.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("widget-data").textContent);
  var T = data.strings;
  var numbers = {
    format: function (n) {
      return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, data.grouping);
    },
  };
  var form = document.getElementById("sign-form");
  var countEl = document.getElementById("count");
  var progress = document.getElementById("progress");
  var POLL_MS = 30000;
  var MAX_POLLS = 240;
  var polls = 0;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  function setCount(count, goal) {
    if (typeof count !== "number" || count < 0) return;
    if (typeof goal === "number") data.goal = goal;
    var text = data.goal
      ? format(T.count_of_goal, { count: numbers.format(count), goal: numbers.format(data.goal) })
      : format(T.count_only, { count: numbers.format(count) });
    if (countEl.textContent !== text) countEl.textContent = text;
    if (progress) {
      progress.max = data.goal || 1;
      progress.value = Math.min(count, data.goal || 0);
    }
  }

  // The parent's origin is the embedding page's, which embed.js passed as the referrer.
  var parentOrigin = "*";
  try {
    if (data.referrer) parentOrigin = new URL(data.referrer).origin;
  } catch (e) {
    parentOrigin = "*";
  }
  var lastHeight = 0;
  function sendHeight() {
    if (window.parent === window) return;
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    // Only a number leaves this frame: nothing typed into the form is ever posted out.
    window.parent.postMessage({ type: "campaign-embed:resize", height: height }, parentOrigin);
  }
  if (window.ResizeObserver) {
    new ResizeObserver(sendHeight).observe(document.documentElement);
  } else {
    window.addEventListener("resize", sendHeight);
  }
  window.addEventListener("load", sendHeight);
  sendHeight();

  // The count always comes from the public tally: the answer to a signature carries none,
  // so that it cannot tell a new signer from one who had signed before.
  function readTally(cache) {
    fetch(data.tally, {
      credentials: "omit",
      cache: cache || "default",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (tally) {
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
    var input = form.elements[name];
    var slot = document.getElementById(name + "-error");
    if (!input || !slot) return false;
    slot.textContent = message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
    return true;
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

  function focusFirstInvalid() {
    var invalid = form.querySelector("[aria-invalid=true]");
    if (invalid) invalid.focus();
  }

  function validate() {
    var ok = true;
    FIELDS.forEach(function (name) {
      var input = form.elements[name];
      var value = input.value.trim();
      var message = "";
      if (input.required && !value) message = T.error_required;
      else if (name === "email" && value && !/^[^@\s]+@[^@\s]+$/.test(value)) message = T.error_email;
      if (message) {
        fieldError(name, message);
        ok = false;
      }
    });
    return ok;
  }

  function body() {
    var payload = { consent: form.elements.consent.checked };
    FIELDS.forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) payload[name] = value;
    });
    if (data.source) payload.source = data.source;
    if (data.referrer) payload.referrer = data.referrer;
    var trap = form.elements[data.honeypot];
    if (trap && trap.value) payload[data.honeypot] = trap.value;
    return payload;
  }

  function showProblem(response, problem) {
    if (response.status === 429) {
      var seconds = parseInt(response.headers.get("Retry-After"), 10);
      var minutes = Math.max(1, Math.ceil((isNaN(seconds) ? 60 : seconds) / 60));
      alertEl.textContent =
        minutes > 1 ? format(T.error_rate, { minutes: numbers.format(minutes) }) : T.error_rate_soon;
      return;
    }
    if (response.status === 409) {
      alertEl.textContent = T.error_closed;
      return;
    }
    var errors = (problem && problem.errors) || null;
    if (response.status === 422 && errors) {
      var placed = false;
      Object.keys(errors).forEach(function (name) {
        var messages = [].concat(errors[name]).join(" ");
        placed = fieldError(name, messages) || placed;
      });
      alertEl.textContent = placed ? T.error_fields : T.error_generic;
      focusFirstInvalid();
      return;
    }
    alertEl.textContent = T.error_generic;
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
    if (!validate()) {
      alertEl.textContent = T.error_fields;
      focusFirstInvalid();
      return;
    }
    button.disabled = true;
    button.textContent = T.sending;
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (data.widget_key) headers["X-Widget-Key"] = data.widget_key;
    fetch(data.action, {
      method: "POST",
      credentials: "omit",
      cache: "no-store",
      headers: headers,
      body: JSON.stringify(body()),
    })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return null;
          })
          .then(function (document) {
            if (response.ok) thank();
            else showProblem(response, document);
          });
      })
      .catch(function () {
        alertEl.textContent = T.error_generic;
      })
      .then(function () {
        button.disabled = false;
        button.textContent = T.submit;
      });
  });
})();
