/** Server-render React to HTML after every lazy part (lazily loaded widgets) has loaded. */
import type { ReactNode } from "react";
import { prerender } from "react-dom/static";

export async function renderComplete(element: ReactNode): Promise<string> {
  const { prelude } = await prerender(element);
  return new Response(prelude).text();
}
