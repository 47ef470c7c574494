// Pagefind's search API, as Pagefind's UI loads it (its bundlePath points to this folder), with
// the query cut into the index's own words first (see segment.js for why).
import * as pagefind from "../../pagefind/pagefind.js";
import { segmentQuery, validPiece } from "./segment.js";

// Pagefind picks its query segmentation from <html lang> when it starts, and for zh it cuts the
// query with Intl.Segmenter, undoing the cut made here. "zxx" (no linguistic content) leaves the
// query's spaces as its only word boundaries; with no index of that language Pagefind searches the
// portal's one (zh-CN) index. The attribute is restored in the same task, before anything renders.
const root = document.documentElement;
function started(start) {
  const language = root.getAttribute("lang");
  root.setAttribute("lang", "zxx");
  try {
    return start();
  } finally {
    root.setAttribute("lang", language);
  }
}

// A large portal's index is cut into shards (sitegen's search.py), and the pages changed since
// their shard was indexed are in the delta's layers (a few small bundles, each indexed by one
// rebuild); pagefind/shards.json lists them all. They are loaded into this one Pagefind
// (mergeIndex), so its code and WebAssembly are fetched once whatever the number of bundles;
// each bundle's own files (entry, metadata, the index chunks a query needs) are what it adds.
// The ids of a bundle's pages begin with its tag ("s3-…", "d0a1b2c3d4e-…"), so the results of
// one search, which come from every bundle, are told apart by bundle; and each bundle carries its
// tag as a filter of its own (Pagefind's mergeFilter), so a search can be limited to some bundles.
//
// A query is not searched in a bundle that lacks one of its words: Pagefind would drop the word
// there (or answer with a shorter one), so that bundle's pages would match on the other words
// alone. So the query is read against the words of every bundle, and each reading is searched
// only in the bundles holding all of its words.
//
// The old copies of the pages in the delta, listed by page id under the bundle holding them (a
// shard, or an older layer: delta.hide), are dropped from that bundle's answers: from its
// results, from the pages holding a word (so a word found only on an old copy reads as absent)
// and from the filter counts.
const BUNDLE_FILTER = "sitegen-bundle";
const tagOf = (id) => id.slice(0, id.indexOf("-"));

class Shard {
  // hidden: {page id: [filter values, as [name, value] pairs of `filters`]} of the old copies.
  constructor(tag, hidden, filters) {
    this.tag = tag;
    this.hidden = new Map(Object.entries(hidden || {}).map(([id, values]) => [id, values.map((n) => filters[n])]));
    this.pieces = new Map();
  }

  // {pages, exact} of the index words beginning with / equal to `term`, or null (segment.js).
  piece(term) {
    if (!this.pieces.has(term)) {
      this.pieces.set(term, validPiece([...term], async (t, exact) => (await answer(exact ? `"${t}"` : t)).get(this.tag) || new Set()));
    }
    return this.pieces.get(term);
  }

