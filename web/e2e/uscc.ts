// GB 32100-2015 codes for the tests: valid ones (with the GB 11714 organisation-code check
// character at 17 and the final check character at 18) and ones with a wrong final character.
const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
const ORG_W = [3, 7, 9, 10, 5, 8, 4, 2]

function orgCheck(body: string): string {
  let sum = 0
  for (let i = 0; i < 8; i++) {
    const c = body[i]
    const v = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55
    sum += v * ORG_W[i]
  }
  const n = 11 - (sum % 11)
  return n === 10 ? 'X' : n === 11 ? '0' : String(n)
}

export function usccCheck(first17: string): string {
  let sum = 0
  for (let i = 0; i < 17; i++) sum += CHARS.indexOf(first17[i]) * W[i]
  return CHARS[(31 - (sum % 31)) % 31]
}

/** A valid code for a company registered in Pudong (310115) with a random organisation code. */
export function randomUscc(): string {
  for (;;) {
    let body = ''
    for (let i = 0; i < 8; i++) body += '0123456789'[Math.floor(Math.random() * 10)]
    const org = body + orgCheck(body)
    const first17 = `91310115${org}`
    if ([...first17].every((c) => CHARS.includes(c))) return first17 + usccCheck(first17)
  }
}

/** The same code with a wrong final character, and the character the server will ask for. */
export function withWrongCheck(valid: string): { code: string; expected: string; got: string } {
  const expected = valid[17]
  const got = expected === '4' ? '5' : '4'
  return { code: valid.slice(0, 17) + got, expected, got }
}
