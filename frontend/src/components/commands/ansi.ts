// Turns tagged output chunks into inert HTML: ANSI colours become styled spans, everything
// else (tags, entities, links) is escaped. One AnsiUp per stream keeps colour state across chunks.

import { AnsiUp } from "ansi_up";

export interface Segment {
  key: number;
  stream: string;
  html: string;
  size: number;
}

function makeConverter(): AnsiUp {
  const converter = new AnsiUp();
  converter.escape_html = true;
  // Classes for the 16 basic colours, so commands.css can give them a palette readable on the
  // dark theme (the default dark blue is nearly invisible); 256/true colours stay inline.
  converter.use_classes = true;
  // No clickable OSC 8 links from command output: output is data, never navigation.
  converter.url_allowlist = {};
  return converter;
}

/** Keeps at most `maxChars` of rendered output; the oldest segments go first. */
export class OutputRenderer {
  private converters = new Map<string, AnsiUp>();
  private nextKey = 0;
  segments: Segment[] = [];
  size = 0;
  droppedChars = 0;

  constructor(private readonly maxChars = 2_000_000) {}

  append(stream: string, text: string): void {
    let converter = this.converters.get(stream);
    if (!converter) {
      converter = makeConverter();
      this.converters.set(stream, converter);
    }
    const html = converter.ansi_to_html(text);
    if (!html) return;
    const last = this.segments[this.segments.length - 1];
    // Merge consecutive chunks of one stream so a chatty command does not create many nodes.
    if (last && last.stream === stream && last.size < 16_384) {
      this.segments[this.segments.length - 1] = { ...last, html: last.html + html, size: last.size + text.length };
    } else {
      this.segments.push({ key: this.nextKey++, stream, html, size: text.length });
    }
    this.size += text.length;
    while (this.size > this.maxChars && this.segments.length > 1) {
      const dropped = this.segments.shift();
      if (!dropped) break;
      this.size -= dropped.size;
      this.droppedChars += dropped.size;
    }
  }

  reset(): void {
    this.converters.clear();
    this.segments = [];
    this.size = 0;
    this.droppedChars = 0;
  }
}
