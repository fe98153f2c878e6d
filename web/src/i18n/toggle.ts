import { byId } from "../dom.ts";
import { applyTo, locale, onLocaleChange, setLocale } from "./index.ts";

// The switch is labelled in the language it switches to, and says so with
// `lang` so that screen readers pronounce it right.
export function setupLanguage(): void {
  applyTo(document);
  const button = byId<HTMLButtonElement>("lang-toggle");
  const sync = () => button.setAttribute("lang", locale() === "vi" ? "en" : "vi");
  button.addEventListener("click", () => setLocale(locale() === "vi" ? "en" : "vi"));
  sync();
  onLocaleChange(sync);
}
