import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../bot/config';
import { loadWechatConfig } from '../../../integrations/wechat-mp/config';

describe('loadWechatConfig', () => {
  it('is disabled without WECHAT_TOKEN (empty counts as unset)', () => {
    expect(loadWechatConfig({})).toEqual({ enabled: false });
    expect(loadWechatConfig({ WECHAT_TOKEN: '' })).toEqual({ enabled: false });
  });

  it('fills defaults when enabled', () => {
    expect(loadWechatConfig({ WECHAT_TOKEN: 'AAAAA', WECHAT_APPID: 'wx134c8103faa5a59e', WECHAT_ENCODING_AES_KEY: 'A'.repeat(43) })).toEqual({
      enabled: true,
      token: 'AAAAA',
      appId: 'wx134c8103faa5a59e',
      encodingAesKey: 'A'.repeat(43),
      apiBase: 'https://api.weixin.qq.com',
      replyBudgetMs: 4500,
      timestampWindowS: 300,
      bodyLimitBytes: 65536,
      textLimitBytes: 2048,
    });
  });

  it('names every bad variable', () => {
    let message = '';
    try {
      loadWechatConfig({ WECHAT_TOKEN: 'AAAAA', WECHAT_ENCODING_AES_KEY: 'short', WECHAT_REPLY_BUDGET_MS: 'soon' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('WECHAT_ENCODING_AES_KEY: exactly 43 characters');
    expect(message).toContain('WECHAT_REPLY_BUDGET_MS');
  });

  it('requires WECHAT_APPID once WECHAT_TOKEN is set', () => {
    expect(() => loadWechatConfig({ WECHAT_TOKEN: 'AAAAA' })).toThrow('WECHAT_APPID: required when WECHAT_TOKEN is set');
  });

  it('takes the previous EncodingAESKey during a key change, only next to a current one', () => {
    const base = { WECHAT_TOKEN: 'AAAAA', WECHAT_APPID: 'wx134c8103faa5a59e' };
    expect(loadWechatConfig({ ...base, WECHAT_ENCODING_AES_KEY: 'A'.repeat(43), WECHAT_ENCODING_AES_KEY_PREVIOUS: 'B'.repeat(43) })).toMatchObject({ encodingAesKey: 'A'.repeat(43), previousEncodingAesKey: 'B'.repeat(43) });
    expect(() => loadWechatConfig({ ...base, WECHAT_ENCODING_AES_KEY_PREVIOUS: 'B'.repeat(43) })).toThrow('WECHAT_ENCODING_AES_KEY: required when WECHAT_ENCODING_AES_KEY_PREVIOUS is set');
  });
});
