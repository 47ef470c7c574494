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
started(() => pagefind.init());

// A large portal's index is cut into shards (sitegen's search.py): this bundle is the first, and
// pagefind/shards.json lists the others, each searched by its own copy of Pagefind (its bundle's
// pagefind.js). Not merged into one Pagefind (mergeIndex): a shard holding no word that begins
// with one of a query's terms drops that term (or answers with a shorter word), so its pages would
// match on the other terms alone. Here the query is read against the words of every shard, and
// each reading is searched only in the shards holding all of its words.
//
// Pages changed since their shard was indexed are in the delta bundle (shards.json's delta); their
// old copies, listed by page id under their shard's bundle (delta.hide), are dropped from that
// shard's answers here: from its results, from the pages holding a word (so a word found only on
// an old copy reads as absent) and from its filter counts.
class Shard {
  // hidden: {page id: [filter values, as [name, value] pairs of `filters`]} of the old copies.
  constructor(api, hidden, filters) {
    this.api = api;
    this.hidden = new Map(Object.entries(hidden || {}).map(([id, values]) => [id, values.map((n) => filters[n])]));
    this.pages = new Map();
    this.pieces = new Map();
    this.filterPages = new Map();
  }

  visible(response) {
    return new Set(response.results.map((result) => result.id).filter((id) => !this.hidden.has(id)));
  }

  lookup(term, exact) {
    const key = (exact ? "=" : "^") + term;
    if (!this.pages.has(key)) {
      this.pages.set(key, this.api.search(exact ? `"${term}"` : term).then((r) => this.visible(r)));
    }
    return this.pages.get(key);
  }

  // {pages, exact} of the index words beginning with / equal to `term`, or null (segment.js).
  piece(term) {
    if (!this.pieces.has(term)) this.pieces.set(term, validPiece([...term], (t, exact) => this.lookup(t, exact)));
    return this.pieces.get(term);
  }

  pagesWithFilter(name, value) {
    const key = JSON.stringify([name, value]);
    if (!this.filterPages.has(key)) {
      this.filterPages.set(key, this.api.search(null, { filters: { [name]: [value] } }).then((r) => this.visible(r)));
    }
    return this.filterPages.get(key);
  }

