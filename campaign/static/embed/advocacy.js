/*
 * The advocacy widget inside its iframe: looks up who represents a ZIP code, records the
 * letter or call with the API on this same origin, and shows each office's phone and
 * contact-form links with the letter to paste. Tells the embedding page only its height.
 * Everything shown is set as text, never as HTML. No cookies, no storage.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("widget-data").textContent);
  var T = data.strings;
  var zipForm = document.getElementById("zip-form");
  var form = document.getElementById("act-form");
  var statusEl = document.getElementById("status");
  var list = document.getElementById("target-list");
  var thanks = document.getElementById("thanks");
  var letters = document.getElementById("letters");
  var postalCode = "";

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

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
    window.parent.postMessage({ type: "campaign-embed:resize", height: height }, parentOrigin);
  }
  if (window.ResizeObserver) new ResizeObserver(sendHeight).observe(document.documentElement);
  window.addEventListener("load", sendHeight);
  sendHeight();

  if (!zipForm) return;

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    return node;
  }

  function fieldError(name, message) {
    var input = document.getElementById(name);
    var slot = document.getElementById(name + "-error");
    if (!input || !slot) return false;
    slot.textContent = message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
    return true;
  }

  function links(target) {
    var box = el("p", "", { class: "links" });
    var phoneUrl = target.phone_url || (target.phone ? "tel:+1" + target.phone.replace(/\D/g, "") : "");
    if (phoneUrl) box.appendChild(el("a", format(T.call, { phone: target.phone }), { href: phoneUrl }));
    if (target.contact_form) {
      box.appendChild(
        el("a", T.contact_form, { href: target.contact_form, target: "_blank", rel: "noopener" })
      );
    }
    return box;
  }

  function rateMessage(response) {
    var seconds = parseInt(response.headers.get("Retry-After"), 10);
    var minutes = Math.max(1, Math.ceil((isNaN(seconds) ? 60 : seconds) / 60));
    return minutes > 1 ? format(T.error_rate, { minutes: minutes }) : T.error_rate_soon;
  }

  function readJson(response) {
    return response.json().catch(function () {
      return null;
    });
  }

  function showTargets(found) {
    list.textContent = "";
    statusEl.textContent = "";
    if (!found.targets.length) {
      statusEl.textContent = T.no_targets + (found.reason ? " " + found.reason : "");
      form.hidden = true;
      return;
    }
    found.targets.forEach(function (target, index) {
      var row = el("div", "", { class: "person" });
      var box = el("input", "", { type: "checkbox", id: "target-" + index, value: target.id });
      box.checked = true;
      var label = el("label", "", { for: "target-" + index });
      var where = target.district !== null && target.district !== undefined
        ? target.state + "-" + target.district
        : target.state;
      label.appendChild(el("strong", target.title + " " + target.name));
      label.appendChild(document.createTextNode(" (" + [target.party, where].filter(Boolean).join(", ") + ")"));
      row.appendChild(box);
      var text = el("div");
      text.appendChild(label);
      text.appendChild(links(target));
      row.appendChild(text);
      list.appendChild(row);
    });
    var names = found.targets.map(function (t) { return t.name; }).join(", ");
    statusEl.textContent = (found.ambiguous ? T.ambiguous + " " : "") + names;
    form.hidden = false;
  }

  zipForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = zipForm.elements.postal_code.value.trim();
    fieldError("postal_code", "");
    if (!/^\d{5}(-?\d{4})?$/.test(value)) {
      fieldError("postal_code", T.error_zip);
      document.getElementById("postal_code").focus();
      return;
    }
    var button = document.getElementById("lookup");
    button.disabled = true;
    statusEl.textContent = T.looking;
    fetch(data.lookup + "?postal_code=" + encodeURIComponent(value) + "&country=US", {
      credentials: "omit",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return readJson(response).then(function (body) {
          if (response.ok && body) {
            postalCode = value;
            showTargets(body);
          } else {
            statusEl.textContent = "";
            var errors = (body && body.errors) || {};
            fieldError("postal_code", errors.postal_code ? T.error_zip : T.error_generic);
            document.getElementById("postal_code").focus();
          }
        });
      })
      .catch(function () {
        statusEl.textContent = T.error_generic;
      })
      .then(function () {
        button.disabled = false;
      });
  });

  if (!form) return;
  var alertEl = document.getElementById("alert");
  var submit = document.getElementById("submit");
  var submitLabel = submit.textContent;
  var FIELDS = ["given_name", "family_name", "email", "message"];

  function chosen() {
    return Array.prototype.filter
      .call(list.querySelectorAll("input[type=checkbox]"), function (box) {
        return box.checked;
      })
      .map(function (box) {
        return box.value;
      });
  }

  function validate() {
    var ok = true;
    FIELDS.forEach(function (name) {
      fieldError(name, "");
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
    var payload = {
      consent: form.elements.consent.checked,
      postal_code: postalCode,
      country: "US",
      targets: chosen(),
    };
    FIELDS.forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) payload[name] = value;
    });
    if (form.elements.outcome) payload.outcome = form.elements.outcome.value;
    if (data.source) payload.source = data.source;
    if (data.referrer) payload.referrer = data.referrer;
    var trap = form.elements[data.honeypot];
    if (trap && trap.value) payload[data.honeypot] = trap.value;
    return payload;
  }

  function showLetters(receipt) {
    letters.textContent = "";
    receipt.targets.forEach(function (target, index) {
      var box = el("section", "", { class: "letter", "aria-labelledby": "letter-" + index });
      box.appendChild(el("h3", format(T.letter_for, { name: target.name }), { id: "letter-" + index }));
      box.appendChild(links(target));
      if (target.subject) box.appendChild(el("p", target.subject, { class: "subject" }));
      var text = el("textarea", "", { readonly: "", rows: "8", "aria-labelledby": "letter-" + index });
      text.value = target.body;
      box.appendChild(text);
      letters.appendChild(box);
    });
    form.hidden = true;
    zipForm.hidden = true;
    thanks.hidden = false;
    thanks.focus();
  }

  function showProblem(response, problem) {
    if (response.status === 429) {
      alertEl.textContent = rateMessage(response);
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
        placed = fieldError(name, [].concat(errors[name]).join(" ")) || placed;
      });
      alertEl.textContent = placed ? T.error_fields : T.error_generic;
      var invalid = form.querySelector("[aria-invalid=true]");
      if (invalid) invalid.focus();
      return;
    }
    alertEl.textContent = T.error_generic;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (submit.disabled) return;
    alertEl.textContent = "";
    if (!chosen().length) {
      alertEl.textContent = T.choose_one;
      return;
    }
    if (!validate()) {
      alertEl.textContent = T.error_fields;
      form.querySelector("[aria-invalid=true]").focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = T.sending;
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
        return readJson(response).then(function (document) {
          if (response.ok && document) showLetters(document);
          else showProblem(response, document);
        });
      })
      .catch(function () {
        alertEl.textContent = T.error_generic;
      })
      .then(function () {
        submit.disabled = false;
        submit.textContent = submitLabel;
      });
  });
})();
