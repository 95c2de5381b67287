import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A fake OpenAI-compatible chat-completions endpoint (`POST {base}/chat/completions`), built from
 * the published contract: a JSON body with `model` and `messages`, `Authorization: Bearer`, an
 * answer `{id, object: "chat.completion", choices: [{message: {role, content}}], usage}` or an
 * error `{error: {message, type, code}}` with its HTTP status. A real node:http server on
 * loopback port 0 that records every request; `reply` decides each answer: content (optionally
 * after a delay), an HTTP error, or nothing until the client gives up.
 */

const MessageSchema = z.object({ role: z.enum(['system', 'user', 'assistant', 'developer']), content: z.string() });
export const ChatRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(MessageSchema).min(1),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().positive().optional(),
    max_completion_tokens: z.number().int().positive().optional(),
    response_format: z.object({ type: z.enum(['text', 'json_object', 'json_schema']) }).loose().optional(),
    stream: z.boolean().optional(),
  })
  .loose();
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

export type FakeAnswer =
  | { kind: 'content'; content: string; delayMs?: number }
  | { kind: 'status'; status: number; message?: string }
  | { kind: 'hang' };

export interface RecordedChatRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: ChatRequest;
  /** The client closed the connection before the answer was written. */
  abandoned: boolean;
  /** The answer was written in full. */
  answered: boolean;
  /** Settles when this request is over either way. */
  settled: Promise<void>;
}

export interface FakeOpenAi {
  /** Base URL to configure (`…/v1`). */
  baseUrl: string;
  requests: RecordedChatRequest[];
  /** How to answer each request (default: HTTP 500). */
  answer: (request: ChatRequest) => FakeAnswer;
  close(): Promise<void>;
}

export async function startFakeOpenAi(answer: (request: ChatRequest) => FakeAnswer = () => ({ kind: 'status', status: 500 })): Promise<FakeOpenAi> {
  const fake: FakeOpenAi = { baseUrl: '', requests: [], answer, close: async () => undefined };
  let served = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const error = (status: number, message: string, type = 'invalid_request_error') => send(status, { error: { message, type, code: null } });

      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return error(404, `no route ${req.method} ${req.url}`);
      if (!/^Bearer \S+$/.test(req.headers.authorization ?? '')) return error(401, 'missing bearer token', 'authentication_error');
      let parsed: ChatRequest;
      try {
        parsed = ChatRequestSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        return error(400, `invalid request: ${(e as Error).message.slice(0, 200)}`);
      }
      // JSON mode refuses messages that never say "json" (OpenAI, DashScope).
      if (parsed.response_format?.type === 'json_object' && !parsed.messages.some((m) => /json/i.test(m.content))) {
        return error(400, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.");
      }

      let settle!: () => void;
      const record: RecordedChatRequest = { method: req.method, path: req.url, headers: req.headers, body: parsed, abandoned: false, answered: false, settled: new Promise((r) => (settle = r)) };
      fake.requests.push(record);
      res.on('close', () => {
        if (!record.answered) record.abandoned = true;
        settle();
      });
      res.on('finish', () => {
        record.answered = true;
      });

      const decided = fake.answer(parsed);
      if (decided.kind === 'hang') return;
      if (decided.kind === 'status') return error(decided.status, decided.message ?? `fake ${decided.status}`, decided.status === 429 ? 'rate_limit_error' : 'server_error');
      const write = () =>
        send(200, {
          id: `chatcmpl-fake-${++served}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: parsed.model,
          choices: [{ index: 0, message: { role: 'assistant', content: decided.content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
        });
      if (decided.delayMs) {
        const timer = setTimeout(write, decided.delayMs);
        res.on('close', () => clearTimeout(timer));
      } else write();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
