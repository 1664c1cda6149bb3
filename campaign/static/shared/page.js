/*
 * window.CampaignPage: what the widgets' and the site's scripts share, loaded before each
 * page's own. Calls to the API (JSON, never a cookie), field checks and errors, the words
 * for a refused post, and a widget frame's height.
 */
(function () {
  "use strict";

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? values[key] : match;
    });
  }

  // Not Intl: some builds lack Armenian's grouping.
  function grouped(n, grouping) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, grouping || ",");
  }

  function apiPath(base, parts) {
    return base + "/api/v1/" + parts.map(encodeURIComponent).join("/");
  }

  // Text, never HTML.
  function element(name, text, attrs) {
    var node = document.createElement(name);
    if (text !== undefined && text !== null) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    return node;
  }

  function answer(response) {
    return response
      .json()
      .catch(function () {
        return null;
      })
      .then(function (document) {
        return { response: response, document: document };
      });
  }

  // raw: the body is left unread (a download, a HEAD).
  function call(url, options) {
    options = options || {};
    var headers = { Accept: options.accept || "application/json" };
    Object.keys(options.headers || {}).forEach(function (name) {
      headers[name] = options.headers[name];
    });
    var init = { method: options.method || (options.body ? "POST" : "GET"), credentials: "omit", headers: headers };
    if (options.cache) init.cache = options.cache;
    if (options.body) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
      init.cache = "no-store";
    }
    return fetch(url, init).then(function (response) {
      return options.raw ? { response: response } : answer(response);
    });
  }

  // The button says it is sending, and cannot send twice.
  function post(button, sending, url, options, handle, failed) {
    var label = button.textContent;
    button.disabled = true;
    button.textContent = sending;
    return call(url, options)
      .then(handle)
      .catch(failed)
      .then(function () {
        button.disabled = false;
        button.textContent = label;
      });
  }

  // The slot is named in the field's aria-describedby: screen readers read both.
  function markField(input, slot, message) {
    if (!input || !slot) return false;
    slot.textContent = message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
    return true;
  }

  function checkFields(form, names, T, place) {
    var ok = true;
    names.forEach(function (name) {
      var input = form.elements[name];
      var value = input.value.trim();
      var message = "";
      if (input.required && !value) message = T.error_required;
      else if (input.type === "email" && value && !/^[^@\s]+@[^@\s]+$/.test(value)) message = T.error_email;
      if (message) {
        place(name, message);
        ok = false;
      }
    });
    return ok;
  }

  // The hidden trap goes along only when a bot filled it.
  function typed(form, names) {
    var values = {};
    names.forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) values[name] = value;
    });
    var trap = form.querySelector(".hp input");
    if (trap && trap.value) values[trap.name] = trap.value;
    return values;
  }

  // A 422's errors go next to their fields (place says whether the page has it).
  function refusal(answer, T, place, options) {
    var response = answer.response, problem = answer.document;
    if (response.status === 429) {
      var seconds = parseInt(response.headers.get("Retry-After"), 10);
      var minutes = Math.max(1, Math.ceil((isNaN(seconds) ? 60 : seconds) / 60));
      return minutes > 1 ? format(T.error_rate, { minutes: grouped(minutes, options.grouping) }) : T.error_rate_soon;
    }
    if (response.status === 409) return T.error_closed;
    var errors = problem && problem.errors;
    if (response.status === 422 && errors) {
      var placed = false;
      Object.keys(errors).forEach(function (name) {
        placed = place(name, [].concat(errors[name]).join(" ")) || placed;
      });
      if (placed) return T.error_fields;
      if (options.detail && problem.detail) return problem.detail;
    }
    return T.error_generic;
  }

  // Focus moves to the first invalid field, to be read next.
  function alertAt(form, alertEl, message) {
    alertEl.textContent = message;
    var invalid = form.querySelector("[aria-invalid=true]");
    if (invalid) invalid.focus();
  }

  // For embed.js to size the iframe. Only a number leaves the frame, sent to the origin
  // embed.js passed as the referrer.
  function reportHeight(referrer) {
    var parentOrigin = "*";
    try {
      if (referrer) parentOrigin = new URL(referrer).origin;
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
    if (window.ResizeObserver) {
      new ResizeObserver(sendHeight).observe(document.documentElement);
    } else {
      window.addEventListener("resize", sendHeight);
    }
    window.addEventListener("load", sendHeight);
    sendHeight();
  }

  window.CampaignPage = {
    format: format, grouped: grouped, apiPath: apiPath, element: element, answer: answer,
    call: call, post: post, markField: markField, checkFields: checkFields, typed: typed,
    refusal: refusal, alertAt: alertAt, reportHeight: reportHeight,
  };
})();
