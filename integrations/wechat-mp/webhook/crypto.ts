import { createCipheriv, createDecipheriv, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * WeChat message crypto (WXBizMsgCrypt) on node:crypto: the 3-field URL signature, the 4-field
 * msg_signature, and AES-256-CBC with PKCS#7 padding to 32-byte blocks. Error codes follow the
 * official samples (-40001 … -40011).
 */

export const WechatCryptoErrorCode = {
  ValidateSignature: -40001,
  ParseXml: -40002,
  ComputeSignature: -40003,
  IllegalAesKey: -40004,
  ValidateAppid: -40005,
  EncryptAes: -40006,
  DecryptAes: -40007,
  IllegalBuffer: -40008,
  EncodeBase64: -40009,
  DecodeBase64: -40010,
  GenReturnXml: -40011,
} as const;
export type WechatCryptoErrorCode = (typeof WechatCryptoErrorCode)[keyof typeof WechatCryptoErrorCode];

export class WechatCryptoError extends Error {
  override name = 'WechatCryptoError';
  constructor(
    readonly code: WechatCryptoErrorCode,
    message: string,
  ) {
    super(`wechat crypto ${code}: ${message}`);
  }
}

const BLOCK = 32;
const AES_KEY_PATTERN = /^[A-Za-z0-9]{43}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

function sha1Sorted(parts: string[]): string {
  return hash('sha1', [...parts].sort().join(''), 'hex');
}

/** sha1 over the sorted token, timestamp and nonce: the URL `signature` of GET and POST. */
export function sig3(token: string, timestamp: string, nonce: string): string {
  return sha1Sorted([token, timestamp, nonce]);
}

/** sha1 over the sorted token, timestamp, nonce and Encrypt: the safe-mode `msg_signature`. */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1Sorted([token, timestamp, nonce, encrypt]);
}

