// Lines of the --live TUI as styled spans: fitting them to the terminal width (counting visible characters only)
// and turning them into text with or without ANSI colours. Must not decide what is shown, nor write anywhere.

export type SpanStyle = 'bold' | 'dim' | 'green' | 'yellow' | 'red' | 'cyan';

export interface Span {
  text: string;
  style?: SpanStyle;
}

export type StyledLine = Span[];

const SGR: Readonly<Record<SpanStyle, string>> = { bold: '1', dim: '2', green: '32', yellow: '33', red: '31', cyan: '36' };
const RESET = '\u001b[0m';

/** A span; `style` undefined is plain text. */
export function span(text: string, style?: SpanStyle): Span {
  return style === undefined ? { text } : { text, style };
}

/** Visible characters of a line (code points; every character the TUI uses is one column wide). */
export function visibleLength(line: StyledLine): number {
  return line.reduce((n, s) => n + [...s.text].length, 0);
}

/** The line cut to at most `width` visible characters; a cut line ends in '…'. */
export function fitLine(line: StyledLine, width: number): StyledLine {
  if (width <= 0) return [];
  if (visibleLength(line) <= width) return line;
  const out: StyledLine = [];
  let room = width - 1;
  for (const s of line) {
    if (room <= 0) break;
    const chars = [...s.text];
    const taken = chars.slice(0, room).join('');
    out.push({ ...s, text: taken });
    room -= Math.min(room, chars.length);
  }
  out.push(span('…'));
  return out;
}

/** The line as text: styled spans wrapped in SGR codes when `color`, plain otherwise. */
export function lineText(line: StyledLine, color: boolean): string {
  return line.map((s) => (color && s.style !== undefined && s.text !== '' ? `\u001b[${SGR[s.style]}m${s.text}${RESET}` : s.text)).join('');
}
