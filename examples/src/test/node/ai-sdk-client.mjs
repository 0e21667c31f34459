// Asks dspy4j's AI SDK chat endpoint one question with the AI SDK's own client code
// (DefaultChatTransport + readUIMessageStream, as useChat does) and prints what it read as one JSON
// line. Run by AiSdkClientTest:
//   node ai-sdk-client.mjs --api http://127.0.0.1:PORT/api/chat --question "..." [--abort-after-chars N]
// With --abort-after-chars the client aborts (like useChat's stop()) once that much reasoning arrived.
import { DefaultChatTransport, readUIMessageStream } from 'ai';

function options(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  if (!out.api || !out.question) throw new Error('--api and --question are required');
  return out;
}

const args = options(process.argv.slice(2));
const abortAfter = args['abort-after-chars'] ? Number(args['abort-after-chars']) : 0;
const controller = new AbortController();
const started = Date.now();
const chunkLog = []; // [type, milliseconds since start]

const transport = new DefaultChatTransport({ api: args.api });
const chunks = await transport.sendMessages({
  chatId: 'chat-1',
  trigger: 'submit-message',
  messageId: undefined,
  messages: [{ id: 'user-1', role: 'user', parts: [{ type: 'text', text: args.question }] }],
  abortSignal: controller.signal,
});

const recorded = chunks.pipeThrough(new TransformStream({
  transform(chunk, c) {
    chunkLog.push([chunk.type, Date.now() - started]);
    c.enqueue(chunk);
  },
}));

const errors = [];
const reasoningLengths = new Set();
const textLengths = new Set();
let message;
let reasoningAtAbort = null;
const partText = (m, type) => m.parts.filter(p => p.type === type).map(p => p.text).join('');

try {
  for await (const snapshot of readUIMessageStream({ stream: recorded, onError: e => errors.push(String(e?.message ?? e)) })) {
    message = snapshot;
    const reasoning = partText(snapshot, 'reasoning');
    reasoningLengths.add(reasoning.length);
    textLengths.add(partText(snapshot, 'text').length);
    if (abortAfter > 0 && reasoning.length >= abortAfter && !controller.signal.aborted) {
      reasoningAtAbort = reasoning;
      controller.abort();
    }
  }
} catch (e) {
  if (!controller.signal.aborted) throw e;
}

const reasoning = message ? partText(message, 'reasoning') : '';
const text = message ? partText(message, 'text') : '';
const partial = (lengths, full) => [...lengths].filter(n => n > 0 && n < full.length).length;
const prediction = message?.parts.find(p => p.type === 'data-prediction')?.data ?? null;
console.log(JSON.stringify({
  aborted: controller.signal.aborted,
  reasoningAtAbort,
  reasoning,
  text,
  prediction,
  statuses: message ? message.parts.filter(p => p.type === 'data-status').map(p => p.data.message) : [],
  partialReasoningLengths: partial(reasoningLengths, reasoning),
  partialTextLengths: partial(textLengths, text),
  chunkTypes: chunkLog.map(([type]) => type),
  firstTextDeltaMs: chunkLog.find(([type]) => type === 'text-delta')?.[1] ?? null,
  finishMs: chunkLog.find(([type]) => type === 'finish')?.[1] ?? null,
  errors,
}));
