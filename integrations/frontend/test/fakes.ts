import type { Clock, SendResult, Transport } from "../src/index.js";

/** A clock whose time moves only when the test says, running the timers that fall due. */
export class FakeClock implements Clock {
  time = 1_796_380_200_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;

  now() {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number) {
    const id = this.next++;
    this.timers.push({ at: this.time + ms, fn, id });
    return id;
  }

  clearTimeout(handle: unknown) {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  get pending() {
    return this.timers.length;
  }

  /** Moves time on, running each timer that falls due (and letting the promises it starts settle). */
  async advance(ms: number) {
    const end = this.time + ms;
    for (;;) {
      // What is under way (a send answering) may schedule the next timer: it is let finish first.
      await settle();
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > end) {
        break;
      }

      this.timers.shift();
      this.time = due.at;
      due.fn();
      await settle();
    }

    this.time = end;
    await settle();
  }
}

/** Lets every promise the last timer started run to its end (a send, its answer, the retry it schedules). */
export async function settle() {
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** An endpoint that answers as the test scripts it, keeping every body it was sent. */
export class FakeTransport implements Transport {
  bodies: string[] = [];
  beacons: string[] = [];
  answers: SendResult[] = [];
  beaconAccepts = true;

  async send(_url: string, body: string): Promise<SendResult> {
    this.bodies.push(body);
    return this.answers.shift() ?? { ok: true };
  }

  beacon(_url: string, body: string) {
    if (!this.beaconAccepts) {
      return false;
    }

    this.beacons.push(body);
    return true;
  }

  /** Every entry sent so far, by request or beacon. */
  get entries(): Record<string, unknown>[] {
    return [...this.bodies, ...this.beacons].flatMap((b) => (JSON.parse(b) as { entries: Record<string, unknown>[] }).entries);
  }
}

/** localStorage as a page has it: text by key. */
export class MemoryStorage {
  private items = new Map<string, string>();

  getItem(key: string) {
    return this.items.get(key) ?? null;
  }

  setItem(key: string, value: string) {
    this.items.set(key, value);
  }

  removeItem(key: string) {
    this.items.delete(key);
  }
}
