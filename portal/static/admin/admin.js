// Markdown preview without reloading the page. Without JavaScript the «Предпросмотр» button submits the form
// and the server renders the same preview, so nothing depends on this file.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-preview-button]");
  if (!button) return;
  const form = button.form;
  const previewUrl = document.querySelector("a.brand").getAttribute("href").replace(/\/?$/, "/preview");
  button.addEventListener("click", async (event) => {
    event.preventDefault();
    const token = form.querySelector("input[name=csrf_token]")?.value ?? "";
    for (const box of form.querySelectorAll("[data-preview-for]")) {
      const source = document.getElementById(box.dataset.previewFor);
      const body = new FormData();
      body.append("csrf_token", token);
      body.append("text", source.value);
      const response = await fetch(previewUrl, { method: "POST", body, credentials: "same-origin" });
      const target = box.querySelector(".preview-body");
      if (response.ok) {
        target.innerHTML = (await response.json()).html; // sanitized by the server (nh3)
      } else {
        target.textContent = "Не удалось построить предпросмотр. Обновите страницу.";
      }
      box.hidden = false;
    }
  });
});

// The public link of a questionnaire: selected whole on focus, ready to copy.
document.addEventListener("DOMContentLoaded", () => {
  for (const input of document.querySelectorAll("[data-select-on-focus]")) {
    input.addEventListener("focus", () => input.select());
  }
});

// On a phone the menu is a strip that scrolls sideways: bring the current section into view.
document.addEventListener("DOMContentLoaded", () => {
  const current = document.querySelector(".menu [aria-current]");
  const strip = current?.closest("ul");
  if (strip && strip.scrollWidth > strip.clientWidth) {
    strip.scrollLeft = current.offsetLeft - strip.offsetLeft - 16;
  }
});

// The conflict screen: «Взять сохранённое» puts the other editor's saved value into this form's field.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-take-into]")) {
    button.addEventListener("click", () => {
      const field = document.getElementById(button.dataset.takeInto);
      if (!field) return;
      field.value = button.dataset.takeValue;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      button.textContent = "Взято";
      field.focus();
    });
  }
});

