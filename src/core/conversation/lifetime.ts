// What a conversation holds while it runs (listeners, effects, timers, waits), let go of at once when
// it is destroyed, so that an unmounted widget leaves nothing running.

export interface Lifetime {
  /** Destroyed: nothing new starts. */
  readonly over: boolean;
  /** Runs `cleanup` when the conversation is destroyed. */
  hold(cleanup: () => void): void;
  /** Waits `ms`; a destroy cuts the wait short, so no loop sleeps past the widget. */
  sleep(ms: number): Promise<void>;
  end(): void;
}

export function createLifetime(): Lifetime {
  let over = false;
  const cleanups = new Set<() => void>();
  return {
    get over() {
      return over;
    },
    hold(cleanup) {
      cleanups.add(cleanup);
    },
    sleep(ms) {
      return new Promise<void>((resolve) => {
        const wake = () => {
          cleanups.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        cleanups.add(wake);
      });
    },
    end() {
      over = true;
      const all = [...cleanups];
      cleanups.clear();
      all.forEach((fn) => fn());
    },
  };
}
