// The search page's view of Pagefind. The build copies this file to pagefind/view/pagefind.js, and search.js gives
// that folder to PagefindUI as its bundle whenever the index is several bundles: Pagefind's own module
// (../pagefind.js), with two corrections to what the merged bundles answer.
// - Hidden pages: the main bundles' copies of pages that changed since the last fold (their new text is in the
//   delta bundle, merged like the other bundles) and of pages removed since. A visitor never sees a page twice or a
//   removed page (portal/publish/search_delta.py). Pagefind counts those copies in its filter counts too: their
//   values (shards.json "hidden_filters") are taken off.
// - Every word: Pagefind leaves a word out of the search in a bundle that does not know it, so a bundle lacking
//   the rarer word of «робототехника кружок» answered with every page of the other word. A result is kept only if
//   it has each word of the query; a word that no bundle knows is left out, as Pagefind leaves it out of one index.
//   A rare word is checked page by page (its own search: few results, cheap). A word on many pages is in every
//   main bundle (equal parts of the site cut by address), so only the small delta bundle may lack it: a search of
//   the delta's pages alone tells (search.js merges the delta with a filter of its own, DELTA, never shown).
//   Counting a word's pages is a search with a filter no page has: Pagefind still counts the matches but builds
//   no results (a few milliseconds where the search itself took hundreds).

// Pagefind's own module, fetched on first use as PagefindUI fetches it (not with the search page).
let loading = null;
const engine = () => (loading = loading || import(new URL("../pagefind.js", import.meta.url).href));
const hidden = new Set();
const hiddenFilters = new Map();
export const DELTA = "portal-delta";  // search.js: mergeIndex(delta, {mergeFilter: {[DELTA]: "1"}})
const IN_DELTA = { [DELTA]: "1" };
const NO_PAGE = { filters: { "portal-no-such-filter": "-" } };  // a search that counts and builds no results
let mainBundles = 1;  // the primary and the merged ones, not the delta
let hasDelta = false;

export function hide(ids, filters = {}) {
  for (const id of ids) { hidden.add(id); }
  for (const [id, values] of Object.entries(filters || {})) { hiddenFilters.set(id, values); }
}

// Filter counts ({filter: {value: count}}) less one for each value of each page in `ids`, without DELTA.
function without(counts, ids) {
  if (!counts) { return counts; }
  const result = Object.fromEntries(Object.entries(counts).filter(([name]) => name !== DELTA)
    .map(([name, values]) => [name, { ...values }]));
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

// A word on fewer pages than this is checked page by page; on more, it is in every main bundle: the chance that one
// of k equal parts holds none of 40·k such pages is (1 - 1/k)^(40·k), below e^-40 whatever k. Tests lower it to
// reach the delta's check.
const rarePages = () => globalThis.portalSearchRarePages ?? 40 * mainBundles;

async function ids(term, options) {
  return new Set((await (await engine()).search(term, options)).results.map((result) => result.id));
}

// What a word is to this page's index, worked out once per word: the same for every search while the page is open
// (a filtered search checks its words a second time, unfiltered, for the total count).
const wordFacts = new Map();

async function factsOf(word) {
  if (!wordFacts.has(word)) {
    const found = await (await engine()).search(word, NO_PAGE);
    const pages = found ? found.unfilteredResultCount : 0;
    // Only a common word is asked of the delta: a rare one is checked page by page, the delta's pages included.
    const inDelta = !hasDelta || pages < rarePages() || (await ids(word, { filters: IN_DELTA })).size > 0;
    wordFacts.set(word, { pages, inDelta });
  }
  return wordFacts.get(word);
}

// What a result needs to have every word ({sets: ids per rare word, notInDelta: ids of delta pages lacking a
// word}), or null when there is nothing to check (one word, or a phrase in quotes, which Pagefind matches whole).
async function wordCheck(term, options) {
  const words = wordsOf(term);
  if (words.length < 2 || String(term).includes('"')) { return null; }
  const check = { sets: [], notInDelta: null };
  for (const word of words) {
    const { pages, inDelta } = await factsOf(word);
    if (pages === 0) { continue; }  // unknown to every bundle: left out
    if (pages < rarePages()) {
      check.sets.push(await ids(word, options));
    } else if (!inDelta && check.notInDelta === null) {
      // The delta lacks the word: its pages among the results matched the other words only.
      check.notInDelta = await ids(term, { ...options, filters: { ...(options.filters || {}), ...IN_DELTA } });
    }
  }
  return check;
}

function shown(id, check) {
  if (hidden.has(id)) { return false; }
  if (check === null) { return true; }
  if (check.notInDelta !== null && check.notInDelta.has(id)) { return false; }
  return check.sets.every((found) => found.has(id));
}

// The ids of `results` that are not to be shown.
function goneOf(results, check) {
  return results.filter((result) => !shown(result.id, check)).map((result) => result.id);
}

async function visible(response, term, options) {
  if (!response || !Array.isArray(response.results)) { return response; }
  const check = await wordCheck(term, options);
  const gone = new Set(goneOf(response.results, check));
  // The total counts are over the results without filters: with filters chosen, those are other searches
  // (the index chunks are loaded already: no bytes, a few milliseconds).
  const filtered = options && options.filters && Object.keys(options.filters).length > 0;
  let goneUnfiltered = [...gone];
  if (filtered && (hidden.size > 0 || check !== null)) {
    const unfiltered = { ...options, filters: {} };
    const all = await (await engine()).search(term, unfiltered);
    goneUnfiltered = goneOf(all.results, await wordCheck(term, unfiltered));
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

export const options = async (...args) => (await engine()).options(...args);
export const init = async (...args) => (await engine()).init(...args);
export const mergeIndex = async (path, mergeOptions = {}, ...rest) => {
  if (mergeOptions && mergeOptions.mergeFilter && DELTA in mergeOptions.mergeFilter) {
    hasDelta = true;
  } else {
    mainBundles += 1;
  }
  return (await engine()).mergeIndex(path, mergeOptions, ...rest);
};
export const preload = async (...args) => (await engine()).preload(...args);
// Every hidden page is in a main bundle, so in the counts of the whole index.
export const filters = async (...args) => without(await (await engine()).filters(...args), hidden);
export const destroy = async (...args) => (await engine()).destroy(...args);
export const createInstance = async (...args) => (await engine()).createInstance(...args);
export const search = async (term, options = {}) =>
  visible(await (await engine()).search(term, options), term, options);
export const debouncedSearch = async (term, options = {}, ...rest) =>
  visible(await (await engine()).debouncedSearch(term, options, ...rest), term, options);
