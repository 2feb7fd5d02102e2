// The search page's view of Pagefind. The build copies this file to pagefind/view/pagefind.js, and search.js gives
// that folder to PagefindUI as its bundle whenever the index is several bundles: Pagefind's own module
// (../pagefind.js), with two corrections to what the merged bundles answer.
// - Hidden pages: the main bundles' copies of pages that changed since the last fold (their new text is in the
//   delta bundle, merged like the other bundles) and of pages removed since. A visitor never sees a page twice or a
//   removed page (portal/publish/search_delta.py). Pagefind counts those copies in its filter counts too: their
//   values (shards.json "hidden_filters") are taken off.
// - Every word: Pagefind leaves a word out of the search in a bundle that does not know it, so a bundle lacking
//   the rarer word of «робототехника кружок» answered with every page of the other word. A result is kept only if
//   each word of the query finds it on its own; a word that no bundle knows is left out, as Pagefind leaves it out
//   of a single index. The words' own searches read the index chunks the query fetched already: no more bytes.
const pagefind = await import(new URL("../pagefind.js", import.meta.url).href);
const hidden = new Set();
const hiddenFilters = new Map();

export function hide(ids, filters = {}) {
  for (const id of ids) { hidden.add(id); }
  for (const [id, values] of Object.entries(filters || {})) { hiddenFilters.set(id, values); }
}

// Filter counts ({filter: {value: count}}) less one for each value of each page in `ids`.
function without(counts, ids) {
  if (!counts) { return counts; }
  const result = Object.fromEntries(Object.entries(counts).map(([name, values]) => [name, { ...values }]));
  for (const id of ids) {
    for (const [name, values] of Object.entries(hiddenFilters.get(id) || {})) {
      for (const value of values) {
        if (result[name] && typeof result[name][value] === "number") {
          result[name][value] = Math.max(0, result[name][value] - 1);
        }
      }
    }
  }
  return result;
}

// The words of a query as Pagefind reads them; a word of punctuation alone (a dash) is no word to it.
function wordsOf(term) {
  return String(term || "").split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
}

// The ids of the pages every word finds on its own, or null when no check is needed (one word, or a phrase in
// quotes, which Pagefind matches as a whole).
async function everyWord(term, options) {
  const words = wordsOf(term);
  if (words.length < 2 || String(term).includes('"')) { return null; }
  let common = null;
  for (const word of words) {
    const found = await pagefind.search(word, options);
    if (!found || found.results.length === 0) { continue; }  // unknown to every bundle: left out
    const ids = new Set(found.results.map((result) => result.id));
    common = common === null ? ids : new Set([...common].filter((id) => ids.has(id)));
  }
  return common;
}

// The ids of `results` that are not to be shown.
function goneOf(results, common) {
  return results.filter((result) => hidden.has(result.id) || (common !== null && !common.has(result.id)))
    .map((result) => result.id);
}

async function visible(response, term, options) {
  if (!response || !Array.isArray(response.results)) { return response; }
  const common = await everyWord(term, options);
  if (hidden.size === 0 && common === null) { return response; }
  const gone = new Set(goneOf(response.results, common));
  // The total counts are over the results without filters: with filters chosen, those are other searches
  // (the index chunks are loaded already: no bytes, a few milliseconds).
  const filtered = options && options.filters && Object.keys(options.filters).length > 0;
  let goneUnfiltered = [...gone];
  if (filtered) {
    const unfiltered = { ...options, filters: {} };
    goneUnfiltered = goneOf((await pagefind.search(term, unfiltered)).results, await everyWord(term, unfiltered));
  }
  // Filter counts lose the hidden copies' values; a page left out for a missing word keeps its count there
  // (its values are in its fragment, which would cost a fetch per page).
  return {
    ...response,
    results: response.results.filter((result) => !gone.has(result.id)),
    unfilteredResultCount: Math.max(0, response.unfilteredResultCount - goneUnfiltered.length),
    filters: without(response.filters, [...gone]),
    totalFilters: without(response.totalFilters, goneUnfiltered),
  };
}

export const options = (...args) => pagefind.options(...args);
export const init = (...args) => pagefind.init(...args);
export const mergeIndex = (...args) => pagefind.mergeIndex(...args);
export const preload = (...args) => pagefind.preload(...args);
// Every hidden page is in a main bundle, so in the counts of the whole index.
export const filters = async (...args) => without(await pagefind.filters(...args), hidden);
export const destroy = (...args) => pagefind.destroy(...args);
export const createInstance = (...args) => pagefind.createInstance(...args);
export const search = async (term, options = {}) => visible(await pagefind.search(term, options), term, options);
export const debouncedSearch = async (term, options = {}, ...rest) =>
  visible(await pagefind.debouncedSearch(term, options, ...rest), term, options);
