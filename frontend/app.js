// @ts-check
// The reference front end: renders pages from the CMS's JSON API alone. No build step.
// Copy freely: one function per block type, routing by URL path through pages/find.
// Typed with JSDoc against types/api.d.ts (generated from /api/v2/openapi.json by `make types`);
// `make lint` runs tsc over this file, so a field name the API does not send fails the build.

/** @typedef {import("./types/api").components["schemas"]} Schemas */
/** A page as the detail, find and preview endpoints answer it. */
/** @typedef {Schemas["Page"] | Schemas["PagePreview"]} AnyPage */
/** @typedef {AnyPage | Schemas["PartnerCityPreview"] | Schemas["NetworkPreview"]} Shown what a path or a preview token shows */
/** @typedef {Schemas["HubBody"][number] | Schemas["CaseStudyBody"][number]} Block */
/** @typedef {Schemas["PartnerCity"]["agreements"][number]} Agreement */
/** @typedef {keyof typeof LANGUAGE_NAMES} Language */

const API = (window.API_URL || "http://127.0.0.1:8000").replace(/\/$/, "");
// The Wagtail admin that frames previews (its preview panel); by default on the API's host.
const ADMIN_ORIGIN = new URL(window.ADMIN_URL || API).origin;
const LANGUAGE_NAMES = { en: "English", fr: "Français", de: "Deutsch", "zh-hans": "中文", cs: "Čeština" };

/** @param {string} selector @returns {HTMLElement} */
function element(selector) {
  const found = document.querySelector(selector);
  if (!(found instanceof HTMLElement)) throw new Error(`index.html lacks ${selector}`);
  return found;
}
const main = element("#app");
const languages = element(".languages");
const previewBanner = element(".preview-banner");

/** The reader's language (the page's), for words the front end writes itself. */
/** @returns {Language} */
function readerLanguage() {
  const lang = document.documentElement.lang;
  return lang in LANGUAGE_NAMES ? /** @type {Language} */ (lang) : "en";
}

// --- HTML helpers: every interpolated value is escaped unless it is wrapped in raw() ---
/** @typedef {{ __html: string }} Raw */
/** @param {unknown} value */
const escapeHTML = (value) =>
  String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** @param {string | null | undefined} value @returns {Raw} */
const raw = (value) => ({ __html: value ?? "" });
/** @param {unknown} value @returns {value is Raw} */
const isRaw = (value) => typeof value === "object" && value !== null && "__html" in value;
/** @param {TemplateStringsArray} strings @param {unknown[]} values @returns {string} */
function html(strings, ...values) {
  return strings.reduce((out, string, i) => {
    const value = values[i - 1];
    const text = Array.isArray(value) ? value.join("") : isRaw(value) ? value.__html : escapeHTML(value);
    return out + text + string;
  });
}

