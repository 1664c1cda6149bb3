/*
 * The organizer dashboard. The token lives in sessionStorage only (never localStorage, a
 * cookie, a URL or a log) and goes to the API only as "Authorization: Bearer". What the
 * token's scopes cannot do is not shown; a wrong or revoked token is said so plainly.
 */
(function () {
  "use strict";

  var F = window.CampaignPage;
  var data = JSON.parse(document.getElementById("site-data").textContent);
  var T = data.strings;
  var C = window.CampaignCharts;
  var KEY = "campaign.organizerToken";
  var FAR_FUTURE = "2999-01-01T00:00:00Z";

  var tokenForm = document.getElementById("token-form");
  var tokenAlert = document.getElementById("token-alert");
  var board = document.getElementById("dashboard");
  var statusEl = document.getElementById("dash-status");
  var root = document.getElementById("campaigns");
  var dialog = document.getElementById("confirm");
  var token = null;
  var scopes = {};

  var format = F.format;
  var el = F.element;

  function number(n) {
    return F.grouped(n, data.grouping);
  }
  function path(parts) {
    return F.apiPath(data.api, parts);
  }

  // Organizer answers are never cached: each is for this token only.
  function call(url, options) {
    options = options || {};
    return F.call(url, {
      method: options.method,
      body: options.body,
      accept: options.accept,
      raw: options.raw,
      cache: "no-store",
      headers: { Authorization: "Bearer " + token },
    }).then(function (answer) {
      if (answer.response.status === 401) signOut(T.bad_token);
      return answer;
    });
  }

  function refused(answer) {
    var problem = answer.document || {};
    var detail = problem.detail || problem.title || String(answer.response.status);
    if (problem.errors) {
      detail += " " + Object.keys(problem.errors).map(function (k) {
        return k + ": " + [].concat(problem.errors[k]).join(" ");
      }).join("; ");
    }
    say(format(T.api_refused, { detail: detail }));
  }

  function say(message) {
    statusEl.textContent = "";
    // A fresh text node makes screen readers announce a repeat of the same words.
    window.setTimeout(function () {
      statusEl.textContent = message;
    }, 50);
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    token = null;
    board.hidden = true;
    root.textContent = "";
    tokenForm.hidden = false;
    tokenAlert.textContent = message || "";
    tokenForm.elements.token.focus();
  }

  // ---- confirmation ----
  function confirmStep(text, extra) {
    document.getElementById("confirm-text").textContent = text;
    var slot = document.getElementById("confirm-extra");
    slot.textContent = "";
    if (extra) slot.appendChild(extra);
    dialog.returnValue = "";
    dialog.showModal();
    return new Promise(function (resolve) {
      dialog.addEventListener(
        "close",
        function () {
          resolve(dialog.returnValue === "ok");
        },
        { once: true }
      );
    });
  }

  function act(text, extra, send) {
    return confirmStep(text, extra).then(function (ok) {
      if (!ok) return;
      return send().then(function (answer) {
        if (answer.response.ok) {
          say(T.done);
          return load();
        }
        refused(answer);
      });
    });
  }

  // ---- scopes ----
  function probe(campaigns) {
    var petition = campaigns.length && campaigns[0].petitions.length ? campaigns[0].petitions[0].slug : "none";
    var checks = {
      read: call(path(["petitions", petition, "signatures"]) + "?limit=1", { raw: true }),
      export: call(path(["petitions", petition, "signatures.csv"]) + "?since=" + FAR_FUTURE, { method: "HEAD", raw: true }),
      manage: call(path(["webhooks"]), { raw: true }),
    };
    var names = Object.keys(checks);
    return Promise.all(names.map(function (n) { return checks[n]; })).then(function (answers) {
      var result = { valid: true };
      answers.forEach(function (answer, i) {
        if (answer.response.status === 401) result.valid = false;
        // 404 means the scope was granted (the check runs first) but the petition is gone.
        result[names[i]] = answer.response.status !== 401 && answer.response.status !== 403;
      });
      return result;
    });
  }

  var panels = window.DashboardPanels({
    T: T,
    C: C,
    data: data,
    scopes: scopes,
    el: el,
    call: call,
    path: path,
    number: number,
    format: format,
    act: act,
    confirmStep: confirmStep,
    refused: refused,
    say: say,
    load: function () {
      return load();
    },
  });

  // ---- loading ----
  function campaignBlock(campaign, hooks) {
    var block = el("section", null, { class: "campaign-block", "data-campaign": campaign.slug });
    block.appendChild(el("h2", campaign.title));
    var tallyUrl = path(["campaigns", campaign.slug, "tallies"]);
    var counts = campaign.petitions.map(function (p) {
      return scopes.read ? call(path(["petitions", p.slug, "confirmation"])) : Promise.resolve({ response: {}, document: null });
    });
    return Promise.all([call(tallyUrl + "?interval=hour"), call(tallyUrl + "?interval=day")].concat(counts)).then(function (answers) {
      var hourly = answers[0], daily = answers[1];
      if (!daily.response.ok) return refused(daily);
      panels.totals(block, campaign, answers.slice(2), daily.document);
      panels.charts(block, hourly.document, daily.document);
      panels.prisoners(block, campaign);
      panels.exportsSection(block, campaign);
      panels.invalidation(block, campaign);
      panels.webhooks(block, hooks);
      return panels.outreach(block, campaign).then(function () {
        return block;
      });
    });
  }

  function load() {
    return call(path(["campaigns"])).then(function (answer) {
      if (!token) return;
      if (!answer.response.ok) return refused(answer);
      var campaigns = answer.document.data;
      return probe(campaigns).then(function (found) {
        if (!found.valid) return signOut(T.bad_token);
        Object.keys(found).forEach(function (key) {
          scopes[key] = found[key];
        });
        tokenForm.hidden = true;
        board.hidden = false;
        var hooks = scopes.manage ? call(path(["webhooks"])) : Promise.resolve(null);
        return hooks.then(function (hookAnswer) {
          return Promise.all(campaigns.map(function (c) { return campaignBlock(c, hookAnswer); }));
        }).then(function (blocks) {
          root.textContent = "";
          blocks.forEach(function (block) { if (block) root.appendChild(block); });
          board.setAttribute("data-loaded", "true");
          if (statusEl.textContent === T.loading) statusEl.textContent = "";
        });
      });
    });
  }

  tokenForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = tokenForm.elements.token.value.trim();
    if (!value) {
      tokenAlert.textContent = T.error_required;
      return;
    }
    tokenAlert.textContent = "";
    token = value;
    tokenForm.elements.token.value = "";
    sessionStorage.setItem(KEY, value);
    statusEl.textContent = T.loading;
    load();
  });

  document.getElementById("sign-out").addEventListener("click", function () {
    signOut("");
  });

  token = sessionStorage.getItem(KEY);
  if (token) load();
})();
