import { describe, expect, it } from 'vitest'
import { cleanTags, conditionBar, isExpired, percent, percentText, statusTagType, verdictGroup, verdictTagType } from '@/utils/policy'

describe('policy display', () => {
  it('shows near misses apart from the other failures', () => {
    expect(verdictGroup('eligible', false)).toBe('eligible')
    expect(verdictGroup('not_eligible', true)).toBe('near_miss')
    expect(verdictGroup('not_eligible', false)).toBe('not_eligible')
    expect(verdictGroup('undetermined', false)).toBe('undetermined')
  })

  it('colours verdicts 符合 green, 差一点 orange, 待补充 grey, 不符合 red', () => {
    expect(verdictTagType('eligible')).toBe('success')
    expect(verdictTagType('near_miss')).toBe('warning')
    expect(verdictTagType('undetermined')).toBe('info')
    expect(verdictTagType('not_eligible')).toBe('danger')
  })

  it('colours statuses', () => {
    expect(statusTagType('published')).toBe('success')
    expect(statusTagType('draft')).toBe('info')
    expect(statusTagType('withdrawn')).toBe('warning')
  })

  it('computes shares, never showing 0% for a non-zero part', () => {
    expect(percent(1273, 2001)).toBe(63.6)
    expect(percent(1, 0)).toBe(0)
    expect(percentText(1, 2001)).toBe('<0.1')
    expect(percentText(0, 2001)).toBe('0')
    expect(percentText(439, 2001)).toBe('21.9')
  })

  it('splits a condition bar into pass / fail / missing', () => {
    expect(conditionBar({ id: 'c1', pass: 3, fail: 1, missing: 0 })).toEqual({ pass: 75, fail: 25, missing: 0, total: 4 })
    expect(conditionBar({ id: 'c1', pass: 0, fail: 0, missing: 0 })).toEqual({ pass: 0, fail: 0, missing: 0, total: 0 })
  })

  it('knows an expired policy', () => {
    expect(isExpired('2026-01-01', '2026-01-02')).toBe(true)
    expect(isExpired('2026-01-02', '2026-01-02')).toBe(false)
    expect(isExpired(null, '2026-01-02')).toBe(false)
  })

  it('cleans typed tags', () => {
    expect(cleanTags([' 高企 ', '', '研发', '高企'])).toEqual(['高企', '研发'])
  })
})
