import { decrypt as wecomDecrypt, encrypt as wecomEncrypt, getSignature as wecomSignature } from '@wecom/crypto';
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  aesKeyFrom,
  createWechatCipher,
  msgSignature,
  pkcs7Pad,
  pkcs7Unpad,
  sig3,
  signatureEquals,
  WechatCryptoError,
  WechatCryptoErrorCode,
} from '../../../integrations/wechat-mp/webhook/crypto';

// Vectors from /work/shared/domain/wechat-official-account.md §1.7 (official samples and SDK tests).
const KEY_A = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const KEY_B = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const KEY_E = 'A'.repeat(43);
const KEY_W = 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR';

const A = {
  token: 'pamtest',
  appId: 'wxb11529c136998cb6',
  random: 'aaaabbbbccccdddd',
  msg1: '我是中文abcd123',
  enc1: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
  msg2: '<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>',
  enc2: 'jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb',
};

const C_ENCRYPT =
  'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
const C_PLAIN =
  '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>';

const D_ENCRYPT =
  'mfBCs65c67CeJw22u4VT2TD73q5H06+ocrAIxswCaeZ/d/Lw0msSZFHY0teqgSYiI1zR2gD2DKrB3TIrmX/liNSDrGqS8jSI/WPeKB5VPr7Ezr7gomZAyGCwJSgT1TRFWPfONGJMxuj2nk4faTuspAuVIFQ6SHwZuJBZC7mcJp7Cgr9cUhATQWDbOPaE7ukZBTV2YqyzH+UI2AK+J1S47cE79k1RX8t0hcTz/O0hlK8DGXKnvYv88qKQcI7z4iaajqHfRVZKBNyOODabs+It+ZfM3dWTeFcPgDbGtIEnpt/EDtuuA/zMvtkaKdHdswPnVZQ+xdwbYr3ldGvfT8HlEYEgkgKaThxTFobVlwzu2ZkXCjicbP3xdr15Iq48ObgzPpqYuZ3IEoyggZDKClquk0u0orMck4GTF/XyE8yGzc4=';
const D_PLAIN =
  '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1410349438</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6057404712141979648</MsgId>\n</xml>';

const E_ENCRYPT =
  'D7yzvUNAL930rd28wf21s4hvXhz0L6Uit/p2Di6C5DHyYGpEgdBRnKjBec34JwoQXicwaZC7fOVihW80F4VtsdvE//1vr7oAbqjDv8KenVp+ajKYpJnyQ4zMRhIC+a31fCVOMC03FfzV/QuC94kBP55a+Za3sJgvAn+ZbsNqZI5DkyuzkhQN8OBqCzFhizGmy0xpM0MEA4agpvE+RuNO1rhHTtuJB5yltw1FiYzecSXJ+y/D2r81VkRn2eYjh2ltsoyfbDR7Is6ookXIFxTfyeNyeHxMeT4KN5WpCDmSbTcUYrbBUlkGLJ9n/rU8YOywma6G7aTb7KZKOqCxgfoUlYEZPk4FUL/TK7ShriFDMVCLyjQJ15Ob++agDWtcxhfUfe6HIoIpRW8mKNBQiY/Jd1svvuskA1wLef1RTtzKfMpagSCX/laZINmdnX4zrF6kIaR9P4xQrWXbsTFHTYe0Mg==';
const E_PLAIN =
  '<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></FromUserName>\n<CreateTime>1715943329</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA[debug_demo]]></Event>\n<debug_str><![CDATA[hello world]]></debug_str>\n</xml>';
const E_REPLY_ENCRYPT = 'hE8R6mGXHkJJjU72KxzKUd1GEkKJaEZq7vRL8XgK3o+00k8JGq6+pZJUIlTSyhsX+bxIBQ72g3GyvDdIZcr6+3HAZbSvPT9t/o11MI7d6WELwqrGd7jMnV0zv3Zc9Nq7';

const F_ENCRYPT =
  'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';
const F_PLAIN =
  '<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>';

