// The reference front end: renders pages from the CMS's JSON API alone. No build step.
// Copy freely: one function per block type, routing by URL path through pages/find.

const API = (window.API_URL || "http://127.0.0.1:8000").replace(/\/$/, "");
// The Wagtail admin that frames previews (its preview panel); by default on the API's host.
const ADMIN_ORIGIN = new URL(window.ADMIN_URL || API).origin;
const LANGUAGE_NAMES = { en: "English", fr: "Français", de: "Deutsch", "zh-hans": "中文", cs: "Čeština" };

const main = document.getElementById("app");
const languages = document.querySelector(".languages");
const previewBanner = document.querySelector(".preview-banner");

// --- HTML helpers: every interpolated value is escaped unless it is wrapped in raw() ---
const escapeHTML = (value) =>
  String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const raw = (value) => ({ __html: value ?? "" });
function html(strings, ...values) {
  return strings.reduce((out, string, i) => {
    const value = values[i - 1];
    const text = Array.isArray(value)
      ? value.join("")
      : value && value.__html !== undefined
        ? value.__html
        : escapeHTML(value);
    return out + text + string;
  });
}

// --- API ---
class APIError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

// cache: "no-cache": the browser revalidates every answer it holds (a 304 when unchanged). The
// API allows stale-while-revalidate for shared caches, which a browser would otherwise apply
// too, showing a page as it was before a publish for one more load.
async function getJSON(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-cache" });
  } catch {
    throw new APIError(`The content service at ${API} cannot be reached.`, 0);
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new APIError(data.message || response.statusText, response.status);
  return data;
}

// pages/find answers with a redirect to the page's detail URL; fetch follows it.
function fetchPage(path, query) {
  if (path === "/preview" || path === "/preview/") {
    const token = query.get("preview_token") || "";
    return getJSON(`${API}/api/v2/preview/?preview_token=${encodeURIComponent(token)}`);
  }
  return getJSON(`${API}/api/v2/pages/find/?html_path=${encodeURIComponent(path)}`);
}

// --- Images: <picture> with AVIF and WebP sources, JPEG fallback, from the rendition data ---
function picture(image, { sizes, eager = false } = {}) {
  if (!image) return "";
  const srcset = image.srcset || {};
  const sizesAttr = sizes || image.sizes || "100vw";
  const sources = ["avif", "webp"]
    .filter((format) => srcset[format])
    .map((format) => html`<source type="image/${format}" srcset="${srcset[format]}" sizes="${sizesAttr}">`);
  const src = image.src || image;
  return html`<picture>${sources}<img src="${src.url}" srcset="${srcset.jpeg || ""}"
    sizes="${sizesAttr}" width="${src.width}" height="${src.height}" alt="${image.alt}"
    loading="${eager ? "eager" : "lazy"}"></picture>`;
}

function figure(image, caption, options) {
  if (!image) return "";
  const credit = image.credit ? html`<small class="credit">${image.credit}</small>` : "";
  return html`<figure>${raw(picture(image, options))}
    <figcaption>${caption || image.caption || ""} ${raw(credit)}</figcaption></figure>`;
}

// --- Translation fallbacks: an item missing in the page's language comes in the default
// language with `fallback: true`. Mark its language (screen readers, hyphenation, search) and say so.
const NOT_TRANSLATED = {
  en: "Not yet translated", fr: "Pas encore traduit", de: "Noch nicht übersetzt",
  "zh-hans": "尚未翻译", cs: "Zatím nepřeloženo",
};
const langOf = (item) => raw(item?.fallback ? html` lang="${item.locale}"` : "");
function untranslated(item) {
  if (!item?.fallback) return "";
  const pageLang = document.documentElement.lang; // the note is in the reader's language
  return raw(html`<small class="untranslated" lang="${pageLang}">${NOT_TRANSLATED[pageLang] || NOT_TRANSLATED.en}</small>`);
}

