/*
 * The campaign pages' forms and counters. Everything goes to the public API at data.api
 * (this origin unless the site is hosted elsewhere): signatures, sign-ups, the advocacy
 * lookup and outreach, and the tallies the counters and charts show. No cookies, no storage.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("site-data").textContent);
  var T = data.strings;
  var C = window.CampaignCharts;
  var API = data.api + "/api/v1/";

  function format(template, values) {
    return C.format(template, values);
  }
  function number(n) {
    return C.grouped(n, data.grouping);
  }
  function path(parts) {
    return API + parts.map(encodeURIComponent).join("/");
  }

  function request(url, options) {
    options = options || {};
    var init = { method: options.method || "GET", credentials: "omit", headers: { Accept: "application/json" } };
    if (options.body) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
      init.cache = "no-store";
    } else {
      init.cache = "no-cache"; // revalidate: a count must not come from a stale copy
    }
    return fetch(url, init).then(function (response) {
      return response
        .json()
        .catch(function () {
          return null;
        })
        .then(function (document) {
          return { response: response, document: document };
        });
    });
  }

  // ---- counters ----
  function showCount(slug, count, goal) {
    var text = goal
      ? format(T.count_of_goal, { count: number(count), goal: number(goal) })
      : format(T.count_only, { count: number(count) });
    document.querySelectorAll('[data-count-for="' + slug + '"]').forEach(function (el) {
      el.textContent = text;
    });
    document.querySelectorAll('[data-progress-for="' + slug + '"]').forEach(function (el) {
      el.max = goal || 1;
      el.value = Math.min(count, goal || 0);
    });
  }

  function refreshTally(slug) {
    return request(path(["petitions", slug, "tally"])).then(function (answer) {
      if (answer.response.ok && answer.document) {
        showCount(slug, answer.document.signature_count, answer.document.goal);
      }
    });
  }

  // ---- forms ----
  function Form(form, prefix) {
    this.form = form;
    this.prefix = prefix;
    this.alert = document.getElementById(prefix + "-alert");
    this.status = document.getElementById(prefix + "-status");
    this.button = form.querySelector("button[type=submit]");
    var self = this;
    form.addEventListener("input", function (event) {
      var input = event.target;
      if (input.getAttribute && input.getAttribute("aria-invalid") === "true") self.fieldError(input.name, "");
    });
  }
  Form.prototype.names = function () {
    var names = [];
    Array.prototype.forEach.call(this.form.elements, function (input) {
      if (input.name && input.type !== "checkbox" && !input.closest(".hp")) names.push(input.name);
    });
    return names;
  };
  Form.prototype.fieldError = function (name, message) {
    var input = this.form.elements[name];
    var slot = document.getElementById(this.prefix + "-" + name + "-error");
    if (!input || !slot) return false;
    slot.textContent = message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
    return true;
  };
  Form.prototype.clear = function () {
    var self = this;
    this.names().forEach(function (name) {
      self.fieldError(name, "");
    });
    if (this.alert) this.alert.textContent = "";
  };
  Form.prototype.validate = function () {
    var self = this, ok = true;
    this.names().forEach(function (name) {
      var input = self.form.elements[name];
      var value = input.value.trim();
      var message = "";
      if (input.required && !value) message = T.error_required;
      else if (input.type === "email" && value && !/^[^@\s]+@[^@\s]+$/.test(value)) message = T.error_email;
      if (message) {
        self.fieldError(name, message);
        ok = false;
      }
    });
    if (!ok) this.fail(T.error_fields);
    return ok;
  };
  Form.prototype.fail = function (message) {
    this.alert.textContent = message;
    var invalid = this.form.querySelector("[aria-invalid=true]");
    if (invalid) invalid.focus();
  };
  Form.prototype.payload = function () {
    var payload = {}, form = this.form;
    this.names().forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) payload[name] = value;
    });
    if (form.elements.consent) payload.consent = form.elements.consent.checked;
    var trap = form.querySelector(".hp input");
    if (trap && trap.value) payload[trap.name] = trap.value;
    if (/^https?:/.test(location.href)) payload.referrer = location.href.split("#")[0].slice(0, 2048);
    return payload;
  };
  Form.prototype.problem = function (response, problem) {
    if (response.status === 429) {
      var seconds = parseInt(response.headers.get("Retry-After"), 10);
      var minutes = Math.max(1, Math.ceil((isNaN(seconds) ? 60 : seconds) / 60));
      this.fail(minutes > 1 ? format(T.error_rate, { minutes: number(minutes) }) : T.error_rate_soon);
      return;
    }
    if (response.status === 409) return this.fail(T.error_closed);
    var errors = problem && problem.errors;
    if (response.status === 422 && errors) {
      var self = this, placed = false;
      Object.keys(errors).forEach(function (name) {
        placed = self.fieldError(name, [].concat(errors[name]).join(" ")) || placed;
      });
      return this.fail(placed ? T.error_fields : (problem.detail || T.error_generic));
    }
    this.fail(T.error_generic);
  };
  Form.prototype.send = function (url, body, done) {
    var self = this, label = this.button.textContent;
    this.clear();
    if (!this.validate()) return;
    this.button.disabled = true;
    this.button.textContent = T.sending;
    request(url, { method: "POST", body: body || this.payload() })
      .then(function (answer) {
        if (answer.response.ok) done(answer.document);
        else self.problem(answer.response, answer.document);
      })
      .catch(function () {
        self.fail(T.error_generic);
      })
      .then(function () {
        self.button.disabled = false;
        self.button.textContent = label;
      });
  };
  Form.prototype.thank = function (message) {
    this.form.hidden = true;
    this.status.textContent = message;
    this.status.setAttribute("tabindex", "-1");
    this.status.focus();
  };

  document.querySelectorAll("form[data-petition]").forEach(function (node) {
    var slug = node.getAttribute("data-petition");
    var form = new Form(node, "sign-" + slug);
    node.addEventListener("submit", function (event) {
      event.preventDefault();
      form.send(path(["petitions", slug, "signatures"]), null, function () {
        form.thank(T.signed_thanks);
        // The answer carries no count: the public tally is the one source of it.
        refreshTally(slug);
      });
    });
  });

  document.querySelectorAll("form[data-signup]").forEach(function (node) {
    var form = new Form(node, "join");
    node.addEventListener("submit", function (event) {
      event.preventDefault();
      form.send(path(["campaigns", node.getAttribute("data-signup"), "signups"]), null, function () {
        form.thank(T.join_thanks);
      });
    });
  });

  // ---- letters and calls ----
  function element(name, text, attrs) {
    var node = document.createElement(name);
    if (text) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    return node;
  }

  function targetItem(target, links) {
    var li = element("li");
    li.appendChild(element("p", target.name)).className = "count";
    var where = [target.title, target.party, target.state].filter(Boolean).join(" · ");
    if (where) li.appendChild(element("p", where));
    links.forEach(function (link) {
      if (!link.href) return;
      var p = element("p");
      p.appendChild(element("a", link.text, { href: link.href }));
      li.appendChild(p);
    });
    return li;
  }

  function safeUrl(url) {
    return /^(https?:|tel:|mailto:)/i.test(url || "") ? url : "";
  }

  document.querySelectorAll("form[data-advocacy]").forEach(function (lookup) {
    var slug = lookup.getAttribute("data-advocacy");
    var prefix = "advocacy-" + slug;
    var finder = new Form(lookup, prefix);
    finder.alert = document.getElementById(prefix + "-lookup-alert");
    var outreachNode = document.querySelector('form[data-outreach="' + slug + '"]');
    var outreach = new Form(outreachNode, prefix);
    var list = document.getElementById(prefix + "-targets");
    var found = null;
    var details = null;

    lookup.addEventListener("submit", function (event) {
      event.preventDefault();
      finder.clear();
      if (!finder.validate()) return;
      var code = lookup.elements.postal_code.value.trim();
      var url = path(["advocacy-campaigns", slug, "targets"]) + "?postal_code=" + encodeURIComponent(code) + "&country=US";
      list.hidden = false;
      list.textContent = T.looking_up;
      Promise.all([request(url), details || request(path(["advocacy-campaigns", slug]))])
        .then(function (answers) {
          var lookupAnswer = answers[0];
          details = Promise.resolve(answers[1]);
          list.textContent = "";
          if (!lookupAnswer.response.ok) {
            list.hidden = true;
            return finder.problem(lookupAnswer.response, lookupAnswer.document);
          }
          found = lookupAnswer.document;
          if (!found.targets.length) {
            list.appendChild(element("p", found.reason || T.no_targets));
            outreachNode.hidden = true;
            return;
          }
          list.appendChild(element("p", format(T.targets_found, { count: found.targets.length, postal_code: found.postal_code })));
          if (found.ambiguous) list.appendChild(element("p", T.ambiguous));
          var ul = element("ul");
          found.targets.forEach(function (target) {
            ul.appendChild(
              targetItem(target, [
                { text: T.call + " " + (target.phone || ""), href: target.phone ? "tel:" + target.phone.replace(/[^\d+]/g, "") : "" },
                { text: T.contact_form, href: safeUrl(target.contact_form) },
              ])
            );
          });
          list.appendChild(ul);
          if (found.data_as_of) list.appendChild(element("p", format(T.data_as_of, { date: found.data_as_of }), { class: "muted" }));
          var campaign = answers[1].document || {};
          var message = outreachNode.elements.message;
          if (!message.value) message.value = (lookup.getAttribute("data-type") === "call" ? campaign.script : campaign.template) || "";
          outreachNode.hidden = false;
        })
        .catch(function () {
          list.textContent = T.error_generic;
        });
    });

    outreachNode.querySelector("[data-copy]").addEventListener("click", function () {
      var message = outreachNode.elements.message;
      var copied = navigator.clipboard ? navigator.clipboard.writeText(message.value) : Promise.reject();
      copied
        .catch(function () {
          message.select();
          document.execCommand("copy");
        })
        .then(function () {
          outreach.status.textContent = T.copied;
        });
    });

    outreachNode.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!found) return;
      var body = outreach.payload();
      body.postal_code = found.postal_code;
      body.country = found.country || "US";
      body.targets = found.targets.map(function (target) {
        return target.id;
      });
      outreach.send(path(["advocacy-campaigns", slug, "outreaches"]), body, function (receipt) {
        var targets = (receipt && receipt.targets) || [];
        outreach.thank(format(T.recorded, { count: targets.length }));
        var ul = element("ul");
        targets.forEach(function (target) {
          var mail = target.email
            ? "mailto:" + target.email + "?subject=" + encodeURIComponent(target.subject || "") + "&body=" + encodeURIComponent(target.body || "")
            : "";
          ul.appendChild(
            targetItem(target, [
              { text: T.call + " " + (target.phone || ""), href: safeUrl(target.phone_url) },
              { text: T.contact_form, href: safeUrl(target.contact_form) },
              { text: T.send_by_email, href: mail },
            ])
          );
        });
        list.textContent = "";
        list.appendChild(ul);
      });
    });
  });

  // ---- charts ----
  var figures = document.querySelectorAll("figure[data-chart]");
  if (figures.length) {
    var slug = figures[0].getAttribute("data-campaign");
    request(path(["campaigns", slug, "tallies"]) + "?interval=day").then(function (answer) {
      if (!answer.response.ok || !answer.document) return;
      var tallies = answer.document;
      figures.forEach(function (figure) {
        var kind = figure.getAttribute("data-chart");
        var rows, options = { grouping: data.grouping, tableLabel: T.as_table, empty: T.no_data, valueHeading: T.col_count };
        if (kind === "series") {
          rows = tallies.series.map(function (point) {
            return { label: String(point.start).slice(0, 10), value: point.count };
          });
          options.kind = "columns";
          options.labelHeading = T.col_day;
        } else {
          rows = tallies.by_country.map(function (item) {
            return { label: C.countryName(item.code, data.lang, T.other), value: item.count };
          });
          options.kind = "bars";
          options.labelHeading = T.col_country;
        }
        C.draw(figure, rows, options);
      });
    });
  }
})();
