import { probeAnswer } from '../../flows/engine';
import { matchCommand } from '../commands';
import type { FlowRunner } from '../flow-runner';
import { texts } from '../texts';
import type { Middleware } from '../turn';

export interface CommandFlows {
  mainMenu: string;
  help: string;
}

/** 菜单, 返回, 取消, 重新开始, 人工, 帮助, 再说一遍: they work in every state. */
export function globalCommands(runner: FlowRunner, flows: CommandFlows): Middleware {
  return async (turn, next) => {
    const command = turn.text !== undefined ? matchCommand(turn.text) : undefined;
    if (!command) return next();
    turn.trace.stage = `command:${command}`;
    const inFlow = turn.session.frames.length > 0;
    switch (command) {
      case 'menu':
        return runner.start(turn, flows.mainMenu);
      case 'back':
        return inFlow ? runner.back(turn) : runner.start(turn, flows.mainMenu);
      case 'softCancel':
        // Outside a dialogue a request ("不约了": cancel my booking); inside, an answer where the question takes it.
        if (!inFlow || probeAnswer(runner.flows, turn.session.frames, turn.text ?? '', runner.context(turn)).accepts) return next();
        turn.session.frames = [];
        turn.replies.push({ kind: 'text', text: texts.cancelled });
        return;
      case 'cancel':
        turn.session.frames = [];
        turn.replies.push({ kind: 'text', text: inFlow ? texts.cancelled : texts.nothingToCancel });
        return;
      case 'restart':
        return inFlow ? runner.restart(turn) : runner.start(turn, flows.mainMenu);
      case 'human':
        await runner.handoff(turn, 'asked for a human', 'asked');
        return;
      case 'help':
        // Help runs on top of the current flow, which then asks its question again.
        return runner.start(turn, flows.help, {}, true);
      case 'repeat':
        if (turn.session.lastReplies.length) turn.replies.push(...turn.session.lastReplies);
        else if (inFlow) runner.question(turn);
        else turn.replies.push({ kind: 'text', text: texts.nothingToRepeat });
        return;
      case 'forget':
        // Handled by the lifecycle stage, which runs first.
        return next();
    }
  };
}
