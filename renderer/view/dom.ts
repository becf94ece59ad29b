/** Small DOM helpers shared by the views. Text always goes through textContent, never HTML. */

export const byId = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`missing #${id} in index.html`);
  return element as T;
};

/** A span with the Vietnamese or English class, so both languages are styled alike everywhere. */
export function langSpan(lang: 'vi' | 'en', text: string): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = lang;
  span.textContent = text;
  return span;
}

/** Shows a bilingual message in an alert line, or hides the line when there is none. */
export function setAlert(element: HTMLElement, message: { vi: string; en: string } | undefined, detail?: string): void {
  element.hidden = message === undefined;
  if (message === undefined) {
    element.replaceChildren();
    return;
  }
  const parts: Node[] = [langSpan('vi', message.vi), document.createTextNode(' · '), langSpan('en', message.en)];
  if (detail !== undefined) parts.push(document.createTextNode(` (${detail})`));
  element.replaceChildren(...parts);
}
