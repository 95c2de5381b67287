import { describe, expect, it } from 'vitest';
import { MenuSchema } from '../../../flows/menu';
import { menuBody } from '../../../integrations/wechat-mp/api/bodies';
import { renderOutbound } from '../../../integrations/wechat-mp/api/delivery';
import { loadWechatOutboundConfig } from '../../../integrations/wechat-mp/api/config';
import { notificationTemplate, notificationText } from '../../../integrations/wechat-mp/api/notification';

describe('menuBody', () => {
  it('turns subButtons into sub_button, key into click and url into view', () => {
    const menu = MenuSchema.parse({
      buttons: [
        { name: '办事', subButtons: [{ name: '指南', key: 'MENU_GUIDE' }, { name: '官网', url: 'https://example.gov.cn/' }] },
        { name: '建议', key: 'MENU_FEEDBACK' },
      ],
    });
    expect(menuBody(menu)).toEqual({
      button: [
        { name: '办事', sub_button: [{ type: 'click', name: '指南', key: 'MENU_GUIDE' }, { type: 'view', name: '官网', url: 'https://example.gov.cn/' }] },
        { type: 'click', name: '建议', key: 'MENU_FEEDBACK' },
      ],
    });
  });
});

describe('renderOutbound', () => {
  it('sends an image with a media id as image and one without as text', () => {
    expect(renderOutbound({ kind: 'image', url: 'https://x/a.png', mediaId: 'MEDIA1' })).toEqual([{ msgtype: 'image', image: { media_id: 'MEDIA1' } }]);
    expect(renderOutbound({ kind: 'image', url: 'https://x/a.png', alt: '地图' })).toEqual([{ msgtype: 'text', text: { content: '[图片] 地图\nhttps://x/a.png' } }]);
  });

  it('renders choices as numbered text', () => {
    expect(renderOutbound({ kind: 'choices', text: '请选择', options: [{ label: '是' }, { label: '否' }], hint: '回复 1 或 2' })).toEqual([
      { msgtype: 'text', text: { content: '请选择\n1. 是\n2. 否\n回复 1 或 2' } },
    ]);
  });
});

describe('notification templates', () => {
  const mappings = { 'rating-invitation': { templateId: 'TPL_RATE', fields: { subject: 'thing1', ticketNo: 'character_string2' } } };

  it('fills the mapped template keywords and cuts values over 20 characters visibly', () => {
    const body = notificationTemplate({ kind: 'rating-invitation', ticketNo: 'T-9', subject: '小区门口路灯不亮已经好几天了晚上出行很不方便' }, mappings);
    expect(body).toEqual({ template_id: 'TPL_RATE', data: { thing1: { value: '小区门口路灯不亮已经好几天了晚上出行很…' }, character_string2: { value: 'T-9' } } });
  });

  it('has no template for kinds without a mapping', () => {
    expect(notificationTemplate({ kind: 'work-order-reply', ticketNo: 'T-1', reply: '好的' }, mappings)).toBeUndefined();
  });

  it('renders warm text for the customer-service path', () => {
    expect(notificationText({ kind: 'booking-reminder', service: '护照', time: '周一 9:00', place: '出入境大厅', url: 'https://x/b' })).toBe(
      '温馨提醒：您预约的「护照」将于周一 9:00办理，地点：出入境大厅。请带齐材料按时前往哦。\nhttps://x/b',
    );
  });

  it('reads WECHAT_TEMPLATES from the environment and names bad fields', () => {
    const config = loadWechatOutboundConfig({ WECHAT_TEMPLATES: JSON.stringify(mappings), WECHAT_SEND_ATTEMPTS: '5' });
    expect(config).toEqual({ templates: mappings, subscriptions: {}, retry: { attempts: 5, backoffMs: 1000 } });
    expect(() => loadWechatOutboundConfig({ WECHAT_TEMPLATES: '{"booking-reminder":{"templateId":"T","fields":{"nope":"thing1"}}}' })).toThrow(
      /WECHAT_TEMPLATES\.booking-reminder\.fields\.nope: unknown field/,
    );
    expect(() => loadWechatOutboundConfig({ WECHAT_TEMPLATES: '{oops' })).toThrow(/WECHAT_TEMPLATES: not valid JSON/);
  });

  it('reads WECHAT_SUBSCRIBE_TEMPLATES (subscription notifications) and names bad fields', () => {
    const subscriptions = { 'booking-reminder': { templateId: 'SUB_1', fields: { service: 'thing1', time: 'time2' }, page: 'https://example.gov.cn/b' } };
    expect(loadWechatOutboundConfig({ WECHAT_SUBSCRIBE_TEMPLATES: JSON.stringify(subscriptions) }).subscriptions).toEqual(subscriptions);
    expect(() => loadWechatOutboundConfig({ WECHAT_SUBSCRIBE_TEMPLATES: '{"progress-change":{"templateId":"S","fields":{"service":"thing1"}}}' })).toThrow(
      /WECHAT_SUBSCRIBE_TEMPLATES\.progress-change\.fields\.service: unknown field/,
    );
  });
});