const G_ENCRYPT =
  'rTNFcsut4LfGuAFKEUVVpwcaCOTJzOd9twZdIW910jb3k+iicx2uvhttIZ3Qg9Qgty3BEF2xbOrz6boTfb30dMomcgrkTqdFPwnhqbk+kIQ7rZiwny9D7NUrTgA5kpX3KsZvrXzUZyP2x9YOlxbgm572lmxKvM7HAQQhIQ/p6HBmoY30bGXFK0BtIu1pW9TjhOYrLQoU18nWYjWqDA1ynkmOytpv7QRI1P1+0NoxL0q2zO1DgeSvnE8CZGo/o5Ap/WHK5W2RAsinpzN4/LjPnmB6U01I5XCoJoC0GK/yMZycd2Oh8Nq6+wBkC1U85oy0ktOY4nLvsQMLrourmMGdZHuTbqpeJ8Ao/5PRYJ+WBvRUwPfGKBL2+2IKZF49vAJqkcGWSHGE76ZN2erXeuNazf/o9o3lIE3q739o4c8t9QGPe31GT2Go/rOz1BsrASwvauNulCh+++yz+CQzBIuikA==';
const G_PLAIN =
  '<xml><URL><![CDATA[http://wechat.laravel.so/server]]></URL><ToUserName><![CDATA[asdasdasd]]></ToUserName><FromUserName><![CDATA[asdasdasdsadasd]]></FromUserName><CreateTime>1234567898</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>12345</MsgId></xml>';

const W = {
  token: '123456',
  corpId: 'wx49f0ab532d5d035a',
  echo: '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==',
  reply:
    '<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>',
  replyEnc:
    '9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3',
  inEnc:
    'RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=',
};

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof WechatCryptoError) return error.code;
    throw error;
  }
  return undefined;
}

describe('sig3 and msg_signature', () => {
  it('GET vector: official oplatform example', () => {
    expect(sig3('AAAAA', '1714036504', '1514711492')).toBe('f464b24fc39322e44b38aa78f5edd27bd1441696');
  });
  it('POST sig3 of the same doc (vector E request)', () => {
    expect(sig3('AAAAA', '1715943329', '1590219412')).toBe('cc0c594499c1634947d5b502f158ee518947db27');
  });
  it('vector A sig3', () => {
    expect(sig3('pamtest', '1409304348', 'xxxxxx')).toBe('76480565cbe296026c53aaacd1ad523a1ddba24f');
  });
  it.each([
    ['C', 'spamtest', '1409735669', '1320562132', C_ENCRYPT, '5d197aaffba7e9b25a30732f161a50dee96bd5fa'],
    ['D', 'spamtest', '1410349438', '298025754', D_ENCRYPT, '003fee52ecc56afb46c00b5c7721be87860ce785'],
    ['E', 'AAAAA', '1715943329', '1590219412', E_ENCRYPT, '6c12a4205838198b8fa631b3220723bb07f1015c'],
    ['E reply', 'AAAAA', '1713424427', '415670741', E_REPLY_ENCRYPT, '03e0812039325c2712ef5f0f980fd14c70d6e307'],
    ['F', 'QDG6eK', '1409659813', '1372623149', F_ENCRYPT, '477715d11cdb4164915debcba66cb864d751f3e6'],
    ['G', 'pamtest', '1458300676', '260774613', G_ENCRYPT, '4f3ad57b6989f09f4eb392acce4f9e93942ed890'],
    ['W echo', W.token, '1411443780', '437374425', W.echo, 'dd6b9c95b495b3f7e2901bfbc76c664930ffdb96'],
    ['W reply', W.token, '1411525903', '461056294', W.replyEnc, '407518b7649e86ef23978113f92d27afa9296533'],
    ['W decrypt', W.token, '1411525903', '461056294', W.inEnc, '74d92dfeb87ba7c714f89d98870ae5eb62dff26d'],
    [
      'B',
      'QDG6eK',
      '1409659589',
      '263014780',
      'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
      '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
    ],
  ])('vector %s msg_signature', (_name, token, ts, nonce, encrypt, expected) => {
    expect(msgSignature(token, ts, nonce, encrypt)).toBe(expected);
    expect(wecomSignature(token, ts, nonce, encrypt)).toBe(expected);
  });
  it('W: the same values with nonce 437374424 do not verify', () => {
    expect(signatureEquals(msgSignature(W.token, '1411443780', '437374424', W.echo), 'dd6b9c95b495b3f7e2901bfbc76c664930ffdb96')).toBe(false);
    expect(signatureEquals(msgSignature(W.token, '1411443780', '437374425', W.echo), 'dd6b9c95b495b3f7e2901bfbc76c664930ffdb96')).toBe(true);
  });
  it('signatureEquals refuses missing, short and different signatures and accepts upper-case hex', () => {
    const s = sig3('AAAAA', '1', '2');
    expect(signatureEquals(s, undefined)).toBe(false);
    expect(signatureEquals(s, s.slice(1))).toBe(false);
    expect(signatureEquals(s, `${s.slice(0, -1)}${s.endsWith('0') ? '1' : '0'}`)).toBe(false);
    expect(signatureEquals(s, s.toUpperCase())).toBe(true);
  });
});

