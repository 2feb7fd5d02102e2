// The search page's view of Pagefind. The build copies this file to pagefind/view/pagefind.js, and search.js gives
// that folder to PagefindUI as its bundle when shards.json hides pages: Pagefind's own module (../pagefind.js),
// with the pages whose ids were hidden left out of every result. Those are the main bundles' copies of pages that
// changed since the last fold (their new text is in the delta bundle, merged like the other bundles) and of pages
// removed since: a visitor never sees a page twice or a removed page (portal/publish/search_delta.py).
// Pagefind counts those copies in its filter counts too: their values (shards.json "hidden_filters") are taken off.
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

function hiddenOf(response) {
  return response.results.filter((result) => hidden.has(result.id)).map((result) => result.id);
}

async function visible(response, term, options) {
  if (!response || !Array.isArray(response.results) || hidden.size === 0) { return response; }
  const gone = hiddenOf(response);
  // The total counts are over the results without filters: with filters chosen, those are another search
  // (the index chunks are loaded already: no bytes, a few milliseconds).
  const filtered = options && options.filters && Object.keys(options.filters).length > 0;
  const goneUnfiltered = filtered ? hiddenOf(await pagefind.search(term, { ...options, filters: {} })) : gone;
  return {
    ...response,
    results: response.results.filter((result) => !hidden.has(result.id)),
    unfilteredResultCount: Math.max(0, response.unfilteredResultCount - goneUnfiltered.length),
    filters: without(response.filters, gone),
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