/** Constant-time comparison of two hex signatures (length leaks only, which is public). */
export function signatureEquals(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** How many PKCS#7 (K = 32) pad bytes follow `length` bytes: 1..32. */
const padLength = (length: number): number => BLOCK - (length % BLOCK);

/** PKCS#7 padding to a multiple of 32 bytes: 1..32 bytes, each equal to the pad length. */
export function pkcs7Pad(data: Buffer): Buffer {
  const pad = padLength(data.length);
  return Buffer.concat([data, Buffer.alloc(pad, pad)]);
}

/** Strips and validates PKCS#7 (K = 32) padding. */
export function pkcs7Unpad(data: Buffer): Buffer {
  if (data.length === 0 || data.length % 16 !== 0) {
    throw new WechatCryptoError(WechatCryptoErrorCode.IllegalBuffer, `decrypted length ${data.length} is not a whole number of blocks`);
  }
  const pad = data[data.length - 1]!;
  if (pad < 1 || pad > BLOCK || pad > data.length) {
    throw new WechatCryptoError(WechatCryptoErrorCode.IllegalBuffer, `invalid PKCS#7 pad byte ${pad}`);
  }
  for (let i = data.length - pad; i < data.length; i++) {
    if (data[i] !== pad) throw new WechatCryptoError(WechatCryptoErrorCode.IllegalBuffer, 'inconsistent PKCS#7 padding');
  }
  return data.subarray(0, data.length - pad);
}

/** The 32-byte AES key from a 43-character EncodingAESKey. */
export function aesKeyFrom(encodingAesKey: string): Buffer {
  if (!AES_KEY_PATTERN.test(encodingAesKey)) {
    throw new WechatCryptoError(WechatCryptoErrorCode.IllegalAesKey, 'EncodingAESKey must be 43 characters from [A-Za-z0-9]');
  }
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WechatCryptoError(WechatCryptoErrorCode.IllegalAesKey, `AES key decodes to ${key.length} bytes, not 32`);
  return key;
}

export interface DecryptedMessage {
  message: string;
  appId: string;
  random: Buffer;
}

/** A cipher bound to one account's EncodingAESKey and AppID. */
export interface WechatCipher {
  /** Base64 ciphertext of random16 ‖ len(4, BE) ‖ message ‖ AppID. `random` is for test vectors. */
  encrypt(message: string, random?: Buffer): string;
  /** Decrypts and checks the trailing AppID (-40005 on mismatch). */
  decrypt(encrypt: string): DecryptedMessage;
}

/** Random bytes drawn from the CSPRNG 4 KB at a time (one `randomBytes` call per 256 replies); each slice is used once. */
let randomPool = Buffer.alloc(0);
let randomOffset = 0;
function randomPrefix(): Buffer {
  if (randomOffset + 16 > randomPool.length) {
    randomPool = randomBytes(4096);
    randomOffset = 0;
  }
  randomOffset += 16;
  return randomPool.subarray(randomOffset - 16, randomOffset);
}

export function createWechatCipher(encodingAesKey: string, appId: string): WechatCipher {
  const key = aesKeyFrom(encodingAesKey);
  const iv = key.subarray(0, 16);
  const appIdBytes = Buffer.from(appId, 'utf8');
  // AES-256-CBC decryption as one ECB pass plus XOR (P_i = D(C_i) ⊕ C_{i−1}, C_0 = IV): the ECB
  // decipher has no chaining state, so one object serves every message (creating a CBC decipher
  // per message was the larger part of decrypting).
  // AES-256-CBC encryption on one long-lived CBC cipher that is never finalised: its chaining
  // state after a message is that message's last ciphertext block C. Starting the next message
  // with P_1 ⊕ IV ⊕ C makes its first block E(P_1 ⊕ IV), exactly as a fresh cipher with the IV.
  const cbc = createCipheriv('aes-256-cbc', key, iv);
  cbc.setAutoPadding(false);
  const chain = Buffer.from(iv);
  const cbcEncrypt = (plain: Buffer): Buffer => {
    for (let i = 0; i < 16; i++) plain[i]! ^= iv[i]! ^ chain[i]!;
    let sealed: Buffer;
    try {
      sealed = cbc.update(plain);
    } catch (error) {
      throw new WechatCryptoError(WechatCryptoErrorCode.EncryptAes, (error as Error).message);
    }
    sealed.copy(chain, 0, sealed.length - 16);
    return sealed;
  };
  const ecb = createDecipheriv('aes-256-ecb', key, null);
  ecb.setAutoPadding(false);
  const cbcDecrypt = (data: Buffer): Buffer => {
    let plain: Buffer;
    try {
      plain = ecb.update(data);
    } catch (error) {
      throw new WechatCryptoError(WechatCryptoErrorCode.DecryptAes, (error as Error).message);
    }
    for (let i = 0; i < 16; i++) plain[i]! ^= iv[i]!;
    for (let i = 16; i < plain.length; i++) plain[i]! ^= data[i - 16]!;
    return plain;
  };
  return {
    encrypt(message, random = randomPrefix()) {
      if (random.length !== 16) throw new WechatCryptoError(WechatCryptoErrorCode.EncryptAes, 'random prefix must be 16 bytes');
      // One buffer for random16 ‖ len ‖ message ‖ AppID ‖ PKCS#7 padding (same bytes as pkcs7Pad over the concatenation).
      const bodyLength = Buffer.byteLength(message, 'utf8');
      const unpadded = 20 + bodyLength + appIdBytes.length;
      const pad = padLength(unpadded);
      const plain = Buffer.allocUnsafe(unpadded + pad);
      random.copy(plain, 0);
      plain.writeUInt32BE(bodyLength, 16);
      plain.write(message, 20, 'utf8');
      appIdBytes.copy(plain, 20 + bodyLength);
      plain.fill(pad, unpadded);
      return cbcEncrypt(plain).toString('base64');
    },
    decrypt(encrypt) {
      if (encrypt.length === 0 || !BASE64_PATTERN.test(encrypt)) {
        throw new WechatCryptoError(WechatCryptoErrorCode.DecodeBase64, 'Encrypt is not base64');
      }
      const data = Buffer.from(encrypt, 'base64');
      if (data.length === 0 || data.length % 16 !== 0) {
        throw new WechatCryptoError(WechatCryptoErrorCode.DecryptAes, `ciphertext length ${data.length} is not a multiple of 16`);
      }
      const content = pkcs7Unpad(cbcDecrypt(data));
      if (content.length < 20) throw new WechatCryptoError(WechatCryptoErrorCode.IllegalBuffer, 'decrypted content shorter than its header');
      const length = content.readUInt32BE(16);
      if (20 + length > content.length) {
        throw new WechatCryptoError(WechatCryptoErrorCode.IllegalBuffer, `message length ${length} exceeds the decrypted content`);
      }
      const got = content.subarray(20 + length);
      if (got.length !== appIdBytes.length || !timingSafeEqual(got, appIdBytes)) {
        throw new WechatCryptoError(WechatCryptoErrorCode.ValidateAppid, 'AppID in the message does not match this account');
      }
      return { message: content.subarray(20, 20 + length).toString('utf8'), appId, random: content.subarray(0, 16) };
    },
  };
}