// --- Blocks: one renderer per StreamField block type (the "type" key in the JSON) ---
const blocks = {
  section: (v) => html`<section class="section"><h2>${v.heading}</h2>${raw(v.text)}</section>`,
  paragraph: (v) => html`<div class="paragraph">${raw(v)}</div>`,
  image: (v) => figure(v.image, v.caption),
  key_figure: (v) => html`<p class="key-figure"><strong>${v.figure}</strong>
    <span class="label">${v.label}</span> <span class="context">${v.context}</span></p>`,
  call_to_action: (v) => {
    const internal = !v.external && v.page;
    const hreflang = internal && v.page.fallback ? html` hreflang="${v.page.locale}"` : "";
    return html`<p class="cta"><a class="button" href="${internal ? v.page.path : v.url}"
      ${raw(internal ? "data-link" : 'rel="noopener"')}${raw(hreflang)}>${v.label}</a>
      ${internal ? untranslated(v.page) : ""}</p>`;
  },
  partner_cities: (v) => html`<section class="partner-cities"><h2>${v.heading}</h2>
    <ol class="timeline">${v.cities.map(partnerCity)}</ol></section>`,
  networks: (v) => html`<section class="networks"><h2>${v.heading}</h2>
    <ul class="cards">${v.networks.map(network)}</ul></section>`,
  case_study_teasers: (v) => html`<section class="teasers"><h2>${v.heading}</h2>
    <ul class="cards">${v.case_studies.items.map(teaser)}</ul></section>`,
};

function partnerCity(city) {
  const when = city.year_signed || city.period;
  const agreements = (city.agreements || []).map(
    (a) => html`<li class="agreement ${a.status}">${a.title}: ${a.status}${a.date ? ` (${a.date.slice(0, a.date_precision === "year" ? 4 : a.date_precision === "month" ? 7 : 10)})` : ""}</li>`,
  );
  return html`<li class="partner-city" data-country="${city.country}"${langOf(city)}>
    <span class="year">${when}</span>
    <div><h3>${city.name} <small>${city.country}</small></h3>${untranslated(city)}<p>${city.summary}</p>
    <ul class="agreements">${agreements}</ul></div></li>`;
}

function network(n) {
  const counts = [n.member_city_count && `${n.member_city_count} cities`, n.country_count && `${n.country_count} countries`]
    .filter(Boolean)
    .join(", ");
  const name = n.url ? html`<a href="${n.url}" rel="noopener">${n.name}</a>` : escapeHTML(n.name);
  return html`<li class="card network"${langOf(n)}><h3>${raw(name)}</h3>${untranslated(n)}<p class="role">${n.role}</p>
    <p>${n.summary}</p><p class="counts">${counts}</p></li>`;
}

function teaser(t) {
  const thumbnail = t.thumbnail
    ? html`<img src="${t.thumbnail.url}" width="${t.thumbnail.width}" height="${t.thumbnail.height}" alt="${t.thumbnail.alt}" loading="lazy">`
    : "";
  return html`<li class="card teaser"${langOf(t)}><a href="${t.path}" data-link>${raw(thumbnail)}
    <h3>${t.title}</h3></a>${untranslated(t)}<p>${t.summary}</p></li>`;
}

function renderBody(body = []) {
  return body
    .map((block) => {
      const render = blocks[block.type];
      if (!render) console.warn(`No renderer for block type "${block.type}"`);
      return render ? render(block.value) : "";
    })
    .join("");
}

// --- Pages: one renderer per page type (meta.type) ---
function breadcrumbs(meta) {
  if (!meta.breadcrumbs?.length) return "";
  return html`<nav class="breadcrumbs" aria-label="Breadcrumbs"><ol>${meta.breadcrumbs.map(
    (b) => html`<li><a href="${b.path}" data-link>${b.title}</a></li>`,
  )}</ol></nav>`;
}

