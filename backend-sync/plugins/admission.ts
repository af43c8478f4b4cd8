import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../errors';

export interface AdmissionOptions {
  /** Requests processed at once; the others wait their turn. */
  concurrency: number;
  /** Requests allowed to wait; one more is refused with 503 and Retry-After. */
  queue: number;
  /** Retry-After of that refusal, in seconds. */
  retryAfterSeconds: number;
}

type Ticket = { state: 'waiting' | 'active' | 'done'; admit: () => void };

/**
 * Bounded admission for the upload routes (audit and account changes from store PCs).
 *
 * When hundreds of PCs come back online together, every upload would otherwise be read,
 * parsed and validated at once and then wait for the database (one SQLite writer, or a pool of
 * PostgreSQL connections) with its whole body on the heap: memory grows with the number of PCs,
 * not with the work the database can do. Here at most `concurrency` uploads are admitted; the
 * others wait in `onRequest`, before Fastify reads their body, so it stays in the socket (TCP
 * flow control holds it on the PC) instead of on the server's heap. Waiting is first come, first
 * served. Past `queue` waiting requests the server answers 503 with Retry-After at once, which
 * the PC's sync engine treats as "back off and retry" (nothing is lost: its outbox keeps it).
 *
 * Invariant: every admitted request gives its slot back exactly once, when its response is sent
 * or its client goes away, and a waiting request whose client goes away leaves the queue.
 */
export function createAdmission(options: AdmissionOptions) {
  const tickets = new WeakMap<FastifyRequest, Ticket>();
  const waiting: Ticket[] = [];
  let active = 0;

  const handOn = () => {
    const next = waiting.shift();
    if (!next) {
      active -= 1;
      return;
    }
    next.state = 'active'; // the slot passes straight on: `active` does not change
    next.admit();
  };

  const finish = (request: FastifyRequest) => {
    const ticket = tickets.get(request);
    if (!ticket || ticket.state === 'done') return;
    const wasActive = ticket.state === 'active';
    ticket.state = 'done';
    if (wasActive) return handOn();
    // A waiter whose client left: out of the queue, and its hook returns (and refuses it).
    waiting.splice(waiting.indexOf(ticket), 1);
    ticket.admit();
  };

  return {
    /**
     * `onRequest` hook of the guarded routes. The slot is given back when the response closes:
     * Node emits 'close' once the answer is sent and also when the connection drops first,
     * whether the request was waiting, being processed, or answering.
     */
    async enter(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      if (active >= options.concurrency && waiting.length >= options.queue) {
        throw busy(reply, options);
      }
      reply.raw.once('close', () => finish(request));
      if (active < options.concurrency) {
        active += 1;
        tickets.set(request, { state: 'active', admit: () => undefined });
        return;
      }
      const ticket: Ticket = { state: 'waiting', admit: () => undefined };
      tickets.set(request, ticket);
      waiting.push(ticket);
      await new Promise<void>((resolve) => (ticket.admit = resolve));
      if (ticket.state === 'done') throw busy(reply, options);
    },
    /** For tests and metrics: requests processing and waiting now. */
    load(): { active: number; waiting: number } {
      return { active, waiting: waiting.length };
    },
  };
}

export type Admission = ReturnType<typeof createAdmission>;

function busy(reply: FastifyReply, options: AdmissionOptions): HttpError {
  reply.header('retry-after', String(options.retryAfterSeconds));
  return new HttpError(503, 'server_busy', 'The server is busy. Try again shortly.');
}
