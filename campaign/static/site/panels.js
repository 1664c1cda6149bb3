/*
 * The dashboard's panels: totals, charts, milestones, outreach, prisoners, exports,
 * invalidation and webhooks, drawn from organizer API answers. organize.js owns the token
 * and the calls, and hands in what the panels need (ui).
 */
window.DashboardPanels = function (ui) {
  "use strict";

  var T = ui.T, C = ui.C, data = ui.data, scopes = ui.scopes;
  var el = ui.el, call = ui.call, path = ui.path, number = ui.number, format = ui.format;
  var act = ui.act, confirmStep = ui.confirmStep, refused = ui.refused, say = ui.say;
  var load = ui.load;

  function section(parent, title) {
    var s = el("section");
    var id = "s-" + Math.random().toString(36).slice(2);
    s.setAttribute("aria-labelledby", id);
    s.appendChild(el("h3", title, { id: id }));
    parent.appendChild(s);
    return s;
  }

  function tableOf(headings, rows) {
    var wrap = el("div", null, { class: "table-scroll" });
    var t = el("table");
    var head = t.createTHead().insertRow();
    headings.forEach(function (h) {
      head.appendChild(el("th", h, { scope: "col" }));
    });
    var body = t.createTBody();
    rows.forEach(function (cells) {
      var tr = body.insertRow();
      cells.forEach(function (cell, i) {
        var td = i === 0 ? el("th", null, { scope: "row" }) : tr.insertCell();
        if (i === 0) tr.appendChild(td);
        if (cell instanceof Node) td.appendChild(cell);
        else {
          td.textContent = typeof cell === "number" ? number(cell) : cell;
          if (typeof cell === "number") td.className = "num";
        }
      });
    });
    wrap.appendChild(t);
    return wrap;
  }

  function button(text, onClick, cls) {
    var b = el("button", text, { type: "button", class: cls || "small" });
    b.addEventListener("click", onClick);
    return b;
  }

  function chart(parent, caption, rows, kind, labelHeading) {
    var figure = el("figure", null, { class: "chart", "data-chart": caption });
    figure.appendChild(el("figcaption", caption));
    parent.appendChild(figure);
    C.draw(figure, rows, {
      kind: kind,
      grouping: data.grouping,
      tableLabel: T.as_table,
      empty: T.no_data,
      labelHeading: labelHeading,
      valueHeading: T.col_count,
    });
  }

  function totals(parent, campaign, counts, tallies) {
    var s = section(parent, T.totals);
    var rows = campaign.petitions.map(function (p, i) {
      var c = counts[i].document || {};
      var actions = el("span", null, { class: "actions" });
      if (scopes.manage) {
        var closing = p.status === "active";
        actions.appendChild(
          button(closing ? T.close : T.reopen, function () {
            act(format(T.confirm_action, { action: closing ? T.close : T.reopen, subject: p.title }), null, function () {
              return call(path(["petitions", p.slug]), { method: "PATCH", body: { status: closing ? "closed" : "active" } });
            });
          })
        );
        actions.appendChild(
          button(T.set_goal, function () {
            var label = el("label", format(T.new_goal, { title: p.title }), { for: "new-goal" });
            var input = el("input", null, { id: "new-goal", type: "number", min: "0", value: String(p.goal) });
            var box = el("div", null, { class: "field" });
            box.appendChild(label);
            box.appendChild(input);
            act(format(T.confirm_action, { action: T.set_goal, subject: p.title }), box, function () {
              return call(path(["petitions", p.slug]), { method: "PATCH", body: { goal: Number(input.value) } });
            });
          })
        );
      }
      var row = [p.title, p.status || "", c.signature_count !== undefined ? c.signature_count : p.signature_count, c.pending_count !== undefined ? c.pending_count : "", p.goal];
      if (scopes.manage) row.push(actions);
      return row;
    });
    rows.push([T.campaign_total, campaign.status, tallies.signature_count, "", campaign.goal].concat(scopes.manage ? [""] : []));
    var headings = [T.col_petition, T.col_status, T.col_confirmed, T.col_pending, T.col_goal];
    if (scopes.manage) headings.push(T.col_actions);
    s.appendChild(tableOf(headings, rows));
    s.appendChild(el("p", T.signups + ": " + number(tallies.signup_count) + " · " + T.people + ": " + number(tallies.people_count)));
  }

  function charts(parent, hourly, daily) {
    var s = section(parent, T.charts);
    var grid = el("div", null, { class: "chart-grid" });
    s.appendChild(grid);
    chart(grid, T.per_hour, hourly.series.map(function (p) { return { label: String(p.start).slice(0, 13).replace("T", " ") + ":00", value: p.count }; }), "columns", T.col_hour);
    chart(grid, T.per_day, daily.series.map(function (p) { return { label: String(p.start).slice(0, 10), value: p.count }; }), "columns", T.col_day);
    chart(grid, T.by_source, daily.by_source.map(function (p) { return { label: p.source || T.direct, value: p.count }; }), "bars", T.col_source);
    chart(grid, T.by_country, daily.by_country.map(function (p) { return { label: C.countryName(p.code, data.lang, T.other), value: p.count }; }), "bars", T.col_country);
    chart(grid, T.by_region, daily.by_region.map(function (p) { return { label: p.code === "other" ? T.other : p.code, value: p.count }; }), "bars", T.col_region);
    var m = section(parent, T.milestones);
    if (!daily.milestones.length) m.appendChild(el("p", "—", { class: "muted" }));
    else {
      var ul = el("ul");
      daily.milestones.forEach(function (item) {
        ul.appendChild(el("li", format(T.milestone_item, { count: number(item.threshold), petition: item.petition }) + " — " + String(item.reached_at).slice(0, 16).replace("T", " ")));
      });
      m.appendChild(ul);
    }
  }

  function outreach(parent, campaign) {
    var s = section(parent, T.outreach);
    var items = campaign.advocacy_campaigns || [];
    if (!items.length) {
      s.appendChild(el("p", T.no_outreach, { class: "muted" }));
      return Promise.resolve();
    }
    return Promise.all(items.map(function (a) { return call(path(["advocacy-campaigns", a.slug, "report"])); })).then(function (answers) {
      answers.forEach(function (answer, i) {
        s.appendChild(el("h4", items[i].title));
        if (!answer.response.ok) return refused(answer);
        var targets = answer.document.targets || [];
        s.appendChild(tableOf([T.col_target, T.col_letters, T.col_calls, T.col_total], targets.map(function (t) {
          return [[t.name, t.title, t.state].filter(Boolean).join(", "), t.letters, t.calls, t.total];
        })));
        var grid = el("div", null, { class: "chart-grid" });
        s.appendChild(grid);
        chart(grid, items[i].title, targets.map(function (t) { return { label: t.name, value: t.total }; }), "bars", T.col_target);
      });
    });
  }

  function prisoners(parent, campaign) {
    if (!scopes.manage || !campaign.prisoners.length) return;
    var s = section(parent, T.prisoners);
    s.appendChild(tableOf([T.prisoners, T.col_status, T.col_actions], campaign.prisoners.map(function (p) {
      var released = p.status === "released";
      var action = released ? T.mark_detained : T.mark_released;
      return [p.name, released ? T.status_released : T.status_detained, button(action, function () {
        act(format(T.confirm_action, { action: action, subject: p.name }), null, function () {
          return call(path(["campaigns", campaign.slug, "prisoners", p.slug]), { method: "PATCH", body: { status: released ? "detained" : "released" } });
        });
      })];
    })));
  }

  function download(url, filename) {
    call(url, { raw: true, accept: "text/csv" }).then(function (answer) {
      if (!answer.response.ok) return window.CampaignPage.answer(answer.response).then(refused);
      return answer.response.blob().then(function (blob) {
        var a = el("a", null, { href: URL.createObjectURL(blob), download: filename });
        document.body.appendChild(a);
        a.click();
        a.remove();
        window.setTimeout(function () { URL.revokeObjectURL(a.href); }, 10000);
      });
    });
  }

  function exportsSection(parent, campaign) {
    if (!scopes.export) return;
    var s = section(parent, T.exports);
    var p = el("p", null, { class: "actions" });
    campaign.petitions.forEach(function (petition) {
      p.appendChild(button(format(T.export_signatures, { title: petition.title }), function () {
        download(path(["petitions", petition.slug, "signatures.csv"]), petition.slug + "-signatures.csv");
      }, "secondary small"));
    });
    p.appendChild(button(T.export_signups, function () {
      download(path(["campaigns", campaign.slug, "signups.csv"]), campaign.slug + "-signups.csv");
    }, "secondary small"));
    s.appendChild(p);
  }

  function field(form, id, label, input) {
    var box = el("div", null, { class: "field" });
    box.appendChild(el("label", label, { for: id }));
    input.id = id;
    box.appendChild(input);
    form.appendChild(box);
    return input;
  }

  function invalidation(parent, campaign) {
    if (!scopes.manage) return;
    var s = section(parent, T.invalidate);
    s.appendChild(el("p", T.invalidate_intro));
    var form = el("form", null, { class: "card", novalidate: "" });
    var row = el("div", null, { class: "row" });
    form.appendChild(row);
    var key = campaign.slug;
    var petition = field(row, key + "-inv-petition", T.col_petition, el("select"));
    campaign.petitions.forEach(function (p) { petition.appendChild(el("option", p.title, { value: p.slug })); });
    var domain = field(row, key + "-inv-domain", T.email_domain, el("input", null, { type: "text", placeholder: "example.org" }));
    var source = field(row, key + "-inv-source", T.source, el("input", null, { type: "text" }));
    var after = field(row, key + "-inv-after", T.created_after, el("input", null, { type: "date" }));
    var before = field(row, key + "-inv-before", T.created_before, el("input", null, { type: "date" }));
    var result = el("p", null, { role: "status", class: "status" });
    function filters() {
      var f = {};
      if (domain.value.trim()) f.email_domain = domain.value.trim();
      if (source.value.trim()) f.source = source.value.trim();
      if (after.value) f.created_after = after.value + "T00:00:00Z";
      if (before.value) f.created_before = before.value + "T00:00:00Z";
      return f;
    }
    function send(dry) {
      var body = filters();
      if (dry) body.dry_run = true;
      return call(path(["petitions", petition.value, "signatures", "invalidate"]), { method: "POST", body: body });
    }
    var actions = el("p", null, { class: "actions" });
    actions.appendChild(button(T.preview, function () {
      send(true).then(function (answer) {
        if (!answer.response.ok) return refused(answer);
        result.textContent = format(T.matching, { count: number(answer.document.matching) });
      });
    }, "secondary"));
    actions.appendChild(button(T.invalidate, function () {
      send(true).then(function (answer) {
        if (!answer.response.ok) return refused(answer);
        var text = format(T.matching, { count: number(answer.document.matching) }) + " " + format(T.confirm_action, { action: T.invalidate, subject: petition.options[petition.selectedIndex].text });
        return confirmStep(text).then(function (ok) {
          if (!ok) return;
          return send(false).then(function (done) {
            if (!done.response.ok) return refused(done);
            say(format(T.invalidated, { count: number(done.document.invalidated) }));
            return load();
          });
        });
      });
    }, ""));
    form.appendChild(actions);
    form.appendChild(result);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    s.appendChild(form);
  }

  function webhooks(parent, answer) {
    if (!scopes.manage || !answer) return;
    var s = section(parent, T.webhooks);
    var list = (answer.document && answer.document.data) || [];
    if (!list.length) return s.appendChild(el("p", T.no_webhooks, { class: "muted" }));
    s.appendChild(tableOf([T.col_url, T.col_last_status, T.col_failures], list.map(function (w) {
      return [w.url, w.last_status === null || w.last_status === undefined ? (w.last_error || "—") : String(w.last_status), w.failures];
    })));
  }

  return {
    totals: totals,
    charts: charts,
    outreach: outreach,
    prisoners: prisoners,
    exportsSection: exportsSection,
    invalidation: invalidation,
    webhooks: webhooks,
  };
};
