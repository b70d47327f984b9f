// The part of cli-progress 3.12 (CommonJS, no bundled types) the backfill command uses.
declare module 'cli-progress' {
  interface BarOptions {
    stream?: NodeJS.WritableStream;
    format?: string;
    hideCursor?: boolean;
    clearOnComplete?: boolean;
    etaBuffer?: number;
    fps?: number;
  }

  class SingleBar {
    constructor(options: BarOptions);
    start(total: number, startValue: number, payload?: Record<string, unknown>): void;
    update(current: number, payload?: Record<string, unknown>): void;
    setTotal(total: number): void;
    stop(): void;
  }

  const cliProgress: { SingleBar: typeof SingleBar };
  export default cliProgress;
}
