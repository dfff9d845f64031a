import type { Sink } from '../../collector/sinks/sink';

/**
 * A switch in front of a real sink: writes pass (`open`), wait until reopened (`stall`), or are
 * refused (`fail`, the collector then answers 503). Used to simulate a broker outage.
 */
export class Gate implements Sink {
  mode: 'open' | 'stall' | 'fail' = 'open';
  private held: (() => void)[] = [];

  constructor(private readonly inner: Sink) {}

  async write(topic: string, records: Parameters<Sink['write']>[1]): Promise<void> {
    if (this.mode === 'fail') throw new Error('broker unreachable');
    if (this.mode === 'stall') await new Promise<void>((resolve) => this.held.push(resolve));
    return this.inner.write(topic, records);
  }

  /** Lets writes through again, releasing the stalled ones. */
  open(): void {
    this.mode = 'open';
    this.held.splice(0).forEach((release) => release());
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