describe('AES encrypt/decrypt against the vectors', () => {
  it('A1/A2: byte-exact encryption with the fixed random, and decryption back', () => {
    const cipher = createWechatCipher(KEY_A, A.appId);
    expect(cipher.encrypt(A.msg1, Buffer.from(A.random))).toBe(A.enc1);
    expect(cipher.encrypt(A.msg2, Buffer.from(A.random))).toBe(A.enc2);
    expect(cipher.decrypt(A.enc1)).toMatchObject({ message: A.msg1, appId: A.appId });
    expect(cipher.decrypt(A.enc2).message).toBe(A.msg2);
  });

  it.each([
    ['B (WeCom echostr)', KEY_B, 'wx5823bf96d3bd56c7', 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==', '1616140317555161061', undefined],
    ['C (pad 2, keeps \\n)', KEY_A, 'wx2c2769f8efd9abc2', C_ENCRYPT, C_PLAIN, '89465c840c5f116f'],
    ['D (pad 2)', KEY_A, 'wx2c2769f8efd9abc2', D_ENCRYPT, D_PLAIN, undefined],
    ['E (pad 22)', KEY_E, 'wx134c8103faa5a59e', E_ENCRYPT, E_PLAIN, '1205899eaf019bbd'],
    ['F (pad 30)', KEY_B, 'wx5823bf96d3bd56c7', F_ENCRYPT, F_PLAIN, undefined],
    ['G (pad 21)', KEY_A, 'wxb11529c136998cb6', G_ENCRYPT, G_PLAIN, undefined],
    ['W echo', KEY_W, W.corpId, W.echo, '5927782489442352469', undefined],
    ['W reply', KEY_W, W.corpId, W.replyEnc, W.reply, '1234567890123456'],
  ])('vector %s decrypts exactly and re-encrypts byte for byte', (_name, key, appId, encrypt, plain, random) => {
    const cipher = createWechatCipher(key, appId);
    const out = cipher.decrypt(encrypt);
    expect(out.message).toBe(plain);
    expect(out.appId).toBe(appId);
    if (random) expect(out.random.toString('latin1')).toBe(random);
    expect(cipher.encrypt(plain, out.random)).toBe(encrypt);
  });

  it('W inbound message decrypts to Content "test" from messense', () => {
    const out = createWechatCipher(KEY_W, W.corpId).decrypt(W.inEnc);
    expect(out.message).toContain('<Content><![CDATA[test]]></Content>');
    expect(out.message).toContain('<FromUserName><![CDATA[messense]]></FromUserName>');
  });

  it('E reply: the documented reply encrypts to the documented Encrypt', () => {
    const cipher = createWechatCipher(KEY_E, 'wx134c8103faa5a59e');
    expect(cipher.encrypt('<xml><demo_resp>[CDATA[good luck]]</demo_resp></xml>', Buffer.from('999951349e8ee746'))).toBe(E_REPLY_ENCRYPT);
  });
});

describe('one cipher serves many messages (long-lived CBC and ECB objects)', () => {
  it('200 messages in a row encrypt exactly as a fresh AES-256-CBC each, interleaved with decryptions', () => {
    const key = aesKeyFrom(KEY_A);
    const cipher = createWechatCipher(KEY_A, A.appId);
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 200; i++) {
      const text = '办事'.repeat(next() % 40) + 'x'.repeat(next() % 50);
      const random = Buffer.from(Array.from({ length: 16 }, () => next() % 256));
      const body = Buffer.from(text, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(body.length);
      const fresh = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
      const padded = pkcs7Pad(Buffer.concat([random, length, body, Buffer.from(A.appId)]));
      const expected = Buffer.concat([fresh.update(padded), fresh.final()]).toString('base64');
      const encrypted = cipher.encrypt(text, random);
      expect(encrypted).toBe(expected);
      expect(cipher.decrypt(encrypted).message).toBe(text);
    }
  });
});

describe('round trip against @wecom/crypto', () => {
  const texts = ['', 'a', '办事助手', 'x'.repeat(11), 'y'.repeat(12), '你好 🌏 '.repeat(40), C_PLAIN];
  it.each(texts.map((t) => [t.slice(0, 20), t]))('ours → @wecom/crypto and back: %j', (_label, text) => {
    const cipher = createWechatCipher(KEY_A, A.appId);
    const ours = cipher.encrypt(text);
    expect(wecomDecrypt(KEY_A, ours)).toMatchObject({ message: text, id: A.appId });
    const theirs = wecomEncrypt(KEY_A, text, A.appId);
    expect(cipher.decrypt(theirs).message).toBe(text);
  });
});

describe('errors carry the official codes', () => {
  it('an EncodingAESKey that is not 43 alphanumerics is -40004', () => {
    expect(codeOf(() => aesKeyFrom('short'))).toBe(WechatCryptoErrorCode.IllegalAesKey);
    expect(codeOf(() => aesKeyFrom(`${'a'.repeat(42)}+`))).toBe(WechatCryptoErrorCode.IllegalAesKey);
  });
  it('another AppID is -40005', () => {
    expect(codeOf(() => createWechatCipher(KEY_A, 'wxb11529c136998cb7').decrypt(A.enc1))).toBe(WechatCryptoErrorCode.ValidateAppid);
  });
  it('non-base64 is -40010; a partial block is -40007', () => {
    const cipher = createWechatCipher(KEY_A, A.appId);
    expect(codeOf(() => cipher.decrypt('not base64!'))).toBe(WechatCryptoErrorCode.DecodeBase64);
    expect(codeOf(() => cipher.decrypt(Buffer.alloc(20).toString('base64')))).toBe(WechatCryptoErrorCode.DecryptAes);
  });
  it('the wrong key gives -40008 (bad padding or length) or -40005, never garbage', () => {
    const code = codeOf(() => createWechatCipher(KEY_E, A.appId).decrypt(A.enc2));
    expect([WechatCryptoErrorCode.IllegalBuffer, WechatCryptoErrorCode.ValidateAppid]).toContain(code);
  });
  it('PKCS#7 (K = 32): pads 1..32 bytes and validates on unpad', () => {
    expect(pkcs7Pad(Buffer.alloc(31)).length).toBe(32);
    expect(pkcs7Pad(Buffer.alloc(32)).length).toBe(64);
    expect(pkcs7Pad(Buffer.alloc(32)).at(-1)).toBe(32);
    expect(pkcs7Unpad(pkcs7Pad(Buffer.from('abc'))).toString()).toBe('abc');
    const bad = Buffer.alloc(32, 0);
    expect(codeOf(() => pkcs7Unpad(bad))).toBe(WechatCryptoErrorCode.IllegalBuffer);
    const inconsistent = Buffer.alloc(32, 5);
    inconsistent[29] = 4;
    expect(codeOf(() => pkcs7Unpad(inconsistent))).toBe(WechatCryptoErrorCode.IllegalBuffer);
    expect(codeOf(() => pkcs7Unpad(Buffer.alloc(32, 33)))).toBe(WechatCryptoErrorCode.IllegalBuffer);
  });
});
