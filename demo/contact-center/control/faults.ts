import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The next `count` requests matching `route` fail as told (tests of retries and outages). */
export interface Fault {
  /** "METHOD /path", the path either concrete or a pattern with {param} or :param parts. */
  route: string;
  /** HTTP status to answer; 0 drops the connection with no answer. */
  status: number;
  count: number;
  delayMs: number;
  /** Handle the request for real, then answer with `status` anyway (an ambiguous failure). */
  process: boolean;
}

export class FaultError extends Error {}

export function parseFaults(raw: unknown): Fault[] {
  if (!Array.isArray(raw)) throw new FaultError('"faults" must be an array');
  return raw.map((f, i) => {
    if (typeof f !== 'object' || f === null) throw new FaultError(`faults[${i}] must be an object`);
    const { route, status, count = 1, delayMs = 0, process = false } = f as Record<string, unknown>;
    if (typeof route !== 'string' || !/^(GET|POST|PUT|PATCH|DELETE|OPTIONS) \/\S*$/.test(route)) {
      throw new FaultError(`faults[${i}].route must look like "POST /chat-gateway/v1/conversations"`);
    }
    if (!Number.isInteger(status) || ((status as number) !== 0 && ((status as number) < 100 || (status as number) > 599))) {
      throw new FaultError(`faults[${i}].status must be 0 (drop the connection) or an HTTP status`);
    }
    if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 100_000) throw new FaultError(`faults[${i}].count must be a positive integer`);
    if (!Number.isInteger(delayMs) || (delayMs as number) < 0 || (delayMs as number) > 120_000) throw new FaultError(`faults[${i}].delayMs must be 0 to 120000`);
    if (typeof process !== 'boolean') throw new FaultError(`faults[${i}].process must be a boolean`);
    return { route: normalise(route), status: status as number, count: count as number, delayMs: delayMs as number, process };
  });
}

const normalise = (route: string) => route.replace(/\{([^}]+)\}/g, ':$1').replace(/\/+$/, '');

function errorBody(path: string, status: number) {
  const message = `Injected fault: status ${status}`;
  if (path.startsWith('/api/v2')) return { statusCode: status >= 500 ? 4 : 1, statusMessage: message };
  if (path.startsWith('/chat-gateway')) return { message, errors: [{ code: 'injected_fault', message }] };
  return { error: message };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Installs the fault hooks on the root app; returns the live list the control API edits. */
export function installFaults(app: FastifyInstance): Fault[] {
  const faults: Fault[] = [];

  const take = (request: FastifyRequest): Fault | undefined => {
    if (faults.length === 0) return undefined;
    const path = request.url.split('?')[0]!.replace(/\/+$/, '');
    const pattern = (request.routeOptions.url ?? '').replace(/\/+$/, '');
    const index = faults.findIndex((f) => f.route === `${request.method} ${path}` || f.route === `${request.method} ${pattern}`);
    if (index < 0) return undefined;
    const fault = faults[index]!;
    if (--fault.count <= 0) faults.splice(index, 1);
    return fault;
  };

  app.addHook('onRequest', async (request, reply) => {
    const fault = take(request);
    if (!fault) return;
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.process) {
      request.injectedFault = fault;
      return;
    }
    if (fault.status === 0) {
      reply.hijack();
      request.raw.socket.destroy();
      return reply;
    }
    reply.code(fault.status).send(errorBody(request.url, fault.status));
    return reply;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const fault = request.injectedFault;
    if (!fault) return payload;
    request.injectedFault = undefined;
    if (fault.status === 0) {
      request.raw.socket.destroy();
      return payload;
    }
    reply.code(fault.status).type('application/json');
    return JSON.stringify(errorBody(request.url, fault.status));
  });

  return faults;
}

declare module 'fastify' {
  interface FastifyRequest {
    injectedFault?: Fault | undefined;
  }
}