  // Whether the bundle holds every word of `reading` (on pages that are not hidden).
  async holds(reading) {
    const phrase = /^\s*".*"\s*$/.test(reading);
    for (const word of reading.replace(/"/g, " ").trim().split(/\s+/)) {
      const found = await this.piece(word);
      if (!found || (phrase ? found.exact : found.pages).size === 0) return false;
    }
    return true;
  }
}

const bundle = new URL("../../pagefind/", import.meta.url);
let settings = {};
let loaded = null;
// The bundles, loaded into Pagefind: {shards: [Shard], hidden: Map(page id → its filter values)}.
function load() {
  loaded = loaded || fetch(new URL("shards.json", bundle), { cache: "no-cache" })
    .then((response) => (response.ok ? response.json() : {}))
    .catch(() => ({}))
    .then(async (record) => {
      const layers = record.delta?.layers || [];
      const tags = { ...record.tags, ...Object.fromEntries(layers.map((layer) => [layer.bundle, layer.tag])) };
      const hide = record.delta?.hide || {};
      const filters = record.delta?.filters || [];
      const merged = [...(record.merge || []), ...layers.map((layer) => layer.bundle)];
      await pagefind.options({ ...settings, mergeFilter: { [BUNDLE_FILTER]: tags[""] || "" } });
      started(() => pagefind.init());
      await Promise.all(merged.map((path) => pagefind.mergeIndex(new URL(path, bundle).pathname,
        { ...settings, mergeFilter: { [BUNDLE_FILTER]: tags[path] } })));
      const shards = ["", ...merged].map((path) => new Shard(tags[path], hide[path], filters));
      const hidden = new Map(shards.flatMap((shard) => [...shard.hidden]));
      return { shards, hidden };
    });
  return loaded;
}

// The pages (of every bundle) Pagefind finds for `query` without filters, by bundle tag: Map(tag →
// Set of ids), the hidden pages left out.
const answers = new Map();
function answer(query) {
  if (!answers.has(query)) {
    answers.set(query, load().then(async ({ hidden }) => {
      const byTag = new Map();
      for (const result of (await pagefind.search(query)).results) {
        if (hidden.has(result.id)) continue;
        const tag = tagOf(result.id);
        if (!byTag.has(tag)) byTag.set(tag, new Set());
        byTag.get(tag).add(result.id);
      }
      return byTag;
    }));
  }
  return answers.get(query);
}

// The word dictionary of all bundles: the pages (of any bundle) holding a word that begins with / is `term`.
const pages = new Map();
function lookup(term, exact) {
  const key = (exact ? "=" : "^") + term;
  if (!pages.has(key)) {
    pages.set(key, load().then(({ shards }) => Promise.all(shards.map((shard) => shard.piece(term)))).then((found) => {
      const union = new Set();
      for (const piece of found) if (piece) for (const id of exact ? piece.exact : piece.pages) union.add(id);
      return union;
    }));
  }
  return pages.get(key);
}

// {readings, whole}: the readings of a query, best first; whole when they are made of index words.
const readings = new Map();
function readingsOf(query) {
  if (typeof query !== "string" || !query.trim()) return Promise.resolve({ readings: [query], whole: false });
  if (!readings.has(query)) {
    readings.set(query, segmentQuery(query, lookup)
      .then((found) => (found.length ? { readings: found, whole: true } : { readings: [query], whole: false })));
  }
  return readings.get(query);
}

function addCounts(into, counts) {
  for (const [name, values] of Object.entries(counts || {})) {
    if (name === BUNDLE_FILTER) continue;
    into[name] = into[name] || {};
    for (const [value, n] of Object.entries(values)) into[name][value] = (into[name][value] || 0) + n;
  }
  return into;
}

function zeros(counts) {
  return Object.fromEntries(Object.entries(counts).map(([name, values]) => [name, Object.fromEntries(Object.keys(values).map((v) => [v, 0]))]));
}

// The filters (unit, place, year, …) are loaded when the reader asks for them (openFilters): their
// files hold every page's values, a share of the index that grows with the portal, which a query
// without filters does not need. Until then the counts of a response are empty, and Pagefind's UI
// shows no filters.
let everyFilter = null;
function allFilters() {
  if (!everyFilter) return Promise.resolve({});
  return everyFilter.then((counts) => addCounts({}, counts));
}
export function openFilters() {
  everyFilter = everyFilter || load().then(() => pagefind.filters());
  return allFilters().then(() => undefined);
}

// Filter counts of `results` as Pagefind gave them (`counts`), the hidden pages among them taken out.
async function visibleCounts(counts, results) {
  const { hidden } = await load();
  const visible = addCounts(zeros(await allFilters()), counts);
  for (const result of results) {
    for (const [name, value] of hidden.get(result.id) || []) if (visible[name]?.[value]) visible[name][value] -= 1;
  }
  return visible;
}

const filterPages = new Map();
function pagesWithFilter(name, value) {
  const key = JSON.stringify([name, value]);
  if (!filterPages.has(key)) {
    filterPages.set(key, pagefind.search(null, { filters: { [name]: [value] } }).then((r) => new Set(r.results.map((result) => result.id))));
  }
  return filterPages.get(key);
}

// Pagefind's response to one reading, searched in the bundles holding all of its words (in all of
// them when the query is not read as index words), without the hidden pages; null when no bundle
// holds them. Its counts without the chosen filters (totalFilters, unfilteredResultCount) are those
// of the same search without them: Pagefind's own would count the other bundles too.
async function searchReading(reading, opts, whole) {
  const { shards, hidden } = await load();
  const holding = whole
    ? (await Promise.all(shards.map(async (shard) => ((await shard.holds(reading)) ? shard.tag : null)))).filter(Boolean)
    : shards.map((shard) => shard.tag);
  if (!holding.length) return null;
  const only = { [BUNDLE_FILTER]: { any: holding } };
  const chosen = opts?.filters && Object.keys(opts.filters).length ? opts.filters : null;
  const [response, unfilteredResponse] = await Promise.all([
    pagefind.search(reading, { ...opts, filters: { ...(chosen || {}), ...only } }),
    chosen ? pagefind.search(reading, { ...opts, filters: only }) : null,
  ]);
  const unfiltered = unfilteredResponse || response;
  return {
    ...response,
    results: response.results.filter((result) => !hidden.has(result.id)),
    filters: await visibleCounts(response.filters, response.results),
    totalFilters: await visibleCounts(unfiltered.filters, unfiltered.results),
    unfilteredResultCount: unfiltered.results.filter((result) => !hidden.has(result.id)).length,
  };
}

// One response from the responses to the readings of a query: each page once, at its best score,
// the filter counts those of the union (Pagefind's own are per reading).
async function merge(responses) {
  if (responses.length === 1) return responses[0];
  const counts = zeros(await allFilters());
  if (!responses.length) return { results: [], unfilteredResultCount: 0, filters: counts, totalFilters: zeros(counts), timings: [] };
  const best = new Map();
  for (const response of responses) {
    for (const result of response.results) {
      const seen = best.get(result.id);
      if (!seen || result.score > seen.score) best.set(result.id, result);
    }
  }
  for (const [name, values] of Object.entries(counts)) {
    for (const value of Object.keys(values)) {
      const having = await pagesWithFilter(name, value);
      counts[name][value] = [...best.keys()].filter((id) => having.has(id)).length;
    }
  }
  return {
    ...responses[0],
    results: [...best.values()].sort((a, b) => b.score - a.score),
    unfilteredResultCount: Math.max(...responses.map((r) => r.unfilteredResultCount)),
    filters: counts,
  };
}

// Pagefind's UI inserts the names and values of filters as HTML (Svelte's {@html}), but they
// are content: a unit's name, a province. The UI is handed them as HTML that reads as that text,
// and the values it hands back (the filters chosen) are turned back into the index's text.
const HTML = /[&<>"']/g;
const ENTITY = /&#(\d+);/g;
function asHtml(text) {
  return text.replace(HTML, (c) => `&#${c.charCodeAt(0)};`);
}
function asText(html) {
  return html.replace(ENTITY, (_, code) => String.fromCharCode(code));
}
function countsAsHtml(counts) {
  return counts && Object.fromEntries(Object.entries(counts).map(([name, values]) => [
    asHtml(name), Object.fromEntries(Object.entries(values).map(([value, n]) => [asHtml(value), n]))]));
}
// A filter selection ({name: value | [values] | {any|all|none|not: …}}) with its names and values as text.
function selectionAsText(selection) {
  if (typeof selection === "string") return asText(selection);
  if (Array.isArray(selection)) return selection.map(selectionAsText);
  if (selection && typeof selection === "object") {
    return Object.fromEntries(Object.entries(selection).map(([key, value]) => [asText(key), selectionAsText(value)]));
  }
  return selection;
}
function optionsAsText(opts) {
  return opts && opts.filters ? { ...opts, filters: selectionAsText(opts.filters) } : opts;
}

export const init = () => load().then(() => undefined);
export const mergeIndex = pagefind.mergeIndex;
export const destroy = pagefind.destroy;
// Options given before the bundles are loaded apply to every bundle; later ones to the first.
export async function options(opts) {
  if (loaded) await pagefind.options(opts);
  else settings = { ...settings, ...opts };
}
export async function preload(query, opts) {
  await load();
  const { readings: [first] } = await readingsOf(query);
  await pagefind.preload(first, optionsAsText(opts));
}
export async function filters() {
  return countsAsHtml(await allFilters());
}
export async function search(query, opts) {
  const response = await searchText(query, optionsAsText(opts));
  return { ...response, filters: countsAsHtml(response.filters), totalFilters: countsAsHtml(response.totalFilters) };
}

async function searchText(query, opts) {
  await load();
  const { readings: found, whole } = await readingsOf(query);
  return merge((await Promise.all(found.map((reading) => searchReading(reading, opts, whole)))).filter(Boolean));
}
