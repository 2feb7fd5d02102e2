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
