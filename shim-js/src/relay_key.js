// relay_key: the embedder's side of Wisp key authentication (extension 0x03,
// protocol/PROTOCOL.md). The host kernel reads the relay's offer and asks for
// a signature of its challenge (guest_run.js); this turns the key run() was
// given into a signer that answers with WebCrypto's Ed25519, so the private
// key never enters the kernel's memory.
//
// run({ relayKey }) takes:
//   - PKCS#8 PEM text ("BEGIN PRIVATE KEY", as `openssl genpkey -algorithm
//     ed25519` writes it) or its DER bytes;
//   - an unencrypted OpenSSH private key ("BEGIN OPENSSH PRIVATE KEY", as
//     `ssh-keygen -t ed25519 -N ''` writes it), text or bytes;
//   - an extractable Ed25519 CryptoKey (private), or a CryptoKeyPair (any
//     private key: the public half names the key to the relay).
// Text and CryptoKeys cross to a Worker by structured clone as they are.

const PEM_PKCS8 = 'PRIVATE KEY';
const PEM_OPENSSH = 'OPENSSH PRIVATE KEY';
const ED25519 = 'Ed25519';
// PKCS#8 of an Ed25519 key (RFC 8410) is this prefix and the 32-byte seed.
const PKCS8_ED25519_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
const ED25519_SEED_BYTES = 32;
const ED25519_PUBLIC_KEY_BYTES = 32;
const DER_SEQUENCE = 0x30;

/**
 * A private key for the relay's key authentication, as run() takes it.
 * @typedef {string | Uint8Array | ArrayBuffer | CryptoKey | CryptoKeyPair} RelayKey
 */

/**
 * What the kernel's challenge is answered with: the key's name on the wire
 * (SHA-256 of its raw public key, as Wisp v2 draft 6 says) and its signatures.
 * @typedef {{ keyHash: Uint8Array, sign: (challenge: Uint8Array<ArrayBuffer>) => Promise<Uint8Array> }} RelaySigner
 */

/** @param {string} why */
const keyError = (why) => new Error(`relayKey: ${why}`);

/** The WebCrypto this platform has, or a clear error (pages must be secure contexts). */
function subtle() {
  const found = globalThis.crypto?.subtle;
  if (!found)
    throw keyError('signing needs WebCrypto (crypto.subtle), which this context lacks: serve the page over https or from localhost');
  return found;
}

/** @param {string} base64 @returns {Uint8Array<ArrayBuffer>} */
function fromBase64(base64) {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/**
 * The body of the PEM block labelled `label` in text, or null if there is none.
 * @param {string} text @param {string} label
 */
function pemBody(text, label) {
  const match = text.match(new RegExp(`-----BEGIN ${label}-----([^-]*)-----END ${label}-----`));
  if (!match) return null;
  try {
    return fromBase64(match[1].replace(/\s+/g, ''));
  } catch {
    throw keyError(`the ${label} block is not valid base64`);
  }
}

/**
 * Reads the SSH wire format: u32 big-endian lengths before strings.
 * @param {Uint8Array} bytes
 */
function sshReader(bytes) {
  let at = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (/** @type {number} */ count) => {
    if (at + count > bytes.length) throw keyError('the OpenSSH private key is truncated');
  };
  return {
    u32() {
      need(4);
      at += 4;
      return view.getUint32(at - 4);
    },
    string() {
      const length = this.u32();
      need(length);
      at += length;
      return bytes.subarray(at - length, at);
    },
    text() {
      return new TextDecoder().decode(this.string());
    },
  };
}

/**
 * PKCS#8 DER of an unencrypted OpenSSH Ed25519 private key (its layout is
 * PROTOCOL.key in OpenSSH's source).
 * @param {Uint8Array} body  the decoded base64 of the PEM block
 */
function fromOpenSsh(body) {
  const magic = 'openssh-key-v1\0';
  if (new TextDecoder().decode(body.subarray(0, magic.length)) !== magic)
    throw keyError('not an OpenSSH private key (no openssh-key-v1 header)');
  const reader = sshReader(body.subarray(magic.length));
  const cipher = reader.text();
  reader.text(); // kdf name
  reader.string(); // kdf options
  if (cipher !== 'none')
    throw keyError(
      `the OpenSSH key is protected by a passphrase (cipher ${cipher}); give a copy without one ` +
        "(ssh-keygen -p -N '' -f COPY) or the key as PKCS#8",
    );
  if (reader.u32() !== 1) throw keyError('the OpenSSH file must hold exactly one key');
  reader.string(); // the public key blob, repeated in the private section
  const secret = sshReader(reader.string());
  if (secret.u32() !== secret.u32()) throw keyError('the OpenSSH private key is corrupt (check numbers differ)');
  const type = secret.text();
  if (type !== 'ssh-ed25519') throw keyError(`the OpenSSH key is ${type}; Wisp key authentication takes Ed25519 keys only`);
  const publicKey = secret.string();
  const privateKey = secret.string(); // seed, then the public key again
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || privateKey.length !== ED25519_SEED_BYTES + ED25519_PUBLIC_KEY_BYTES)
    throw keyError('the OpenSSH Ed25519 key has the wrong length');
  return new Uint8Array([...PKCS8_ED25519_PREFIX, ...privateKey.subarray(0, ED25519_SEED_BYTES)]);
}

