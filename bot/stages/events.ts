import { currentStep } from '../../flows/engine';
import type { FlowRegistry } from '../../flows/registry';
import type { FlowRunner } from '../flow-runner';
import { texts } from '../texts';
import type { Middleware, Turn } from '../turn';

export interface EventDeps {
  runner: FlowRunner;
  registry: FlowRegistry;
  mainMenuFlow: string;
}

/**
 * What is not text: a menu click or a QR-code follow starts its flow; a location or a photo is
 * the answer to the question asked, or (a location) finds the nearest halls. A conversation
 * pinned to a flow version that is gone restarts politely first, whatever the message.
 */
export function events({ runner, registry, mainMenuFlow }: EventDeps): Middleware {
  return async (turn, next) => {
    const m = turn.message;
    if (m.kind === 'menu') {
      const flow = registry.byMenuKey(m.key);
      if (flow) return runner.start(turn, flow.id);
      turn.log.warn({ key: m.key }, 'menu key without a flow');
      turn.replies.push({ kind: 'text', text: texts.unknownMenu });
      return runner.start(turn, mainMenuFlow);
    }
    if (m.kind === 'subscribe') {
      const flow = (m.scene ? registry.byScene(m.scene) : undefined) ?? registry.byEvent('subscribe');
      return runner.start(turn, flow ? flow.id : mainMenuFlow);
    }
    if (await dropStale(turn)) return;
    if (turn.text !== undefined) return next();
    // A location shared at a menu-like question is a request of its own: the nearest halls.
    const step = currentStep(registry, turn.session.frames);
    const menuLike = step?.kind === 'ask' && step.interruptible && step.type !== 'location';
    if (turn.session.frames.length && !(m.kind === 'location' && menuLike)) {
      if (m.kind === 'location') return runner.advance(turn, { kind: 'location', latitude: m.latitude, longitude: m.longitude, label: m.label });
      if (m.kind === 'image') return runner.advance(turn, { kind: 'image', url: m.url, mediaId: m.mediaId });
      return next();
    }
    if (m.kind === 'location') {
      const flow = registry.byEvent('location');
      if (flow) return runner.start(turn, flow.id, { location: { latitude: m.latitude, longitude: m.longitude, label: m.label ?? '已发送位置' } });
    }
    return next();
  };

  /** A conversation pinned to a flow version that is gone restarts politely, never misreads state. */
  async function dropStale(turn: Turn): Promise<boolean> {
    const stale = runner.staleFrames(turn.session.frames);
    if (!stale.length) return false;
    const root = turn.session.frames[0];
    turn.log.warn({ stale: stale.map((f) => `${f.flowId}@${f.version}`) }, 'dropping state of unloaded flow versions');
    turn.session.frames = [];
    const successor = root ? registry.latest(root.flowId) : undefined;
    turn.replies.push({ kind: 'text', text: successor ? texts.flowUpdated : texts.flowRetired });
    await runner.start(turn, successor ? successor.id : mainMenuFlow);
    return true;
  }
}