// --- API ---
class APIError extends Error {
  /** @param {string} message @param {number} status */
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/** @param {string} url @returns {Promise<any>} the JSON, typed by the caller */
async function getJSON(url) {
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" } });
  } catch {
    throw new APIError(`The content service at ${API} cannot be reached.`, 0);
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new APIError(data.message || response.statusText, response.status);
  return data;
}

// pages/find answers with a redirect to the page's detail URL; fetch follows it. An old URL
// (a renamed or moved page, an editor's redirect) answers with where it went instead.
/** @param {string} path @param {URLSearchParams} query @returns {Promise<Shown | Schemas["Redirect"]>} */
function fetchPage(path, query) {
  if (path === "/preview" || path === "/preview/") {
    const token = query.get("preview_token") || "";
    return getJSON(`${API}/api/v2/preview/?preview_token=${encodeURIComponent(token)}`);
  }
  return getJSON(`${API}/api/v2/pages/find/?html_path=${encodeURIComponent(path)}`);
}

/** @param {Shown | Schemas["Redirect"]} answer @returns {answer is Schemas["Redirect"]} */
const isRedirect = (answer) => "location" in answer && "old_path" in answer;

/** Follow an old URL: a path of this front end in place (the history keeps the new one), any
 * other URL by leaving. @param {Schemas["Redirect"]} redirect @returns {Promise<void>} */
async function followRedirect(redirect) {
  if (redirect.location.startsWith("/")) {
    history.replaceState({}, "", redirect.location + location.search);
    await render();
  } else {
    location.replace(redirect.location);
  }
}

// --- Images: <picture> with AVIF and WebP sources, JPEG fallback, at the widths the layout
// needs, each made on request (/api/v2/images/<id>/resize/: a redirect to a signed URL) ---
/** Widths the layout uses: cards are 320 px wide (640 at 2x), the content column 960 px. */
const LAYOUT_WIDTHS = [320, 640, 960, 1200, 1920];
/** @param {number} id @param {string} format */
const sizedSrcset = (id, format) =>
  LAYOUT_WIDTHS.map((width) => `${API}/api/v2/images/${id}/resize/?width=${width}&format=${format} ${width}w`).join(", ");
/** @typedef {{ sizes?: string, eager?: boolean }} PictureOptions */
/** @param {Schemas["Image"] | null} image @param {PictureOptions} [options] */
function picture(image, { sizes, eager = false } = {}) {
  if (!image) return "";
  const sizesAttr = sizes || image.sizes || "100vw";
  const sources = /** @type {const} */ (["avif", "webp"])
    .filter((format) => image.srcset[format])
    .map((format) => html`<source type="image/${format}" srcset="${sizedSrcset(image.id, format)}" sizes="${sizesAttr}">`);
  const src = image.src;
  return html`<picture>${sources}<img src="${src.url}" srcset="${sizedSrcset(image.id, "jpeg")}"
    sizes="${sizesAttr}" width="${src.width}" height="${src.height}" alt="${image.alt}"
    loading="${eager ? "eager" : "lazy"}"></picture>`;
}

/** @param {Schemas["Image"] | null} image @param {string} caption @param {PictureOptions} [options] */
function figure(image, caption, options) {
  if (!image) return "";
  const credit = image.credit ? html`<small class="credit">${image.credit}</small>` : "";
  return html`<figure>${raw(picture(image, options))}
    <figcaption>${caption || image.caption || ""} ${raw(credit)}</figcaption></figure>`;
}

// --- Translation fallbacks: an item missing in the page's language comes in the default
// language with `fallback: true`. Mark its language (screen readers, hyphenation, search) and say so.
/** @type {Record<Language, string>} */
const NOT_TRANSLATED = {
  en: "Not yet translated", fr: "Pas encore traduit", de: "Noch nicht übersetzt",
  "zh-hans": "尚未翻译", cs: "Zatím nepřeloženo",
};
/** Anything the API may serve in the default language instead of the page's. */
/** @typedef {Schemas["PartnerCity"] | Schemas["Network"] | Schemas["Teaser"] | Schemas["PageLink"] | PartnerCityPreview | NetworkPreview} Translatable */
// Snippets (partner cities, networks) say it in `meta`, as at their own endpoints; page links
// and teasers at the top.
/** @param {Translatable} item @returns {{ locale: string, fallback: boolean }} */
const languageOf = (item) => ("meta" in item ? item.meta : item);
/** @param {Translatable} item */
const langOf = (item) => raw(languageOf(item).fallback ? html` lang="${languageOf(item).locale}"` : "");
/** @param {Translatable} item */
function untranslated(item) {
  if (!languageOf(item).fallback) return "";
  const pageLang = readerLanguage(); // the note is in the reader's language
  return raw(html`<small class="untranslated" lang="${pageLang}">${NOT_TRANSLATED[pageLang]}</small>`);
}

// An agreement's status is a code (the same in every language): the front end words it.
/** @type {Record<Language, Record<Agreement["status"], string>>} */
const AGREEMENT_STATUS = {
  en: { signed: "signed", "re-signed": "renewed", planned: "planned" },
  fr: { signed: "signé", "re-signed": "renouvelé", planned: "prévu" },
  de: { signed: "unterzeichnet", "re-signed": "erneuert", planned: "geplant" },
  "zh-hans": { signed: "已签署", "re-signed": "已续签", planned: "计划中" },
  cs: { signed: "podepsáno", "re-signed": "obnoveno", planned: "plánováno" },
};
/** An agreement's date, as precise as the source gives it. @param {Agreement} a */
const agreementDate = (a) =>
  a.date ? ` (${a.date.slice(0, a.date_precision === "year" ? 4 : a.date_precision === "month" ? 7 : 10)})` : "";

// --- Blocks: one renderer per StreamField block type (the "type" key in the JSON) ---
// Typed so that a block type the API adds without a renderer here fails tsc.
/** @type {{ [K in Block["type"]]: (value: Extract<Block, { type: K }>["value"]) => string }} */
const blocks = {
  section: (v) => html`<section class="section"><h2>${v.heading}</h2>${raw(v.text)}</section>`,
  paragraph: (v) => html`<div class="paragraph">${raw(v)}</div>`,
  image: (v) => figure(v.image, v.caption),
  key_figure: (v) => html`<p class="key-figure"><strong>${v.figure}</strong>
    <span class="label">${v.label}</span> <span class="context">${v.context}</span></p>`,
  call_to_action: (v) => {
    const internal = !v.external ? v.page : null;
    const hreflang = internal?.fallback ? html` hreflang="${internal.locale}"` : "";
    return html`<p class="cta"><a class="button" href="${internal ? internal.path : v.url}"
      ${raw(internal ? "data-link" : 'rel="noopener"')}${raw(hreflang)}>${v.label}</a>
      ${internal ? untranslated(internal) : ""}</p>`;
  },
  partner_cities: (v) => html`<section class="partner-cities"><h2>${v.heading}</h2>
    <ol class="timeline">${v.cities.map(partnerCity)}</ol></section>`,
  networks: (v) => html`<section class="networks"><h2>${v.heading}</h2>
    <ul class="cards">${v.networks.map(network)}</ul></section>`,
  case_study_teasers: (v) => html`<section class="teasers"><h2>${v.heading}</h2>
    <ul class="cards">${v.case_studies.items.map(teaser)}</ul></section>`,
};

/** @param {Agreement[]} agreements */
function agreementList(agreements) {
  const words = AGREEMENT_STATUS[readerLanguage()];
  return agreements.map(
    (a) => html`<li class="agreement ${a.status}">${a.title}: ${words[a.status]}${agreementDate(a)}</li>`,
  );
}

/** @param {Schemas["PartnerCity"] | PartnerCityPreview} city */
function partnerCity(city) {
  const when = city.year_signed || city.period;
  const agreements = agreementList(city.agreements);
  return html`<li class="partner-city" data-country="${city.country}"${langOf(city)}>
    <span class="year">${when}</span>
    <div><h3>${city.name} <small>${city.country}</small></h3>${untranslated(city)}<p>${city.summary}</p>
    <ul class="agreements">${agreements}</ul></div></li>`;
}

/** @param {Schemas["Network"] | NetworkPreview} n */
function network(n) {
  const counts = [n.member_city_count && `${n.member_city_count} cities`, n.country_count && `${n.country_count} countries`]
    .filter(Boolean)
    .join(", ");
  const name = n.url ? html`<a href="${n.url}" rel="noopener">${n.name}</a>` : escapeHTML(n.name);
  return html`<li class="card network"${langOf(n)}><h3>${raw(name)}</h3>${untranslated(n)}<p class="role">${n.role}</p>
    <p>${n.summary}</p><p class="counts">${counts}</p></li>`;
}

/** @param {Schemas["Teaser"]} t */
function teaser(t) {
  const thumbnail = t.thumbnail
    ? html`<img src="${t.thumbnail.url}" width="${t.thumbnail.width}" height="${t.thumbnail.height}" alt="${t.thumbnail.alt}" loading="lazy">`
    : "";
  return html`<li class="card teaser"${langOf(t)}><a href="${t.path}" data-link>${raw(thumbnail)}
    <h3>${t.title}</h3></a>${untranslated(t)}<p>${t.summary}</p></li>`;
}

/** @param {Block[]} body */
function renderBody(body) {
  return body
    .map((block) => {
      // Each block's value matches its own renderer (the lookup loses that pairing for tsc).
      const render = /** @type {((value: unknown) => string) | undefined} */ (blocks[block.type]);
      if (!render) console.warn(`No renderer for block type "${block.type}"`);
      return render ? render(block.value) : "";
    })
    .join("");
}

// --- Pages: one renderer per page type (meta.type) ---
/** @param {AnyPage["meta"]} meta */
function breadcrumbs(meta) {
  if (!meta.breadcrumbs?.length) return "";
  return html`<nav class="breadcrumbs" aria-label="Breadcrumbs"><ol>${meta.breadcrumbs.map(
    (b) => html`<li><a href="${b.path}" data-link>${b.title}</a></li>`,
  )}</ol></nav>`;
}

/** @typedef {Schemas["HubPage"] | Schemas["HubPagePreview"]} HubPage */
/** @typedef {Schemas["CaseStudyPage"] | Schemas["CaseStudyPagePreview"]} CaseStudyPage */
/** @typedef {Schemas["PartnerCityPreview"]} PartnerCityPreview */
/** @typedef {Schemas["NetworkPreview"]} NetworkPreview */

// The hub's latest case studies (meta.case_study_teasers), for a hub whose body has no teasers
// block: a newly published case study shows up on the hub either way.
/** @type {Record<Language, string>} */
const CASE_STUDIES = {
  en: "Case studies", fr: "Études de cas", de: "Fallstudien", "zh-hans": "案例研究", cs: "Případové studie",
};
/** @param {HubPage} page */
function latestTeasers(page) {
  const teasers = page.meta.case_study_teasers;
  if (!teasers?.items.length || page.body.some((b) => b.type === "case_study_teasers")) return "";
  const locale = page.meta.locale;
  const heading = locale in CASE_STUDIES ? CASE_STUDIES[/** @type {Language} */ (locale)] : CASE_STUDIES.en;
  return blocks.case_study_teasers({ heading, case_studies: teasers });
}

/** @type {{ "pages.HubPage": (page: HubPage) => string, "pages.CaseStudyPage": (page: CaseStudyPage) => string, "pages.PartnerCity": (city: PartnerCityPreview) => string, "pages.Network": (network: NetworkPreview) => string }} */
const pages = {
  "pages.HubPage": (page) => html`<article class="hub">
    <h1>${page.title}</h1><p class="introduction">${page.introduction}</p>
    ${raw(figure(page.hero_image, page.hero_caption, { eager: true }))}
    ${raw(renderBody(page.body))}${raw(latestTeasers(page))}</article>`,
  "pages.CaseStudyPage": (page) => {
    const city = page.related_partner_city;
    const relatedNetwork = page.related_network;
    const more = page.find_out_more_url
      ? html`<p class="cta"><a class="button" href="${page.find_out_more_url}" rel="noopener">${page.find_out_more_label}</a></p>`
      : "";
    const organisations = page.partner_organisations.map(
      (o) => html`<li>${o.url ? raw(html`<a href="${o.url}" rel="noopener">${o.name}</a>`) : o.name}</li>`,
    );
    return html`<article class="case-study">${raw(breadcrumbs(page.meta))}
      <h1>${page.title}</h1><p class="introduction">${page.summary}</p>
      ${raw(figure(page.hero_image, "", { eager: true }))}
      <ul class="themes">${page.themes.map((t) => html`<li>${t}</li>`)}</ul>
      ${raw(renderBody(page.body))}
      ${raw(city ? html`<aside class="card related-city"${langOf(city)}><h2>Partner city: ${city.name}</h2>${untranslated(city)}<p>${city.summary}</p>
        <ul class="agreements">${agreementList(city.agreements)}</ul></aside>` : "")}
      ${raw(relatedNetwork ? html`<aside class="card related-network"${langOf(relatedNetwork)}><h2>Network: ${relatedNetwork.name}</h2>${untranslated(relatedNetwork)}
        <p class="role">${relatedNetwork.role}</p><p>${relatedNetwork.summary}</p>
        ${raw(relatedNetwork.url ? html`<p><a href="${relatedNetwork.url}" rel="noopener">${relatedNetwork.name}</a></p>` : "")}</aside>` : "")}
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

/** @param {string} code */
const languageName = (code) => (code in LANGUAGE_NAMES ? LANGUAGE_NAMES[/** @type {Language} */ (code)] : code);

/** `<link rel="alternate" hreflang>` for every language of the page (search engines).
 * @param {{ locale: string, path: string }[]} all */
function renderAlternates(all) {
  for (const old of document.head.querySelectorAll('link[rel="alternate"][hreflang]')) old.remove();
  if (all.length < 2) return;
  for (const t of all) {
    const link = document.createElement("link");
    link.rel = "alternate";
    link.hreflang = t.locale;
    link.href = new URL(t.path, location.origin).href;
    document.head.append(link);
  }
}

/** @param {AnyPage["meta"]} meta */
function renderLanguages(meta) {
  const current = { locale: meta.locale, path: meta.path };
  const all = [current, ...meta.translations].sort((a, b) => a.locale.localeCompare(b.locale));
  renderAlternates(all);
  languages.innerHTML =
    all.length > 1
      ? all
          .map((t) =>
            t.locale === meta.locale
              ? html`<span aria-current="true" lang="${t.locale}">${languageName(t.locale)}</span>`
              : html`<a href="${t.path}" hreflang="${t.locale}" lang="${t.locale}" data-link>${languageName(t.locale)}</a>`,
          )
          .join("")
      : "";
}

/** @param {APIError} error @param {string} path */
function renderError(error, path) {
  languages.innerHTML = "";
  renderAlternates([]);
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

/** @returns {Promise<void>} */
async function render() {
  const path = location.pathname;
  const isPreview = path.replace(/\/$/, "") === "/preview";
  previewBanner.hidden = !isPreview;
  try {
    const answer = await fetchPage(path, new URLSearchParams(location.search));
    if (isRedirect(answer)) return followRedirect(answer);
    const page = answer;
    document.documentElement.lang = page.meta.locale;
    if (page.meta.type === "pages.PartnerCity" || page.meta.type === "pages.Network") {
      // A snippet's preview: no page around it, no other languages to switch to.
      const snippet = /** @type {PartnerCityPreview | NetworkPreview} */ (page);
      document.title = snippet.name;
      main.innerHTML =
        page.meta.type === "pages.PartnerCity"
          ? pages["pages.PartnerCity"](/** @type {PartnerCityPreview} */ (snippet))
          : pages["pages.Network"](/** @type {NetworkPreview} */ (snippet));
      languages.innerHTML = "";
      return;
    }
    const shown = /** @type {AnyPage} */ (page);
    document.title = shown.meta.seo_title || shown.title;
    main.innerHTML =
      shown.meta.type === "pages.HubPage"
        ? pages["pages.HubPage"](/** @type {HubPage} */ (shown))
        : shown.meta.type === "pages.CaseStudyPage"
          ? pages["pages.CaseStudyPage"](/** @type {CaseStudyPage} */ (shown))
          : html`<h1>${shown.title}</h1>`;
    renderLanguages(shown.meta);
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
const windowLoaded = /** @type {Promise<void>} */ (new Promise((resolve) =>
  document.readyState === "complete" ? resolve() : window.addEventListener("load", () => resolve(), { once: true }),
));
/** @param {{ type: string, x?: number, y?: number }} message */
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
  const link = event.target instanceof Element ? event.target.closest("a[data-link]") : null;
  if (!(link instanceof HTMLAnchorElement) || event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
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
  /** @type {import("./types/api").operations["getPreviewUserbar"]["responses"][200]["content"]["application/json"]} */
  const { html } = await getJSON(`${API}/api/v2/preview/userbar/?${query}`);
  const holder = document.createElement("div");
  holder.innerHTML = html;
  for (const node of [...holder.childNodes]) {
    if (!(node instanceof HTMLScriptElement)) {
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
