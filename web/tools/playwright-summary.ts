// Prints the plain closing line "N passed, N failed[, N skipped]" that CI reads.
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter'

export default class SummaryReporter implements Reporter {
  private outcomes = new Map<string, string>()

  onTestEnd(test: TestCase, _result: TestResult): void {
    this.outcomes.set(test.id, test.outcome())
  }

  onEnd(): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const o of this.outcomes.values()) {
      if (o === 'expected' || o === 'flaky') passed++
      else if (o === 'skipped') skipped++
      else failed++
    }
    process.stdout.write(`\nplaywright: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`)
  }

  printsToStdio(): boolean {
    return false
  }
}
