// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) for the demo admin accounts.
import { createHmac } from 'node:crypto'

export const DEMO_TOTP_SECRET = 'ZHITONGDEMOTOTPSECRET234'

function base32(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const c of s.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(c)
    if (i < 0) throw new Error(`bad base32 character ${c}`)
    value = (value << 5) | i
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

export function totp(secret: string, at = Date.now()): string {
  const counter = Math.floor(at / 1000 / 30)
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const h = createHmac('sha1', base32(secret)).update(msg).digest()
  const off = h[h.length - 1] & 0x0f
  const n = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3]
  return String(n % 1_000_000).padStart(6, '0')
}

/** A code with at least `margin` seconds left in its window (waits for the next one if not). */
export async function freshTotp(secret = DEMO_TOTP_SECRET, margin = 5): Promise<string> {
  const left = 30 - ((Date.now() / 1000) % 30)
  if (left < margin) await new Promise((r) => setTimeout(r, left * 1000 + 200))
  return totp(secret)
}
