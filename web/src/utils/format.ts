/** "ZHIT ONGD EMOT …": a TOTP secret in groups of four for typing by hand. */
export function groupSecret(secret: string, size = 4): string {
  const clean = secret.replace(/\s+/g, '')
  const out: string[] = []
  for (let i = 0; i < clean.length; i += size) out.push(clean.slice(i, i + size))
  return out.join(' ')
}
