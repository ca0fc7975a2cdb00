/**
 * The Jest environment of component tests (`@jest-environment ./__tests__/setup/jsdom-environment.ts`):
 * jsdom, plus what jsdom lacks and the tests need.
 *
 * - Node's fetch and its family. jsdom has no fetch, Request, Response, streams or
 *   BroadcastChannel, and its own AbortSignal, Blob, URL and TextEncoder are not the ones
 *   Node's fetch accepts. msw 2 intercepts Node's fetch, so the page's `fetch` must be it.
 *   Blob, File and FormData stay jsdom's: its FileReader (the clipboard of user-event) and
 *   `new FormData(form)` need them, and the pages send JSON only.
 * - Node's export conditions: jsdom's default ("browser") would load msw's browser build,
 *   which has no `setupServer`.
 * - `<dialog>`'s showModal() and close(), which jsdom does not implement; the confirmation
 *   dialogs (app/_components/confirm-dialog.tsx) call them.
 * - `isSecureContext`, which jsdom leaves undefined: the app is served over https (or from
 *   localhost in development), where browsers set it, and the copy buttons check it.
 */
import { TestEnvironment } from "jest-environment-jsdom";

const NODE_GLOBALS = [
  "fetch",
  "Request",
  "Response",
  "Headers",
  "ReadableStream",
  "WritableStream",
  "TransformStream",
  "TextEncoder",
  "TextDecoder",
  "TextEncoderStream",
  "TextDecoderStream",
  "BroadcastChannel",
  "AbortController",
  "AbortSignal",
  "URL",
  "URLSearchParams",
  "structuredClone",
] as const;

export default class ComponentTestEnvironment extends TestEnvironment {
  customExportConditions = ["node", "node-addons"];

  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    const global = this.global as unknown as Record<string, unknown>;
    for (const name of NODE_GLOBALS) global[name] = globalThis[name];
    addDialogMethods(this.global as unknown as Window & typeof globalThis);
    Object.defineProperty(this.global, "isSecureContext", { value: true, configurable: true });
  }
}

/** Modal-ness is the browser's concern; the tests need the `open` state and the `close` event. */
function addDialogMethods(window: Window & typeof globalThis): void {
  const prototype = window.HTMLDialogElement.prototype;
  prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  prototype.show = prototype.showModal;
  prototype.close = function close(this: HTMLDialogElement) {
    if (!this.hasAttribute("open")) return;
    this.removeAttribute("open");
    this.dispatchEvent(new window.Event("close"));
  };
}
