import { decrypt as wecomDecrypt } from '@wecom/crypto';
import { describe, expect, it } from 'vitest';
import { createWechatCipher, msgSignature, sig3, WechatCryptoError, WechatCryptoErrorCode } from '../../../integrations/wechat-mp/webhook/crypto';
import { parseWechatXml } from '../../../integrations/wechat-mp/webhook/xml';
import { peerVectors, type PeerVector } from '../../fixtures/wechat-peers/peers';

/** The 21 encryption vectors of other SDKs' test suites, against our crypto (and @wecom/crypto as a second opinion). */

const need = <T>(value: T | undefined | null, what: string): T => {
  if (value === undefined || value === null) throw new Error(`vector without ${what}`);
  return value;
};
const cipherOf = (v: PeerVector) => createWechatCipher(need(v.encodingAesKey, 'encodingAesKey'), need(v.appId, 'appId'));
const signatureHolds = (v: PeerVector) => msgSignature(v.token ?? '', need(v.timestamp, 'timestamp'), need(v.nonce, 'nonce'), need(v.encrypt, 'encrypt')) === v.msgSignature;

describe('peer encryption vectors', () => {
  it('there are 21 encryption vectors (and one plain URL signature), of every kind', () => {
    expect(peerVectors.filter((v) => v.kind !== 'sig3')).toHaveLength(21);
    expect(new Set(peerVectors.map((v) => v.kind))).toEqual(new Set(['encrypt-exact', 'sig3', 'decrypt', 'signature-mismatch', 'decrypt-wrong-appid', 'msg-signature', 'roundtrip']));
  });

  it.each(peerVectors.map((v) => [v.id, v] as const))('%s', (_, v) => {
    switch (v.kind) {
      case 'encrypt-exact': {
        const encrypt = cipherOf(v).encrypt(need(v.plaintext, 'plaintext'), Buffer.from(need(v.random, 'random'), 'utf8'));
        expect(encrypt).toBe(v.encrypt);
        if (v.msgSignature) expect(signatureHolds(v)).toBe(true);
        return;
      }
      case 'sig3':
        // The peer test states no expected value; this one is recomputed in ../shared/domain (§1.7, vector A).
        expect(sig3(need(v.token, 'token'), need(v.timestamp, 'timestamp'), need(v.nonce, 'nonce'))).toBe('76480565cbe296026c53aaacd1ad523a1ddba24f');
        return;
      case 'msg-signature':
        expect(signatureHolds(v)).toBe(true);
        return;
      case 'signature-mismatch':
        expect(signatureHolds(v)).toBe(false);
        return;
      case 'decrypt-wrong-appid': {
        expect(signatureHolds(v)).toBe(true);
        let error: unknown;
        try {
          cipherOf(v).decrypt(need(v.encrypt, 'encrypt'));
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(WechatCryptoError);
        expect((error as WechatCryptoError).code).toBe(WechatCryptoErrorCode.ValidateAppid);
        return;
      }
      case 'roundtrip': {
        const cipher = cipherOf(v);
        const encrypt = cipher.encrypt(need(v.plaintext, 'plaintext'));
        expect(cipher.decrypt(encrypt).message).toBe(v.plaintext);
        expect(wecomDecrypt(need(v.encodingAesKey, 'key'), encrypt)).toMatchObject({ message: v.plaintext, id: v.appId });
        return;
      }
      case 'decrypt': {
        if (v.informational) {
          // A stale vector (see SOURCES.md): it must be refused, by the signature or by the padding.
          let opened = true;
          try {
            cipherOf(v).decrypt(need(v.encrypt, 'encrypt'));
          } catch {
            opened = false;
          }
          expect(signatureHolds(v) && opened).toBe(false);
          return;
        }
        if (v.msgSignature) expect(signatureHolds(v)).toBe(true);
        const { message } = cipherOf(v).decrypt(need(v.encrypt, 'encrypt'));
        expect(wecomDecrypt(need(v.encodingAesKey, 'key'), need(v.encrypt, 'encrypt'))).toMatchObject({ message, id: v.appId });
        if (v.expectPlaintext !== undefined) expect(message).toBe(v.expectPlaintext);
        if (v.expectFields) expect(parseWechatXml(message)).toMatchObject(v.expectFields);
        // Compatible-mode bodies: the plaintext fields beside <Encrypt> agree with the decrypted ones.
        if (v.body) {
          const beside = parseWechatXml(v.body);
          const inside = parseWechatXml(message);
          for (const [name, value] of Object.entries(beside)) if (name !== 'Encrypt' && name in inside) expect(inside[name]).toBe(value);
        }
        return;
      }
    }
  });
});
