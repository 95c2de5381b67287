import { describe, expect, it } from 'vitest';
import { TemplateError, parseTemplate, rawPath, renderTemplate, templateRoots } from '../../../flows/template';
import type { Json } from '../../../flows/types';

const scope: Record<string, Json> = {
  name: '张三',
  booking: { date: '2026-12-03', hall: { label: '市民中心', value: 'hall-1' } },
  phone: '13812345678',
  code: '12345',
  items: ['身份证', '户口本'],
  picks: [{ label: '大厅' }, { label: '窗口' }],
  yes: true,
  no: false,
  zero: 0,
  empty: '',
  none: null,
};

describe('renderTemplate', () => {
  it.each([
    ['您好，{{name}}！', '您好，张三！'],
    ['{{ name }}', '张三'],
    ['{{booking.date}}', '2026-12-03'],
    ['{{booking.hall}}', '市民中心'],
    ['{{booking.hall.value}}', 'hall-1'],
    ['[{{missing}}]', '[]'],
    ['[{{booking.nope.deeper}}]', '[]'],
    ['[{{name.first}}]', '[]'],
    ['[{{none}}]', '[]'],
    ['{{items}}', '身份证、户口本'],
    ['{{picks}}', '大厅、窗口'],
    ['{{yes}}/{{no}}', '是/否'],
    ['{{zero}}', '0'],
    ['没有变量', '没有变量'],
  ])('%s → %s', (source, expected) => {
    expect(renderTemplate(source, scope)).toBe(expected);
  });

  it.each([
    ['{{booking.date | date: "M月D日 dddd"}}', '12月3日 星期四'],
    ['{{booking.date | date}}', '2026年12月3日'],
    ['{{booking.date | date: "YYYY/MM/DD"}}', '2026/12/03'],
    ['{{name | date}}', '张三'],
    ['{{missing | default: "无"}}', '无'],
    ['{{empty | default: "无"}}', '无'],
    ['{{none | default: "无"}}', '无'],
    ['{{zero | default: "无"}}', '0'],
    ['{{no | default: "无"}}', '否'],
    ['{{name | default: "无"}}', '张三'],
    ['{{phone | mask}}', '138****5678'],
    ['{{code | mask}}', '***45'],
    ['[{{missing | mask}}]', '[]'],
    ['{{items | join: " / "}}', '身份证 / 户口本'],
    ['{{items | join}}', '身份证、户口本'],
    ['{{name | join: "/"}}', '张三'],
    ['{{items | count}}', '2'],
    ['{{missing | count}}', '0'],
    ['{{missing | join: "/" | default: "无"}}', '无'],
    ['{{items | count | default: "无"}}', '2'],
    ['{{empty | default: "13900001111" | mask}}', '139****1111'],
  ])('filters: %s → %s', (source, expected) => {
    expect(renderTemplate(source, scope)).toBe(expected);
  });
});

describe('parseTemplate errors', () => {
  it.each([
    ['{{name | upper}}', 'unknown template filter "upper" (one of date, default, mask, join, count)'],
    ["{{name | date: 'M'}}", `unknown template filter "date: 'M'"`],
    ['{{name}', 'unbalanced "{{" or "}}" in "{{name}"'],
    ['name}}', 'unbalanced "{{" or "}}" in "name}}"'],
    ['{{ {{name}} }}', 'unbalanced "{{" or "}}"'],
    ['{{}}', 'bad template variable "{{}}"'],
    ['{{a b}}', 'bad template variable "{{a b}}"'],
    ['{{9lives}}', 'bad template variable'],
  ])('%s throws TemplateError: %s', (source, message) => {
    expect(() => parseTemplate(source)).toThrow(TemplateError);
    expect(() => parseTemplate(source)).toThrow(message);
    expect(() => renderTemplate(source, scope)).toThrow(TemplateError);
  });
});

describe('templateRoots and rawPath', () => {
  it.each([
    ['您好{{name}}，{{booking.date | date}}', ['name', 'booking']],
    ['{{a}}{{a.b}}', ['a', 'a']],
    ['纯文本', []],
  ])('templateRoots(%s) = %j', (source, roots) => {
    expect(templateRoots(source)).toEqual(roots);
  });

  it.each([
    ['{{a}}', ['a']],
    ['{{ a.b.c }}', ['a', 'b', 'c']],
    ['{{a}} ', undefined],
    ['x{{a}}', undefined],
    ['{{a | mask}}', undefined],
    ['{{a}}{{b}}', undefined],
    ['text', undefined],
  ])('rawPath(%j) = %j', (source, path) => {
    expect(rawPath(source)).toEqual(path);
  });
});
