// The search page's view of Pagefind. The build copies this file to pagefind/view/pagefind.js, and search.js gives
// that folder to PagefindUI as its bundle when shards.json hides pages: Pagefind's own module (../pagefind.js),
// with the pages whose ids were hidden left out of every result. Those are the main bundles' copies of pages that
// changed since the last fold (their new text is in the delta bundle, merged like the other bundles) and of pages
// removed since: a visitor never sees a page twice or a removed page (portal/publish/search_delta.py).
const pagefind = await import(new URL("../pagefind.js", import.meta.url).href);
const hidden = new Set();

export function hide(ids) {
  for (const id of ids) { hidden.add(id); }
}

function visible(response) {
  if (!response || !Array.isArray(response.results) || hidden.size === 0) { return response; }
  const results = response.results.filter((result) => !hidden.has(result.id));
  const left = response.results.length - results.length;
  return { ...response, results, unfilteredResultCount: Math.max(0, response.unfilteredResultCount - left) };
}

export const options = (...args) => pagefind.options(...args);
export const init = (...args) => pagefind.init(...args);
export const mergeIndex = (...args) => pagefind.mergeIndex(...args);
export const preload = (...args) => pagefind.preload(...args);
export const filters = (...args) => pagefind.filters(...args);
export const destroy = (...args) => pagefind.destroy(...args);
export const createInstance = (...args) => pagefind.createInstance(...args);
export const search = async (...args) => visible(await pagefind.search(...args));
export const debouncedSearch = async (...args) => visible(await pagefind.debouncedSearch(...args));
