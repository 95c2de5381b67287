import { describe, expect, it } from 'vitest';
import { conditionSlots, evaluate } from '../../../flows/conditions';
import { ConditionSchema, type Condition } from '../../../flows/schema';
import type { Json } from '../../../flows/types';

const scope: Record<string, Json> = {
  topic: '办事大厅服务',
  count: 3,
  zero: 0,
  list: ['a', 'b'],
  empty: '',
  none: null,
  yes: true,
  booking: { hall: { value: 'hall-1' }, people: 2 },
};

describe('evaluate', () => {
  it.each<[Condition, boolean]>([
    [{ slot: 'topic', equals: '办事大厅服务' }, true],
    [{ slot: 'topic', equals: '其他' }, false],
    [{ slot: 'count', equals: 3 }, true],
    [{ slot: 'count', equals: '3' }, false],
    [{ slot: 'yes', equals: true }, true],
    [{ slot: 'topic', notEquals: '其他' }, true],
    [{ slot: 'missing', notEquals: '其他' }, true],
    [{ slot: 'topic', notEquals: '办事大厅服务' }, false],
    [{ slot: 'topic', in: ['其他', '办事大厅服务'] }, true],
    [{ slot: 'count', in: [1, 2] }, false],
    [{ slot: 'missing', in: ['x'] }, false],
    [{ slot: 'topic', exists: true }, true],
    [{ slot: 'zero', exists: true }, true],
    [{ slot: 'missing', exists: true }, false],
    [{ slot: 'none', exists: true }, false],
    [{ slot: 'empty', exists: true }, false],
    [{ slot: 'empty', exists: false }, true],
    [{ slot: 'missing', exists: false }, true],
    [{ slot: 'count', gt: 2 }, true],
    [{ slot: 'count', gt: 3 }, false],
    [{ slot: 'count', gte: 3 }, true],
    [{ slot: 'count', lt: 3 }, false],
    [{ slot: 'count', lte: 3 }, true],
    [{ slot: 'count', gt: 1, lt: 5 }, true],
    [{ slot: 'count', gt: 1, lt: 3 }, false],
    [{ slot: 'list', gt: 1 }, true],
    [{ slot: 'list', gte: 3 }, false],
    [{ slot: 'list', lte: 2 }, true],
    [{ slot: 'topic', gt: 0 }, false],
    [{ slot: 'missing', lt: 100 }, false],
    [{ slot: 'booking.hall.value', equals: 'hall-1' }, true],
    [{ slot: 'booking.people', gte: 2 }, true],
    [{ slot: 'booking.nope.value', exists: false }, true],
    [{ slot: 'list.0', exists: true }, false],
    [{ all: [{ slot: 'count', gt: 1 }, { slot: 'topic', exists: true }] }, true],
    [{ all: [{ slot: 'count', gt: 1 }, { slot: 'missing', exists: true }] }, false],
    [{ any: [{ slot: 'missing', exists: true }, { slot: 'yes', equals: true }] }, true],
    [{ any: [{ slot: 'missing', exists: true }, { slot: 'yes', equals: false }] }, false],
    [{ not: { slot: 'missing', exists: true } }, true],
    [{ not: { all: [{ slot: 'count', equals: 3 }, { any: [{ slot: 'list', gt: 5 }, { not: { slot: 'empty', exists: true } }] }] } }, false],
  ])('%j → %s', (condition, expected) => {
    expect(evaluate(ConditionSchema.parse(condition), scope)).toBe(expected);
  });
});

describe('conditionSlots', () => {
  it('lists the root slot of every leaf, through all/any/not', () => {
    expect(conditionSlots({ all: [{ slot: 'a.b', exists: true }, { any: [{ slot: 'c', gt: 1 }, { not: { slot: 'd', equals: 1 } }] }] })).toEqual(['a', 'c', 'd']);
  });
});

describe('ConditionSchema', () => {
  it.each([
    [{ slot: 'a' }, 'a slot condition needs a test'],
    [{ all: [] }, ''],
    [{ slot: 'a', equals: 1, extra: true }, ''],
  ])('refuses %j', (raw, message) => {
    const result = ConditionSchema.safeParse(raw);
    expect(result.success).toBe(false);
    if (message) expect(JSON.stringify(result.error?.issues)).toContain(message);
  });
});
