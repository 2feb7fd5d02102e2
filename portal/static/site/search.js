// The search page: Pagefind's interface over the index built with the site. It speaks Russian by itself
// (the page is <html lang="ru">); filters come from data-pagefind-filter attributes on the pages.
// A large site's index is several bundles (pagefind/shards.json lists the ones merged into the primary), and
// pages changed since the bundles were made are in a small delta bundle, merged too; the bundles' stale copies of
// them and removed pages are listed in "hide" and left out by pagefind/view/pagefind.js (pagefind-view.js), which
// also takes their filter values ("hidden_filters") off the filter counts and keeps only results with every word.
window.addEventListener("DOMContentLoaded", async () => {
  const element = document.getElementById("search");
  const bundle = new URL(element.dataset.bundle, window.location.href);
  // Results link from the site's own root, so the site works under a sub-path too.
  const baseUrl = new URL("../", bundle).pathname;
  let merged = [];
  let delta = null;
  let hide = [];
  let hiddenFilters = {};
  let bundlePath = bundle.pathname;
  try {
    const response = await fetch(new URL("shards.json", bundle));
    if (response.ok) {
      const index = await response.json();
      merged = index.merge || [];
      delta = index.delta || null;
      hide = index.hide || [];
      hiddenFilters = index.hidden_filters || {};
    }
  } catch (error) { /* an index of one bundle, or none: search what there is */ }
  const mergeIndex = merged.map((path) => ({ bundlePath: new URL(path, bundle).pathname, baseUrl: baseUrl }));
  if (merged.length || delta) {
    // Several bundles answer through the view (pagefind-view.js): it hides the stale copies and keeps only the
    // results that have every word. The same module PagefindUI imports from its bundle path: told what to hide
    // before the first search. The delta's pages carry a filter of the view's own, to be searched alone.
    const view = new URL("view/", bundle);
    const module = await import(new URL("pagefind.js", view).href);
    module.hide(hide, hiddenFilters);
    if (delta) {
      mergeIndex.push({ bundlePath: new URL(delta, bundle).pathname, baseUrl: baseUrl,
                        mergeFilter: { [module.DELTA]: "1" } });
    }
    bundlePath = view.pathname;
  }
  new PagefindUI({
    element: "#search",
    bundlePath: bundlePath,
    baseUrl: baseUrl,
    mergeIndex: mergeIndex,
    // Russian counts without plural forms the UI cannot choose.
    translations: {
      zero_results: "Ничего не найдено по запросу «[SEARCH_TERM]»",
      one_result: "Найдено: 1 — по запросу «[SEARCH_TERM]»",
      many_results: "Найдено: [COUNT] — по запросу «[SEARCH_TERM]»",
    },
    showSubResults: true,
    showImages: false,
    resetStyles: false,
  });
  const input = element.querySelector("input");
  // Pagefind's box has a placeholder only: a name of its own for screen readers (WCAG 4.1.2).
  if (input) { input.setAttribute("aria-label", "Поиск по сайту"); }
  const query = new URLSearchParams(window.location.search).get("q");
  if (query && input) { input.value = query; input.dispatchEvent(new Event("input")); }
});
