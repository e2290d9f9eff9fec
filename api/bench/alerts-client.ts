// The load client of bench/alerts.ts, a process of its own (forked with an IPC channel): it opens the
// subscribers' graphql-ws sockets, one subscription each, and records when each subscriber receives each
// event. It speaks the graphql-transport-ws protocol over plain `ws` and reads only the event's marker out
// of each frame (a regular expression, no JSON parse), so the client costs the shared cores as little as
// possible. Times are epoch milliseconds with fractions (performance.timeOrigin + now()), comparable with
// the driver's.
import WebSocket from 'ws';

export interface OpenCommand {
  cmd: 'open';
  /** One entry per subscriber: the instance's ws:// URL and the credential. */
  sockets: { url: string; token: string }[];
  query: string;
  variables?: Record<string, unknown>;
  /** A regular expression whose first group names the event a frame carries (e.g. its alert id and kind). */
  marker: string;
  /** How many sockets connect at once. */
  concurrency?: number;
}
export type Command = OpenCommand | { cmd: 'collect' } | { cmd: 'close' };

export type Reply =
  | { cmd: 'opened'; open: number; failed: number; firstError: string | null }
  | {
      cmd: 'collected';
      /** marker → receipt time of each subscriber that received it (at most one per subscriber). */
      received: Record<string, number[]>;
      /** Frames that were errors, or carried errors, since the last collect. */
      errors: number;
      firstError: string | null;
      /** Sockets that closed since the last collect. */
      closed: number;
      /** Subscribers that received one marker more than once (should stay 0). */
      duplicates: number;
    }
  | { cmd: 'closed' };

const now = () => performance.timeOrigin + performance.now();

interface Subscriber {
  socket: WebSocket;
  seen: Set<string>;
}

const subscribers: Subscriber[] = [];
let received = new Map<string, number[]>();
let errors = 0;
let firstError: string | null = null;
let closed = 0;
let duplicates = 0;
let closing = false;

function send(reply: Reply): void {
  process.send!(reply);
}

function openOne(target: { url: string; token: string }, command: OpenCommand, marker: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target.url, 'graphql-transport-ws');
    const subscriber: Subscriber = { socket, seen: new Set() };
    let acknowledged = false;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${target.token}` } })));
    socket.on('message', (data) => {
      const at = now();
      const text = String(data);
      if (!acknowledged) {
        if (!text.includes('"connection_ack"')) return reject(new Error(`no acknowledgement: ${text.slice(0, 200)}`));
        acknowledged = true;
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: command.query, variables: command.variables ?? {} } }));
        subscribers.push(subscriber);
        resolve();
        return;
      }
      if (text.includes('"type":"ping"')) return socket.send('{"type":"pong"}');
      if (!text.includes('"type":"next"') || text.includes('"errors"')) {
        if (text.includes('"type":"pong"')) return;
        errors += 1;
        firstError ??= text.slice(0, 500);
        return;
      }
      const name = marker.exec(text)?.[1];
      if (!name) return;
      if (subscriber.seen.has(name)) {
        duplicates += 1;
        return;
      }
      subscriber.seen.add(name);
      let times = received.get(name);
      if (!times) received.set(name, (times = []));
      times.push(at);
    });
    socket.on('close', (code, reason) => {
      if (!acknowledged) reject(new Error(`closed before the acknowledgement: ${code} ${String(reason)}`));
      else if (!closing) {
        closed += 1;
        firstError ??= `socket closed: ${code} ${String(reason)}`;
      }
    });
    socket.on('error', (err) => {
      if (!acknowledged) reject(err);
    });
  });
}

async function open(command: OpenCommand): Promise<void> {
  const marker = new RegExp(command.marker);
  const concurrency = command.concurrency ?? 50;
  let next = 0;
  let failed = 0;
  let error: string | null = null;
  const worker = async () => {
    while (next < command.sockets.length) {
      const target = command.sockets[next++]!;
      await openOne(target, command, marker).catch((err: Error) => {
        failed += 1;
        error ??= err.message;
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  send({ cmd: 'opened', open: subscribers.length, failed, firstError: error });
}

process.on('message', (command: Command) => {
  if (command.cmd === 'open') void open(command);
  else if (command.cmd === 'collect') {
    send({ cmd: 'collected', received: Object.fromEntries(received), errors, firstError, closed, duplicates });
    received = new Map();
    errors = 0;
    firstError = null;
    closed = 0;
    duplicates = 0;
  } else if (command.cmd === 'close') {
    closing = true;
    for (const { socket } of subscribers) socket.terminate();
    send({ cmd: 'closed' });
    setTimeout(() => process.exit(0), 50);
  }
});
