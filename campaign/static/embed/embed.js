/*
 * The one-line petition widget for partner sites:
 *   <script src="https://HOST/embed.js" data-petition="SLUG" async></script>
 * or, for a letter or call campaign to the reader's senators or representative:
 *   <script src="https://HOST/embed.js" data-advocacy="SLUG" async></script>
 * Options: data-lang ("en", "hy"), data-source (a partner code for the tallies),
 * data-title (the iframe's accessible name), data-width (CSS max-width, default 480px),
 * data-widget-key (the partner's public widget key, for the per-widget rate limit).
 * Inserts an iframe after the script and sizes it to the height the widget reports.
 * Several widgets on one page work; each script tag mounts one.
 */
(function () {
  "use strict";

  var registry = window.__campaignEmbed;
  if (!registry) {
    registry = window.__campaignEmbed = { frames: [] };
    // Heights are believed only from our own iframes, and only when sent from the API origin.
    window.addEventListener("message", function (event) {
      var message = event.data;
      if (!message || typeof message !== "object" || message.type !== "campaign-embed:resize") {
        return;
      }
      for (var i = 0; i < registry.frames.length; i++) {
        var frame = registry.frames[i];
        if (event.source === frame.iframe.contentWindow && event.origin === frame.origin) {
          var height = Number(message.height);
          if (isFinite(height) && height > 0) {
            frame.iframe.style.height = Math.min(Math.max(Math.ceil(height), 120), 4000) + "px";
          }
          return;
        }
      }
    });
  }

  function originOf(src) {
    try {
      return new URL(src, document.baseURI).origin;
    } catch (e) {
      return null;
    }
  }

  function mount(script) {
    var advocacy = script.getAttribute("data-advocacy");
    var slug = script.getAttribute("data-petition") || advocacy;
    var kind = script.getAttribute("data-petition") ? "petitions" : "advocacy";
    var origin = originOf(script.src);
    if (!slug || !origin || script.getAttribute("data-embedded")) return;
    script.setAttribute("data-embedded", "true");

    var params = [];
    function add(name, value) {
      if (value) params.push(name + "=" + encodeURIComponent(value));
    }
    add("lang", script.getAttribute("data-lang"));
    add("source", script.getAttribute("data-source"));
    add("key", script.getAttribute("data-widget-key"));
    add("referrer", String(document.location.href).split("#")[0].slice(0, 2048));

    var iframe = document.createElement("iframe");
    iframe.src =
      origin + "/embed/" + kind + "/" + encodeURIComponent(slug) + (params.length ? "?" + params.join("&") : "");
    iframe.title =
      script.getAttribute("data-title") || (kind === "petitions" ? "Petition: " : "Write or call: ") + slug;
    iframe.setAttribute("sandbox", "allow-scripts allow-forms allow-same-origin");
    iframe.style.cssText =
      "display:block;width:100%;height:520px;border:0;overflow:hidden;max-width:" +
      (script.getAttribute("data-width") || "480px");
    registry.frames.push({ iframe: iframe, origin: origin });
    script.parentNode.insertBefore(iframe, script.nextSibling);
  }

  if (document.currentScript) mount(document.currentScript);
  // Loaders that inject the tag can leave currentScript empty: mount any tag still waiting.
  var scripts = document.querySelectorAll("script[data-petition], script[data-advocacy]");
  for (var i = 0; i < scripts.length; i++) {
    if (/\/embed\.js(\?|$)/.test(scripts[i].src)) mount(scripts[i]);
  }
})();
