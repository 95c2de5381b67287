import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../bot/config';
import { DEDUPE_TTL_SECONDS } from '../../../bot/stages/state';
import { loadWechatConfig, MAX_TIMESTAMP_WINDOW_S } from '../../../integrations/wechat-mp/config';

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
      messageMode: 'safe',
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

  it('message mode: safe by default with a key, plain without; another mode only when asked', () => {
    const base = { WECHAT_TOKEN: 'AAAAA', WECHAT_APPID: 'wx134c8103faa5a59e' };
    const key = { WECHAT_ENCODING_AES_KEY: 'A'.repeat(43) };
    expect(loadWechatConfig(base)).toMatchObject({ messageMode: 'plain' });
    expect(loadWechatConfig({ ...base, ...key })).toMatchObject({ messageMode: 'safe' });
    expect(loadWechatConfig({ ...base, ...key, WECHAT_MESSAGE_MODE: 'compatible' })).toMatchObject({ messageMode: 'compatible' });
    expect(loadWechatConfig({ ...base, ...key, WECHAT_MESSAGE_MODE: 'plain' })).toMatchObject({ messageMode: 'plain' });
  });

  it('message mode: a clear error for a mode the keys cannot serve, or an unknown one', () => {
    const base = { WECHAT_TOKEN: 'AAAAA', WECHAT_APPID: 'wx134c8103faa5a59e' };
    expect(() => loadWechatConfig({ ...base, WECHAT_MESSAGE_MODE: 'safe' })).toThrow('WECHAT_MESSAGE_MODE: safe mode asked but WECHAT_ENCODING_AES_KEY is not set');
    expect(() => loadWechatConfig({ ...base, WECHAT_MESSAGE_MODE: 'compatible' })).toThrow('WECHAT_MESSAGE_MODE: compatible mode asked but WECHAT_ENCODING_AES_KEY is not set');
    expect(() =>
      loadWechatConfig({ ...base, WECHAT_MESSAGE_MODE: 'plain', WECHAT_ENCODING_AES_KEY: 'A'.repeat(43), WECHAT_ENCODING_AES_KEY_PREVIOUS: 'B'.repeat(43) }),
    ).toThrow('WECHAT_MESSAGE_MODE: plain mode asked but WECHAT_ENCODING_AES_KEY_PREVIOUS is set');
    expect(() => loadWechatConfig({ ...base, WECHAT_MESSAGE_MODE: 'aes' })).toThrow('WECHAT_MESSAGE_MODE: one of plain, compatible, safe');
  });

  it('the timestamp window is at most half as long as message ids are remembered, so a replay always finds its id', () => {
    const base = { WECHAT_TOKEN: 'AAAAA', WECHAT_APPID: 'wx134c8103faa5a59e' };
    expect(2 * MAX_TIMESTAMP_WINDOW_S).toBeLessThanOrEqual(DEDUPE_TTL_SECONDS);
    expect(loadWechatConfig({ ...base, WECHAT_TIMESTAMP_WINDOW_S: String(MAX_TIMESTAMP_WINDOW_S) })).toMatchObject({ timestampWindowS: MAX_TIMESTAMP_WINDOW_S });
    expect(() => loadWechatConfig({ ...base, WECHAT_TIMESTAMP_WINDOW_S: '3600' })).toThrow('WECHAT_TIMESTAMP_WINDOW_S');
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
