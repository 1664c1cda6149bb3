/*
 * The advocacy widget inside its iframe: looks up who represents a ZIP code, records the
 * letter or call with the API on this same origin, and shows each office's phone and
 * contact-form links with the letter to paste. Tells the embedding page only its height.
 * Everything shown is set as text, never as HTML. No cookies, no storage.
 */
(function () {
  "use strict";

  var F = window.CampaignPage;
  var el = F.element;
  var data = JSON.parse(document.getElementById("widget-data").textContent);
  var T = data.strings;
  var zipForm = document.getElementById("zip-form");
  var form = document.getElementById("act-form");
  var statusEl = document.getElementById("status");
  var list = document.getElementById("target-list");
  var thanks = document.getElementById("thanks");
  var letters = document.getElementById("letters");
  var postalCode = "";

  F.reportHeight(data.referrer);

  if (!zipForm) return;

  // By id, not by form: the API may name the ZIP, which is asked in the first form.
  function fieldError(name, message) {
    return F.markField(document.getElementById(name), document.getElementById(name + "-error"), message);
  }

  function links(target) {
    var box = el("p", "", { class: "links" });
    var phoneUrl = target.phone_url || (target.phone ? "tel:+1" + target.phone.replace(/\D/g, "") : "");
    if (phoneUrl) box.appendChild(el("a", F.format(T.call, { phone: target.phone }), { href: phoneUrl }));
    if (target.contact_form) {
      box.appendChild(
        el("a", T.contact_form, { href: target.contact_form, target: "_blank", rel: "noopener" })
      );
    }
    return box;
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
    F.call(data.lookup + "?postal_code=" + encodeURIComponent(value) + "&country=US")
      .then(function (answer) {
        if (answer.response.ok && answer.document) {
          postalCode = value;
          showTargets(answer.document);
        } else {
          statusEl.textContent = "";
          var errors = (answer.document && answer.document.errors) || {};
          fieldError("postal_code", errors.postal_code ? T.error_zip : T.error_generic);
          document.getElementById("postal_code").focus();
        }
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

  function body() {
    var payload = F.typed(form, FIELDS);
    payload.consent = form.elements.consent.checked;
    payload.postal_code = postalCode;
    payload.country = "US";
    payload.targets = chosen();
    if (form.elements.outcome) payload.outcome = form.elements.outcome.value;
    if (data.source) payload.source = data.source;
    if (data.referrer) payload.referrer = data.referrer;
    return payload;
  }

  function showLetters(receipt) {
    letters.textContent = "";
    receipt.targets.forEach(function (target, index) {
      var box = el("section", "", { class: "letter", "aria-labelledby": "letter-" + index });
      box.appendChild(el("h3", F.format(T.letter_for, { name: target.name }), { id: "letter-" + index }));
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

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (submit.disabled) return;
    alertEl.textContent = "";
    if (!chosen().length) {
      alertEl.textContent = T.choose_one;
      return;
    }
    FIELDS.forEach(function (name) {
      fieldError(name, "");
    });
    if (!F.checkFields(form, FIELDS, T, fieldError)) {
      F.alertAt(form, alertEl, T.error_fields);
      return;
    }
    var headers = data.widget_key ? { "X-Widget-Key": data.widget_key } : {};
    F.post(
      submit,
      T.sending,
      data.action,
      { body: body(), headers: headers },
      function (answer) {
        if (answer.response.ok && answer.document) showLetters(answer.document);
        else F.alertAt(form, alertEl, F.refusal(answer, T, fieldError, { grouping: data.grouping }));
      },
      function () {
        alertEl.textContent = T.error_generic;
      }
    );
  });
})();
