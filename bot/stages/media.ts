import type { InboundMessage } from '../message';
import { texts } from '../texts';
import type { FlowRunner } from '../flow-runner';
import type { Middleware } from '../turn';

/** Longest link title echoed back (a shared article's title can be long, or anything). */
const TITLE_LIMIT = 30;

function shortTitle(title: string): string {
  const chars = [...title.replace(/\s+/g, ' ').trim()];
  return chars.length > TITLE_LIMIT ? `${chars.slice(0, TITLE_LIMIT).join('')}…` : chars.join('');
}

/** The note for a message nothing reads, or undefined when the message is something else. */
function noteFor(m: InboundMessage): string | undefined {
  switch (m.kind) {
    case 'image':
      return texts.mediaImage;
    case 'link':
      return texts.mediaLink(shortTitle(m.title));
    case 'video':
      return texts.mediaVideo;
    case 'file':
      return texts.mediaFile;
    default:
      return undefined;
  }
}

const IN_FLOW: Partial<Record<InboundMessage['kind'], string>> = { link: '链接', video: '视频', file: '文件' };

/**
 * Photos, links, videos and files that no flow step asks for get a fitting answer instead of
 * "没听懂": what arrived, and what to send instead. Inside a running flow only an image may be
 * its answer (an image step), so it goes on to the flow; a link, video or file gets a short
 * note and the current question again, with the flow untouched.
 */
export function media(runner: FlowRunner): Middleware {
  return async (turn, next) => {
    const m = turn.message;
    const note = noteFor(m);
    if (note === undefined) return next();
    const frames = turn.session.frames;
    if (frames.length > 0) {
      const what = IN_FLOW[m.kind];
      if (what === undefined) return next();
      turn.trace.stage = 'media';
      turn.replies.push({ kind: 'text', text: texts.mediaInFlow(what) });
      if (runner.staleFrames(frames).length === 0) runner.question(turn);
      return;
    }
    turn.trace.stage = 'media';
    turn.replies.push({ kind: 'text', text: note });
  };
}
