/** What the endpoint takes, and what the logger therefore never sends: every limit here sits just inside the endpoint's. */
export const limits = {
  /** The endpoint's body limit is 64 KB; a batch stays under it with room for its head. */
  maxBodyBytes: 60_000,
  /** The endpoint takes messages of up to 8,192 characters. */
  maxMessageChars: 8_000,
  /** The endpoint takes 64 fields besides ts, level, env and message; the logger adds correlation_id, session_id, page. */
  maxFields: 60,
  maxFieldNameChars: 64,
  /** Objects and arrays nested in a field, counted from the field (the endpoint takes 4). */
  maxDepth: 4,
};

/** Keys the endpoint reads as the entry's own: a field of that name is sent as field_<name>. */
export const reservedKeys = new Set(["ts", "level", "message", "msg", "env"]);

/** UTF-8 bytes of a string, as the endpoint will count them. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes += 1;
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else {
      bytes += 3;
    }
  }

  return bytes;
}

/** The string with every lone surrogate (half an emoji) replaced by U+FFFD: the endpoint refuses text that is not Unicode. */
export function wellFormed(text: string): string {
  const s = text as string & { toWellFormed?: () => string };
  if (typeof s.toWellFormed === "function") {
    return s.toWellFormed();
  }

  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}

/** At most max characters, never ending in half of a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }

  const end = (text.charCodeAt(max - 1) & 0xfc00) === 0xd800 ? max - 1 : max;
  return text.slice(0, end);
}

/**
 * A field value as the endpoint takes it: strings well formed, names cut, nesting beyond the endpoint's depth sent as
 * JSON text, an Error as the contract's error object, what cannot be serialised as a note.
 */
export function plain(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    return { type: value.name, message: wellFormed(value.message), stack: value.stack === undefined ? undefined : wellFormed(value.stack) };
  }

  if (typeof value === "string") {
    return wellFormed(value);
  }

  if (typeof value === "function" || typeof value === "symbol") {
    return undefined;
  }

  if (typeof value === "bigint") {
    return value.toString();
  }

  if (value === null || typeof value !== "object") {
    return value;
  }

  try {
    if (depth >= limits.maxDepth) {
      return cut(wellFormed(JSON.stringify(value) ?? ""), 2_000);
    }

    if (Array.isArray(value)) {
      return value.map((item) => plain(item, depth + 1) ?? null);
    }

    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      out[cut(wellFormed(key === "" ? "field_empty" : key), limits.maxFieldNameChars)] = plain((value as Record<string, unknown>)[key], depth + 1);
    }

    return out;
  } catch {
    return "[unserializable]";
  }
}
