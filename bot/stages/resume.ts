import { pickOption } from '../../flows/slots';
import { currentTitle } from '../../flows/engine';
import { matchCommand } from '../commands';
import { texts } from '../texts';
import type { FlowRunner } from '../flow-runner';
import type { FlowRegistry } from '../../flows/registry';
import type { Lexicon } from '../../flows/language/lexicon';
import type { ServiceFinder } from '../ports';
import type { Middleware } from '../turn';

export interface ResumeDeps {
  runner: FlowRunner;
  registry: FlowRegistry;
  lexicon: Lexicon;
  services?: ServiceFinder;
}

export interface ResumeSettings {
  /** Silence after which a running flow is paused (default 30 min). */
  idleMs: number;
  /** How long a paused flow can be resumed (default one day). */
  resumeMs: number;
}

/**
 * Session idle timeout. A flow left for longer than `idleMs` is paused; when the resident comes
 * back within `resumeMs` they are offered to continue ("where were we"). A command, a menu click
 * or a new topic simply starts afresh.
 */
export function resume({ runner, registry, lexicon, services }: ResumeDeps, settings: ResumeSettings): Middleware {
  /**
   * The message clearly starts something by itself: a command, a flow's whole phrase, or one
   * service named clearly. A greeting ("在吗", "你好") is not: it is the resident coming back.
   * (A keyword inside a sentence is not enough either: it may be the answer to the paused question.)
   */
  function startsSomething(text: string | undefined): boolean {
    if (text === undefined || lexicon.isOnlyOpeners(text)) return false;
    const core = lexicon.stripOpeners(text);
    if (matchCommand(core) || registry.byPhrase(core)) return true;
    return services?.find(core).kind === 'single';
  }

  return async (turn, next) => {
    const session = turn.session;
    const idle = turn.now - session.lastActiveAt;
    if (session.frames.length && idle > settings.idleMs) {
      const title = currentTitle(runner.flows, session.frames);
      if (idle <= settings.resumeMs && title) session.paused = { frames: session.frames, title, offered: false };
      session.frames = [];
    }
    if (session.paused && idle > settings.resumeMs) session.paused = undefined;
    const paused = session.paused;
    if (!paused) return next();

    const text = turn.text;
    if (turn.message.kind !== 'text' && turn.message.kind !== 'voice') {
      session.paused = undefined;
      return next();
    }
    if (!paused.offered) {
      if (startsSomething(text)) {
        session.paused = undefined;
        return next();
      }
      paused.offered = true;
      turn.trace.stage = 'resume-offer';
      turn.replies.push({ kind: 'choices', text: texts.resumeOffer(paused.title), options: texts.resumeOptions.map(({ label }) => ({ label })) });
      return;
    }
    session.paused = undefined;
    const picked = text === undefined ? undefined : pickOption(lexicon.stripOpeners(text) || text, texts.resumeOptions, lexicon);
    if (picked === 0 && !runner.staleFrames(paused.frames).length) {
      session.frames = paused.frames;
      turn.trace.stage = 'resumed';
      runner.question(turn);
      return;
    }
    if (picked === 1 && !runner.staleFrames(paused.frames).length) {
      session.frames = paused.frames.slice(0, 1);
      await runner.restart(turn);
      return;
    }
    if (picked === 2) {
      turn.replies.push({ kind: 'text', text: texts.cancelled });
      return;
    }
    await next();
  };
}
