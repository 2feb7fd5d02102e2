// The search page: Pagefind's interface over the index built with the site. It speaks Russian by itself
// (the page is <html lang="ru">); filters come from data-pagefind-filter attributes on the pages.
window.addEventListener("DOMContentLoaded", () => {
  const element = document.getElementById("search");
  const bundle = new URL(element.dataset.bundle, window.location.href);
  new PagefindUI({
    element: "#search",
    bundlePath: element.dataset.bundle,
    // Results link from the site's own root, so the site works under a sub-path too.
    baseUrl: new URL("../", bundle).pathname,
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