/**
 * PKCS#8 DER bytes of the key given as text or bytes.
 * @param {string | Uint8Array} key
 * @returns {Uint8Array<ArrayBuffer>}
 */
function pkcs8Of(key) {
  // DER starts with a SEQUENCE (0x30); anything else is read as text.
  if (typeof key !== 'string' && key[0] === DER_SEQUENCE) return new Uint8Array(key);
  const text = typeof key === 'string' ? key : new TextDecoder().decode(key);
  if (/^\s*(ssh-|-----BEGIN PUBLIC KEY)/.test(text))
    throw keyError('this is a public key; relayKey is the private key (the relay lists the public one)');
  if (text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----'))
    throw keyError('the PKCS#8 key is encrypted; give it unencrypted (openssl pkey -in KEY -out COPY)');
  const openssh = pemBody(text, PEM_OPENSSH);
  if (openssh) return fromOpenSsh(openssh);
  const pkcs8 = pemBody(text, PEM_PKCS8);
  if (pkcs8) return pkcs8;
  throw keyError('expected an Ed25519 private key: PKCS#8 PEM (BEGIN PRIVATE KEY) or OpenSSH (BEGIN OPENSSH PRIVATE KEY)');
}

/**
 * The private and raw public key of what run() was given.
 * @param {RelayKey} key
 * @returns {Promise<{ privateKey: CryptoKey, publicKey: Uint8Array<ArrayBuffer> }>}
 */
async function keyPairOf(key) {
  const crypto = subtle();
  if (typeof CryptoKey === 'function' && key instanceof CryptoKey) {
    if (key.type !== 'private' || key.algorithm.name !== ED25519 || !key.usages.includes('sign'))
      throw keyError(`the CryptoKey must be an Ed25519 private key for signing (got ${key.algorithm.name} ${key.type})`);
    if (!key.extractable)
      throw keyError('this CryptoKey is not extractable, so its public key is unknown: pass the CryptoKeyPair instead');
    const { x } = await crypto.exportKey('jwk', key);
    return { privateKey: key, publicKey: fromBase64(/** @type {string} */ (x).replace(/-/g, '+').replace(/_/g, '/')) };
  }
  if (typeof key === 'object' && key !== null && 'privateKey' in key && 'publicKey' in key) {
    const { privateKey, publicKey } = /** @type {CryptoKeyPair} */ (key);
    if (privateKey.algorithm.name !== ED25519) throw keyError(`the key pair is ${privateKey.algorithm.name}, not Ed25519`);
    return { privateKey, publicKey: new Uint8Array(await crypto.exportKey('raw', publicKey)) };
  }
  const bytes = typeof key === 'string' ? key : key instanceof ArrayBuffer ? new Uint8Array(key) : key;
  if (typeof bytes !== 'string' && !(bytes instanceof Uint8Array))
    throw keyError('expected PEM text, key bytes, a CryptoKey or a CryptoKeyPair');
  let privateKey;
  let der;
  try {
    der = pkcs8Of(bytes);
    privateKey = await crypto.importKey('pkcs8', der, { name: ED25519 }, true, ['sign']);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('relayKey:')) throw error;
    // WebKitGTK's WebCrypto refuses a valid key whose 32-byte secret begins
    // with a zero byte (one key in 256): say so rather than call it malformed.
    if (der && der.length === PKCS8_ED25519_PREFIX.length + ED25519_SEED_BYTES && der[PKCS8_ED25519_PREFIX.length] === 0)
      throw keyError(
        "this browser's WebCrypto cannot import this Ed25519 key: its secret begins with a zero byte " +
          '(a WebKitGTK limit that hits one key in 256); make another key',
      );
    throw keyError(`not an Ed25519 private key in PKCS#8 (${error instanceof Error ? error.message : error})`);
  }
  return keyPairOf(privateKey);
}

/**
 * A signer for the relay's key challenge from the key run() was given.
 * Rejects with a "relayKey: …" error for anything but an Ed25519 private key.
 * @param {RelayKey} key
 * @returns {Promise<RelaySigner>}
 */
export async function relaySigner(key) {
  const { privateKey, publicKey } = await keyPairOf(key);
  const crypto = subtle();
  const keyHash = new Uint8Array(await crypto.digest('SHA-256', publicKey));
  return {
    keyHash,
    sign: async (challenge) => new Uint8Array(await crypto.sign(ED25519, privateKey, challenge)),
  };
}
