// Pagefind's search API, as Pagefind's UI loads it (its bundlePath points to this folder), with
// the query cut into the index's own words first (see segment.js for why).
import * as pagefind from "../../pagefind/pagefind.js";
import { segmentQuery } from "./segment.js";

// Pagefind picks its query segmentation from <html lang> when it starts, and for zh it cuts the
// query with Intl.Segmenter, undoing the cut made here. "zxx" (no linguistic content) leaves the
// query's spaces as its only word boundaries; with no index of that language Pagefind searches the
// portal's one (zh-CN) index. The attribute is restored in the same task, before anything renders.
const root = document.documentElement;
const language = root.getAttribute("lang");
root.setAttribute("lang", "zxx");
try {
  pagefind.init();
} finally {
  root.setAttribute("lang", language);
}

const pages = new Map();
function lookup(term, exact) {
  const key = (exact ? "=" : "^") + term;
  if (!pages.has(key)) {
    pages.set(key, pagefind.search(exact ? `"${term}"` : term).then((r) => new Set(r.results.map((result) => result.id))));
  }
  return pages.get(key);
}

const readings = new Map();
function readingsOf(query) {
  if (typeof query !== "string" || !query.trim()) return Promise.resolve([query]);
  if (!readings.has(query)) {
    readings.set(query, segmentQuery(query, lookup).then((found) => (found.length ? found : [query])));
  }
  return readings.get(query);
}

const filterPages = new Map();
function pagesWithFilter(name, value) {
  const key = JSON.stringify([name, value]);
  if (!filterPages.has(key)) {
    filterPages.set(key, pagefind.search(null, { filters: { [name]: [value] } })
      .then((r) => new Set(r.results.map((result) => result.id))));
  }
  return filterPages.get(key);
}

// One response from the responses to several readings of a query: each page once, at its best
// score, and the filter counts of that union (Pagefind's own counts are per reading).
async function merge(responses) {
  const best = new Map();
  for (const response of responses) {
    for (const result of response.results) {
      const seen = best.get(result.id);
      if (!seen || result.score > seen.score) best.set(result.id, result);
    }
  }
  const filters = {};
  for (const [name, values] of Object.entries(responses[0].filters || {})) {
    filters[name] = {};
    for (const value of Object.keys(values)) {
      const having = await pagesWithFilter(name, value);
      filters[name][value] = [...best.keys()].filter((id) => having.has(id)).length;
    }
  }
  return {
    ...responses[0],
    results: [...best.values()].sort((a, b) => b.score - a.score),
    unfilteredResultCount: Math.max(...responses.map((r) => r.unfilteredResultCount)),
    filters,
  };
}

export const init = pagefind.init;
export const options = pagefind.options;
export const filters = pagefind.filters;
export const mergeIndex = pagefind.mergeIndex;
export const destroy = pagefind.destroy;
export async function preload(query, opts) {
  const [first] = await readingsOf(query);
  return pagefind.preload(first, opts);
}
export async function search(query, opts) {
  const responses = await Promise.all((await readingsOf(query)).map((reading) => pagefind.search(reading, opts)));
  return responses.length === 1 ? responses[0] : merge(responses);
}
