// Microsoft's own Direct Line client (botframework-directlinejs, as Web Chat uses it) in Node, to
// check the demo service against it. It needs a browser's XMLHttpRequest and WebSocket: xhr2 and
// ws, set as globals before it loads (it tests `typeof WebSocket` when constructed). xhr2 cannot
// send a FormData (the library uploads files as one), so the XMLHttpRequest here serialises it the
// way a browser does (the platform's own multipart encoder) and then sends the bytes.
//
// Its timers can run faster than the clock: it refreshes tokens every 15 minutes and waits 3 to
// 15 s before reconnecting a stream, which a test cannot wait for. `clock: n` gives it an rxjs
// scheduler whose time runs n times faster (its intervals, delays and its own notion of now), so
// its behaviour is unchanged, only sooner.
import { WebSocket } from 'ws';
import XHR2 from 'xhr2';
import { AsyncAction } from 'rxjs/scheduler/AsyncAction';
import { AsyncScheduler } from 'rxjs/scheduler/AsyncScheduler';
import type { Subscription } from 'rxjs/Subscription';
import type { DLActivity } from './directline';

class XMLHttpRequestWithFormData extends XHR2 {
  override send(body?: unknown): void {
    if (typeof FormData !== 'undefined' && body instanceof FormData) {
      const encoded = new Response(body);
      void encoded.arrayBuffer().then((bytes) => {
        this.setRequestHeader('Content-Type', encoded.headers.get('content-type') ?? 'multipart/form-data');
        super.send(Buffer.from(bytes));
      });
      return;
    }
    super.send(body as XMLHttpRequestBodyInit | null);
  }
}

const g = globalThis as Record<string, unknown>;
g.XMLHttpRequest ??= XMLHttpRequestWithFormData;
g.WebSocket ??= WebSocket;

const lib = await import('botframework-directlinejs');
export const { DirectLine, ConnectionStatus } = lib;
export type DirectLineJs = InstanceType<typeof DirectLine>;
type Options = ConstructorParameters<typeof DirectLine>[0];

/** An rxjs scheduler whose time runs `factor` times faster than the wall clock. */
function fastScheduler(factor: number): AsyncScheduler {
  const started = Date.now();
  class FastAction<T> extends AsyncAction<T> {
    protected override requestAsyncId(scheduler: AsyncScheduler, id?: unknown, delay = 0): unknown {
      return super.requestAsyncId(scheduler, id, delay / factor);
    }
  }
  return new AsyncScheduler(FastAction as never, () => started + (Date.now() - started) * factor);
}

export interface Connected {
  dl: DirectLineJs;
  /** Every activity it emitted, in order (its own echoes included, as Web Chat sees them). */
  activities: DLActivity[];
  statuses: number[];
  /** What its observables ended with, if they failed (e.g. "failed to connect"). */
  errors: Error[];
  post(activity: DLActivity): Promise<string>;
  end(): void;
}

/** A DirectLine instance with its activities and statuses recorded. */
export function connect(options: Options & { clock?: number }): Connected {
  const { clock, ...rest } = options;
  const dl = new DirectLine({ ...rest, ...(clock && clock !== 1 ? { scheduler: fastScheduler(clock) } : {}) } as Options);
  const activities: DLActivity[] = [];
  const statuses: number[] = [];
  const errors: Error[] = [];
  const subscriptions: Subscription[] = [];
  subscriptions.push(
    dl.connectionStatus$.subscribe(
      (s) => statuses.push(s),
      (e: Error) => errors.push(e),
    ),
  );
  subscriptions.push(
    dl.activity$.subscribe(
      (a) => activities.push(a as unknown as DLActivity),
      (e: Error) => errors.push(e),
    ),
  );
  return {
    dl,
    activities,
    statuses,
    errors,
    post: (activity) =>
      new Promise<string>((resolve, reject) => {
        dl.postActivity(activity as never).subscribe(
          (id: string) => (id === 'retry' ? reject(new Error('the post failed (DirectLineJS says "retry")')) : resolve(id)),
          (error: { status?: number; message?: string }) => reject(Object.assign(new Error(`post failed: ${error.status ?? ''} ${error.message ?? ''}`), { status: error.status })),
        );
      }),
    end: () => {
      dl.end();
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}
