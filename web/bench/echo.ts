/**
 * The floor under the viewer keystroke figure, measured the same way in the same run: one input
 * whose value goes to a worker and back into 10 text nodes (what the viewer page shows), with no
 * React, no engine and no Lowcraft code. Whatever the viewer takes above this is Lowcraft's.
 */
import { installKeystrokeProbe } from "./keystrokeProbe";
import { SEARCH_READERS } from "./page";

const worker = new Worker(URL.createObjectURL(new Blob(["onmessage = (e) => postMessage(String(e.data).toUpperCase());"], { type: "text/javascript" })));
const holder = document.getElementById("echoes") as HTMLElement;
const texts = Array.from({ length: SEARCH_READERS }, (_, i) => {
  const box = document.createElement("div");
  box.dataset.widget = `SearchEcho${i}`;
  const text = document.createElement("span");
  text.className = "lc-text";
  text.textContent = ` #${i}`;
  box.append(text);
  holder.append(box);
  return text;
});
const input = document.querySelector<HTMLInputElement>('[data-widget="Search"] input') as HTMLInputElement;
input.addEventListener("input", () => worker.postMessage(input.value));
worker.onmessage = (e: MessageEvent<string>) => texts.forEach((t, i) => (t.textContent = `${e.data} #${i}`));

installKeystrokeProbe({ widgetCount: 0, ready: () => true, renderedWidgets: () => texts.length + 1 });