// Markdown fields for people who never heard of Markdown: a toolbar (headings, bold, lists, links), a preview
// beside the text that follows the typing, and a paste from Word that keeps headings, lists, bold and tables
// (the server turns the clipboard's HTML into Markdown; what is saved is sanitized as anything typed).
document.addEventListener("DOMContentLoaded", () => {
  const brand = document.querySelector("a.brand");
  if (!brand) return;
  const base = brand.getAttribute("href").replace(/\/?$/, "/");
  const token = () => document.querySelector("input[name=csrf_token]")?.value ?? "";

  const wrap = (area, before, after, placeholder) => {
    const [start, end] = [area.selectionStart, area.selectionEnd];
    const chosen = area.value.slice(start, end) || placeholder;
    area.setRangeText(before + chosen + after, start, end, "end");
    area.focus();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const lines = (area, prefix) => {
    const start = area.value.lastIndexOf("\n", area.selectionStart - 1) + 1;
    const end = area.selectionEnd;
    const chosen = area.value.slice(start, end) || "текст";
    const marked = chosen.split("\n").map((line, i) => prefix(i) + line.replace(/^(#+ |- |\d+\. )/, "")).join("\n");
    area.setRangeText(marked, start, Math.max(end, start), "end");
    area.focus();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const TOOLS = [
    ["Заголовок", "З", (a) => lines(a, () => "## ")],
    ["Подзаголовок", "з", (a) => lines(a, () => "### ")],
    ["Жирный", "Ж", (a) => wrap(a, "**", "**", "важное")],
    ["Курсив", "К", (a) => wrap(a, "*", "*", "текст")],
    ["Список", "•", (a) => lines(a, () => "- ")],
    ["Нумерованный список", "1.", (a) => lines(a, (i) => `${i + 1}. `)],
    ["Ссылка", "Ссылка", (a) => {
      const url = window.prompt("Адрес ссылки (https://…):", "https://");
      if (url && /^(https?:\/\/|mailto:)/.test(url)) wrap(a, "[", `](${url})`, "текст ссылки");
    }],
    ["Картинка из медиатеки", "Картинка", (a) => pickPicture(a)],
  ];

  // «Картинка»: a dialog with the library's pictures (this organisation's and municipal ones); the chosen one
  // goes into the text as Markdown with its description; the site publishes the file with the page.
  let dialog;
  const pickPicture = (area) => {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "picture-picker";
      dialog.setAttribute("aria-labelledby", "picture-picker-title");
      dialog.innerHTML = `<h2 id="picture-picker-title">Картинка из медиатеки</h2>
        <label>Найти <input type="search" name="picture-search" autocomplete="off"></label>
        <p class="hint">Нужной нет? <a href="${base}media/new" target="_blank" rel="noopener">Загрузите её в медиатеку</a>,
        затем найдите здесь.</p>
        <ul class="picture-grid" role="list"></ul>
        <p><button type="button" class="secondary" data-close>Закрыть</button></p>`;
      document.body.append(dialog);
      dialog.querySelector("[data-close]").addEventListener("click", () => dialog.close());
      let timer;
      dialog.querySelector("input").addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(() => load(dialog.querySelector("input").value), 300);
      });
    }
    const grid = dialog.querySelector(".picture-grid");
    const load = async (query) => {
      const response = await fetch(`${base}media/pictures?q=${encodeURIComponent(query)}`, { credentials: "same-origin" });
      const pictures = response.ok ? await response.json() : [];
      grid.replaceChildren();
      if (!pictures.length) {
        const empty = document.createElement("li");
        empty.textContent = query ? "Ничего не найдено." : "В медиатеке пока нет изображений.";
        grid.append(empty);
      }
      for (const picture of pictures) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "picture-choice";
        const image = document.createElement("img");
        image.src = picture.thumbnail;
        image.alt = "";
        image.loading = "lazy";
        const caption = document.createElement("span");
        caption.textContent = picture.title;
        button.append(image, caption);
        button.addEventListener("click", () => {
          const alt = picture.alt.replace(/[\[\]\n]/g, " ");
          const before = area.value.slice(0, area.selectionStart);
          const lead = !before || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
          area.setRangeText(`${lead}![${alt}](${picture.src})\n`, area.selectionStart, area.selectionEnd, "end");
          dialog.close();
          area.focus();
          area.dispatchEvent(new Event("input", { bubbles: true }));
        });
        item.append(button);
        grid.append(item);
      }
    };
    load(dialog.querySelector("input").value);
    dialog.showModal();
  };

  for (const area of document.querySelectorAll("textarea[name$='_md']")) {
    const bar = document.createElement("div");
    bar.className = "md-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Оформление текста");
    bar.setAttribute("aria-controls", area.id);
    for (const [label, text, act] of TOOLS) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = text;
      button.title = label;
      button.setAttribute("aria-label", label);
      button.addEventListener("click", () => act(area));
      bar.append(button);
    }
    area.before(bar);

    // The preview beside the text, following the typing (a pause of 0.6 s between requests).
    const box = document.querySelector(`[data-preview-for="${area.id}"]`);
    if (box) {
      let timer;
      area.closest(".field")?.classList.add("with-live-preview");
      const refresh = async () => {
        const body = new FormData();
        body.append("csrf_token", token());
        body.append("text", area.value);
        const response = await fetch(base + "preview", { method: "POST", body, credentials: "same-origin" });
        if (response.ok) {
          box.querySelector(".preview-body").innerHTML = (await response.json()).html; // sanitized (nh3)
          box.hidden = false;
        }
      };
      area.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, 600); });
    }

    area.addEventListener("paste", async (event) => {
      const html = event.clipboardData?.getData("text/html");
      if (!html) return; // plain text pastes as it is
      event.preventDefault();
      const body = new FormData();
      body.append("csrf_token", token());
      body.append("html", new Blob([html], { type: "text/html" }), "paste.html");
      const response = await fetch(base + "markdown/from-html", { method: "POST", body, credentials: "same-origin" });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        // Headings, lists and tables start a block of their own, even when pasted in the middle of a line.
        const block = /\n|^(#|- |\d+\. |\|)/.test(answer.markdown);
        const before = area.value.slice(0, area.selectionStart);
        const lead = !block || !before || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
        area.setRangeText(lead + answer.markdown + (block ? "\n" : ""), area.selectionStart, area.selectionEnd, "end");
      } else {
        area.setRangeText(event.clipboardData.getData("text/plain"), area.selectionStart, area.selectionEnd, "end");
        if (answer.error) window.alert(answer.error);
      }
      area.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }
});

// Lists: «отметить все на странице» (without JavaScript each row is ticked on its own).
document.addEventListener("DOMContentLoaded", () => {
  const all = document.querySelector("[data-check-all]");
  if (!all) return;
  const boxes = [...document.querySelectorAll("input[name=ids]")];
  all.hidden = false;
  all.addEventListener("change", () => { for (const box of boxes) box.checked = all.checked; });
});
