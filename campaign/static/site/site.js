/*
 * The campaign pages' forms and counters. Everything goes to the public API at data.api
 * (this origin unless the site is hosted elsewhere): signatures, sign-ups, the advocacy
 * lookup and outreach, and the tallies the counters and charts show. No cookies, no storage.
 */
(function () {
  "use strict";

  var F = window.CampaignPage;
  var data = JSON.parse(document.getElementById("site-data").textContent);
  var T = data.strings;
  var C = window.CampaignCharts;
  var format = F.format;
  var element = F.element;

  function number(n) {
    return F.grouped(n, data.grouping);
  }
  function path(parts) {
    return F.apiPath(data.api, parts);
  }
  function read(url) {
    // Revalidated: a count must not come from a stale copy.
    return F.call(url, { cache: "no-cache" });
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
    return read(path(["petitions", slug, "tally"])).then(function (answer) {
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
    return F.markField(this.form.elements[name], document.getElementById(this.prefix + "-" + name + "-error"), message);
  };
  Form.prototype.clear = function () {
    var self = this;
    this.names().forEach(function (name) {
      self.fieldError(name, "");
    });
    if (this.alert) this.alert.textContent = "";
  };
  Form.prototype.validate = function () {
    var ok = F.checkFields(this.form, this.names(), T, this.fieldError.bind(this));
    if (!ok) this.fail(T.error_fields);
    return ok;
  };
  Form.prototype.fail = function (message) {
    F.alertAt(this.form, this.alert, message);
  };
  Form.prototype.payload = function () {
    var payload = F.typed(this.form, this.names());
    if (this.form.elements.consent) payload.consent = this.form.elements.consent.checked;
    if (/^https?:/.test(location.href)) payload.referrer = location.href.split("#")[0].slice(0, 2048);
    return payload;
  };
  Form.prototype.problem = function (answer) {
    // The API's own detail says what a field error the form cannot show is about.
    this.fail(F.refusal(answer, T, this.fieldError.bind(this), { grouping: data.grouping, detail: true }));
  };
  Form.prototype.send = function (url, body, done) {
    var self = this;
    this.clear();
    if (!this.validate()) return;
    F.post(
      this.button,
      T.sending,
      url,
      { body: body || this.payload() },
      function (answer) {
        if (answer.response.ok) done(answer.document);
        else self.problem(answer);
      },
      function () {
        self.fail(T.error_generic);
      }
    );
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
      Promise.all([read(url), details || read(path(["advocacy-campaigns", slug]))])
        .then(function (answers) {
          var lookupAnswer = answers[0];
          details = Promise.resolve(answers[1]);
          list.textContent = "";
          if (!lookupAnswer.response.ok) {
            list.hidden = true;
            return finder.problem(lookupAnswer);
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
    read(path(["campaigns", slug, "tallies"]) + "?interval=day").then(function (answer) {
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