// The hub's latest case studies (meta.case_study_teasers), for a hub whose body has no teasers
// block: a newly published case study shows up on the hub either way.
const CASE_STUDIES = {
  en: "Case studies", fr: "Études de cas", de: "Fallstudien", "zh-hans": "案例研究", cs: "Případové studie",
};
function latestTeasers(page) {
  const teasers = page.meta.case_study_teasers;
  if (!teasers?.items.length || (page.body || []).some((b) => b.type === "case_study_teasers")) return "";
  const heading = CASE_STUDIES[page.meta.locale] || CASE_STUDIES.en;
  return blocks.case_study_teasers({ heading, case_studies: teasers });
}

const pages = {
  "pages.HubPage": (page) => html`<article class="hub">
    <h1>${page.title}</h1><p class="introduction">${page.introduction}</p>
    ${raw(figure(page.hero_image, page.hero_caption, { eager: true }))}
    ${raw(renderBody(page.body))}${raw(latestTeasers(page))}</article>`,
  "pages.CaseStudyPage": (page) => {
    const city = page.related_partner_city;
    const more = page.find_out_more_url
      ? html`<p class="cta"><a class="button" href="${page.find_out_more_url}" rel="noopener">${page.find_out_more_label}</a></p>`
      : "";
    const organisations = (page.partner_organisations || []).map(
      (o) => html`<li>${o.url ? raw(html`<a href="${o.url}" rel="noopener">${o.name}</a>`) : o.name}</li>`,
    );
    return html`<article class="case-study">${raw(breadcrumbs(page.meta))}
      <h1>${page.title}</h1><p class="introduction">${page.summary}</p>
      ${raw(figure(page.hero_image, "", { eager: true }))}
      <ul class="themes">${(page.themes || []).map((t) => html`<li>${t}</li>`)}</ul>
      ${raw(renderBody(page.body))}
      ${raw(city ? html`<aside class="card"${langOf(city)}><h2>Partner city: ${city.name}</h2>${untranslated(city)}<p>${city.summary}</p></aside>` : "")}
      ${raw(organisations.length ? html`<h2>Partner organisations</h2><ul>${organisations}</ul>` : "")}
      ${raw(more)}</article>`;
  },
  // Snippets come only as previews (the admin's Preview of a partner city or network): shown
  // the way the hub shows them, so the editor sees the draft in place.
  "pages.PartnerCity": (city) => html`<article class="snippet-preview">
    <h1>Partner city: ${city.name}</h1>${raw(figure(city.image, "", { eager: true }))}
    <section class="partner-cities"><ol class="timeline">${raw(partnerCity(city))}</ol></section></article>`,
  "pages.Network": (n) => html`<article class="snippet-preview">
    <h1>Network: ${n.name}</h1>${raw(figure(n.image, "", { eager: true }))}
    <section class="networks"><ul class="cards">${raw(network(n))}</ul></section></article>`,
};

function renderLanguages(meta) {
  const current = { locale: meta.locale, path: meta.path };
  const all = [current, ...(meta.translations || [])].sort((a, b) => a.locale.localeCompare(b.locale));
  languages.innerHTML =
    all.length > 1
      ? all
          .map((t) =>
            t.locale === meta.locale
              ? html`<span aria-current="true" lang="${t.locale}">${LANGUAGE_NAMES[t.locale] || t.locale}</span>`
              : html`<a href="${t.path}" hreflang="${t.locale}" lang="${t.locale}" data-link>${LANGUAGE_NAMES[t.locale] || t.locale}</a>`,
          )
          .join("")
      : "";
}

function renderError(error, path) {
  languages.innerHTML = "";
  document.title = "Sorry";
  if (error.status === 404) {
    main.innerHTML = html`<div class="message" role="alert"><h1>Page not found</h1>
      <p>There is no page at <code>${path}</code>.</p><p><a href="/" data-link>Go to the home page</a></p></div>`;
  } else if (path.startsWith("/preview")) {
    main.innerHTML = html`<div class="message" role="alert"><h1>Preview unavailable</h1>
      <p>${error.message}</p></div>`;
  } else if (error.status === 0) {
    main.innerHTML = html`<div class="message" role="alert"><h1>Content unavailable</h1>
      <p>${error.message} Check that it is running, then reload this page.</p></div>`;
  } else {
    main.innerHTML = html`<div class="message" role="alert"><h1>Something went wrong</h1>
      <p>${error.message} (${error.status})</p></div>`;
  }
}

