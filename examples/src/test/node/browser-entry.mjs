// The part of the AI SDK the chat page uses, bundled for the browser by bundle.mjs (`npm run bundle`)
// for the page's browser test (ChatPageBrowserTest).
export { DefaultChatTransport, readUIMessageStream } from 'ai';