  // Pagefind's response to `reading` without the hidden pages (those it held: `hiddenResults`), or
  // null when a word of the reading is not in this shard.
  async search(reading, opts, whole) {
    if (whole) {
      const phrase = /^\s*".*"\s*$/.test(reading);
      for (const word of reading.replace(/"/g, " ").trim().split(/\s+/)) {
        const found = await this.piece(word);
        if (!found || (phrase ? found.exact : found.pages).size === 0) return null;
      }
    }
    const response = await this.api.search(reading, opts);
    if (!this.hidden.size) return response;
    const hiddenResults = response.results.filter((result) => this.hidden.has(result.id));
    return {
      ...response,
      results: response.results.filter((result) => !this.hidden.has(result.id)),
      unfilteredResultCount: response.unfilteredResultCount - hiddenResults.length,
      hiddenResults,
    };
  }
}

const bundle = new URL("../../pagefind/", import.meta.url);
const shards = fetch(new URL("shards.json", bundle), { cache: "no-cache" })
  .then((response) => (response.ok ? response.json() : {}))
  .catch(() => ({}))
  .then(async (record) => {
    const hide = record.delta?.hide || {};
    const filters = record.delta?.filters || [];
    const paths = [...(record.merge || []), ...(record.delta?.bundle ? [record.delta.bundle] : [])];
    const apis = await Promise.all(paths.map(async (path) => {
      const api = await import(new URL(`${path}pagefind.js`, bundle).href);
      started(() => api.init());
      return api;
    }));
    return [new Shard(pagefind, hide[""], filters), ...apis.map((api, i) => new Shard(api, hide[paths[i]], filters))];
  });

// The word dictionary of all shards: the pages (of any shard) holding a word that begins with / is `term`.
const pages = new Map();
function lookup(term, exact) {
  const key = (exact ? "=" : "^") + term;
  if (!pages.has(key)) {
    pages.set(key, shards.then((all) => Promise.all(all.map((shard) => shard.piece(term)))).then((found) => {
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
    into[name] = into[name] || {};
    for (const [value, n] of Object.entries(values)) into[name][value] = (into[name][value] || 0) + n;
  }
  return into;
}

function zeros(counts) {
  return Object.fromEntries(Object.entries(counts).map(([name, values]) => [name, Object.fromEntries(Object.keys(values).map((v) => [v, 0]))]));
}

let everyFilter = null;
function allFilters() {
  everyFilter = everyFilter || shards.then((all) => Promise.all(all.map((shard) => shard.api.filters()))).then((counts) => counts.reduce(addCounts, {}));
  return everyFilter.then((counts) => addCounts({}, counts));
}

// One response from the responses of the shards to the readings of a query: each page once, at
// its best score. The shards hold different pages, so their filter counts add up; within a shard
// answering several readings, the counts are those of the union (Pagefind's own are per reading).
async function merge(answers) {
  const results = [];
  const counts = zeros(await allFilters());
  const totals = zeros(counts);
  let unfiltered = 0;
  for (const { shard, responses } of answers) {
    const best = new Map();
    for (const response of responses) {
      for (const result of response.results) {
        const seen = best.get(result.id);
        if (!seen || result.score > seen.score) best.set(result.id, result);
      }
    }
    results.push(...best.values());
    unfiltered += Math.max(...responses.map((r) => r.unfilteredResultCount));
    addCounts(totals, responses[0].totalFilters);
    if (responses.length === 1) {
      addCounts(counts, responses[0].filters);
      for (const hidden of responses[0].hiddenResults || []) {
        for (const [name, value] of shard.hidden.get(hidden.id)) if (counts[name]?.[value]) counts[name][value] -= 1;
      }
      continue;
    }
    for (const [name, values] of Object.entries(await shard.api.filters())) {
      for (const value of Object.keys(values)) {
        const having = await shard.pagesWithFilter(name, value);
        counts[name][value] = (counts[name]?.[value] || 0) + [...best.keys()].filter((id) => having.has(id)).length;
      }
    }
  }
  const { hiddenResults, ...first } = answers[0]?.responses[0] || { timings: [] }; // eslint-disable-line no-unused-vars
  return {
    ...first,
    results: results.sort((a, b) => b.score - a.score),
    unfilteredResultCount: unfiltered,
    filters: counts,
    totalFilters: totals,
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

export const init = pagefind.init;
export const mergeIndex = pagefind.mergeIndex;
export const destroy = pagefind.destroy;
export async function options(opts) {
  await Promise.all((await shards).map((shard) => shard.api.options(opts)));
}
export async function preload(query, opts) {
  const { readings: [first] } = await readingsOf(query);
  await Promise.all((await shards).map((shard) => shard.api.preload(first, optionsAsText(opts))));
}
export async function filters() {
  return countsAsHtml(await allFilters());
}
export async function search(query, opts) {
  const response = await searchText(query, optionsAsText(opts));
  return { ...response, filters: countsAsHtml(response.filters), totalFilters: countsAsHtml(response.totalFilters) };
}

async function searchText(query, opts) {
  const all = await shards;
  await allFilters(); // Pagefind counts the values of the filters it has loaded, and loads them here
  const { readings: found, whole } = await readingsOf(query);
  const answers = (await Promise.all(all.map(async (shard) => ({
    shard, responses: (await Promise.all(found.map((reading) => shard.search(reading, opts, whole)))).filter(Boolean),
  })))).filter((answer) => answer.responses.length);
  return all.length === 1 && !all[0].hidden.size && answers.length === 1 && answers[0].responses.length === 1
    ? answers[0].responses[0] : merge(answers);
}