async function render() {
  const path = location.pathname;
  const isPreview = path.replace(/\/$/, "") === "/preview";
  previewBanner.hidden = !isPreview;
  try {
    const page = await fetchPage(path, new URLSearchParams(location.search));
    const renderPage = pages[page.meta.type];
    document.documentElement.lang = page.meta.locale;
    document.title = page.meta.seo_title || page.title || page.name;
    main.innerHTML = renderPage ? renderPage(page) : html`<h1>${page.title || page.name}</h1>`;
    renderLanguages({ translations: [], ...page.meta });
  } catch (error) {
    if (!(error instanceof APIError)) throw error;
    renderError(error, path);
  }
}

// --- Wagtail's preview panel: it frames /preview and swaps in a new frame on every refresh ---
// Before the swap it asks the new frame to take over the old frame's scroll position; a frame
// that never answers makes the admin wait 10 s per refresh (PreviewController's
// scrollRestoreTimeout), so live preview would lag behind the editor's typing.
const inPreviewPanel = window.parent !== window;
const windowLoaded = new Promise((resolve) =>
  document.readyState === "complete" ? resolve() : window.addEventListener("load", resolve, { once: true }),
);
const toAdmin = (message) =>
  window.parent.postMessage({ wagtail: { ...message, origin: location.origin } }, ADMIN_ORIGIN);

// Wagtail's userbar (below) answers these itself once it is loaded.
const hasUserbar = () => Boolean(window.wagtail?.userbar);

window.addEventListener("message", (event) => {
  const message = event.data?.wagtail;
  if (!inPreviewPanel || hasUserbar() || event.source !== window.parent) return;
  if (event.origin !== ADMIN_ORIGIN || !message) return;
  if (message.type === "w-preview:get-scroll-position") {
    toAdmin({ type: "w-preview:set-scroll-position", x: window.scrollX, y: window.scrollY });
  } else if (message.type === "w-preview:set-scroll-position") {
    window.scrollTo({ top: message.y, left: message.x, behavior: "instant" });
  }
});

// Internal links (data-link) change the URL without reloading; back/forward re-render.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-link]");
  if (!link || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  if (link.pathname !== location.pathname) history.pushState({}, "", link.pathname);
  window.scrollTo(0, 0);
  render();
});
window.addEventListener("popstate", render);

// Wagtail's userbar on a preview: its content checker (axe) tests what the front end drew, for
// the admin's Checks panel (in the preview panel) or for the editor (in a preview tab).
async function loadWagtailUserbar() {
  const query = new URLSearchParams({
    preview_token: new URLSearchParams(location.search).get("preview_token") || "",
    in_preview_panel: String(inPreviewPanel),
  });
  const { html } = await getJSON(`${API}/api/v2/preview/userbar/?${query}`);
  const holder = document.createElement("div");
  holder.innerHTML = html;
  for (const node of [...holder.childNodes]) {
    if (node.nodeName !== "SCRIPT") {
      document.body.append(node);
      continue;
    }
    const script = document.createElement("script"); // inserted HTML does not run scripts
    script.src = node.src;
    script.async = false; // in order: vendor.js, then userbar.js
    const loaded = new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = reject;
    });
    document.body.append(script);
    await loaded;
  }
}

// The admin listens for "request-scroll" once the frame has loaded; ask when the draft is drawn.
render().finally(async () => {
  await windowLoaded;
  if (!location.pathname.startsWith("/preview")) return;
  try {
    await loadWagtailUserbar(); // the userbar hands the scroll position over itself
  } catch (error) {
    console.warn("Wagtail's userbar could not be loaded", error);
  }
  if (inPreviewPanel && !hasUserbar()) toAdmin({ type: "w-preview:request-scroll" });
});
